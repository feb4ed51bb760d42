"""Author text → safe HTML. Pure functions, called once when content is saved, never per request.

Markdown comes from instructors, so the HTML it produces is sanitised with nh3 (an allow-list)
before it is stored: a `<script>` or an `onclick` in a lesson never reaches a learner.
"""

import functools
import math
import re

import nh3
from markdown_it import MarkdownIt
from pygments import highlight
from pygments.formatters import HtmlFormatter
from pygments.lexers import get_lexer_by_name
from pygments.util import ClassNotFound

WORDS_PER_MINUTE = 200  # a common figure for technical prose; code reads slower, so it counts too

_ALLOWED_TAGS = {
    "a",
    "abbr",
    "b",
    "blockquote",
    "br",
    "code",
    "dd",
    "del",
    "details",
    "div",
    "dl",
    "dt",
    "em",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "hr",
    "i",
    "kbd",
    "li",
    "ol",
    "p",
    "pre",
    "s",
    "span",
    "strong",
    "sub",
    "summary",
    "sup",
    "table",
    "tbody",
    "td",
    "th",
    "thead",
    "tr",
    "ul",
}
_ALLOWED_ATTRIBUTES = {
    "a": {"href", "title"},
    "span": {"class"},
    "div": {"class"},
    "pre": {"class"},
    "code": {"class"},
    "th": {"align"},
    "td": {"align"},
}
_FORMATTER = HtmlFormatter(nowrap=True)


def unix_newlines(text: str) -> str:
    """Browsers send textareas with CRLF; stored that way, an exported course file writes every
    such text as a quoted string full of escapes instead of a readable block."""
    return text.replace("\r\n", "\n").replace("\r", "\n")


@functools.lru_cache(maxsize=64)
def _lexer(lang: str):
    """Pygments' lexer for a fence's language, looked up once per name: 2,500 lookups cost
    0.08 s of a 500-lesson course's 2.4 s of loading. A lexer keeps only its options, so one
    serves every highlight."""
    try:
        return get_lexer_by_name(lang or "text")
    except ClassNotFound:
        return get_lexer_by_name("text")


def _highlight(code: str, lang: str) -> str:
    lexer = _lexer(lang)
    # Starts with "<pre" so markdown-it uses it as it is instead of wrapping it again.
    return f'<pre class="code"><code>{highlight(code, lexer, _FORMATTER)}</code></pre>'


def _highlight_fence(code: str, lang: str, _attrs: str) -> str:
    return _highlight(code, lang)


_MARKDOWN = MarkdownIt("commonmark", {"html": False, "highlight": _highlight_fence}).enable(
    ["table", "strikethrough"]
)


def sanitise_html(html: str) -> str:
    return nh3.clean(
        html,
        tags=_ALLOWED_TAGS,
        attributes=_ALLOWED_ATTRIBUTES,
        url_schemes={"http", "https", "mailto"},
        link_rel="noopener noreferrer",
    )


def markdown_to_html(text: str) -> str:
    """Render author Markdown (raw HTML disabled) and sanitise the result."""
    if not text.strip():
        return ""
    return sanitise_html(_MARKDOWN.render(text))


_CARD_HEADING = re.compile(r"(?=<h3>)")


def cards_html(html: str) -> str:
    """A section laid out as cards: each `###` heading starts one. Runs on sanitised HTML and
    adds only fixed tags, so nothing an author writes gets through."""
    intro, *cards = _CARD_HEADING.split(html)
    if not cards:
        return html
    items = "".join(f'<li class="card">{card}</li>' for card in cards)
    return f'{intro}<ul class="cards" role="list">{items}</ul>'


def highlight_yaml(text: str) -> str:
    """Pygments-highlighted YAML, classes only (colours come from site.css custom properties)."""
    return sanitise_html(_highlight(text, "yaml"))


_WORD = re.compile(r"[\w'’.-]+")
_URL = re.compile(r"https?://\S+?(?=[)\s>]|$)")  # a link's address is not read aloud


def count_words(text: str) -> int:
    return len(_WORD.findall(_URL.sub("", text)))


def reading_minutes(text: str, words_per_minute: int = WORDS_PER_MINUTE) -> int:
    """Whole minutes, at least one: what a learner can plan around."""
    return max(1, math.ceil(count_words(text) / words_per_minute))
