"""The quizzes a lesson page links: `{% lesson_quiz_links lesson as quiz_links %}`.

The lessons app is below this one and does not know quizzes: its lesson page asks here. The
links are read when first used, so a page whose quiz parts all come from the fragment cache
(keyed by the lesson's content version, which quizzes/signals.py moves on every quiz change)
reads no quiz at all.
"""

from dataclasses import dataclass
from functools import cached_property

from django import template
from django.db.models import Count, Q

from quizzes.models import Quiz
from quizzes.question_sets import question_count

register = template.Library()


@dataclass(frozen=True)
class QuizLink:
    title: str
    url: str
    question_count: int


class LessonQuizLinks:
    """The lesson's own quiz and its course's course-level quizzes (final quiz, drawn exam),
    each with how many questions an attempt asks; one query, and the pools of a drawn exam."""

    def __init__(self, lesson):
        self.lesson = lesson  # with its course loaded

    @cached_property
    def _links(self) -> tuple[QuizLink | None, tuple[QuizLink, ...]]:
        lesson = self.lesson
        quizzes = (
            Quiz.objects.filter(course_id=lesson.course_id)
            .filter(Q(lesson=lesson) | Q(lesson__isnull=True), bank=False)
            .annotate(question_count=Count("questions"))
            # Explicit: a GROUP BY query ignores Meta.ordering, and PostgreSQL then returns the
            # rows in whatever order it finds them (the lesson's first quiz would be a toss-up).
            .order_by("order", "id")
        )
        # Only staff see a draft course's lessons: its exam is counted as their preview draws it.
        drafts = not lesson.course.published
        lesson_quiz, final_quizzes = None, []
        for quiz in quizzes:
            # A drawn exam has no questions of its own: count what an attempt will ask.
            count = quiz.question_count
            if quiz.draw_per_lesson or quiz.is_exam:
                count = question_count(quiz, drafts=drafts)
            link = QuizLink(quiz.title, quiz.get_absolute_url(), count)
            if quiz.lesson_id == lesson.id and lesson_quiz is None:
                lesson_quiz = link
            elif quiz.lesson_id is None:
                final_quizzes.append(link)
        return lesson_quiz, tuple(final_quizzes)

    @property
    def lesson_quiz(self) -> QuizLink | None:
        return self._links[0]

    @property
    def final_quizzes(self) -> tuple[QuizLink, ...]:
        return self._links[1]


@register.simple_tag
def lesson_quiz_links(lesson) -> LessonQuizLinks:
    return LessonQuizLinks(lesson)
