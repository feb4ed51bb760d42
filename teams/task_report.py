"""The team's practice tasks (issue 24): which members passed which, counted in SQL.

A task counts once passed (TaskProgress.passed_at), after the solution was shown or not, as on
the learner's own pages (practice/reporting.py); a lesson with tasks is completed when its
sections are read and its tasks passed (lessons/progress.py). Every figure here is a grouped
COUNT or MAX over the members asked about: a fixed number of queries whatever the team's size,
and no pass is read into Python one by one.
"""

import hashlib
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime

from django.conf import settings
from django.core.cache import caches
from django.db import connection
from django.db.models import Count, Max, OuterRef, Subquery

from lessons.models import Section, SectionProgress
from lessons.requirements import LessonTasks
from practice.models import Task, TaskProgress
from practice.reporting import task_url

from .members import in_list
from .models import Membership, Team
from .summary import SUMMARY_SECONDS

LEARNER = Membership.Role.LEARNER


@dataclass
class TeamTasks:
    """The published tasks of the team's lessons (TeamContent's lessons), in lesson order."""

    rows: list[dict]  # id, lesson_id, lesson__course_id, slug, title, domain
    per_lesson: dict[int, int] = field(default_factory=dict)  # lesson id → its tasks
    per_course: dict[int, int] = field(default_factory=dict)  # course id → its tasks

    @property
    def ids(self) -> list[int]:
        return [row["id"] for row in self.rows]

    @property
    def total(self) -> int:
        return len(self.rows)

    def of_course(self, course_id: int) -> list[dict]:
        return [row for row in self.rows if row["lesson__course_id"] == course_id]


def team_tasks(lessons) -> TeamTasks:
    """One query: the tasks of `lessons` (the team's published lessons in the report's order,
    TeamContent.lessons), in that order."""
    order = {lesson.id: n for n, lesson in enumerate(lessons)}
    rows = list(
        Task.objects.filter(lesson_id__in=order)
        .order_by()
        .values("id", "lesson_id", "lesson__course_id", "slug", "title", "domain", "order")
    )
    rows.sort(key=lambda row: (order[row["lesson_id"]], row["order"], row["id"]))
    tasks = TeamTasks(rows)
    for row in rows:
        tasks.per_lesson[row["lesson_id"]] = tasks.per_lesson.get(row["lesson_id"], 0) + 1
        course_id = row["lesson__course_id"]
        tasks.per_course[course_id] = tasks.per_course.get(course_id, 0) + 1
    return tasks


def _passes(user_ids, task_ids):
    rows = TaskProgress.objects.filter(user_id__in=user_ids, passed_at__isnull=False)
    return in_list(rows, "task_id", task_ids)


def passed_counts(user_ids, task_ids, key: str) -> dict[tuple[int, int], tuple[int, datetime]]:
    """{(user id, `key` of the task): (tasks passed, the latest pass)}, in one grouped query.
    `key` is "task__lesson_id" or "task__lesson__course_id"."""
    if not user_ids or not task_ids:
        return {}
    rows = (
        _passes(user_ids, task_ids)
        .values_list("user_id", key)
        .annotate(n=Count("id"), last=Max("passed_at"))
        .order_by()
    )
    return {(user_id, key_id): (n, last) for user_id, key_id, n, last in rows}


def member_totals(user_ids, task_ids) -> dict[int, tuple[int, datetime]]:
    """user id → (tasks passed, the latest pass), in one grouped query."""
    if not user_ids or not task_ids:
        return {}
    rows = (
        _passes(user_ids, task_ids)
        .values_list("user_id")
        .annotate(n=Count("id"), last=Max("passed_at"))
        .order_by()
    )
    return {user_id: (n, last) for user_id, n, last in rows}


