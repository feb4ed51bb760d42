"""A practice exam's task submission: one per task and attempt, graded at once, marked only
when the attempt ends (exam_tasks.py).

As for answers (services.py), submissions to one attempt queue on its row lock
(select_for_update), so a replayed POST or a second tab finds the first submission stored and is
refused; the stored row is also written only while still open (a conditional UPDATE), so even a
bypassed lock cannot count a task twice. The grader runs between two short locked sections,
never holding the lock: the first refuses, before any grading, whatever cannot be taken (someone
else's attempt, a finished one, the clock run out, a task already submitted), the second takes
the submission if it still can. The clock is read when the request arrives, so the grading's
own time is never charged to the learner.
"""

from dataclasses import dataclass
from datetime import datetime

from django.db import transaction
from django.utils import timezone

from istio_checker.yamlsource import MAX_TEXT_BYTES
from lessons.progress import record_quiz_sections_read

from .exam import TIME_UP, attempt_close, exam_tally
from .exam_grading import grade_submission
from .models import Attempt, AttemptTask
from .services import ATTEMPT_FINISHED, locked_attempt

NOT_IN_ATTEMPT = "That task is not part of this exam. Reload the exam and carry on from there."
NUL_CHARACTER = (
    "That config holds a NUL character, which YAML cannot: it was not submitted. Remove it and"
    " submit again."
)
ALREADY_SUBMITTED = "You have already submitted this task; your first submission counts."
TOO_LARGE = (
    f"That config is larger than {MAX_TEXT_BYTES // 1024} KB, so it was not submitted. Shorten"
    " it and submit again."
)


class TaskRefused(Exception):
    """A submission that was not stored. `message` is written for the learner."""

    def __init__(self, message: str, *, code: str, attempt: Attempt | None = None):
        super().__init__(message)
        self.message = message
        self.code = code  # finished | time-up | not-in-quiz | submitted | too-large | unreadable
        self.attempt = attempt


@dataclass(frozen=True)
class Submitted:
    attempt: Attempt  # with its quiz; finished when this was its last open item
    number: int  # the task's place in the attempt, from 1


class _TimeUp(Exception):
    def __init__(self, attempt_id: int):
        self.attempt_id = attempt_id


def task_submit(
    *,
    slug: str,
    attempt_id: int,
    item_id: int,
    config: str,
    user=None,
    anon_id: str = "",
    drafts: bool = False,
) -> Submitted:
    """Grade and store the owner's submission of the attempt's task `item_id` (an AttemptTask
    id); finish the attempt when nothing is left open. Raises Attempt.DoesNotExist for an
    attempt that is not the requester's (see services.locked_attempt), TaskRefused with
    nothing written otherwise."""
    received = timezone.now()
    user_id = user.pk if user is not None and user.is_authenticated else None

    def lock() -> Attempt:
        return locked_attempt(
            attempt_id=attempt_id,
            slug=slug,
            user_id=user_id,
            anon_id="" if user_id is not None else anon_id,
            drafts=drafts,
        )

    if len(config.encode("utf-8", errors="replace")) > MAX_TEXT_BYTES:
        raise TaskRefused(TOO_LARGE, code="too-large")
    if "\x00" in config:  # YAML forbids it, and PostgreSQL cannot store it in a text column
        raise TaskRefused(NUL_CHARACTER, code="unreadable")
    try:
        with transaction.atomic():
            item = _open_item(lock(), item_id, received)
        verdict = grade_submission(item.task, config)
        with transaction.atomic():
            attempt = lock()
            item = _open_item(attempt, item_id, received)
            stored = AttemptTask.objects.filter(pk=item.pk, answered_at__isnull=True).update(
                config=config, answered_at=received, passed=verdict.passed, checks=verdict.checks
            )
            if not stored:  # only if the lock was bypassed: the first submission stands
                raise TaskRefused(ALREADY_SUBMITTED, code="submitted", attempt=attempt)
            _recount(attempt)
            return Submitted(attempt=attempt, number=item.order)
    except _TimeUp as late:  # nothing was written: finish the attempt in a transaction of its own
        closed = attempt_close(attempt_id=late.attempt_id)
        raise TaskRefused(TIME_UP, code="time-up", attempt=closed) from None


def _open_item(attempt: Attempt, item_id: int, received: datetime) -> AttemptTask:
    """The attempt's task `item_id` if it can still be submitted; raises otherwise. Read after
    the lock in a statement of its own, so it sees every submission committed before it."""
    if attempt.finished_at is not None:
        raise TaskRefused(ATTEMPT_FINISHED, code="finished", attempt=attempt)
    if attempt.overdue(received):
        raise _TimeUp(attempt.id)
    rows = AttemptTask.objects.select_related("task__lesson")  # Task.spec() reads its lesson
    item = rows.filter(attempt=attempt, pk=item_id).first()
    if item is None:
        raise TaskRefused(NOT_IN_ATTEMPT, code="not-in-quiz", attempt=attempt)
    if item.answered_at is not None:
        raise TaskRefused(ALREADY_SUBMITTED, code="submitted", attempt=attempt)
    return item


def _recount(attempt: Attempt) -> None:
    """The attempt's score from its answers and tasks; finished when none is left open."""
    count = exam_tally(attempt)
    attempt.score, attempt.total = count.score, count.total
    if count.complete:
        attempt.finished_at, attempt.pass_percent = timezone.now(), attempt.quiz.pass_percent
    attempt.save(update_fields=["score", "total", "finished_at", "pass_percent"])
    if count.complete:
        record_quiz_sections_read(attempt)
