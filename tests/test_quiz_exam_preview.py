"""A staff preview of the drawn exam of a draft course draws from the course's lessons as the
preview shows them, draft lessons too: the exam as it will be once published. Learners' exams
still draw from published lessons only, learners still get a 404 for a draft exam, and a
preview counts nowhere learners' results are reported."""

import pytest
from django.test import Client
from django.urls import reverse

from coursefiles.row_plans import learner_work_of
from lessons.models import Course, Lesson
from quizzes import services
from quizzes.models import Attempt, Question, Quiz
from quizzes.question_sets import attempt_questions, lesson_pools, question_count

from . import test_quiz_preview
from .test_quiz_attempts import HX, answer, html_of, right, start

# The draft-preview tests' staff member, an instructor, and their signed-in client.
instructor, staff_client = test_quiz_preview.instructor, test_quiz_preview.staff_client

pytestmark = pytest.mark.django_db

EXAM = "istio-final-exam"
DRAFT_LESSON = "resilience"


@pytest.fixture
def exam(shipped_course):
    return Quiz.objects.select_related("course").get(slug=EXAM)


def draft_lesson_question_ids() -> set[int]:
    lesson = Lesson.objects.get(slug=DRAFT_LESSON)
    return set(Question.objects.filter(quiz__lesson=lesson).values_list("id", flat=True))


def unpublish(*, course: bool) -> None:
    Lesson.objects.filter(slug=DRAFT_LESSON).update(published=False)
    if course:
        Course.objects.filter(quizzes__slug=EXAM).update(published=False)


def exam_link_count(count: int) -> str:
    """How a lesson page's link to a course quiz gives its size."""
    return f'<span class="muted">{count} questions</span>'


def lesson_quiz_count(exam) -> int:
    return Quiz.objects.filter(course=exam.course, lesson__isnull=False).count()


# --- the pools -----------------------------------------------------------------------------------


def test_the_preview_pools_hold_every_lesson_quiz_and_the_learners_pools_the_published(exam):
    unpublish(course=True)
    hidden = draft_lesson_question_ids()
    assert hidden
    preview = {qid for pool in lesson_pools(exam, drafts=True) for qid in pool}
    learners = {qid for pool in lesson_pools(exam) for qid in pool}
    assert hidden <= preview and not hidden & learners
    assert preview - hidden == learners  # the draft lesson's questions are all that differ
    assert len(lesson_pools(exam, drafts=True)) == lesson_quiz_count(exam)
    assert len(lesson_pools(exam)) == lesson_quiz_count(exam) - 1
    assert question_count(exam, drafts=True) == 2 * lesson_quiz_count(exam)


def test_a_preview_attempt_draws_from_the_draft_lesson_and_a_learner_s_does_not(
    exam, instructor, learner
):
    unpublish(course=False)  # learners take the exam of the published course
    hidden = draft_lesson_question_ids()
    learners = services.attempt_start(quiz=exam, user=learner)
    assert not hidden & set(learners.question_ids)
    assert learners.total == 2 * (lesson_quiz_count(exam) - 1)
    Course.objects.filter(pk=exam.course_id).update(published=False)
    preview = services.attempt_start(quiz=exam, user=instructor, preview=True)
    # Two from every pool (each holds at least two): the draft lesson's always among them.
    assert len(hidden & set(preview.question_ids)) == 2
    assert preview.total == len(preview.question_ids) == 2 * lesson_quiz_count(exam)


# --- the pages -----------------------------------------------------------------------------------


