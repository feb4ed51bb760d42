"""Reading progress: who read which section, and what that means for lessons and courses.

A signed-in learner's read marks are rows (SectionProgress); a visitor's live in their session
until they sign up or log in, when `merge_session_read_marks` moves them to the account.
Lesson status is derived from the marks, never stored, so it cannot drift from them: when an
instructor adds a section, a completed lesson becomes "in progress" again (with the new section
unread); when a section is removed, its marks go with it and the lesson is judged on the rest.
"""

import math
from dataclasses import dataclass, field
from datetime import datetime

from django.db import IntegrityError, connections, transaction
from django.utils import timezone

from meshlearn.prepared import PreparedQuery
from shared.ids import parse_id

from .course_outline import course_outlines
from .models import Lesson, Section, SectionProgress

SESSION_KEY = "read_sections"  # {section_id (str): ISO time read}
MAX_SESSION_MARKS = 2000  # a visitor cannot grow their session without bound


class Status:
    NOT_STARTED = "not-started"
    IN_PROGRESS = "in-progress"
    COMPLETED = "completed"

    LABELS = {NOT_STARTED: "Not started", IN_PROGRESS: "In progress", COMPLETED: "Completed"}


@dataclass(frozen=True)
class LessonProgress:
    lesson_id: int
    read: int
    total: int
    completed_at: datetime | None

    @property
    def status(self) -> str:
        if self.total and self.read >= self.total:
            return Status.COMPLETED
        return Status.IN_PROGRESS if self.read else Status.NOT_STARTED

    @property
    def status_label(self) -> str:
        return Status.LABELS[self.status]

    @property
    def percent(self) -> int:
        return round(100 * self.read / self.total) if self.total else 0


_ALL_MARKS = PreparedQuery(
    lambda user_id: (
        SectionProgress.objects.filter(user_id=user_id)
        .order_by()  # a lookup table: no sort
        .values_list("section_id", "read_at")
    ),
    "int",
)


def read_marks(request, section_ids=None) -> dict[int, datetime]:
    """section id → when it was read, for the current learner (one query, or none); all their
    marks when `section_ids` is None."""
    if request.user.is_authenticated:
        if section_ids is None:
            return dict(_ALL_MARKS.rows(request.user.pk))
        rows = SectionProgress.objects.filter(user=request.user, section_id__in=section_ids)
        return dict(rows.values_list("section_id", "read_at"))
    marks = {}
    for key, when in request.session.get(SESSION_KEY, {}).items():
        try:
            marks[int(key)] = datetime.fromisoformat(when)
        except (TypeError, ValueError):
            continue  # a damaged session entry is ignored, not fatal
    return marks


_LESSON_MARKS = PreparedQuery(
    lambda user_id, lesson_id: SectionProgress.objects.filter(
        user_id=user_id, section__lesson_id=lesson_id
    ).values_list("section_id"),
    "int",
    "int",
)


def read_section_ids(request, lesson_id: int) -> set[int]:
    """The ids of the lesson's sections the current learner has read (the lesson page's read)."""
    if request.user.is_authenticated:
        return {section_id for (section_id,) in _LESSON_MARKS.rows(request.user.pk, lesson_id)}
    return set(read_marks(request))  # a visitor's marks: the page keeps this lesson's own


def lesson_progress(lesson_sections: dict[int, list[int]], marks: dict[int, datetime]):
    """lesson id → LessonProgress, from each lesson's section ids and the learner's marks."""
    result = {}
    for lesson_id, section_ids in lesson_sections.items():
        times = [marks[sid] for sid in section_ids if sid in marks]
        done = bool(section_ids) and len(times) == len(section_ids)
        result[lesson_id] = LessonProgress(
            lesson_id, len(times), len(section_ids), max(times) if done else None
        )
    return result


def sections_by_lesson(lessons) -> dict[int, list[int]]:
    """lesson id → its section ids in order (one query for any number of lessons)."""
    return _section_index(lessons)[0]


def _section_index(lessons) -> tuple[dict[int, list[int]], dict[int, str]]:
    """lesson id → its section ids in order, and section id → slug, from one query."""
    out: dict[int, list[int]] = {lesson.id: [] for lesson in lessons}
    slugs: dict[int, str] = {}
    rows = Section.objects.filter(lesson__in=out.keys()).order_by("lesson_id", "order", "id")
    for lesson_id, section_id, slug in rows.values_list("lesson_id", "id", "slug"):
        out[lesson_id].append(section_id)
        slugs[section_id] = slug
    return out, slugs


