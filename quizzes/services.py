"""Writes to attempts and responses: keyword-only, one transaction each.

The answer POST runs on every question of every quiz, so it reads and writes the same few
rows whatever the quiz's size: the question with its choices, the locked attempt with its quiz,
the asked questions with their answers, then the response, its choices and the attempt's score.

Honesty rests on the database: a partial unique constraint allows one open attempt per learner
and quiz, and a unique (attempt, question) allows one response per question. Answers to one
attempt are also serialised by locking the attempt row (select_for_update), so a double-click,
a replayed POST or a stale tab finds the first answer already stored and is refused; if two
requests still race to the insert, the constraint turns the loser's row into an IntegrityError,
which is refused the same way. A refused answer never changes the stored score.
"""

from collections.abc import Callable, Collection
from dataclasses import dataclass
from datetime import datetime

from django.db import IntegrityError, transaction
from django.db.models import Count
from django.utils import timezone

from lessons.progress import record_quiz_sections_read

from . import choice_order, exam_tasks, question_sets, scoring
from .exam import TIME_UP, attempt_close, deadline_for, exam_tally
from .learners import attempts_of
from .models import Attempt, AttemptTask, Choice, Question, Quiz, Response, published_quiz

ALREADY_ANSWERED = "You have already answered this question; your first answer counts."
ATTEMPT_FINISHED = "This attempt is finished and takes no more answers; its score stays as it was."
NOT_IN_QUIZ = "That question is not part of this quiz. Reload the quiz and carry on from there."


class AnswerRefused(Exception):
    """An answer that was not stored. `message` is written for the learner."""

    def __init__(
        self,
        message: str,
        *,
        code: str,
        response: Response | None = None,
        attempt: Attempt | None = None,
        question: Question | None = None,
    ):
        super().__init__(message)
        self.message = message
        self.code = code  # finished | time-up | not-in-quiz | answered | empty | foreign | too-many
        self.response = response  # the stored response when the question was already answered
        self.attempt = attempt  # the attempt as it stands (None if it was not read)
        self.question = question  # the question answered, when it exists


@dataclass
class AnswerSheet:
    """One answered question of an attempt: everything its feedback shows, in memory.

    Only ever built once the answer is stored, so it may hold the right answers.
    """

    attempt: Attempt  # with its quiz, score, total and finished_at as settled
    question: Question
    choices: list[Choice]  # the question's choices, in the order the attempt shows them
    response: Response
    chosen: set[int]  # the ids of the choices the learner chose
    asked: list[int]  # the ids of the questions the attempt asks, in order
    answered: int  # how many of them are answered


# What the learner chose, as choice ids: read from their answer once the attempt (its seed) and
# the question's choices are known.
Chosen = Callable[[Attempt, Question, list[Choice]], set[int]]

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
def attempt_start(*, quiz: Quiz, user=None, anon_id: str = "", preview: bool = False) -> Attempt:
    """The learner's open attempt at `quiz`, started now if there is none (start or resume).

    `preview`: a staff member trying a draft quiz; a new attempt is marked so, and counts in
    no learner's results (an open attempt is resumed as it was started). A drawn exam's preview
    draws from the draft lessons too: the exam as it will be once the course is published.
    """
    owner = _owner_fields(user, anon_id)
    if preview and owner["user"] is None:
        raise ValueError("Only a signed-in staff member previews a draft quiz.")
    open_attempts = Attempt.objects.filter(quiz=quiz, finished_at__isnull=True, **owner)
    # A practice exam's start waits on the learner's open attempts' locks: a second tab's
    # start finds the first one's attempt (the constraint stays the last word).
    attempt = open_attempts.select_for_update().first()
    if attempt is not None and attempt.overdue(timezone.now()):
        attempt_close(attempt_id=attempt.id)  # its clock ran out: a new one starts
        attempt = None
    if attempt is not None:
        return attempt
    user_id = owner["user"].pk if owner["user"] is not None else None
    try:
        with transaction.atomic():  # a savepoint: the race loser carries on below
            drawn = question_sets.draw_for_attempt(quiz, drafts=preview, user_id=user_id)
            # A practice exam's tasks are drawn now too, and kept with the attempt.
            tasks = exam_tasks.draw_tasks(quiz, user_id=user_id, drafts=preview)
            drawn_total = quiz.draw_per_lesson or quiz.is_exam
            total = len(drawn) + len(tasks) if drawn_total else quiz.questions.count()
            attempt = Attempt.objects.create(
                quiz=quiz,
                question_ids=drawn,
                total=total,
                preview=preview,
                deadline=deadline_for(quiz),
                **owner,
            )
            exam_tasks.attach(attempt, tasks)
            return attempt
    except IntegrityError:
        # Two starts at once (a double-click on "Start"): the other request created it.
        return open_attempts.get()


