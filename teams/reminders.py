"""Reminder emails about assignments, sent by `manage.py sendreminders` (cron or a timer).

- "before": once, when an unfinished assignment is due within MESHLEARN_REMINDER_DAYS_BEFORE;
- "overdue": once, when it is past due and still not done (up to OVERDUE_GRACE after; a job that
  was off for a month does not mail about last month);
- "digest": once a week (the week's first run), to each team's instructors and leads.
Each is claimed by inserting its ReminderSent row before it is sent; the unique constraints
decide between two runs (a second run, or a concurrent one, finds the row and sends nothing). A
send that fails gives its claim back, so the next run tries again.

Every email carries a one-click unsubscribe (RFC 8058): a signed token names the user, so the
link works signed out, and nothing but that signature is needed to switch the emails off.
"""

import logging
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core import signing
from django.core.mail import EmailMessage, get_connection
from django.db import IntegrityError, transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from . import due_times
from .assignment_models import Assignment, ReminderSent, ReminderSettings
from .assignments import State, TeamStates, team_states
from .models import Membership, Team

logger = logging.getLogger(__name__)

UNSUBSCRIBE_SALT = "teams.reminders.unsubscribe"
OVERDUE_GRACE = timedelta(days=7)
DIGEST_NAMES = 20  # overdue members named per assignment in a digest; the rest are counted


def unsubscribe_token(user_id: int) -> str:
    return signing.dumps(user_id, salt=UNSUBSCRIBE_SALT)


def user_for_token(token: str):
    """The active user a token was signed for, or None (a forged, damaged or stale token)."""
    try:
        user_id = signing.loads(token[:200], salt=UNSUBSCRIBE_SALT)
    except signing.BadSignature:
        return None
    if not isinstance(user_id, int):
        return None
    return get_user_model().objects.filter(pk=user_id, is_active=True).first()


def set_emails(user, *, on: bool) -> None:
    row, _ = ReminderSettings.objects.get_or_create(user=user)
    row.emails_off_at = None if on else (row.emails_off_at or timezone.now())
    row.save(update_fields=["emails_off_at"])


def site_url(path: str) -> str:
    return settings.MESHLEARN_SITE_URL.rstrip("/") + path


def unsubscribe_url(user_id: int) -> str:
    return site_url(reverse("reminders-unsubscribe", args=[unsubscribe_token(user_id)]))


@dataclass
class Outcome:
    sent: dict[str, int] = field(default_factory=lambda: dict.fromkeys(ReminderSent.Kind, 0))
    already: int = 0
    failed: int = 0

    def __str__(self) -> str:
        kinds = ", ".join(f"{kind} {count}" for kind, count in self.sent.items())
        total = sum(self.sent.values())
        return f"sent {total} ({kinds}); already sent {self.already}; failed {self.failed}"


def week_start(day: date) -> date:
    return day - timedelta(days=day.weekday())


def reminder_kind(state: str, due_at: datetime, now: datetime, days_before: int) -> str | None:
    """Which reminder (if any) a member's state calls for now."""
    if state == State.DUE and due_at - now <= timedelta(days=days_before):
        return ReminderSent.Kind.BEFORE
    if state == State.OVERDUE and now - due_at <= OVERDUE_GRACE:
        return ReminderSent.Kind.OVERDUE
    return None


