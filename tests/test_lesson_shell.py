"""The lesson page served from its cached shell is the page Django renders in full."""

import re
from datetime import timedelta

import pytest
from django.contrib.auth.models import AnonymousUser
from django.contrib.messages import get_messages
from django.contrib.messages.storage.fallback import FallbackStorage
from django.contrib.sessions.backends.db import SessionStore
from django.core.cache import cache
from django.shortcuts import render
from django.test import RequestFactory
from django.urls import reverse
from django.utils import timezone

from calculator import cache as calculator_cache
from lessons import lesson_page
from lessons.models import Lesson, Section, SectionProgress
from lessons.progress import SESSION_KEY
from lessons.views import _lesson_context, lesson_detail
from meshlearn import fragments

pytestmark = pytest.mark.django_db

COURSE, LESSON = "mini-mesh", "first"
URL = reverse("lesson", args=[COURSE, LESSON])


@pytest.fixture(autouse=True)
def no_shells():
    cache.clear()
    lesson_page._recent_shells.clear()
    yield
    cache.clear()
    lesson_page._recent_shells.clear()


def request_for(user=None, marks=(), path=URL):
    request = RequestFactory().get(path)
    request.user = user or AnonymousUser()
    request.session = SessionStore()
    if marks:
        request.session[SESSION_KEY] = {str(sid): timezone.now().isoformat() for sid in marks}
    request._messages = FallbackStorage(request)
    return request


def without_tokens(html: str) -> str:
    # Every render masks the CSRF secret afresh; nothing else may differ.
    return re.sub(r"[A-Za-z0-9]{64}", "TOKEN", html)


def both_ways(request, lesson=LESSON) -> tuple[str, str]:
    """(the page from the shell, the page Django renders in full) for the same request."""
    shell = lesson_detail(request, COURSE, lesson)
    assert shell.status_code == 200
    full = render(request, "lessons/lesson.html", _lesson_context(request, COURSE, lesson))
    return without_tokens(shell.content.decode()), without_tokens(full.content.decode())


def mark(user, *slugs):
    for slug in slugs:
        section = Section.objects.get(lesson__slug=LESSON, slug=slug)
        SectionProgress.objects.create(user=user, section=section, read_at=timezone.now())


@pytest.mark.parametrize("read", [(), ("intro",), ("intro", "routing", "wrap-up")])
def test_a_learner_s_page_from_the_shell_is_the_full_render(mini_course, learner, read):
    mark(learner, *read)
    from_shell, full = both_ways(request_for(learner))
    assert f"{len(read)} of 3 sections read" in from_shell
    assert from_shell == full


def test_a_visitor_s_page_with_session_marks_is_the_full_render(mini_course):
    intro = Section.objects.get(lesson__slug=LESSON, slug="intro")
    from_shell, full = both_ways(request_for(marks=[intro.id], path=URL + "?from=home&x=1"))
    assert "1 of 3 sections read" in from_shell and "Log in" in from_shell
    assert "next=/courses/mini-mesh/first/%3Ffrom%3Dhome%26x%3D1" in from_shell
    assert from_shell == full


def test_a_staff_preview_of_a_draft_is_the_full_render(mini_course, learner):
    Lesson.objects.filter(slug=LESSON).update(published=False)
    learner.is_staff = True
    learner.save()
    from_shell, full = both_ways(request_for(learner))
    assert "Draft preview" in from_shell and "read-button" not in from_shell
    assert ">Admin</a>" in from_shell
    assert from_shell == full


def test_the_shell_escapes_what_the_learner_sent(mini_course, django_user_model):
    odd = django_user_model.objects.create_user("o'neil+<b>", password="x-very-long-9")
    hostile = URL + '?q="><script>alert(1)</script>'
    from_shell, full = both_ways(request_for(odd, path=hostile))
    assert "<script>alert" not in from_shell and "<b>" not in from_shell
    assert "o&#x27;neil+&lt;b&gt;" in from_shell
    assert from_shell == full
    anonymous, _ = both_ways(request_for(path=hostile))
    assert "<script>alert" not in anonymous and "%253Cscript%253E" in anonymous  # quoted


