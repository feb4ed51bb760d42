"""The calculator's HTML for one set of inputs, cached in Django's default cache.

The result blocks (the page's and the lesson embed's) and the page's input column are pure
functions of the inputs and of the code and templates that draw them, so one rendering
serves every learner, every process and, with Redis, every host. The key holds the inputs
as the form reads them (each input as sent, its default when left out: no validation is
needed to find a cached block) and a digest of the templates and modules that shape the
HTML, so a deploy never serves a block drawn by older code. Only valid inputs are stored.
The cache is an accelerator, never a dependency: when it fails, the block is drawn as if
the cache were empty and the failure logged.
"""

from __future__ import annotations

import hashlib
import json
import logging
from collections.abc import Mapping
from functools import lru_cache
from importlib import import_module
from pathlib import Path

import django
from django.conf import settings
from django.core.cache import cache
from django.template.loader import get_template

logger = logging.getLogger(__name__)

TIMEOUT = 24 * 60 * 60  # results never go stale; the day only bounds what Redis keeps
PAGE = "lessons/calculator.html"
LIVE = "lessons/partials/_calculator_live.html"
EMBED = "lessons/partials/_calculator_embed.html"
SHAPE_TEMPLATES = (PAGE, LIVE, EMBED)
SHAPE_MODULES = (  # by name: calculator_blocks imports this module
    "lessons.calculator",
    "lessons.calculator_blocks",
    "lessons.calculator_chart",
    "lessons.calculator_figures",
    "lessons.calculator_forms",
    "lessons.calculator_html",
    "lessons.calculator_reading",
    "lessons.calculator_results",
)


@lru_cache(maxsize=1)
def _shape_digest() -> str:
    digest = hashlib.sha256(django.get_version().encode())  # Django draws the widgets
    for name in SHAPE_TEMPLATES:
        digest.update(get_template(name).template.source.encode())
    for name in SHAPE_MODULES:
        digest.update(Path(import_module(name).__file__).read_bytes())
    return digest.hexdigest()[:16]


def shape_digest() -> str:
    """A digest of what draws the block: read once per process (a deploy restarts them)."""
    if settings.DEBUG:  # the development server reloads templates without a restart
        _shape_digest.cache_clear()
    return _shape_digest()


def key(data: Mapping[str, str], *, variant: str, chart_id: str, base_url: str) -> str:
    """The cache key of one block; `data` is the form's data (every input, in order)."""
    # JSON keeps the parts apart whatever the values hold; the hash bounds the key's length.
    parts = json.dumps([variant, chart_id, base_url, list(data.items())])
    return f"calc:{shape_digest()}:{hashlib.sha256(parts.encode()).hexdigest()}"


def get(cache_key: str) -> str | None:
    try:
        return cache.get(cache_key)
    except Exception:  # any backend's outage: render instead
        logger.warning("calculator cache: get failed, rendering instead", exc_info=True)
        return None


def put(cache_key: str, html: str) -> None:
    try:
        cache.set(cache_key, html, TIMEOUT)
    except Exception:
        logger.warning("calculator cache: set failed", exc_info=True)
