"""Completing a course asks for its practice tasks passed too (issue 25): every lesson's tasks,
beside every section read and every quiz (the final exam included) passed. The pass that
completes the course issues the certificate, after its write commits."""

import pytest
from django.test import RequestFactory

from certificates.completion import course_completion
from certificates.models import Certificate
from lessons.models import Lesson
from practice.progress import record_check
from practice.reporting import task_rows

from .practice_helpers import make_task, pass_task
from .test_certificates import quizzes_of, read_all, take

pytestmark = pytest.mark.django_db(transaction=True)


def graded(user, task, *, passed: bool):
    """What the task page's "check my work" records once the grader has answered."""
    request = RequestFactory().post("/")
    request.user = user
    return record_check(request, task, passed=passed, config="kind: VirtualService\n")


@pytest.fixture
def tasks(mini_course):
    first = Lesson.objects.get(course=mini_course, slug="first")
    second = Lesson.objects.get(course=mini_course, slug="second")
    return [make_task(first, "route-to-v1"), make_task(second, "deny-delete", domain="security")]


def everything_but_tasks(client, course):
    read_all(client, course)
    lesson_quizzes, finals = quizzes_of(course)
    for quiz in lesson_quizzes + finals:
        take(client, quiz)


def test_no_certificate_while_a_task_is_open(learner_client, learner, mini_course, tasks):
    everything_but_tasks(learner_client, mini_course)
    graded(learner, tasks[0], passed=True)
    completion = course_completion(user_id=learner.pk, course_id=mini_course.pk)
    assert (completion.tasks_passed, completion.tasks_total) == (1, 2)
    assert completion.sections_read == completion.sections_total
    assert not completion.complete and not Certificate.objects.exists()
    graded(learner, tasks[1], passed=False)  # a failing check passes nothing
    assert not Certificate.objects.exists()


def test_the_pass_that_completes_the_course_issues_the_certificate(
    learner_client, learner, mini_course, tasks
):
    everything_but_tasks(learner_client, mini_course)
    graded(learner, tasks[0], passed=True)
    state = graded(learner, tasks[1], passed=True)
    assert state.passed
    certificate = Certificate.objects.get()
    assert (certificate.user, certificate.course, certificate.score) == (learner, mini_course, 100)
    completion = course_completion(user_id=learner.pk, course_id=mini_course.pk)
    assert completion.complete and (completion.tasks_passed, completion.tasks_total) == (2, 2)
    graded(learner, tasks[1], passed=True)  # checked again: still the one certificate
    assert Certificate.objects.count() == 1


def test_tasks_passed_first_then_the_last_quiz_issues_it(
    learner_client, learner, mini_course, tasks
):
    for task in tasks:
        graded(learner, task, passed=True)
    assert not Certificate.objects.exists()  # nothing read yet
    read_all(learner_client, mini_course)
    lesson_quizzes, finals = quizzes_of(mini_course)
    for quiz in lesson_quizzes:
        take(learner_client, quiz)
    assert not Certificate.objects.exists()  # the final exam is still to pass
    take(learner_client, finals[0])
    assert Certificate.objects.count() == 1


def test_a_draft_lesson_s_tasks_are_not_asked_for(learner_client, learner, mini_course, tasks):
    draft = Lesson.objects.create(course=mini_course, slug="draft", title="Draft", order=9)
    make_task(draft, "not-yet", order=1)
    assert not draft.published
    for task in tasks:
        pass_task(learner, task)
    everything_but_tasks(learner_client, mini_course)
    assert Certificate.objects.count() == 1


def test_another_learner_s_passes_complete_nothing(
    learner_client, learner, other_learner, mini_course, tasks
):
    for task in tasks:
        pass_task(other_learner, task)
    everything_but_tasks(learner_client, mini_course)
    assert not Certificate.objects.exists()
    request = RequestFactory().get("/")
    request.user = learner
    assert all(row.passed_at is None for row in task_rows(request, [t.lesson_id for t in tasks]))
