"""Practice pages: the list of tasks with the learner's status, a task's page (check, hints,
give up) and its JSON for scripts (docs/practice.md).

Thin: grading is grading.py (pure), a learner's state is progress.py. Every page works without
JavaScript (plain POSTs, then a redirect or the page again); with htmx the task's form checks as
the learner types and swaps only the results. The reference solution and explanation are in the
HTML only once the task is passed or given up. Checks are bounded like the lab's: 256 KB of
config, the checker's work budget, and a number of checks a minute per client address (the
page's and check.json's together, settings.MESHLEARN_PRACTICE_CHECK_PER_MINUTE, by default the
lab's figure).
"""

from __future__ import annotations

import logging

from django.conf import settings
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, render
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from django.views.decorators.vary import vary_on_headers

from course_format.bank import DOMAINS
from course_format.yamlfile import ContentError
from istio_checker.yamlsource import MAX_TEXT_BYTES
from shared.config_posts import config_post
from shared.rate_limit import retry_after

from . import progress
from .grading import CheckResult, Grade, grade
from .models import Task

logger = logging.getLogger(__name__)

PAGE = "practice/task.html"
LIMIT_SCOPE = "practice-check"
MAX_BODY_BYTES = MAX_TEXT_BYTES + 16 * 1024  # the config, the CSRF token and the field names
MIN_EDITOR_ROWS = 16


def _tasks(request: HttpRequest):
    tasks = Task.objects.select_related("lesson__course")
    return tasks if request.user.is_staff else tasks.published()


def _task(request: HttpRequest, slug: str) -> Task:
    return get_object_or_404(_tasks(request), slug=slug)


@require_GET
def task_list(request: HttpRequest) -> HttpResponse:
    domain = request.GET.get("domain", "")
    tasks = (
        _tasks(request)
        .defer(
            "scenario",
            "scenario_html",
            "starting_config",
            "solution",
            "explanation",
            "explanation_html",
            "hints",
            "hints_html",
            "checks",
            "workloads",
        )
        .order_by("lesson__course__order", "lesson__course_id", "lesson__order", "order", "id")
    )
    if domain in DOMAINS:
        tasks = tasks.filter(domain=domain)
    else:
        domain = ""
    tasks = list(tasks)
    states = progress.task_states(request, [task.id for task in tasks])
    lessons: list[dict] = []
    for task in tasks:
        if not lessons or lessons[-1]["lesson"].id != task.lesson_id:
            lessons.append({"lesson": task.lesson, "tasks": []})
        state = states.get(task.id, progress.TaskState())
        lessons[-1]["tasks"].append({"task": task, "status": status_of(state)})
    context = {
        "lessons": lessons,
        "domains": DOMAINS,
        "domain": domain,
        "count": len(tasks),
        "passed": sum(1 for task in tasks if states.get(task.id, progress.TaskState()).passed),
    }
    return render(request, "practice/list.html", context)


def status_of(state: progress.TaskState) -> dict:
    """What the list and the task page call the learner's state (open / passed / passed after
    the solution / gave up)."""
    if state.passed and state.passed_after_solution:
        return {"key": "passed-after", "label": "Passed after the solution"}
    if state.passed:
        return {"key": "passed", "label": "Passed"}
    if state.gave_up_at is not None:
        return {"key": "gave-up", "label": "Gave up"}
    return {"key": "open", "label": "Open"}


@require_http_methods(["GET", "HEAD", "POST"])
@vary_on_headers("HX-Request")
def task_page(request: HttpRequest, slug: str) -> HttpResponse:
    task = _task(request, slug)
    result, refused = None, None
    if request.method == "POST":
        config = request.POST.get("config", "")
        refused = _refusal(request)
        if refused is None:
            result = grade_task(task, config)
            progress.record_check(request, task, passed=result.passed, config=config)
    else:
        config = _editor_text(request, task)
    context = task_context(request, task, config, result, refused)
    page = f"{PAGE}#live-check" if request.htmx else PAGE
    response = render(request, page, context, status=refused["status"] if refused else 200)
    if refused and "wait" in refused:
        response["Retry-After"] = str(refused["wait"])
    return response


