"""The Content-Security-Policy enforced by a real browser: nothing the site does is blocked.

The other browser tests turn CSP off (`bypass_csp`) so axe-core can be injected; this one keeps
it on and drives the interactive parts (htmx swaps, the theme toggle, the lab's live check),
failing on any violation the browser reports.
"""

import pytest
from playwright.sync_api import expect

from .conftest import DESKTOP

# Recorded in the page before any of its own scripts run.
RECORD_VIOLATIONS = """
window.__cspViolations = [];
document.addEventListener("securitypolicyviolation", (event) => {
  window.__cspViolations.push(`${event.violatedDirective}: ${event.blockedURI} ${event.sample}`);
});
"""


@pytest.fixture
def enforced_page(browser):
    context = browser.new_context(viewport=DESKTOP)  # CSP on: no bypass_csp here
    context.set_default_timeout(10_000)
    context.add_init_script(RECORD_VIOLATIONS)
    page = context.new_page()
    console = []
    page.on(
        "console",
        lambda message: (
            console.append(message.text) if "Content Security Policy" in message.text else None
        ),
    )
    page.meshlearn_console = console
    yield page
    context.close()


def violations(page) -> list[str]:
    return page.evaluate("window.__cspViolations") + page.meshlearn_console


def test_lesson_page_works_under_the_policy(live_server, course, enforced_page):
    page = enforced_page
    response = page.goto(f"{live_server.url}/courses/{course.slug}/what-is-istio/")
    assert "script-src 'self'" in response.headers["content-security-policy"]
    assert page.evaluate("typeof window.htmx") == "object"  # htmx loaded from static files
    assert page.evaluate("document.querySelectorAll('style').length") == 0  # none injected
    page.locator(".read-control button").first.click()  # an htmx POST and swap
    # (expect() polls from Playwright's own isolated world: a string predicate would be an
    # eval in the page, which this very policy forbids.)
    expect(page.locator("#lesson-progress")).to_contain_text("1 of")
    page.click("[data-theme-toggle]")  # site.js
    assert page.evaluate("document.documentElement.dataset.theme") in ("light", "dark")
    assert violations(page) == []


def test_calculator_and_lab_work_under_the_policy(live_server, course, enforced_page):
    page = enforced_page
    page.goto(f"{live_server.url}/calculator/")
    value = page.locator("#output-dataplane_cpu_total .calc-value")
    before = value.inner_text()
    page.fill("#id_rps", "5000")
    expect(value).not_to_have_text(before)
    page.goto(f"{live_server.url}/lab/")
    editor = page.locator("textarea.lab-textarea")
    editor.fill("apiVersion: networking.istio.io/v1\nkind: VirtualService\nspec: {}\n")
    editor.press("End")
    editor.type(" ")
    expect(page.locator("#lab-summary")).not_to_contain_text("No problems found.")
    assert violations(page) == []


def test_admin_works_under_the_policy(live_server, course, admin_user, enforced_page):
    page = enforced_page
    page.goto(f"{live_server.url}/admin/login/")
    page.fill("#id_username", "admin")
    page.fill("#id_password", "password")  # pytest-django's admin_user
    page.click("input[type=submit]")
    expect(page.locator("#content h1")).to_contain_text("Site administration")
    page.goto(f"{live_server.url}/admin/lessons/lesson/add/")
    rows = page.locator(".dynamic-sections, .dynamic-section_set, tr.form-row, div.inline-related")
    before = rows.count()
    page.locator(".add-row a").first.click()  # the inline's JavaScript adds a form
    expect(rows).to_have_count(before + 1)
    assert violations(page) == []
