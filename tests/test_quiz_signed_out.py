"""Signed out mid-quiz (in another tab, or the session expired): every htmx request the quiz
page makes ("Check answer", "Next question", Back to a quiz address) gets the same 401 panel with
the way back in through the login page, never a silent jump to the cover. A plain request to an
attempt's page is a 404 that offers the login page back to that address. Neither says whether
an attempt exists or whose it is."""

import pytest
from django.test import Client
from django.urls import reverse

from lessons.models import Lesson
from quizzes import services
from quizzes.models import Attempt, Response

from . import test_quiz_attempts
from .test_quiz_attempts import (
    HX,
    RESTORE,
    SIGNED_OUT,
    answer,
    html_of,
    login_link_back_to,
    questions_of,
    right,
    start,
    without_tokens,
)

pytestmark = pytest.mark.django_db

NOT_SAVED = "so this answer was not saved"
quiz = test_quiz_attempts.quiz  # the fixture: three questions, on the lesson 'first'


@pytest.fixture
def signed_out(client, learner, quiz):
    """A learner who answered question 1 with htmx, then was signed out: (client, attempt)."""
    client.force_login(learner)
    attempt = start(client, quiz)
    q1 = questions_of(quiz)[0]
    assert answer(client, quiz, attempt, q1, right(q1), **HX).status_code == 200
    client.logout()
    return client, attempt


def attempt_urls(quiz, attempt) -> dict[str, str]:
    q1 = questions_of(quiz)[0]
    return {
        "feedback": reverse("quiz-feedback", args=[quiz.slug, attempt.id, q1.id]),
        "result": reverse("quiz-result", args=[quiz.slug, attempt.id]),
    }


def ask_for(signed_out, quiz, page_name: str, headers: dict):
    """The signed-out learner's request for one of their attempt's pages: (client, url, reply)."""
    client, attempt = signed_out
    url = attempt_urls(quiz, attempt)[page_name]
    return client, url, client.get(url, **headers)


def assert_signed_out_panel(response, quiz, *, whole_page: bool) -> str:
    assert response.status_code == 401
    page = html_of(response)
    assert SIGNED_OUT in page and "sign in again to keep answering" in page.lower()
    assert login_link_back_to(quiz) in page
    # The whole page draws a visitor's header; a part redraws it out of band, as a visitor's
    # (it said the learner's name and "Log out" until a reload), its "Log in" back to the quiz.
    header = page[page.index('<header class="site-header"') :]
    header = header[: header.index("</header>")]
    assert ('hx-swap-oob="outerHTML:.site-header"' in header) is not whole_page
    assert "Log out" not in header and "Log in" in header
    if not whole_page:
        assert f"?next={quiz.get_absolute_url()}" in header
    assert response["HX-Push-Url"] == "false"  # the address bar stays where the learner was
    assert "HX-Redirect" not in response
    return page


# --- "Next question" and Back on the quiz's own address -------------------------------------------


def test_next_question_after_signing_out_says_so_instead_of_jumping_to_the_cover(
    signed_out, learner, quiz, django_assert_max_num_queries
):
    client, attempt = signed_out
    with django_assert_max_num_queries(3):  # the session, the quiz: no attempt is looked for
        response = client.get(quiz.get_absolute_url(), **HX)
    page = assert_signed_out_panel(response, quiz, whole_page=False)
    assert NOT_SAVED not in page  # nothing was answered
    assert "Start the quiz" not in page and "Question 2" not in page
    # Signed in again (the link's `next`), the same attempt goes on at question 2.
    client.force_login(learner)
    again = html_of(client.get(quiz.get_absolute_url(), **HX))
    assert "Question 2 of 3" in again and Attempt.objects.get().id == attempt.id


def test_back_to_the_quiz_after_signing_out_gets_the_whole_page_with_the_panel(signed_out, quiz):
    client, _ = signed_out
    response = client.get(quiz.get_absolute_url(), **RESTORE)
    page = assert_signed_out_panel(response, quiz, whole_page=True)
    assert 'id="quiz-panel"' in page and "Start the quiz" not in page
    assert "HX-Request" in response["Vary"]


def test_a_plain_visit_of_the_quiz_after_signing_out_is_the_cover_with_its_login_link(
    signed_out, quiz
):
    """Without htmx nothing tells a signed-out learner from a new visitor: the cover, whose
    "log in" returns to the quiz, where the attempt goes on."""
    client, _ = signed_out
    response = client.get(quiz.get_absolute_url())
    assert response.status_code == 200
    page = html_of(response)
    assert "Start the quiz" in page and SIGNED_OUT not in page
    assert f'href="{reverse("login")}?next={quiz.get_absolute_url()}"' in page


def test_a_visitor_whose_attempt_was_finished_elsewhere_still_goes_to_the_cover(client, quiz):
    """Not signed out: a visitor with attempts of their own is sent to the cover as before."""
    attempt = start(client, quiz)
    for question in questions_of(quiz):
        answer(client, quiz, attempt, question, right(question))
    response = client.get(quiz.get_absolute_url(), **HX)
    assert response.status_code == 200 and response["HX-Redirect"] == quiz.get_absolute_url()


