"""The course exam drawn from the lesson quizzes: a fresh draw per attempt, scored like any quiz."""

import random

import pytest
from django.urls import reverse

from course_format.yamlfile import ContentError
from coursefiles.loading import load_course_file
from lessons.models import Lesson
from quizzes import services
from quizzes.drawing import draw, exam_size
from quizzes.models import Attempt, Question, Quiz
from quizzes.question_sets import attempt_questions, lesson_pools, question_count
from quizzes.services import AnswerRefused

from .conftest import MINI_COURSE
from .test_quiz_attempts import form_values

EXAM = "istio-final-exam"


# --- the pure draw -----------------------------------------------------------------------------


def test_draw_takes_per_pool_keeps_order_and_whole_small_pools():
    pools = [[1, 2, 3, 4], [10, 11], [20]]
    drawn = draw(pools, 2, random.Random(7))
    assert len(drawn) == 5 and exam_size([4, 2, 1], 2) == 5
    first = [qid for qid in drawn if qid < 10]
    assert len(first) == 2 and first == sorted(first)  # lesson order kept
    assert [qid for qid in drawn if qid >= 10] == [10, 11, 20]
    assert draw(pools, 0) == [] and exam_size([4], 0) == 0


def test_draws_differ_between_attempts():
    pools = [list(range(p * 10, p * 10 + 5)) for p in range(9)]
    draws = {tuple(draw(pools, 2)) for _ in range(5)}
    assert len(draws) > 1


# --- the shipped exam --------------------------------------------------------------------------


@pytest.fixture
def exam(shipped_course):
    return Quiz.objects.get(slug=EXAM)


@pytest.mark.django_db
def test_exam_draws_two_questions_from_every_lesson_quiz(exam, learner):
    pools = lesson_pools(exam)
    assert len(pools) == Quiz.objects.filter(course=exam.course, lesson__isnull=False).count()
    assert question_count(exam) == 2 * len(pools)
    attempt = services.attempt_start(quiz=exam, user=learner)
    assert attempt.total == len(attempt.question_ids) == 2 * len(pools)
    by_quiz = {}
    for question in attempt_questions(attempt):
        by_quiz.setdefault(question.quiz_id, []).append(question.id)
    assert sorted(len(ids) for ids in by_quiz.values()) == [2] * len(pools)


@pytest.mark.django_db
def test_exam_attempt_scores_only_drawn_questions_and_finishes(exam, learner):
    attempt = services.attempt_start(quiz=exam, user=learner)
    drawn = attempt_questions(attempt, with_choices=True)
    outside = Question.objects.filter(quiz__course=exam.course, quiz__lesson__isnull=False).exclude(
        id__in=attempt.question_ids
    )[0]
    with pytest.raises(AnswerRefused) as refused:
        services.attempt_answer(
            attempt=attempt, question=outside, choice_ids={outside.choices.first().id}
        )
    assert refused.value.code == "not-in-quiz"
    right = 0
    for index, question in enumerate(drawn):
        choices = list(question.choices.all())
        correct = {c.id for c in choices if c.is_correct}
        wrong = {c.id for c in choices if not c.is_correct}
        pick = correct if index % 2 == 0 else {next(iter(wrong))}
        right += index % 2 == 0
        services.attempt_answer(attempt=attempt, question=question, choice_ids=pick)
    attempt.refresh_from_db()
    assert attempt.finished_at is not None
    assert (attempt.score, attempt.total) == (right, len(drawn))


@pytest.mark.django_db
def test_retake_draws_a_fresh_exam(exam, learner):
    seen = set()
    for _ in range(4):
        attempt = services.attempt_start(quiz=exam, user=learner)
        seen.add(tuple(attempt.question_ids))
        Attempt.objects.filter(pk=attempt.pk).update(finished_at="2026-01-01T00:00Z")
    assert len(seen) > 1


@pytest.mark.django_db
def test_unpublished_lesson_quizzes_are_not_drawn(exam):
    hidden = Lesson.objects.get(slug="resilience")
    hidden.published = False
    hidden.save()
    hidden_ids = set(Question.objects.filter(quiz__lesson=hidden).values_list("id", flat=True))
    assert hidden_ids
    assert not hidden_ids & {qid for pool in lesson_pools(exam) for qid in pool}


@pytest.mark.django_db
def test_exam_pages_cover_question_and_review(client, exam, learner):
    client.force_login(learner)
    cover = client.get(exam.get_absolute_url()).content.decode()
    assert f"{question_count(exam)} questions" in cover
    client.post(reverse("quiz-start", args=[EXAM]))
    attempt = Attempt.objects.get(user=learner, quiz=exam)
    page = client.get(exam.get_absolute_url()).content.decode()
    first = attempt_questions(attempt)[0]
    assert f"Question 1 of {attempt.total}" in page
    assert first.prompt_html.strip()[:40] in page or first.prompt[:30] in page
    for question in attempt_questions(attempt, with_choices=True):
        right = [c.id for c in question.choices.all() if c.is_correct]
        client.post(
            reverse("quiz-answer", args=[EXAM]),
            {
                "attempt": attempt.id,
                "question": question.id,
                "choice": form_values(attempt, question, right),
            },
        )
    attempt.refresh_from_db()
    assert attempt.score == attempt.total and attempt.finished_at
    review = client.get(reverse("quiz-result", args=[EXAM, attempt.id])).content.decode()
    for question in attempt_questions(attempt):
        assert question.explanation_html[:40] in review


@pytest.mark.django_db
def test_lesson_page_lists_both_course_quizzes(client, shipped_course):
    html = client.get("/courses/istio-service-mesh/final-quiz/").content.decode()
    assert "/quizzes/istio-final-quiz/" in html and f"/quizzes/{EXAM}/" in html
    assert "18 questions" in html


# --- the content format ------------------------------------------------------------------------


def _course_with(tmp_path, quiz_yaml: str):
    folder = tmp_path / "course"
    folder.mkdir()
    for path in MINI_COURSE.iterdir():
        (folder / path.name).write_text(path.read_text())
    course_file = folder / "course.yaml"
    course_file.write_text(course_file.read_text() + quiz_yaml)
    return folder


@pytest.mark.django_db
def test_exam_loads_and_dumps(tmp_path):
    from coursefiles.dumping import dump_course

    folder = _course_with(
        tmp_path, "  - slug: mini-exam\n    title: Exam\n    draw_per_lesson: 1\n"
    )
    course = load_course_file(folder).course
    assert Quiz.objects.get(slug="mini-exam").draw_per_lesson == 1
    assert "draw_per_lesson: 1" in dump_course(course)


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("quiz_yaml", "message"),
    [
        (
            "  - slug: x\n    title: X\n    draw_per_lesson: 1\n    questions:\n"
            "      - prompt: P\n        explanation: E\n        choices:\n"
            "          - text: a\n            correct: true\n          - text: b\n",
            "has no questions of its own",
        ),
        ("  - slug: x\n    title: X\n    draw_per_lesson: 99\n", "between 0 and 20"),
        ("  - slug: x\n    title: X\n    draw_per_lesson: two\n", "expected a whole number"),
        ("  - slug: x\n    title: X\n", "at least one question"),
    ],
)
def test_exam_format_errors(tmp_path, quiz_yaml, message):
    with pytest.raises(ContentError, match=message):
        load_course_file(_course_with(tmp_path, quiz_yaml))
