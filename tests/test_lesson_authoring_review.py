"""Lesson authoring in the admin: sources follow the course file's rule, every edit keeps the
stored reading time right, and (un)publishing a lesson renews the pages that count it."""

import json

import pytest
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.urls import reverse

from lessons.models import ConfigExample, Course, Lesson, Section
from quizzes.models import Quiz

from .admin_forms import lesson_with_section, section_form

pytestmark = pytest.mark.django_db

SECOND_PAGE = "/courses/mini-mesh/second/"
LONG_TEXT = "word " * 3000  # 15 minutes at 200 words a minute


@pytest.fixture(autouse=True)
def empty_cache():
    cache.clear()
    yield
    cache.clear()


def minutes(slug: str) -> int:
    return Lesson.objects.get(slug=slug).reading_minutes


def example_form(example: ConfigExample, **changes) -> dict:
    data = {
        "section": example.section_id,
        "slug": example.slug,
        "order": example.order,
        "title": example.title,
        "yaml_text": example.yaml_text,
        "explanation": example.explanation,
    }
    return {**data, **changes}


def post_section(client, section: Section, **changes):
    url = reverse("admin:lessons_section_change", args=[section.pk])
    return client.post(url, section_form(section, **changes))


# --- Sources: the course file's rule, in the admin ---------------------------------------------

BAD_SOURCES = {
    "5": "Expected a list, found int.",
    '["x"]': "Source 1: expected a mapping, found text.",
    '[{"title": "t"}]': "Source 1: missing required key 'url'.",
    '[{"title": "t", "url": "javascript:alert(1)"}]': (
        "Source 1, url: 'javascript:alert(1)' is not an absolute https:// URL."
    ),
}


@pytest.mark.parametrize("sources", BAD_SOURCES)
def test_the_section_admin_refuses_sources_a_course_file_refuses(
    admin_client, mini_course, sources
):
    section = Section.objects.get(slug="only")
    response = post_section(admin_client, section, sources=sources)
    assert response.status_code == 200  # the form again
    (error,) = response.context["adminform"].form.errors["sources"]
    assert error.startswith(BAD_SOURCES[sources])
    assert '{"title": "…", "url": "https://…"}' in error  # how to write them
    assert Section.objects.get(pk=section.pk).sources == []
    assert admin_client.get(SECOND_PAGE).status_code == 200


def test_the_sections_inline_of_a_lesson_refuses_them_too(admin_client, mini_course):
    lesson = Lesson.objects.get(slug="second")
    (section,) = lesson.sections.all()
    data = lesson_with_section(lesson, section, sources="5")
    response = admin_client.post(reverse("admin:lessons_lesson_change", args=[lesson.pk]), data)
    assert response.status_code == 200
    (formset,) = response.context["inline_admin_formsets"]
    assert formset.formset.errors[0]["sources"][0].startswith("Expected a list, found int.")


def test_the_model_check_stores_sources_as_the_course_file_does(mini_course):
    section = Section.objects.get(slug="only")
    section.sources = [{"title": 2024, "url": "https://istio.io/"}]
    section.full_clean()
    assert section.sources == [{"title": "2024", "url": "https://istio.io/"}]
    section.sources = [{"title": "t", "url": "https://istio.io/", "note": "x"}]
    with pytest.raises(ValidationError) as refused:
        section.full_clean()
    assert "Source 1, note: unknown key 'note'" in refused.value.message_dict["sources"][0]


def test_valid_sources_are_saved_and_shown_on_the_lesson(admin_client, client, mini_course):
    section = Section.objects.get(slug="only")
    sources = [
        {"title": "Istio docs: Traffic management", "url": "https://istio.io/latest/docs/"},
        {"title": "Envoy docs", "url": "https://www.envoyproxy.io/docs/"},
    ]
    response = post_section(admin_client, section, sources=json.dumps(sources))
    assert response.status_code == 302
    assert Section.objects.get(pk=section.pk).sources == sources
    html = client.get(SECOND_PAGE).content.decode()
    assert '<a href="https://istio.io/latest/docs/" rel="noopener">Istio docs: Traffic' in html
    assert '<a href="https://www.envoyproxy.io/docs/" rel="noopener">Envoy docs</a>' in html


@pytest.mark.parametrize("stored", [5, "text", {"title": "t"}, ["x"], [{"title": 3, "url": 4}]])
def test_sources_stored_before_the_rules_cost_the_section_its_sources_not_the_page(
    client, mini_course, stored, caplog
):
    """A row written before the admin checked sources (or by a plain update) can hold anything;
    `5` made the whole lesson a server error for every learner."""
    good = [{"title": "Istio docs: Traffic management", "url": "https://istio.io/latest/docs/"}]
    Section.objects.filter(slug="only").update(sources=stored)
    Section.objects.filter(lesson__slug="first", slug="intro").update(sources=good)
    response = client.get(SECOND_PAGE)
    assert response.status_code == 200
    assert "Sources:" not in response.content.decode()
    assert "stored sources unreadable" in caplog.text
    first = client.get("/courses/mini-mesh/first/").content.decode()
    assert '<a href="https://istio.io/latest/docs/" rel="noopener">Istio docs: Traffic' in first


# --- Reading time: every admin path that changes what a lesson holds ---------------------------


def test_an_example_edited_on_its_own_page_updates_the_reading_time(admin_client, mini_course):
    example = ConfigExample.objects.get(slug="all-v1")
    before = minutes("first")
    url = reverse("admin:lessons_configexample_change", args=[example.pk])
    response = admin_client.post(url, example_form(example, explanation=LONG_TEXT))
    assert response.status_code == 302
    assert minutes("first") >= before + 15


