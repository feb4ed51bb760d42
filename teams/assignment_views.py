"""Assignment pages: a team's list with who is behind (its instructors and leads), the form to
assign and change work, deleting; and the learner's side: the calendar feed and its link, and
the reminder emails' unsubscribe page (which works signed out).

Thin: access through teams/access.py (a 404 for anyone who may not manage the team), states
from teams/assignments.py, tokens from teams/reminders.py.
"""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBadRequest
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.cache import cache_control
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from . import due_times, ical
from .access import managed_team_or_404
from .assignment_forms import AssignmentForm
from .assignment_models import Assignment, ReminderSettings, new_calendar_token
from .assignments import State, learner_items, team_assignments, team_roles, team_states
from .models import Membership
from .reminders import set_emails, site_url, user_for_token

MEMBERS_PER_PAGE = 50


def _assignment_or_404(team, pk: int) -> Assignment:
    assignment = team_assignments(team).filter(pk=pk).first()
    if assignment is None:
        raise Http404("No such assignment.")
    return assignment


@login_required
@require_safe
@cache_control(private=True, no_store=True)
def assignment_list(request: HttpRequest, slug: str) -> HttpResponse:
    team = managed_team_or_404(request.user, slug)
    assignments = list(team_assignments(team))
    counts = team_states(team, assignments=assignments).per_assignment()
    members = team.memberships.select_related("user").order_by("user__username")
    page = Paginator(members, MEMBERS_PER_PAGE).get_page(request.GET.get("page"))
    on_page = team_states(team, assignments=assignments, user_ids=[m.user_id for m in page])
    rows = [(m, [on_page.states.get((a.id, m.user_id)) for a in assignments]) for m in page]
    context = {
        "team": team,
        "assignments": [
            (a, counts[a.id], due_times.label(a.due_at, a.time_zone)) for a in assignments
        ],
        "page": page,
        "rows": rows,
        "labels": State.LABELS,
    }
    return render(request, "teams/assignments.html", context)


def _form_context(team, form, **extra) -> dict:
    days = settings.MESHLEARN_REMINDER_DAYS_BEFORE
    return {"team": team, "form": form, "days_before": days, **extra}


@login_required
@require_http_methods(["GET", "POST"])
def assignment_new(request: HttpRequest, slug: str) -> HttpResponse:
    team = managed_team_or_404(request.user, slug)
    form = AssignmentForm(request.POST or None, team=team)
    if request.method == "POST" and form.is_valid():
        assignment = form.save(created_by=request.user)
        messages.success(request, f"Assigned “{assignment.item_title}”.")
        return redirect("team-assignments", team.slug)
    return render(request, "teams/assignment_form.html", _form_context(team, form))


@login_required
@require_http_methods(["GET", "POST"])
def assignment_edit(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    team = managed_team_or_404(request.user, slug)
    assignment = _assignment_or_404(team, pk)
    form = AssignmentForm(request.POST or None, team=team, instance=assignment)
    if request.method == "POST" and form.is_valid():
        form.save(created_by=request.user)
        messages.success(request, f"Saved “{assignment.item_title}”.")
        return redirect("team-assignments", team.slug)
    context = _form_context(team, form, assignment=assignment)
    return render(request, "teams/assignment_form.html", context)


@login_required
@require_POST
def assignment_delete(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    team = managed_team_or_404(request.user, slug)
    assignment = _assignment_or_404(team, pk)
    title = assignment.item_title
    assignment.delete()
    messages.success(request, f"Deleted the assignment “{title}”; no more reminders go out for it.")
    return redirect("team-assignments", team.slug)


@login_required
@require_POST
def calendar_link(request: HttpRequest) -> HttpResponse:
    """Make the learner's feed address, or (again) a new one: the old one then stops working."""
    row, created = ReminderSettings.objects.get_or_create(user=request.user)
    if not created:
        row.calendar_token = new_calendar_token()
        row.save(update_fields=["calendar_token"])
        messages.success(request, "A new calendar address was made; the old one no longer works.")
    return redirect("/me/#assignments")


@login_required
@require_POST
def email_switch(request: HttpRequest) -> HttpResponse:
    choice = request.POST.get("on")
    if choice not in ("0", "1"):
        return HttpResponseBadRequest("Say on=1 or on=0.")
    set_emails(request.user, on=choice == "1")
    return redirect("/me/#assignments")


@require_safe
@cache_control(private=True, no_store=True)
def calendar_feed(request: HttpRequest, token: str) -> HttpResponse:
    row = ReminderSettings.objects.filter(calendar_token=token).select_related("user").first()
    if row is None or not row.user.is_active:
        raise Http404("No such calendar.")
    events = [
        ical.Event(
            uid=f"assignment-{item.assignment.id}@meshlearn",
            start=item.assignment.due_at,
            summary=f"Due: {item.assignment.item_title} ({item.assignment.team.name})",
            description=f"{item.state_label}. Due {item.due_label}.",
            url=site_url(item.assignment.item_url),
        )
        for item in learner_items(row.user, limit=500)
    ]
    body = ical.calendar("MeshLearn assignments", events, now=timezone.now())
    return HttpResponse(body, content_type="text/calendar; charset=utf-8")


# The token is the authority here, not a session: RFC 8058's one-click POST comes from the mail
# provider without a cookie or CSRF token. Only a correctly signed token switches anything off.
@csrf_exempt
@require_http_methods(["GET", "POST"])
@cache_control(private=True, no_store=True)
def unsubscribe(request: HttpRequest, token: str) -> HttpResponse:
    if request.method == "POST":
        request.POST  # noqa: B018 (a body Django cannot read is a 400 here too, as everywhere)
    user = user_for_token(token)
    if user is None:
        return render(request, "teams/unsubscribe.html", {"invalid": True}, status=404)
    done = request.method == "POST"
    if done:
        set_emails(user, on=False)
    return render(request, "teams/unsubscribe.html", {"done": done, "token": token})


def me_context(user, *, full: bool = False, home_teams=None) -> dict:
    """The learner's due list for the home page, and on /me/ (`full`) their calendar link and
    email switch: one query for someone in no team (none when the home page's teams are
    passed: they say the roles), five to nine otherwise (the practice tasks asked for: two)."""
    if home_teams is not None:
        roles = {
            t.team.id: Membership.Role.INSTRUCTOR if t.is_instructor else "" for t in home_teams
        }
        roles = {team_id: role or Membership.Role.LEARNER for team_id, role in roles.items()}
    else:
        roles = team_roles(user) if user.is_authenticated else {}
    if not roles:
        return {}
    context = {"due_items": learner_items(user, roles=roles), "full": full}
    if full:
        context["reminder_settings"] = ReminderSettings.objects.filter(user=user).first()
    return context
