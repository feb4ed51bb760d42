"""The calculator's HTML for valid inputs, kept in Django's cache and shared by every learner.

The result block (the page's, or htmx's swap), the lesson embed's results and the page's
input column depend on the inputs alone, never on who asks, so one rendering serves every
learner and, with Redis, every process. The key names the part and the inputs; the cache
version (`version()`) names the release and the figures' version, so a deploy or new
figures never serve HTML drawn by older templates or from older numbers. Invalid inputs
are never stored. The cache only speeds pages up: when it is down, the part is drawn.
"""

from __future__ import annotations

import hashlib
import json
import logging

from django.conf import settings
from django.core.cache import cache
from django.template.loader import render_to_string
from django.utils.safestring import SafeString

from . import figures
from .forms import CalculatorForm

logger = logging.getLogger(__name__)

TIMEOUT = 24 * 60 * 60  # results never go stale; the day only bounds what Redis keeps
PAGE = "calculator/calculator.html"
EMBED = "calculator/embed.html"
PARTS = {  # each part's template, and whether the inputs as typed (not as read) show in it
    "swap": (f"{PAGE}#swap", False),  # htmx's answer: the block and every field's error slot
    "live": (f"{PAGE}#live", False),  # the block as the whole page shows it
    "inputs": (f"{PAGE}#inputs", True),  # the form: its boxes show what was typed ("020")
    "compact": (f"{EMBED}#results", False),  # the lesson embed's results
}


def version() -> str:
    """What the cached HTML is drawn from besides its key: the code and templates of this
    release, and the figures. (The lesson page, which embeds the calculator, uses it too.)"""
    return f"{settings.MESHLEARN_RELEASE}.{figures.VERSION}"


def key(part: str, inputs: object, page_url: str = "") -> str:
    # JSON keeps the parts apart whatever the values hold; the hash bounds the key's length.
    named = json.dumps([inputs, page_url], sort_keys=True)
    return f"calculator:{part}:{hashlib.sha256(named.encode()).hexdigest()}"


def render_part(part: str, form: CalculatorForm, page_url: str = "") -> SafeString:
    """`part` of the calculator for the inputs in `form`: from the cache, or drawn (and kept
    when the inputs are valid). `page_url`: the calculator's absolute address, which the
    result block's share link shows."""
    template, as_typed = PARTS[part]
    results = form.results()
    context = {"form": form, "results": results, "page_url": page_url}
    if results is None:
        return render_to_string(template, context)
    cache_key = key(part, form.data if as_typed else results.share_query, page_url)
    try:
        html = cache.get(cache_key, version=version())
    except Exception:  # any backend's outage (Redis down) slows the page; it must not break it
        logger.warning("calculator cache: get failed; drawing instead", exc_info=True)
        html = None
    if html is None:
        html = render_to_string(template, context)
        try:
            cache.set(cache_key, html, TIMEOUT, version=version())
        except Exception:
            logger.warning("calculator cache: set failed", exc_info=True)
    return html
