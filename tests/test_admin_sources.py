"""Sources in the admin as lines, "Title | https://…": they read back exactly as stored (so the
course file, its import and export are unchanged), a bad line says what to fix, and JSON is
still taken as it was."""

import html
import json
import re

import pytest
from django.core.management import call_command
from django.urls import reverse

from lessons.admin.order import next_order
from lessons.admin.sources import as_lines, read_line, read_lines
from lessons.models import Lesson, Section

from .admin_forms import lesson_with_section, section_form

pytestmark = pytest.mark.django_db

LINES = (
    "Istio docs: Traffic management | https://istio.io/latest/docs/concepts/traffic-management/\n"
    "Istio | Sidecar | https://istio.io/latest/docs/reference/config/networking/sidecar/\n"
)
STORED = [
    {
        "title": "Istio docs: Traffic management",
        "url": "https://istio.io/latest/docs/concepts/traffic-management/",
    },
    {
        "title": "Istio | Sidecar",  # a title may hold a "|": the address follows the last one
        "url": "https://istio.io/latest/docs/reference/config/networking/sidecar/",
    },
]


def lines_form(section: Section, **changes) -> dict:
    """The section form as the admin now offers it: sources as lines."""
    return section_form(section, **{"sources": as_lines(section.sources), **changes})


def post_section(client, section, **changes):
    url = reverse("admin:lessons_section_change", args=[section.pk])
    return client.post(url, lines_form(section, **changes))


def textarea(response, name="sources") -> str:
    found = re.search(
        rf'<textarea name="{name}"[^>]*>(.*?)</textarea>', response.content.decode(), re.S
    )
    assert found, f"no textarea {name}"
    return html.unescape(found.group(1)).strip("\n")


# --- the format ---------------------------------------------------------------------------------


def test_lines_read_as_the_stored_list_and_back():
    assert read_lines(LINES) == STORED
    assert as_lines(STORED) == LINES.strip()
    # PostgreSQL's jsonb gives the keys back in its own order: the same sources.
    assert as_lines([{"url": s["url"], "title": s["title"]} for s in STORED]) == LINES.strip()
    assert read_lines("\n  \n" + LINES + "\n\n") == STORED  # blank lines are nothing


def test_every_shipped_section_s_sources_show_as_lines_and_read_back_exactly(shipped_course):
    sections = Section.objects.filter(lesson__course=shipped_course).exclude(sources=[])
    assert sections.count() > 5
    for section in sections:
        lines = as_lines(section.sources)
        assert lines is not None, section.slug
        assert read_lines(lines) == section.sources


@pytest.mark.parametrize(
    ("line", "message"),
    [
        ("Istio docs", "no address. Add “|” and the https:// address after the title."),
        ("https://istio.io/latest/", "no title. Write the title first"),
        (" | https://istio.io/latest/", "the title before “|” is empty."),
        ("Istio docs |  ", "no address after “|”."),
        ("Istio docs | http://istio.io/", "“http://istio.io/” is an http:// address"),
        ("Istio docs | istio.io/latest/", "“istio.io/latest/” is not an https:// address."),
        ("Istio docs | ftp://istio.io/", "“ftp://istio.io/” is not an https:// address."),
        ("Istio docs | javascript:alert(1)", "is not an https:// address."),
        ("Istio docs | https://", "has no host name"),
        ("Istio docs | https://istio.io/ and more", "has a space in it"),
        ("Istio docs | https://istio.io/" + "x" * 500, "longer than 500 characters"),
    ],
)
def test_a_bad_line_says_what_to_fix(line, message):
    with pytest.raises(ValueError) as problem:
        read_line(line)
    assert message in str(problem.value)


@pytest.mark.parametrize(
    "stored",
    [
        [{"title": " padded ", "url": "https://istio.io/"}],  # spaces a line would lose
        [{"title": "t", "url": "https://istio.io/a|b"}],  # a "|" in the address
        [{"title": "t", "url": "https://istio.io/", "note": "x"}],
        [{"title": 2024, "url": "https://istio.io/"}],
        [{"title": "t", "url": "http://istio.io/"}],
        5,
        "text",
    ],
)
def test_what_lines_cannot_say_exactly_is_shown_as_json(admin_client, mini_course, stored):
    section = Section.objects.get(slug="only")
    Section.objects.filter(pk=section.pk).update(sources=stored)
    assert as_lines(stored) is None
    page = admin_client.get(reverse("admin:lessons_section_change", args=[section.pk]))
    assert json.loads(textarea(page)) == stored


# --- the admin ----------------------------------------------------------------------------------


