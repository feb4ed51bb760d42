"""The config lab in a real browser: live checking while typing (htmx), the Check button
without JavaScript, jumping to a problem's line, and accessibility in both themes."""

from pathlib import Path

import pytest

from lessons.models import ConfigExample

from .conftest import DESKTOP, PHONE, assert_accessible, screenshot

CORPUS = Path(__file__).parent.parent / "istio_corpus"
SEED_PAIR = (CORPUS / "32-seed-pair-missing-subset.yaml").read_text()


def test_typing_checks_live_and_marks_the_line(live_server, page):
    page.goto(f"{live_server.url}/lab/")
    assert "No problems found." in page.inner_text("#lab-summary")
    editor = page.locator("textarea.lab-textarea")
    editor.fill(SEED_PAIR)
    editor.press("End")
    editor.type(" ")  # a real keyup, which is what the live check listens for
    page.wait_for_function("document.querySelector('#lab-summary').textContent.includes('1 error')")
    marked = page.locator("#lab-gutter li.mark-error")
    assert marked.count() == 1 and marked.inner_text().strip().endswith("18")
    assert page.locator("#lab-results .lab-problems").get_by_text("IST0101").count() == 1
    # The checks that need the cluster are named once, under the problems.
    assert page.locator("#lab-results .lab-cluster-note").count() == 1
    page.locator("a[data-line='18']").click()
    cursor_line = page.evaluate(
        "() => { const t = document.querySelector('textarea.lab-textarea');"
        " return t.value.slice(0, t.selectionStart).split('\\n').length; }"
    )
    assert cursor_line == 18
    screenshot(page, "lab-live-check")
    assert_accessible(page, "lab after a live check")


def test_check_button_works_without_javascript(live_server, nojs_page):
    page = nojs_page
    page.goto(f"{live_server.url}/lab/")
    page.fill("textarea.lab-textarea", SEED_PAIR)
    page.fill("#id_host", "reviews")
    page.fill("#id_headers", "end-user: jason")
    page.click("button[type=submit]:has-text('Check')")
    page.wait_for_load_state()
    assert "1 error" in page.inner_text("#lab-summary")
    assert "503 (response flag NC)" in page.inner_text(".lab-shares")


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_lab_is_accessible_and_photographed(live_server, new_page, scheme):
    page = new_page(scheme=scheme, viewport=PHONE if scheme == "dark" else DESKTOP)
    page.goto(f"{live_server.url}/lab/")
    screenshot(page, f"lab-{scheme}")
    assert_accessible(page, f"lab ({scheme})")


def test_open_in_lab_from_a_lesson(live_server, course, page):
    example = ConfigExample.objects.filter(
        section__lesson__course=course, broken=True, yaml_text__contains="circuitBreaker"
    ).first()
    page.goto(f"{live_server.url}{example.section.lesson.get_absolute_url()}")
    page.locator(f"a[href='/lab/?example={example.pk}']").click()
    page.wait_for_url(f"**/lab/?example={example.pk}")
    assert "circuitBreaker" in page.inner_text(".lab-problems")
    assert page.locator("textarea.lab-textarea").input_value() == example.yaml_text


def aria_invalid(page, selector: str) -> str | None:
    return page.locator(selector).get_attribute("aria-invalid")


def wait_for_aria_invalid(page, selector: str, value: str | None) -> None:
    page.wait_for_function(
        "([selector, value]) => document.querySelector(selector).getAttribute('aria-invalid')"
        " === value",
        arg=[selector, value],
    )


def test_aria_invalid_follows_each_live_check(live_server, page):
    """The live check redraws the error slots, never the inputs: the input's aria-invalid
    must still say what the slot says, as the learner breaks a field and mends it."""
    page.goto(f"{live_server.url}/lab/")
    host = page.locator("#id_host")
    assert aria_invalid(page, "#id_host") is None
    host.fill("reviews sv")
    host.press("End")
    host.type("c")  # a real keyup: "reviews svc" is not a host
    page.wait_for_function(
        "document.querySelector('#id_host-error').textContent.includes('A host is a name')"
    )
    wait_for_aria_invalid(page, "#id_host", "true")
    assert page.evaluate("document.activeElement.id") == "id_host"  # typing goes on there
    assert host.input_value() == "reviews svc"
    assert aria_invalid(page, "#id_path") is None
    red = page.evaluate("getComputedStyle(document.querySelector('#id_host')).borderTopColor")
    grey = page.evaluate("getComputedStyle(document.querySelector('#id_path')).borderTopColor")
    assert red != grey  # the border says it too
    for _ in range(4):
        host.press("Backspace")
    host.type("s")  # "reviews"
    wait_for_aria_invalid(page, "#id_host", None)
    assert page.locator("#id_host-error").inner_text().strip() == ""


