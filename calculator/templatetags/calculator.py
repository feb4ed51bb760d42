"""Template tag for the calculator embedded in lesson pages (section kind "calculator").

`{% load calculator %}{% calculator_embed section.slug as calc %}`, then
`{% include "calculator/embed.html" %}` draws it: see
templates/lessons/partials/_calculator_embed.html.
"""

from django import template

from calculator.forms import EMBED_FIELDS, CalculatorForm

register = template.Library()


@register.simple_tag
def calculator_embed(slug: str, params=None) -> dict[str, object]:
    """The embed's form and result: Istio's defaults, or `params` (the lesson page's query
    when the embed's Calculate was pressed without JavaScript).

    Ids carry the section slug, so two calculator sections on one page stay distinct.
    """
    form = CalculatorForm(params or {}, auto_id=f"calc-{slug}-%s")
    results = form.results()  # the embed draws no chart
    return {
        "slug": slug,
        "form": form,
        "results": results,
        "fields": [(form[name], form.specs[name]) for name in EMBED_FIELDS],
        # also given by name, as the tag always has (lesson templates may read them)
        "estimate": results.estimate,
        "inputs": results.inputs,
        "share_query": results.share_query,
    }
