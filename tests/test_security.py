"""CSRF on every POST, learners kept apart, XSS neutralised, oversized bodies refused.

Endpoints come from the URLconf when the tests run (tests/endpoints.py), so these hold for
pages added later too.
"""

from __future__ import annotations

import json
import re
from itertools import islice, product

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from calculator.models import SavedScenario
from lessons.models import ConfigExample, Section, SectionProgress
from quizzes.models import Attempt, Question, Quiz, Response
from quizzes.services import attempt_answer, attempt_start
from teams.models import Membership, Team
from teams.services import team_create

from .endpoints import discover, known_values, row_counts, some_paths
from .test_quiz_attempts import form_values

pytestmark = pytest.mark.django_db

ENDPOINTS = discover()
# The one CSRF-exempt endpoint: it only checks the posted YAML and stores nothing.
# The lab check is read-only. The unsubscribe URL takes RFC 8058's one-click POST, which a mail
# provider sends without cookies: a signed token in the URL authorises it instead, and a wrong
# token is a 404 that changes nothing (tests/test_reminders.py).
# A practice task's check.json grades the posted config and records nothing (practice/views.py).
CSRF_EXEMPT = {
    "lab/check.json",
    "practice/<slug:slug>/check.json",
    "assignments/unsubscribe/<str:token>/",
}


# --- CSRF ------------------------------------------------------------------------------------


def test_only_the_read_only_lab_check_is_csrf_exempt():
    assert {e.route for e in ENDPOINTS if e.csrf_exempt} == CSRF_EXEMPT


@pytest.mark.parametrize("endpoint", ENDPOINTS, ids=str)
def test_a_post_without_the_csrf_token_is_refused(endpoint, mini_course, learner):
    strict = Client(enforce_csrf_checks=True)
    strict.force_login(learner)
    before = row_counts()
    for path in some_paths(endpoint, limit=3):
        response = strict.post(path, {"name": "x", "config": "kind: Gateway\n"})
        if endpoint.route in CSRF_EXEMPT:
            assert response.status_code in (200, 400, 404)
        else:
            assert response.status_code == 403, path
    assert row_counts() == before  # the exempt one is read-only: nothing stored either


def test_the_admin_login_needs_the_csrf_token_too(admin_user):
    strict = Client(enforce_csrf_checks=True)
    response = strict.post(reverse("admin:login"), {"username": "admin", "password": "password"})
    assert response.status_code == 403


def _site_page(html: str) -> bool:
    """Drawn in the site's own layout: its header, stylesheet and no inline script (the CSP)."""
    scripts = re.findall(r"<script\b([^>]*)>", html)
    inline = re.search(r"<style\b|\sstyle=|\son[a-z]+=", html) or not all(
        "src=" in attrs for attrs in scripts
    )
    return '<header class="site-header">' in html and "css/site.css" in html and not inline


def test_a_stale_csrf_token_gets_a_page_that_says_what_happened(mini_course, learner):
    """After signing in or out in another tab the page's token is stale: say so, send back."""
    strict = Client(enforce_csrf_checks=True)
    strict.force_login(learner)
    lesson = "/courses/mini-mesh/first/"
    read = reverse("mark-read", args=["mini-mesh", "first", "intro"])
    response = strict.post(read, HTTP_REFERER=f"http://testserver{lesson}")
    assert response.status_code == 403
    html = response.content.decode()
    assert _site_page(html)
    assert "signed in or out in another tab" in html and "was not saved" in html
    assert f'href="http://testserver{lesson}"' in html  # back to a fresh copy of that page
    assert not SectionProgress.objects.exists()


def test_the_csrf_page_never_links_back_to_another_site(learner):
    strict = Client(enforce_csrf_checks=True)
    response = strict.post(reverse("login"), HTTP_REFERER="https://evil.example/phish")
    assert response.status_code == 403
    html = response.content.decode()
    assert _site_page(html) and "evil.example" not in html


def test_other_refusals_get_the_site_s_403_page(learner_client):
    response = learner_client.get(reverse("team-new"))  # only instructors create teams
    assert response.status_code == 403
    html = response.content.decode()
    assert _site_page(html) and "Not allowed" in html


# --- one learner's things are theirs ---------------------------------------------------------

PRIVATE_SCENARIO = "ada-private-scenario-7f3"
PRIVATE_TEAM = "Ada private team 7f3"


