"""A result stands as it was judged: each finished attempt keeps the pass mark it was judged by.

Instructors may change a quiz's pass mark at any time (admin, course import); attempts finished
before the change keep their verdict on the result page, in the history, on a team member's page
and for "Course completed"; attempts finished after it are judged by the new mark.
"""

import importlib

import pytest
from django.apps import apps
from django.urls import reverse

from quizzes import services
from quizzes.models import Attempt, Quiz

from .test_quiz_attempts import (
    answer,
    html_of,
    make_quiz,
    questions_of,
    read_everything,
    right,
    start,
    wrong,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def quiz(mini_course):
    return make_quiz(mini_course, pass_percent=60)  # 2 of 3 passes, 1 of 3 does not


def finish(client, quiz, correct: int) -> Attempt:
    """Take the quiz through the answer POST (htmx), `correct` of its questions right."""
    attempt = start(client, quiz)
    for number, question in enumerate(questions_of(quiz)):
        chosen = right(question) if number < correct else wrong(question)
        assert (
            answer(client, quiz, attempt, question, chosen, HTTP_HX_REQUEST="true").status_code
            == 200
        )
    attempt.refresh_from_db()
    return attempt


def set_mark(quiz: Quiz, percent: int) -> None:
    quiz.pass_percent = percent
    quiz.save()


def test_finishing_keeps_the_quiz_s_mark_and_an_open_attempt_has_none(client, learner, quiz):
    client.force_login(learner)
    attempt = start(client, quiz)
    first = questions_of(quiz)[0]
    answer(client, quiz, attempt, first, right(first), HTTP_HX_REQUEST="true")
    attempt.refresh_from_db()
    assert attempt.finished_at is None and attempt.pass_percent is None
    set_mark(quiz, 75)  # changed while the attempt is open: the finish takes today's mark
    for question in questions_of(quiz)[1:]:
        answer(client, quiz, attempt, question, right(question), HTTP_HX_REQUEST="true")
    attempt.refresh_from_db()
    assert attempt.finished_at is not None and attempt.pass_percent == 75


def test_the_plain_post_path_keeps_the_mark_too(client, learner, quiz):
    client.force_login(learner)
    attempt = start(client, quiz)
    for question in questions_of(quiz):
        assert answer(client, quiz, attempt, question, right(question)).status_code == 303
    attempt.refresh_from_db()
    assert attempt.pass_percent == 60


def test_raising_the_mark_later_does_not_fail_a_pass(client, learner, quiz):
    client.force_login(learner)
    attempt = finish(client, quiz, correct=2)  # 67 % against 60 %: passed
    set_mark(quiz, 90)
    attempt = Attempt.objects.select_related("quiz").get(pk=attempt.pk)
    assert attempt.passed and attempt.pass_mark == 60
    page = html_of(client.get(reverse("quiz-result", args=[quiz.slug, attempt.id])))
    assert "Passed" in page and "Not passed" not in page
    assert "pass mark of 60% in force when you finished (it is 90% now)" in page
    history = html_of(client.get(reverse("me")))
    assert "Not passed" not in history.split(quiz.title, 1)[1]
    # The next attempt is judged by the new mark.
    later = finish(client, quiz, correct=2)
    later = Attempt.objects.select_related("quiz").get(pk=later.pk)
    assert later.pass_percent == 90 and not later.passed
    page = html_of(client.get(reverse("quiz-result", args=[quiz.slug, later.id])))
    assert "Not passed" in page and "The pass mark is 90%." in page


def test_lowering_the_mark_later_does_not_pass_a_fail(client, learner, quiz):
    client.force_login(learner)
    attempt = finish(client, quiz, correct=1)  # 33 % against 60 %
    set_mark(quiz, 30)
    attempt = Attempt.objects.select_related("quiz").get(pk=attempt.pk)
    assert not attempt.passed
    page = html_of(client.get(reverse("quiz-result", args=[quiz.slug, attempt.id])))
    assert "Not passed" in page


def test_course_completion_is_judged_by_the_kept_mark(client, learner, other_learner, mini_course):
    Quiz.objects.filter(course=mini_course, lesson__isnull=True).delete()
    final = make_quiz(mini_course, slug="final-three", pass_percent=60)  # course-level
    for who in (learner, other_learner):
        read_everything(who, mini_course)
    client.force_login(learner)
    finish(client, final, correct=2)  # 67 % against 60 %
    assert "Course completed" in html_of(client.get("/"))
    set_mark(final, 90)
    assert "Course completed" in html_of(client.get("/"))  # judged when it finished
    client.force_login(other_learner)
    finish(client, final, correct=2)  # the same score, judged by the new mark
    assert "Course completed" not in html_of(client.get("/"))


def test_finishing_by_settling_keeps_the_mark(learner, quiz):
    attempt = services.attempt_start(quiz=quiz, user=learner)
    first, *rest = questions_of(quiz)
    services.attempt_answer(attempt=attempt, question=first, choice_ids=right(first))
    for question in rest:
        question.delete()  # its last open questions gone: the attempt is settled
    set_mark(quiz, 80)
    settled = services.attempt_settle(attempt=Attempt.objects.get(pk=attempt.pk))
    assert settled.finished_at is not None
    assert Attempt.objects.get(pk=attempt.pk).pass_percent == 80


def test_the_migration_keeps_today_s_mark_for_attempts_finished_before_it(learner, quiz):
    finished = services.attempt_start(quiz=quiz, user=learner)
    for question in questions_of(quiz):
        services.attempt_answer(attempt=finished, question=question, choice_ids=right(question))
    Attempt.objects.filter(pk=finished.pk).update(pass_percent=None)  # as before the migration
    other = make_quiz(quiz.course, slug="other", pass_percent=85)
    still_open = services.attempt_start(quiz=other, user=learner)
    migration = importlib.import_module("quizzes.migrations.0004_attempt_keeps_its_pass_mark")
    migration.judge_finished_attempts_by_todays_mark(apps, None)
    assert Attempt.objects.get(pk=finished.pk).pass_percent == 60
    assert Attempt.objects.get(pk=still_open.pk).pass_percent is None
