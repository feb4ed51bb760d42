"""A learner's state on practice tasks: hints never past the last, the first pass kept, a pass
after the solution marked as such, visitors' state bounded and merged at login."""

from datetime import timedelta
from types import SimpleNamespace

import pytest
from django.contrib.auth.models import AnonymousUser
from django.urls import reverse
from django.utils import timezone

from lessons.models import Lesson
from practice import progress
from practice.models import Task, TaskProgress


@pytest.fixture
def task(mini_course):
    lesson = Lesson.objects.filter(course=mini_course).first()
    return Task.objects.create(
        lesson=lesson,
        slug="route-one-tester",
        title="Route one tester",
        domain="traffic",
        scenario="Send one tester to v2.",
        hints=["First hint", "Second hint"],
        solution="kind: VirtualService\n",
        checks=[{"name": "valid", "valid": {}}],
    )


def visitor():
    return SimpleNamespace(user=AnonymousUser(), session={})


def member(user):
    return SimpleNamespace(user=user, session={})


@pytest.mark.parametrize("who", ["visitor", "learner"])
def test_hints_stop_at_the_last_one(who, task, learner):
    request = visitor() if who == "visitor" else member(learner)
    shown = [progress.reveal_hint(request, task).hints_shown for _ in range(4)]
    assert shown == [1, 2, 2, 2]
    assert progress.task_state(request, task).hints_shown == 2


@pytest.mark.parametrize("who", ["visitor", "learner"])
def test_a_later_failure_never_takes_a_pass_away(who, task, learner):
    request = visitor() if who == "visitor" else member(learner)
    assert not progress.record_check(request, task, passed=False, config="a: 1").passed
    first = progress.record_check(request, task, passed=True, config="a: 2")
    assert first.passed and not first.passed_after_solution
    again = progress.record_check(request, task, passed=False, config="a: 3")
    assert again.passed_at == first.passed_at
    assert progress.passed_task_ids(request) == {task.id}


@pytest.mark.parametrize("who", ["visitor", "learner"])
def test_a_pass_after_giving_up_is_marked(who, task, learner):
    request = visitor() if who == "visitor" else member(learner)
    assert not progress.task_state(request, task).solution_visible
    gave_up = progress.give_up(request, task)
    assert gave_up.solution_visible and gave_up.status == "gave-up"
    assert progress.give_up(request, task).gave_up_at == gave_up.gave_up_at  # the first is kept
    passed = progress.record_check(request, task, passed=True, config="a: 1")
    assert passed.passed_after_solution and passed.status == "passed"


def test_a_learner_keeps_their_last_config_and_check_count(task, learner):
    request = member(learner)
    progress.record_check(request, task, passed=False, config="first")
    progress.record_check(request, task, passed=False, config="second")
    row = TaskProgress.objects.get(user=learner, task=task)
    assert (row.checks_run, row.last_config) == (2, "second")


def test_a_visitor_session_is_bounded(task, monkeypatch):
    monkeypatch.setattr(progress, "MAX_SESSION_TASKS", 1)
    request = visitor()
    request.session[progress.SESSION_KEY] = {"999999": {"hints": 1}}
    assert progress.reveal_hint(request, task).hints_shown == 0
    assert set(request.session[progress.SESSION_KEY]) == {"999999"}


def test_damaged_session_entries_are_ignored(task):
    request = visitor()
    request.session[progress.SESSION_KEY] = {
        "abc": {"passed": "x"},
        str(task.id): {"hints": "many", "passed": "not-a-date", "gave_up": 7},
    }
    state = progress.task_state(request, task)
    assert (state.hints_shown, state.passed_at, state.gave_up_at) == (0, None, None)


def test_visitor_progress_merges_at_login_keeping_the_earlier_pass(client, learner, task):
    earlier = timezone.now() - timedelta(days=3)
    TaskProgress.objects.create(user=learner, task=task, passed_at=earlier, hints_shown=0)
    session = client.session
    session[progress.SESSION_KEY] = {
        str(task.id): {"hints": 2, "passed": timezone.now().isoformat(), "after": True},
        "424242": {"hints": 1},  # a task that no longer exists is dropped
    }
    session.save()
    response = client.post(reverse("login"), {"username": "ada", "password": "correct-horse-9"})
    assert response.status_code == 302
    row = TaskProgress.objects.get(user=learner, task=task)
    assert row.passed_at == earlier and not row.passed_after_solution
    assert row.hints_shown == 2
    assert TaskProgress.objects.filter(user=learner).count() == 1
    assert progress.SESSION_KEY not in client.session
