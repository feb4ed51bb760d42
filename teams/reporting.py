"""One member's progress in full, for the member page: lessons, sections, quiz scores, activity.

Built in a fixed number of queries whatever the number of lessons or quizzes. The dashboard and
the CSV export page through members instead (teams/members.py, lines.py, export.py). Lesson
status is derived from read marks by `lessons.progress.lesson_progress`, the same rule the
learner's own pages use, so adding a section reopens a completed lesson here too.
"""

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime

from lessons.models import Lesson, Section, SectionProgress
from lessons.progress import LessonProgress, Status, lesson_progress, sections_by_lesson
from quizzes.models import Attempt, Quiz

from .models import Membership, Team
from .scores import MeanScore, QuizScore, mean_score, quiz_scores, scores_in_order
from .task_report import lesson_tasks_of, team_tasks


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
    def tasks_passed(self) -> int:
        return sum(p.tasks_passed for p in self.lessons)

    @property
    def tasks_total(self) -> int:
        return sum(p.tasks_total for p in self.lessons)

    @property
    def score(self) -> MeanScore:
        """Mean best score over the quizzes the member took; "not taken" ones do not count."""
        return mean_score(self.quizzes, len(self.quizzes))

    @property
    def attempts(self) -> int:
        return sum(q.attempts for q in self.quizzes)


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
    scores, attempt_activity = quiz_scores(user_ids, [q.id for q in quizzes])
    tasks = lesson_tasks_of(user_ids, team_tasks(lessons))  # a lesson's tasks: two queries

    columns = [LessonColumn(lesson) for lesson in lessons]
    report = TeamReport(team=team, lessons=columns, quizzes=quizzes)
    for membership in memberships:
        user_marks = marks.get(membership.user_id, {})
        progress = lesson_progress(sections, user_marks, tasks.get(membership.user_id))
        passes = [p.last_passed_at for p in tasks.get(membership.user_id, {}).values()]
        activity = [*user_marks.values(), attempt_activity.get(membership.user_id), *passes]
        row = MemberRow(
            membership=membership,
            lessons=[progress[lesson.id] for lesson in lessons],
            quizzes=scores_in_order(scores, membership.user_id, [q.id for q in quizzes]),
            last_activity=max((when for when in activity if when), default=None),
        )
        report.rows.append(row)
        if row.is_learner:
            for column, lesson_state in zip(columns, row.lessons, strict=True):
                column.learners += 1
                column.completed += lesson_state.status == Status.COMPLETED
    return report


def _read_marks(team, user_ids, section_ids) -> dict[int, dict[int, datetime]]:
    """user id → {section id → read at}, for the team's sections only (one query)."""
    out: dict[int, dict[int, datetime]] = defaultdict(dict)
    if not user_ids or not section_ids:
        return out
    rows = SectionProgress.objects.filter(
        user_id__in=user_ids, section_id__in=section_ids
    ).values_list("user_id", "section_id", "read_at")
    for user_id, section_id, read_at in rows:
        out[user_id][section_id] = read_at
    return out


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
