"""Reading attempts back: a learner's history and best score per quiz, and which courses'
final quizzes they have passed (for "Course completed").

Each finished attempt is judged by the mark it kept (Attempt.pass_mark), so a quiz is passed
when any of its attempts passed: the history, "Course completed" and the team dashboard agree.
"""

from dataclasses import dataclass
from functools import cached_property

from django.db.models import Exists, F, OuterRef, Q, QuerySet
from django.db.models.functions import Coalesce
from django.db.models.lookups import GreaterThanOrEqual

from . import scoring
from .learners import attempts_of
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

    @cached_property
    def url(self) -> str:
        return self.quiz.get_absolute_url()  # reversed once: the tables link it from each row


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


HISTORY_ORDER = (
    "quiz__course__order", "quiz__course_id", "quiz__order", "quiz_id", "-started_at", "-id"
)  # fmt: skip


def quiz_history(attempts: QuerySet[Attempt]) -> list[QuizHistory]:
    """Every attempt grouped by quiz, in course order (one query)."""
    return _grouped(attempts.select_related("quiz__course").order_by(*HISTORY_ORDER))


def _grouped(attempts) -> list[QuizHistory]:
    history: dict[int, QuizHistory] = {}
    for attempt in attempts:
        entry = history.setdefault(attempt.quiz_id, QuizHistory(attempt.quiz, [], None))
        attempt.quiz = entry.quiz  # one Quiz object per quiz, shared by its attempts
        entry.attempts.append(attempt)
    for entry in history.values():
        entry.best = best_attempt(entry.finished)
    return list(history.values())


def learner_quiz_history(user_id: int) -> list[QuizHistory]:
    """quiz_history of a signed-in learner's attempts that count (not draft previews)."""
    return quiz_history(attempts_of(user_id=user_id).counted())


def passed_attempts(quiz_mark) -> Q:
    """`Attempt.passed` as a filter on attempt rows (scoring.passed in SQL): finished, something
    asked, and 100 × score ≥ mark × total, the mark being the one the attempt kept when it
    finished, else `quiz_mark` (an expression for its quiz's mark)."""
    mark = Coalesce(F("pass_percent"), quiz_mark)
    meets = GreaterThanOrEqual(F("score") * 100, mark * F("total"))
    return Q(meets, finished_at__isnull=False, total__gt=0)


def final_quizzes(**where) -> QuerySet[Quiz]:
    """The course-level quizzes (of the courses `where` picks) that a learner can pass, each
    course's in the order they are to be passed. A quiz with no question to ask is left out:
    nobody could pass it, so it would block completion."""
    quizzes = Quiz.objects.filter(askable(), lesson__isnull=True, bank=False, **where)
    return quizzes.order_by("course_id", "order", "id")


def final_quizzes_to_pass(
    attempts: QuerySet[Attempt], course_ids, *, passed: set[int] | None = None
) -> dict[int, Quiz]:
    """course id → its first course-level quiz the learner has not passed (one query). Which
    quizzes the attempts passed is asked in the same query, unless the caller already knows
    (`passed`: quiz ids). `course_ids` may be a list or a subquery of ids.

    A course missing from the result has no final quiz, or the learner passed them all.
    """
    finals = final_quizzes(course_id__in=course_ids).only("id", "slug", "title", "course_id")
    if passed is None:
        passing = attempts.filter(passed_attempts(F("quiz__pass_percent")), quiz=OuterRef("pk"))
        finals = finals.annotate(was_passed=Exists(passing))
    to_pass: dict[int, Quiz] = {}
    for quiz in finals:
        if not (quiz.was_passed if passed is None else quiz.id in passed):
            to_pass.setdefault(quiz.course_id, quiz)
    return to_pass
