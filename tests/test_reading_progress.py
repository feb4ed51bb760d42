"""Marking sections read: htmx and plain POST, idempotence, refusals, statuses, visitor merge."""

import pytest
from django.test import Client
from django.urls import reverse

from lessons.models import Lesson, Section, SectionProgress
from lessons.progress import SESSION_KEY

pytestmark = pytest.mark.django_db


def read_url(section="intro", lesson="first", course="mini-mesh"):
    return reverse("mark-read", args=[course, lesson, section])


def test_htmx_mark_returns_the_progress_partial_and_out_of_band_button(learner_client, mini_course):
    response = learner_client.post(read_url(), HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    html = response.content.decode()
    assert "<html" not in html  # a partial, not the page
    assert "1 of 3 sections read" in html
    assert "In progress" in html
    assert 'id="read-intro" hx-swap-oob="true"' in html
    assert 'hx-swap-oob="innerHTML:#progress-live"' in html
    assert SectionProgress.objects.filter(section__slug="intro").count() == 1


def test_plain_post_redirects_back_to_the_section(learner_client, mini_course):
    response = learner_client.post(read_url())
    assert response.status_code == 302
    assert response["Location"] == "/courses/mini-mesh/first/#intro"
    page = learner_client.get("/courses/mini-mesh/first/").content.decode()
    assert "1 of 3 sections read" in page


def test_repeated_mark_is_a_noop(learner_client, learner, mini_course):
    learner_client.post(read_url())
    first = SectionProgress.objects.get(user=learner)
    learner_client.post(read_url())
    learner_client.post(read_url(), HTTP_HX_REQUEST="true")
    assert SectionProgress.objects.filter(user=learner).count() == 1
    assert SectionProgress.objects.get(user=learner).read_at == first.read_at


@pytest.mark.parametrize(
    "url",
    [read_url(section="nope"), read_url(lesson="nope"), read_url(course="nope")],
)
def test_unknown_section_is_refused_with_404(learner_client, mini_course, url):
    assert learner_client.post(url).status_code == 404
    assert not SectionProgress.objects.exists()


def test_unpublished_section_is_refused_even_for_staff(admin_client, mini_course):
    Lesson.objects.filter(slug="first").update(published=False)
    assert admin_client.post(read_url()).status_code == 404
    assert not SectionProgress.objects.exists()


def test_get_is_not_allowed(learner_client, mini_course):
    assert learner_client.get(read_url()).status_code == 405


def test_post_without_csrf_token_is_refused(learner, mini_course):
    strict = Client(enforce_csrf_checks=True)
    strict.force_login(learner)
    assert strict.post(read_url()).status_code == 403
    assert not SectionProgress.objects.exists()


def test_status_goes_from_not_started_to_completed_and_me_lists_it(learner_client, mini_course):
    me = learner_client.get("/me/").content.decode()
    assert me.count("Not started") == 2
    for slug in ["intro", "routing", "wrap-up"]:
        learner_client.post(read_url(section=slug))
    me = learner_client.get("/me/").content.decode()
    assert "Completed" in me
    assert "<time datetime=" in me  # when it was completed
    assert "3 / 3" in me


def test_adding_a_section_reopens_a_completed_lesson(learner_client, mini_course):
    for slug in ["intro", "routing", "wrap-up"]:
        learner_client.post(read_url(section=slug))
    lesson = Lesson.objects.get(slug="first")
    Section.objects.create(lesson=lesson, slug="new", title="New", order=99)
    page = learner_client.get("/courses/mini-mesh/first/").content.decode()
    assert "In progress" in page and "3 of 4 sections read" in page


def test_removing_the_unread_section_completes_the_lesson(learner_client, mini_course):
    for slug in ["intro", "routing"]:
        learner_client.post(read_url(section=slug))
    Section.objects.get(slug="wrap-up").delete()
    page = learner_client.get("/courses/mini-mesh/first/").content.decode()
    assert "Completed" in page and "2 of 2 sections read" in page


def test_me_requires_login(client):
    response = client.get("/me/")
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_continue_link_points_to_the_first_unread_section(learner_client, mini_course):
    learner_client.post(read_url(section="intro"))
    home = learner_client.get("/").content.decode()
    assert "Continue where you left off" in home
    assert 'href="/courses/mini-mesh/first/#routing"' in home


def test_visitor_marks_live_in_the_session_and_merge_at_login(client, learner, mini_course):
    client.post(read_url(section="intro"))
    client.post(read_url(section="routing"))
    assert "2 of 3 sections read" in client.get("/courses/mini-mesh/first/").content.decode()
    assert not SectionProgress.objects.exists()
    # The learner had already read "intro" on another device: no duplicate, earliest kept.
    earlier = SectionProgress.objects.create(
        user=learner, section=Section.objects.get(slug="intro"), read_at="2026-01-01T00:00Z"
    )
    earlier.refresh_from_db()
    response = client.post(reverse("login"), {"username": "ada", "password": "correct-horse-9"})
    assert response.status_code == 302
    marks = SectionProgress.objects.filter(user=learner)
    assert sorted(marks.values_list("section__slug", flat=True)) == ["intro", "routing"]
    assert marks.get(section__slug="intro").read_at == earlier.read_at
    assert SESSION_KEY not in client.session


def test_visitor_marks_merge_at_signup(client, mini_course, django_user_model):
    client.post(read_url(section="wrap-up"))
    response = client.post(
        reverse("signup"),
        {
            "username": "newbie",
            "password1": "a-long-pass-phrase-77",
            "password2": "a-long-pass-phrase-77",
        },
    )
    assert response.status_code == 302
    user = django_user_model.objects.get(username="newbie")
    assert list(user.section_progress.values_list("section__slug", flat=True)) == ["wrap-up"]


def test_damaged_session_marks_do_not_crash(client, mini_course, learner):
    session = client.session
    session[SESSION_KEY] = {"abc": "yesterday", "999999": "not-a-date"}
    session.save()
    assert client.get("/courses/mini-mesh/first/").status_code == 200
    client.post(reverse("login"), {"username": "ada", "password": "correct-horse-9"})
    assert not SectionProgress.objects.exists()  # nothing invalid carried over


def test_continue_follows_the_section_read_last_not_the_courses_first_gap(
    learner_client, learner, mini_course
):
    # Learner review: all the activity was in a later part, yet "continue" went to lesson 1.
    earlier, later = "2026-01-01T10:00Z", "2026-01-02T10:00Z"
    for slug, when in [("routing", earlier), ("only", later)]:
        SectionProgress.objects.create(
            user=learner, section=Section.objects.get(slug=slug), read_at=when
        )
    home = learner_client.get("/").content.decode()
    # "only" (lesson 2) was read last and nothing after it is unread: back to the first gap.
    assert 'href="/courses/mini-mesh/first/#intro"' in home
    SectionProgress.objects.filter(section__slug="only").update(read_at="2025-12-31T10:00Z")
    home = learner_client.get("/").content.decode()
    assert 'href="/courses/mini-mesh/first/#wrap-up"' in home  # the one after "routing"


def test_where_to_continue_is_the_first_gap_after_the_last_read():
    from datetime import datetime

    from lessons.progress import where_to_continue

    def at(day: int) -> datetime:
        return datetime(2026, 1, day)

    assert where_to_continue([1, 2, 3, 4], {}) == 1
    assert where_to_continue([1, 2, 3, 4], {3: at(2), 1: at(1)}) == 4
    assert where_to_continue([1, 2, 3, 4], {1: at(1), 3: at(5), 4: at(6)}) == 2  # wraps round
    assert where_to_continue([1, 2], {1: at(1), 2: at(1)}) is None
