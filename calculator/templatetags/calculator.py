"""Template tag for the calculator embedded in lesson pages."""

from django import template

from calculator.forms import EMBED_FIELDS, CalculatorForm
from calculator.results import results_context

register = template.Library()


@register.simple_tag
def calculator_embed(slug: str) -> dict[str, object]:
    """The embed's form and starting result (Istio's defaults), shown without JavaScript.

    Ids carry the section slug, so two calculator sections on one page stay distinct.
    """
    form = CalculatorForm({}, auto_id=f"calc-{slug}-%s")
    context = results_context(form, chart_id=f"calc-{slug}-chart")
    context["fields"] = [(form[name], form.specs[name]) for name in EMBED_FIELDS]
    return context
