"""A request that fails says so: htmx's failed requests get a message beside what the learner
did, with a way to reload, and a form sent with a stale CSRF token gets the site's own page.

Signing in replaces the CSRF token, so a page opened before it holds a stale one: the tests
sign up in a second tab of the same browser, as a learner would. Signing out keeps the token:
a quiz answered after it says the learner is signed out, and how to get back."""

import pytest
from playwright.sync_api import expect

from .conftest import DESKTOP, PASSWORD, PHONE, assert_accessible, screenshot, sign_up

QUIZ = "/quizzes/istio-final-quiz/"
LESSON = "/courses/istio-service-mesh/traffic-management/"
SESSION_CHANGED = "Your session changed (you signed in or out in another tab)"
LOOKS = [("phone", "dark"), ("desktop", "light")]


def sign_up_in_another_tab(page, base: str, username: str) -> None:
    other = page.context.new_page()
    sign_up(other, base, username)
    other.close()


def open_the_first_question(page, base: str) -> None:
    page.goto(base + QUIZ)
    page.click("button:has-text('Start the quiz')")
    page.locator("fieldset.choices input").first.check()


@pytest.mark.parametrize(("width", "scheme"), LOOKS)
def test_a_stale_token_says_to_reload_and_the_reload_mends_it(
    live_server, course, new_page, width, scheme
):
    page = new_page(viewport=PHONE if width == "phone" else DESKTOP, scheme=scheme)
    base = live_server.url
    open_the_first_question(page, base)
    sign_up_in_another_tab(page, base, f"stale-{width}")
    page.click("button:has-text('Check answer')")
    alert = page.locator(".request-error[role=alert]")
    expect(alert).to_contain_text(SESSION_CHANGED)
    expect(alert).to_be_in_viewport()  # beside the button, not somewhere out of sight
    assert page.locator(".feedback-verdict").count() == 0  # nothing pretends it worked
    assert_accessible(page, f"stale-token message ({scheme}, {width})")
    screenshot(page, f"request-error-{scheme}-{width}")
    page.click("button:has-text('Reload the page')")
    page.wait_for_selector("fieldset.choices")  # the attempt moved into the new account
    page.locator("fieldset.choices input").first.check()
    page.click("button:has-text('Check answer')")
    page.wait_for_selector(".feedback-verdict")


@pytest.mark.parametrize(("width", "scheme"), LOOKS)
def test_signed_out_in_another_tab_the_quiz_says_so_and_the_login_returns_to_it(
    live_server, course, new_page, width, scheme
):
    page = new_page(viewport=PHONE if width == "phone" else DESKTOP, scheme=scheme)
    base = live_server.url
    sign_up(page, base, f"leaver-{width}")
    open_the_first_question(page, base)
    other = page.context.new_page()
    other.goto(base + "/me/")
    other.click("button:has-text('Log out')")
    other.wait_for_load_state()
    other.close()
    page.click("button:has-text('Check answer')")
    notice = page.locator("#quiz-panel .quiz-notice[role=alert]")
    expect(notice).to_contain_text("You are signed out")
    expect(notice).to_be_in_viewport()
    assert page.locator(".request-error").count() == 0  # not the generic "error 401"
    # The header follows at once: no name and no "Log out" left from before (issue 26).
    header = page.locator(".site-header")
    expect(header).not_to_contain_text("Log out")
    expect(header).not_to_contain_text(f"leaver-{width}")
    expect(header.get_by_role("link", name="Log in")).to_be_visible()
    assert_accessible(page, f"signed-out notice ({scheme}, {width})")
    screenshot(page, f"quiz-signed-out-{scheme}-{width}")
    page.click("a:has-text('Sign in and return to the quiz')")
    page.fill("#id_username", f"leaver-{width}")
    page.fill("#id_password", PASSWORD)
    page.click("button[type=submit]:has-text('Log in')")
    page.wait_for_url(base + QUIZ)
    expect(page.locator("#quiz-panel")).to_contain_text("Question 1 of 6")  # the same attempt
    page.locator("fieldset.choices input").first.check()
    page.click("button:has-text('Check answer')")
    page.wait_for_selector(".feedback-verdict")


def test_mark_as_read_with_a_stale_token_says_so_beside_the_button(live_server, course, page):
    base = live_server.url
    page.goto(base + LESSON)
    sign_up_in_another_tab(page, base, "reader")
    control = page.locator(".read-control").first
    control.locator("button").click()
    alert = control.locator(".request-error[role=alert]")
    expect(alert).to_contain_text(SESSION_CHANGED)
    expect(alert).to_be_in_viewport()
    assert "0 of" in page.inner_text("#lesson-progress")


