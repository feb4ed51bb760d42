"""Which questions a quiz or attempt asks: its own, or (a drawn exam) lesson quizzes' ones."""

from collections.abc import Callable, Iterable
from operator import attrgetter, itemgetter
from typing import TypeVar

from django.db.models import Exists, FilteredRelation, OuterRef, Q, QuerySet

from . import bank_pool
from .drawing import draw, exam_size
from .models import Attempt, Choice, Question, Quiz

T = TypeVar("T")


def _pooled(course_id, *, drafts: bool = False) -> QuerySet[Question]:
    """What a drawn exam of the course draws from: its published lessons' quizzes' questions.

    `drafts`, for a staff preview of the exam of a draft course: every lesson's, draft ones
    too, as the preview shows the course (the lessons it will have once published).
    """
    questions = Question.objects.filter(quiz__course_id=course_id, quiz__lesson__isnull=False)
    return questions if drafts else questions.filter(quiz__lesson__published=True)


def askable() -> Q:
    """Quizzes with something to ask (question_count() > 0), as a filter on Quiz: a question of
    its own, or for a drawn exam a question in its course's pools."""
    own = Exists(Question.objects.filter(quiz=OuterRef("pk")))
    pooled = Exists(_pooled(OuterRef("course_id")))
    return Q(own, draw_per_lesson=0) | Q(pooled, draw_per_lesson__gt=0)


def lesson_pools(quiz: Quiz, *, drafts: bool = False) -> list[list[int]]:
    """Question ids of each published lesson quiz of the exam's course (with `drafts`, of each
    lesson quiz), in course order."""
    pools: dict[int, list[int]] = {}
    rows = (
        _pooled(quiz.course_id, drafts=drafts)
        .order_by("quiz__lesson__order", "quiz__order", "quiz_id", "order", "id")
        .values_list("quiz_id", "id")
    )
    for quiz_id, question_id in rows:
        pools.setdefault(quiz_id, []).append(question_id)
    return list(pools.values())


def draw_for_attempt(quiz: Quiz, *, drafts: bool = False, user_id: int | None = None) -> list[int]:
    """A fresh draw for a new attempt (`drafts`: a staff preview's, see _pooled); empty for a
    quiz that asks its own questions. A practice exam's draw prefers what `user_id` has not
    seen, then got wrong (bank_pool.py)."""
    if quiz.is_exam:
        return bank_pool.draw_for_exam(quiz, user_id=user_id, drafts=drafts)
    if not quiz.draw_per_lesson:
        return []
    return draw(lesson_pools(quiz, drafts=drafts), quiz.draw_per_lesson)


def question_count(quiz: Quiz, *, drafts: bool = False) -> int:
    """How many questions an attempt at `quiz` will ask (for its cover page; `drafts` as for
    draw_for_attempt)."""
    if quiz.is_exam:
        return bank_pool.exam_size(quiz, drafts=drafts)
    if quiz.draw_per_lesson:
        pools = lesson_pools(quiz, drafts=drafts)
        return exam_size([len(pool) for pool in pools], quiz.draw_per_lesson)
    return quiz.questions.count()


def _asked(attempt: Attempt) -> QuerySet[Question]:
    if attempt.question_ids:
        return Question.objects.filter(id__in=attempt.question_ids)
    return Question.objects.filter(quiz_id=attempt.quiz_id)


def _with_answers(questions: QuerySet[Question], attempt_id) -> QuerySet:
    answer = FilteredRelation("responses", condition=Q(responses__attempt_id=attempt_id))
    return questions.annotate(answer=answer).values_list("id", "answer__is_correct")


def attempt_answers(attempt: Attempt) -> dict[int, bool | None]:
    """Each question the attempt asks, in order → whether its answer is right, None while open.

    One query; questions deleted since are left out, so they count neither way.
    """
    rows = _with_answers(_asked(attempt), attempt.id)
    return dict(_in_order(rows, attempt.question_ids, key=itemgetter(0)))


def attempt_questions(attempt: Attempt, *, with_choices: bool = False) -> list[Question]:
    """The questions the attempt asks, in order (one query, two with choices)."""
    rows = _asked(attempt)
    if with_choices:
        rows = rows.prefetch_related("choices")
    return _in_order(rows, attempt.question_ids, key=attrgetter("id"))


def question_with_choices(question_id: int) -> tuple[Question, list[Choice]] | None:
    """A question and its choices in order (one query; two for a question without choices),
    or None when there is no such question."""
    choices = list(Choice.objects.filter(question_id=question_id).select_related("question"))
    if not choices:
        question = Question.objects.filter(pk=question_id).first()
        return None if question is None else (question, [])
    question = choices[0].question
    for choice in choices:
        choice.question = question  # one Question object, as question.choices.all() gives
    return question, choices


def _in_order(rows: Iterable[T], ids: list[int], *, key: Callable[[T], int]) -> list[T]:
    """Rows in the attempt's drawn order; an ordinary quiz's rows come ordered already."""
    found = list(rows)
    if not ids:
        return found
    position = {qid: index for index, qid in enumerate(ids)}
    return sorted(found, key=lambda row: position[key(row)])
