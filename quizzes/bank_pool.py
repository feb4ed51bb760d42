"""The practice exam's pool: a course's published questions tagged with a domain (its bank
files' and its lesson quizzes'), and what a learner last answered to each. Two queries."""

from django.db.models import Q, QuerySet

from .exam_draw import draw_exam
from .models import Question, Quiz, Response


def bank_questions(course_id, *, drafts: bool = False) -> QuerySet[Question]:
    """Questions with a domain in the course's bank quizzes, lesson quizzes and course quizzes
    (never another exam's); only published lessons' unless `drafts` (a staff preview)."""
    questions = Question.objects.filter(quiz__course_id=course_id).exclude(domain="")
    questions = questions.filter(quiz__exam_questions=0)
    if not drafts:
        questions = questions.filter(Q(quiz__lesson__isnull=True) | Q(quiz__lesson__published=True))
    return questions


def last_answers(user_id: int | None, question_ids) -> dict[int, bool]:
    """question id → whether the learner's latest counted answer to it was right."""
    if user_id is None:
        return {}
    rows = (
        Response.objects.filter(
            attempt__user_id=user_id, attempt__preview=False, question_id__in=question_ids
        )
        .order_by("answered_at", "id")
        .values_list("question_id", "is_correct")
    )
    return dict(rows)  # later rows overwrite earlier ones: the latest answer wins


def draw_for_exam(quiz: Quiz, *, user_id: int | None, drafts: bool = False) -> list[int]:
    domains = dict(bank_questions(quiz.course_id, drafts=drafts).values_list("id", "domain"))
    return draw_exam(domains, last_answers(user_id, list(domains)), quiz.exam_questions)


def exam_size(quiz: Quiz, *, drafts: bool = False) -> int:
    return min(quiz.exam_questions, bank_questions(quiz.course_id, drafts=drafts).count())
