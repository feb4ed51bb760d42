"""Writes to attempts and responses: keyword-only, one transaction each.

Honesty rests on the database: a partial unique constraint allows one open attempt per learner
and quiz, and a unique (attempt, question) allows one response per question. Answers to one
attempt are also serialised by locking the attempt row (select_for_update), so a double-click,
a replayed POST or a stale tab finds the first answer already stored and is refused; if two
requests still race to the insert, the constraint turns the loser's row into an IntegrityError,
which is refused the same way. A refused answer never changes the stored score.
"""

from collections.abc import Collection

from django.db import IntegrityError, transaction
from django.db.models import Count
from django.utils import timezone

from . import question_sets, scoring
from .models import Attempt, Question, Quiz, Response

ALREADY_ANSWERED = "You have already answered this question; your first answer counts."
ATTEMPT_FINISHED = "This attempt is finished and takes no more answers; its score stays as it was."
NOT_IN_QUIZ = "That question is not part of this quiz. Reload the quiz and carry on from there."


class AnswerRefused(Exception):
    """An answer that was not stored. `message` is written for the learner."""

    def __init__(self, message: str, *, code: str, response: Response | None = None):
        super().__init__(message)
        self.message = message
        self.code = code  # finished | not-in-quiz | answered | empty | foreign | too-many
        self.response = response  # the stored response when the question was already answered


_PROBLEM_CODES = {
    scoring.EMPTY_ANSWER: "empty",
    scoring.FOREIGN_CHOICE: "foreign",
    scoring.TOO_MANY_FOR_SINGLE: "too-many",
}


def _owner_fields(user, anon_id: str) -> dict:
    if user is not None and user.is_authenticated:
        return {"user": user, "anon_id": ""}
    if anon_id:
        return {"user": None, "anon_id": anon_id}
    raise ValueError("An attempt needs an owner: a signed-in user or a visitor id.")


@transaction.atomic
def attempt_start(*, quiz: Quiz, user=None, anon_id: str = "") -> Attempt:
    """The learner's open attempt at `quiz`, started now if there is none (start or resume)."""
    owner = _owner_fields(user, anon_id)
    open_attempts = Attempt.objects.filter(quiz=quiz, finished_at__isnull=True, **owner)
    attempt = open_attempts.first()
    if attempt is not None:
        return attempt
    try:
        with transaction.atomic():  # a savepoint: the race loser carries on below
            drawn = question_sets.draw_for_attempt(quiz)
            total = len(drawn) if quiz.draw_per_lesson else quiz.questions.count()
            return Attempt.objects.create(quiz=quiz, question_ids=drawn, total=total, **owner)
    except IntegrityError:
        # Two starts at once (a double-click on "Start"): the other request created it.
        return open_attempts.get()


@transaction.atomic
def attempt_answer(
    *, attempt: Attempt, question: Question, choice_ids: Collection[int]
) -> Response:
    """Store and score one answer; finish the attempt when it was the last question.

    Raises AnswerRefused, with nothing written, for a finished attempt, a question of another
    quiz, a second answer to the same question, or an answer that cannot be scored.
    """
    locked = Attempt.objects.select_for_update().get(pk=attempt.pk)
    if locked.finished_at is not None:
        raise AnswerRefused(ATTEMPT_FINISHED, code="finished")
    if not _asks(locked, question):
        raise AnswerRefused(NOT_IN_QUIZ, code="not-in-quiz")
    existing = _stored_response(locked, question)
    if existing is not None:
        raise AnswerRefused(ALREADY_ANSWERED, code="answered", response=existing)

    choices = dict(question.choices.values_list("id", "is_correct"))
    chosen = set(choice_ids)
    problem = scoring.answer_problem(question.kind, choices.keys(), chosen)
    if problem:
        raise AnswerRefused(problem, code=_PROBLEM_CODES[problem])
    correct_ids = {cid for cid, is_correct in choices.items() if is_correct}
    try:
        with transaction.atomic():
            response = Response.objects.create(
                attempt=locked,
                question=question,
                is_correct=scoring.is_correct(question.kind, correct_ids, chosen),
            )
    except IntegrityError:
        # Only reachable if the lock was bypassed; the constraint still keeps the first answer.
        stored = Response.objects.filter(attempt=locked, question=question).first()
        raise AnswerRefused(ALREADY_ANSWERED, code="answered", response=stored) from None
    Response.choices.through.objects.bulk_create(
        [Response.choices.through(response=response, choice_id=cid) for cid in sorted(chosen)]
    )
    _settle(locked)
    attempt.score, attempt.total, attempt.finished_at = (
        locked.score,
        locked.total,
        locked.finished_at,
    )
    return response


