"""Team pages: the list, a new team, joining by invite link, the dashboard, a member, the CSV,
the team's courses.

Instructors and team leads create teams (teams/instructors.py); whoever runs a team manages it
here, with no need of the admin.

Thin: look up through teams/access.py (a 404 for anyone who may not see the team), count in
SQL (teams/summary.py, teams/members.py), render a page of members. Sorting, the name filter
and the page are plain query parameters, so the dashboard works without JavaScript; htmx only
swaps the member table in place.
"""

from functools import partial

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.cache import cache_control
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from shared.htmx import answers_both_ways, wants_part

from .access import managed_team_or_404, managed_teams, role_in
from .assignments import attach_counts, member_counts, overdue_count, team_assignments
from .course_set import describe_change
from .export import export_lines
from .forms import TeamCoursesForm, TeamForm
from .instructors import can_create_teams
from .lines import course_lines, dashboard_lines
from .members import DEFAULT_SORT, SORT_KEYS, clean_filter, member_page
from .models import Membership, Team
from .reporting import member_detail
from .services import (
    SlugTaken,
    membership_join,
    membership_leave,
    team_create,
    team_regenerate_invite,
    team_set_published_courses,
)
from .summary import team_content, team_summary
from .task_report import add_task_figures, attach_tasks, member_tasks, member_totals, team_tasks


def _sort_param(request: HttpRequest) -> str:
    sort = request.GET.get("sort", DEFAULT_SORT)
    return sort if sort in SORT_KEYS else DEFAULT_SORT


