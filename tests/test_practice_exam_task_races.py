"""Practice exam task submissions racing each other on PostgreSQL (tabs, double-clicks): one
stored submission per task, and an attempt finished once with the right score. SQLite runs one
writer at a time, so there the race cannot happen and is not tested (as test_quiz_concurrency)."""

import pytest
from django.db import connection

from quizzes.exam_task_answers import TaskRefused, task_submit
from quizzes.models import Attempt, AttemptTask, Question

from .test_practice_exam import EXAM
from .test_practice_exam_tasks import (  # noqa: F401  (fixtures)
    GOOD,
    exam,
    items,
    stand_in_grader,
)
from .test_quiz_attempts import right
from .test_quiz_concurrency import THREADS, run_at_once

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def _postgres_only():
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL (DATABASE_URL=postgres://…): SQLite runs one writer")


def outcome(learner, attempt_id: int, item_id: int, config: str):
    try:
        task_submit(slug=EXAM, attempt_id=attempt_id, item_id=item_id, config=config, user=learner)
    except TaskRefused as refused:
        return refused.code
    return "stored"


def test_simultaneous_submissions_of_one_task_store_exactly_one(learner, exam):
    from quizzes import services

    attempt = services.attempt_start(quiz=exam, user=learner)
    item = items(attempt)[0]
    configs = [GOOD if index % 2 else f"kind: Bad{index}" for index in range(THREADS)]
    outcomes = run_at_once(lambda config: outcome(learner, attempt.id, item.id, config), configs)
    assert outcomes.count("stored") == 1, outcomes
    assert outcomes.count("submitted") == THREADS - 1, outcomes
    stored = AttemptTask.objects.get(pk=item.pk)
    assert stored.config in configs and stored.passed == (stored.config == GOOD)
    attempt.refresh_from_db()
    assert attempt.score == int(stored.passed) and attempt.finished_at is None


def test_the_last_tasks_submitted_at_once_finish_the_attempt_once(learner, exam):
    from quizzes import services

    attempt = services.attempt_start(quiz=exam, user=learner)
    for question in Question.objects.filter(id__in=attempt.question_ids).prefetch_related(
        "choices"
    ):
        services.attempt_answer(attempt=attempt, question=question, choice_ids=right(question))
    drawn = items(attempt)
    for item in drawn[:2]:
        task_submit(slug=EXAM, attempt_id=attempt.id, item_id=item.id, config=GOOD, user=learner)
    last_two = [drawn[2].id, drawn[3].id] * (THREADS // 2)
    outcomes = run_at_once(lambda item_id: outcome(learner, attempt.id, item_id, GOOD), last_two)
    assert outcomes.count("stored") == 2, outcomes
    # After the second one finished the attempt, the later ones find it finished.
    assert set(outcomes) <= {"stored", "submitted", "finished"}, outcomes
    attempt = Attempt.objects.get(pk=attempt.pk)
    assert attempt.finished_at is not None and (attempt.score, attempt.total) == (14, 14)
