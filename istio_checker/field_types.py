"""The vocabulary the Istio field tables (schema.py) are written in: the types a field can
have, a field, a message (`Obj`) and a kind's schema with the API versions Istio serves."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field


@dataclass(frozen=True)
class Text:
    """A string; the CRDs' OpenAPI limits where they set them (minLength, maxLength, pattern).
    `pattern` is matched with Python's `re` only on strings within `max_length` (each pattern
    here has one repetition, so a failed match costs time linear in the string)."""

    min_length: int = 0
    max_length: int | None = None
    pattern: str = ""
    pattern_wording: str = ""  # what the pattern asks for, in words


@dataclass(frozen=True)
class Integer:
    minimum: int | None = None
    maximum: int | None = None


@dataclass(frozen=True)
class Number:
    minimum: float | None = None
    maximum: float | None = None
    above: float | None = None  # an exclusive minimum (istiod: "should be greater than 0")


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
    min_items: int = 0
    max_items: int | None = None
    unique: bool = False  # the CRD's `x-kubernetes-list-type: set`-like rule: no value twice


@dataclass(frozen=True)
class MapOf:
    value: FieldType
    key: Text | PortKey | None = None  # what each key must be, where the CRD says
    min_entries: int = 0


@dataclass(frozen=True)
class PortKey:
    """A map key that must be a port number, 1 to 65535 (PeerAuthentication.portLevelMtls)."""


@dataclass(frozen=True)
class Field:
    type: FieldType
    required: bool = False
    deprecated: str = ""  # why and what to use instead
    alias_of: str = ""  # a snake_case name Istio still accepts for this camelCase field


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


def alias(field_type: FieldType, camel: str) -> Field:
    """A snake_case spelling the CRD still lists (and istiod reads) beside `camel`."""
    return Field(field_type, alias_of=camel)


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
