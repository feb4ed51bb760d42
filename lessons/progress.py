"""Reading progress: who read which section, and what that means for lessons and courses.

A signed-in learner's read marks are rows (SectionProgress); a visitor's live in their session
until they sign up or log in, when `merge_session_read_marks` moves them to the account.
Lesson status is derived from the marks, never stored, so it cannot drift from them: when an
instructor adds a section, a completed lesson becomes "in progress" again (with the new section
unread); when a section is removed, its marks go with it and the lesson is judged on the rest.
A lesson with practice tasks also asks for them passed: the practice app counts them through
requirements.py (one query), as it counts the sections here.
"""

import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime

from django.db import IntegrityError, transaction
from django.db.models import Exists, OuterRef
from django.utils import timezone

from shared.ids import parse_id

from . import read_counts
from .course_outline import course_outlines
from .models import Lesson, Section, SectionProgress
from .requirements import LessonTasks, lesson_tasks

SESSION_KEY = "read_sections"  # {section_id (str): ISO time read}
MAX_SESSION_MARKS = 2000  # a visitor cannot grow their session without bound


class Status:
    NOT_STARTED = "not-started"
    IN_PROGRESS = "in-progress"
    COMPLETED = "completed"

    LABELS = {NOT_STARTED: "Not started", IN_PROGRESS: "In progress", COMPLETED: "Completed"}


NO_TASKS = LessonTasks(0, 0)


@dataclass(frozen=True)
class LessonProgress:
    lesson_id: int
    read: int
    total: int
    completed_at: datetime | None
    tasks_passed: int = 0  # the lesson's practice tasks (requirements.py): none by default
    tasks_total: int = 0

    @property
    def status(self) -> str:
        if self.total and self.read >= self.total and self.tasks_passed >= self.tasks_total:
            return Status.COMPLETED
        return Status.IN_PROGRESS if self.read or self.tasks_passed else Status.NOT_STARTED

    @property
    def tasks_left(self) -> int:
        return max(self.tasks_total - self.tasks_passed, 0)

    @property
    def status_label(self) -> str:
        return Status.LABELS[self.status]

    @property
    def percent(self) -> int:
        return round(100 * self.read / self.total) if self.total else 0


def read_marks(request) -> dict[int, datetime]:
    """section id → when it was read, for the current learner (one query, or none)."""
    if request.user.is_authenticated:
        rows = SectionProgress.objects.filter(user=request.user).order_by()  # a lookup: no sort
        return dict(rows.values_list("section_id", "read_at"))
    marks = {}
    for key, when in request.session.get(SESSION_KEY, {}).items():
        try:
            marks[int(key)] = datetime.fromisoformat(when)
        except (TypeError, ValueError):
            continue  # a damaged session entry is ignored, not fatal
    return marks


@dataclass(frozen=True)
class LessonReading:
    """A lesson's sections in order, and which of them the current learner has read."""

    lesson: Lesson
    sections: list[Section]
    read_ids: set[int]
    tasks: LessonTasks | None = None  # None: the lesson has no practice task

    @property
    def progress(self) -> LessonProgress:
        tasks = self.tasks or NO_TASKS
        return LessonProgress(
            self.lesson.id,
            len(self.read_ids),
            len(self.sections),
            None,
            tasks.passed,
            tasks.total,
        )


def lesson_reading(request, lesson: Lesson) -> LessonReading:
    """The lesson page's sections and the learner's marks on them, in one query (a visitor's
    marks are in their session), and the learner's standing on its tasks (one more, when the
    practice app is installed). The sections come whole: a cache miss draws their bodies."""
    sections = lesson.sections.defer("body_markdown")  # the page shows the stored HTML
    tasks = lesson_tasks(request, [lesson.id]).get(lesson.id)
    if request.user.is_authenticated:
        own = SectionProgress.objects.filter(user=request.user, section=OuterRef("pk"))
        rows = list(sections.annotate(is_read=Exists(own)))
        return LessonReading(lesson, rows, {row.id for row in rows if row.is_read}, tasks)
    rows = list(sections)
    marks = read_marks(request)
    return LessonReading(lesson, rows, {row.id for row in rows if row.id in marks}, tasks)


def lesson_progress(
    lesson_sections: dict[int, list[int]],
    marks: dict[int, datetime],
    tasks: Mapping[int, LessonTasks] | None = None,
):
    """lesson id → LessonProgress, from each lesson's section ids and the learner's marks, and
    (when given) their standing on each lesson's tasks (requirements.lesson_tasks)."""
    tasks = tasks or {}
    result = {}
    for lesson_id, section_ids in lesson_sections.items():
        times = [marks[sid] for sid in section_ids if sid in marks]
        read = len(times)
        own = tasks.get(lesson_id, NO_TASKS)
        done = bool(section_ids) and read == len(section_ids) and own.passed >= own.total
        if own.last_passed_at is not None:
            times.append(own.last_passed_at)
        result[lesson_id] = LessonProgress(
            lesson_id,
            read,
            len(section_ids),
            max(times) if done else None,
            own.passed,
            own.total,
        )
    return result


