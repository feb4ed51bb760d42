"""The config lab: paste Istio YAML, see its problems beside the lines and trace a request.

/lab/ works as a plain form (POST with CSRF, full page) and, with htmx, checks while the
learner types by swapping only the results, the gutter, the summary and the request fields'
error slots (never the inputs, which the learner may be typing in). /lab/check.json is the
same check for programs: it changes nothing, so it needs neither login nor CSRF token.

Anyone may run the checker, so every check is bounded: by size (256 KB), by the checker's own
work budget (istio_checker/budget.py: past it, a partial answer), and by a number of checks a
minute per client address, one count for the page's POSTs and check.json's (meshlearn/
rate_limit.py). Over the limit the page answers 429 with the learner's text still in the
editor, and check.json answers 429 in JSON. Opening the page (GET) is not counted.
"""

from __future__ import annotations

from django.conf import settings
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, render
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods, require_POST
from django.views.decorators.vary import vary_on_headers

from istio_checker.lab import check_config, gutter
from istio_checker.yamlsource import MAX_TEXT_BYTES
from lessons.models import ConfigExample
from shared.config_posts import config_post
from shared.ids import parse_id
from shared.rate_limit import retry_after

from .forms import LabForm, starting_data
from .trace_drawing import drawn_trace

PAGE = "lab/lab.html"
LIMIT_SCOPE = "lab-check"  # the page's checks and check.json's count together
# The form POST also carries the trace fields and the CSRF token; leave room for them.
MAX_BODY_BYTES = MAX_TEXT_BYTES + 64 * 1024
MIN_EDITOR_ROWS = 18


@require_http_methods(["GET", "HEAD", "POST"])
@vary_on_headers("HX-Request")
def lab_page(request: HttpRequest) -> HttpResponse:
    example = None
    if request.method == "POST":
        form = LabForm(request.POST)
        limited = _over_the_limit(request)
        if limited is not None:
            return _refused_page(request, form, limited)
    else:
        example = _requested_example(request)
        form = LabForm(starting_data(example.yaml_text if example else None))
    context = lab_context(form)
    context["example"] = example
    if request.htmx:
        # The results, and out of band the gutter, the summary and the request fields' errors.
        return render(request, f"{PAGE}#live-check", context)
    return render(request, PAGE, context)


def _over_the_limit(request: HttpRequest) -> dict[str, int] | None:
    """Count this check against the client's minute; what to tell them if it is one too many."""
    per_minute = settings.MESHLEARN_LAB_CHECK_PER_MINUTE
    wait = retry_after(request, LIMIT_SCOPE, per_minute)
    return None if wait is None else {"per_minute": per_minute, "wait": wait}


def _refused_page(request: HttpRequest, form: LabForm, limited: dict[str, int]) -> HttpResponse:
    """429: the check was not run. The posted text goes back into the editor (full page); a
    live check swaps only the results, so the editor keeps it anyway."""
    text = form.data.get("config", "")
    lines = gutter(text, [])
    form.fields["config"].widget.attrs["rows"] = max(MIN_EDITOR_ROWS, len(lines) + 1)
    context = {"form": form, "result": None, "gutter": lines, "limited": limited}
    if request.htmx:
        response = render(request, f"{PAGE}#live-check", context, status=429)
    else:
        response = render(request, PAGE, context, status=429)
    response["Retry-After"] = str(limited["wait"])
    return response


def lab_context(form: LabForm) -> dict[str, object]:
    form.is_valid()  # binds cleaned_data; wrong trace fields are shown, the YAML is still checked
    text = form.config_text()
    result = check_config(
        text,
        form.sample_request(),
        release=form.chosen_release(),
        access=form.access_request(),
        mtls_pair=form.mtls_pair(),
    )
    lines = gutter(text, result.problems)
    form.fields["config"].widget.attrs["rows"] = max(MIN_EDITOR_ROWS, len(lines) + 1)
    return {
        "form": form,
        "result": result,
        "gutter": lines,
        "drawn": drawn_trace(result.decision),
    }


@csrf_exempt  # read-only: it checks the text it is sent and stores nothing
@require_POST
def lab_check_json(request: HttpRequest) -> JsonResponse:
    data, refusal = config_post(
        request,
        limited=_over_the_limit(request),
        max_body=MAX_BODY_BYTES,
        max_config=MAX_TEXT_BYTES,
    )
    if refusal is not None:
        return refusal
    form = LabForm(data)
    if not form.is_valid():
        return JsonResponse(
            {"error": "Some request fields are not valid.", "fields": form.errors.get_json_data()},
            status=400,
        )
    result = check_config(
        form.config_text(),
        form.sample_request(),
        release=form.chosen_release(),
        access=form.access_request(),
        mtls_pair=form.mtls_pair(),
    )
    return JsonResponse(result.as_dict())


def _requested_example(request: HttpRequest) -> ConfigExample | None:
    """`?example=<id>`: an example of a published lesson (staff may open drafts too)."""
    raw = request.GET.get("example")
    if raw is None:
        return None
    example_id = parse_id(raw)
    if example_id is None:
        raise Http404("No such example.")
    examples = ConfigExample.objects.select_related("section__lesson__course")
    if not request.user.is_staff:
        examples = examples.filter(
            section__lesson__published=True, section__lesson__course__published=True
        )
    return get_object_or_404(examples, pk=example_id)
