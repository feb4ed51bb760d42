"""A practice task passed in a real browser: on a phone and on a desktop, with JavaScript (htmx
checks as the learner types) and without (the Check button posts the form), a hint, giving up,
and the list's status; screenshots in light and dark; axe-core on the pages."""

from pathlib import Path

import pytest

from coursefiles.loading import load_course_file
from practice.models import Task

from .conftest import DESKTOP, PHONE, assert_accessible, screenshot

FIXTURE = Path(__file__).resolve().parent.parent / "fixtures" / "practice-course"


@pytest.fixture
def task(transactional_db):
    load_course_file(FIXTURE)
    return Task.objects.get(slug="jason-to-v2")


def fill_editor(page, text: str) -> None:
    editor = page.locator("#practice-config")
    editor.fill(text)


@pytest.mark.parametrize(
    ("viewport", "scheme", "label"),
    [(DESKTOP, "light", "desktop-light"), (PHONE, "dark", "phone-dark")],
)
def test_a_task_passed_with_javascript_as_you_type(
    live_server, new_page, task, viewport, scheme, label
):
    page = new_page(viewport=viewport, scheme=scheme)
    page.goto(f"{live_server.url}/practice/{task.slug}/")
    assert "exact: jason" not in page.content()  # the solution is not in the page
    screenshot(page, f"practice-task-{label}")
    assert_accessible(page, f"practice task ({label})")

    # A hint, through htmx: it appears in place.
    page.click("button:has-text('Show a hint')")
    page.wait_for_selector(".hint-list li")
    assert "compares a request header" in page.inner_text(".hint-list")

    # Typing checks live: a wrong config first, then the solution.
    editor = page.locator("#practice-config")
    editor.fill(task.starting_config)
    editor.press("End")
    editor.type(" ")
    page.wait_for_selector(".practice-verdict.is-failed")
    assert "do not reach v2 yet" in page.inner_text("#practice-results")
    page.locator("#practice-results").scroll_into_view_if_needed()
    screenshot(page, f"practice-failing-{label}")

    editor.fill(task.solution)
    editor.press("End")
    editor.type("\n")
    page.wait_for_selector(".practice-verdict.is-passed")
    assert "All 3 checks pass" in page.inner_text("#practice-results")
    # The pass reveals the status and the reference solution, out of band.
    assert page.inner_text("#task-status").strip() == "✓ Passed" or "Passed" in page.inner_text(
        "#task-status"
    )
    page.wait_for_selector(".practice-reference")
    assert "exact: jason" in page.inner_text(".practice-reference")
    page.locator("#practice-results").scroll_into_view_if_needed()
    screenshot(page, f"practice-passed-{label}")
    assert_accessible(page, f"practice task passed ({label})")

    page.goto(f"{live_server.url}/practice/")
    assert "Passed" in page.inner_text(".practice-task-row")
    screenshot(page, f"practice-list-{label}")
    assert_accessible(page, f"practice list ({label})")


@pytest.mark.parametrize(("viewport", "label"), [(PHONE, "phone"), (DESKTOP, "desktop")])
def test_a_task_passed_without_javascript(live_server, new_page, task, viewport, label):
    page = new_page(javascript=False, viewport=viewport)
    page.goto(f"{live_server.url}/practice/{task.slug}/")
    fill_editor(page, "# half written\n")
    page.click("button:has-text('Show a hint')")
    page.wait_for_load_state()
    assert "compares a request header" in page.inner_text(".hint-list")
    # The hint button posts the config's form: the text being written is still there.
    assert page.locator("#practice-config").input_value().startswith("# half written")

    fill_editor(page, "kind: Nothing\n")
    page.click("button:has-text('Check my work')")
    page.wait_for_load_state()
    assert "3 of 3 checks do not pass yet." in page.inner_text("#practice-results")
    assert page.locator("#practice-config").input_value().startswith("kind: Nothing")

    fill_editor(page, task.solution)
    page.click("button:has-text('Check my work')")
    page.wait_for_load_state()
    assert "All 3 checks pass" in page.inner_text("#practice-results")
    assert "exact: jason" in page.inner_text(".practice-reference")
    screenshot(page, f"practice-nojs-passed-{label}")


