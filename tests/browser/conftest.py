"""Playwright driving Debian's Chromium against pytest-django's live server.

Screenshots go to artifacts/screenshots/ (kept out of git); look at them after a run.
"""

import os
from pathlib import Path

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import sync_playwright

from coursefiles.loading import load_course_file
from tests.conftest import ROOT, SHIPPED_COURSE

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")  # Playwright's sync API runs a loop

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
SCREENSHOTS = ROOT / "artifacts" / "screenshots"
DESKTOP = {"width": 1280, "height": 900}
PHONE = {"width": 390, "height": 844}
PASSWORD = "a-long-pass-phrase-77"


def pytest_collection_modifyitems(items):
    for item in items:
        if "tests/browser/" in str(item.fspath):
            item.add_marker(pytest.mark.browser)


@pytest.fixture(scope="session")
def browser():
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(
            executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS
        )
        yield chromium
        chromium.close()


@pytest.fixture
def course(transactional_db):
    return load_course_file(SHIPPED_COURSE).course


def _context(browser, *, javascript=True, scheme="light", viewport=DESKTOP):
    context = browser.new_context(
        viewport=viewport,
        color_scheme=scheme,
        java_script_enabled=javascript,
        bypass_csp=True,  # lets axe-core be injected; the app's own scripts are files anyway
    )
    context.set_default_timeout(10_000)
    context.meshlearn_javascript = javascript  # read by assert_accessible
    return context


@pytest.fixture
def new_page(browser):
    contexts = []

    def make(**options):
        context = _context(browser, **options)
        contexts.append(context)
        return context.new_page()

    yield make
    for context in contexts:
        context.close()


@pytest.fixture
def page(new_page):
    return new_page()


@pytest.fixture
def nojs_page(new_page):
    return new_page(javascript=False)


def screenshot(page, name: str) -> Path:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=False)
    return path


_axe = Axe()


def assert_accessible(page, label: str) -> None:
    """axe-core on the current page: no serious or critical violation."""
    # axe-core is JavaScript: in a page without it, page.evaluate would wait forever.
    assert getattr(page.context, "meshlearn_javascript", True), (
        f"{label}: axe-core needs JavaScript; check the same markup in a JS-enabled page"
    )
    results = _axe.run(page)
    bad = [
        f"{v['id']} ({v['impact']}): {v['help']} — e.g. {v['nodes'][0]['target']}"
        for v in results.response["violations"]
        if v["impact"] in ("serious", "critical")
    ]
    assert not bad, f"{label}: " + "; ".join(bad)


def sign_up(page, base_url: str, username: str) -> None:
    page.goto(f"{base_url}/accounts/signup/")
    page.fill("#id_username", username)
    page.fill("#id_password1", PASSWORD)
    page.fill("#id_password2", PASSWORD)
    page.click("button[type=submit]:has-text('Create account')")
    page.wait_for_url(f"{base_url}/me/")


def log_in(page, base_url: str, username: str) -> None:
    page.goto(f"{base_url}/accounts/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    page.click("button[type=submit]:has-text('Log in')")
    page.wait_for_load_state()
