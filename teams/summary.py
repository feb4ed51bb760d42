"""What a team trains on, and the team's figures for it: completion, each lesson's and each
quiz's. All counted in SQL, in a fixed number of queries whatever the team's size; nothing
reads a member's marks into Python.

`overdue` is a slot the assignments feature fills (None: nothing is assigned with a due date).
"""

from dataclasses import dataclass, field

from django.db import connection
from django.db.models import Count, F, Q

from lessons.models import Lesson, Section, SectionProgress
from lessons.progress import sections_by_lesson
from quizzes.models import Attempt, Quiz
from quizzes.results import passed_attempts

from .members import Scope
from .models import Membership, Team

LEARNER = Membership.Role.LEARNER


@dataclass
class TeamContent:
    """The published lessons (with their section ids) and quizzes of the team's courses."""

    lessons: list[Lesson]
    sections: dict[int, list[int]]  # lesson id → its section ids, in order
    quizzes: list[Quiz]

    @property
    def courses(self) -> list:
        seen: dict[int, object] = {}
        for item in [*self.lessons, *self.quizzes]:
            seen.setdefault(item.course_id, item.course)
        order = {c.id: i for i, c in enumerate(lesson.course for lesson in self.lessons)}
        return sorted(seen.values(), key=lambda c: order.get(c.id, len(order)))

    def scope(self, team: Team) -> Scope:
        section_ids = [sid for lesson in self.lessons for sid in self.sections[lesson.id]]
        return Scope(team, section_ids, [quiz.id for quiz in self.quizzes])

    def of_course(self, course_id: int) -> "TeamContent":
        lessons = [lesson for lesson in self.lessons if lesson.course_id == course_id]
        return TeamContent(
            lessons,
            {lesson.id: self.sections[lesson.id] for lesson in lessons},
            [quiz for quiz in self.quizzes if quiz.course_id == course_id],
        )


def team_content(team: Team) -> TeamContent:
    """Three queries: lessons, their section ids, quizzes."""
    order = ("course__order", "course__title", "course_id", "order", "id")
    lessons = list(
        Lesson.objects.published()
        .filter(course__teams=team)
        .select_related("course")
        .only("id", "slug", "title", "order", "course_id", "course__title", "course__slug")
        .order_by(*order)
    )
    quizzes = list(
        Quiz.objects.published()
        .filter(course__teams=team)
        .select_related("course")
        .only("id", "slug", "title", "order", "course_id", "course__title", "course__slug")
        .order_by(*order)
    )
    return TeamContent(lessons, sections_by_lesson(lessons), quizzes)


@dataclass
class LessonFigure:
    lesson: Lesson
    sections: int
    learners: int
    completed: int = 0  # learners who read every section
    reads: int = 0  # sections read, over all learners

    @property
    def percent(self) -> int | None:
        return round(100 * self.completed / self.learners) if self.learners else None


@dataclass
class QuizFigure:
    quiz: Quiz
    learners: int
    taken: int = 0  # learners with a finished attempt
    passed: int = 0  # learners with a passing attempt

    @property
    def percent(self) -> int | None:
        """Share of the learners who passed; None while none has finished an attempt."""
        return round(100 * self.passed / self.learners) if self.taken else None


@dataclass
class CourseFigure:
    course: object
    learners: int
    lessons: list[LessonFigure] = field(default_factory=list)
    quizzes: list[QuizFigure] = field(default_factory=list)

    @property
    def sections(self) -> int:
        return sum(f.sections for f in self.lessons)

    @property
    def reads(self) -> int:
        return sum(f.reads for f in self.lessons)

    @property
    def percent(self) -> int | None:
        possible = self.learners * self.sections
        return round(100 * self.reads / possible) if possible else None


@dataclass
class TeamSummary:
    team: Team
    members: int
    learners: int
    courses: list[CourseFigure]
    overdue: int | None = None  # filled by the assignments feature

    @property
    def percent(self) -> int | None:
        """Sections read by the team's learners over the sections they could read."""
        possible = self.learners * sum(c.sections for c in self.courses)
        return round(100 * sum(c.reads for c in self.courses) / possible) if possible else None