@pytest.fixture
def adas_things(mini_course, learner):
    """Ada (the learner fixture) has a saved scenario, an answered attempt, a read mark, a team."""
    scenario = SavedScenario.objects.create(
        user=learner, name=PRIVATE_SCENARIO, params={"services": "7"}
    )
    quiz = Quiz.objects.get(slug="first-check")
    attempt = attempt_start(quiz=quiz, user=learner)
    question = quiz.questions.first()
    attempt_answer(attempt=attempt, question=question, choice_ids=[question.choices.first().id])
    SectionProgress.objects.create(
        user=learner, section=Section.objects.get(slug="intro"), read_at=timezone.now()
    )
    team = team_create(name=PRIVATE_TEAM, slug="ada-team", courses=[mini_course], creator=learner)
    return {"scenario": scenario, "attempt": attempt, "question": question, "team": team}


def adas_rows(learner) -> dict:
    return {
        "scenarios": list(SavedScenario.objects.filter(user=learner).values()),
        "attempts": list(Attempt.objects.filter(user=learner).values()),
        "responses": list(Response.objects.filter(attempt__user=learner).values()),
        "progress": list(SectionProgress.objects.filter(user=learner).values()),
        "teams": list(Team.objects.filter(memberships__user=learner).values()),
        "memberships": list(Membership.objects.filter(team__slug="ada-team").values()),
    }


# URL arguments filled with Ada's own objects; a page named by one of these must not open.
PRIVATE_ARGUMENTS = {"attempt_id", "pk", "username"}


def adas_values(name: str, kind: str, things: dict) -> list[str]:
    own = {
        "attempt_id": [str(things["attempt"].id)],
        "question_id": [str(things["question"].id)],
        "pk": [str(things["scenario"].id)],
        "slug": [things["attempt"].quiz.slug, things["team"].slug],
        "username": ["ada"],
    }
    return own.get(name) or known_values(name, kind)


def test_another_learner_can_neither_read_nor_change_anything_of_adas(
    client, learner, other_learner, adas_things
):
    before = adas_rows(learner)
    choice = adas_things["question"].choices.last()
    hijack = {
        "attempt": adas_things["attempt"].id,
        "question": adas_things["question"].id,
        "choice": form_values(adas_things["attempt"], adas_things["question"], choice.id),
        "name": "hijacked",
        "services": "99",
    }
    checked = 0
    for endpoint in ENDPOINTS:
        if endpoint.route.startswith(("accounts/", "teams/join/")):
            continue  # Bob's own account pages; an invite link is a secret Bob would need
        arguments = endpoint.arguments
        options = [adas_values(name, kind, adas_things) for name, kind in arguments]
        paths = [endpoint.path({})] if not arguments else []
        if arguments:
            names = [name for name, _ in arguments]
            for combo in islice(product(*options), 6):
                paths.append(endpoint.path(dict(zip(names, combo, strict=True))))
        for path in paths:
            client.force_login(other_learner)
            page = client.get(path)
            text = page.content.decode("utf-8", "replace")
            assert PRIVATE_SCENARIO not in text and PRIVATE_TEAM not in text, path
            if PRIVATE_ARGUMENTS & {name for name, _ in arguments}:
                assert page.status_code in (302, 303, 403, 404, 405), path
            assert client.post(path, hijack).status_code < 500, path
            checked += 1
    assert checked > 20
    assert adas_rows(learner) == before


def test_bobs_pages_show_bobs_progress_not_adas(client, other_learner, adas_things):
    client.force_login(other_learner)
    me = client.get("/me/").content.decode()
    assert PRIVATE_SCENARIO not in me and PRIVATE_TEAM not in me
    lesson = client.get("/courses/mini-mesh/first/").content.decode()
    assert "0 of 3 sections read" in lesson


# --- XSS -------------------------------------------------------------------------------------

PAYLOADS = [
    "<script>alert('x1')</script>",
    "<img src=x onerror=\"alert('x2')\">",
    "[click](javascript:alert('x3'))",
    "<a href=\"javascript:alert('x4')\">x4</a>",
    "<iframe src=//evil.example></iframe>",
    "<svg onload=\"alert('x5')\"></svg>",
]


def assert_no_live_markup(html: str) -> None:
    assert not re.search(r"<script(?![^>]*\bsrc=)[^>]*>", html), "an inline <script>"
    assert not re.search(r"<[^>]+\son\w+\s*=", html, re.I), "an inline event handler"
    javascript_url = r"<[^>]*\b(href|src|action)\s*=\s*[\"']?\s*javascript:"
    assert not re.search(javascript_url, html, re.I), "a javascript: URL"
    assert "<iframe" not in html.lower()


