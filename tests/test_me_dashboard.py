"""/me/: its query budget, the learner's quiz history, and the outline."""

from datetime import timedelta

import pytest
from django.utils import timezone

from calculator.models import SavedScenario
from lessons.course_outline import course_outlines
from lessons.models import Course, Lesson, Section, SectionProgress
from quizzes.models import Attempt, Question, Quiz
from quizzes.results import learner_quiz_history

pytestmark = pytest.mark.django_db

# Session, user, the learner's quiz history, the courses' outline (courses, lessons, sections),
# their final quizzes, the learner's read marks and saved scenarios, their teams (for what is
# assigned to them; tests/test_assignments.py counts the rest), their certificates. Then
# readiness (issue 23): practice exams past their deadline, the last answers per domain, the
# practice exams offered (and the sections to reread, when a wrong answer names one:
# tests/test_practice_exam.py). The practice tasks of the listed lessons with the learner's
# passes: one query for the lessons' progress and the practice block (practice/reporting.py).
# However many lessons, quizzes, attempts and tasks.
ME_BUDGET = 15


def extra_quiz(course, n: int) -> Quiz:
    quiz = Quiz.objects.create(course=course, slug=f"extra-{n}", title=f"Extra quiz {n}", order=n)
    Question.objects.create(quiz=quiz, prompt=f"Question {n}?", explanation="Because.")
    return quiz


def finished(quiz, user, *, score: int, total: int, minutes_ago: int) -> Attempt:
    when = timezone.now() - timedelta(minutes=minutes_ago)
    attempt = Attempt.objects.create(
        user=user, quiz=quiz, score=score, total=total, finished_at=when, pass_percent=70
    )
    Attempt.objects.filter(pk=attempt.pk).update(started_at=when - timedelta(minutes=1))
    return attempt


def read_some(user, course) -> None:
    """The first section of every lesson read: progress in several lessons."""
    for lesson in course.lessons.all():
        section = lesson.sections.order_by("order").first()
        SectionProgress.objects.create(user=user, section=section, read_at=timezone.now())


def attempts_at(quizzes, user, count: int) -> None:
    """`count` attempts spread over `quizzes`: one open at each, the rest finished."""
    for n in range(count):
        quiz = quizzes[n % len(quizzes)]
        if n < len(quizzes):
            Attempt.objects.create(user=user, quiz=quiz, score=0, total=0)
        else:
            finished(quiz, user, score=n % 2, total=1, minutes_ago=n)


def test_me_with_progress_and_attempts_keeps_to_its_budget(
    client, learner, mini_course, django_assert_max_num_queries
):
    client.force_login(learner)
    read_some(learner, mini_course)
    quizzes = [*Quiz.objects.filter(course=mini_course), extra_quiz(mini_course, 1)]
    attempts_at(quizzes, learner, 6)
    SavedScenario.objects.create(user=learner, name="My mesh", params={})
    with django_assert_max_num_queries(ME_BUDGET):
        html = client.get("/me/").content.decode()
    assert "2 of 4 sections read" in html
    assert html.count("In progress — resume") == 3
    assert html.count("review attempt of") == 3
    assert "My mesh" in html


def test_me_query_count_does_not_grow_with_quizzes_and_attempts(
    client, learner, mini_course, django_assert_max_num_queries
):
    client.force_login(learner)
    read_some(learner, mini_course)
    quizzes = list(Quiz.objects.filter(course=mini_course))
    attempts_at(quizzes, learner, 2)
    with django_assert_max_num_queries(ME_BUDGET) as two:
        html = client.get("/me/").content.decode()
    assert html.count("In progress — resume") == 2 and "review attempt of" not in html
    quizzes += [extra_quiz(mini_course, n) for n in range(1, 3)]
    Attempt.objects.filter(user=learner).delete()
    attempts_at(quizzes, learner, 8)
    with django_assert_max_num_queries(ME_BUDGET) as eight:
        html = client.get("/me/").content.decode()
    assert html.count("In progress — resume") == 4
    assert html.count("review attempt of") == 4
    assert len(eight.captured_queries) == len(two.captured_queries) == ME_BUDGET


