"""Authoring quizzes in the admin: questions that cannot be answered right are refused."""

import pytest
from django.urls import reverse

from quizzes import services
from quizzes.models import Attempt, Choice, Question, Quiz

pytestmark = pytest.mark.django_db


def management(prefix: str, total: int, initial: int) -> dict:
    return {
        f"{prefix}-TOTAL_FORMS": str(total),
        f"{prefix}-INITIAL_FORMS": str(initial),
        f"{prefix}-MIN_NUM_FORMS": "0",
        f"{prefix}-MAX_NUM_FORMS": "1000",
    }


def question_data(quiz: Quiz, kind: str, choices, *, existing=()) -> dict:
    """POST data for the question page: its fields and the choices inline.

    `choices` are (text, correct) for new rows; `existing` are (Choice, correct, delete).
    """
    data = {
        "quiz": str(quiz.id),
        "order": "10",
        "prompt": "Which component serves proxy configuration?",
        "kind": kind,
        "explanation": "istiod does.",
    }
    rows = [
        {
            "id": str(c.id),
            "question": str(c.question_id),
            "text": c.text,
            "correct": correct,
            "delete": delete,
        }
        for c, correct, delete in existing
    ] + [
        {"id": "", "question": "", "text": text, "correct": correct, "delete": False}
        for text, correct in choices
    ]
    data.update(management("choices", len(rows), len(existing)))
    for index, row in enumerate(rows):
        prefix = f"choices-{index}"
        data[f"{prefix}-id"] = row["id"]
        data[f"{prefix}-question"] = row["question"]
        data[f"{prefix}-order"] = str(index)
        data[f"{prefix}-text"] = row["text"]
        data[f"{prefix}-why"] = ""
        if row["correct"]:
            data[f"{prefix}-is_correct"] = "on"
        if row["delete"]:
            data[f"{prefix}-DELETE"] = "on"
    return data


@pytest.fixture
def quiz(mini_course):
    return Quiz.objects.get(slug="mini-final")


ADD_URL = reverse("admin:quizzes_question_add")


def test_a_well_formed_single_choice_question_is_saved(admin_client, quiz):
    data = question_data(quiz, "single", [("istiod", True), ("Mixer", False), ("Galley", False)])
    response = admin_client.post(ADD_URL, data)
    assert response.status_code == 302
    question = Question.objects.get(quiz=quiz, prompt__startswith="Which component")
    assert question.choices.count() == 3
    assert list(question.choices.filter(is_correct=True).values_list("text", flat=True)) == [
        "istiod"
    ]


@pytest.mark.parametrize(
    ("kind", "choices", "message"),
    [
        ("single", [("istiod", False), ("Mixer", False)], "none is marked correct"),
        ("single", [("istiod", True), ("Pilot", True), ("Mixer", False)], "2 are marked correct"),
        ("single", [("istiod", True)], "at least two choices; this one has 1"),
        ("multiple", [("istiod", True)], "at least two choices; this one has 1"),
        ("multiple", [], "at least two choices; this one has 0"),
        ("multiple", [("istiod", False), ("Mixer", False)], "at least one correct choice"),
    ],
    ids=["single-none", "single-two", "single-one-choice", "multiple-one", "none", "multi-none"],
)
def test_unanswerable_questions_are_refused_with_a_clear_message(
    admin_client, quiz, kind, choices, message
):
    before = Question.objects.count()
    response = admin_client.post(ADD_URL, question_data(quiz, kind, choices))
    assert response.status_code == 200  # the form again, with the message
    assert message in response.content.decode()
    assert Question.objects.count() == before


def test_a_multiple_choice_question_may_have_several_correct_choices(admin_client, quiz):
    data = question_data(quiz, "multiple", [("connectionPool", True), ("outlierDetection", True)])
    assert admin_client.post(ADD_URL, data).status_code == 302


def test_deleting_choices_down_to_one_is_refused(admin_client, quiz):
    question = quiz.questions.get()
    envoy, haproxy = question.choices.all()
    url = reverse("admin:quizzes_question_change", args=[question.id])
    data = question_data(
        quiz, "single", [], existing=[(envoy, True, False), (haproxy, False, True)]
    )
    response = admin_client.post(url, data)
    assert response.status_code == 200
    assert "at least two choices; this one has 1" in response.content.decode()
    assert question.choices.count() == 2


def test_making_a_second_choice_correct_on_a_single_question_is_refused(admin_client, quiz):
    question = quiz.questions.get()
    envoy, haproxy = question.choices.all()
    url = reverse("admin:quizzes_question_change", args=[question.id])
    data = question_data(
        quiz, "single", [], existing=[(envoy, True, False), (haproxy, True, False)]
    )
    response = admin_client.post(url, data)
    assert "2 are marked correct" in response.content.decode()
    assert not Choice.objects.get(pk=haproxy.pk).is_correct
    # Switching the question to multiple choice makes the same choices acceptable.
    data["kind"] = "multiple"
    assert admin_client.post(url, data).status_code == 302
    assert Choice.objects.get(pk=haproxy.pk).is_correct


