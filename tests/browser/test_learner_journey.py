"""The learner's journey in a real browser, with JavaScript and without it."""

import re

import pytest

from .conftest import PHONE, assert_accessible, log_in, screenshot, sign_up

LESSON = "/courses/istio-service-mesh/traffic-management/"


def read_two_sections(page, base: str, *, javascript: bool) -> None:
    page.goto(base + LESSON)
    total = int(re.search(r"of (\d+) sections read", page.inner_text("#lesson-progress"))[1])
    if javascript:
        page.evaluate("window.__sameDocument = true")  # survives only if no reload happens
    for expected in (1, 2):
        page.locator(".read-control button").first.click()
        if javascript:  # htmx swaps the panel in place
            page.wait_for_function(
                "n => document.querySelector('#lesson-progress').innerText.includes(n + ' of ')",
                arg=expected,
            )
        else:  # a plain POST, then the redirect back to the lesson
            page.wait_for_load_state()
        assert f"{expected} of {total} sections read" in page.inner_text("#lesson-progress")
    progress = page.locator("#lesson-progress progress")
    assert progress.get_attribute("value") == "2"
    if javascript:
        assert page.evaluate("window.__sameDocument") is True
        assert "sections read" in page.inner_text("#progress-live")  # announced to screen readers


@pytest.mark.parametrize("javascript", [True, False], ids=["js", "no-js"])
def test_reading_journey(live_server, course, new_page, javascript):
    page = new_page(javascript=javascript)
    base = live_server.url
    sign_up(page, base, f"reader{int(javascript)}")
    page.goto(base + "/")
    page.click("text=Start the course")
    assert "/courses/istio-service-mesh/what-is-istio/#" in page.url  # its first section
    read_two_sections(page, base, javascript=javascript)
    page.goto(base + "/me/")
    assert "In progress" in page.inner_text("main")
    # Log out and back in: everything is still there.
    page.click("button:has-text('Log out')")
    log_in(page, base, f"reader{int(javascript)}")
    page.goto(base + LESSON)
    assert "2 of" in page.inner_text("#lesson-progress")


def test_visitor_progress_is_kept_at_sign_up(live_server, course, page):
    base = live_server.url
    read_two_sections(page, base, javascript=True)
    sign_up(page, base, "visitor")
    page.goto(base + LESSON)
    assert "2 of" in page.inner_text("#lesson-progress")


@pytest.mark.parametrize("scheme", ["light", "dark"])
@pytest.mark.parametrize("width", ["desktop", "phone"])
def test_main_pages_are_accessible_and_photographed(live_server, course, new_page, scheme, width):
    options = {"scheme": scheme}
    if width == "phone":
        options["viewport"] = PHONE
    page = new_page(**options)
    base = live_server.url
    for name, path in [("home", "/"), ("course", "/courses/istio-service-mesh/"),
                       ("lesson", LESSON), ("signup", "/accounts/signup/")]:  # fmt: skip
        page.goto(base + path)
        assert_accessible(page, f"{path} ({scheme}, {width})")
        screenshot(page, f"{name}-{scheme}-{width}")


def test_keyboard_reaches_and_marks_a_section(live_server, course, page):
    base = live_server.url
    page.goto(base + LESSON)
    button = page.locator(".read-control button").first
    button.focus()
    outline = button.evaluate("el => getComputedStyle(el).outlineStyle")
    assert outline != "none"  # focus is visible
    page.keyboard.press("Enter")
    page.wait_for_function("document.querySelector('#lesson-progress').innerText.includes('1 of')")