def test_staff_preview_the_exam_of_a_draft_course_with_the_draft_lesson_s_questions(
    staff_client, instructor, exam
):
    unpublish(course=True)
    count = 2 * lesson_quiz_count(exam)
    cover = html_of(staff_client.get(exam.get_absolute_url()))
    assert "Draft preview" in cover and f"{count} questions" in cover
    attempt = start(staff_client, exam)
    assert attempt.preview and attempt.total == count
    asked = attempt_questions(attempt, with_choices=True)
    hidden = draft_lesson_question_ids()
    assert len({q.id for q in asked} & hidden) == 2
    page = html_of(staff_client.get(exam.get_absolute_url()))
    assert f"Question 1 of {count}" in page
    for question in asked:  # the draft lesson's questions are answered like any other
        response = answer(staff_client, exam, attempt, question, right(question), **HX)
        assert response.status_code == 200 and "Correct" in html_of(response)
    attempt.refresh_from_db()
    assert attempt.finished_at is not None and attempt.score == count


def test_staff_can_preview_a_draft_course_s_exam_whose_lessons_are_all_drafts(staff_client, exam):
    """Before, its published-only pools were empty: "This quiz has no questions yet"."""
    Lesson.objects.filter(course=exam.course).update(published=False)
    Course.objects.filter(pk=exam.course_id).update(published=False)
    assert question_count(exam) == 0
    attempt = start(staff_client, exam)
    assert attempt.preview and attempt.total == 2 * lesson_quiz_count(exam)
    assert "no questions yet" not in html_of(staff_client.get(exam.get_absolute_url()))


@pytest.mark.parametrize("who", ["visitor", "learner"])
def test_learners_and_visitors_still_get_a_404_for_the_draft_exam(client, learner, exam, who):
    unpublish(course=True)
    if who == "learner":
        client.force_login(learner)
    assert client.get(exam.get_absolute_url()).status_code == 404
    assert client.post(reverse("quiz-start", args=[EXAM])).status_code == 404
    assert not Attempt.objects.exists()


def test_learners_take_the_published_course_s_exam_without_the_draft_lesson(learner_client, exam):
    unpublish(course=False)
    count = 2 * (lesson_quiz_count(exam) - 1)
    assert f"{count} questions" in html_of(learner_client.get(exam.get_absolute_url()))
    attempt = start(learner_client, exam)
    assert not attempt.preview and attempt.total == count
    assert not draft_lesson_question_ids() & set(attempt.question_ids)


def test_the_draft_course_s_lesson_page_counts_the_exam_as_the_preview_draws_it(staff_client, exam):
    unpublish(course=True)
    lesson_page = "/courses/istio-service-mesh/final-quiz/"
    preview, published = 2 * lesson_quiz_count(exam), 2 * (lesson_quiz_count(exam) - 1)
    assert exam_link_count(preview) in html_of(staff_client.get(lesson_page))
    course = Course.objects.get(pk=exam.course_id)
    course.published = True
    course.save()  # as the admin does: the cached pages of the course are renewed
    page = html_of(staff_client.get(lesson_page))
    assert exam_link_count(published) in page and exam_link_count(preview) not in page


# --- a preview counts nowhere --------------------------------------------------------------------


def test_a_finished_exam_preview_counts_nowhere_once_the_course_is_published(
    staff_client, instructor, exam
):
    unpublish(course=True)
    attempt = start(staff_client, exam)
    asked = attempt_questions(attempt, with_choices=True)
    for question in asked:
        answer(staff_client, exam, attempt, question, right(question), **HX)
    attempt.refresh_from_db()
    assert attempt.passed and attempt.preview
    Lesson.objects.filter(course=exam.course).update(published=True)
    Course.objects.filter(pk=exam.course_id).update(published=True)
    assert not Attempt.objects.counted().exists()
    assert not learner_work_of(exam)
    hidden = Question.objects.filter(id__in=draft_lesson_question_ids() & set(attempt.question_ids))
    assert hidden.exists() and not any(learner_work_of(question) for question in hidden)
    assert exam.title not in html_of(staff_client.get(reverse("me")))
    # Published now, its cover lists only attempts that count, and offers a fresh start.
    cover = html_of(staff_client.get(exam.get_absolute_url()))
    assert "Your attempts" not in cover and "Draft preview" not in cover
    assert Client().get(exam.get_absolute_url()).status_code == 200
