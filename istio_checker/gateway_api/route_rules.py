"""The rules of HTTPRoute and GRPCRoute that a field table cannot express: the CEL rules and
string formats of the Gateway API CRDs (the API server refuses a route that breaks one, so
each is an error with IST0106), and the regexes Istio hands to Envoy's RE2.

Sources: kubernetes-sigs/gateway-api v1.6.0 config/crd/standard/gateway.networking.k8s.io_
httproutes.yaml and _grpcroutes.yaml (x-kubernetes-validations), the HTTPRoute reference
(https://gateway-api.sigs.k8s.io/reference/spec/#httprouterule) and istio/istio
pilot/pkg/config/kube/gateway/conversion.go (createURIMatch, createHeadersMatch: regexes are
passed to Envoy as RE2 `safe_regex`).
"""

from __future__ import annotations

import re

from ..budget import spend
from ..matchers import check_regex
from ..node_readers import items, text
from ..problems import Problem
from ..yamlsource import Node
from . import strings as s
from .filters import check_filters
from .refs import check_backend_ref, check_parent_refs

MAX_MATCHES_PER_ROUTE = 128  # CEL on spec.rules: the matches of all rules together


def check_route(spec: Node, kind: str, out: list[Problem]) -> None:
    check_parent_refs(spec.get("parentRefs"), "spec.parentRefs", out)
    for index, host in enumerate(items(spec.get("hostnames"))):
        s.check_format(host, s.HOSTNAME, f"spec.hostnames[{index}]", out)
    rules = spec.get("rules")
    if kind == "HTTPRoute" and rules is not None and rules.is_seq and not rules.items():
        out.append(
            s.bad(rules, "spec.rules", "An HTTPRoute needs at least one rule, or none written.")
        )
    total = 0
    for index, rule in enumerate(items(rules)):
        spend()
        if not rule.is_map:
            continue
        where = f"spec.rules[{index}]"
        total += len(items(rule.get("matches")))
        s.check_format(rule.get("name"), s.SECTION_NAME, f"{where}.name", out)
        if kind == "HTTPRoute":
            _check_http_rule(rule, where, out)
        else:
            _check_grpc_rule(rule, where, out)
    if total > MAX_MATCHES_PER_ROUTE:
        out.append(
            s.bad(
                rules,
                "spec.rules",
                f"This {kind} has {total} matches in all; the matches of all its rules together "
                f"may number at most {MAX_MATCHES_PER_ROUTE}.",
                "Split it into several routes.",
            )
        )


def _check_http_rule(rule: Node, where: str, out: list[Problem]) -> None:
    matches = items(rule.get("matches"))
    for index, match in enumerate(matches):
        if match.is_map:
            _check_http_match(match, f"{where}.matches[{index}]", out)
    filters = rule.get("filters")
    check_filters(filters, f"{where}.filters", "HTTPRoute", out)
    backends = [b for b in items(rule.get("backendRefs")) if b.is_map]
    for index, backend in enumerate(backends):
        check_backend_ref(backend, f"{where}.backendRefs[{index}]", out)
        check_filters(
            backend.get("filters"), f"{where}.backendRefs[{index}].filters", "HTTPRoute", out
        )
    redirect = _filter_of(filters, "requestRedirect")
    if redirect is not None and backends:
        out.append(
            s.bad(
                redirect,
                f"{where}.filters",
                "A RequestRedirect filter must not be used together with backendRefs.",
                "A redirect answers the request itself; drop the backendRefs or the redirect.",
            )
        )
    for field in ("requestRedirect", "urlRewrite"):
        found = _filter_of(filters, field)
        path = found.get("path") if found is not None and found.is_map else None
        if (
            path is not None
            and text(path.get("type")) == "ReplacePrefixMatch"
            and not _one_prefix(matches)
        ):
            out.append(
                s.bad(
                    path,
                    f"{where}.filters",
                    f"`replacePrefixMatch` in {field} needs exactly one match in the rule, of type "
                    "PathPrefix: it replaces that prefix.",
                )
            )
    _check_timeouts(rule.get("timeouts"), f"{where}.timeouts", out)


def _filter_of(filters: Node | None, field: str) -> Node | None:
    for entry in items(filters):
        found = entry.get(field) if entry.is_map else None
        if found is not None:
            return found
    return None


def _one_prefix(matches: list[Node]) -> bool:
    if len(matches) != 1 or not matches[0].is_map:
        return False
    path = matches[0].get("path")
    return (
        path is not None
        and path.is_map
        and (text(path.get("type")) or "PathPrefix") == "PathPrefix"
    )


def _check_http_match(match: Node, where: str, out: list[Problem]) -> None:
    path = match.get("path")
    if path is not None and path.is_map:
        _check_path(path, f"{where}.path", out)
    for field, value_format in (("headers", s.HEADER_VALUE), ("queryParams", s.QUERY_VALUE)):
        for index, entry in enumerate(items(match.get(field))):
            if entry.is_map:
                _check_value_match(entry, f"{where}.{field}[{index}]", value_format, out)


