"""How the schema walk words a value of the wrong shape: what the field wanted, what was
written, and the hint that usually fixes it (most are indentation slips)."""

from __future__ import annotations

from .field_types import Boolean, Duration, Enum, FieldType, Integer, Number, Regex, Text
from .yamlsource import Node


def list_hint(node: Node) -> str:
    if node.is_map:
        return "Start each item of a list with `- `."
    return "Write a list: one `- item` per line, or [a, b]."


def map_hint(node: Node) -> str:
    if node.is_seq:
        return "Remove the leading `- `: this field holds one map, not a list of them."
    return "Write `name: value` pairs, indented under this field."


def scalar_hint(node: Node) -> str:
    if node.is_seq:
        return "This field holds a single value, not a list."
    return (
        "This field holds a single value, not a map. Check the indentation of the lines below it."
    )


def describe_type(field_type: FieldType) -> str:
    if isinstance(field_type, Text | Regex):
        return "text"
    if isinstance(field_type, Boolean):
        return "true or false"
    if isinstance(field_type, Integer):
        return "a whole number"
    if isinstance(field_type, Number):
        return "a number"
    if isinstance(field_type, Enum):
        return "one of " + ", ".join(field_type.values)
    if isinstance(field_type, Duration):
        return 'a duration such as "10s"'
    return "a value"


def node_kind(node: Node) -> str:
    if node.is_map:
        return "a map"
    if node.is_seq:
        return "a list"
    return kind_of(node.value)


def kind_of(value: object) -> str:
    if isinstance(value, bool):
        return "a boolean"
    if isinstance(value, int):
        return "a number"
    if isinstance(value, float):
        return "a number"
    if value is None:
        return "empty"
    return "text"
