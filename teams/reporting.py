"""A team's progress table: members × lessons, quiz scores and last activity.

Built in a fixed number of queries whatever the number of members, lessons or quizzes: the
dashboard, the CSV export and the member page all read from here. Lesson status is derived from
read marks by `lessons.progress.lesson_progress`, the same rule the learner's own pages use, so
adding a section reopens a completed lesson here too.
"""

import math
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime

from django.db.models import Count, F, FloatField, Max, Q
from django.db.models.functions import Cast, NullIf

from lessons.models import Lesson, Section, SectionProgress
from lessons.progress import LessonProgress, Status, lesson_progress, sections_by_lesson
from quizzes.models import Attempt, Quiz
from quizzes.results import passed_attempts

from .models import Membership, Team

SORT_KEYS = ("name", "completion", "activity", "score")
DEFAULT_SORT = "name"


@dataclass(frozen=True)
class QuizScore:
    quiz_id: int
    best_percent: int | None  # None: no finished attempt yet
    attempts: int  # finished attempts
    passed: bool = False  # any finished attempt met the pass mark it was judged by


@dataclass
class MemberRow:
    membership: Membership
    lessons: list[LessonProgress]  # in the report's column order
    quizzes: list[QuizScore]  # in the report's quiz order
    last_activity: datetime | None

    @property
    def user(self):
        return self.membership.user

    @property
    def is_learner(self) -> bool:
        return self.membership.role == Membership.Role.LEARNER

    @property
    def read(self) -> int:
        return sum(p.read for p in self.lessons)

    @property
    def total(self) -> int:
        return sum(p.total for p in self.lessons)

    @property
    def percent(self) -> int:
        return round(100 * self.read / self.total) if self.total else 0

    @property
    def score(self) -> int | None:
        """Mean best score over the team's quizzes (rounded down), a quiz not taken counting 0.

        None until the member finishes any attempt, so "not tried" sorts apart from "0 %".
        """
        if not any(q.attempts for q in self.quizzes):
            return None
        return sum(q.best_percent or 0 for q in self.quizzes) // len(self.quizzes)

    @property
    def attempts(self) -> int:
        return sum(q.attempts for q in self.quizzes)

    @property
    def quizzes_taken(self) -> int:
        """How many of the team's quizzes the member finished at least once."""
        return sum(1 for q in self.quizzes if q.attempts)


@dataclass
class LessonColumn:
    lesson: Lesson
    completed: int = 0  # learners who completed it
    learners: int = 0

    @property
    def percent(self) -> int | None:
        return round(100 * self.completed / self.learners) if self.learners else None


@dataclass
class TeamReport:
    team: Team
    lessons: list[LessonColumn]
    quizzes: list[Quiz]
    rows: list[MemberRow] = field(default_factory=list)

    @property
    def learner_rows(self) -> list[MemberRow]:
        return [row for row in self.rows if row.is_learner]

    @property
    def percent(self) -> int | None:
        """Team completion: sections read by its learners over sections they could read."""
        learners = self.learner_rows
        total = sum(row.total for row in learners)
        return round(100 * sum(row.read for row in learners) / total) if total else None

    @property
    def quiz_pass_rates(self) -> list[int | None]:
        """Per quiz, in order: the share of the team's learners who passed it; None while no
        learner has finished an attempt at it."""
        learners = self.learner_rows
        rates: list[int | None] = []
        for index in range(len(self.quizzes)):
            scores = [row.quizzes[index] for row in learners]
            tried = any(score.attempts for score in scores)
            passed = sum(score.passed for score in scores)
            rates.append(round(100 * passed / len(scores)) if tried else None)
        return rates

    @property
    def course_groups(self) -> list[tuple[object, int]]:
        """(course, number of its lesson columns), for a grouped table header."""
        groups: list[tuple[object, int]] = []
        for column in self.lessons:
            course = column.lesson.course
            if groups and groups[-1][0].id == course.id:
                groups[-1] = (course, groups[-1][1] + 1)
            else:
                groups.append((course, 1))
        return groups


def team_lessons(team: Team) -> list[Lesson]:
    """The published lessons of the team's courses: what its learners can read."""
    return list(
        Lesson.objects.published()
        .filter(course__teams=team)
        .select_related("course")
        .order_by("course__order", "course__title", "course_id", "order", "id")
    )


def team_quizzes(team: Team) -> list[Quiz]:
    return list(
        Quiz.objects.published()
        .filter(course__teams=team)
        .select_related("course")
        .order_by("course__order", "course__title", "course_id", "order", "id")
    )