def attempt_answer(
    *, attempt: Attempt, question: Question, choice_ids: Collection[int]
) -> Response:
    """Store and score one answer to `attempt` (see attempt_answer_as); `attempt` is updated."""

    def lock() -> Attempt:
        attempts = Attempt.objects.select_related("quiz").select_for_update(of=("self",))
        return attempts.get(pk=attempt.pk)

    sheet = _answer_safely(lock, attempt.pk, question.pk, lambda *_: set(choice_ids))
    attempt.score, attempt.total, attempt.finished_at, attempt.pass_percent = (
        sheet.attempt.score,
        sheet.attempt.total,
        sheet.attempt.finished_at,
        sheet.attempt.pass_percent,
    )
    return sheet.response


def locked_attempt(
    *,
    attempt_id: int,
    slug: str,
    user_id: int | None = None,
    anon_id: str = "",
    drafts: bool = False,
) -> Attempt:
    """The owner's attempt at the published quiz `slug`, with its quiz, locked until commit;
    with `drafts` (staff previewing, always a user) at the quiz `slug` whether published or not.

    Raises Attempt.DoesNotExist for any other attempt (someone else's, another quiz's).
    Must run inside a transaction.
    """
    if user_id is not None:
        attempts = attempts_of(user_id=user_id)
    elif anon_id:
        attempts = attempts_of(anon_id=anon_id)
    else:
        raise Attempt.DoesNotExist("An attempt has an owner: a user or a visitor.")
    if not (drafts and user_id is not None):
        attempts = attempts.filter(published_quiz("quiz__"))
    # Locks the attempt row only (not its quiz's, which every learner's answers share).
    locking = attempts.select_related("quiz").select_for_update(of=("self",))
    return locking.get(pk=attempt_id, quiz__slug=slug)


def attempt_answer_as(
    *,
    slug: str,
    attempt_id: int,
    question_id: int | None,
    values: Collection[str],
    user=None,
    anon_id: str = "",
    drafts: bool = False,
) -> AnswerSheet:
    """Store and score one answer; finish the attempt when it was the last question.

    `values` are what the form sent for the chosen choices: the attempt's tokens for them
    (choice_order.py); anything else is refused as no choice of the question.

    Only the owner's (user's or visitor's) attempt at the published quiz `slug` is answered
    (with `drafts`, for staff previewing: the user's attempt at the quiz, published or not):
    any other raises Attempt.DoesNotExist. Raises AnswerRefused, with nothing written, for a
    finished attempt, a question it does not ask, a second answer to the same question, or an
    answer that cannot be scored. Returns what the feedback shows, so nothing is read back.
    """
    owner = _owner_fields(user, anon_id)
    user_id = owner["user"].pk if owner["user"] is not None else None

    def lock() -> Attempt:
        return locked_attempt(
            attempt_id=attempt_id,
            slug=slug,
            user_id=user_id,
            anon_id=owner["anon_id"],
            drafts=drafts,
        )

    def chosen(attempt: Attempt, question: Question, choices: list[Choice]) -> set[int]:
        ids = [choice.id for choice in choices]
        return choice_order.chosen_ids(attempt.choice_seed, question.id, ids, values)

    return _answer_safely(lock, attempt_id, question_id, chosen)


class _AnswerRaced(Exception):
    """Another request stored an answer to the question between our check and our insert."""


class _TimeUp(Exception):
    """The attempt's deadline has passed: the answer is refused and the attempt finished."""

    def __init__(self, attempt_id: int):
        self.attempt_id = attempt_id


def _answer_safely(
    lock: Callable[[], Attempt],
    attempt_id: int,
    question_id: int | None,
    chosen: Chosen,
) -> AnswerSheet:
    # The question's content is read before the transaction, so the row lock is held less.
    found = question_sets.question_with_choices(question_id) if question_id else None
    try:
        return _answer(lock, found, chosen)
    except _TimeUp as late:  # its transaction was rolled back: finish the attempt in a new one
        closed = attempt_close(attempt_id=late.attempt_id)
        raise AnswerRefused(TIME_UP, code="time-up", attempt=closed) from None
    except _AnswerRaced:
        # Only reachable if the lock was bypassed; the constraint kept the first answer, and
        # the failed transaction was rolled back whole (no savepoint needed for that).
        question = found[0]
        stored = Response.objects.filter(attempt_id=attempt_id, question=question).first()
        raise AnswerRefused(
            ALREADY_ANSWERED, code="answered", response=stored, question=question
        ) from None


