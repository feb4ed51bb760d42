"""The conditions of one HTTPRoute match held against a sample request, as Envoy evaluates the
routes Istio builds from them.

- Path: Exact compares the whole path; PathPrefix matches whole path segments (`/foo` matches
  `/foo` and `/foo/bar`, not `/foobar`; a trailing `/` in the prefix is ignored): Istio turns
  it into Envoy's `path_separated_prefix` (istio/istio pilot/pkg/networking/core/route/
  route.go, for routes with Gateway API semantics). RegularExpression must match the whole
  path, in RE2.
- Headers: names are case-insensitive, Exact values are compared as written, regexes match the
  whole value (https://gateway-api.sigs.k8s.io/reference/spec/#httpheadermatch).
- Query parameters: names are compared exactly (case-sensitive)
  (https://gateway-api.sigs.k8s.io/reference/spec/#httpqueryparammatch).
- Within one match every condition must hold; the matches of a rule are alternatives.
"""

from __future__ import annotations

from ..budget import spend, spend_text
from ..match_conditions import Sample
from ..matchers import evaluate
from ..node_readers import items, text
from ..route_decision import Condition
from ..yamlsource import Node


def conditions(match: Node | None, sample: Sample) -> list[Condition]:
    found = [_path(match.get("path") if match is not None and match.is_map else None, sample)]
    if match is None or not match.is_map:
        return found
    method = text(match.get("method"))
    if method:
        actual = sample.request.method.upper()
        found.append(Condition("method", f'exact "{method}"', actual, actual == method))
    for field, values, source in (
        ("headers", sample.headers, "header"),
        ("queryParams", sample.params, "query"),
    ):
        for entry in items(match.get(field)):
            spend()
            if not entry.is_map:
                continue
            name = text(entry.get("name")) or ""
            spend_text(name)
            actual = values.get(name.lower() if source == "header" else name)
            how = "regex" if text(entry.get("type")) == "RegularExpression" else "exact"
            result = evaluate({how: text(entry.get("value")) or ""}, actual)
            found.append(
                Condition(
                    f"{field}.{name}", result.expected, _show(actual), result.matched, result.note
                )
            )
    return found


def _path(path: Node | None, sample: Sample) -> Condition:
    kind = (text(path.get("type")) if path is not None and path.is_map else None) or "PathPrefix"
    value = text(path.get("value")) if path is not None and path.is_map else None
    value = "/" if value is None else value
    actual = sample.path
    spend_text(value)
    if kind == "Exact":
        return Condition("path", f'Exact "{value}"', actual, actual == value)
    if kind == "PathPrefix":
        return Condition(
            "path",
            f'PathPrefix "{value}"',
            actual,
            segment_prefix(value, actual),
            "" if value == "/" else "whole segments only",
        )
    result = evaluate({"regex": value}, actual)
    return Condition("path", f'RegularExpression "{value}"', actual, result.matched, result.note)


def segment_prefix(prefix: str, path: str) -> bool:
    """Does `prefix` match `path` element by element, as Envoy's path_separated_prefix does?"""
    trimmed = prefix.rstrip("/")
    if not trimmed:
        return True
    return path == trimmed or path.startswith(trimmed + "/")


def _show(value: str | None) -> str:
    return "(absent)" if value is None else f'"{value}"'
