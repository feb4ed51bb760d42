"""The vocabulary the Istio field tables (schema.py) are written in: the types a field can
have, a field, a message (`Obj`) and a kind's schema with the API versions Istio serves."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field


@dataclass(frozen=True)
class Text:
    """A string."""


@dataclass(frozen=True)
class Integer:
    minimum: int | None = None
    maximum: int | None = None


@dataclass(frozen=True)
class Number:
    minimum: float | None = None
    maximum: float | None = None


@dataclass(frozen=True)
class Boolean:
    pass


@dataclass(frozen=True)
class Enum:
    values: tuple[str, ...]
    deprecated: Mapping[str, str] = field(default_factory=dict)  # value -> replacement advice
    case_insensitive: bool = False
    # Protocols Istio does not know fall back to TCP rather than being refused.
    unknown_severity: str = "error"


@dataclass(frozen=True)
class Duration:
    minimum_seconds: float = 0.0


@dataclass(frozen=True)
class Regex:
    """A string holding an RE2 regular expression."""


@dataclass(frozen=True)
class Anything:
    """Any value (used for Kubernetes metadata fields we do not look into)."""


@dataclass(frozen=True)
class ListOf:
    item: FieldType


@dataclass(frozen=True)
class MapOf:
    value: FieldType


@dataclass(frozen=True)
class Field:
    type: FieldType
    required: bool = False
    deprecated: str = ""  # why and what to use instead


@dataclass(frozen=True)
class Obj:
    name: str  # the message name in Istio's reference
    doc: str  # URL of that message
    fields: Mapping[str, Field]
    at_most_one: tuple[tuple[str, ...], ...] = ()  # oneof groups
    exactly_one: tuple[tuple[str, ...], ...] = ()


FieldType = (
    Text | Integer | Number | Boolean | Enum | Duration | Regex | Anything | ListOf | MapOf | Obj
)


def req(field_type: FieldType) -> Field:
    return Field(field_type, required=True)


def old(field_type: FieldType, advice: str) -> Field:
    return Field(field_type, deprecated=advice)


def obj(name: str, doc: str, fields: Mapping[str, FieldType | Field], **groups) -> Obj:
    wrapped = {
        key: value if isinstance(value, Field) else Field(value) for key, value in fields.items()
    }
    return Obj(name, doc, wrapped, **groups)


@dataclass(frozen=True)
class KindSchema:
    kind: str
    group: str
    spec: Obj
    doc: str
    versions: Mapping[str, str]  # served version -> advice ("" for the current one)
