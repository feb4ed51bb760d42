"""Plain text with `backticked` names as HTML: the names in <code>, everything escaped.

The Istio checker (istio_checker/) writes its messages with backticks around field names, as in
`istioctl analyze` output, and quiz authors write choices and their "why" notes the same way; a
page showing the backticks themselves reads like unrendered Markdown. The text can quote what a
learner pasted, so every piece is escaped. The text is split at the backticks first and each
piece escaped (and, for checker messages, its links made clickable) on its own, so a backtick
inside a URL can never leave a tag half open.
"""

from django import template
from django.utils.html import escape, urlize
from django.utils.safestring import SafeString, mark_safe

register = template.Library()


def _render(value, *, links: bool) -> SafeString:
    text = str(value)
    parts = text.split("`")
    if len(parts) % 2 == 0:  # an odd number of backticks: leave them as written
        parts = [text]
    html = []
    for index, part in enumerate(parts):
        if index % 2:
            html.append(f"<code>{escape(part)}</code>")
        elif links:
            html.append(urlize(part, nofollow=False, autoescape=True))
        else:
            html.append(escape(part))
    return mark_safe("".join(html))


@register.filter
def checker_text(value) -> SafeString:
    """A checker message or hint: code spans, and its URLs as links."""
    return _render(value, links=True)


@register.filter
def code_spans(value) -> SafeString:
    """An author's plain text (a quiz choice, a "why" note): code spans only."""
    return _render(value, links=False)
