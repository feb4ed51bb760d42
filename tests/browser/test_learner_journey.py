"""The learner's journey in a real browser, as one test, with JavaScript and without it.

Sign up, open the course, read and mark sections, use the calculator, break an example in the
lab, take the final quiz to the end, find it all on /me/, log out and in, and find it again.
"""

import re

import pytest
from playwright.sync_api import expect

from lessons.models import ConfigExample

from .conftest import PHONE, assert_accessible, log_in, screenshot, sign_up

LESSON = "/courses/istio-service-mesh/traffic-management/"
FINAL_QUIZ = "/quizzes/istio-final-quiz/"


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
        if javascript:  # focus stays where the learner was: on the section's new "Read"
            page.wait_for_function("() => document.activeElement.classList.contains('read-done')")
    assert page.locator("#lesson-progress progress").get_attribute("value") == "2"
    if javascript:
        assert page.evaluate("window.__sameDocument") is True
        assert "sections read" in page.inner_text("#progress-live")  # announced


def use_the_calculator(page, base: str, *, javascript: bool) -> None:
    page.goto(base + "/calculator/")
    capacity = page.locator("#output-dataplane_cpu_total .calc-value")
    before = capacity.inner_text()
    page.fill("#id_rps", "5000")
    if javascript:  # outputs follow the input, no button needed
        page.wait_for_function(
            "old => document.querySelector('#output-dataplane_cpu_total .calc-value')"
            ".innerText !== old",
            arg=before,
        )
        assert "rps=5000" in page.url  # the shareable query string follows
    else:
        page.click("button:has-text('Calculate')")
        page.wait_for_load_state()
    assert capacity.inner_text() != before
    page.fill("#id_name", "Our mesh at 5k rps")
    page.click("button:has-text('Save scenario')")
    page.wait_for_load_state()


def break_an_example_in_the_lab(page, base: str, *, javascript: bool) -> None:
    example = ConfigExample.objects.filter(
        section__lesson__slug="traffic-management", broken=False, kind="VirtualService"
    ).first()
    page.goto(base + LESSON)
    page.locator(f"a[href='/lab/?example={example.pk}']").click()
    page.wait_for_url(f"**/lab/?example={example.pk}")
    editor = page.locator("textarea.lab-textarea")
    assert editor.input_value() == example.yaml_text
    lines = example.yaml_text.splitlines()
    spec_line = lines.index("spec:") + 1
    broken = "\n".join([*lines[:spec_line], "  colour: blue", *lines[spec_line:]]) + "\n"
    editor.fill(broken)
    if javascript:
        editor.press("End")
        editor.type(" ")  # a real keyup: the live check listens for it
        page.wait_for_function(
            "document.querySelector('#lab-summary').textContent.includes('1 error')"
        )
    else:
        page.click("button[type=submit]:has-text('Check')")
        page.wait_for_load_state()
        assert "1 error" in page.inner_text("#lab-summary")
    marked = page.locator("#lab-gutter li.mark-error")
    assert marked.count() == 1
    assert marked.inner_text().strip().endswith(str(spec_line + 1))  # the line we added
    assert "colour" in page.inner_text("#lab-results")


def take_the_final_quiz(page, base: str, *, javascript: bool) -> int:
    page.goto(base + FINAL_QUIZ)
    page.click("button:has-text('Start the quiz')")
    page.wait_for_load_state()
    count = int(re.search(r"Question 1 of (\d+)", page.inner_text("main"))[1])
    for number in range(1, count + 1):
        assert f"Question {number} of {count}" in page.inner_text(".quiz-status")
        assert page.locator(".quiz-explanation").count() == 0  # nothing before answering
        page.locator(".choice-list input").first.check()
        page.click("button:has-text('Check answer')")
        page.wait_for_selector(".quiz-feedback")
        feedback = page.inner_text(".quiz-feedback")
        assert ("Correct" in feedback) or ("Not quite" in feedback)
        assert "Why" in feedback
        if javascript:
            assert page.inner_text("#quiz-live").strip()  # the verdict is announced
        next_link = "See your result" if number == count else "Next question"
        page.click(f"a:has-text('{next_link}')")
        page.wait_for_load_state()
        if javascript and number < count:
            page.wait_for_selector(".choice-list")
    result = page.inner_text("main")
    score = int(re.search(r"(\d+)\s*/\s*" + str(count), result)[1])
    assert "Retake" in result
    return score


