"""The answered question's review in the feedback: the verdict, the prompt, every choice marked
in the attempt's order and the explanation; the same for two learners with the same answer, its
own for a different answer, an instructor's edit shown at once, and the same with htmx or not."""

import re

import pytest
from django.urls import reverse

from lessons.models import Lesson

from .test_quiz_attempts import HX, answer, html_of, make_quiz, questions_of, right, start, wrong

pytestmark = pytest.mark.django_db


@pytest.fixture
def quiz(mini_course):
    return make_quiz(mini_course, lesson=Lesson.objects.get(slug="first"))


def first_answer(client, user, quiz, chosen):
    client.force_login(user)
    attempt = start(client, quiz)
    question = questions_of(quiz)[0]
    return html_of(answer(client, quiz, attempt, question, chosen(question), **HX))


def marked_choices(html: str) -> list[str]:
    """The review's choices as drawn, in the order the page lists them."""
    return re.findall(r'<li class="choice-row.*?</li>', review_part(html), re.S)


def review_part(html: str) -> str:
    start_at = html.index('<h2 id="feedback-verdict"')
    return html[start_at : html.index('<p class="quiz-next">')]


def test_the_same_answer_by_two_learners_gets_the_same_review(client, learner, other_learner, quiz):
    first = first_answer(client, learner, quiz, right)
    second = first_answer(client, other_learner, quiz, right)
    assert len(marked_choices(first)) == 3  # the attempts' orders may differ
    assert sorted(marked_choices(first)) == sorted(marked_choices(second))
    assert review_part(first).split("<ul")[0] == review_part(second).split("<ul")[0]
    assert "Your answer" in review_part(second) and "Correct" in review_part(second)


def test_a_different_answer_gets_its_own_review(client, learner, other_learner, quiz):
    right_page = first_answer(client, learner, quiz, right)
    wrong_page = first_answer(client, other_learner, quiz, wrong)
    right_html, wrong_html = review_part(right_page), review_part(wrong_page)
    assert wrong_html.count("Your answer") == right_html.count("Your answer") == 1
    assert sorted(marked_choices(right_page)) != sorted(marked_choices(wrong_page))
    assert "Not quite" in wrong_html and "Not quite" not in right_html
    # The wrong choice's "why" is part of the review.
    question = questions_of(quiz)[0]
    why = next(c.why for c in question.choices.all() if not c.is_correct and c.why)
    assert why.split("`")[0][:30] in wrong_html


def test_an_edited_question_is_shown_at_once(client, learner, other_learner, quiz):
    first_answer(client, learner, quiz, right)
    question = questions_of(quiz)[0]
    question.explanation = "Rewritten by the instructor: the sidecar is Envoy."
    question.save()
    choice = question.choices.get(is_correct=True)
    choice.text = "Envoy, rewritten"
    choice.save()
    html = review_part(first_answer(client, other_learner, quiz, right))
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
