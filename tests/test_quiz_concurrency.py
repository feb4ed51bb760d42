"""Answers racing each other on PostgreSQL: many threads, one stored response, the right score.

Real concurrency needs real transactions and a database that runs them in parallel; SQLite
serialises every writer on one file lock, so there the race cannot happen and is not tested.
"""

import threading

import pytest
from django.db import connection

from quizzes import services
from quizzes.models import Attempt, Response
from quizzes.services import AnswerRefused

from .test_quiz_attempts import make_quiz, right, wrong

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

THREADS = 12


@pytest.fixture(autouse=True)
def _postgres_only():
    if connection.vendor != "postgresql":
        pytest.skip(
            "needs PostgreSQL (DATABASE_URL=postgres://…): SQLite runs one writer at a time, "
            "so answers cannot race there"
        )


def run_at_once(work, arguments) -> list:
    """Run work(argument) in one thread each, released together; collect what each returned."""
    barrier = threading.Barrier(len(arguments))
    outcomes: list = []
    lock = threading.Lock()

    def worker(argument):
        try:
            barrier.wait(timeout=30)
            result = work(argument)
        except Exception as error:  # recorded, so an unexpected failure fails the test
            result = error
        finally:
            connection.close()  # each thread has its own connection; leave none open
        with lock:
            outcomes.append(result)

    threads = [threading.Thread(target=worker, args=(a,)) for a in arguments]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert not any(thread.is_alive() for thread in threads), "a thread hung"
    return outcomes


def answer_outcome(attempt_id, question, choice_ids):
    attempt = Attempt.objects.get(pk=attempt_id)  # each thread its own object and connection
    try:
        response = services.attempt_answer(
            attempt=attempt, question=question, choice_ids=choice_ids
        )
    except AnswerRefused as refused:
        return refused.code
    return ("stored", response.is_correct)


def test_many_simultaneous_answers_to_one_question_store_exactly_one(mini_course, learner):
    quiz = make_quiz(mini_course, "race-quiz")
    q1, q2, _ = list(quiz.questions.prefetch_related("choices"))
    attempt = services.attempt_start(quiz=quiz, user=learner)
    services.attempt_answer(attempt=attempt, question=q2, choice_ids=right(q2))  # score 1
    # Half the threads send the right answer and half a wrong one, so the stored one matters.
    choices = [right(q1) if i % 2 else wrong(q1) for i in range(THREADS)]
    outcomes = run_at_once(lambda ids: answer_outcome(attempt.id, q1, ids), choices)

    stored = [o for o in outcomes if isinstance(o, tuple)]
    assert len(stored) == 1, outcomes
    assert outcomes.count("answered") == THREADS - 1, outcomes
    assert Response.objects.filter(attempt=attempt, question=q1).count() == 1
    response = Response.objects.get(attempt=attempt, question=q1)
    assert response.is_correct == stored[0][1]
    attempt.refresh_from_db()
    assert attempt.score == 1 + int(response.is_correct)
    assert attempt.finished_at is None  # one question is still open


def test_simultaneous_answers_to_the_last_question_finish_the_attempt_once(mini_course, learner):
    quiz = make_quiz(mini_course, "race-finish")
    questions = list(quiz.questions.prefetch_related("choices"))
    attempt = services.attempt_start(quiz=quiz, user=learner)
    for question in questions[:-1]:
        services.attempt_answer(attempt=attempt, question=question, choice_ids=right(question))
    last = questions[-1]
    outcomes = run_at_once(
        lambda ids: answer_outcome(attempt.id, last, ids), [right(last)] * THREADS
    )
    assert outcomes.count(("stored", True)) == 1, outcomes
    # The winner finished the attempt under the row lock; every later one finds it finished.
    assert outcomes.count("finished") == THREADS - 1, outcomes
    attempt.refresh_from_db()
    assert (attempt.score, attempt.total) == (3, 3)
    assert attempt.finished_at is not None
    assert Response.objects.filter(attempt=attempt).count() == 3


def test_simultaneous_starts_open_exactly_one_attempt(mini_course, learner):
    quiz = make_quiz(mini_course, "race-start")
    outcomes = run_at_once(
        lambda _: services.attempt_start(quiz=quiz, user=learner).id, list(range(THREADS))
    )
    assert all(isinstance(o, int) for o in outcomes), outcomes
    assert len(set(outcomes)) == 1  # every double-click got the same attempt
    assert Attempt.objects.filter(user=learner, quiz=quiz, finished_at__isnull=True).count() == 1