def lesson_tasks_of(user_ids, tasks: TeamTasks) -> dict[int, dict[int, LessonTasks]]:
    """user id → lesson id → LessonTasks, what lessons.progress.lesson_progress takes to judge
    a lesson with tasks (one query; lessons without tasks are absent)."""
    out: dict[int, dict[int, LessonTasks]] = defaultdict(dict)
    passed = passed_counts(user_ids, tasks.ids, "task__lesson_id")
    for user_id in user_ids:
        for lesson_id, total in tasks.per_lesson.items():
            n, last = passed.get((user_id, lesson_id), (0, None))
            out[user_id][lesson_id] = LessonTasks(n, total, last)
    return out


def attach_tasks(lines, totals: dict[int, tuple[int, datetime]], total: int) -> None:
    """Give each member line (anything with .user) `tasks_passed` and `tasks_total`."""
    for line in lines:
        line.tasks_passed = totals.get(line.user.pk, (0, None))[0]
        line.tasks_total = total


@dataclass(frozen=True)
class TaskFigure:
    task: dict
    learners: int
    passed: int  # learners who passed it

    @property
    def url(self) -> str:
        return task_url(self.task["slug"])

    @property
    def percent(self) -> int | None:
        return round(100 * self.passed / self.learners) if self.learners else None


def task_figures(team: Team, tasks: TeamTasks, learners: int) -> dict[int, int]:
    """task id → the team's learners who passed it (one grouped query)."""
    if not tasks.rows or not learners:
        return {}
    team_learners = Membership.objects.filter(team=team, role=LEARNER).values("user_id")
    rows = (
        TaskProgress.objects.filter(
            task_id__in=tasks.ids, passed_at__isnull=False, user_id__in=team_learners
        )
        .values_list("task_id")
        .annotate(n=Count("id"))
        .order_by()
    )
    return dict(rows)


def lessons_completed(team: Team, tasks: TeamTasks) -> dict[int, int]:
    """lesson id → the team's learners who completed it, for the lessons with tasks: every
    section read and every task passed (teams/summary.py counts the others by reading alone).

    Raw SQL, as summary.lesson_figures is: "completed" compares each learner's count of marks
    and of passes in a lesson with the lesson's counts, aggregates over aggregates that the ORM
    cannot group again by lesson. Passes and marks are each grouped per (lesson, learner) for
    the lessons with tasks only, then joined. At 5,000 learners, 10 lessons with 20 tasks and
    ~50,000 passes (tests/test_practice_team_scale.py's data, with statistics) it took about
    0.1 s on SQLite and on PostgreSQL; counting each pair's marks in a correlated subquery
    instead took 1.5 s on PostgreSQL. The dashboard keeps the result a minute, as the rest of
    the summary.
    """
    lesson_ids = list(tasks.per_lesson)
    if not lesson_ids:
        return {}
    q = connection.ops.quote_name
    passes, task_table = TaskProgress._meta.db_table, Task._meta.db_table
    marks, sections = SectionProgress._meta.db_table, Section._meta.db_table
    members = Membership._meta.db_table
    ids = ", ".join(["%s"] * len(lesson_ids))
    sql = (
        f"SELECT p.lesson_id, COUNT(*) FROM ("
        f"SELECT t.{q('lesson_id')} AS lesson_id, tp.{q('user_id')} AS user_id, COUNT(*) AS n "
        f"FROM {q(passes)} tp JOIN {q(task_table)} t ON t.{q('id')} = tp.{q('task_id')} "
        f"JOIN {q(members)} m ON m.{q('user_id')} = tp.{q('user_id')} "
        f"WHERE m.{q('team_id')} = %s AND m.{q('role')} = %s "
        f"AND tp.{q('passed_at')} IS NOT NULL AND t.{q('lesson_id')} IN ({ids}) "
        f"GROUP BY t.{q('lesson_id')}, tp.{q('user_id')}) p "
        f"JOIN (SELECT {q('lesson_id')} AS lesson_id, COUNT(*) AS n FROM {q(task_table)} "
        f"WHERE {q('lesson_id')} IN ({ids}) GROUP BY {q('lesson_id')}) tt "
        f"ON tt.lesson_id = p.lesson_id AND p.n >= tt.n "
        f"JOIN (SELECT s.{q('lesson_id')} AS lesson_id, sp.{q('user_id')} AS user_id, "
        f"COUNT(*) AS n FROM {q(marks)} sp "
        f"JOIN {q(sections)} s ON s.{q('id')} = sp.{q('section_id')} "
        f"JOIN {q(members)} m ON m.{q('user_id')} = sp.{q('user_id')} "
        f"WHERE m.{q('team_id')} = %s AND m.{q('role')} = %s AND s.{q('lesson_id')} IN ({ids}) "
        f"GROUP BY s.{q('lesson_id')}, sp.{q('user_id')}) r "
        f"ON r.lesson_id = p.lesson_id AND r.user_id = p.user_id "
        f"JOIN (SELECT {q('lesson_id')} AS lesson_id, COUNT(*) AS n FROM {q(sections)} "
        f"WHERE {q('lesson_id')} IN ({ids}) GROUP BY {q('lesson_id')}) st "
        f"ON st.lesson_id = p.lesson_id AND r.n >= st.n "
        f"GROUP BY p.lesson_id"
    )
    with connection.cursor() as cursor:
        params = [team.id, LEARNER, *lesson_ids, *lesson_ids, team.id, LEARNER, *lesson_ids]
        cursor.execute(sql, [*params, *lesson_ids])
        return {lesson_id: int(n) for lesson_id, n in cursor.fetchall()}


