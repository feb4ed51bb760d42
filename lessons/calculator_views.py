"""The overhead calculator's pages: thin views around the pure model in `calculator.py`.

GET /calculator/?<inputs> is the whole interface: the query string reproduces a result, a
plain form submit and htmx's live update use the same URL, and /calculator.json answers
with the same parameters.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db import IntegrityError, transaction
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme, urlencode
from django.utils.safestring import mark_safe
from django.views.decorators.http import require_POST, require_safe
from django.views.decorators.vary import vary_on_headers

from lessons.calculator import MODE_LABELS, MODES, compare_modes
from lessons.calculator_chart import dataplane_cpu_chart
from lessons.calculator_forms import CalculatorForm, ScenarioForm
from lessons.calculator_reading import format_value, read_estimate
from lessons.models import SavedScenario

PAGE = "lessons/calculator.html"
EMBED = "lessons/partials/_calculator_embed.html"

# The outputs compared across modes, in the order the side-by-side table shows them.
COMPARED = (
    "latency_p90_ms",
    "latency_p99_ms",
    "dataplane_cpu_total",
    "dataplane_memory_total",
    "controlplane_cpu",
    "overhead_cpu_pct",
    "overhead_memory_pct",
    "rps_capacity",
    "security_score",
    "observability_score",
    "mesh_policies",
)
COMPACT = (  # the lesson embed's shorter table
    "latency_p90_ms",
    "dataplane_cpu_total",
    "dataplane_memory_total",
    "overhead_cpu_pct",
    "overhead_memory_pct",
)
HEADLINES = (
    "latency_p90_ms",
    "rps_capacity",
    "overhead_cpu_pct",
    "overhead_memory_pct",
    "security_score",
    "observability_score",
    "mesh_policies",
)


def results_context(form: CalculatorForm, chart_id: str = "calc-chart") -> dict[str, object]:
    """Everything the result templates show for a bound form, valid or not."""
    if not form.is_valid():
        return {"form": form, "estimate": None}
    inputs = form.mesh_inputs()
    by_mode = compare_modes(inputs)
    chosen = by_mode[inputs.mode]
    other_mode = "ambient" if inputs.mode == "sidecar" else "sidecar"
    rows = [
        {
            "name": name,
            "label": chosen[name].label,
            "unit": chosen[name].unit,
            "source": chosen[name].source,
            "cells": [
                {"mode": mode, "text": format_value(by_mode[mode][name].value, chosen[name].unit)}
                for mode in MODES
            ],
        }
        for name in COMPARED
    ]
    outputs = [
        {"name": name, "output": output, "text": format_value(output.value, output.unit)}
        for name, output in chosen.outputs.items()
    ]
    query = urlencode(inputs.as_query())
    return {
        "form": form,
        "inputs": inputs,
        "estimate": chosen,
        "by_mode": by_mode,
        "mode_labels": [(mode, MODE_LABELS[mode]) for mode in MODES],
        "outputs": outputs,
        "headlines": [o for o in outputs if o["name"] in HEADLINES],
        "compare_rows": rows,
        "compact_rows": [row for row in rows if row["name"] in COMPACT],
        "reading": read_estimate(chosen, by_mode[other_mode]),
        # The chart escapes all of its text itself (see calculator_chart).
        "chart": mark_safe(dataplane_cpu_chart(inputs, id_prefix=chart_id)),  # noqa: S308
        "share_query": query,
        "share_params": inputs.as_query(),
    }


def _page_context(request: HttpRequest, form: CalculatorForm) -> dict[str, object]:
    context = results_context(form)
    if request.user.is_authenticated:
        context["scenarios"] = list(
            SavedScenario.objects.filter(user=request.user).only("name", "params")[:20]
        )
        context["scenario_form"] = ScenarioForm()
    return context


def _absolute_share_url(request: HttpRequest, query: str) -> str:
    return request.build_absolute_uri(f"{reverse('calculator')}?{query}")


@require_safe
@vary_on_headers("HX-Request")
def calculator_page(request: HttpRequest) -> HttpResponse:
    form = CalculatorForm(request.GET)
    if request.htmx and request.GET.get("view") == "compact":
        # The lesson page's embedded calculator swaps only its small result block.
        return render(request, f"{EMBED}#results", results_context(form))
    context = _page_context(request, form)
    if context["estimate"] is not None:
        context["share_url"] = _absolute_share_url(request, context["share_query"])
    if request.htmx:
        # htmx swaps 2xx answers only, so field errors come back as 200 with the result
        # block plus each field's error slot, swapped out of band.
        html = render_to_string(f"{PAGE}#live", context, request)
        html += render_to_string(f"{PAGE}#errors-oob", {**context, "oob": True}, request)
        return HttpResponse(html)
    status = 200 if context["estimate"] is not None else 400
    return render(request, PAGE, context, status=status)


@require_safe
def calculator_json(request: HttpRequest) -> JsonResponse:
    form = CalculatorForm(request.GET)
    if not form.is_valid():
        return JsonResponse({"errors": form.errors_by_field()}, status=400)
    return JsonResponse(compare_modes(form.mesh_inputs())[form.cleaned_data["mode"]].as_dict())


@login_required
@require_POST
def scenario_save(request: HttpRequest) -> HttpResponse:
    form, name_form = CalculatorForm(request.POST), ScenarioForm(request.POST)
    if form.is_valid() and name_form.is_valid():
        inputs = form.mesh_inputs()
        try:
            with transaction.atomic():
                SavedScenario.objects.create(
                    user=request.user, name=name_form.cleaned_data["name"], params=inputs.as_query()
                )
        except IntegrityError:
            name_form.add_error("name", "You already have a scenario with this name.")
        else:
            messages.success(request, f"Saved “{name_form.cleaned_data['name']}”.")
            return redirect(f"{reverse('calculator')}?{urlencode(inputs.as_query())}")
    context = _page_context(request, form)
    context["scenario_form"] = name_form
    if context["estimate"] is not None:
        context["share_url"] = _absolute_share_url(request, context["share_query"])
    return render(request, PAGE, context, status=400)


@login_required
@require_POST
def scenario_delete(request: HttpRequest, pk: int) -> HttpResponse:
    # Filtering by owner makes another learner's scenario a plain 404.
    scenario = get_object_or_404(SavedScenario, pk=pk, user=request.user)
    scenario.delete()
    messages.success(request, f"Deleted “{scenario.name}”.")
    next_url = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(next_url, {request.get_host()}, request.is_secure()):
        next_url = reverse("me")
    # A URL, never a view name: redirect("0") would try to reverse "0" and fail with a 500.
    return HttpResponseRedirect(next_url)
