"""Walk one resource's YAML tree against its schema: unknown fields, wrong types, bad enums,
missing required fields, durations that are not durations, deprecated fields.

Schema findings carry IST0106 (istioctl's SchemaValidationError); deprecations carry ML0020.

The walk spends a step of the check's work budget per value. Paths are built already clipped to
what a problem shows (problems.clip): under a 100 KB key, each of a thousand problems would
otherwise carry its own 100 KB copy of it. The last part of a path, which messages name ("port
must be..."), is kept beside it, since the clipped path may have lost it.
"""

from __future__ import annotations

import difflib
import re

from . import problems as codes
from .budget import spend, spend_text
from .durations import duration_hint, parse_duration
from .field_types import (
    Anything,
    Boolean,
    Duration,
    Enum,
    FieldType,
    Integer,
    ListOf,
    MapOf,
    Number,
    Obj,
    Regex,
    Text,
)
from .matchers import check_regex
from .problems import MAX_MESSAGE, MAX_PATH, Problem, clip
from .type_wording import describe_type, kind_of, list_hint, map_hint, node_kind, scalar_hint
from .unknown_fields import unknown_field
from .yamlsource import Node


def check_tree(node: Node, field_type: FieldType, path: str, out: list[Problem]) -> None:
    """Append the problems of `node` against `field_type`; `path` names `node` in messages."""
    _check(node, field_type, _Where(clip(path, MAX_PATH), clip(_last(path), MAX_MESSAGE)), out)


class _Where:
    """A value's dotted path (clipped) and the path's last part (for messages)."""

    __slots__ = ("path", "last")

    def __init__(self, path: str, last: str):
        self.path, self.last = path, last

    def key(self, key: str) -> _Where:
        short = clip(key, MAX_PATH)
        path = clip(f"{self.path}.{short}", MAX_PATH) if self.path else short
        return _Where(path, clip(key.rsplit(".", 1)[-1], MAX_MESSAGE))

    def index(self, index: int) -> _Where:
        return _Where(
            clip(f"{self.path}[{index}]", MAX_PATH), clip(f"{self.last}[{index}]", MAX_MESSAGE)
        )


def _check(node: Node, field_type: FieldType, where: _Where, out: list[Problem]) -> None:
    spend()
    if node.is_scalar and node.value is None and not isinstance(field_type, Anything):
        return  # `field:` with nothing after it: Kubernetes treats null as unset
    if isinstance(field_type, Obj):
        _check_object(node, field_type, where, out)
    elif isinstance(field_type, ListOf):
        if not node.is_seq:
            out.append(_wrong_type(node, where, "a list", list_hint(node)))
            return
        for index, item in enumerate(node.items()):
            _check(item, field_type.item, where.index(index), out)
    elif isinstance(field_type, MapOf):
        if not node.is_map:
            out.append(_wrong_type(node, where, "a map of names to values", map_hint(node)))
            return
        for key, _, value in node.entries():
            _check(value, field_type.value, where.key(key), out)
    elif not isinstance(field_type, Anything):
        _check_scalar(node, field_type, where, out)


