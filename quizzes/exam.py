"""The practice exam's clock, kept on the server: an attempt's deadline is set once, when it
starts, and nothing a learner sends moves it. An attempt past its deadline is finished by the
first request that meets it (quiz page, answer, start, /me/): no scheduled job is needed, and
until then it is only an attempt nobody can answer any more.
"""

from datetime import datetime, timedelta

from django.db import transaction
from django.utils import timezone

from lessons.progress import record_quiz_sections_read

from . import scoring
from .exam_tasks import task_marks
from .models import Attempt, Quiz
from .question_sets import attempt_answers

TIME_UP = (
    "Time is up: this exam ended at its deadline, so that answer was not saved. Your result"
    " counts the answers you gave before it."
)


def exam_tally(attempt: Attempt) -> scoring.Tally:
    """Where an attempt stands, its questions and (a practice exam's) tasks counted alike."""
    return scoring.tally([*attempt_answers(attempt).values(), *task_marks(attempt)])


def deadline_for(quiz: Quiz, started: datetime | None = None) -> datetime | None:
    if not quiz.is_exam or not quiz.exam_minutes:
        return None
    return (started or timezone.now()) + timedelta(minutes=quiz.exam_minutes)


@transaction.atomic
def attempt_close(*, attempt_id: int, only_if_overdue: bool = True) -> Attempt:
    """Finish an open attempt as it stands: past its deadline, or (`only_if_overdue=False`)
    when the learner ends the exam early. Questions and tasks left open count as not right."""
    locked = Attempt.objects.select_related("quiz").select_for_update(of=("self",))
    attempt = locked.get(pk=attempt_id)
    if attempt.finished_at is not None:
        return attempt
    now = timezone.now()
    if only_if_overdue and not attempt.overdue(now):
        return attempt
    count = exam_tally(attempt)
    attempt.score, attempt.total = count.score, count.total
    attempt.finished_at, attempt.pass_percent = now, attempt.quiz.pass_percent
    attempt.save(update_fields=["score", "total", "finished_at", "pass_percent"])
    record_quiz_sections_read(attempt)
    return attempt


def close_overdue(attempts) -> int:
    """Finish every overdue attempt among `attempts` (a queryset); one query when none is."""
    overdue = attempts.filter(finished_at__isnull=True, deadline__lte=timezone.now())
    ids = list(overdue.values_list("id", flat=True))
    for attempt_id in ids:
        attempt_close(attempt_id=attempt_id)
    return len(ids)