def sections_by_lesson(lessons) -> dict[int, list[int]]:
    """lesson id → its section ids in order (one query for any number of lessons)."""
    out: dict[int, list[int]] = {lesson.id: [] for lesson in lessons}
    rows = Section.objects.filter(lesson__in=out.keys()).order_by("lesson_id", "order", "id")
    for lesson_id, section_id in rows.values_list("lesson_id", "id"):
        out[lesson_id].append(section_id)
    return out


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
# lessons without a quiz of their own (those list the course's quizzes). The quiz app calls
# these with its quizzes and attempts; `lesson__quizzes` is its reverse relation, named here
# without importing it.
def _quiz_sections(quiz):
    if quiz.lesson_id is not None:
        where = {"lesson_id": quiz.lesson_id}
    else:
        where = {"lesson__course_id": quiz.course_id, "lesson__quizzes": None}
    published = Lesson.objects.published()
    return Section.objects.filter(kind=Section.Kind.QUIZ, lesson__in=published, **where)


def quiz_section_ids(quiz) -> list[int]:
    return list(_quiz_sections(quiz).order_by().values_list("id", flat=True))


def record_quiz_sections_read(attempt) -> None:
    """Passing a quiz reads the sections that send the learner to it: a signed-in learner's
    finished attempt writes their marks in the caller's transaction (the answer's), so the last
    answer costs no commit of its own. A failed attempt marks nothing; marks already there are
    kept. A visitor's attempt is marked by mark_quiz_sections_read_for_visitor. A staff
    member's draft preview marks nothing: it is no learner's result."""
    if attempt.user_id is None or attempt.preview or not attempt.passed:
        return
    sections = dict(_quiz_sections(attempt.quiz).order_by().values_list("id", "lesson_id"))
    if not sections:
        return
    marks = [
        SectionProgress(user_id=attempt.user_id, section_id=section_id, read_at=attempt.finished_at)
        for section_id in sections
    ]
    # One INSERT … ON CONFLICT DO NOTHING: a mark already there is kept, with its time.
    SectionProgress.objects.bulk_create(marks, ignore_conflicts=True)
    # bulk_create sends no post_save: the lessons' read counts are counted again (two queries).
    read_counts.count_added(attempt.user_id, set(sections.values()))


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
    # The first unread section; once every section is read, the first practice task not
    # passed; None when all are read and passed.
    continue_url: str | None
    final_quiz_url: str | None = None  # a course-level quiz still to pass, None when none is
    lesson_urls: dict[int, str] = field(default_factory=dict)  # lesson id → its page
    tasks_passed: int = 0  # practice tasks of the published lessons
    tasks_total: int = 0

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
    def tasks_left(self) -> int:
        return max(self.tasks_total - self.tasks_passed, 0)

    @property
    def completed(self) -> bool:
        """Every section read, every practice task passed and the final quiz (if the course
        has one) passed."""
        return (
            bool(self.total)
            and self.read >= self.total
            and not self.tasks_left
            and self.final_quiz_passed
        )

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


def course_progress(
    request, courses=None, *, final_quiz_urls: Mapping[int, str] | None = None
) -> list[CourseProgress]:
    """Progress through each course's published lessons: `courses`, or the published catalogue
    when None. Per request: the outlines (course_outline.py) and the learner's marks.

    `final_quiz_urls` maps a course's id to the page of the first course-level quiz the learner
    has still to pass: the caller asks the quiz app, which this app does not know. A course not
    in it has no final quiz left, so reading every section (and passing every practice task)
    completes it. The practice tasks are counted through requirements.py: one query for every
    course.
    """
    final_quiz_urls = final_quiz_urls or {}
    marks = read_marks(request)
    outlines = course_outlines(courses)
    tasks = lesson_tasks(request, [lesson.id for o in outlines for lesson in o.lessons])
    out = []
    for outline in outlines:
        progress = lesson_progress(outline.section_ids, marks, tasks)
        rows = [(lesson, progress[lesson.id]) for lesson in outline.lessons]
        next_id = where_to_continue(outline.in_order, marks)
        read = sum(p.read for _, p in rows)
        continue_url = outline.anchors.get(next_id)
        if continue_url and not read:
            # "Start the course" lands on the lesson's top: its title, reading time, contents.
            continue_url = continue_url.partition("#")[0]
        if continue_url is None:  # all read: on to the first task not passed, in lesson order
            open_tasks = (tasks.get(lesson.id) for lesson in outline.lessons)
            continue_url = next((t.next_url for t in open_tasks if t and t.next_url), None)
        out.append(
            CourseProgress(
                course=outline.course,
                lessons=rows,
                read=read,
                total=sum(p.total for _, p in rows),
                continue_url=continue_url,
                final_quiz_url=final_quiz_urls.get(outline.course.id),
                lesson_urls=outline.lesson_urls,
                tasks_passed=sum(p.tasks_passed for _, p in rows),
                tasks_total=sum(p.tasks_total for _, p in rows),
            )
        )
    return out