@transaction.atomic
def _answer(
    lock: Callable[[], Attempt], found: tuple[Question, list[Choice]] | None, read: Chosen
) -> AnswerSheet:
    # Answers to one attempt queue up on its row lock, so the checks below see every earlier
    # answer. (SQLite runs one writing transaction at a time anyway.)
    attempt = lock()
    if attempt.finished_at is not None:
        raise AnswerRefused(ATTEMPT_FINISHED, code="finished", attempt=attempt)
    if attempt.overdue(timezone.now()):
        raise _TimeUp(attempt.id)
    if found is None or not _asks(attempt, found[0]):
        raise AnswerRefused(NOT_IN_QUIZ, code="not-in-quiz", attempt=attempt)
    question, choices = found
    chosen = read(attempt, question, choices)
    choices = attempt.in_shown_order(question.id, choices, kind=question.kind)
    # Read after the lock, in a statement of its own: under READ COMMITTED it then sees every
    # answer committed before the lock was granted (joined into the locking query, PostgreSQL
    # would keep the rows it had read before waiting). The score is counted from these.
    answers = _answers(attempt)
    if answers.get(question.id) is not None:
        stored = Response.objects.filter(attempt=attempt, question=question).first()
        raise AnswerRefused(
            ALREADY_ANSWERED, code="answered", response=stored, attempt=attempt, question=question
        )
    problem = scoring.answer_problem(question.kind, [c.id for c in choices], chosen)
    if problem:
        raise AnswerRefused(
            problem, code=_PROBLEM_CODES[problem], attempt=attempt, question=question
        )
    correct = scoring.is_correct(question.kind, {c.id for c in choices if c.is_correct}, chosen)
    answers[question.id] = correct
    # A practice exam's tasks count alike: its last question does not end it while one is open.
    count = scoring.tally([*answers.values(), *exam_tasks.task_marks(attempt)])
    finished_at, pass_percent = _finish(attempt, count)
    try:
        # No savepoint: should the constraint refuse the row, the whole transaction is dropped.
        response = Response.objects.create(attempt=attempt, question=question, is_correct=correct)
    except IntegrityError:
        raise _AnswerRaced from None
    link = Response.choices.through
    link.objects.bulk_create(link(response=response, choice_id=c) for c in sorted(chosen))
    attempt.score, attempt.total = count.score, count.total
    attempt.finished_at, attempt.pass_percent = finished_at, pass_percent
    attempt.save(update_fields=["score", "total", "finished_at", "pass_percent"])
    # Everything the feedback shows is known now: nothing is read back.
    record_quiz_sections_read(attempt)
    return AnswerSheet(attempt, question, choices, response, chosen, list(answers), count.answered)


def _finish(attempt: Attempt, count: scoring.Tally) -> tuple[datetime | None, int | None]:
    """When the count completes the attempt: its finishing time and the pass mark it is judged
    by from then on (the quiz's now); (None, None) while questions are open."""
    if not count.complete:
        return None, None
    return timezone.now(), attempt.quiz.pass_percent


def _asks(attempt: Attempt, question: Question) -> bool:
    """Whether the attempt asks this question (a drawn exam asks lesson quizzes' questions)."""
    if attempt.question_ids:
        return question.id in attempt.question_ids
    return question.quiz_id == attempt.quiz_id


def _answers(attempt: Attempt) -> dict[int, bool | None]:
    return question_sets.attempt_answers(attempt)


@transaction.atomic
def attempt_settle(*, attempt: Attempt) -> Attempt:
    """Finish an open attempt with nothing left to answer (its last open question was deleted).

    Its score and total are recounted from its answers to the questions it still asks.
    """
    locked = Attempt.objects.select_related("quiz").select_for_update(of=("self",))
    locked = locked.get(pk=attempt.pk)
    if locked.finished_at is None:
        count = exam_tally(locked)
        locked.score, locked.total = count.score, count.total
        locked.finished_at, locked.pass_percent = _finish(locked, count)
        locked.save(update_fields=["score", "total", "finished_at", "pass_percent"])
        record_quiz_sections_read(locked)
    return locked


@transaction.atomic
def attempts_merge_visitor(*, user, anon_id: str) -> int:
    """Move a visitor's attempts to the account they signed in to; returns how many moved.

    Where both have an open attempt at the same quiz, only one may stay open (the database
    allows no more): the one with more answers (and a practice exam's submitted tasks) wins,
    and on a tie the visitor's, which is the one the learner was just taking. The other,
    unfinished and unscored, is deleted.
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
        answers = _work_done(ids)
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


def _work_done(attempt_ids: list[int]) -> dict[int, int]:
    """attempt id → its answers, and a practice exam's submitted tasks, counted."""
    done: dict[int, int] = {}
    for rows in (
        Response.objects.filter(attempt_id__in=attempt_ids),
        AttemptTask.objects.filter(attempt_id__in=attempt_ids, answered_at__isnull=False),
    ):
        counts = rows.values("attempt_id").annotate(n=Count("id")).values_list("attempt_id", "n")
        for attempt_id, n in counts:
            done[attempt_id] = done.get(attempt_id, 0) + n
    return done
