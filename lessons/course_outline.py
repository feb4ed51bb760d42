"""What a course's progress is measured against, the same for every learner: its published
lessons in order, their sections, and its final quizzes.

The catalogue, the course page and /me/ used to build it from three ORM queries and a fourth
with two subqueries for the final quizzes, and turning those QuerySets into SQL on every request
cost more than running them: most of /me/'s time went there. It is now read by two prepared
queries (meshlearn/prepared.py: compiled once per connection), one for the courses with their
published lessons and sections and one for the final quizzes. Building the outlines from those
rows (their times converted, a URL reversed per lesson) is kept per process, keyed by the rows
exactly as the database gave them: nothing is cached that the same request did not just read,
so an edit shows at once, whichever way it was made.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import FilteredRelation, Q

from meshlearn import fragments
from meshlearn.prepared import PreparedQuery, field_names, joined_instances

from .models import Course, Lesson


@dataclass(frozen=True)
class FinalQuiz:
    id: int
    url: str


@dataclass(frozen=True)
class CourseOutline:
    course: Course
    lessons: tuple[Lesson, ...]  # published, in order, each with its course loaded
    section_ids: dict[int, tuple[int, ...]]  # lesson id → its section ids in order
    lesson_urls: dict[int, str]  # lesson id → its page
    anchors: dict[int, str]  # section id → its place on its lesson page (the "continue" link)
    final_quizzes: tuple[FinalQuiz, ...]  # askable course-level quizzes, first to pass first

    @property
    def in_order(self) -> list[int]:
        """Every section id of the course, in reading order."""
        return [sid for lesson in self.lessons for sid in self.section_ids[lesson.id]]


# Not `updated_at`: nothing shows it, and it would be parsed for every section row.
_COURSE_FIELDS = field_names(Course, leave_out=("updated_at",))
_LESSON_FIELDS = field_names(Lesson, leave_out=("updated_at",))
_LAYOUT = [(Course, _COURSE_FIELDS), (Lesson, _LESSON_FIELDS)]


def _outline_rows(courses):
    """A row per section of the courses' published lessons, in reading order: the course's
    fields, the lesson's, the section's id and slug. A lesson without sections, or a course
    without published lessons, still has its row (with None for what it lacks)."""
    shown = FilteredRelation("lessons", condition=Q(lessons__published=True))
    return (
        courses.annotate(shown=shown)
        .order_by(
            "order",
            "title",
            "id",
            "shown__order",
            "shown__id",
            "shown__sections__order",
            "shown__sections__id",
        )  # fmt: skip
        .values_list(
            *_COURSE_FIELDS,
            *(f"shown__{name}" for name in _LESSON_FIELDS),
            "shown__sections__id",
            "shown__sections__slug",
        )
    )


def _final_quizzes(**where):
    from quizzes.results import final_quizzes  # late: quizzes' models import this app's

    return final_quizzes(**where).values_list("course_id", "id", "slug")


# Unconverted (convert=False): the rows are first a memo key; converted only to build anew.
_CATALOGUE = PreparedQuery(lambda: _outline_rows(Course.objects.published()), convert=False)
_CATALOGUE_FINALS = PreparedQuery(lambda: _final_quizzes(course__published=True))
_COURSE = PreparedQuery(
    lambda course_id: _outline_rows(Course.objects.filter(pk=course_id)), "int", convert=False
)
_COURSE_FINALS = PreparedQuery(lambda course_id: _final_quizzes(course_id=course_id), "int")


def course_outlines(courses=None) -> list[CourseOutline]:
    """The outlines of the published catalogue in its order (two queries), or of the courses
    given (two queries each)."""
    if courses is None:
        return _memo(_CATALOGUE, _CATALOGUE.rows(), _CATALOGUE_FINALS.rows())
    out = []
    for course in courses:
        out += _memo(_COURSE, _COURSE.rows(course.pk), _COURSE_FINALS.rows(course.pk))
    return out


# The outlines built last, by the rows they were built from. Shared by requests, so read-only.
RECENT = 16
_recent: fragments.Recent = fragments.Recent()


def _memo(query: PreparedQuery, raw_rows, final_rows) -> list[CourseOutline]:
    key = (tuple(raw_rows), tuple(final_rows))
    outlines = _recent.get(key)
    if outlines is None:
        outlines = _recent.keep(key, _outlines(query.converted(raw_rows), final_rows), RECENT)
    return outlines


def _outlines(rows, final_rows) -> list[CourseOutline]:
    from quizzes.models import Quiz

    finals: dict[int, list[FinalQuiz]] = {}
    for course_id, quiz_id, slug in final_rows:
        url = Quiz(id=quiz_id, slug=slug).get_absolute_url()
        finals.setdefault(course_id, []).append(FinalQuiz(quiz_id, url))
    courses: dict[int, Course] = {}
    lessons: dict[int, list[Lesson]] = {}
    sections: dict[int, list[tuple[int, str]]] = {}
    split, end = len(_COURSE_FIELDS), len(_COURSE_FIELDS) + len(_LESSON_FIELDS)
    for row in rows:
        course_id, lesson_id, section_id = row[0], row[split], row[end]
        if course_id not in courses:
            (courses[course_id],) = joined_instances(row, _LAYOUT[:1])
            lessons[course_id] = []
        if lesson_id is not None and lesson_id not in sections:
            _, lesson = joined_instances(row, _LAYOUT)  # its course: the one kept above
            lesson.course = courses[course_id]
            lessons[course_id].append(lesson)
            sections[lesson_id] = []
        if section_id is not None:
            sections[lesson_id].append((section_id, row[end + 1]))
    out = []
    for course_id, course in courses.items():
        urls = {lesson.id: lesson.get_absolute_url() for lesson in lessons[course_id]}
        out.append(
            CourseOutline(
                course=course,
                lessons=tuple(lessons[course_id]),
                section_ids={
                    lesson.id: tuple(sid for sid, _ in sections[lesson.id])
                    for lesson in lessons[course_id]
                },
                lesson_urls=urls,
                anchors={
                    sid: f"{urls[lesson_id]}#{slug}"
                    for lesson_id in urls
                    for sid, slug in sections[lesson_id]
                },
                final_quizzes=tuple(finals.get(course_id, ())),
            )
        )
    return out
