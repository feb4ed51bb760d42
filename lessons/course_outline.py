"""What a course's progress is measured against, the same for every learner: its published
lessons in order and their sections.

Read with three queries for any number of courses, lessons and sections (two when the course
rows are at hand): the courses, their published lessons, those lessons' section ids and slugs.
Nothing is kept between requests, so an edit shows at once, whichever way it was made.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Prefetch, prefetch_related_objects

from .models import Course, Lesson, Section


@dataclass(frozen=True)
class CourseOutline:
    course: Course
    lessons: tuple[Lesson, ...]  # published, in order, each with its course loaded
    section_ids: dict[int, tuple[int, ...]]  # lesson id → its section ids in order
    lesson_urls: dict[int, str]  # lesson id → its page
    anchors: dict[int, str]  # section id → its place on its lesson page (the "continue" link)

    @property
    def in_order(self) -> list[int]:
        """Every section id of the course, in reading order."""
        return [sid for lesson in self.lessons for sid in self.section_ids[lesson.id]]


def _published_lessons() -> Prefetch:
    # Not the sections' text: an outline needs their ids and anchors only.
    sections = Section.objects.only("id", "slug", "lesson_id").order_by("order", "id")
    lessons = (
        Lesson.objects.filter(published=True)
        .order_by("order", "id")
        .prefetch_related(Prefetch("sections", queryset=sections, to_attr="outline_sections"))
    )
    return Prefetch("lessons", queryset=lessons, to_attr="published_lessons")


def course_outlines(courses=None) -> list[CourseOutline]:
    """The outlines of the published catalogue in its order (three queries), or of the course
    objects given, in their order (two)."""
    if courses is None:
        courses = Course.objects.published().order_by("order", "title", "id")
        courses = list(courses.prefetch_related(_published_lessons()))
    else:
        courses = list(courses)
        prefetch_related_objects(courses, _published_lessons())
    return [_outline(course) for course in courses]


def _outline(course: Course) -> CourseOutline:
    # The prefetch sets each lesson's course and each section's lesson: no query below.
    lessons = tuple(course.published_lessons)
    urls = {lesson.id: lesson.get_absolute_url() for lesson in lessons}
    return CourseOutline(
        course=course,
        lessons=lessons,
        section_ids={
            lesson.id: tuple(section.id for section in lesson.outline_sections)
            for lesson in lessons
        },
        lesson_urls=urls,
        anchors={
            section.id: f"{urls[lesson.id]}#{section.slug}"
            for lesson in lessons
            for section in lesson.outline_sections
        },
    )