def quiz_page_data(quiz: Quiz, question: Question, *, kind: str) -> dict:
    """The quiz's change form as the admin posts it, its one question set to `kind`."""
    return {
        "slug": quiz.slug,
        "title": quiz.title,
        "course": str(quiz.course_id),
        "lesson": str(quiz.lesson_id),
        "order": str(quiz.order),
        "pass_percent": str(quiz.pass_percent),
        "draw_per_lesson": "0",
        **management("questions", 1, 1),
        "questions-0-id": str(question.id),
        "questions-0-quiz": str(quiz.id),
        "questions-0-order": str(question.order),
        "questions-0-prompt": question.prompt,
        "questions-0-kind": kind,
        "questions-0-explanation": question.explanation,
    }


def test_changing_a_questions_kind_on_the_quiz_page_checks_its_choices(admin_client, mini_course):
    quiz = Quiz.objects.get(slug="first-check")
    question = quiz.questions.get()  # multiple choice, two correct choices
    assert question.kind == "multiple"
    url = reverse("admin:quizzes_quiz_change", args=[quiz.id])
    data = quiz_page_data(quiz, question, kind="single")
    response = admin_client.post(url, data)
    assert response.status_code == 200
    assert "2 are marked correct" in response.content.decode()
    assert Question.objects.get(pk=question.pk).kind == "multiple"
    data["questions-0-kind"] = "multiple"
    data["pass_percent"] = "80"
    assert admin_client.post(url, data).status_code == 302
    assert Quiz.objects.get(pk=quiz.pk).pass_percent == 80


def test_quiz_page_lists_its_questions_inline(admin_client, mini_course):
    quiz = Quiz.objects.get(slug="first-check")
    html = admin_client.get(reverse("admin:quizzes_quiz_change", args=[quiz.id])).content.decode()
    assert "What does a mesh move out of the application?" in html
    question = quiz.questions.get()
    page = admin_client.get(reverse("admin:quizzes_question_change", args=[question.id]))
    assert "Business logic" in page.content.decode()  # the choices inline


def test_attempts_are_read_only_with_their_responses(admin_client, mini_course, learner):
    quiz = Quiz.objects.get(slug="mini-final")
    attempt = services.attempt_start(quiz=quiz, user=learner)
    question = quiz.questions.get()
    right = question.choices.get(is_correct=True)
    services.attempt_answer(attempt=attempt, question=question, choice_ids=[right.id])
    url = reverse("admin:quizzes_attempt_change", args=[attempt.id])
    html = admin_client.get(url).content.decode()
    assert "sidecar data plane use?" in html  # the response inline names the question
    # Posting to the change page cannot alter a score.
    admin_client.post(url, {"score": "0", "total": "9"})
    attempt.refresh_from_db()
    assert (attempt.score, attempt.total) == (1, 1)
    assert Attempt.objects.count() == 1


def test_the_quiz_page_cannot_add_a_question_without_choices(admin_client, mini_course):
    quiz = Quiz.objects.get(slug="mini-final")
    url = reverse("admin:quizzes_quiz_change", args=[quiz.id])
    page = admin_client.get(url).content.decode()
    # Existing questions stay editable; the formset takes no new row.
    assert 'name="questions-MAX_NUM_FORMS" value="0"' in page
    assert "add new ones under Quizzes" in page
    existing = quiz.questions.get()
    data = {
        "slug": quiz.slug,
        "title": quiz.title,
        "course": str(quiz.course_id),
        "lesson": "",
        "order": str(quiz.order),
        "pass_percent": str(quiz.pass_percent),
        "draw_per_lesson": "0",
        **management("questions", 2, 1),
        "questions-0-id": str(existing.id),
        "questions-0-quiz": str(quiz.id),
        "questions-0-order": str(existing.order),
        "questions-0-prompt": existing.prompt,
        "questions-0-kind": existing.kind,
        "questions-0-explanation": existing.explanation,
        "questions-1-id": "",
        "questions-1-quiz": str(quiz.id),
        "questions-1-order": "99",
        "questions-1-prompt": "A question with no choices?",
        "questions-1-kind": "single",
        "questions-1-explanation": "None.",
    }
    admin_client.post(url, data)
    assert not Question.objects.filter(prompt="A question with no choices?").exists()
    assert quiz.questions.count() == 1


def test_a_kind_error_on_the_quiz_page_names_the_questions_place_not_its_order_field(
    admin_client, mini_course
):
    quiz = Quiz.objects.get(slug="first-check")
    question = quiz.questions.get()
    Question.objects.filter(pk=question.pk).update(order=0)  # as every new question has
    question.refresh_from_db()
    data = quiz_page_data(quiz, question, kind="single")
    html = admin_client.post(reverse("admin:quizzes_quiz_change", args=[quiz.id]), data)
    html = html.content.decode()
    assert "Question 1 on this page (" in html and "Question 0 " not in html
