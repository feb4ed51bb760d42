"""The overhead calculator's pages: thin views around the form (forms.py) and the templates.

GET /calculator/?<inputs> is the whole interface: the query string reproduces a result, a
plain form submit and htmx's live update use the same URL, and /calculator.json answers
with the same parameters. The parts that depend on the inputs alone come from
calculator/cache.py (drawn once per inputs, then from Django's cache); the page around
them adds what depends on who asks: the header, the save form, the saved scenarios.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db import IntegrityError, transaction
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.cache import patch_vary_headers
from django.utils.http import url_has_allowed_host_and_scheme, urlencode
from django.views.decorators.http import require_POST, require_safe
from django.views.decorators.vary import vary_on_headers

from shared.htmx import wants_part

from .cache import PAGE, render_part
from .forms import CalculatorForm, ScenarioForm
from .model import estimate
from .models import SavedScenario


def _page_url(request: HttpRequest) -> str:
    """The calculator's absolute address: the share link's, which the result block shows."""
    return request.build_absolute_uri(reverse("calculator"))


def _render_page(
    request: HttpRequest,
    form: CalculatorForm,
    scenario_form: ScenarioForm | None = None,
    status: int | None = None,
) -> HttpResponse:
    """The whole calculator page: inputs, result block and, signed in, saving."""
    context: dict[str, object] = {
        "inputs_column": render_part("inputs", form),
        "result_block": render_part("live", form, _page_url(request)),
    }
    if request.user.is_authenticated:
        context["scenarios"] = list(
            SavedScenario.objects.filter(user=request.user).only("name", "params")[:20]
        )
        context["scenario_form"] = scenario_form or ScenarioForm()
    if status is None:
        status = 200 if form.is_valid() else 400
    return render(request, PAGE, context, status=status)


@require_safe
@vary_on_headers("HX-Request")
def calculator_page(request: HttpRequest) -> HttpResponse:
    form = CalculatorForm(request.GET)
    if wants_part(request) and request.GET.get("view") == "compact":
        # The lesson page's embedded calculator swaps only its small result block.
        return HttpResponse(render_part("compact", form))
    if wants_part(request):
        # Only the result block (and the fields' error slots): the same for everyone.
        return HttpResponse(render_part("swap", form, _page_url(request)))
    # The whole page, also for htmx restoring on Back a URL the live update pushed
    # (shared/htmx.py), so it varies on that header too. The block does not need to:
    # it is never fresh in a browser's cache (no max-age, no validator), so a restore request
    # that finds it there still asks the server.
    response = _render_page(request, form)
    patch_vary_headers(response, ["HX-History-Restore-Request"])
    return response


@require_safe
def calculator_json(request: HttpRequest) -> JsonResponse:
    form = CalculatorForm(request.GET)
    if not form.is_valid():
        return JsonResponse({"errors": form.errors_by_field()}, status=400)
    return JsonResponse(estimate(form.mesh_inputs()).as_dict())


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
    # The page reloads at its top while the field's own error is far below: say it at the top
    # too, and focus the name field (the browser scrolls to it) when the name is the problem.
    messages.error(request, "The scenario was not saved: see the errors below.")
    if name_form.errors:
        name_form.fields["name"].widget.attrs["autofocus"] = True
    return _render_page(request, form, scenario_form=name_form, status=400)


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
