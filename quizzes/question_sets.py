"""Which questions a quiz or attempt asks: its own, or (a drawn exam) lesson quizzes' ones."""

from collections.abc import Iterable

from .drawing import draw, exam_size
from .models import Attempt, Question, Quiz


def lesson_pools(quiz: Quiz) -> list[list[int]]:
    """Question ids of each published lesson quiz of the exam's course, in course order."""
    pools: dict[int, list[int]] = {}
    rows = (
        Question.objects.filter(
            quiz__course_id=quiz.course_id,
            quiz__lesson__isnull=False,
            quiz__lesson__published=True,
        )
        .order_by("quiz__lesson__order", "quiz__order", "quiz_id", "order", "id")
        .values_list("quiz_id", "id")
    )
    for quiz_id, question_id in rows:
        pools.setdefault(quiz_id, []).append(question_id)
    return list(pools.values())


def draw_for_attempt(quiz: Quiz) -> list[int]:
    """A fresh draw for a new attempt; empty for a quiz that asks its own questions."""
    return draw(lesson_pools(quiz), quiz.draw_per_lesson) if quiz.draw_per_lesson else []


def question_count(quiz: Quiz) -> int:
    """How many questions an attempt at `quiz` will ask (for its cover page)."""
    if quiz.draw_per_lesson:
        return exam_size([len(pool) for pool in lesson_pools(quiz)], quiz.draw_per_lesson)
    return quiz.questions.count()


def attempt_question_ids(attempt: Attempt) -> list[int]:
    """The ids the attempt asks, in order, leaving out any question deleted since."""
    if attempt.question_ids:
        existing = set(
            Question.objects.filter(id__in=attempt.question_ids).values_list("id", flat=True)
        )
        return [qid for qid in attempt.question_ids if qid in existing]
    return list(Question.objects.filter(quiz_id=attempt.quiz_id).values_list("id", flat=True))


def attempt_questions(attempt: Attempt, *, with_choices: bool = False) -> list[Question]:
    """The questions the attempt asks, in order (one query, two with choices)."""
    if attempt.question_ids:
        rows = Question.objects.filter(id__in=attempt.question_ids)
    else:
        rows = Question.objects.filter(quiz_id=attempt.quiz_id)
    if with_choices:
        rows = rows.prefetch_related("choices")
    return _in_order(rows, attempt.question_ids)


def _in_order(rows: Iterable[Question], ids: list[int]) -> list[Question]:
    questions = list(rows)
    if not ids:
        return questions
    position = {qid: index for index, qid in enumerate(ids)}
    return sorted(questions, key=lambda question: position[question.id])