@login_required
@require_safe
def team_list(request: HttpRequest) -> HttpResponse:
    managed = list(managed_teams(request.user).order_by("name"))
    managed_ids = {team.id for team in managed}
    joined = [
        m.team
        for m in Membership.objects.filter(user=request.user).select_related("team")
        if m.team_id not in managed_ids
    ]
    context = {
        "managed": managed,
        "joined": joined,
        "can_create": can_create_teams(request.user),
    }
    return render(request, "teams/index.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def team_new(request: HttpRequest) -> HttpResponse:
    if not can_create_teams(request.user):
        raise PermissionDenied("Only instructors and team leads create teams.")
    form = TeamForm(request.POST or None, drafts=request.user.is_staff)
    if request.method == "POST" and form.is_valid():
        team = _create_team(form, request.user)
        if team is not None:
            messages.success(request, f"Team “{team.name}” created. Share its invite link below.")
            return redirect(team)
    return render(request, "teams/new.html", {"form": form})


def _create_team(form: TeamForm, creator) -> Team | None:
    """The new team, or None with a field error when another team took the slug meanwhile
    (a double submit). A slug made from the name is simply made again, once."""
    data = form.cleaned_data
    for attempt in range(2):
        try:
            return team_create(
                name=data["name"], slug=data["slug"], courses=data["courses"], creator=creator
            )
        except SlugTaken:
            if form.data.get("slug", "").strip() or attempt:  # a typed slug is theirs to change
                break
            data["slug"] = form.free_slug_for_name()
    taken = data["slug"]
    form.add_error("slug", f"A team with the slug “{taken}” was just created; choose another.")
    return None


@require_http_methods(["GET", "POST"])
def join(request: HttpRequest, token: str) -> HttpResponse:
    team = Team.objects.filter(invite_token=token).first()
    if team is None:
        return render(request, "teams/join_invalid.html", status=404)
    if not request.user.is_authenticated and request.method == "POST":
        return redirect_to_login(request.get_full_path())
    if request.method == "POST":
        membership, created = membership_join(team=team, user=request.user)
        if created:
            messages.success(request, f"You joined {team.name}. Its courses are listed below.")
        else:
            messages.info(request, f"You are already in {team.name}.")
        return redirect("home")
    context = {
        "team": team,
        "courses": team.courses.filter(published=True),
        # A visitor holding the link sees whom they would join, and signs up (or logs in)
        # to come back here: the link is the secret, so the team's name is theirs to see.
        "role": role_in(team, request.user),
    }
    return render(request, "teams/join.html", context)


@login_required
@require_POST
def leave(request: HttpRequest, slug: str) -> HttpResponse:
    team = Team.objects.filter(slug=slug).first()
    if team is None or not membership_leave(team=team, user=request.user):
        raise Http404("You are not a learner in this team.")
    messages.success(
        request,
        f"You left {team.name}. Its instructors no longer see your progress, which stays yours;"
        " its invite link adds you again.",
    )
    return redirect("team-list")


def _list_params(request: HttpRequest) -> dict:
    """The member list's sort, name filter and page, as query parameters."""
    return {"sort": _sort_param(request), "name": clean_filter(request.GET.get("q"))}


def _member_list(request, team, content, make_lines) -> dict:
    params = _list_params(request)
    scope = content.scope(team)
    page, members = member_page(scope, **params, number=request.GET.get("page"))
    return {
        "team": team,
        "content": content,
        "page": page,
        "lines": make_lines(content, scope, members),
        "sort": params["sort"],
        "q": params["name"],
    }


@login_required
@require_safe
# Learners' progress: kept by no cache, and current on Back (like the CSV export).
@cache_control(private=True, no_store=True)
@answers_both_ways
def dashboard(request: HttpRequest, slug: str) -> HttpResponse:
    """The team's summary, then a page of members with their completion of each course."""
    team = managed_team_or_404(request.user, slug)
    content = team_content(team)
    context = _member_list(request, team, content, dashboard_lines)
    # Each member's passed practice tasks (teams/task_report.py): two queries.
    tasks = context["tasks"] = team_tasks(content.lessons)
    _attach_tasks(context["lines"], tasks)
    # Each member's done/due/overdue assignments, for this page's members only.
    lines = context["lines"]
    assignments = list(team_assignments(team))
    ids = [line.user.pk for line in lines]
    attach_counts(lines, member_counts(team, ids, assignments=assignments))
    if wants_part(request):  # a sort link; htmx restoring its pushed URL on Back wants it all
        return render(request, "teams/dashboard.html#member-table", context)
    context["summary"] = team_summary(team, content, overdue=overdue_count(team, assignments))
    context["invite_url"] = request.build_absolute_uri(team.get_invite_url())
    add_task_figures(context["summary"], team, tasks)  # per task, and lessons with tasks
    return render(request, "teams/dashboard.html", context)


def _attach_tasks(lines, tasks) -> None:
    attach_tasks(lines, member_totals([line.user.pk for line in lines], tasks.ids), tasks.total)


@login_required
@require_safe
@cache_control(private=True, no_store=True)
@answers_both_ways
def course_progress(request: HttpRequest, slug: str, course_slug: str) -> HttpResponse:
    """One course of the team: its lessons' and quizzes' figures, and a page of members ×
    its lessons and quizzes."""
    team = managed_team_or_404(request.user, slug)
    everything = team_content(team)
    course = next((c for c in everything.courses if c.slug == course_slug), None)
    if course is None:
        raise Http404("The team has no such published course.")
    content = everything.of_course(course.id)
    tasks = team_tasks(content.lessons)
    context = _member_list(request, team, content, partial(course_lines, tasks=tasks))
    context["course"] = course
    _attach_tasks(context["lines"], tasks)
    context["tasks"] = tasks
    if wants_part(request):
        return render(request, "teams/course_progress.html#member-table", context)
    summary = team_summary(team, content)
    add_task_figures(summary, team, tasks)
    context["figures"] = summary.courses[0] if summary.courses else None
    return render(request, "teams/course_progress.html", context)


@login_required
@require_safe
def member(request: HttpRequest, slug: str, username: str) -> HttpResponse:
    team = managed_team_or_404(request.user, slug)
    membership = team.memberships.filter(user__username=username).select_related("user").first()
    if membership is None:
        raise Http404("No such member.")
    detail = member_detail(team, membership)
    tasks = member_tasks(membership, [column.lesson for column, _, _ in detail.lessons])
    context = {"team": team, "detail": detail, "tasks": tasks}
    return render(request, "teams/member.html", context)


@login_required
@require_safe
def export_csv(request: HttpRequest, slug: str) -> StreamingHttpResponse:
    """Streamed: the rows are written as the database hands them over (teams/export.py)."""
    team = managed_team_or_404(request.user, slug)
    lines = export_lines(team, team_content(team), **_list_params(request))
    response = StreamingHttpResponse(lines, content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{team.slug}-progress.csv"'
    response["Cache-Control"] = "private, no-store"
    return response


@login_required
@require_POST
def regenerate_invite(request: HttpRequest, slug: str) -> HttpResponse:
    team = managed_team_or_404(request.user, slug)
    team_regenerate_invite(team=team)
    messages.success(request, "A new invite link was made; the old one no longer works.")
    return redirect(team)


@login_required
@require_POST
def remove_member(request: HttpRequest, slug: str, username: str) -> HttpResponse:
    """The team's instructors remove a learner; another instructor's role is changed in the
    admin. The learner's progress stays theirs, as when they leave."""
    team = managed_team_or_404(request.user, slug)
    membership = (
        team.memberships.filter(user__username=username, role=Membership.Role.LEARNER)
        .select_related("user")
        .first()
    )
    if membership is None or not membership_leave(team=team, user=membership.user):
        raise Http404("No such learner in this team.")
    messages.success(
        request,
        f"{username} is no longer in {team.name}; their progress stays theirs. The invite link"
        " would add them again: revoke it below if they should not come back.",
    )
    return redirect(team)


@login_required
@require_http_methods(["GET", "POST"])
def team_courses(request: HttpRequest, slug: str) -> HttpResponse:
    """The team's instructors change which published courses it trains on.

    Without JavaScript a save redirects here with the confirmation as a message; htmx swaps the
    form in place and announces the same confirmation in the page's status region.
    """
    team = managed_team_or_404(request.user, slug)
    posted = request.POST if request.method == "POST" else None  # unticking all is a valid POST
    assigned = list(team.courses.all())
    form = TeamCoursesForm(posted, initial={"courses": [c.id for c in assigned if c.published]})
    change = confirmation = None
    if posted is not None and form.is_valid():
        change = team_set_published_courses(team=team, courses=form.cleaned_data["courses"])
        confirmation = describe_change(change, team.name)
        if not wants_part(request):
            level = messages.SUCCESS if change.changed else messages.INFO
            messages.add_message(request, level, confirmation)
            return redirect("team-courses", team.slug)
        assigned = list(team.courses.all())
        form = TeamCoursesForm(initial={"courses": [c.id for c in assigned if c.published]})
    context = {
        "team": team,
        "form": form,
        "drafts": [course for course in assigned if not course.published],
        "change": change,
        "confirmation": confirmation,
        "swapped": posted is not None and wants_part(request),
    }
    template = "teams/courses.html"
    if context["swapped"]:
        template += "#course-form"
    return render(request, template, context)
