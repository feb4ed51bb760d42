"""The lesson page's shared parts are cached per content version and release; the learner's
parts are drawn for each request, and the page is the same either way."""

import re

import pytest
from django.contrib.messages import get_messages
from django.contrib.messages.storage.fallback import FallbackStorage
from django.contrib.sessions.backends.db import SessionStore
from django.core.cache import cache
from django.db import connection
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from lessons.models import ConfigExample, Lesson, Section
from lessons.views import lesson_detail
from quizzes.models import Question, Quiz

pytestmark = pytest.mark.django_db

URL = "/courses/mini-mesh/first/"


@pytest.fixture(autouse=True)
def empty_cache():
    cache.clear()
    yield
    cache.clear()


def page(client, url=URL) -> str:
    response = client.get(url)
    assert response.status_code == 200
    return response.content.decode()


def queries_for(client) -> list[str]:
    with CaptureQueriesContext(connection) as captured:
        page(client)
    return [query["sql"] for query in captured.captured_queries]


def without_tokens(html: str) -> str:
    # Every render masks the CSRF secret afresh; nothing else may differ.
    return re.sub(r"[A-Za-z0-9]{64}", "TOKEN", html)


def test_a_second_view_reuses_the_bodies_instead_of_reading_examples_and_quizzes(
    learner_client, mini_course
):
    first = queries_for(learner_client)
    second = queries_for(learner_client)
    for table in (ConfigExample._meta.db_table, Quiz._meta.db_table):
        assert any(table in sql for sql in first), table
        assert not any(table in sql for sql in second), table
    assert len(second) < len(first)


def test_a_page_from_the_cache_is_the_page_rendered_fresh(learner_client, mini_course):
    fresh, cached = page(learner_client), page(learner_client)
    assert "TOKEN" in without_tokens(fresh)
    assert without_tokens(fresh) == without_tokens(cached)


@pytest.mark.parametrize("who", ["visitor", "learner"])
def test_a_warm_page_costs_a_fixed_few_queries(
    client, learner, mini_course, who, django_assert_num_queries
):
    if who == "learner":
        client.force_login(learner)
    page(client)
    # The learner: session, user, the course's lessons, the lesson's sections with their read
    # marks, its practice tasks with their passes. A visitor without a session: the lessons, the
    # sections and the tasks.
    with django_assert_num_queries(5 if who == "learner" else 3):
        page(client)


def test_a_new_release_draws_the_bodies_anew(client, mini_course, settings):
    page(client)
    settings.MESHLEARN_RELEASE = "next-release"
    example_table = ConfigExample._meta.db_table
    assert any(example_table in sql for sql in queries_for(client))
    assert not any(example_table in sql for sql in queries_for(client))


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
    quiz.delete()
    assert "Check your understanding" not in page(client)


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
    html = page(client)
    assert "1 of 3 sections read" in html and ">ada<" in html
    client.force_login(other_learner)
    html = page(client)
    assert "0 of 3 sections read" in html and ">bob<" in html and ">ada<" not in html
    assert html.count("read-button") == 3


def test_the_table_of_contents_survives_an_htmx_mark(learner_client, mini_course):
    response = learner_client.post(
        reverse("mark-read", args=["mini-mesh", "first", "routing"]), HTTP_HX_REQUEST="true"
    )
    html = response.content.decode()
    assert 'class="toc"' in html
    assert html.index("Introduction") < html.index("Routing") < html.index("Wrap-up")


def test_the_page_escapes_what_the_learner_sent(client, mini_course, django_user_model):
    odd = django_user_model.objects.create_user("o'neil+<b>", password="x-very-long-9")
    hostile = URL + '?q="><script>alert(1)</script>'
    anonymous = page(client, hostile)
    assert "<script>alert" not in anonymous and "%253Cscript%253E" in anonymous  # quoted
    client.force_login(odd)
    html = page(client, hostile)
    assert "<script>alert" not in html and "<b>" not in html
    assert "o&#x27;neil+&lt;b&gt;" in html


def test_a_visitor_s_login_link_comes_back_to_the_page(client, mini_course):
    client.post(reverse("mark-read", args=["mini-mesh", "first", "intro"]))
    html = page(client, URL + "?from=home&x=1")
    assert "1 of 3 sections read" in html and "Log in" in html
    assert "next=/courses/mini-mesh/first/%3Ffrom%3Dhome%26x%3D1" in html


def test_a_staff_preview_of_a_draft_shares_no_learner_parts(client, mini_course, learner):
    Lesson.objects.filter(slug="first").update(published=False)
    learner.is_staff = True
    learner.save()
    client.force_login(learner)
    html = page(client)
    assert "Draft preview" in html and "read-button" not in html
    assert ">Admin</a>" in html


def request_with_messages(user):
    request = RequestFactory().get(URL)
    request.user, request.session = user, SessionStore()
    request._messages = FallbackStorage(request)  # as MessageMiddleware sets it
    return request


def test_a_pending_message_is_shown_once(mini_course, learner):
    first = request_with_messages(learner)
    get_messages(first).add(25, "Welcome back to the course.")
    html = lesson_detail(first, "mini-mesh", "first").content.decode()
    assert "Welcome back to the course." in html
    later = lesson_detail(request_with_messages(learner), "mini-mesh", "first")
    assert "Welcome back" not in later.content.decode()


def test_a_neighbour_s_new_title_and_publishing_reach_the_pager(client, mini_course):
    page(client)
    second = Lesson.objects.get(slug="second")
    second.title = "A renamed second lesson"
    second.save()
    assert "A renamed second lesson" in page(client)
    second.published = False
    second.save()
    html = page(client)
    assert "A renamed second lesson" not in html and 'rel="next"' not in html


def test_a_cache_outage_slows_the_page_but_does_not_break_it(client, mini_course, monkeypatch):
    def down(*args, **kwargs):
        raise ConnectionError("Redis is down")

    monkeypatch.setattr(cache, "get", down)
    monkeypatch.setattr(cache, "set", down)
    html = page(client)
    assert "moves networking concerns" in html and "0 of 3 sections read" in html