def test_an_example_moved_to_another_lesson_updates_both(admin_client, mini_course):
    example = ConfigExample.objects.get(slug="all-v1")
    example.explanation = LONG_TEXT
    example.save()
    Lesson.objects.get(slug="first").refresh_reading_minutes()
    first, second = minutes("first"), minutes("second")
    only = Section.objects.get(slug="only")
    url = reverse("admin:lessons_configexample_change", args=[example.pk])
    response = admin_client.post(url, example_form(example, section=only.pk))
    assert response.status_code == 302
    assert minutes("first") <= first - 15
    assert minutes("second") >= second + 15


@pytest.fixture
def long_section(mini_course):
    """A section of 3000 words in the first lesson, its reading time counted."""
    lesson = Lesson.objects.get(slug="first")
    section = Section.objects.create(lesson=lesson, slug="long", title="A long read", order=90)
    section.body_markdown = LONG_TEXT
    section.save()
    lesson.refresh_reading_minutes()
    return section


def test_deleting_a_section_updates_the_reading_time(admin_client, long_section):
    before = minutes("first")
    url = reverse("admin:lessons_section_delete", args=[long_section.pk])
    assert admin_client.post(url, {"post": "yes"}).status_code == 302
    assert not Section.objects.filter(pk=long_section.pk).exists()
    assert minutes("first") <= before - 15


def test_deleting_sections_from_the_list_updates_the_reading_time(admin_client, long_section):
    before = minutes("first")
    data = {"action": "delete_selected", "_selected_action": [long_section.pk], "post": "yes"}
    response = admin_client.post(reverse("admin:lessons_section_changelist"), data)
    assert response.status_code == 302
    assert not Section.objects.filter(pk=long_section.pk).exists()
    assert minutes("first") <= before - 15


def test_a_section_moved_to_another_lesson_updates_both(admin_client, client, long_section):
    first, second = minutes("first"), minutes("second")
    assert "A long read" in client.get("/courses/mini-mesh/first/").content.decode()  # cached
    second_lesson = Lesson.objects.get(slug="second")
    response = post_section(admin_client, long_section, lesson=second_lesson.pk)
    assert response.status_code == 302
    assert minutes("first") <= first - 15
    assert minutes("second") >= second + 15
    # The lesson it left is a new page version too: no cached copy still shows the section.
    html = client.get("/courses/mini-mesh/first/").content.decode()
    assert "A long read" not in html and f"{minutes('first')} min read" in html


# --- Publishing renews every lesson page of the course -----------------------------------------


@pytest.fixture
def drawn_exam(mini_course):
    """The final quiz turned into an exam of one question per published lesson quiz, linked
    from the second lesson's only section."""
    exam = Quiz.objects.get(slug="mini-final")
    exam.questions.all().delete()
    exam.draw_per_lesson = 1
    exam.save()
    only = Section.objects.get(slug="only")
    only.kind = "quiz"
    only.save()
    return exam


def test_unpublishing_a_lesson_updates_a_drawn_exams_size_on_other_lessons(client, drawn_exam):
    assert "1 question<" in client.get(SECOND_PAGE).content.decode()
    first = Lesson.objects.get(slug="first")
    first.published = False
    first.save()  # as the admin's change form and list do
    html = client.get(SECOND_PAGE).content.decode()
    assert "1 question<" not in html and "0 questions<" in html
    first.published = True
    first.save()
    assert "1 question<" in client.get(SECOND_PAGE).content.decode()


def test_other_lesson_edits_leave_the_course_version_alone(mini_course):
    before = Course.objects.get(pk=mini_course.pk).updated_at
    first = Lesson.objects.get(slug="first")
    first.title = "First lesson, renamed"
    first.save()
    assert Course.objects.get(pk=mini_course.pk).updated_at == before


def test_deleting_a_lesson_starts_a_new_course_version(mini_course):
    before = Course.objects.get(pk=mini_course.pk).updated_at
    Lesson.objects.get(slug="second").delete()
    assert Course.objects.get(pk=mini_course.pk).updated_at > before


# --- New rows go after their siblings, not ahead of them (lead review) ------------------------


def test_the_lessons_sections_inline_offers_the_order_after_the_last_section(
    admin_client, mini_course
):
    lesson = Lesson.objects.get(slug="first")  # its sections are numbered 10, 20, 30
    page = admin_client.get(reverse("admin:lessons_lesson_change", args=[lesson.pk]))
    html = page.content.decode()
    new_row = html[html.index('name="sections-__prefix__-order"') - 200 :][:400]
    assert 'value="40"' in new_row


def test_a_section_added_on_its_own_page_with_order_left_alone_goes_last(admin_client, mini_course):
    lesson = Lesson.objects.get(slug="first")
    data = section_form(Section(lesson=lesson, order=0, title="Summary", slug="summary"))
    response = admin_client.post(reverse("admin:lessons_section_add"), data)
    assert response.status_code == 302
    slugs = list(lesson.sections.values_list("slug", flat=True))
    assert slugs[-1] == "summary" and Section.objects.get(slug="summary").order == 40
    # An order typed on purpose is kept.
    data = section_form(Section(lesson=lesson, order=5, title="Preface", slug="preface"))
    assert admin_client.post(reverse("admin:lessons_section_add"), data).status_code == 302
    assert list(lesson.sections.values_list("slug", flat=True))[0] == "preface"