def mark_section_read(request, section: Section) -> bool:
    """Record that the learner read `section`. False when it was already marked (a no-op)."""
    return _mark_read(request, section.id)


def _mark_read(request, section_id: int) -> bool:
    if request.user.is_authenticated:
        return _mark_for_user(request.user, section_id, timezone.now())
    marks = request.session.get(SESSION_KEY, {})
    key = str(section_id)
    if key in marks or len(marks) >= MAX_SESSION_MARKS:
        return False
    marks[key] = timezone.now().isoformat()
    request.session[SESSION_KEY] = marks
    return True


# A finished quiz is the reading of the sections that send the learner to take it: a lesson
# quiz's lesson's quiz sections, or for a course-level quiz the quiz sections of the course's
# lessons without a quiz of their own (those list the course's quizzes).


# Prepared (meshlearn/prepared.py): the last answer of every quiz runs these, and building
# them through the ORM each time cost the answer POST more than the statements themselves.
def _quiz_sections(**where):
    published = Lesson.objects.published()
    sections = Section.objects.filter(kind=Section.Kind.QUIZ, lesson__in=published, **where)
    return sections.order_by().values_list("id")


_OF_LESSON = PreparedQuery(lambda lesson_id: _quiz_sections(lesson_id=lesson_id), "int")
_OF_COURSE = PreparedQuery(
    lambda course_id: _quiz_sections(lesson__course_id=course_id, lesson__quizzes=None), "int"
)


def quiz_section_ids(quiz) -> list[int]:
    if quiz.lesson_id is not None:
        return [row[0] for row in _OF_LESSON.rows(quiz.lesson_id)]
    return [row[0] for row in _OF_COURSE.rows(quiz.course_id)]


_MARK_FIELDS = ("user", "section", "read_at")


def record_quiz_sections_read(attempt) -> None:
    """Passing a quiz reads the sections that send the learner to it: a signed-in learner's
    finished attempt writes their marks in the caller's transaction (the answer's), so the last
    answer costs no commit of its own. A failed attempt marks nothing; marks already there are
    kept. A visitor's attempt is marked by mark_quiz_sections_read_for_visitor. A staff
    member's draft preview marks nothing: it is no learner's result."""
    if attempt.user_id is None or attempt.preview or not attempt.passed:
        return
    section_ids = quiz_section_ids(attempt.quiz)
    if not section_ids:
        return
    user_id, when = attempt.user_id, attempt.finished_at
    connection = connections[SectionProgress.objects.db]
    fields = SectionProgress._meta
    quote = connection.ops.quote_name
    columns = ", ".join(quote(fields.get_field(name).column) for name in _MARK_FIELDS)
    # ON CONFLICT DO NOTHING: PostgreSQL, and SQLite since 3.24 (Django 5.2 needs 3.31).
    sql = (
        f"INSERT INTO {quote(fields.db_table)} ({columns}) VALUES (%s, %s, %s) "
        "ON CONFLICT DO NOTHING"
    )
    read_at = fields.get_field("read_at").get_db_prep_value(when, connection)
    with connection.cursor() as cursor:
        cursor.executemany(sql, [(user_id, section_id, read_at) for section_id in section_ids])


def mark_quiz_sections_read_for_visitor(request, attempt) -> int:
    """The same for a visitor's attempt, whose marks live in the session; returns how many were
    new (none for a learner's attempt, whose marks were written with it)."""
    if attempt.user_id is not None or not attempt.passed:
        return 0
    return sum(_mark_read(request, section_id) for section_id in quiz_section_ids(attempt.quiz))


def _mark_for_user(user, section_id: int, when: datetime) -> bool:
    try:
        with transaction.atomic():  # a savepoint, so a race loser can carry on
            _, created = SectionProgress.objects.get_or_create(
                user=user, section_id=section_id, defaults={"read_at": when}
            )
    except IntegrityError:  # the same mark arrived twice at once: the other one won
        return False
    return created