# --- an attempt's pages: feedback and result ------------------------------------------------------


@pytest.mark.parametrize("page_name", ["feedback", "result"])
@pytest.mark.parametrize("headers", [HX, RESTORE], ids=["htmx", "history-restore"])
def test_htmx_on_an_attempt_page_after_signing_out_gets_the_panel(
    signed_out, quiz, page_name, headers
):
    _, _, response = ask_for(signed_out, quiz, page_name, headers)
    assert_signed_out_panel(response, quiz, whole_page=headers is RESTORE)
    assert "EXPLAIN-ONE" not in html_of(response)  # nothing of the attempt is shown


@pytest.mark.parametrize("page_name", ["feedback", "result"])
def test_a_plain_request_for_an_attempt_page_after_signing_out_offers_the_login_back_there(
    signed_out, learner, quiz, page_name
):
    client, url, response = ask_for(signed_out, quiz, page_name, {})
    assert response.status_code == 404
    page = html_of(response)
    assert "EXPLAIN-ONE" not in page
    login = f"{reverse('login')}?next={url.replace('/', '%2F')}"
    assert f'href="{login}"' in page and "You may have been signed out" in page
    # Through the login page (its `next`), the address is the learner's again.
    client.force_login(learner)
    if page_name == "feedback":
        assert "EXPLAIN-ONE" in html_of(client.get(url))
    else:  # not finished yet: the result page sends them on with the quiz
        assert client.get(url)["Location"] == quiz.get_absolute_url()


@pytest.mark.parametrize("page_name", ["feedback", "result"])
@pytest.mark.parametrize("headers", [{}, HX, RESTORE], ids=["plain", "htmx", "history-restore"])
def test_attempt_pages_tell_a_visitor_nothing_of_whose_attempt_it_is(
    learner, quiz, page_name, headers
):
    """A learner's attempt, a visitor's, and one that never existed read alike, to a visitor
    with no session and to one with attempts of their own."""
    learners = services.attempt_start(quiz=quiz, user=learner)
    visitors = start(Client(), quiz)
    missing = Attempt(id=Attempt.objects.order_by("-id").first().id + 100)
    replies = set()
    for attempt in (learners, visitors, missing):
        for session in ("none", "another visitor's"):
            stranger = Client()
            if session != "none":
                start(stranger, quiz)
            url = attempt_urls(quiz, attempt)[page_name]
            response = stranger.get(url, **headers)
            # A whole page's login links name the address asked for: compare without it.
            text = without_tokens(html_of(response))
            text = text.replace(url.replace("/", "%2F"), "URL").replace(url, "URL")
            replies.add((response.status_code, text))
    assert len(replies) == 1
    (status, text), *_ = replies
    assert status == (404 if not headers else 401)
    assert "You may have been signed out" in text or SIGNED_OUT in text


@pytest.mark.parametrize("headers", [HX, RESTORE], ids=["htmx", "history-restore"])
def test_a_signed_in_learner_on_someone_else_s_attempt_page_still_gets_a_404(
    client, learner, other_learner, quiz, headers
):
    theirs = services.attempt_start(quiz=quiz, user=other_learner)
    client.force_login(learner)
    for url in attempt_urls(quiz, theirs).values():
        response = client.get(url, **headers)
        assert response.status_code == 404 and SIGNED_OUT not in html_of(response)
        assert "You may have been signed out" not in html_of(response)


@pytest.mark.parametrize("headers", [{}, HX, RESTORE], ids=["plain", "htmx", "history-restore"])
def test_signed_out_at_a_draft_quiz_is_still_a_404_everywhere(signed_out, quiz, headers):
    client, attempt = signed_out
    Lesson.objects.filter(slug="first").update(published=False)
    for url in [quiz.get_absolute_url(), *attempt_urls(quiz, attempt).values()]:
        response = client.get(url, **headers)
        assert response.status_code == 404, url
        assert SIGNED_OUT not in html_of(response)


def test_the_answer_panel_still_says_the_answer_was_not_saved(signed_out, quiz):
    client, attempt = signed_out
    q2 = questions_of(quiz)[1]
    response = answer(client, quiz, attempt, q2, right(q2), **HX)
    assert NOT_SAVED in assert_signed_out_panel(response, quiz, whole_page=False)
    assert Response.objects.count() == 1  # question 1's, from before signing out


def test_the_result_page_varies_on_htmx(client, learner, quiz):
    """It answers htmx differently now (the panel), so a browser must not mix the two up."""
    client.force_login(learner)
    attempt = start(client, quiz)
    for question in questions_of(quiz):
        answer(client, quiz, attempt, question, right(question))
    response = client.get(reverse("quiz-result", args=[quiz.slug, attempt.id]))
    assert response.status_code == 200
    assert "HX-Request" in response["Vary"] and "HX-History-Restore-Request" in response["Vary"]
