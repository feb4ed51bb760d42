"""A page of a team's members, sorted and filtered in the database.

The dashboard and a course's page list members 50 at a time. The order (learners first, then
by name, completion or latest activity) and the name filter are SQL: the database counts each
member's read marks and finds their latest activity in correlated subqueries, so Python only
ever sees the page's 50 rows. The page's ids come first (sorting needs at most one of the
figures); the figures are then computed for those ids only.
"""

from dataclasses import dataclass

from django.core.paginator import Page, Paginator
from django.db import connection
from django.db.models import (
    Case,
    DateTimeField,
    F,
    IntegerField,
    Max,
    OuterRef,
    Q,
    Subquery,
    Sum,
    Value,
    When,
)
from django.db.models.functions import Coalesce, Greatest, Lower

from lessons.models import LessonReadCount
from quizzes.models import Attempt

from .models import Membership, Team

SORT_KEYS = ("name", "completion", "activity")
DEFAULT_SORT = "name"
PAGE_SIZE = 50
MAX_FILTER_LENGTH = 100  # a name filter longer than any name only costs the database time


@dataclass(frozen=True)
class Scope:
    """What a member list reports on: the whole team's courses, or one course."""

    team: Team
    section_ids: list[int]  # published sections in scope
    quiz_ids: list[int]  # published quizzes in scope
    lesson_ids: list[int]  # published lessons in scope (the sections' lessons)
    # The same lessons as a subquery (`.values("id")`), for the subqueries run per member.
    # PostgreSQL: a statement prepared by psycopg (settings: server-side binding) runs on a
    # generic plan after 5 custom ones, where `IN ($1, … $200)` is a linear search per row:
    # the completion sort's backend CPU went from 60 to 330 ms; `IN (subquery)` is hashed once.
    lesson_query: object


def in_list(queryset, field: str, ids):
    """`field IN ids`, asked as `field + 0 IN ids` so that the database reaches the rows through
    another index (the member's) and checks this as a filter. SQLite, without statistics, probed
    (member, section) pairs instead: 5,000 members × 800 sections = 4 M index probes, 2.5 s for
    the dashboard's completion sort; through the member's index it is their ~100 marks each."""
    if connection.vendor != "sqlite":  # PostgreSQL plans the plain IN well, and not the sum
        return queryset.filter(**{f"{field}__in": ids})
    alias = f"{field}_plain"
    return queryset.alias(**{alias: F(field) + 0}).filter(**{f"{alias}__in": ids})


def _own_counts(scope: Scope, **aggregate):
    """One figure of the member's (OuterRef user_id) read counts per lesson in scope
    (lessons.LessonReadCount: ~25 rows a member where their read marks are ~100), as a
    subquery."""
    counts = LessonReadCount.objects.filter(user_id=OuterRef("user_id"))
    (name,) = aggregate
    counts = in_list(counts, "lesson_id", scope.lesson_query).order_by().values("user_id")
    return counts.annotate(**aggregate).values(name)


def read_count(scope: Scope):
    """Sections in scope the member (OuterRef user_id) has read: a correlated SUM."""
    counts = _own_counts(scope, n=Sum("read"))
    return Coalesce(Subquery(counts, output_field=IntegerField()), Value(0))


def last_activity(scope: Scope):
    """The latest read mark or quiz attempt (started or finished) in scope, or NULL.

    SQLite's MAX(a, b) is NULL when either is (PostgreSQL's GREATEST skips NULLs): each side
    falls back on the other so both databases agree."""
    read = _own_counts(scope, at=Max("last_read_at"))
    tried = (
        in_list(Attempt.objects.counted(), "quiz_id", scope.quiz_ids)
        .filter(user_id=OuterRef("user_id"))
        .order_by()
        .values("user_id")
        .annotate(at=Max(Coalesce("finished_at", "started_at")))
        .values("at")
    )
    read_at = Subquery(read, output_field=DateTimeField())
    tried_at = Subquery(tried, output_field=DateTimeField())
    return Greatest(Coalesce(read_at, tried_at), Coalesce(tried_at, read_at))


def clean_filter(text: str | None) -> str:
    return (text or "").strip()[:MAX_FILTER_LENGTH]


def ordered_members(scope: Scope, *, sort: str, name: str = ""):
    """The team's memberships in the list's order (a lazy queryset)."""
    members = Membership.objects.filter(team=scope.team)
    if name:
        members = members.filter(
            Q(user__username__icontains=name)
            | Q(user__first_name__icontains=name)
            | Q(user__last_name__icontains=name)
        )
    learners_first = Case(When(role=Membership.Role.LEARNER, then=Value(0)), default=Value(1))
    order = [learners_first]
    if sort == "completion":
        members = members.annotate(sort_value=read_count(scope))
        order.append(F("sort_value").desc())
    elif sort == "activity":
        members = members.annotate(sort_value=last_activity(scope))
        order.append(F("sort_value").desc(nulls_last=True))
    return members.order_by(*order, Lower("user__username"), "user__username", "id")


def with_figures(scope: Scope, membership_ids):
    """Memberships (ids given as a list or a subquery) with their user, `read` and
    `last_activity`, in no particular order."""
    return (
        Membership.objects.filter(id__in=membership_ids)
        .select_related("user")
        .annotate(read=read_count(scope), last_activity=last_activity(scope))
        .order_by()
    )


def member_page(scope: Scope, *, sort: str, name: str, number) -> tuple[Page, list[Membership]]:
    """One page of the list: the paginator's page and its memberships, in order, each with
    `read` and `last_activity`. Three queries: the count, the page's ids, their figures."""
    ids = ordered_members(scope, sort=sort, name=name).values_list("id", flat=True)
    page = Paginator(ids, PAGE_SIZE).get_page(number)
    page_ids = list(page.object_list)
    rows = {m.id: m for m in with_figures(scope, page_ids)} if page_ids else {}
    return page, [rows[i] for i in page_ids]
