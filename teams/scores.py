"""Quiz scores of a team's members: each quiz's best finished attempt, and the member's quiz
score, the mean over the quizzes they took.

A quiz the member never finished is "not taken", never 0 %: counting it as 0 made a member
who took one quiz of ten and aced it look like a 10 % learner. The score is shown with how
many of how many quizzes it covers ("2 of 5 taken").
"""

import math
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from django.db.models import Count, F, FloatField, Max, Q
from django.db.models.functions import Cast, NullIf

from quizzes.models import Attempt
from quizzes.results import passed_attempts

from .members import in_list


@dataclass(frozen=True)
class QuizScore:
    quiz_id: int
    best_percent: int | None  # None: no finished attempt yet
    attempts: int  # finished attempts
    passed: bool = False  # any finished attempt met the pass mark it was judged by

    @property
    def taken(self) -> bool:
        return self.attempts > 0


@dataclass(frozen=True)
class MeanScore:
    """A member's quiz score over the quizzes they took, `taken` of `of`."""

    percent: int | None  # None: no quiz taken
    taken: int
    of: int

    @property
    def counts(self) -> str:
        return f"{self.taken} of {self.of} taken"

    @property
    def label(self) -> str:
        """The CSV's and the page's words: "72 % (2 of 5 taken)" or "not taken"."""
        if self.percent is None:
            return "not taken"
        return f"{self.percent} % ({self.counts})"


def mean_score(scores: Iterable[QuizScore], of: int) -> MeanScore:
    """Mean best percent over the quizzes taken, rounded down like quizzes.scoring.percent
    (never more than was scored). Quizzes not taken do not count."""
    best = [s.best_percent or 0 for s in scores if s.taken]
    return MeanScore(sum(best) // len(best) if best else None, len(best), of)


def quiz_scores(user_ids, quiz_ids, *, with_times: bool = True):
    """({(user id, quiz id): QuizScore}, {user id: latest attempt time}) in one query, for the
    users given (a list or a subquery of ids) and the quizzes given. `with_times=False` leaves
    the times out (the export has them already): reading 2 × 40,000 datetimes cost it 0.7 s."""
    scores: dict[tuple[int, int], QuizScore] = {}
    activity: dict[int, datetime] = {}
    if not quiz_ids:
        return scores, activity
    finished = Q(finished_at__isnull=False)
    percent = Cast(F("score"), FloatField()) * 100 / NullIf(F("total"), 0)
    attempts = Attempt.objects.counted()  # an instructor's draft previews are no results
    times = {"last_started": Max("started_at"), "last_finished": Max("finished_at")}
    rows = (
        in_list(attempts.filter(user_id__in=user_ids), "quiz_id", quiz_ids)
        .values("user_id", "quiz_id")
        .annotate(
            finished_count=Count("id", filter=finished),
            passed_count=Count("id", filter=passed_attempts(F("quiz__pass_percent"))),
            best=Max(percent, filter=finished),
            **(times if with_times else {}),
        )
        .order_by()
    )
    for row in rows:
        best = row["best"]
        scores[(row["user_id"], row["quiz_id"])] = QuizScore(
            row["quiz_id"],
            # Rounded down, as quizzes.scoring.percent does: never more than was scored.
            math.floor(best) if best is not None else (0 if row["finished_count"] else None),
            row["finished_count"],
            passed=row["passed_count"] > 0,
        )
        if not with_times:
            continue
        latest = max(t for t in (row["last_started"], row["last_finished"]) if t)
        if row["user_id"] not in activity or latest > activity[row["user_id"]]:
            activity[row["user_id"]] = latest
    return scores, activity


def scores_in_order(scores: dict, user_id: int, quiz_ids: list[int]) -> list[QuizScore]:
    """One member's scores in the quizzes' order, "not taken" where they have none."""
    return [scores.get((user_id, qid)) or QuizScore(qid, None, 0) for qid in quiz_ids]