def _asks(attempt: Attempt, question: Question) -> bool:
    """Whether the attempt asks this question (a drawn exam asks lesson quizzes' questions)."""
    if attempt.question_ids:
        return question.id in attempt.question_ids
    return question.quiz_id == attempt.quiz_id


def _stored_response(attempt: Attempt, question: Question) -> Response | None:
    return Response.objects.filter(attempt=attempt, question=question).first()


def _settle(attempt: Attempt) -> None:
    """Recount the score from the stored responses; finish once every question is answered.

    Counted, not incremented, so the score cannot drift from the responses. The total is the
    number of questions the attempt still asks, in case an instructor deleted one meanwhile.
    """
    question_ids = set(question_sets.attempt_question_ids(attempt))
    answers = dict(attempt.responses.values_list("question_id", "is_correct"))
    attempt.score = sum(1 for qid in question_ids if answers.get(qid))
    attempt.total = len(question_ids)
    fields = ["score", "total"]
    if question_ids <= answers.keys():
        attempt.finished_at = timezone.now()
        fields.append("finished_at")
    attempt.save(update_fields=fields)


@transaction.atomic
def attempt_settle(*, attempt: Attempt) -> Attempt:
    """Finish an open attempt with nothing left to answer (its last open question was deleted)."""
    locked = Attempt.objects.select_for_update().get(pk=attempt.pk)
    if locked.finished_at is None:
        _settle(locked)
    return locked


@transaction.atomic
def attempts_merge_visitor(*, user, anon_id: str) -> int:
    """Move a visitor's attempts to the account they signed in to; returns how many moved.

    Where both have an open attempt at the same quiz, only one may stay open (the database
    allows no more): the one with more answers wins, and on a tie the visitor's, which is the
    one the learner was just taking. The other, unfinished and unscored, is deleted.
    """
    if not anon_id or user is None or not user.is_authenticated:
        return 0
    visitor = list(Attempt.objects.select_for_update().filter(user__isnull=True, anon_id=anon_id))
    if not visitor:
        return 0
    open_quizzes = {a.quiz_id for a in visitor if a.finished_at is None}
    account_open = {
        a.quiz_id: a
        for a in Attempt.objects.select_for_update().filter(
            user=user, finished_at__isnull=True, quiz_id__in=open_quizzes
        )
    }
    if account_open:
        rivals = [a for a in visitor if a.finished_at is None and a.quiz_id in account_open]
        ids = [a.id for a in rivals] + [a.id for a in account_open.values()]
        answers = dict(
            Response.objects.filter(attempt_id__in=ids)
            .values("attempt_id")
            .annotate(n=Count("id"))
            .values_list("attempt_id", "n")
        )
        losers = []
        for mine in rivals:
            theirs = account_open[mine.quiz_id]
            if answers.get(theirs.id, 0) > answers.get(mine.id, 0):
                losers.append(mine.id)
            else:
                losers.append(theirs.id)
        Attempt.objects.filter(id__in=losers).delete()
        visitor = [a for a in visitor if a.id not in losers]
    return Attempt.objects.filter(id__in=[a.id for a in visitor]).update(user=user, anon_id="")
