"""Moments as the pages show them: a <time> whose datetime machines read, and text that says
its zone. One zone for every reader (an instructor and their learners see the same clock), so
UTC, said on every time rather than left for the reader to guess."""

from datetime import UTC, datetime

from django import template
from django.utils.dateformat import format as date_format
from django.utils.html import format_html

register = template.Library()


@register.filter
def utc_time(value: datetime | None) -> str:
    """`<time datetime="2026-11-25T20:14:05+00:00">25 Nov 2026, 20:14 UTC</time>`; '' for None.

    Plain spaces: the text stays the "25 Nov 2026, 20:14" it was before the zone was added,
    which people (and the team tests) search the pages for.
    """
    if value is None:
        return ""
    moment = value.astimezone(UTC)
    return format_html(
        '<time datetime="{}">{}, {}</time>',
        moment.isoformat(timespec="seconds"),
        date_format(moment, "j M Y"),
        f"{moment:%H:%M} UTC",
    )
