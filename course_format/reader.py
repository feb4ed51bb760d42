"""Typed access to one YAML document's values, with located errors. Pure Python."""

import re

from .yamlfile import Path_, YamlDocument

SLUG = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")


class Reader:
    """Typed access to one YAML document's values, with located errors."""

    def __init__(self, doc: YamlDocument):
        self.doc = doc

    def mapping(self, value, path: Path_, allowed: set[str], required: set[str]) -> dict:
        if not isinstance(value, dict):
            raise self.doc.error(path, f"expected a mapping, found {_type_name(value)}")
        for key in value:
            if key not in allowed:
                known = ", ".join(sorted(allowed))
                raise self.doc.error((*path, key), f"unknown key '{key}' (known keys: {known})")
        for key in sorted(required):
            if key not in value or value[key] in (None, ""):
                raise self.doc.error(path, f"missing required key '{key}'")
        return value

    def text(self, value, path: Path_, *, max_length: int | None = None) -> str:
        if value is None:
            return ""
        if isinstance(value, bool) or not isinstance(value, str | int | float):
            raise self.doc.error(path, f"expected text, found {_type_name(value)}")
        text = str(value)
        if max_length and len(text) > max_length:
            raise self.doc.error(path, f"is longer than {max_length} characters")
        return text

    def slug(self, value, path: Path_) -> str:
        text = self.text(value, path, max_length=50)
        if not SLUG.match(text):
            raise self.doc.error(path, f"'{text}' is not a slug (lowercase letters, digits, '-')")
        return text

    def boolean(self, value, path: Path_, default: bool) -> bool:
        if value is None:
            return default
        if not isinstance(value, bool):
            raise self.doc.error(path, f"expected true or false, found {value!r}")
        return value

    def choice(self, value, path: Path_, options: tuple[str, ...], default: str) -> str:
        if value is None:
            return default
        if value not in options:
            raise self.doc.error(path, f"'{value}' is not one of {', '.join(options)}")
        return value

    def whole_number(self, value, path: Path_) -> int:
        if isinstance(value, bool) or not isinstance(value, int):
            raise self.doc.error(path, "expected a whole number")
        return value

    def sequence(self, value, path: Path_) -> list:
        if value is None:
            return []
        if not isinstance(value, list):
            raise self.doc.error(path, f"expected a list, found {_type_name(value)}")
        return value


def _type_name(value) -> str:
    return {dict: "a mapping", list: "a list", str: "text", bool: "true/false"}.get(
        type(value), type(value).__name__
    )
