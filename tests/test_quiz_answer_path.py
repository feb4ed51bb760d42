"""The answer POST: a fixed number of queries whatever the quiz's size, the locked attempt only
the owner's, and feedback built in memory that is the same as the feedback read back from the
database."""

import pytest
from django.db import transaction
from django.urls import reverse

from lessons.models import Lesson
from quizzes import services
from quizzes.models import Attempt, Choice, Question, Quiz, Response
from quizzes.question_sets import attempt_answers, attempt_questions, question_with_choices

from .test_quiz_attempts import (
    HX,
    QUESTIONS,
    answer,
    form_values,
    html_of,
    make_quiz,
    questions_of,
    right,
    start,
    without_tokens,
    wrong,
)

pytestmark = pytest.mark.django_db

# Session, user (signed in only), question with its choices, savepoint (BEGIN in production),
# the locked attempt with its quiz, the questions asked with their answers, the writes (the
# response, its choices, the attempt's score), release (COMMIT).
BUDGET = {"learner": 10, "visitor": 9}

MANY = [(kind, f"{p} ({n})", e, [*c, *c]) for n in range(8) for kind, p, e, c in QUESTIONS]


@pytest.fixture
def quiz(mini_course):
    return make_quiz(mini_course, lesson=Lesson.objects.get(slug="first"))


@pytest.fixture
def exam(mini_course, quiz):
    """A course exam drawing one question from each lesson quiz: first-check and `quiz`."""
    return Quiz.objects.create(
        slug="mini-exam", title="Exam", course=mini_course, draw_per_lesson=1
    )


@pytest.mark.parametrize("who", ["learner", "visitor"])
def test_htmx_answer_query_count_is_fixed_whatever_the_quiz_size(
    client, learner, mini_course, who, django_assert_num_queries
):
    if who == "learner":
        client.force_login(learner)
    counts = []
    for slug, questions in (("small-quiz", QUESTIONS), ("large-quiz", MANY)):
        quiz = make_quiz(mini_course, slug, questions=questions)
        attempt = start(client, quiz)
        first = questions_of(quiz)[0]
        with django_assert_num_queries(BUDGET[who]) as captured:
            response = answer(client, quiz, attempt, first, right(first)[:1], **HX)
        assert response.status_code == 200 and "feedback-verdict" in html_of(response)
        assert f"Question 1 of {len(questions)}" in html_of(response)
        counts.append(len(captured.captured_queries))
    assert counts[0] == counts[1]


def test_a_drawn_exam_answer_has_the_same_query_count(
    client, learner, exam, django_assert_num_queries
):
    client.force_login(learner)
    attempt = start(client, exam)
    assert len(attempt.question_ids) == 2
    first = attempt_questions(attempt, with_choices=True)[0]
    with django_assert_num_queries(BUDGET["learner"]):
        response = answer(client, exam, attempt, first, right(first), **HX)
    assert "Question 1 of 2" in html_of(response) and "Score: 1/2" in html_of(response)


# --- the feedback in memory is the feedback in the database ---------------------------------


def test_each_answer_s_feedback_equals_the_feedback_read_back(client, learner, quiz):
    """The POST builds its feedback from what it wrote; the feedback URL reads it back."""
    client.force_login(learner)
    attempt = start(client, quiz)
    for index, question in enumerate(questions_of(quiz)):
        chosen = right(question) if index != 1 else wrong(question)
        posted = html_of(answer(client, quiz, attempt, question, chosen, **HX))
        url = reverse("quiz-feedback", args=[quiz.slug, attempt.id, question.id])
        assert without_tokens(posted) == without_tokens(html_of(client.get(url, **HX)))
    assert "See your result" in posted
    assert reverse("quiz-result", args=[quiz.slug, attempt.id]) in posted
    attempt.refresh_from_db()
    assert (attempt.score, attempt.total) == (2, 3) and attempt.finished_at is not None


def test_a_drawn_exam_s_feedback_equals_the_feedback_read_back(client, learner, exam):
    client.force_login(learner)
    attempt = start(client, exam)
    for number, question in enumerate(attempt_questions(attempt, with_choices=True), start=1):
        posted = html_of(answer(client, exam, attempt, question, wrong(question), **HX))
        assert f"Question {number} of 2" in posted and "Score: 0/2" in posted
        url = reverse("quiz-feedback", args=[exam.slug, attempt.id, question.id])
        assert without_tokens(posted) == without_tokens(html_of(client.get(url, **HX)))
    assert Attempt.objects.get(pk=attempt.pk).finished_at is not None


# --- what the answer reads ---------------------------------------------------------------------


def test_a_question_with_its_choices_is_what_the_orm_reads(quiz):
    for question in questions_of(quiz):
        found, choices = question_with_choices(question.id)
        for field in Question._meta.concrete_fields:
            assert getattr(found, field.attname) == getattr(question, field.attname)
        expected = list(question.choices.all())
        assert [c.id for c in choices] == [c.id for c in expected]  # in the choices' order
        for got, want in zip(choices, expected, strict=True):
            for field in Choice._meta.concrete_fields:
                value = getattr(got, field.attname)
                assert value == getattr(want, field.attname)
                assert type(value) is type(getattr(want, field.attname))  # bool stays bool


def test_a_question_without_choices_or_none_at_all(quiz):
    bare = Question.objects.create(quiz=quiz, prompt="Empty?", explanation="Nothing.")
    assert question_with_choices(bare.id) == (bare, [])
    assert question_with_choices(bare.id + 1000) is None


