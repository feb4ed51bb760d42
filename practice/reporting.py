"""Where the current learner stands on the practice tasks, for the pages that show progress.

Everything comes from one query per request: the tasks of the lessons asked about with the
learner's pass time (`passed_at` of their TaskProgress row; a visitor's passes are in the
session, progress.py). It answers the lessons app's question (registered in apps.py through
lessons/requirements.py: a lesson is completed only when its tasks are passed) and /me/'s
(passed tasks per domain, recently passed), so /me/ asks the database once for both.
"""

from collections.abc import Collection
from dataclasses import dataclass
from datetime import datetime

from django.db.models import OuterRef, Subquery
from django.urls import reverse

from course_format.bank import DOMAINS
from lessons.requirements import LessonTasks

from .models import Task, TaskProgress
from .progress import task_states

ROWS_ATTR = "practice_task_rows"  # the request attribute that holds this request's rows


def task_url(slug: str) -> str:
    """A task's page, from its slug alone (Task.get_absolute_url wants the row)."""
    return reverse("practice-task", args=[slug])


@dataclass(frozen=True)
class TaskRow:
    id: int
    lesson_id: int
    slug: str
    title: str
    domain: str
    passed_at: datetime | None
    passed_after_solution: bool

    @property
    def url(self) -> str:
        return task_url(self.slug)

    @property
    def domain_label(self) -> str:
        return DOMAINS.get(self.domain, self.domain)


def task_rows(request, lesson_ids: Collection[int]) -> list[TaskRow]:
    """The tasks of `lesson_ids` in their lessons' order, with the learner's pass: one query,
    kept on the request so that a page asking twice for the same lessons asks once."""
    key = frozenset(lesson_ids)
    memo = getattr(request, ROWS_ATTR, None)
    if memo is None:
        memo = {}
        setattr(request, ROWS_ATTR, memo)
    if key not in memo:
        memo[key] = _load_rows(request, key) if key else []
    return memo[key]


def _load_rows(request, lesson_ids: frozenset[int]) -> list[TaskRow]:
    tasks = Task.objects.filter(lesson_id__in=lesson_ids).order_by(
        "lesson__order", "lesson_id", "order", "id"
    )
    fields = ("id", "lesson_id", "slug", "title", "domain")
    if request.user.is_authenticated:
        own = TaskProgress.objects.filter(user=request.user, task=OuterRef("pk"))
        tasks = tasks.annotate(
            own_passed_at=Subquery(own.values("passed_at")[:1]),
            own_after=Subquery(own.values("passed_after_solution")[:1]),
        )
        return [
            TaskRow(*row[:5], row[5], bool(row[6]))
            for row in tasks.values_list(*fields, "own_passed_at", "own_after")
        ]
    rows = list(tasks.values_list(*fields))
    states = task_states(request, {row[0] for row in rows})  # the session: no query
    out = []
    for row in rows:
        state = states.get(row[0])
        passed_at = state.passed_at if state else None
        out.append(TaskRow(*row, passed_at, bool(state and state.passed_after_solution)))
    return out


def lesson_task_counts(request, lesson_ids: Collection[int]) -> dict[int, LessonTasks]:
    """The counter lessons/requirements.py calls: lesson id → the learner's passed tasks of
    it, their number, the latest pass and the first task still open."""
    by_lesson: dict[int, list[TaskRow]] = {}
    for row in task_rows(request, lesson_ids):
        by_lesson.setdefault(row.lesson_id, []).append(row)
    out = {}
    for lesson_id, rows in by_lesson.items():
        passed = [row.passed_at for row in rows if row.passed_at is not None]
        first_open = next((row for row in rows if row.passed_at is None), None)
        out[lesson_id] = LessonTasks(
            passed=len(passed),
            total=len(rows),
            last_passed_at=max(passed, default=None),
            next_url=first_open.url if first_open else None,
        )
    return out


@dataclass(frozen=True)
class DomainTasks:
    domain: str
    label: str
    passed: int
    total: int

    @property
    def percent(self) -> int:
        return round(100 * self.passed / self.total) if self.total else 0


@dataclass(frozen=True)
class LearnerPractice:
    """/me/'s practice block: per ICA domain, then the latest passes."""

    domains: list[DomainTasks]
    recent: list[TaskRow]  # newest first
    passed: int
    total: int


RECENT = 5


def learner_practice(request, lesson_ids: Collection[int]) -> LearnerPractice:
    """The learner's tasks of `lesson_ids` (the published lessons /me/ lists) per domain, in
    the bank's domain order, and the latest passed; the same rows as their progress."""
    rows = task_rows(request, lesson_ids)
    counts: dict[str, list[int]] = {}
    for row in rows:
        pair = counts.setdefault(row.domain, [0, 0])
        pair[0] += row.passed_at is not None
        pair[1] += 1
    order = [*DOMAINS, *sorted(set(counts) - set(DOMAINS))]
    domains = [DomainTasks(d, DOMAINS.get(d, d), *counts[d]) for d in order if d in counts]
    passed = sorted(
        (row for row in rows if row.passed_at is not None),
        key=lambda row: row.passed_at,
        reverse=True,
    )
    return LearnerPractice(domains, passed[:RECENT], len(passed), len(rows))
