"""The checks of one scalar value against its type: text (lengths and patterns the CRDs set),
booleans, numbers and their ranges, enum values (and the release that added them), durations.
Split from structure.py, which walks the maps and lists; both spend the check's work budget.
"""

from __future__ import annotations

import difflib
import re

from . import problems as codes
from .budget import spend_text
from .durations import duration_hint, parse_duration
from .field_types import Boolean, Duration, Enum, FieldType, Integer, Number, Regex, Text
from .matchers import check_regex
from .node_readers import problem_at
from .problems import MAX_MESSAGE, MAX_PATH, Problem, clip
from .releases import value_problem
from .type_wording import describe_type, kind_of, node_kind, scalar_hint
from .yamlsource import Node


class Where:
    """A value's dotted path (clipped) and the path's last part (for messages)."""

    __slots__ = ("path", "last", "message")

    def __init__(self, path: str, last: str, message: str = ""):
        self.path, self.last = path, last
        self.message = message  # the schema message the value is a field of ("" at the top)

    def key(self, key: str, message: str = "") -> Where:
        short = clip(key, MAX_PATH)
        path = clip(f"{self.path}.{short}", MAX_PATH) if self.path else short
        return Where(path, clip(key.rsplit(".", 1)[-1], MAX_MESSAGE), message)

    def index(self, index: int) -> Where:
        return Where(
            clip(f"{self.path}[{index}]", MAX_PATH),
            clip(f"{self.last}[{index}]", MAX_MESSAGE),
            self.message,
        )


def error(node: Node, where: Where, message: str, hint: str = "") -> Problem:
    return Problem(
        "error", codes.SCHEMA_VALIDATION_ERROR, where.path, node.line, node.column, message, hint
    )


def check_scalar(node: Node, field_type: FieldType, where: Where, out: list[Problem]) -> None:
    path = where.path
    if not node.is_scalar:
        wanted = describe_type(field_type)
        hint = scalar_hint(node)
        out.append(wrong_type(node, where, wanted, hint))
        return
    value = node.value
    if isinstance(field_type, Text | Regex):
        if not isinstance(value, str):
            out.append(
                wrong_type(
                    node,
                    where,
                    "text",
                    f'Quote it: "{node.raw}" (YAML reads it as {kind_of(value)}).',
                )
            )
        elif isinstance(field_type, Text):
            _check_text(node, value, field_type, where, out)
        else:
            check = check_regex(value)
            if check.error:
                out.append(
                    problem_at(
                        "error",
                        codes.REGEX_NOT_RE2,
                        path,
                        node,
                        f"`{value}` is not a regular expression Envoy accepts: {check.error}.",
                        "Envoy uses RE2 syntax: https://github.com/google/re2/wiki/Syntax",
                    )
                )
    elif isinstance(field_type, Boolean):
        if not isinstance(value, bool):
            out.append(
                wrong_type(node, where, "true or false", "Write true or false without quotes.")
            )
    elif isinstance(field_type, Integer):
        _check_number(node, where, field_type.minimum, field_type.maximum, True, out)
    elif isinstance(field_type, Number):
        _check_number(node, where, field_type.minimum, field_type.maximum, False, out)
        above = field_type.above
        if above is not None and _is_number(value) and value <= above:
            out.append(
                error(node, where, f"{where.last} must be greater than {above}; it is {value}.")
            )
    elif isinstance(field_type, Enum):
        _check_enum(node, field_type, where, out)
    elif isinstance(field_type, Duration):
        _check_duration(node, field_type, where, out)


def _is_number(value: object) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def _check_text(node: Node, value: str, text: Text, where: Where, out: list[Problem]) -> None:
    """The CRD's minLength, maxLength and pattern (OpenAPI, enforced by the API server)."""
    if len(value) < text.min_length:
        out.append(
            error(
                node,
                where,
                f"{where.last} may not be empty."
                if text.min_length == 1
                else f"{where.last} needs at least {text.min_length} characters.",
            )
        )
    elif text.max_length is not None and len(value) > text.max_length:
        out.append(
            error(
                node,
                where,
                f"{where.last} may have at most {text.max_length} characters; it has {len(value)}.",
            )
        )
    elif text.pattern and value and not re.fullmatch(text.pattern, value):
        spend_text(value)
        out.append(
            error(
                node,
                where,
                f"`{clip(value, MAX_MESSAGE)}` is not valid for {where.last}: "
                f"{text.pattern_wording or 'it must match ' + text.pattern}.",
            )
        )


def _check_number(
    node: Node,
    where: Where,
    low: float | None,
    high: float | None,
    whole: bool,
    out: list[Problem],
) -> None:
    value = node.value
    wanted = "a whole number" if whole else "a number"
    if (
        isinstance(value, bool)
        or not isinstance(value, int | float)
        or (whole and isinstance(value, float))
    ):
        hint = "Remove the quotes." if isinstance(value, str) and _looks_numeric(value) else ""
        out.append(wrong_type(node, where, wanted, hint))
        return
    if (low is not None and value < low) or (high is not None and value > high):
        bounds = f"between {low} and {high}" if high is not None else f"at least {low}"
        out.append(
            error(
                node,
                where,
                f"{where.last} must be {bounds}; it is {value}.",
            )
        )


def _check_enum(node: Node, enum: Enum, where: Where, out: list[Problem]) -> None:
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
            problem_at(
                enum.unknown_severity,
                codes.SCHEMA_VALIDATION_ERROR,
                path,
                node,
                f"`{node.raw}` is not a valid {where.last}"
                + (
                    "; Istio will treat the port as plain TCP."
                    if enum.unknown_severity == "warning"
                    else "."
                ),
                f"{hint}Valid values: {', '.join(values)}.",
            )
        )
    elif late := value_problem(where.message, where.last, matched, path, node.line, node.column):
        out.append(late)
    elif matched in enum.deprecated:
        out.append(
            problem_at(
                "warning",
                codes.DEPRECATED_FIELD,
                path,
                node,
                f"`{matched}` is deprecated.",
                enum.deprecated[matched],
            )
        )


def _check_duration(node: Node, duration: Duration, where: Where, out: list[Problem]) -> None:
    value = node.value
    if not isinstance(value, str):
        out.append(
            error(
                node,
                where,
                f'{where.last} must be a duration such as "10s"; `{node.raw}` has no unit.',
                duration_hint(node.raw),
            )
        )
        return
    seconds = parse_duration(value)
    if seconds is None:
        out.append(
            error(
                node,
                where,
                f"`{value}` is not a duration.",
                duration_hint(value),
            )
        )
    elif seconds < duration.minimum_seconds:
        out.append(
            error(
                node,
                where,
                f"{where.last} must be at least 1ms; it is `{value}`.",
            )
        )


def wrong_type(node: Node, where: Where, wanted: str, hint: str = "") -> Problem:
    return problem_at(
        "error",
        codes.SCHEMA_VALIDATION_ERROR,
        where.path,
        node,
        f"{where.last or 'This'} should be {wanted}, but here it is {node_kind(node)}.",
        hint,
    )


def _looks_numeric(text: str) -> bool:
    return bool(re.fullmatch(r"-?\d+(\.\d+)?", text.strip()))
