"""A full timed practice exam in a real browser, on a phone (390 px) and a desktop (1280 px),
with and without JavaScript: the clock shown (a countdown with JavaScript, the deadline time
without), every question format answered, nothing marked until the end, the result by domain
and its review; on the phone without JavaScript the clock runs out mid-exam. Then /me/'s
readiness and the team's domain grid. Exam shortened to the 5 questions of a pinned pool."""

import pytest
from django.contrib.auth import get_user_model
from django.utils import timezone

from coursefiles.loading import load_course_file
from quizzes.models import Attempt, Question, Quiz
from teams.services import membership_join, team_create

from ..test_bank_format import BANK_COURSE
from .conftest import DESKTOP, PASSWORD, PHONE, assert_accessible, log_in, screenshot

EXAM = "/quizzes/bank-practice-exam/"
# One question of each format, in every domain: the pool the shortened exam draws whole.
POOL = ["traffic-line-subset", "traffic-yaml-timeout", "ts-nr-flag", "inst-injection-multi"]
POOL += ["sec-default-mode"]


@pytest.fixture
def bank_exam(transactional_db):
    course = load_course_file(BANK_COURSE).course
    Question.objects.exclude(key__in=POOL).update(domain="")
    Quiz.objects.filter(slug="bank-practice-exam").update(exam_questions=len(POOL))
    return course


def answer_shown_question(page) -> None:
    """Pick the first line, choice or checkbox of whatever question is shown, and answer."""
    page.locator("input[name=choice]").first.check()
    page.locator("button[type=submit]:has-text('Answer and')").click()
    page.wait_for_load_state()


@pytest.mark.parametrize(
    ("viewport", "javascript", "scheme"),
    [
        (PHONE, True, "dark"),
        (PHONE, False, "light"),
        (DESKTOP, True, "light"),
        (DESKTOP, False, "dark"),
    ],
    ids=["phone-js", "phone-no-js", "desktop-js", "desktop-no-js"],
)
def test_a_timed_practice_exam(live_server, bank_exam, new_page, viewport, javascript, scheme):
    name = f"{'phone' if viewport == PHONE else 'desktop'}-{'js' if javascript else 'no-js'}"
    user = get_user_model().objects.create_user(f"taker-{name}", password=PASSWORD)
    page = new_page(viewport=viewport, javascript=javascript, scheme=scheme)
    base = live_server.url
    log_in(page, base, user.username)
    page.goto(base + EXAM)
    assert "5 questions in 30 minutes" in page.inner_text("main")
    page.click("button:has-text('Start the exam')")
    assert "Question 1 of 5" in page.inner_text("main") and "Ends at" in page.inner_text("main")
    if javascript:
        page.wait_for_selector(".exam-countdown:not([hidden])")
        assert "left" in page.inner_text(".exam-countdown")
    else:
        assert not page.locator(".exam-countdown").is_visible()
    seen_formats = set()
    for number in range(1, 6):
        assert f"Question {number} of 5" in page.inner_text("main")
        body = page.content()
        assert "Right answer" not in body and "explanation-title" not in body
        if page.locator(".config-pick").count():
            seen_formats.add("line")
            assert page.locator(".config-pick input[type=radio]").count() == 9
            screenshot(page, f"exam-line-{name}-{scheme}")
        if page.locator(".choice-yaml").count():
            seen_formats.add("yaml")
        if page.locator(".question-output").count():
            seen_formats.add("output")
            screenshot(page, f"exam-output-{name}-{scheme}")
        if number == 1 and javascript:
            assert_accessible(page, f"exam question ({name})")
        if number == 3 and name == "phone-no-js":  # the clock runs out while this one is open
            Attempt.objects.filter(user=user).update(deadline=timezone.now())
        answer_shown_question(page)
        if "Your result" in page.title():
            break
    main = page.inner_text("main")
    assert "By domain" in main and "Review" in main
    if name == "phone-no-js":
        assert "Time is up" in main and main.count("Not answered") == 3
    else:
        assert seen_formats == {"line", "yaml", "output"}
        assert "Not answered" not in main
    screenshot(page, f"exam-result-{name}-{scheme}")
    if javascript:
        assert_accessible(page, f"exam result ({name})")
    page.goto(base + "/me/")
    assert "Readiness for the Istio Certified Associate exam" in page.inner_text("main")
    page.locator("#readiness-title").scroll_into_view_if_needed()
    screenshot(page, f"me-readiness-{name}-{scheme}")
    if name == "desktop-js":
        lead = get_user_model().objects.create_superuser("lead", "lead@example.com", PASSWORD)
        team = team_create(name="Exam team", slug="exam-team", courses=[bank_exam], creator=lead)
        membership_join(team=team, user=user)
        log_in(page, base, "lead")
        page.goto(f"{base}/teams/exam-team/domains/")
        assert "Members × domains" in page.inner_text("main")
        assert_accessible(page, "team domain grid")
        screenshot(page, f"team-domains-{name}-{scheme}")