def test_the_learner_s_history_is_quiz_history_of_their_counted_attempts(
    learner, other_learner, mini_course
):
    final, lesson_quiz = Quiz.objects.get(slug="mini-final"), Quiz.objects.get(slug="first-check")
    finished(final, learner, score=1, total=1, minutes_ago=30)
    finished(final, learner, score=0, total=1, minutes_ago=20)
    Attempt.objects.create(user=learner, quiz=lesson_quiz, score=1, total=0)
    Attempt.objects.create(user=learner, quiz=extra_quiz(mini_course, 1), preview=True)
    finished(lesson_quiz, other_learner, score=2, total=2, minutes_ago=5)

    history = learner_quiz_history(learner.pk)
    # A preview is no result, and another learner's attempts are not theirs.
    assert [e.quiz.slug for e in history] == ["first-check", "mini-final"]
    lesson_entry, final_entry = history
    assert lesson_entry.quiz.course.title == final_entry.quiz.course.title == mini_course.title
    assert final_entry.url == final.get_absolute_url()
    newer, older = final_entry.attempts
    assert (newer.score, older.score) == (0, 1)  # newest first
    assert final_entry.passed and final_entry.best.id == older.id  # the earlier pass counts
    assert [a.finished_at for a in lesson_entry.attempts] == [None] and not lesson_entry.passed
    assert all(a.quiz is final_entry.quiz for a in final_entry.attempts)  # one Quiz per quiz


def test_the_outline_shows_an_edit_at_once_even_one_that_moves_no_version(mini_course):
    """The outline is read anew for every request: a bulk update (no signal, no new
    updated_at) shows on the next read, as do a drafted lesson and a new section."""
    (before,) = course_outlines()
    assert [lesson.title for lesson in before.lessons] == ["First lesson", "Second lesson"]
    Lesson.objects.filter(slug="second").update(title="Second, retitled", reading_minutes=9)
    (after,) = course_outlines()
    assert [lesson.title for lesson in after.lessons] == ["First lesson", "Second, retitled"]
    assert after.lessons[1].reading_minutes == 9
    Lesson.objects.filter(slug="first").update(published=False)
    second = Lesson.objects.get(slug="second")
    new = Section.objects.create(lesson=second, slug="more", title="More", order=99)
    (drafted,) = course_outlines()
    assert [lesson.slug for lesson in drafted.lessons] == ["second"]
    assert drafted.in_order[-1] == new.id
    assert drafted.anchors[new.id] == f"{second.get_absolute_url()}#more"


def test_outlines_agree_with_the_orm_for_the_catalogue_and_for_one_course(mini_course):
    Lesson.objects.create(
        course=mini_course, slug="empty", title="No sections", published=True, order=99
    )
    Lesson.objects.create(course=mini_course, slug="draft", title="Draft", published=False)
    lessons = list(Lesson.objects.published().filter(course=mini_course).order_by("order", "id"))
    sections = {
        lesson.id: tuple(lesson.sections.order_by("order", "id").values_list("id", flat=True))
        for lesson in lessons
    }
    for (outline,) in (course_outlines(), course_outlines([mini_course])):
        assert outline.course == mini_course
        assert [lesson.id for lesson in outline.lessons] == [lesson.id for lesson in lessons]
        assert outline.section_ids == sections and sections[lessons[-1].id] == ()
        assert outline.lesson_urls == {lesson.id: lesson.get_absolute_url() for lesson in lessons}


def test_outlines_cost_three_queries_for_the_catalogue_and_two_for_given_courses(
    mini_course, shipped_course, django_assert_num_queries
):
    with django_assert_num_queries(3):  # courses, their published lessons, those sections
        outlines = course_outlines()
        urls = [url for outline in outlines for url in outline.anchors.values()]
    assert [outline.course for outline in outlines] == list(
        Course.objects.published().order_by("order", "title", "id")
    )
    assert len(urls) == Section.objects.filter(lesson__in=Lesson.objects.published()).count()
    with django_assert_num_queries(2):  # the course rows are at hand
        (outline,) = course_outlines([shipped_course])
        assert outline.lessons[0].get_absolute_url() in outline.lesson_urls.values()
