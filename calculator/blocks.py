"""The calculator's HTML that depends on the inputs alone, drawn once and cached.

The result block htmx swaps, the lesson embed's small block and the page's input column
never read the user, the session or the CSRF token, so a block drawn for one learner
serves all (see calculator_cache for the key). The page around them (calculator_views)
adds what depends on who asks: the header, the save form, the saved scenarios.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from functools import lru_cache

from django.http import HttpRequest
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.safestring import SafeString, mark_safe

from meshlearn import fragments

from . import cache as result_cache
from .forms import CalculatorForm, form_data
from .results import results_context

PAGE = result_cache.PAGE
LIVE = result_cache.LIVE
EMBED = result_cache.EMBED
CHART_ID = "calc-chart"


@lru_cache(maxsize=4)
def _cleared_error_slots(shape: str) -> str:
    """Every field's error slot, empty: what a valid answer swaps in beside the inputs.

    The same for all valid inputs, so drawn once per `shape` (the templates' digest).
    """
    return render_to_string(f"{PAGE}#errors-oob", {"form": CalculatorForm(), "oob": True})


# The blocks this process used last, so a repeat skips the key's hash and the shared cache's
# unpickling (or, with Redis, its round trip). Safe to keep in a process: a block is a pure
# function of what the key holds. As many as the local-memory cache holds (~30 KB each).
RECENT_BLOCKS = 1000
_recent_blocks: fragments.Recent = fragments.Recent()


def _cached(
    data: dict[str, str], part: str, base_url: str, draw: Callable[[], tuple[str, bool]]
) -> SafeString:
    """`part` of the page for the form data `data`: from the cache, or drawn and, when
    `draw` says the inputs were valid, stored."""
    recent_key = (part, base_url, result_cache.shape_digest(), *data.items())
    html = _recent_blocks.get(recent_key)
    if html is not None:
        return html
    key = result_cache.key(data, variant=part, chart_id=CHART_ID, base_url=base_url)
    html = fragments.cache_get(key)
    if html is None:
        html, valid = draw()
        if not valid:
            return mark_safe(html)  # noqa: S308 (an error block: neither stored nor kept)
        fragments.cache_set(key, html, result_cache.TIMEOUT)
    # Drawn by autoescaped templates and calculator_html, which escapes every value.
    return _recent_blocks.keep(recent_key, mark_safe(html), RECENT_BLOCKS)  # noqa: S308


def live_block(
    request: HttpRequest,
    params: Mapping[str, str],
    *,
    swapped: bool,
    form: CalculatorForm | None = None,
) -> SafeString:
    """The result block for these inputs (`form`, when given, is already bound to them).

    `swapped`: the htmx answer, which also clears or fills each field's error slot (out of
    band) and shows the Copy button at once (the page shows it when site.js has loaded).
    """
    data = form_data(params)
    base_url = request.build_absolute_uri(reverse("calculator"))  # the share link's

    def draw() -> tuple[str, bool]:
        bound = form if form is not None else CalculatorForm(data)
        context = results_context(bound, chart_id=CHART_ID)
        valid = context["estimate"] is not None
        if valid:
            context["share_url"] = f"{base_url}?{context['share_query']}"
        context["swapped"] = swapped
        html = render_to_string(LIVE, context)
        if swapped:
            # htmx swaps 2xx answers only, so field errors come back as 200 with the result
            # block plus each field's error slot, swapped out of band.
            if valid:
                html += _cleared_error_slots(result_cache.shape_digest())
            else:
                html += render_to_string(f"{PAGE}#errors-oob", {"form": bound, "oob": True})
        return html, valid

    return _cached(data, "swap" if swapped else "page", base_url, draw)


def inputs_column(form: CalculatorForm) -> SafeString:
    """The page's form (19 widgets through Django's widget templates: the page's dearest
    part), which shows only the inputs, so it is cached with them too."""
    return _cached(
        form.data,
        "inputs",
        "",
        lambda: (render_to_string(f"{PAGE}#inputs", {"form": form}), form.is_valid()),
    )


def compact_block(params: Mapping[str, str]) -> SafeString:
    """The lesson embed's small result block, which htmx swaps as its inputs change."""
    data = form_data(params)

    def draw() -> tuple[str, bool]:
        context = results_context(CalculatorForm(data))
        return render_to_string(f"{EMBED}#results", context), context["estimate"] is not None

    return _cached(data, "compact", "", draw)