def _check_path(path: Node, where: str, out: list[Problem]) -> None:
    kind = text(path.get("type")) or "PathPrefix"
    value_node = path.get("value")
    value = s.check_format(value_node, s.PATH_VALUE, f"{where}.value", out)
    if value is None:
        return
    if kind == "RegularExpression":
        _check_re2(value_node, value, f"{where}.value", out)
        return
    if kind not in ("Exact", "PathPrefix"):
        return  # the enum check says so
    wrong = _path_mistake(value)
    if wrong:
        out.append(
            s.bad(
                value_node,
                f"{where}.value",
                f"An {kind} path {wrong}.",
                "https://gateway-api.sigs.k8s.io/reference/spec/#httppathmatch",
            )
        )


def _path_mistake(value: str) -> str:
    """What the CRD's CEL rules find wrong with an Exact or PathPrefix path, or ""."""
    if not value.startswith("/"):
        return "must be absolute: start it with `/`"
    for part in ("//", "/./", "/../", "%2f", "%2F", "#"):
        if part in value:
            return f"must not contain `{part}`"
    for end in ("/..", "/."):
        if value.endswith(end):
            return f"must not end with `{end}`"
    if not s.PATH_CHARS.fullmatch(value):
        return "holds characters a URL path may not (encode them as %XX)"
    return ""


def _check_value_match(entry: Node, where: str, value_format: s.Format, out: list[Problem]) -> None:
    s.check_format(entry.get("name"), s.HEADER_NAME, f"{where}.name", out)
    value = s.check_format(entry.get("value"), value_format, f"{where}.value", out)
    if value is not None and text(entry.get("type")) == "RegularExpression":
        _check_re2(entry.get("value"), value, f"{where}.value", out)


def _check_re2(node: Node, pattern: str, where: str, out: list[Problem]) -> None:
    found = check_regex(pattern)
    if found.error:
        out.append(
            s.bad(
                node,
                where,
                f"Envoy cannot use this regular expression: {found.error}.",
                "Istio passes Gateway API regexes to Envoy as RE2 "
                "(https://github.com/google/re2/wiki/Syntax).",
            )
        )


def _check_timeouts(timeouts: Node | None, where: str, out: list[Problem]) -> None:
    if timeouts is None or not timeouts.is_map:
        return
    seconds = {}
    for field in ("request", "backendRequest"):
        value = s.check_format(timeouts.get(field), s.DURATION, f"{where}.{field}", out)
        if value is not None:
            seconds[field] = duration_seconds(value)
    request, backend = seconds.get("request"), seconds.get("backendRequest")
    if request and backend is not None and backend > request:
        out.append(
            s.bad(
                timeouts.get("backendRequest"),
                f"{where}.backendRequest",
                "backendRequest timeout cannot be longer than the request timeout.",
                "The request timeout covers every try to the backend; `0s` means none.",
            )
        )


def duration_seconds(value: str) -> float:
    """Seconds in a Gateway API duration that matched strings.DURATION (e.g. `1m30s`)."""
    total, number = 0.0, ""
    units = {"h": 3600.0, "m": 60.0, "s": 1.0}
    index = 0
    while index < len(value):
        char = value[index]
        if char.isdigit():
            number += char
        elif value.startswith("ms", index):
            total, number, index = total + int(number) / 1000, "", index + 1
        else:
            total, number = total + int(number) * units[char], ""
        index += 1
    return total


def _check_grpc_rule(rule: Node, where: str, out: list[Problem]) -> None:
    for index, match in enumerate(items(rule.get("matches"))):
        if not match.is_map:
            continue
        at = f"{where}.matches[{index}]"
        for number, header in enumerate(items(match.get("headers"))):
            if header.is_map:
                _check_value_match(header, f"{at}.headers[{number}]", s.HEADER_VALUE, out)
        method = match.get("method")
        if method is not None and method.is_map:
            _check_grpc_method(method, f"{at}.method", out)
    check_filters(rule.get("filters"), f"{where}.filters", "GRPCRoute", out)
    for index, backend in enumerate(items(rule.get("backendRefs"))):
        if backend.is_map:
            check_backend_ref(backend, f"{where}.backendRefs[{index}]", out)
            check_filters(
                backend.get("filters"), f"{where}.backendRefs[{index}].filters", "GRPCRoute", out
            )


_GRPC_SERVICE = s.Format(
    "a gRPC service name such as `helloworld.Greeter`",
    re.compile(r"(?i)\.?[a-z_][a-z_0-9]*(\.[a-z_][a-z_0-9]*)*"),
    1024,
)
_GRPC_METHOD = s.Format(
    "a gRPC method name such as `SayHello`", re.compile(r"[A-Za-z_][A-Za-z_0-9]*"), 1024
)


def _check_grpc_method(method: Node, where: str, out: list[Problem]) -> None:
    if method.get("service") is None and method.get("method") is None:
        out.append(s.bad(method, where, "A gRPC method match needs `service`, `method` or both."))
        return
    regex = text(method.get("type")) == "RegularExpression"
    for field, fmt in (("service", _GRPC_SERVICE), ("method", _GRPC_METHOD)):
        node = method.get(field)
        if node is None:
            continue
        if regex:
            value = s.check_format(node, s.Format("a regex", None, 1024), f"{where}.{field}", out)
            if value is not None:
                _check_re2(node, value, f"{where}.{field}", out)
        else:
            s.check_format(node, fmt, f"{where}.{field}", out)
