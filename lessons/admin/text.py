"""Author text (Markdown, YAML) in the admin: CRLF from the browser becomes LF, and text the
author did not change is saved exactly as it was stored.

Django's form CharField strips leading and trailing whitespace: a section body saved unchanged
lost its final newline, and `dumpcourse` then wrote it as a `|-` block where the course file
has `|`. A section body is now kept as typed (its ends included: a Markdown body may start with
an indented code block). Example YAML and explanations are still trimmed when an author edits
them, as before; only an unchanged one keeps its stored ends.
"""

from django import forms

from lessons.rendering import unix_newlines


class AuthorTextField(forms.CharField):
    """`strip=False` (the default here) keeps the text's ends as typed."""

    def __init__(self, *, strip: bool = False, **kwargs):
        super().__init__(strip=strip, **kwargs)

    def to_python(self, value):
        text = unix_newlines(super().to_python(value))
        # Only blank lines is no text: a required field still says so, an optional one is empty.
        return text if text.strip() else self.empty_value

    def has_changed(self, initial, data):
        # Compared as the field reads both: CRLF, or the ends a trimming field drops, is no edit.
        return self.to_python(data) != self.to_python(initial)


class TrimmedAuthorTextField(AuthorTextField):
    def __init__(self, **kwargs):
        super().__init__(strip=True, **kwargs)


class KeepsUnchangedText:
    """ModelForm mixin: an AuthorTextField the author did not change saves the stored value, so
    an unchanged save writes back exactly what was there."""

    def clean(self):
        cleaned = super().clean()
        for name, field in self.fields.items():
            if not isinstance(field, AuthorTextField) or name not in cleaned:
                continue
            stored = self.get_initial_for_field(field, name)
            if stored is not None and name not in self.changed_data:
                cleaned[name] = stored
        return cleaned