def test_the_section_page_shows_lines_and_saves_them_as_the_list(admin_client, client, mini_course):
    section = Section.objects.get(slug="intro")
    page = admin_client.get(reverse("admin:lessons_section_change", args=[section.pk]))
    assert textarea(page) == (
        "Istio docs: What is Istio? | https://istio.io/latest/docs/overview/what-is-istio/"
    )
    assert "one source per line: its title, a “|”, then its https:// address" in html.unescape(
        page.content.decode()
    )
    response = post_section(admin_client, section, sources=LINES)
    assert response.status_code == 302
    assert Section.objects.get(pk=section.pk).sources == STORED
    lesson = client.get("/courses/mini-mesh/first/").content.decode()
    assert '<a href="https://istio.io/latest/docs/reference/config/networking/sidecar/"' in lesson


def test_saving_the_page_as_shown_stores_what_the_json_field_stored(
    admin_client, shipped_course, capsys
):
    """Each section saved once as the old field showed it (JSON), once as the page shows it now
    (lines): the export is the same, to the byte."""
    sections = list(Section.objects.filter(lesson__course=shipped_course).exclude(sources=[])[:6])
    stored = {section.pk: section.sources for section in sections}

    def save_all(shown) -> str:
        for section in sections:
            url = reverse("admin:lessons_section_change", args=[section.pk])
            data = section_form(section, sources=shown(section, url)) | _examples_form(section)
            assert admin_client.post(url, data).status_code == 302
        call_command("dumpcourse", shipped_course.slug)
        return capsys.readouterr().out

    as_json = save_all(lambda section, url: json.dumps(section.sources))
    as_shown = save_all(lambda section, url: textarea(admin_client.get(url)))
    assert as_shown == as_json
    for section in sections:
        assert Section.objects.get(pk=section.pk).sources == stored[section.pk]


def _examples_form(section: Section) -> dict:
    """The section's examples posted back as they are."""
    data = {"examples-TOTAL_FORMS": 0, "examples-INITIAL_FORMS": 0}
    for index, example in enumerate(section.examples.all()):
        prefix = f"examples-{index}-"
        data |= {
            f"{prefix}id": example.pk,
            f"{prefix}section": section.pk,
            f"{prefix}order": example.order,
            f"{prefix}title": example.title,
            f"{prefix}slug": example.slug,
            f"{prefix}yaml_text": example.yaml_text,
            f"{prefix}explanation": example.explanation,
        }
        if example.broken:
            data[f"{prefix}broken"] = "on"
        data["examples-TOTAL_FORMS"] = data["examples-INITIAL_FORMS"] = index + 1
    return data


def test_bad_lines_are_refused_one_error_each_and_the_text_comes_back(admin_client, mini_course):
    section = Section.objects.get(slug="intro")
    typed = "Istio docs | https://istio.io/\nno address here\n\n | http://x.example/"
    response = post_section(admin_client, section, sources=typed)
    assert response.status_code == 200
    errors = response.context["adminform"].form.errors["sources"]
    assert errors == [
        "Line 2: no address. Add “|” and the https:// address after the title.",
        "Line 4: the title before “|” is empty.",
    ]
    assert textarea(response) == typed  # as typed, to fix in place
    assert Section.objects.get(pk=section.pk).sources[0]["title"] == "Istio docs: What is Istio?"


def test_broken_json_says_so(admin_client, mini_course):
    section = Section.objects.get(slug="only")
    response = post_section(admin_client, section, sources='[{"title": "t", "url": ')
    (error,) = response.context["adminform"].form.errors["sources"]
    assert error.startswith("This starts like JSON but is not valid JSON (line 1, column")
    assert "one source per line" in error


def test_json_is_taken_as_before(admin_client, mini_course):
    section = Section.objects.get(slug="only")
    response = post_section(admin_client, section, sources=json.dumps(STORED))
    assert response.status_code == 302
    assert Section.objects.get(pk=section.pk).sources == STORED
    assert post_section(admin_client, section, sources="").status_code == 302
    assert Section.objects.get(pk=section.pk).sources == []


def test_the_lesson_inline_takes_lines_too(admin_client, mini_course):
    lesson = Lesson.objects.get(slug="second")
    (section,) = lesson.sections.all()
    data = lesson_with_section(lesson, section, sources=LINES)
    # A new row left as offered is no section (its empty sources are no change).
    data["sections-TOTAL_FORMS"] = 2
    data.update(
        {
            "sections-1-lesson": lesson.pk,
            "sections-1-order": next_order(Section, lesson=lesson),
            "sections-1-title": "",
            "sections-1-slug": "",
            "sections-1-kind": "text",
            "sections-1-layout": "prose",  # as the browser sends the offered row's choices
            "sections-1-diagram": "",
            "sections-1-body_markdown": "",
            "sections-1-sources": "",
        }
    )
    url = reverse("admin:lessons_lesson_change", args=[lesson.pk])
    response = admin_client.post(url, data)
    assert response.status_code == 302, response.context["inline_admin_formsets"][0].formset.errors
    assert Section.objects.get(pk=section.pk).sources == STORED
    assert lesson.sections.count() == 1
    page = admin_client.get(url)
    assert textarea(page, "sections-0-sources") == LINES.strip()
