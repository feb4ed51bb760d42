"""The team's members × domains page and its CSV (teams/domain_report.py). Apart from the
dashboard (teams/views.py) so each can change on its own; same access rule: the team's
instructors and superusers, a 404 for anyone else."""

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.cache import cache_control
from django.views.decorators.http import require_safe

from course_format.bank import DOMAINS
from quizzes.readiness_rule import CLOSE, READY

from .access import managed_team_or_404
from .csvsafe import csv_text
from .domain_report import (
    add_domain_columns,
    add_task_columns,
    member_page,
    team_task_domains,
    weakest_competencies,
)


@login_required
@require_safe
@cache_control(private=True, no_store=True)  # learners' results: kept by no cache
def team_domains(request: HttpRequest, slug: str) -> HttpResponse:
    team = managed_team_or_404(request.user, slug)
    tasks = team_task_domains(team)  # the team's practice tasks per domain (one query)
    context = {
        "team": team,
        "domains": list(DOMAINS.values()),
        "has_tasks": bool(tasks.totals),
        "page": member_page(team, request.GET.get("page"), tasks),
        "weakest": weakest_competencies(team),
        "ready": READY,
        "close": CLOSE,
    }
    return render(request, "teams/domains.html", context)


@login_required
@require_safe
def team_domains_csv(request: HttpRequest, slug: str) -> HttpResponse:
    """Every member's answers per domain, one row each, then (when the team has practice
    tasks) their tasks passed per domain. The team's size bounds it: one query for the
    members, one for their cells, one for the team's tasks and one for the passes."""
    team = managed_team_or_404(request.user, slug)
    memberships = list(team.memberships.select_related("user").order_by("user__username", "id"))
    header = ["Username", "Name", "Role"]
    rows = [
        [m.user.get_username(), m.user.get_full_name(), m.get_role_display()] for m in memberships
    ]
    user_ids = [m.user_id for m in memberships]
    add_domain_columns(team, header, rows, user_ids)
    add_task_columns(team, header, rows, user_ids)
    response = HttpResponse(csv_text([header, *rows]), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{team.slug}-domains.csv"'
    response["Cache-Control"] = "private, no-store"
    return response