def _refusal(request: HttpRequest) -> dict | None:
    """Why this check is not run (its status and what the page says), or None to run it:
    over the minute's limit (429), a config above 256 KB (413), no config at all (400)."""
    limited = _over_the_limit(request)
    if limited is not None:
        return {"status": 429, **limited}
    if "config" not in request.POST:
        return {"status": 400, "missing": True}
    if _too_large(request.POST["config"]):
        return {"status": 413, "too_large": MAX_TEXT_BYTES // 1024}
    return None


def _editor_text(request: HttpRequest, task: Task) -> str:
    """What the editor opens with: the learner's last checked config, or the starting one."""
    config = progress.last_config(request, task)
    return task.starting_config if config is None else config


def task_context(request, task: Task, config: str, result: Grade | None, limited) -> dict:
    state = progress.task_state(request, task)
    return {
        "task": task,
        "config": config,
        "rows": max(MIN_EDITOR_ROWS, config.count("\n") + 2),
        "result": result,
        "limited": limited,
        "state": state,
        "status": status_of(state),
        "hints": task.hints_html[: state.hints_shown],
        "hints_left": max(len(task.hints_html) - state.hints_shown, 0),
        "domain_label": DOMAINS.get(task.domain, task.domain),
        "lesson": task.lesson,
    }


@require_POST
@vary_on_headers("HX-Request")
def reveal_hint(request: HttpRequest, slug: str) -> HttpResponse:
    task = _task(request, slug)
    seen = request.POST.get("seen", "")
    progress.reveal_hint(request, task, seen=int(seen) if seen.isdigit() else None)
    context = task_context(request, task, _posted_config(request, task), None, None)
    return render(request, f"{PAGE}#hints" if request.htmx else PAGE, context)


@require_POST
@vary_on_headers("HX-Request")
def give_up(request: HttpRequest, slug: str) -> HttpResponse:
    task = _task(request, slug)
    if request.POST.get("confirm") == "yes":
        progress.give_up(request, task)
    context = task_context(request, task, _posted_config(request, task), None, None)
    return render(request, f"{PAGE}#give-up-answer" if request.htmx else PAGE, context)


def _posted_config(request: HttpRequest, task: Task) -> str:
    """The editor's text a hint or give-up button posted with it (they belong to the config's
    form), so the page drawn again without JavaScript keeps what the learner was writing."""
    config = request.POST.get("config")
    if config is not None:
        return config
    return _editor_text(request, task)


def _over_the_limit(request: HttpRequest) -> dict[str, int] | None:
    per_minute = settings.MESHLEARN_PRACTICE_CHECK_PER_MINUTE
    wait = retry_after(request, LIMIT_SCOPE, per_minute)
    return None if wait is None else {"per_minute": per_minute, "wait": wait}


def _too_large(config: str) -> bool:
    return len(config.encode("utf-8", errors="replace")) > MAX_TEXT_BYTES


# --- JSON for scripts ------------------------------------------------------------------------


@require_GET
def task_json(request: HttpRequest, slug: str) -> JsonResponse:
    """The task as a script needs it to try: never the solution, the explanation, the hints or
    what the checks expect (only their names and kinds)."""
    task = _task(request, slug)
    return JsonResponse(
        {
            "slug": task.slug,
            "title": task.title,
            "lesson": task.lesson.slug,
            "domain": task.domain,
            "competency": task.competency,
            "kind": task.kind,
            "release": task.release or None,
            "scenario": task.scenario,
            "workloads": task.workloads,
            "starting_config": task.starting_config,
            "hints": len(task.hints),
            "sources": task.sources,
            "checks": [{"name": c.get("name"), "kind": _probe_kind(c)} for c in task.checks],
            "check_url": request.build_absolute_uri(f"{task.get_absolute_url()}check.json"),
        }
    )


def _probe_kind(check: dict) -> str | None:
    return next(
        (key for key in ("valid", "route", "authz", "mtls", "resource") if key in check), None
    )


@csrf_exempt  # read-only: it grades the text it is sent and records nothing
@require_POST
def check_json(request: HttpRequest, slug: str) -> JsonResponse:
    data, refusal = config_post(
        request,
        limited=_over_the_limit(request),
        max_body=MAX_BODY_BYTES,
        max_config=MAX_TEXT_BYTES,
    )
    if refusal is not None:
        return refusal
    task = _task(request, slug)  # after the body is read: a body it cannot read is a 400 first
    return JsonResponse(grade_task(task, data["config"]).as_dict())


def grade_task(task: Task, config: str) -> Grade:
    """Grade `config`; a task row stored around the format's rules fails every check with a
    sentence (logged) instead of a 500."""
    try:
        spec = task.spec()
    except ContentError:
        logger.exception("practice task %s cannot be read", task.slug)
        message = "This task cannot be graded right now (the problem has been logged)."
        return Grade(False, [CheckResult("The task", False, message)])
    return grade(spec, config)