def member_tasks(membership: Membership, lessons) -> list[tuple[dict, dict | None]]:
    """The member page's tasks, those of `lessons` in their order: each with the member's
    progress on it (pass, after the solution or not, hints seen, checks run, given up), or
    None when untouched. One query."""
    order = {lesson.id: n for n, lesson in enumerate(lessons)}
    if not order:
        return []
    own = TaskProgress.objects.filter(user_id=membership.user_id, task=OuterRef("pk"))
    fields = ("passed_at", "passed_after_solution", "hints_shown", "checks_run", "gave_up_at")
    annotations = {f"own_{name}": Subquery(own.values(name)[:1]) for name in fields}
    annotations["own_id"] = Subquery(own.values("id")[:1])
    rows = list(
        Task.objects.filter(lesson_id__in=order)
        .annotate(**annotations)
        .order_by()
        .values("id", "lesson_id", "slug", "title", "domain", "order", *annotations)
    )
    rows.sort(key=lambda row: (order[row["lesson_id"]], row["order"], row["id"]))
    out = []
    for row in rows:
        progress = None
        if row["own_id"] is not None:
            progress = {name: row[f"own_{name}"] for name in fields}
        out.append(({**row, "url": task_url(row["slug"])}, progress))
    return out


def add_task_figures(summary, team: Team, tasks: TeamTasks) -> None:
    """The dashboard's summary with the tasks: each course figure gets `tasks` (TaskFigure per
    task), and a lesson with tasks counts as completed by the learners who read it and passed
    its tasks, as the learner's own pages say. Two queries, kept in the cache with the
    summary's other figures for as long (teams/summary.py)."""
    for course in summary.courses:
        course.tasks = []
    if not tasks.rows:
        return
    cache = caches["template_fragments"]
    shape = f"{team.id}:{team.created_at.isoformat()}:{summary.learners}:{tasks.per_lesson}"
    digest = hashlib.sha256(shape.encode()).hexdigest()[:32]
    key = f"team-task-summary:{settings.MESHLEARN_RELEASE}:{digest}"
    figures = cache.get(key)
    if figures is None:
        figures = {
            "tasks": task_figures(team, tasks, summary.learners),
            "lessons": lessons_completed(team, tasks) if summary.learners else {},
        }
        cache.set(key, figures, SUMMARY_SECONDS)
    for course in summary.courses:
        for lesson in course.lessons:
            if lesson.lesson.id in tasks.per_lesson:
                lesson.completed = figures["lessons"].get(lesson.lesson.id, 0)
        course.tasks = [
            TaskFigure(row, summary.learners, figures["tasks"].get(row["id"], 0))
            for row in tasks.of_course(course.course.id)
        ]
