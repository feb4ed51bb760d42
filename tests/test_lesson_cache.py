"""The lesson body is rendered once per content version: reused until the content changes."""

import re

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from lessons.models import ConfigExample, Lesson, Section
from meshlearn import fragments
from quizzes.models import Question, Quiz

pytestmark = pytest.mark.django_db

URL = "/courses/mini-mesh/first/"


@pytest.fixture(autouse=True)
def empty_cache():
    cache.clear()
    yield
    cache.clear()


def page(client) -> str:
    response = client.get(URL)
    assert response.status_code == 200
    return response.content.decode()


def queries_for(client) -> list[str]:
    with CaptureQueriesContext(connection) as captured:
        page(client)
    return [query["sql"] for query in captured.captured_queries]


def test_a_second_view_reuses_the_body_instead_of_reading_sections_and_examples(
    learner_client, mini_course
):
    first = queries_for(learner_client)
    second = queries_for(learner_client)
    example_table = ConfigExample._meta.db_table
    assert any(example_table in sql for sql in first)
    assert not any(example_table in sql for sql in second)
    assert len(second) < len(first)


def test_a_page_from_the_cache_is_the_page_rendered_fresh(learner_client, mini_course):
    # The masked CSRF token differs on every render; nothing else may.
    def without_tokens(html: str) -> str:
        return re.sub(r"[A-Za-z0-9]{64}", "TOKEN", html)

    fresh, cached = page(learner_client), page(learner_client)
    assert "TOKEN" in without_tokens(fresh)
    assert without_tokens(fresh) == without_tokens(cached)


def test_editing_a_section_shows_at_once(client, mini_course):
    assert "moves networking concerns" in page(client)
    section = Section.objects.get(slug="intro")
    section.body_markdown = "A mesh is *rewritten* here."
    section.save()
    html = page(client)
    assert "<em>rewritten</em>" in html and "moves networking concerns" not in html


def test_editing_an_example_shows_at_once(client, mini_course):
    page(client)
    example = ConfigExample.objects.get(slug="all-v1")
    example.title = "Every request to version one"
    example.save()
    assert "Every request to version one" in page(client)
    example.delete()
    assert "Every request to version one" not in page(client)


def test_adding_and_removing_a_section_shows_at_once(client, mini_course):
    page(client)
    lesson = Lesson.objects.get(slug="first")
    added = Section.objects.create(lesson=lesson, slug="later", title="Added later", order=50)
    html = page(client)
    assert 'id="later"' in html and "0 of 4 sections read" in html
    added.delete()
    assert 'id="later"' not in page(client)


def test_quiz_changes_show_on_the_lesson_at_once(client, mini_course):
    page(client)
    quiz = Quiz.objects.get(slug="first-check")
    quiz.title = "A renamed check"
    quiz.save()
    assert "A renamed check" in page(client)
    Question.objects.create(quiz=quiz, prompt="Another?", explanation="Because.")
    assert "2 short questions" in page(client)


def test_the_key_comes_from_the_database_so_a_stale_process_cannot_serve_old_content(
    client, mini_course
):
    page(client)  # this "process" cached the body
    section = Section.objects.get(slug="intro")
    # Another process changed the content: its signal bumped the lesson's version in the
    # database, not this process's cache. The next request here must still see the change.
    Section.objects.filter(pk=section.pk).update(body_html="<p>Changed elsewhere</p>")
    Lesson.objects.filter(slug="first").update(updated_at="2030-01-01T00:00Z")
    assert "Changed elsewhere" in page(client)


def test_per_learner_parts_are_not_shared_through_the_cache(
    client, learner, other_learner, mini_course
):
    client.force_login(learner)
    client.post(reverse("mark-read", args=["mini-mesh", "first", "intro"]))
    assert "1 of 3 sections read" in page(client)
    client.force_login(other_learner)
    html = page(client)
    assert "0 of 3 sections read" in html
    assert html.count("read-button") == 3


def test_the_table_of_contents_survives_an_htmx_mark(learner_client, mini_course):
    response = learner_client.post(
        reverse("mark-read", args=["mini-mesh", "first", "routing"]), HTTP_HX_REQUEST="true"
    )
    html = response.content.decode()
    assert 'class="toc"' in html
    assert html.index("Introduction") < html.index("Routing") < html.index("Wrap-up")


def test_a_cache_outage_slows_the_page_but_does_not_break_it(client, mini_course, monkeypatch):
    def down(*args, **kwargs):
        raise ConnectionError("Redis is down")

    monkeypatch.setattr(fragments.cache, "get", down)
    monkeypatch.setattr(fragments.cache, "set", down)
    html = page(client)
    assert "moves networking concerns" in html and "0 of 3 sections read" in html