def merge_session_read_marks(*, user, session) -> int:
    """Move a visitor's read marks into their account. Existing marks win; returns how many."""
    marks = session.get(SESSION_KEY) or {}
    if not marks:
        return 0
    by_id = {parse_id(key): when for key, when in marks.items()}
    by_id.pop(None, None)  # a key that is no id
    # Only sections that still exist and are published can be carried over.
    valid = set(
        Section.objects.filter(id__in=by_id, lesson__in=Lesson.objects.published()).values_list(
            "id", flat=True
        )
    )
    merged = 0
    for section_id, when in by_id.items():
        if section_id not in valid:
            continue
        try:
            read_at = datetime.fromisoformat(when)
        except (TypeError, ValueError):
            read_at = timezone.now()
        merged += _mark_for_user(user, section_id, read_at)
    session.pop(SESSION_KEY, None)
    return merged


@dataclass
class CourseProgress:
    course: object
    lessons: list  # of (Lesson, LessonProgress), in order
    read: int
    total: int
    continue_url: str | None  # the first unread section, None when all are read
    final_quiz_url: str | None = None  # a course-level quiz still to pass, None when none is
    lesson_urls: dict[int, str] = field(default_factory=dict)  # lesson id → its page

    @property
    def rows(self) -> list[tuple]:
        """(lesson, its progress, its page's URL) in order: the URLs are the outline's, reversed
        when it was built instead of once a row per request."""
        return [(lesson, lp, self.lesson_urls[lesson.id]) for lesson, lp in self.lessons]

    @property
    def percent(self) -> int:
        return round(100 * self.read / self.total) if self.total else 0

    @property
    def final_quiz_passed(self) -> bool:
        return self.final_quiz_url is None

    @property
    def completed(self) -> bool:
        """Every section read and the final quiz (if the course has one) passed."""
        return bool(self.total) and self.read >= self.total and self.final_quiz_passed

    @property
    def started(self) -> bool:
        return self.read > 0

    @property
    def reading_minutes(self) -> int:
        return sum(lesson.reading_minutes for lesson, _ in self.lessons)

    @property
    def minutes_left(self) -> int:
        """Reading time of what is unread: each lesson's minutes times its unread share."""
        left = sum(
            lesson.reading_minutes * (lp.total - lp.read) / lp.total
            for lesson, lp in self.lessons
            if lp.total
        )
        return math.ceil(left)


def where_to_continue(section_ids: list[int], marks: dict[int, datetime]) -> int | None:
    """The section to continue at, of a course's sections in order: the first unread one after
    the section read last (where the learner left off), else the first unread one; None when
    every section is read."""
    unread = [sid for sid in section_ids if sid not in marks]
    if not unread:
        return None
    read_here = [sid for sid in section_ids if sid in marks]
    if not read_here:
        return unread[0]
    last = max(read_here, key=lambda sid: marks[sid])
    after = section_ids[section_ids.index(last) + 1 :]
    return next((sid for sid in after if sid not in marks), unread[0])


def course_progress(request, courses=None, *, passed_quiz_ids=None) -> list[CourseProgress]:
    """Progress through each course's published lessons: `courses`, or the published catalogue
    when None. Per request: the outlines (two prepared queries, course_outline.py), the
    learner's marks, and unless the caller knows which quizzes the learner passed
    (`passed_quiz_ids`), one query for the final quizzes passed."""
    from quizzes.learners import owned_attempts  # late: quizzes' models import this app's
    from quizzes.results import passed_quiz_ids as passed_of

    outlines = course_outlines(courses)
    if passed_quiz_ids is None:
        finals = [quiz.id for outline in outlines for quiz in outline.final_quizzes]
        # A staff member's draft previews pass nothing.
        passed_quiz_ids = passed_of(owned_attempts(request).counted(), finals)
    marks = read_marks(request)
    out = []
    for outline in outlines:
        progress = lesson_progress(outline.section_ids, marks)
        rows = [(lesson, progress[lesson.id]) for lesson in outline.lessons]
        next_id = where_to_continue(outline.in_order, marks)
        final = next((q for q in outline.final_quizzes if q.id not in passed_quiz_ids), None)
        out.append(
            CourseProgress(
                course=outline.course,
                lessons=rows,
                read=sum(p.read for _, p in rows),
                total=sum(p.total for _, p in rows),
                continue_url=outline.anchors.get(next_id),
                final_quiz_url=final.url if final else None,
                lesson_urls=outline.lesson_urls,
            )
        )
    return out