def test_giving_up_without_javascript_shows_the_solution(live_server, new_page, task):
    page = new_page(javascript=False, viewport=PHONE)
    page.goto(f"{live_server.url}/practice/{task.slug}/")
    assert page.locator(".practice-reference").count() == 0
    fill_editor(page, "# my attempt\n")
    page.click("summary:has-text('Show the solution')")
    page.click("button:has-text('Give up and show the solution')")
    page.wait_for_load_state()
    assert "exact: jason" in page.inner_text(".practice-reference")
    assert "Gave up" in page.inner_text("#task-status")
    assert page.locator("#practice-config").input_value().startswith("# my attempt")
    screenshot(page, "practice-gave-up-phone")


def test_a_hint_and_giving_up_with_javascript_keep_the_editor(live_server, page, task):
    page.goto(f"{live_server.url}/practice/{task.slug}/")
    fill_editor(page, "# typed before the hint\n")
    page.click("button:has-text('Show a hint')")
    page.wait_for_selector(".hint-list li")
    page.click("button:has-text('Show another hint')")
    page.wait_for_selector(".hint-list li:nth-child(2)")
    assert "That was the last hint." in page.inner_text("#hint-list")
    page.click("summary:has-text('Show the solution')")
    page.click("button:has-text('Give up and show the solution')")
    page.wait_for_selector(".practice-reference")
    assert "Gave up" in page.inner_text("#task-status")
    assert page.locator("#practice-config").input_value() == "# typed before the hint\n"


def test_the_lesson_links_its_tasks(live_server, new_page, task):
    page = new_page(viewport=PHONE, scheme="dark")
    page.goto(f"{live_server.url}{task.lesson.get_absolute_url()}")
    callout = page.locator(".lesson-tasks")
    callout.scroll_into_view_if_needed()
    assert "Send Jason to reviews v2" in callout.inner_text()
    screenshot(page, "practice-lesson-link-phone-dark")
    assert_accessible(page, "lesson with its practice tasks")
    callout.get_by_role("link", name="Send Jason to reviews v2").click()
    page.wait_for_url(f"**/practice/{task.slug}/")


WIDE_POD = {
    "name": "istio-ingressgateway-7c9f6d5b8-x2kqp",
    "namespace": "istio-system",
    "labels": {
        "app": "istio-ingressgateway",
        "istio": "ingressgateway",
        "topology.istio.io/network": "network1",
    },
    "service": "istio-ingressgateway",
    "service_account": "istio-ingressgateway-service-account",
    "ip": "10.8.0.200",
    "ports": [80, 443, 15021],
    "sidecar": False,
}


@pytest.mark.parametrize(
    ("viewport", "scheme", "label"),
    [
        ({"width": 1100, "height": 900}, "light", "desktop-1100-light"),
        ({"width": 1100, "height": 900}, "dark", "desktop-1100-dark"),
        (PHONE, "light", "phone-light"),
        (PHONE, "dark", "phone-dark"),
    ],
)
def test_the_pods_fit_without_scrolling_sideways(
    live_server, new_page, task, viewport, scheme, label
):
    """At 1100px the brief is a column of about 450px: the pods' table must not scroll
    sideways (it hid the Service column); every row's Service cell is within the table."""
    task.workloads = [*task.workloads, WIDE_POD]
    task.save()
    page = new_page(viewport=viewport, scheme=scheme)
    page.goto(f"{live_server.url}/practice/{task.slug}/")
    wrap = page.locator(".practice-brief .table-wrap")
    wrap.scroll_into_view_if_needed()
    sizes = wrap.evaluate("el => [el.scrollWidth, el.clientWidth]")
    assert sizes[0] <= sizes[1], f"the pods' table scrolls sideways: {sizes}"
    box = wrap.bounding_box()
    services = page.locator(".practice-workloads td[data-label='Service and identity']")
    assert services.count() == len(task.workloads)
    for index in range(services.count()):
        cell = services.nth(index).bounding_box()
        assert cell["x"] + cell["width"] <= box["x"] + box["width"] + 1
    assert "istio-ingressgateway-service-account" in wrap.inner_text()
    screenshot(page, f"practice-pods-{label}")
    assert_accessible(page, f"practice task pods ({label})")