class Sender:
    """One run: a mail connection, the recipients' addresses, and the tally."""

    def __init__(self, *, now: datetime, days_before: int, dry_run: bool = False):
        self.now, self.days_before, self.dry_run = now, days_before, dry_run
        self.outcome = Outcome()
        self.connection = None if dry_run else get_connection()

    def run(self) -> Outcome:
        window = Assignment.objects.filter(
            due_at__gte=self.now - OVERDUE_GRACE,
            due_at__lte=self.now + timedelta(days=self.days_before),
        )
        team_ids = set(window.values_list("team_id", flat=True))
        for team in Team.objects.filter(id__in=team_ids).order_by("id"):
            self.team_reminders(team, window.filter(team=team))
        for team in Team.objects.filter(assignments__isnull=False).distinct().order_by("id"):
            self.digest(team)
        return self.outcome

    def team_reminders(self, team: Team, assignments) -> None:
        assignments = assignments.select_related("course", "lesson", "quiz", "task")
        states = team_states(team, assignments=assignments, now=self.now)
        wanted = []
        for assignment in states.assignments:
            for user_id in sorted(states.targets[assignment.id]):
                state = states.states[(assignment.id, user_id)]
                kind = reminder_kind(state, assignment.due_at, self.now, self.days_before)
                if kind:
                    wanted.append((assignment, user_id, kind))
        if not wanted:
            return
        sent = set(
            ReminderSent.objects.filter(assignment__in=states.assignments).values_list(
                "assignment_id", "user_id", "kind", "on_date"
            )
        )
        people = recipients({user_id for _, user_id, _ in wanted})
        for assignment, user_id, kind in wanted:
            on_date = assignment.due_at.date()
            if (assignment.id, user_id, kind, on_date) in sent:
                self.outcome.already += 1
            elif user_id in people:
                key = {"assignment": assignment, "kind": kind, "on_date": on_date}
                message = reminder_email(assignment, people[user_id], kind)
                self.deliver(message, team=team, user_id=user_id, **key)

    def digest(self, team: Team) -> None:
        leads = team.memberships.filter(role=Membership.Role.INSTRUCTOR).values_list(
            "user_id", flat=True
        )
        people = recipients(set(leads))
        if not people:
            return
        recent = team.assignments.filter(due_at__gte=self.now - OVERDUE_GRACE * 4)
        recent = recent.select_related("course", "lesson", "quiz", "task")
        states = team_states(team, assignments=recent, now=self.now)
        if not states.assignments:
            return
        monday = week_start(timezone.localdate(self.now))
        already = set(
            ReminderSent.objects.filter(
                team=team, kind=ReminderSent.Kind.DIGEST, on_date=monday
            ).values_list("user_id", flat=True)
        )
        self.outcome.already += len(already & people.keys())
        people = {uid: person for uid, person in people.items() if uid not in already}
        if not people:
            return
        context = digest_context(team, states)
        for user_id, person in people.items():
            message = digest_email(context, person)
            self.deliver(
                message, team=team, user_id=user_id, assignment=None, kind="digest", on_date=monday
            )

    def deliver(self, message: EmailMessage, *, user_id: int, kind: str, **key) -> None:
        if self.dry_run:
            self.outcome.sent[kind] += 1
            return
        try:
            with transaction.atomic():  # a savepoint: the loser of a race carries on
                claim = ReminderSent.objects.create(user_id=user_id, kind=kind, **key)
        except IntegrityError:
            self.outcome.already += 1
            return
        message.connection = self.connection
        try:
            message.send()
        except Exception:  # the server refused or is down: give the claim back, try next run
            logger.exception("reminder to user %s not sent", user_id)
            claim.delete()
            self.outcome.failed += 1
            return
        self.outcome.sent[kind] += 1


@dataclass(frozen=True)
class Person:
    id: int
    username: str
    email: str


def recipients(user_ids: set[int]) -> dict[int, Person]:
    """Active users with an address who have not switched the emails off (two queries)."""
    off = set(
        ReminderSettings.objects.filter(
            user_id__in=user_ids, emails_off_at__isnull=False
        ).values_list("user_id", flat=True)
    )
    rows = (
        get_user_model()
        .objects.filter(pk__in=user_ids - off, is_active=True)
        .exclude(email="")
        .values_list("id", "username", "email")
    )
    return {row[0]: Person(*row) for row in rows}


def _message(subject: str, template: str, context: dict, person: Person) -> EmailMessage:
    link = unsubscribe_url(person.id)
    body = render_to_string(template, {**context, "person": person, "unsubscribe_url": link})
    headers = {
        "List-Unsubscribe": f"<{link}>",
        "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
    }
    # A team or course name with a line break in it would be refused as a header injection
    # (BadHeaderError) on every run: one line, always.
    subject = " ".join(subject.split())
    return EmailMessage(subject, body, to=[person.email], headers=headers)


def reminder_email(assignment: Assignment, person: Person, kind: str) -> EmailMessage:
    title = assignment.item_title
    if kind == ReminderSent.Kind.OVERDUE:
        subject = f"Overdue: {title} ({assignment.team.name})"
    else:
        subject = f"Due soon: {title} ({assignment.team.name})"
    context = {
        "assignment": assignment,
        "kind": kind,
        "due_label": due_times.label(assignment.due_at, assignment.time_zone),
        "item_url": site_url(assignment.item_url),
        "me_url": site_url(reverse("me")),
    }
    return _message(subject, "teams/email/reminder.txt", context, person)


def digest_context(team: Team, states: TeamStates) -> dict:
    """What every lead of the team reads in the week's digest (one query for the names)."""
    counts = states.per_assignment()
    overdue: dict[int, list[int]] = {assignment_id: [] for assignment_id in counts}
    for (assignment_id, user_id), state in states.states.items():
        if state == State.OVERDUE:
            overdue[assignment_id].append(user_id)
    named = {uid for ids in overdue.values() for uid in sorted(ids)[:DIGEST_NAMES]}
    names = dict(get_user_model().objects.filter(pk__in=named).values_list("id", "username"))
    rows = [
        {
            "assignment": a,
            "due_label": due_times.label(a.due_at, a.time_zone),
            "counts": counts[a.id],
            "overdue": sorted(names[uid] for uid in overdue[a.id] if uid in names),
            "more": max(0, len(overdue[a.id]) - DIGEST_NAMES),
        }
        for a in states.assignments
    ]
    url = site_url(reverse("team-assignments", args=[team.slug]))
    return {"team": team, "rows": rows, "assignments_url": url}


def digest_email(context: dict, person: Person) -> EmailMessage:
    subject = f"This week in {context['team'].name}: assignments"
    return _message(subject, "teams/email/digest.txt", context, person)