def team_report(team: Team, *, memberships=None) -> TeamReport:
    """The whole table. `memberships` narrows it (the member page passes one)."""
    lessons = team_lessons(team)
    sections = sections_by_lesson(lessons)
    quizzes = team_quizzes(team)
    if memberships is None:
        memberships = team.memberships.select_related("user").order_by("user__username")
    memberships = list(memberships)
    user_ids = [m.user_id for m in memberships]

    marks = _read_marks(team, user_ids, [sid for ids in sections.values() for sid in ids])
    scores, attempt_activity = _quiz_scores(team, user_ids, [q.id for q in quizzes])

    columns = [LessonColumn(lesson) for lesson in lessons]
    report = TeamReport(team=team, lessons=columns, quizzes=quizzes)
    for membership in memberships:
        user_marks = marks.get(membership.user_id, {})
        progress = lesson_progress(sections, user_marks)
        activity = [*user_marks.values(), attempt_activity.get(membership.user_id)]
        row = MemberRow(
            membership=membership,
            lessons=[progress[lesson.id] for lesson in lessons],
            quizzes=[
                scores.get((membership.user_id, quiz.id), QuizScore(quiz.id, None, 0))
                for quiz in quizzes
            ],
            last_activity=max((when for when in activity if when), default=None),
        )
        report.rows.append(row)
        if row.is_learner:
            for column, lesson_state in zip(columns, row.lessons, strict=True):
                column.learners += 1
                column.completed += lesson_state.status == Status.COMPLETED
    return report


def _members_filter(team: Team, user_ids: list[int]) -> Q:
    # A join on the team rather than a long IN list when the whole team is reported on.
    if len(user_ids) == 1:
        return Q(user_id=user_ids[0])
    return Q(user__team_memberships__team=team)


def _read_marks(team, user_ids, section_ids) -> dict[int, dict[int, datetime]]:
    """user id → {section id → read at}, for the team's sections only (one query)."""
    out: dict[int, dict[int, datetime]] = defaultdict(dict)
    if not user_ids or not section_ids:
        return out
    rows = SectionProgress.objects.filter(
        _members_filter(team, user_ids), section_id__in=section_ids
    ).values_list("user_id", "section_id", "read_at")
    for user_id, section_id, read_at in rows:
        out[user_id][section_id] = read_at
    return out


def _quiz_scores(team, user_ids, quiz_ids):
    """({(user id, quiz id): QuizScore}, {user id: latest attempt time}) in one query."""
    scores: dict[tuple[int, int], QuizScore] = {}
    activity: dict[int, datetime] = {}
    if not user_ids or not quiz_ids:
        return scores, activity
    finished = Q(finished_at__isnull=False)
    percent = Cast(F("score"), FloatField()) * 100 / NullIf(F("total"), 0)
    rows = (
        Attempt.objects.counted()  # an instructor's draft previews are no results
        .filter(_members_filter(team, user_ids), quiz_id__in=quiz_ids)
        .values("user_id", "quiz_id")
        .annotate(
            finished_count=Count("id", filter=finished),
            passed_count=Count("id", filter=passed_attempts(F("quiz__pass_percent"))),
            best=Max(percent, filter=finished),
            last_started=Max("started_at"),
            last_finished=Max("finished_at"),
        )
        .order_by()
    )
    for row in rows:
        best = row["best"]
        scores[(row["user_id"], row["quiz_id"])] = QuizScore(
            row["quiz_id"],
            # Rounded down, as quizzes.scoring.percent does: never more than was scored.
            math.floor(best) if best is not None else (0 if row["finished_count"] else None),
            row["finished_count"],
            passed=row["passed_count"] > 0,
        )
        times = [t for t in (row["last_started"], row["last_finished"]) if t]
        latest = max(times)
        if row["user_id"] not in activity or latest > activity[row["user_id"]]:
            activity[row["user_id"]] = latest
    return scores, activity


def sort_rows(rows: list[MemberRow], key: str) -> list[MemberRow]:
    """Learners first, then instructors; within each, by the chosen column.

    Numbers sort highest first and the most recent activity first; members with no value
    for the column go last; ties fall back to the username so the order is stable.
    """

    def by_name(row: MemberRow):
        return row.user.get_username().casefold()

    def number(value) -> tuple:
        return (value is None, -(value or 0))

    def sort_key(row: MemberRow):
        if key == "completion":
            value: tuple = number(row.percent)
        elif key == "score":
            value = number(row.score)
        elif key == "activity":
            when = row.last_activity
            value = (when is None, -when.timestamp() if when else 0)
        else:
            value = ()
        return (not row.is_learner, *value, by_name(row))

    return sorted(rows, key=sort_key)


@dataclass
class MemberDetail:
    row: MemberRow
    lessons: list[tuple[LessonColumn, LessonProgress, list[tuple[object, datetime | None]]]]
    attempts: list[Attempt]  # newest first


def member_detail(team: Team, membership: Membership) -> MemberDetail:
    """One member's row, each lesson's sections with when they were read, and every attempt."""
    report = team_report(team, memberships=[membership])
    (row,) = report.rows
    lesson_ids = [column.lesson.id for column in report.lessons]
    marks = dict(
        SectionProgress.objects.filter(
            user_id=membership.user_id, section__lesson_id__in=lesson_ids
        ).values_list("section_id", "read_at")
    )
    sections_of: dict[int, list] = defaultdict(list)
    for section in Section.objects.filter(lesson_id__in=lesson_ids).only(
        "id", "lesson_id", "title", "slug", "order"
    ):
        sections_of[section.lesson_id].append((section, marks.get(section.id)))
    attempts = list(
        Attempt.objects.counted()
        .filter(user_id=membership.user_id, quiz__in=[q.id for q in report.quizzes])
        .select_related("quiz")
    )
    return MemberDetail(
        row=row,
        lessons=[
            (column, progress, sections_of[column.lesson.id])
            for column, progress in zip(report.lessons, row.lessons, strict=True)
        ],
        attempts=attempts,
    )