def team_summary(team: Team, content: TeamContent) -> TeamSummary:
    """Three queries: the member counts, the lessons' figures, the quizzes'."""
    counts = Membership.objects.filter(team=team).aggregate(
        members=Count("id"), learners=Count("id", filter=Q(role=LEARNER))
    )
    learners = counts["learners"]
    lesson_rows = lesson_figures(team, content, learners)
    quiz_rows = quiz_figures(team, content, learners)
    courses = {c.id: CourseFigure(c, learners) for c in content.courses}
    for figure in lesson_rows:
        courses[figure.lesson.course_id].lessons.append(figure)
    for figure in quiz_rows:
        courses[figure.quiz.course_id].quizzes.append(figure)
    return TeamSummary(team, counts["members"], learners, list(courses.values()))


def lesson_figures(team: Team, content: TeamContent, learners: int) -> list[LessonFigure]:
    """Per lesson: sections read by the team's learners and learners who completed it.

    Raw SQL, the one place here: "completed" compares each learner's count of marks in a
    lesson with the lesson's section count, an aggregate over an aggregate that the ORM cannot
    group again by lesson. One pass over the learners' marks in SQL; at 5,000 learners × 20
    courses (200 lessons, ~1.2 M read marks) it takes about 0.25 s on SQLite (bench/team_pages.py),
    where loading the marks into Python took 17 s before.
    """
    figures = [
        LessonFigure(lesson, len(content.sections[lesson.id]), learners)
        for lesson in content.lessons
    ]
    if not figures or not learners:
        return figures
    by_id = {f.lesson.id: f for f in figures}
    q = connection.ops.quote_name
    marks, sections = SectionProgress._meta.db_table, Section._meta.db_table
    members = Membership._meta.db_table
    ids = ", ".join(["%s"] * len(by_id))
    sql = (
        f"SELECT per.lesson_id, SUM(per.n), SUM(CASE WHEN per.n >= tot.n THEN 1 ELSE 0 END) "
        f"FROM (SELECT s.{q('lesson_id')} AS lesson_id, COUNT(*) AS n "
        f"FROM {q(marks)} sp JOIN {q(sections)} s ON s.{q('id')} = sp.{q('section_id')} "
        f"JOIN {q(members)} m ON m.{q('user_id')} = sp.{q('user_id')} "
        f"WHERE m.{q('team_id')} = %s AND m.{q('role')} = %s AND s.{q('lesson_id')} IN ({ids}) "
        f"GROUP BY s.{q('lesson_id')}, sp.{q('user_id')}) per "
        f"JOIN (SELECT {q('lesson_id')} AS lesson_id, COUNT(*) AS n FROM {q(sections)} "
        f"WHERE {q('lesson_id')} IN ({ids}) GROUP BY {q('lesson_id')}) tot "
        f"ON tot.lesson_id = per.lesson_id GROUP BY per.lesson_id"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [team.id, LEARNER, *by_id, *by_id])
        for lesson_id, reads, completed in cursor.fetchall():
            by_id[lesson_id].reads = int(reads)
            by_id[lesson_id].completed = int(completed)
    return figures


def quiz_figures(team: Team, content: TeamContent, learners: int) -> list[QuizFigure]:
    """Per quiz: learners who finished an attempt, and who passed (one grouped query)."""
    figures = [QuizFigure(quiz, learners) for quiz in content.quizzes]
    if not figures or not learners:
        return figures
    by_id = {f.quiz.id: f for f in figures}
    team_learners = Membership.objects.filter(team=team, role=LEARNER).values("user_id")
    rows = (
        Attempt.objects.counted()
        .filter(quiz_id__in=by_id, user_id__in=team_learners)
        .values("quiz_id")
        .annotate(
            taken=Count("user_id", distinct=True, filter=Q(finished_at__isnull=False)),
            passed=Count("user_id", distinct=True, filter=passed_attempts(F("quiz__pass_percent"))),
        )
        .order_by()
    )
    for row in rows:
        by_id[row["quiz_id"]].taken = row["taken"]
        by_id[row["quiz_id"]].passed = row["passed"]
    return figures
