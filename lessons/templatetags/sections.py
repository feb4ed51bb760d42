"""Template filters and tags about a lesson's sections."""

from django import template
from django.db.models import prefetch_related_objects

register = template.Library()


@register.filter
def has_kind(sections, kind: str) -> bool:
    """Whether any of the sections is of `kind` (e.g. a quiz section, which links the quiz)."""
    return any(getattr(section, "kind", None) == kind for section in sections)


@register.simple_tag(takes_context=True)
def section_examples(context, section):
    """The section's config examples. A section body is drawn only when the fragment cache
    misses it; the first one drawn reads the examples of every section on the page (context's
    `sections`) in one query, so a page costs the same queries however many sections it has."""
    prefetch_related_objects(context.get("sections") or [section], "examples")
    return section.examples.all()