def test_attempt_answers_list_the_asked_questions_in_order(quiz, learner, exam):
    attempt = services.attempt_start(quiz=quiz, user=learner)
    q1, q2, q3 = questions_of(quiz)
    services.attempt_answer(attempt=attempt, question=q2, choice_ids=wrong(q2))
    assert attempt_answers(attempt) == {q1.id: None, q2.id: False, q3.id: None}
    services.attempt_answer(attempt=attempt, question=q1, choice_ids=right(q1))
    q3.delete()  # a deleted question is no longer asked, answered or not
    assert attempt_answers(attempt) == {q1.id: True, q2.id: False}

    drawn = services.attempt_start(quiz=exam, user=learner)
    first, second = attempt_questions(drawn, with_choices=True)
    services.attempt_answer(attempt=drawn, question=second, choice_ids=right(second))
    assert list(attempt_answers(drawn).items()) == [(first.id, None), (second.id, True)]


# --- the locked attempt: only the owner's, at that published quiz -------------------------------


def test_the_locked_attempt_is_only_the_owners_at_that_published_quiz(quiz, learner, other_learner):
    mine = services.attempt_start(quiz=quiz, user=learner)
    visitors = services.attempt_start(quiz=quiz, anon_id="visitor-token-0123456789")

    def locked(attempt_id, **who):
        with transaction.atomic():
            return services.locked_attempt(attempt_id=attempt_id, slug=quiz.slug, **who)

    found = locked(mine.id, user_id=learner.id)
    assert found == mine and found.quiz == quiz and found.quiz.slug == quiz.slug
    assert locked(visitors.id, anon_id="visitor-token-0123456789") == visitors
    refused = [
        {"attempt_id": mine.id, "user_id": other_learner.id},  # someone else's
        {"attempt_id": visitors.id, "user_id": learner.id},  # a visitor's, from an account
        {"attempt_id": visitors.id, "anon_id": "another-visitor-0123456789"},
        {"attempt_id": mine.id, "anon_id": "visitor-token-0123456789"},
        {"attempt_id": mine.id},  # nobody
    ]
    for who in refused:
        with pytest.raises(Attempt.DoesNotExist):
            locked(**who)
    with pytest.raises(Attempt.DoesNotExist), transaction.atomic():  # under another quiz
        services.locked_attempt(attempt_id=mine.id, slug="mini-final", user_id=learner.id)
    Lesson.objects.filter(slug="first").update(published=False)
    with pytest.raises(Attempt.DoesNotExist):  # its quiz is no longer published
        locked(mine.id, user_id=learner.id)


def test_an_answer_to_an_unpublished_quiz_is_404_and_stores_nothing(client, learner, quiz):
    client.force_login(learner)
    attempt = start(client, quiz)
    q1 = questions_of(quiz)[0]
    Lesson.objects.filter(slug="first").update(published=False)
    assert answer(client, quiz, attempt, q1, right(q1), **HX).status_code == 404
    assert not Response.objects.exists()


# --- ids that are digits to str.isdigit() but not to int() ----------------------------------


@pytest.mark.parametrize("field", ["attempt", "question", "choice"])
@pytest.mark.parametrize("digits", ["²", "١٢", "①"])
@pytest.mark.parametrize("who", ["learner", "visitor"])
def test_non_ascii_digits_in_an_answer_are_refused_not_a_server_error(
    client, learner, quiz, who, field, digits
):
    if who == "learner":
        client.force_login(learner)
    attempt = start(client, quiz)
    q1 = questions_of(quiz)[0]
    values = form_values(attempt, q1, right(q1))
    data = {"attempt": str(attempt.id), "question": str(q1.id), "choice": values}
    data[field] = digits
    response = client.post(reverse("quiz-answer", args=[quiz.slug]), data, **HX)
    assert response.status_code in (200, 404)  # refused with feedback, or no such attempt
    assert not Response.objects.exists()


def test_non_ascii_digits_from_a_visitor_without_an_attempt_are_404(client, quiz):
    response = client.post(reverse("quiz-answer", args=[quiz.slug]), {"attempt": "²"})
    assert response.status_code == 404


def test_the_last_answer_writes_the_quiz_section_mark_in_its_own_transaction(
    client, learner, quiz, django_assert_max_num_queries
):
    from lessons.models import LessonReadCount, Section, SectionProgress

    check = Section.objects.create(
        lesson=quiz.lesson, slug="check", title="Check", kind="quiz", order=99
    )
    client.force_login(learner)
    attempt = start(client, quiz)
    *first, last = questions_of(quiz)
    for question in first:
        answer(client, quiz, attempt, question, right(question), **HX)
    # Four more statements than any answer (the quiz's sections, the marks, the lesson's read
    # count counted and written), and no commit of their own: they run inside the answer's
    # transaction.
    with django_assert_max_num_queries(BUDGET["learner"] + 4) as captured:
        response = answer(client, quiz, attempt, last, right(last), **HX)
    assert response.status_code == 200
    attempt.refresh_from_db()
    mark = SectionProgress.objects.get(user=learner, section=check)
    assert mark.read_at == attempt.finished_at  # stored as the ORM would, read back equal
    sql = [q["sql"].upper() for q in captured.captured_queries]
    mark = next(i for i, s in enumerate(sql) if "LESSONS_SECTIONPROGRESS" in s and "INSERT" in s)
    ends = [i for i, s in enumerate(sql) if s.startswith(("COMMIT", "RELEASE SAVEPOINT"))]
    assert ends and mark < ends[-1]  # written before the answer's transaction ends
    count = next(i for i, s in enumerate(sql) if "LESSONS_LESSONREADCOUNT" in s and "INSERT" in s)
    assert mark < count < ends[-1]
    read = SectionProgress.objects.filter(user=learner, section__lesson=quiz.lesson).count()
    assert LessonReadCount.objects.get(user=learner, lesson=quiz.lesson).read == read
