"""The answered question's review is drawn in pieces kept in the process (quizzes/answer_review.py):
a second learner with the same answer gets the same pieces without a new drawing, whatever order
their attempt shows the choices in; a different answer draws only the pieces it changes; and an
instructor's edit is shown at once."""

import re

import pytest
from django.urls import reverse

from lessons.models import Lesson
from quizzes import answer_review

from .test_quiz_attempts import HX, answer, html_of, make_quiz, questions_of, right, start, wrong

pytestmark = pytest.mark.django_db


@pytest.fixture
def quiz(mini_course):
    return make_quiz(mini_course, lesson=Lesson.objects.get(slug="first"))


@pytest.fixture
def drawings(monkeypatch):
    """Counts the reviews really drawn (not taken from the process's memo)."""
    drawn = []
    real = answer_review.render_to_string

    def counting(name, context, *args, **kwargs):
        drawn.append(name)
        return real(name, context, *args, **kwargs)

    monkeypatch.setattr(answer_review, "render_to_string", counting)
    return drawn


def first_answer(client, user, quiz, chosen):
    client.force_login(user)
    attempt = start(client, quiz)
    question = questions_of(quiz)[0]
    return html_of(answer(client, quiz, attempt, question, chosen(question), **HX))


HEAD, ROW, TAIL = (
    "quizzes/take.html#review-head",
    "quizzes/_choice_review.html#row",
    "quizzes/take.html#review-tail",
)


def marked_choices(html: str) -> list[str]:
    """The review's choices as drawn, in the order the page lists them."""
    return re.findall(r'<li class="choice-row.*?</li>', review_part(html), re.S)


def review_part(html: str) -> str:
    start_at = html.index('<h2 id="feedback-verdict"')
    return html[start_at : html.index('<p class="quiz-next">')]


def test_the_same_answer_by_two_learners_is_drawn_once(
    client, learner, other_learner, quiz, drawings
):
    first = first_answer(client, learner, quiz, right)
    assert drawings == [HEAD, ROW, ROW, ROW, TAIL]
    second = first_answer(client, other_learner, quiz, right)
    assert len(drawings) == 5  # nothing drawn anew, though the attempts' orders may differ
    assert sorted(marked_choices(first)) == sorted(marked_choices(second))
    assert review_part(first).split("<ul")[0] == review_part(second).split("<ul")[0]
    assert "Your answer" in review_part(second) and "Correct" in review_part(second)


def test_a_different_answer_gets_its_own_review(client, learner, other_learner, quiz, drawings):
    right_html = review_part(first_answer(client, learner, quiz, right))
    del drawings[:]
    wrong_html = review_part(first_answer(client, other_learner, quiz, wrong))
    # The verdict, the right choice (not chosen now) and the wrong one chosen; the third choice
    # and the explanation are as they were.
    assert drawings == [HEAD, ROW, ROW]
    assert "Not quite" in wrong_html and "Not quite" not in right_html
    # The wrong choice's "why" is part of the review.
    question = questions_of(quiz)[0]
    why = next(c.why for c in question.choices.all() if not c.is_correct and c.why)
    assert why.split("`")[0][:30] in wrong_html


def test_an_edited_question_is_shown_at_once(client, learner, other_learner, quiz, drawings):
    first_answer(client, learner, quiz, right)
    question = questions_of(quiz)[0]
    question.explanation = "Rewritten by the instructor: the sidecar is Envoy."
    question.save()
    choice = question.choices.get(is_correct=True)
    choice.text = "Envoy, rewritten"
    choice.save()
    del drawings[:]
    html = review_part(first_answer(client, other_learner, quiz, right))
    assert drawings == [ROW, TAIL]  # the edited choice and the explanation
    assert "Rewritten by the instructor" in html and "Envoy, rewritten" in html


def test_the_page_without_htmx_shows_the_same_review(client, learner, quiz):
    client.force_login(learner)
    attempt = start(client, quiz)
    question = questions_of(quiz)[0]
    posted = html_of(answer(client, quiz, attempt, question, wrong(question), **HX))
    url = reverse("quiz-feedback", args=[quiz.slug, attempt.id, question.id])
    page = html_of(client.get(url))
    assert "<html" in page and "<html" not in posted
    # Only the autofocus differs: the full page has no swap to move focus after.
    assert review_part(page) == review_part(posted).replace(" autofocus", "")


def test_the_memo_keeps_a_bounded_number_of_reviews(client, learner, quiz, monkeypatch):
    monkeypatch.setattr(answer_review, "RECENT_REVIEWS", 2)
    client.force_login(learner)
    attempt = start(client, quiz)
    for question in questions_of(quiz):
        answer(client, quiz, attempt, question, right(question), **HX)
    assert len(answer_review._recent) == 2
