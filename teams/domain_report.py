"""A team's members × ICA domains: each member's answers in each domain (right of answered,
over every counted answer in the team's courses) and practice tasks passed in it (of the
team's published tasks in that domain), the team's weakest competencies, and the same figures
as CSV columns. Aggregated in SQL, paged by member: the page costs the same few queries for 5
members or 5,000 (a count, a page of members, their cells, the competencies, the tasks per
domain and, when the team has any, the page's passes per domain).
"""

from dataclasses import dataclass, field

from django.core.paginator import Page, Paginator
from django.db.models import Count, Q

from course_format.bank import DOMAINS
from practice.models import Task, TaskProgress
from quizzes.models import Response
from quizzes.readiness_rule import CLOSE, MIN_ANSWERS, READY
from quizzes.scoring import percent

from .members import in_list
from .models import Membership, Team

MEMBERS_PER_PAGE = 50
WEAKEST = 5


@dataclass(frozen=True)
class Cell:
    right: int
    answered: int

    @property
    def percent(self) -> int:
        return percent(self.right, self.answered)

    @property
    def band(self) -> str:
        """A word for the cell, so the grid reads without its colours (the readiness rule's
        bands, over all of the member's answers in the domain)."""
        if not self.answered:
            return "none"
        if self.percent >= READY:
            return "strong"
        return "fair" if self.percent >= CLOSE else "weak"


@dataclass(frozen=True)
class TaskCell:
    passed: int  # the member's tasks passed in the domain (after the solution too)
    total: int  # the team's published tasks in the domain


@dataclass
class MemberDomains:
    membership: Membership
    cells: list[Cell] = field(default_factory=list)  # one per domain, in DOMAINS order
    tasks: list[TaskCell] = field(default_factory=list)  # one per domain, or none: no tasks

    @property
    def columns(self) -> list[tuple[Cell, TaskCell | None]]:
        """Each domain's answers with its tasks (None when the team has no task)."""
        tasks = self.tasks or [None] * len(self.cells)
        return list(zip(self.cells, tasks, strict=True))


def _answers(team: Team):
    """The counted answers to domain-tagged questions of the team's courses."""
    return Response.objects.filter(
        attempt__preview=False,
        question__domain__in=list(DOMAINS),
        question__quiz__course__in=team.courses.values("id"),
    )


def cells_for(team: Team, user_ids: list[int]) -> dict[int, list[Cell]]:
    """user id → one Cell per domain (one query)."""
    rows = (
        _answers(team)
        .filter(attempt__user_id__in=user_ids)
        .values_list("attempt__user_id", "question__domain")
        .annotate(right=Count("id", filter=Q(is_correct=True)), answered=Count("id"))
        .order_by()
    )
    found = {(user_id, domain): Cell(right, answered) for user_id, domain, right, answered in rows}
    return {
        user_id: [found.get((user_id, domain), Cell(0, 0)) for domain in DOMAINS]
        for user_id in user_ids
    }


@dataclass(frozen=True)
class TeamTaskDomains:
    """The published tasks of the team's courses (as the dashboard counts them), by domain."""

    ids: list[int]
    totals: dict[str, int]  # domain → its tasks (absent: none)


def team_task_domains(team: Team) -> TeamTaskDomains:
    """One query: the team's published tasks' ids and domains (a few dozen rows)."""
    rows = list(
        Task.objects.published()
        .filter(lesson__course__in=team.courses.values("id"))
        .values_list("id", "domain")
    )
    totals: dict[str, int] = {}
    for _, domain in rows:
        if domain in DOMAINS:
            totals[domain] = totals.get(domain, 0) + 1
    return TeamTaskDomains([task_id for task_id, _ in rows], totals)


