"""A section's sources in the admin as lines of text, "Title | https://…", one source per line.

The stored value does not change: a list of {"title": …, "url": …}, the course file's shape, so
loadcourse, the import and the export read and write exactly what they did. Only the admin's
field differs: it shows the stored list as lines and reads lines back into the same list, with
an error per bad line. A stored value that lines cannot say exactly (a title with spaces around
it, an address with a space or a "|", anything not a list of {title, url}) is shown as JSON, as
before; and JSON typed or pasted into the field is read as JSON, as before, then checked by the
model against the course file's rule (Section.clean).
"""

import json
import math
from urllib.parse import urlsplit

from django import forms
from django.contrib.admin.widgets import AdminTextareaWidget
from django.core.exceptions import ValidationError

from lessons.rendering import unix_newlines

MAX_URL_LENGTH = 500  # the course file's limit (course_schema.py)
EXAMPLE = (
    "Istio docs: Traffic management | https://istio.io/latest/docs/concepts/traffic-management/"
)
HELP_TEXT = (
    "Where the facts come from, one source per line: its title, a “|”, then its https:// "
    f"address. For example: {EXAMPLE}"
)


class LineProblem(ValueError):
    """A line that is not "Title | https://address"; the message says what to fix."""


def read_line(line: str) -> dict:
    """One line "Title | https://address" as a source {title, url}; LineProblem if it is not.

    The address is what follows the last "|" (an address has none: it would be written %7C),
    so a title may hold one: "Istio | Traffic management | https://…".
    """
    title, bar, url = line.rpartition("|")
    title, url = title.strip(), url.strip()
    if not bar:
        if url.startswith(("https://", "http://")) and " " not in url:
            raise LineProblem("no title. Write the title first, then “|” and the address.")
        raise LineProblem("no address. Add “|” and the https:// address after the title.")
    if not title:
        raise LineProblem("the title before “|” is empty.")
    if not url:
        raise LineProblem("no address after “|”. Add the https:// address.")
    if any(character.isspace() for character in url):
        raise LineProblem(f"the address “{url}” has a space in it: one address per line.")
    if url.startswith("http://"):
        raise LineProblem(
            f"“{url}” is an http:// address: sources link https:// addresses only (as the"
            " course file does). Use its https:// address."
        )
    if not url.startswith("https://"):
        raise LineProblem(f"“{url}” is not an https:// address.")
    if not urlsplit(url).netloc:
        raise LineProblem(f"“{url}” has no host name after https://.")
    if len(url) > MAX_URL_LENGTH:
        raise LineProblem(f"the address is longer than {MAX_URL_LENGTH} characters.")
    return {"title": title, "url": url}


def read_lines(text: str) -> list[dict]:
    """Every non-blank line as a source, in order; ValidationError listing each bad line."""
    sources, problems = [], []
    for number, line in enumerate(text.split("\n"), start=1):
        if not line.strip():
            continue
        try:
            sources.append(read_line(line))
        except LineProblem as problem:
            problems.append(f"Line {number}: {problem}")
    if problems:
        raise ValidationError(problems, code="invalid")
    return sources


def as_lines(sources) -> str | None:
    """The stored sources as lines, or None when lines would not read back exactly as stored."""
    if not isinstance(sources, list):
        return None
    lines = []
    for source in sources:
        # Key order is no part of the value: PostgreSQL's jsonb stores "url" before "title".
        if not isinstance(source, dict) or set(source) != {"title", "url"}:
            return None
        title, url = source["title"], source["url"]
        if not isinstance(title, str) or not isinstance(url, str):
            return None
        line = f"{title} | {url}"
        try:
            if read_line(line) != source:
                return None
        except LineProblem:
            return None
        lines.append(line)
    return "\n".join(lines)


class SourcesTextarea(AdminTextareaWidget):
    """As tall as its lines (wrapped at about 80 characters), 3 to 15 rows."""

    def get_context(self, name, value, attrs):
        context = super().get_context(name, value, attrs)
        lines = str(context["widget"]["value"] or "").split("\n")
        rows = sum(max(1, math.ceil(len(line) / 80)) for line in lines) + 1
        context["widget"]["attrs"]["rows"] = min(15, max(3, rows))
        return context


class _Typed(str):
    """What the author typed, shown again as it was when the form comes back with errors."""


class SourcesField(forms.Field):
    """Sources as lines (see the module's docstring); JSON is read as JSON, as before."""

    widget = SourcesTextarea(attrs={"spellcheck": "false"})
    default_error_messages = {
        "invalid_json": (
            "This starts like JSON but is not valid JSON (%(error)s). Write one source per line"
            " instead: its title, a “|”, then its https:// address."
        ),
    }

    def __init__(self, **kwargs):
        kwargs.setdefault("required", False)
        kwargs.setdefault("help_text", HELP_TEXT)
        super().__init__(**kwargs)

    def to_python(self, value):
        text = unix_newlines(value or "").strip()
        if not text:
            return []
        try:
            return json.loads(text)  # JSON, as the field took before: the model checks it
        except json.JSONDecodeError as error:
            if text[0] in "[{":
                raise ValidationError(
                    self.error_messages["invalid_json"],
                    code="invalid_json",
                    params={"error": f"line {error.lineno}, column {error.colno}: {error.msg}"},
                ) from None
        return read_lines(text)

    def has_changed(self, initial, data):
        try:
            sources = self.to_python(data)
        except ValidationError:
            return True
        return sources != (initial or [])  # a new inline row has no initial: none is no change

    def bound_data(self, data, initial):
        return _Typed(data or "")

    def prepare_value(self, value):
        if isinstance(value, _Typed):
            return value
        if value is None:
            return ""
        lines = as_lines(value)
        if lines is not None:
            return lines
        return json.dumps(value, ensure_ascii=False)
