"""The part of a lesson page that is the same for every learner, built once per content version.

Rendering a lesson's sections (stored Markdown HTML, highlighted examples, sources, the embedded
calculator) on every request cost most of the page's time. It depends only on the content, so it
is rendered once and cached, keyed by the lesson's id and its content version: the lesson's and
its course's `updated_at`. `touch_lesson` (wired to saves and deletes of sections, examples,
quizzes and questions in signals.py) moves the lesson's `updated_at` on every change, so a
changed lesson gets a new key and the old entry is never read again. The key comes from the
database row read on every request, so several processes, each with its own local-memory cache,
never serve an old version. Per request the view renders only the learner's parts: progress
panel, read controls and the CSRF token.

Content must change through `save()`/`delete()` (the admin and `loadcourse` do): a bulk
`QuerySet.update()` of sections or examples moves no version.
"""

from __future__ import annotations

import hashlib
import logging
from dataclasses import dataclass

from django.core.cache import cache
from django.db.models import Count, Q
from django.template.loader import get_template, render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.safestring import SafeString, mark_safe

from quizzes.models import Quiz
from quizzes.question_sets import question_count

from .models import Course, Lesson

logger = logging.getLogger(__name__)

TEMPLATE = "lessons/lesson.html"
CACHE_SECONDS = 24 * 3600  # unused versions age out; a current one is rebuilt at most daily


@dataclass(frozen=True)
class QuizLink:
    title: str
    url: str
    question_count: int


@dataclass(frozen=True)
class SectionEntry:
    id: int
    slug: str
    title: str
    kind: str
    read_url: str
    html: str  # the section's rendered body, without its read control

    @property
    def body(self) -> SafeString:
        return mark_safe(self.html)  # rendered by our own template from sanitised HTML


@dataclass(frozen=True)
class LessonBody:
    sections: tuple[SectionEntry, ...]
    lesson_quiz: QuizLink | None
    final_quizzes: tuple[QuizLink, ...]  # the course-level quizzes (final quiz, drawn exam)

    @property
    def section_ids(self) -> list[int]:
        return [section.id for section in self.sections]


def lesson_body(lesson: Lesson) -> LessonBody:
    """The lesson's shared part, from the cache or rendered now (`lesson.course` must be loaded)."""
    key = _cache_key(lesson)
    try:
        body = cache.get(key)
    except Exception:  # a cache outage (Redis down) slows lesson pages; it must not break them
        logger.exception("Lesson cache unavailable; rendering lesson %s", lesson.id)
        return _render_body(lesson)
    if body is None:
        body = _render_body(lesson)
        try:
            cache.set(key, body, CACHE_SECONDS)
        except Exception:
            logger.exception("Lesson cache unavailable; lesson %s not stored", lesson.id)
    return body


def touch_lesson(*, lesson_id: int | None = None, course_id: int | None = None) -> None:
    """Start a new content version of one lesson, or of every lesson of a course."""
    now = timezone.now()
    if lesson_id is not None:
        Lesson.objects.filter(pk=lesson_id).update(updated_at=now)
    if course_id is not None:
        Course.objects.filter(pk=course_id).update(updated_at=now)


def _cache_key(lesson: Lesson) -> str:
    version = f"{lesson.updated_at.timestamp()}:{lesson.course.updated_at.timestamp()}"
    return f"lesson-body:{_template_digest()}:{lesson.id}:{version}"


_digest: str | None = None


def _template_digest() -> str:
    """Changes when the page template changes, so a deploy never serves bodies in an old shape."""
    global _digest
    if _digest is None:
        source = get_template(TEMPLATE).template.source
        _digest = hashlib.sha256(source.encode()).hexdigest()[:12]
    return _digest


def _quiz_links(lesson: Lesson) -> tuple[QuizLink | None, tuple[QuizLink, ...]]:
    quizzes = (
        Quiz.objects.filter(course_id=lesson.course_id)
        .filter(Q(lesson=lesson) | Q(lesson__isnull=True))
        .annotate(question_count=Count("questions"))
    )
    lesson_quiz, final_quizzes = None, []
    for quiz in quizzes:
        # A drawn exam has no questions of its own: count what an attempt will ask.
        count = question_count(quiz) if quiz.draw_per_lesson else quiz.question_count
        link = QuizLink(quiz.title, quiz.get_absolute_url(), count)
        if quiz.lesson_id == lesson.id and lesson_quiz is None:
            lesson_quiz = link
        elif quiz.lesson_id is None:
            final_quizzes.append(link)
    return lesson_quiz, tuple(final_quizzes)


def _render_body(lesson: Lesson) -> LessonBody:
    lesson_quiz, final_quizzes = _quiz_links(lesson)
    course_slug = lesson.course.slug
    entries = []
    for section in lesson.sections.prefetch_related("examples"):
        html = render_to_string(
            f"{TEMPLATE}#section-body",
            {"section": section, "lesson_quiz": lesson_quiz, "final_quizzes": final_quizzes},
        )
        entries.append(
            SectionEntry(
                id=section.id,
                slug=section.slug,
                title=section.title,
                kind=section.kind,
                read_url=reverse("mark-read", args=[course_slug, lesson.slug, section.slug]),
                html=str(html),
            )
        )
    return LessonBody(tuple(entries), lesson_quiz, final_quizzes)
