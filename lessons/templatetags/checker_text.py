"""The Istio checker's messages as HTML: `names` in code, links clickable, the rest escaped.

The checker (lessons/istio/) writes plain text with backticks around field names, as in
`istioctl analyze` output; a page showing the backticks themselves reads like unrendered
Markdown. Messages can quote what a learner pasted, so everything is escaped first.
"""

from django import template
from django.utils.html import urlize
from django.utils.safestring import SafeString, mark_safe

register = template.Library()


@register.filter(needs_autoescape=True)
def checker_text(value, autoescape: bool = True) -> SafeString:
    html = urlize(str(value), nofollow=False, autoescape=autoescape)
    parts = html.split("`")
    if len(parts) % 2 == 0:  # an odd number of backticks: leave them as written
        return mark_safe(html)
    # urlize escaped the text; a backtick never ends up inside a tag it made (a word starting
    # with one is not taken for a link), so wrapping the quoted spans keeps the HTML well formed.
    return mark_safe(
        "".join(f"<code>{part}</code>" if index % 2 else part for index, part in enumerate(parts))
    )
