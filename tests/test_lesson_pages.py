"""Catalogue, course and lesson pages: content, drafts, 404s and the query budget."""

import math
import re

import pytest
from django.urls import reverse
from django.utils import timezone

from lessons.models import ConfigExample, Course, Lesson, Section, SectionProgress

pytestmark = pytest.mark.django_db


def lesson_url(course="mini-mesh", lesson="first"):
    return reverse("lesson", args=[course, lesson])


def test_home_lists_published_courses_with_progress_and_start_link(client, mini_course):
    html = client.get("/").content.decode()
    assert "A small mesh course" in html
    assert "0 of 4 sections read" in html
    # The lesson's top (title, reading time, contents), not its first section's anchor.
    assert '<a class="button" href="/courses/mini-mesh/first/">Start the course</a>' in html
    assert "#intro" not in html


def test_unpublished_course_is_not_listed(client, mini_course):
    Course.objects.update(published=False)
    assert "A small mesh course" not in client.get("/").content.decode()
    assert client.get("/courses/mini-mesh/").status_code == 404
    assert client.get(lesson_url()).status_code == 404


def test_course_page_lists_lessons_with_status(client, mini_course):
    html = client.get("/courses/mini-mesh/").content.decode()
    assert html.index("First lesson") < html.index("Second lesson")
    assert html.count("Not started") == 2


def test_lesson_page_shows_toc_sections_examples_and_navigation(client, mini_course):
    response = client.get(lesson_url())
    assert response.status_code == 200
    html = response.content.decode()
    toc = html[html.index('class="toc"') :]
    assert toc.index("Introduction") < toc.index("Routing") < toc.index("Wrap-up")
    assert 'id="intro"' in html and 'id="routing"' in html
    assert "1 min read" in html
    assert '<span class="nt">apiVersion</span>' in html  # stored Pygments HTML
    assert "Open in lab" in html and "Copy" in html
    assert 'rel="next"' in html and "Second lesson" in html
    assert 'rel="prev"' not in html
    assert "Check the first lesson" in html  # lesson quiz call to action
    assert "https://istio.io/latest/docs/overview/what-is-istio/" in html


def test_reading_time_is_derived_from_text(mini_course):
    lesson = Lesson.objects.get(slug="first")
    section = lesson.sections.first()
    section.body_markdown = "word " * 1000
    section.save()
    lesson.refresh_reading_minutes()
    assert lesson.reading_minutes == 6  # 1000 words + the rest of the lesson, at 200 wpm


@pytest.mark.parametrize(
    "url",
    ["/courses/nope/", "/courses/mini-mesh/nope/", "/courses/nope/first/"],
)
def test_unknown_slugs_404(client, mini_course, url):
    assert client.get(url).status_code == 404


def test_draft_lesson_is_404_for_learners_and_a_preview_for_staff(
    client, learner_client, admin_client, mini_course
):
    Lesson.objects.filter(slug="second").update(published=False)
    assert client.get(lesson_url(lesson="second")).status_code == 404
    assert learner_client.get(lesson_url(lesson="second")).status_code == 404
    assert "Second lesson" not in client.get(lesson_url()).content.decode()  # no "next" link
    preview = admin_client.get(lesson_url(lesson="second"))
    assert preview.status_code == 200
    assert "Draft preview" in preview.content.decode()
    assert "Mark" not in preview.content.decode()  # drafts collect no read marks


def _grow_lesson(lesson: Lesson, sections: int, examples_each: int) -> None:
    for s in range(sections):
        section = Section.objects.create(
            lesson=lesson, slug=f"extra-{s}", order=100 + s, title=f"Extra {s}", body_markdown="x"
        )
        for e in range(examples_each):
            ConfigExample.objects.create(
                section=section,
                slug=f"ex-{e}",
                order=e,
                title=f"Ex {e}",
                yaml_text="apiVersion: networking.istio.io/v1\nkind: Gateway\n",
            )


@pytest.mark.parametrize("who", ["visitor", "learner"])
def test_lesson_page_query_count_is_constant(
    client, learner, mini_course, who, django_assert_max_num_queries
):
    if who == "learner":
        client.force_login(learner)
    lesson = Lesson.objects.get(slug="first")
    # Drawn afresh (nothing cached yet): session and user (the learner), the course's lessons,
    # the sections with their read marks, every section's examples, the lesson's quizzes, its
    # practice tasks (the last three only when not cached yet), and the learner's standing on
    # them (lessons/requirements.py).
    budget = 8 if who == "learner" else 6
    with django_assert_max_num_queries(budget) as small:
        assert client.get(lesson_url()).status_code == 200
    _grow_lesson(lesson, sections=12, examples_each=3)
    with django_assert_max_num_queries(budget) as large:
        html = client.get(lesson_url()).content.decode()
    assert len(re.findall(r'class="lesson-section', html)) == 15
    assert len(large.captured_queries) == len(small.captured_queries)


def test_home_query_count_is_constant(client, learner, mini_course, django_assert_max_num_queries):
    client.force_login(learner)
    # Session and user; the catalogue's courses, lessons and sections; the final quizzes with
    # whether the learner passed them; the learner's marks; the practice tasks with their
    # passes; the "Your teams" block.
    with django_assert_max_num_queries(9) as small:
        client.get("/")
    _grow_lesson(Lesson.objects.get(slug="first"), sections=10, examples_each=1)
    with django_assert_max_num_queries(9) as large:
        client.get("/")
    assert len(large.captured_queries) == len(small.captured_queries)


def test_course_page_query_count_is_constant(
    client, learner, mini_course, django_assert_max_num_queries
):
    client.force_login(learner)
    # Session and user, the course, its published lessons, their sections, the learner's marks,
    # the lessons' practice tasks with the learner's passes.
    with django_assert_max_num_queries(7) as small:
        assert client.get("/courses/mini-mesh/").status_code == 200
    lesson = Lesson.objects.get(slug="first")
    _grow_lesson(lesson, sections=10, examples_each=1)
    for section in lesson.sections.all():
        SectionProgress.objects.create(user=learner, section=section, read_at=timezone.now())
    with django_assert_max_num_queries(7) as large:
        html = client.get("/courses/mini-mesh/").content.decode()
    assert "13 of 14 sections read" in html
    assert len(large.captured_queries) == len(small.captured_queries)


def test_course_page_and_card_give_the_reading_time_and_what_is_left(client, learner, mini_course):
    lessons = list(Lesson.objects.filter(course=mini_course).order_by("order"))
    Lesson.objects.filter(pk=lessons[0].pk).update(reading_minutes=12)
    Lesson.objects.filter(pk=lessons[1].pk).update(reading_minutes=7)
    html = client.get("/courses/mini-mesh/").content.decode()
    assert f"{len(lessons)} lessons, 19 min of reading" in html
    assert "min left" not in html  # nothing read yet: the total says it
    client.force_login(learner)
    first = lessons[0].sections.order_by("order")
    half = first.count() // 2 or 1
    for section in first[:half]:
        SectionProgress.objects.create(user=learner, section=section, read_at=timezone.now())
    left = math.ceil(12 * (first.count() - half) / first.count() + 7)
    for page in ("/courses/mini-mesh/", "/"):
        html = client.get(page).content.decode()
        assert f"19 min of reading ({left} min left)" in html, page
