"""The calculator's HTML for one set of inputs, cached in Django's default cache.

The result blocks (the page's and the lesson embed's) and the page's input column are pure
functions of the inputs and of the code and templates that draw them, so one rendering
serves every learner, every process and, with Redis, every host. The key holds the inputs
as the form reads them (each input as sent, its default when left out: no validation is
needed to find a cached block) and a digest of the templates and modules that shape the
HTML, so a deploy never serves a block drawn by older code. Only valid inputs are stored.
Storing and reading go through meshlearn/fragments.py, where a cache outage only costs a
drawing.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping

import django

from meshlearn import fragments

TIMEOUT = 24 * 60 * 60  # results never go stale; the day only bounds what Redis keeps
PAGE = "calculator/calculator.html"
LIVE = "lessons/partials/_calculator_live.html"
EMBED = "lessons/partials/_calculator_embed.html"
SHAPE_TEMPLATES = (PAGE, LIVE, EMBED)
SHAPE_MODULES = (  # by name: calculator_blocks imports this module
    "calculator.model",
    "calculator.blocks",
    "calculator.chart",
    "calculator.figures",
    "calculator.forms",
    "calculator.html",
    "calculator.reading",
    "calculator.results",
)


@fragments.per_deploy
def shape_digest() -> str:
    """A digest of what draws the block (Django draws the form widgets)."""
    return fragments.shape_digest(SHAPE_TEMPLATES, SHAPE_MODULES, [django.get_version()])


def key(data: Mapping[str, str], *, variant: str, chart_id: str, base_url: str) -> str:
    """The cache key of one block; `data` is the form's data (every input, in order)."""
    # JSON keeps the parts apart whatever the values hold; the hash bounds the key's length.
    parts = json.dumps([variant, chart_id, base_url, list(data.items())])
    return f"calc:{shape_digest()}:{hashlib.sha256(parts.encode()).hexdigest()}"