def test_server_and_network_failures_get_a_message_too(live_server, course, page):
    open_the_first_question(page, live_server.url)
    alert = page.locator(".request-error[role=alert]")
    page.route("**/answer/", lambda route: route.fulfill(status=500, body="Server Error"))
    page.click("button:has-text('Check answer')")
    expect(alert).to_contain_text("Something went wrong on our side")
    page.unroute("**/answer/")
    page.route("**/answer/", lambda route: route.abort())
    page.click("button:has-text('Check answer')")
    expect(alert).to_contain_text("could not be reached")
    expect(alert).to_have_count(1)  # one message at a time
    page.unroute("**/answer/")
    page.click("button:has-text('Check answer')")  # trying again takes it away
    page.wait_for_selector(".feedback-verdict")
    expect(alert).to_have_count(0)


@pytest.mark.parametrize(("width", "scheme"), LOOKS)
def test_a_plain_form_with_a_stale_token_gets_the_site_s_page(
    live_server, course, new_page, width, scheme
):
    page = new_page(viewport=PHONE if width == "phone" else DESKTOP, scheme=scheme)
    base = live_server.url
    page.goto(base + LESSON)
    sign_up_in_another_tab(page, base, f"plain-{width}")
    # form.submit() skips htmx: the POST a browser without JavaScript sends.
    page.evaluate("document.querySelector('.read-control form').submit()")
    page.wait_for_selector("h1:has-text('Your session changed')")
    assert page.locator("header.site-header").is_visible()
    assert_accessible(page, f"CSRF failure page ({scheme}, {width})")
    screenshot(page, f"csrf-failure-{scheme}-{width}")
    page.click("a:has-text('Back to the page')")
    page.wait_for_url(base + LESSON)
    page.locator(".read-control button").first.click()  # with the token of the new session
    expect(page.locator("#lesson-progress")).to_contain_text("1 of")


def sign_out_in_another_tab(page, base: str) -> None:
    other = page.context.new_page()
    other.goto(base + "/me/")
    other.click("button:has-text('Log out')")
    other.wait_for_load_state()
    other.close()


@pytest.mark.parametrize(("width", "scheme"), LOOKS)
def test_signed_out_in_another_tab_next_question_says_so_and_back_too(
    live_server, course, new_page, width, scheme
):
    """ "Next question" (an htmx GET) after signing out gets the same panel as "Check answer",
    not a silent jump to the cover; so does Back onto the quiz's address."""
    page = new_page(viewport=PHONE if width == "phone" else DESKTOP, scheme=scheme)
    base = live_server.url
    sign_up(page, base, f"next-{width}")
    open_the_first_question(page, base)
    page.click("button:has-text('Check answer')")
    page.wait_for_selector(".feedback-verdict")
    feedback_url = page.url
    sign_out_in_another_tab(page, base)
    page.click("a:has-text('Next question')")
    notice = page.locator("#quiz-panel .quiz-notice[role=alert]")
    expect(notice).to_contain_text("You are signed out")
    expect(notice).not_to_contain_text("this answer was not saved")  # none was given
    expect(notice).to_be_in_viewport()
    assert page.locator(".request-error").count() == 0  # not the generic "error 401"
    assert page.locator("button:has-text('Start the quiz')").count() == 0  # not the cover
    assert page.url == feedback_url  # the refusal put no address in the history
    login = page.locator("#quiz-panel a:has-text('Sign in and return to the quiz')")
    expect(login).to_have_attribute(
        "href", "/accounts/login/?next=%2Fquizzes%2Fistio-final-quiz%2F"
    )
    assert_accessible(page, f"signed-out notice after Next ({scheme}, {width})")
    screenshot(page, f"quiz-signed-out-next-{scheme}-{width}")

    page.evaluate("document.querySelector('#quiz-panel').dataset.before = 'back'")
    page.go_back()  # to where question 1 was asked: htmx asks for the whole page
    page.wait_for_url(base + QUIZ)
    page.wait_for_selector("#quiz-panel:not([data-before])")  # drawn anew, not left as it was
    expect(notice).to_contain_text("You are signed out")
    assert page.locator("header.site-header").is_visible()  # the whole page, not a bare part
    assert page.locator("button:has-text('Start the quiz')").count() == 0
    screenshot(page, f"quiz-signed-out-back-{scheme}-{width}")

    login.click()
    page.fill("#id_username", f"next-{width}")
    page.fill("#id_password", PASSWORD)
    page.click("button[type=submit]:has-text('Log in')")
    page.wait_for_url(base + QUIZ)
    expect(page.locator("#quiz-panel")).to_contain_text("Question 2 of 6")  # the same attempt
