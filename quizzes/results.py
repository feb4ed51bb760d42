"""Reading attempts back: a learner's history and best score per quiz, and which courses'
final quizzes they have passed (for "Course completed").

Each finished attempt is judged by the mark it kept (Attempt.pass_mark), so a quiz is passed
when any of its attempts passed: the history, "Course completed" and the team dashboard agree.
"""

from dataclasses import dataclass

from django.db.models import Exists, F, OuterRef, Q, QuerySet
from django.db.models.functions import Coalesce
from django.db.models.lookups import GreaterThanOrEqual

from . import scoring
from .models import Attempt, Quiz
from .question_sets import askable


@dataclass
class QuizHistory:
    quiz: Quiz
    attempts: list[Attempt]  # newest first; an open attempt is "in progress"
    best: Attempt | None  # the best finished attempt (see best_attempt)

    @property
    def finished(self) -> list[Attempt]:
        return [a for a in self.attempts if a.finished_at is not None]

    @property
    def passed(self) -> bool:
        return self.best is not None and self.best.passed


def best_attempt(finished: list[Attempt]) -> Attempt | None:
    """A passed attempt before any that did not pass, then the larger share right, then more
    questions; on a full tie the first (the newest, as attempts come newest first).

    Passing comes first because marks differ between attempts: 7/10 passed at 70% beats 8/10
    failed at a later 90%, so "Best score" never says "Not passed yet" of a passed quiz.
    """

    def rank(attempt: Attempt):
        return (
            attempt.passed,
            scoring.Result(attempt.score, attempt.total).fraction,
            attempt.total,
        )

    return max(finished, key=rank, default=None)


def quiz_history(attempts: QuerySet[Attempt]) -> list[QuizHistory]:
    """Every attempt grouped by quiz, in course order (one query)."""
    rows = attempts.select_related("quiz__course").order_by(
        "quiz__course__order", "quiz__course_id", "quiz__order", "quiz_id", "-started_at", "-id"
    )
    history: dict[int, QuizHistory] = {}
    for attempt in rows:
        entry = history.setdefault(attempt.quiz_id, QuizHistory(attempt.quiz, [], None))
        attempt.quiz = entry.quiz  # one Quiz object per quiz, shared by its attempts
        entry.attempts.append(attempt)
    for entry in history.values():
        entry.best = best_attempt(entry.finished)
    return list(history.values())


def passed_attempts(quiz_mark) -> Q:
    """`Attempt.passed` as a filter on attempt rows (scoring.passed in SQL): finished, something
    asked, and 100 × score ≥ mark × total, the mark being the one the attempt kept when it
    finished, else `quiz_mark` (an expression for its quiz's mark)."""
    mark = Coalesce(F("pass_percent"), quiz_mark)
    meets = GreaterThanOrEqual(F("score") * 100, mark * F("total"))
    return Q(meets, finished_at__isnull=False, total__gt=0)


def final_quizzes_to_pass(attempts: QuerySet[Attempt], course_ids) -> dict[int, Quiz]:
    """course id → its first course-level quiz the learner has not passed (one query).

    A course missing from the result has no final quiz, or the learner passed them all. A quiz
    with no question to ask is left out: nobody could pass it, so it would block completion.
    """
    passing = attempts.filter(passed_attempts(OuterRef("pass_percent")), quiz=OuterRef("pk"))
    to_pass = (
        Quiz.objects.filter(askable(), course_id__in=course_ids, lesson__isnull=True)
        .exclude(Exists(passing))
        .order_by("-order", "-id")
        .only("id", "slug", "title", "course_id")
    )
    return {quiz.course_id: quiz for quiz in to_pass}  # ordered so the first quiz wins