def test_author_markdown_cannot_put_script_on_a_lesson_page(client, mini_course):
    section = Section.objects.get(slug="intro")
    section.title = "<script>alert('title')</script>"
    section.body_markdown = "\n\n".join(PAYLOADS)
    section.sources = [{"title": "<b>x</b>", "url": "javascript:alert('src')"}]
    section.save()
    example = ConfigExample.objects.get(slug="all-v1")
    example.explanation = "\n\n".join(PAYLOADS)
    example.title = '"><script>alert(1)</script>'
    example.save()
    html = client.get("/courses/mini-mesh/first/").content.decode()
    assert "&lt;script&gt;alert(&#x27;title&#x27;)&lt;/script&gt;" in html  # shown, not run
    assert_no_live_markup(html)


def test_author_markdown_cannot_put_script_on_a_quiz_question(learner_client, mini_course):
    question = Question.objects.get(quiz__slug="first-check")
    question.prompt = "\n\n".join(PAYLOADS)
    question.save()
    learner_client.post(reverse("quiz-start", args=["first-check"]))
    html = learner_client.get(reverse("quiz", args=["first-check"])).content.decode()
    assert "click" in html  # the prompt is there, its payloads are not live
    assert_no_live_markup(html)


def test_lab_input_is_shown_as_text(client, mini_course):
    config = "apiVersion: networking.istio.io/v1\nkind: VirtualService\n" + "\n".join(
        f"{payload}: {payload}" for payload in PAYLOADS
    )
    response = client.post("/lab/", {"config": config, "host": "<script>x</script>"})
    assert response.status_code in (200, 400)
    assert_no_live_markup(response.content.decode())
    check = client.post(
        "/lab/check.json", json.dumps({"config": config}), content_type="application/json"
    )
    assert check["Content-Type"].startswith("application/json")
    assert check["X-Content-Type-Options"] == "nosniff"


# --- oversized bodies ------------------------------------------------------------------------

# Endpoints whose handler reads the posted form (JSON: lab-check-json); those must answer an
# oversized body with 400/413. (team-new refuses a plain learner with 403 before reading.)
BODY_READERS = {
    "signup",
    "login",
    "password_reset",
    "lab",
    "lab-check-json",
    "quiz-answer",
    "calculator-scenario-save",
}
TOO_BIG = "x" * (settings.DATA_UPLOAD_MAX_MEMORY_SIZE + 1024)
TOO_MANY = {f"f{i}": "1" for i in range(settings.DATA_UPLOAD_MAX_NUMBER_FIELDS + 5)}
REFUSED = (400, 413)


def test_the_upload_limit_is_set():
    assert 64 * 1024 <= settings.DATA_UPLOAD_MAX_MEMORY_SIZE <= 2 * 1024 * 1024


@pytest.mark.parametrize("endpoint", ENDPOINTS, ids=str)
def test_an_oversized_body_is_refused_not_a_500(endpoint, mini_course, learner):
    client = Client()
    client.force_login(learner)
    statuses = []
    for path in some_paths(endpoint, limit=6):
        before = row_counts()
        form = client.post(path, {"config": TOO_BIG, "name": TOO_BIG, "username": TOO_BIG})
        many = client.post(path, TOO_MANY)
        raw = client.post(path, TOO_BIG, content_type="application/json")
        for response in (form, many, raw):
            assert response.status_code < 500, path
        if form.status_code in REFUSED and many.status_code in REFUSED:
            assert row_counts() == before, path
        statuses.append((form.status_code, many.status_code, raw.status_code))
    if endpoint.name in BODY_READERS:
        # At least one of its URLs reaches the handler, which must refuse the body.
        assert any(f in REFUSED and m in REFUSED for f, m, _ in statuses), statuses
    if endpoint.name == "lab-check-json":
        assert all(r in REFUSED for _, _, r in statuses), statuses


# A file part is not a form field: DATA_UPLOAD_MAX_MEMORY_SIZE does not bound it, and Django
# spooled any size to disk for any POST endpoint. shared/body_limit.py refuses such bodies
# before anything parses them; only the admin takes a file (one course of up to 16 MB).


@pytest.fixture
def no_spooling(monkeypatch):
    from django.core.files import uploadhandler

    spooled = []
    real = uploadhandler.TemporaryFileUploadHandler.new_file

    def record(self, *args, **kwargs):
        spooled.append(args)
        return real(self, *args, **kwargs)

    monkeypatch.setattr(uploadhandler.TemporaryFileUploadHandler, "new_file", record)
    return spooled


@pytest.mark.parametrize(
    "path", ["/lab/", "/lab/check.json", "/accounts/login/", "/accounts/signup/", "/me/"]
)
@pytest.mark.parametrize("signed_in", [False, True], ids=["anonymous", "learner"])
def test_a_big_file_part_is_refused_before_it_is_read(path, signed_in, learner, no_spooling):
    from django.core.files.uploadedfile import SimpleUploadedFile

    client = Client()
    if signed_in:
        client.force_login(learner)
    before = row_counts()
    big = SimpleUploadedFile("junk.bin", b"\0" * (settings.MESHLEARN_MAX_BODY_BYTES + 1))
    response = client.post(path, {"config": "a: 1", "junk": big})
    assert response.status_code == 413
    if path.endswith(".json"):
        assert "larger than" in response.json()["error"]
    else:
        assert "Too much to send at once" in response.content.decode()
    assert no_spooling == [] and row_counts() == before


