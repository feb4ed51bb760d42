"""An unchanged save in the admin is no change: the course exports byte for byte as before,
and text from the browser (CRLF line endings) is stored with LF."""

from io import StringIO

import pytest
from django.core.management import call_command
from django.urls import reverse

from lessons.models import ConfigExample, Lesson, Section

from .admin_forms import lesson_with_section, section_form, section_with_examples

pytestmark = pytest.mark.django_db


def dumped(slug: str) -> str:
    out = StringIO()
    call_command("dumpcourse", slug, stdout=out)
    return out.getvalue()


def section_url(section: Section) -> str:
    return reverse("admin:lessons_section_change", args=[section.pk])


def test_saving_each_section_unchanged_exports_the_same_bytes(admin_client, mini_course):
    before = dumped("mini-mesh")
    assert "body: |\n" in before  # a body that ends with a newline is among them
    for section in Section.objects.all():
        response = admin_client.post(section_url(section), section_with_examples(section))
        assert response.status_code == 302, section.slug
    assert dumped("mini-mesh") == before


def test_saving_a_lesson_with_its_section_unchanged_exports_the_same_bytes(
    admin_client, mini_course
):
    lesson = Lesson.objects.get(slug="first")
    section = lesson.sections.get(slug="intro")
    assert section.body_markdown.endswith("\n")
    before = dumped("mini-mesh")
    url = reverse("admin:lessons_lesson_change", args=[lesson.pk])
    assert admin_client.post(url, lesson_with_section(lesson, section)).status_code == 302
    section.refresh_from_db()
    assert section.body_markdown.endswith("\n")
    assert dumped("mini-mesh") == before


def test_every_shipped_section_saved_unchanged_exports_the_same_bytes(admin_client, shipped_course):
    before = dumped(shipped_course.slug)
    for section in Section.objects.prefetch_related("examples"):
        response = admin_client.post(section_url(section), section_with_examples(section))
        assert response.status_code == 302, section.slug
    assert dumped(shipped_course.slug) == before


def test_crlf_from_the_browser_is_stored_as_lf(admin_client, mini_course):
    section = Section.objects.get(slug="wrap-up")
    body = "First line.\r\n\r\n    indented code\r\nLast line.\r\n"
    response = admin_client.post(section_url(section), section_form(section, body_markdown=body))
    assert response.status_code == 302
    section.refresh_from_db()
    assert section.body_markdown == "First line.\n\n    indented code\nLast line.\n"
    assert "body: |\n      First line.\n" in dumped("mini-mesh")


def test_crlf_in_an_example_is_stored_as_lf(admin_client, mini_course):
    section = Section.objects.get(slug="routing")
    example = section.examples.get()
    data = section_with_examples(section)
    data["examples-0-yaml_text"] = example.yaml_text.replace("\n", "\r\n")
    data["examples-0-explanation"] = "One route.\r\nNo match.\r\n"
    assert admin_client.post(section_url(section), data).status_code == 302
    stored = ConfigExample.objects.get(pk=example.pk)
    assert stored.yaml_text == example.yaml_text
    assert stored.explanation == "One route.\nNo match."  # an edited example is trimmed


def test_a_body_of_blank_lines_is_stored_empty(admin_client, mini_course):
    section = Section.objects.get(slug="wrap-up")
    data = section_form(section, body_markdown=" \r\n\r\n ")
    assert admin_client.post(section_url(section), data).status_code == 302
    section.refresh_from_db()
    assert section.body_markdown == ""


def test_an_example_saved_unchanged_on_its_own_page_keeps_its_final_newline(
    admin_client, mini_course
):
    example = ConfigExample.objects.get(slug="all-v1")
    assert example.yaml_text.endswith("\n")
    before = dumped("mini-mesh")
    data = {
        "section": example.section_id,
        "slug": example.slug,
        "order": example.order,
        "title": example.title,
        "yaml_text": example.yaml_text.replace("\n", "\r\n"),  # as a browser posts it
        "explanation": example.explanation,
    }
    url = reverse("admin:lessons_configexample_change", args=[example.pk])
    assert admin_client.post(url, data).status_code == 302
    assert ConfigExample.objects.get(pk=example.pk).yaml_text == example.yaml_text
    assert dumped("mini-mesh") == before