def test_aria_invalid_drawn_with_the_page_goes_once_the_field_is_mended(live_server, page):
    page.goto(f"{live_server.url}/lab/")
    page.fill("#id_host", "reviews svc")
    with page.expect_navigation():
        page.evaluate("document.getElementById('lab-form').submit()")  # a full page, not htmx
    assert aria_invalid(page, "#id_host") == "true"  # drawn by the server
    host = page.locator("#id_host")
    host.press("End")
    for _ in range(4):
        host.press("Backspace")
    wait_for_aria_invalid(page, "#id_host", None)
    assert "Rule [" in page.inner_text("#lab-results")  # and the request is traced


def test_a_live_check_over_the_limit_shows_why_and_keeps_the_text(
    live_server, page, settings, monkeypatch
):
    from shared import rate_limit

    settings.MESHLEARN_LAB_CHECK_PER_MINUTE = 1
    monkeypatch.setattr(rate_limit, "_now", lambda: 1_800_000_020.0)  # one fixed minute
    page.goto(f"{live_server.url}/lab/")
    page.click("button[type=submit]:has-text('Check')")  # the minute's one check
    page.wait_for_function("!document.querySelector('#lab-form.htmx-request')")
    editor = page.locator("textarea.lab-textarea")
    editor.fill(SEED_PAIR)
    page.click("button[type=submit]:has-text('Check')")  # one too many: 429
    page.wait_for_selector(".lab-limited")
    assert "check it again in 40 s" in page.inner_text(".lab-limited")
    assert "too many checks this minute" in page.inner_text("#lab-summary")
    assert page.locator(".request-error").count() == 0  # not the generic failure box
    assert editor.input_value() == SEED_PAIR
    assert_accessible(page, "lab over the limit")


ACCESS_POLICY = """\
apiVersion: security.istio.io/v1
kind: AuthorizationPolicy
metadata: {name: deny-delete, namespace: bookinfo}
spec:
  action: DENY
  rules:
  - to:
    - operation: {methods: [DELETE]}
"""


@pytest.mark.parametrize("javascript", [True, False])
def test_access_check_on_a_phone_answers_with_the_deciding_policy(
    live_server, new_page, javascript
):
    page = new_page(javascript=javascript, viewport=PHONE, scheme="dark" if javascript else "light")
    page.goto(f"{live_server.url}/lab/")
    page.fill("textarea.lab-textarea", ACCESS_POLICY)
    page.fill("#id_host", "reviews")
    page.select_option("#id_method", "DELETE")
    page.fill("#id_source_principal", "cluster.local/ns/bookinfo/sa/bookinfo-productpage")
    page.fill("#id_source_namespace", "bookinfo")
    page.fill("#id_namespace", "bookinfo")
    page.fill("#id_workload_labels", "app=reviews")
    page.click("button[type=submit]:has-text('Check')")
    answer = page.locator(".lab-access-answer")
    answer.wait_for()
    assert "403 denied" in answer.inner_text() and "bookinfo/deny-delete" in answer.inner_text()
    assert "mutual TLS" in answer.locator(".lab-mtls").inner_text()
    # Nothing wider than the phone: the fieldsets wrap to one column.
    overflow = page.evaluate("() => document.documentElement.scrollWidth - window.innerWidth")
    assert overflow <= 0
    page.locator(".lab-access").scroll_into_view_if_needed()
    screenshot(page, f"lab-access-phone-{'js' if javascript else 'nojs'}")
    if javascript:
        answer.scroll_into_view_if_needed()
        screenshot(page, "lab-access-answer-phone")
        assert_accessible(page, "lab with an access answer")