def task_cells_for(team: Team, user_ids: list[int], tasks: TeamTaskDomains, *, everyone=False):
    """user id → one TaskCell per domain, passes counted in one grouped query; every list is
    empty (and nothing is asked) when the team has no task. `everyone`: the user ids are all
    the team's members, asked as a subquery rather than 5,000 parameters."""
    if not tasks.totals:
        return {user_id: [] for user_id in user_ids}
    users = Membership.objects.filter(team=team).values("user_id") if everyone else user_ids
    passes = TaskProgress.objects.filter(user_id__in=users, passed_at__isnull=False)
    # task_id + 0 on SQLite: through each member's rows, not all the passes of every task
    # (the page's 50 members: 31 → 2 ms at 50,000 passes).
    rows = (
        in_list(passes, "task_id", tasks.ids)
        .values_list("user_id", "task__domain")
        .annotate(n=Count("id"))
        .order_by()
    )
    found = {(user_id, domain): n for user_id, domain, n in rows}
    return {
        user_id: [
            TaskCell(found.get((user_id, domain), 0), tasks.totals.get(domain, 0))
            for domain in DOMAINS
        ]
        for user_id in user_ids
    }


def member_page(team: Team, number, tasks: TeamTaskDomains) -> Page:
    """A page of the team's members (by username), each with their domain cells and their
    tasks passed per domain (`tasks`: team_task_domains)."""
    memberships = team.memberships.select_related("user").order_by("user__username", "id")
    page = Paginator(memberships, MEMBERS_PER_PAGE).get_page(number)
    members = list(page.object_list)
    user_ids = [m.user_id for m in members]
    cells = cells_for(team, user_ids)
    passed = task_cells_for(team, user_ids, tasks)
    page.object_list = [MemberDomains(m, cells[m.user_id], passed[m.user_id]) for m in members]
    return page


@dataclass(frozen=True)
class Competency:
    domain: str
    name: str
    right: int
    answered: int

    @property
    def percent(self) -> int:
        return percent(self.right, self.answered)


def weakest_competencies(team: Team, limit: int = WEAKEST) -> list[Competency]:
    """The team's competencies with the lowest share right, among those answered at least
    MIN_ANSWERS times by its members (one query; at most ~32 rows come back)."""
    rows = (
        _answers(team)
        .filter(attempt__user__team_memberships__team=team)
        .exclude(question__competency="")
        .values_list("question__domain", "question__competency")
        .annotate(right=Count("id", filter=Q(is_correct=True)), answered=Count("id"))
        .order_by()
    )
    found = [Competency(*row) for row in rows if row[3] >= MIN_ANSWERS]
    return sorted(found, key=lambda c: (c.right / c.answered, -c.answered, c.name))[:limit]


def domain_header() -> list[str]:
    """Three columns per domain: numbers only ("7/10" would be a date to a spreadsheet)."""
    return [f"{label}: {what}" for label in DOMAINS.values() for what in ("right", "answered", "%")]


def cell_values(cells: list[Cell]) -> list:
    """A member's CSV cells for their domain Cells: right, answered, % (empty before any)."""
    return [v for c in cells for v in (c.right, c.answered, c.percent if c.answered else "")]


def task_header() -> list[str]:
    """Two numeric columns per domain: tasks passed, and the team's tasks in it."""
    return [f"{label}: {what}" for label in DOMAINS.values() for what in ("tasks passed", "tasks")]


def add_task_columns(team: Team, header: list, rows: list[list], user_ids: list[int]) -> None:
    """Append the tasks passed per domain to a CSV's header and rows (`user_ids`: every member
    of the team, one per row, in the same order), when the team has tasks: two queries, or
    one and no column when it has none."""
    tasks = team_task_domains(team)
    if not tasks.totals:
        return
    header += task_header()
    cells = task_cells_for(team, user_ids, tasks, everyone=True)
    for row, user_id in zip(rows, user_ids, strict=True):
        row += [v for c in cells[user_id] for v in (c.passed, c.total)]


def add_domain_columns(team: Team, header: list, rows: list[list], user_ids: list[int]) -> None:
    """Append the domain columns to a CSV's header and rows (`user_ids`: one per row, in the
    same order); one query for the rows given."""
    header += domain_header()
    cells = cells_for(team, user_ids)
    for row, user_id in zip(rows, user_ids, strict=True):
        row += cell_values(cells[user_id])