def _check_object(node: Node, schema: Obj, where: _Where, out: list[Problem]) -> None:
    if not node.is_map:
        out.append(_wrong_type(node, where, f"a map of {schema.name} fields", map_hint(node)))
        return
    spend(len(schema.fields) // 8)  # the required fields and one-of groups looked up below
    _check_fields(node, schema, where, out)
    _check_required(node, schema, where, out)
    _check_one_of(node, schema, where.path, out)


def _check_fields(node: Node, schema: Obj, where: _Where, out: list[Problem]) -> None:
    """Each field written: known, not deprecated, and of its type."""
    for key, key_node, value in node.entries():
        child = where.key(key)
        child_path = child.path
        field = schema.fields.get(key)
        if field is None:
            out.append(unknown_field(key, key_node, value, schema, child_path))
            continue
        if field.deprecated:
            out.append(
                Problem(
                    "warning",
                    codes.DEPRECATED_FIELD,
                    child_path,
                    key_node.line,
                    key_node.column,
                    f"`{key}` is deprecated.",
                    f"{field.deprecated} ({schema.doc})",
                )
            )
        _check(value, field.type, child, out)


def _check_required(node: Node, schema: Obj, where: _Where, out: list[Problem]) -> None:
    for key, field in schema.fields.items():
        present = node.get(key)
        if field.required and (present is None or (present.is_scalar and present.value is None)):
            out.append(
                Problem(
                    "error",
                    codes.SCHEMA_VALIDATION_ERROR,
                    where.key(key).path,
                    node.line,
                    node.column,
                    f"{schema.name} needs `{key}`, and it is missing here.",
                    f"See {schema.doc}",
                )
            )


def _check_one_of(node: Node, schema: Obj, path: str, out: list[Problem]) -> None:
    """Groups of fields of which at most one, or exactly one, may be set."""
    for group in schema.at_most_one + schema.exactly_one:
        present = [key for key in group if node.get(key) is not None]
        if len(present) > 1:
            out.append(
                Problem(
                    "error",
                    codes.SCHEMA_VALIDATION_ERROR,
                    path,
                    node.line,
                    node.column,
                    f"Only one of {_or(group)} may be set here; found {_and(present)}.",
                    f"See {schema.doc}",
                )
            )
    for group in schema.exactly_one:
        if not any(node.get(key) is not None for key in group):
            out.append(
                Problem(
                    "error",
                    codes.SCHEMA_VALIDATION_ERROR,
                    path,
                    node.line,
                    node.column,
                    f"{schema.name} needs one of {_or(group)}.",
                    f"See {schema.doc}",
                )
            )


def _check_scalar(node: Node, field_type: FieldType, where: _Where, out: list[Problem]) -> None:
    path = where.path
    if not node.is_scalar:
        wanted = describe_type(field_type)
        hint = scalar_hint(node)
        out.append(_wrong_type(node, where, wanted, hint))
        return
    value = node.value
    if isinstance(field_type, Text | Regex):
        if not isinstance(value, str):
            out.append(
                _wrong_type(
                    node,
                    where,
                    "text",
                    f'Quote it: "{node.raw}" (YAML reads it as {kind_of(value)}).',
                )
            )
        elif isinstance(field_type, Regex):
            check = check_regex(value)
            if check.error:
                out.append(
                    Problem(
                        "error",
                        codes.REGEX_NOT_RE2,
                        path,
                        node.line,
                        node.column,
                        f"`{value}` is not a regular expression Envoy accepts: {check.error}.",
                        "Envoy uses RE2 syntax: https://github.com/google/re2/wiki/Syntax",
                    )
                )
    elif isinstance(field_type, Boolean):
        if not isinstance(value, bool):
            out.append(
                _wrong_type(node, where, "true or false", "Write true or false without quotes.")
            )
    elif isinstance(field_type, Integer):
        _check_number(node, where, field_type.minimum, field_type.maximum, True, out)
    elif isinstance(field_type, Number):
        _check_number(node, where, field_type.minimum, field_type.maximum, False, out)
    elif isinstance(field_type, Enum):
        _check_enum(node, field_type, where, out)
    elif isinstance(field_type, Duration):
        _check_duration(node, field_type, where, out)


def _check_number(
    node: Node,
    where: _Where,
    low: float | None,
    high: float | None,
    whole: bool,
    out: list[Problem],
) -> None:
    path = where.path
    value = node.value
    wanted = "a whole number" if whole else "a number"
    if (
        isinstance(value, bool)
        or not isinstance(value, int | float)
        or (whole and isinstance(value, float))
    ):
        hint = "Remove the quotes." if isinstance(value, str) and _looks_numeric(value) else ""
        out.append(_wrong_type(node, where, wanted, hint))
        return
    if (low is not None and value < low) or (high is not None and value > high):
        bounds = f"between {low} and {high}" if high is not None else f"at least {low}"
        out.append(
            Problem(
                "error",
                codes.SCHEMA_VALIDATION_ERROR,
                path,
                node.line,
                node.column,
                f"{where.last} must be {bounds}; it is {value}.",
            )
        )


def _check_enum(node: Node, enum: Enum, where: _Where, out: list[Problem]) -> None:
    path = where.path
    value = node.text()
    values = enum.values
    matched = None
    if value is not None:
        if enum.case_insensitive:
            matched = next((v for v in values if v.lower() == value.lower()), None)
        elif value in values:
            matched = value
    if matched is None:
        spend_text(value or "")
        upper = (value or "").upper().replace("-", "_")
        close = [v for v in values if v == upper] or difflib.get_close_matches(upper, values, n=1)
        hint = f"Did you mean `{close[0]}`? " if close else ""
        out.append(
            Problem(
                enum.unknown_severity,
                codes.SCHEMA_VALIDATION_ERROR,
                path,
                node.line,
                node.column,
                f"`{node.raw}` is not a valid {where.last}"
                + (
                    "; Istio will treat the port as plain TCP."
                    if enum.unknown_severity == "warning"
                    else "."
                ),
                f"{hint}Valid values: {', '.join(values)}.",
            )
        )
    elif matched in enum.deprecated:
        out.append(
            Problem(
                "warning",
                codes.DEPRECATED_FIELD,
                path,
                node.line,
                node.column,
                f"`{matched}` is deprecated.",
                enum.deprecated[matched],
            )
        )


def _check_duration(node: Node, duration: Duration, where: _Where, out: list[Problem]) -> None:
    path = where.path
    value = node.value
    if not isinstance(value, str):
        out.append(
            Problem(
                "error",
                codes.SCHEMA_VALIDATION_ERROR,
                path,
                node.line,
                node.column,
                f'{where.last} must be a duration such as "10s"; `{node.raw}` has no unit.',
                duration_hint(node.raw),
            )
        )
        return
    seconds = parse_duration(value)
    if seconds is None:
        out.append(
            Problem(
                "error",
                codes.SCHEMA_VALIDATION_ERROR,
                path,
                node.line,
                node.column,
                f"`{value}` is not a duration.",
                duration_hint(value),
            )
        )
    elif seconds < duration.minimum_seconds:
        out.append(
            Problem(
                "error",
                codes.SCHEMA_VALIDATION_ERROR,
                path,
                node.line,
                node.column,
                f"{where.last} must be at least 1ms; it is `{value}`.",
            )
        )


def _wrong_type(node: Node, where: _Where, wanted: str, hint: str = "") -> Problem:
    return Problem(
        "error",
        codes.SCHEMA_VALIDATION_ERROR,
        where.path,
        node.line,
        node.column,
        f"{where.last or 'This'} should be {wanted}, but here it is {node_kind(node)}.",
        hint,
    )


def _looks_numeric(text: str) -> bool:
    return bool(re.fullmatch(r"-?\d+(\.\d+)?", text.strip()))


def _last(path: str) -> str:
    return path.rsplit(".", 1)[-1] if path else ""


def _or(keys) -> str:
    names = [f"`{key}`" for key in keys]
    return ", ".join(names[:-1]) + " or " + names[-1] if len(names) > 1 else names[0]


def _and(keys) -> str:
    names = [f"`{key}`" for key in keys]
    return ", ".join(names[:-1]) + " and " + names[-1] if len(names) > 1 else names[0]