def test_one_shell_serves_learners_with_different_marks(mini_course, learner, other_learner):
    mark(learner, "intro")
    first = lesson_detail(request_for(learner), COURSE, LESSON).content.decode()
    second = lesson_detail(request_for(other_learner), COURSE, LESSON).content.decode()
    assert len(lesson_page._recent_shells) == 1
    assert "1 of 3 sections read" in first and "0 of 3 sections read" in second
    assert first.count("read-button") == 2 and second.count("read-button") == 3
    assert ">ada<" in first and ">bob<" in second and ">ada<" not in second


def test_a_pending_message_is_shown_once(mini_course, learner):
    request = request_for(learner)
    get_messages(request).add(25, "Welcome back to the course.")
    html = lesson_detail(request, COURSE, LESSON).content.decode()
    assert "Welcome back to the course." in html
    later = lesson_detail(request_for(learner), COURSE, LESSON).content.decode()
    assert "Welcome back" not in later


def test_a_neighbour_s_new_title_and_publishing_reach_the_pager(client, mini_course):
    client.get(URL)
    second = Lesson.objects.get(slug="second")
    second.title = "A renamed second lesson"
    second.save()
    assert "A renamed second lesson" in client.get(URL).content.decode()
    second.published = False
    second.save()
    html = client.get(URL).content.decode()
    assert "A renamed second lesson" not in html and 'rel="next"' not in html


def test_a_shell_is_shared_between_processes_through_the_cache(client, mini_course):
    client.get(URL)
    stored = [key for key in cache._cache if "lesson-shell" in key]
    assert len(stored) == 1
    lesson_page._recent_shells.clear()  # another process: only the shared cache has the shell
    html = client.get(URL).content.decode()
    assert "0 of 3 sections read" in html and "slot" + lesson_page._MARK[4:] not in html


def test_a_cache_outage_still_serves_the_page(client, mini_course, monkeypatch):
    def down(*args, **kwargs):
        raise ConnectionError("Redis is down")

    monkeypatch.setattr(fragments.cache, "get", down)
    monkeypatch.setattr(fragments.cache, "set", down)
    response = client.get(URL)
    assert response.status_code == 200 and "0 of 3 sections read" in response.content.decode()


def test_the_recent_shells_stay_bounded(mini_course, monkeypatch):
    monkeypatch.setattr(lesson_page, "RECENT_SHELLS", 2)
    lesson = Lesson.objects.get(slug=LESSON)
    for minutes in range(4):  # four content versions in a row
        Lesson.objects.filter(pk=lesson.pk).update(
            updated_at=timezone.now() + timedelta(minutes=minutes)
        )
        lesson_detail(request_for(), COURSE, LESSON)
    assert len(lesson_page._recent_shells) == 2


@pytest.mark.parametrize("who", ["visitor", "learner"])
def test_the_page_costs_a_fixed_few_queries_once_its_shell_exists(
    client, learner, mini_course, who, django_assert_num_queries
):
    if who == "learner":
        client.force_login(learner)
    client.get(URL)
    # The learner: session, user, the course's lessons, their marks. A visitor without a
    # session: the course's lessons only.
    with django_assert_num_queries(4 if who == "learner" else 1):
        assert client.get(URL).status_code == 200


def test_the_cache_key_covers_every_template_the_page_is_drawn_from(client, shipped_course):
    from django.test.signals import template_rendered

    drawn = set()

    def seen(sender, template, **kwargs):
        drawn.add(template.origin.template_name)

    template_rendered.connect(seen)
    try:
        # The shipped course has a calculator section: its embed is drawn into the body.
        for lesson in shipped_course.lessons.all():
            client.get(lesson.get_absolute_url())
    finally:
        template_rendered.disconnect(seen)
    assert "lessons/partials/_calculator_embed.html" in drawn
    # The calculator's digest covers its own templates and Django's form widgets (by version).
    widgets = {name for name in drawn if name.startswith("django/forms/widgets/")}
    covered = {*lesson_page.SHAPE_TEMPLATES, *calculator_cache.SHAPE_TEMPLATES}
    assert drawn - widgets <= covered


def test_a_new_static_manifest_is_a_new_cache_key(monkeypatch):
    class Manifest:
        def __init__(self, digest):
            self.manifest_hash = digest

    keys = set()
    for digest in ("old-release", "new-release"):
        monkeypatch.setattr(lesson_page, "staticfiles_storage", Manifest(digest))
        lesson_page._template_digest.cache_clear()
        keys.add(lesson_page._template_digest())
    lesson_page._template_digest.cache_clear()
    assert len(keys) == 2
