"""Reading attempts back: a learner's history and best score per quiz, and which courses'
final quizzes they have passed (for "Course completed")."""

from dataclasses import dataclass

from django.db.models import Exists, F, OuterRef, QuerySet
from django.db.models.functions import Coalesce

from . import scoring
from .models import Attempt, Quiz


@dataclass
class QuizHistory:
    quiz: Quiz
    attempts: list[Attempt]  # newest first; an open attempt is "in progress"
    best: Attempt | None  # the best finished attempt

    @property
    def finished(self) -> list[Attempt]:
        return [a for a in self.attempts if a.finished_at is not None]


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
        results = [scoring.Result(a.score, a.total) for a in entry.finished]
        top = scoring.best(results)
        entry.best = entry.finished[results.index(top)] if top else None
    return list(history.values())


def final_quizzes_to_pass(attempts: QuerySet[Attempt], course_ids) -> dict[int, Quiz]:
    """course id → its first course-level quiz the learner has not passed (one query).

    A course missing from the result has no final quiz, or the learner passed them all.
    """
    passing = (
        attempts.filter(quiz=OuterRef("pk"), finished_at__isnull=False, total__gt=0)
        .alias(points=F("score") * 100)
        # Judged by the mark kept when the attempt finished (Attempt.pass_percent).
        .filter(points__gte=Coalesce(F("pass_percent"), OuterRef("pass_percent")) * F("total"))
    )
    to_pass = (
        Quiz.objects.filter(course_id__in=course_ids, lesson__isnull=True)
        .exclude(Exists(passing))
        .order_by("-order", "-id")
        .only("id", "slug", "title", "course_id")
    )
    return {quiz.course_id: quiz for quiz in to_pass}  # ordered so the first quiz wins
