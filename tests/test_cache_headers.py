"""Signed-in pages are `private` for caches; pages of personal data are also `no-store`.

Anonymous public pages keep what they had (nothing), and every page built from the session
still says `Vary: Cookie`.
"""

from __future__ import annotations

import pytest
from django.test import Client
from django.utils.http import urlencode

from calculator.models import SavedScenario
from quizzes.models import Quiz
from quizzes.services import attempt_answer, attempt_start
from teams.services import team_create

pytestmark = pytest.mark.django_db


def directives(response) -> set[str]:
    return {part.strip() for part in response.get("Cache-Control", "").split(",") if part.strip()}


def varies_on_cookie(response) -> bool:
    return "cookie" in {part.strip().lower() for part in response.get("Vary", "").split(",")}


@pytest.fixture
def lead_client(mini_course, learner):
    """The learner leads a team (so /teams/ pages have something to show)."""
    team_create(name="Platform", slug="platform", courses=[mini_course], creator=learner)
    client = Client()
    client.force_login(learner)
    return client


SIGNED_IN_PAGES = [
    "/",
    "/courses/mini-mesh/",
    "/courses/mini-mesh/first/",
    "/calculator/",
    "/lab/",
]
PERSONAL_PAGES = [
    "/me/",
    "/teams/",
    "/teams/platform/",
    "/teams/platform/members/ada/",
    "/teams/platform/courses/",
    "/accounts/password_change/",
]


@pytest.mark.parametrize("path", SIGNED_IN_PAGES)
def test_signed_in_pages_are_private(lead_client, path):
    response = lead_client.get(path)
    assert response.status_code == 200
    assert "private" in directives(response), response.get("Cache-Control")
    assert "public" not in directives(response)
    assert varies_on_cookie(response)


@pytest.mark.parametrize("path", PERSONAL_PAGES)
def test_pages_of_personal_data_are_private_and_never_stored(lead_client, path):
    response = lead_client.get(path)
    assert response.status_code == 200
    assert {"private", "no-store"} <= directives(response), response.get("Cache-Control")
    assert varies_on_cookie(response)


def test_the_calculator_with_a_saved_scenario_is_private(lead_client, learner):
    scenario = SavedScenario.objects.create(user=learner, name="mine", params={"services": "5"})
    response = lead_client.get("/calculator/?" + urlencode(scenario.params))
    assert "mine" in response.content.decode()
    assert "private" in directives(response)


def test_quiz_pages_keep_their_own_no_store(lead_client, learner, mini_course):
    quiz = Quiz.objects.filter(course=mini_course).first()
    cover = lead_client.get(f"/quizzes/{quiz.slug}/")
    attempt = attempt_start(quiz=quiz, user=learner)
    for question in quiz.questions.prefetch_related("choices"):
        chosen = [c.id for c in question.choices.all() if c.is_correct]
        attempt_answer(attempt=attempt, question=question, choice_ids=chosen)
    result = lead_client.get(f"/quizzes/{quiz.slug}/attempts/{attempt.id}/")
    for response in (cover, result):
        assert response.status_code == 200
        assert {"private", "no-store"} <= directives(response)


def test_account_pages_are_not_stored_for_visitors_either(client):
    for path in ("/accounts/signup/", "/accounts/password_reset/", "/accounts/login/"):
        response = client.get(path)
        assert {"private", "no-store"} <= directives(response), path


@pytest.mark.parametrize("path", ["/", "/courses/mini-mesh/", "/courses/mini-mesh/first/"])
def test_anonymous_public_pages_keep_what_they_had(client, mini_course, path):
    response = client.get(path)
    assert response.status_code == 200
    assert "Cache-Control" not in response