@pytest.mark.parametrize("javascript", [True, False], ids=["js", "no-js"])
def test_learner_journey(live_server, course, new_page, javascript):
    page = new_page(javascript=javascript)
    base = live_server.url
    username = f"learner-{'js' if javascript else 'nojs'}"
    sign_up(page, base, username)
    page.goto(base + "/")
    page.click("text=Start the course")
    # The lesson's top: its title, reading time and contents, not its first section (issue 26).
    assert page.url == f"{base}/courses/istio-service-mesh/what-is-istio/"
    assert page.evaluate("window.scrollY") == 0
    expect(page.locator(".lesson-header .meta")).to_be_in_viewport()

    read_two_sections(page, base, javascript=javascript)
    use_the_calculator(page, base, javascript=javascript)
    break_an_example_in_the_lab(page, base, javascript=javascript)
    score = take_the_final_quiz(page, base, javascript=javascript)

    def dashboard_shows_everything():
        page.goto(base + "/me/")
        me = page.inner_text("main")
        assert "In progress" in me  # the lesson
        assert "Our mesh at 5k rps" in me  # the scenario
        assert "Final quiz: Istio in six questions" in me or "istio-final-quiz" in page.content()
        assert f"{score}/6" in me.replace(" ", "") or f"{score} / 6" in me

    dashboard_shows_everything()
    if javascript:
        screenshot(page, "me-light-desktop")
        assert_accessible(page, "/me/")
    page.click("button:has-text('Log out')")
    log_in(page, base, username)
    dashboard_shows_everything()
    page.goto(base + LESSON)
    assert "2 of" in page.inner_text("#lesson-progress")


def test_visitor_progress_and_quiz_are_kept_at_sign_up(live_server, course, page):
    base = live_server.url
    read_two_sections(page, base, javascript=True)
    score = take_the_final_quiz(page, base, javascript=True)
    sign_up(page, base, "visitor")
    page.goto(base + LESSON)
    assert "2 of" in page.inner_text("#lesson-progress")
    me = page.inner_text("main") if page.goto(base + "/me/") else ""
    assert f"{score}/6" in me.replace(" ", "")


@pytest.mark.parametrize("scheme", ["light", "dark"])
@pytest.mark.parametrize("width", ["desktop", "phone"])
def test_main_pages_are_accessible_and_photographed(live_server, course, new_page, scheme, width):
    options = {"scheme": scheme}
    if width == "phone":
        options["viewport"] = PHONE
    page = new_page(**options)
    base = live_server.url
    pages = [
        ("home", "/"),
        ("course", "/courses/istio-service-mesh/"),
        ("lesson", LESSON),
        ("calculator", "/calculator/"),
        ("quiz", FINAL_QUIZ),
        ("signup", "/accounts/signup/"),
    ]
    for name, path in pages:
        page.goto(base + path)
        assert_accessible(page, f"{path} ({scheme}, {width})")
        screenshot(page, f"{name}-{scheme}-{width}")


def test_quiz_with_the_keyboard_alone(live_server, course, page):
    base = live_server.url
    page.goto(base + FINAL_QUIZ)
    start = page.locator("button:has-text('Start the quiz')")
    start.focus()
    assert start.evaluate("el => getComputedStyle(el).outlineStyle") != "none"  # visible focus
    page.keyboard.press("Enter")
    page.wait_for_selector(".choice-list")
    first = page.locator(".choice-list input").first
    first.focus()
    page.keyboard.press("Space")  # choose
    assert first.is_checked()
    page.keyboard.press("Tab")
    if page.evaluate("document.activeElement.type") == "radio":  # radios share one tab stop
        page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.textContent").strip() == "Check answer"
    page.keyboard.press("Enter")
    page.wait_for_selector(".quiz-feedback")
    assert "Question 1 of 6" in page.inner_text(".quiz-status")


def test_keyboard_reaches_and_marks_a_section(live_server, course, page):
    page.goto(live_server.url + LESSON)
    button = page.locator(".read-control button").first
    button.focus()
    assert button.evaluate("el => getComputedStyle(el).outlineStyle") != "none"
    page.keyboard.press("Enter")
    page.wait_for_function("document.querySelector('#lesson-progress').innerText.includes('1 of')")


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_theme_toggle_overrides_the_system_and_is_remembered(live_server, course, new_page, scheme):
    page = new_page(scheme=scheme)
    page.goto(live_server.url + LESSON)

    def background():
        return page.evaluate("getComputedStyle(document.body).backgroundColor")

    def code_colour():
        return page.evaluate("getComputedStyle(document.querySelector('.code .nt')).color")

    before, key_before = background(), code_colour()
    page.click("[data-theme-toggle]")
    assert background() != before and code_colour() != key_before  # the code follows too
    page.reload()
    assert background() != before  # remembered across pages


def test_calculator_fields_aria_invalid_follows_the_live_update(live_server, page):
    """The live update redraws the error slots beside the fields, never the fields."""
    page.goto(f"{live_server.url}/calculator/?services=0")  # drawn with an error
    services = page.locator("#id_services")
    assert services.get_attribute("aria-invalid") == "true"
    services.fill("30")
    page.wait_for_function("!document.querySelector('#id_services').hasAttribute('aria-invalid')")
    services.fill("-3")
    page.wait_for_function(
        "document.querySelector('#id_services').getAttribute('aria-invalid') === 'true'"
    )
    assert "greater than or equal to 1" in page.inner_text("#id_services-error")
    assert page.locator("#id_rps").get_attribute("aria-invalid") is None
