"""The instructor's journey in a real browser: author a lesson in the admin, publish it, see it
on the site; a config example with checker errors is refused with the reason."""

from django.core.management import call_command

from lessons.models import ConfigExample, Lesson

from .conftest import PASSWORD, screenshot

GOOD_EXAMPLE = """apiVersion: networking.istio.io/v1
kind: VirtualService
metadata:
  name: ratings
spec:
  hosts:
  - ratings
  http:
  - route:
    - destination:
        host: ratings
"""
BROKEN_EXAMPLE = GOOD_EXAMPLE.replace("        host: ratings", "        hostname: ratings")


def admin_login(page, base: str, username: str) -> None:
    page.goto(f"{base}/admin/login/?next=/admin/")
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    page.click("input[type=submit]")
    page.wait_for_url(f"{base}/admin/")


def test_instructor_authors_and_publishes_a_lesson(live_server, course, page, monkeypatch):
    base = live_server.url
    monkeypatch.setenv("DJANGO_INSTRUCTOR_PASSWORD", PASSWORD)
    call_command("createinstructor", "irene", "--email", "irene@example.com", "--no-input")
    admin_login(page, base, "irene")

    # A new lesson with one section, published.
    page.goto(f"{base}/admin/lessons/lesson/add/")
    page.select_option("#id_course", label=course.title)
    page.locator("#id_title").press_sequentially("Rate limiting at the edge")
    assert page.input_value("#id_slug") == "rate-limiting-at-the-edge"  # prepopulated
    page.fill("#id_order", "200")
    page.check("#id_published")
    page.click("text=Add another Section")
    page.fill("#id_sections-0-title", "Why limit rates")
    page.fill("#id_sections-0-slug", "why-limit")
    page.fill("#id_sections-0-body_markdown", "Limits protect **shared** backends.")
    page.click("input[name=_save]")
    page.wait_for_load_state()
    assert "was added successfully" in page.inner_text("#content-start, body")
    lesson = Lesson.objects.get(slug="rate-limiting-at-the-edge")
    section = lesson.sections.get()

    # An example with a checker error is refused, with the reason by line.
    page.goto(f"{base}/admin/lessons/section/{section.pk}/change/")
    page.click("text=Add another Config example")
    page.fill("#id_examples-0-title", "Ratings route")
    page.fill("#id_examples-0-slug", "ratings-route")
    page.fill("#id_examples-0-yaml_text", BROKEN_EXAMPLE)
    page.click("input[name=_save]")
    page.wait_for_load_state()
    errors = page.inner_text("body")
    assert "Line 11, column 9" in errors and "Did you mean `host`?" in errors
    screenshot(page, "admin-example-refused")
    assert not ConfigExample.objects.filter(slug="ratings-route").exists()

    # Fixed, it saves.
    page.fill("#id_examples-0-yaml_text", GOOD_EXAMPLE)
    page.click("input[name=_save]")
    page.wait_for_load_state()
    assert ConfigExample.objects.filter(slug="ratings-route", section=section).exists()

    # A learner sees it on the site, highlighted.
    learner = page.context.browser.new_context()
    site = learner.new_page()
    site.goto(f"{base}/courses/{course.slug}/rate-limiting-at-the-edge/")
    assert "Rate limiting at the edge" in site.inner_text("h1")
    assert "Limits protect shared backends." in site.inner_text("main")
    assert site.locator("#example-ratings-route .nt").count() > 0
    learner.close()