def test_a_declared_length_beyond_the_limit_is_refused_without_reading(client):
    response = client.generic("POST", "/accounts/login/", b"username=a", CONTENT_LENGTH=str(10**12))
    assert response.status_code == 413


def test_bodies_within_the_limits_still_reach_their_forms(client, learner):
    client.force_login(learner)
    config = "apiVersion: networking.istio.io/v1\n" + "#" * (200 * 1024)  # a big lab config
    assert client.post("/lab/", {"config": config}).status_code == 200
    assert settings.MESHLEARN_MAX_BODY_BYTES > settings.DATA_UPLOAD_MAX_MEMORY_SIZE


def test_the_admin_takes_a_course_file_up_to_its_limit_and_no_more(admin_user, no_spooling):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from course_format.yamlfile import MAX_FILE_BYTES

    client = Client()
    client.force_login(admin_user)
    url = reverse("admin:lessons_course_import")
    fits = SimpleUploadedFile("course.yaml", b"#" * (MAX_FILE_BYTES + 1))  # the form explains
    response = client.post(url, {"file": fits})
    assert response.status_code == 200 and "Nothing was imported." in response.content.decode()
    huge = SimpleUploadedFile("course.yaml", b"#" * settings.MESHLEARN_MAX_ADMIN_BODY_BYTES)
    assert client.post(url, {"file": huge}).status_code == 413


def test_the_body_readers_all_exist():
    names = {endpoint.name for endpoint in ENDPOINTS}
    assert names >= BODY_READERS, BODY_READERS - names


# --- NUL and other bytes a database refuses -----------------------------------------------------

ODD_VALUES = ["a%00b", "%00", "a%C3%A9", "%F0%9F%98%80", "a%20b", "-1", "9" * 30]


@pytest.mark.parametrize(
    "endpoint", [e for e in ENDPOINTS if e.arguments and not e.route.startswith("static")], ids=str
)
def test_odd_bytes_in_any_url_argument_are_not_a_server_error(
    endpoint, mini_course, admin_user, instructor_team
):
    # PostgreSQL refuses NUL in a query: a NUL reaching a lookup was a 500 (`/teams/join/a%00b/`).
    # Every argument of every route gets each value in turn, signed in as a superuser (who
    # may open the most) and as nobody.
    signed_in = Client(raise_request_exception=False)
    signed_in.force_login(admin_user)
    anonymous = Client(raise_request_exception=False)
    names = [name for name, _kind in endpoint.arguments]
    combos = [
        dict(zip(names, combo, strict=True))
        for combo in islice(product(*(known_values(n, k) for n, k in endpoint.arguments)), 400)
    ]
    # Start from arguments that open the page, so each odd value reaches the lookup it feeds.
    opening = (c for c in combos if signed_in.get(endpoint.path(c)).status_code == 200)
    real = next(opening, combos[0])
    for name in names:
        for value in ODD_VALUES:
            path = endpoint.path({**real, name: value})
            for client in (signed_in, anonymous):
                assert client.get(path).status_code < 500, path


@pytest.fixture
def instructor_team(mini_course, learner, django_user_model):
    lead = django_user_model.objects.create_user("lead", password="x-long-enough-pass-1")
    team = team_create(name="Platform", slug="platform", courses=[mini_course], creator=lead)
    Membership.objects.create(team=team, user=learner)
    return team


@pytest.mark.parametrize(
    "cookie", ['"abcdefgh\\000ij"', "abcdefghij%00", '"\\303\\234nic\\303\\266de-key"', "a" * 40]
)
def test_a_forged_session_cookie_is_a_fresh_visitor_not_a_server_error(cookie):
    # A quoted cookie value may carry octal escapes, which Django's parser turns into bytes:
    # "\000" becomes a NUL in the session key.
    header = f"{settings.SESSION_COOKIE_NAME}={cookie}"
    client = Client(raise_request_exception=False, HTTP_COOKIE=header)
    for path in ("/", reverse("me"), "/courses/"):
        response = client.get(path)
        assert response.status_code < 500, (cookie, path)
        # and the browser is told to forget it, as for any session that is not there
        assert response.cookies[settings.SESSION_COOKIE_NAME]["max-age"] == 0, (cookie, path)
