"""Template filters about a lesson's sections."""

from django import template

register = template.Library()


@register.filter
def has_kind(sections, kind: str) -> bool:
    """Whether any of the sections is of `kind` (e.g. a quiz section, which links the quiz)."""
    return any(getattr(section, "kind", None) == kind for section in sections)
