"""Team leads: people who run their teams' training without authoring the course.

A team lead is in the "Team leads" group and is not staff: they create teams and run the ones
they lead on the /teams/ pages (dashboard, member pages, CSV export, invite link, removing a
learner), see nobody else's team, and the admin is closed to them. Instructors keep everything
they had; someone in both groups has both.
"""

import re

import pytest
from django.contrib.auth.models import Group, Permission
from django.contrib.contenttypes.models import ContentType
from django.core.management import CommandError, call_command
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from lessons.models import ConfigExample, Course, Lesson, Section, SectionProgress
from quizzes.models import Question, Quiz
from teams.instructors import (
    GROUP_NAME,
    TEAM_LEADS_GROUP,
    can_create_teams,
    ensure_team_leads_group,
    is_instructor,
)
from teams.models import Membership, Team
from teams.services import membership_join, team_create

pytestmark = pytest.mark.django_db

PASSWORD = "a-long-team-lead-passphrase"


def make_user(django_user_model, username: str, *groups: str, staff: bool = False):
    user = django_user_model.objects.create_user(username, f"{username}@example.com", PASSWORD)
    user.is_staff = staff
    user.save()
    for name in groups:
        user.groups.add(Group.objects.get(name=name))
    return user


def client_for(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def lead(django_user_model):
    return make_user(django_user_model, "lena", TEAM_LEADS_GROUP)


@pytest.fixture
def other_lead(django_user_model):
    return make_user(django_user_model, "leo", TEAM_LEADS_GROUP)


@pytest.fixture
def instructor(django_user_model):
    return make_user(django_user_model, "ines", GROUP_NAME, staff=True)


@pytest.fixture
def lead_team(mini_course, lead, learner):
    team = team_create(name="Support crew", slug="support", courses=[mini_course], creator=lead)
    membership_join(team=team, user=learner)
    return team


@pytest.fixture
def other_lead_team(mini_course, other_lead, other_learner):
    team = team_create(name="Field team", slug="field", courses=[mini_course], creator=other_lead)
    membership_join(team=team, user=other_learner)
    return team


# --- the group and who counts as what ---


def test_migration_creates_the_team_leads_group_with_no_permission():
    group = Group.objects.get(name=TEAM_LEADS_GROUP)
    assert not group.permissions.exists()


def test_ensure_group_is_idempotent_and_removes_drift():
    group = Group.objects.get(name=TEAM_LEADS_GROUP)
    group.permissions.add(
        Permission.objects.get(
            content_type=ContentType.objects.get_for_model(Lesson), codename="change_lesson"
        )
    )
    ensure_team_leads_group()
    ensure_team_leads_group()
    assert Group.objects.filter(name=TEAM_LEADS_GROUP).count() == 1
    assert not group.permissions.exists()


def test_who_may_create_teams(django_user_model, learner, lead, instructor):
    root = django_user_model.objects.create_superuser("root", "r@example.com", PASSWORD)
    not_staff = make_user(django_user_model, "ivo", GROUP_NAME)  # as before: instructors need staff
    inactive = make_user(django_user_model, "gone", TEAM_LEADS_GROUP)
    inactive.is_active = False
    assert [can_create_teams(u) for u in (lead, instructor, root)] == [True, True, True]
    assert [can_create_teams(u) for u in (learner, not_staff, inactive)] == [False, False, False]
    assert not is_instructor(lead)  # a team lead authors nothing


def test_a_team_lead_holds_no_content_permission(lead):
    for perm in [
        "lessons.add_lesson",
        "lessons.change_lesson",
        "lessons.change_section",
        "lessons.change_course",
        "lessons.change_configexample",
        "quizzes.change_quiz",
        "quizzes.change_question",
        "quizzes.delete_choice",
        "teams.change_team",
    ]:
        assert not lead.has_perm(perm), perm


# --- createteamlead ---


def test_createteamlead_makes_a_user_in_the_group_who_is_not_staff(monkeypatch, django_user_model):
    monkeypatch.setenv("DJANGO_TEAM_LEAD_PASSWORD", PASSWORD)
    call_command("createteamlead", "tara", "--email", "tara@example.com", "--no-input")
    user = django_user_model.objects.get(username="tara")
    assert not user.is_staff and not user.is_superuser
    assert user.email == "tara@example.com" and user.check_password(PASSWORD)
    assert list(user.groups.values_list("name", flat=True)) == [TEAM_LEADS_GROUP]
    assert can_create_teams(user) and not is_instructor(user)


def test_createteamlead_refuses_a_new_user_without_a_password(monkeypatch, django_user_model):
    monkeypatch.delenv("DJANGO_TEAM_LEAD_PASSWORD", raising=False)
    with pytest.raises(CommandError, match="DJANGO_TEAM_LEAD_PASSWORD"):
        call_command("createteamlead", "tara", "--no-input")
    assert not django_user_model.objects.exists()


def test_createteamlead_keeps_an_instructors_rights(monkeypatch, instructor):
    monkeypatch.delenv("DJANGO_TEAM_LEAD_PASSWORD", raising=False)
    call_command("createteamlead", instructor.username, "--no-input")
    instructor.refresh_from_db()
    assert instructor.is_staff and is_instructor(instructor)  # nothing taken away
    assert set(instructor.groups.values_list("name", flat=True)) == {GROUP_NAME, TEAM_LEADS_GROUP}
    assert instructor.check_password(PASSWORD)


# --- running their own team on the site ---


def test_a_team_lead_creates_a_team_and_runs_it(mini_course, lead, learner):
    client = client_for(lead)
    listing = client.get(reverse("team-list")).content.decode()
    assert f'href="{reverse("team-new")}">New team</a>' in listing
    assert client.get(reverse("team-new")).status_code == 200
    response = client.post(
        reverse("team-new"), {"name": "Night shift", "slug": "", "courses": [mini_course.pk]}
    )
    assert response.status_code == 302 and response["Location"] == "/teams/night-shift/"
    team = Team.objects.get(slug="night-shift")
    assert Membership.objects.get(team=team, user=lead).role == Membership.Role.INSTRUCTOR

    dashboard = client.get(response["Location"]).content.decode()
    assert f"http://testserver/teams/join/{team.invite_token}/" in dashboard
    assert client_for(learner).post(team.get_invite_url()).status_code == 302

    dashboard = client.get(response["Location"]).content.decode()
    member_url = reverse("team-member", args=[team.slug, learner.username])
    assert f'href="{member_url}"' in dashboard
    member = client.get(member_url)
    assert member.status_code == 200 and "Introduction" in member.content.decode()
    export = client.get(reverse("team-export", args=[team.slug]))
    assert export.status_code == 200 and export["Content-Type"] == "text/csv; charset=utf-8"
    assert "ada" in b"".join(export.streaming_content).decode("utf-8-sig")


def test_a_team_lead_revokes_the_invite_link(lead_team, lead):
    old = lead_team.invite_token
    response = client_for(lead).post(reverse("team-regenerate-invite", args=[lead_team.slug]))
    lead_team.refresh_from_db()
    assert response.status_code == 302 and lead_team.invite_token != old


def test_a_team_lead_removes_a_learner_who_keeps_their_progress(lead_team, lead, learner):
    SectionProgress.objects.create(
        user=learner, section=Section.objects.get(slug="intro"), read_at=timezone.now()
    )
    client = client_for(lead)
    url = reverse("team-remove-member", args=[lead_team.slug, learner.username])
    member_page = client.get(reverse("team-member", args=[lead_team.slug, learner.username]))
    assert f'action="{url}"' in member_page.content.decode()
    response = client.post(url, follow=True)
    assert response.redirect_chain[-1][0] == lead_team.get_absolute_url()
    html = response.content.decode()
    assert "ada is no longer in Support crew" in html
    assert not Membership.objects.filter(team=lead_team, user=learner).exists()
    assert SectionProgress.objects.filter(user=learner).count() == 1


def test_removing_is_for_learners_only_and_needs_a_post_and_a_csrf_token(
    lead_team, lead, learner, instructor
):
    membership_join(team=lead_team, user=instructor)
    Membership.objects.filter(team=lead_team, user=instructor).update(role="instructor")
    client = client_for(lead)
    for username in (lead.username, instructor.username, "nobody"):  # co-instructors: the admin
        url = reverse("team-remove-member", args=[lead_team.slug, username])
        assert client.post(url).status_code == 404
    own_page = client.get(reverse("team-member", args=[lead_team.slug, lead.username]))
    assert "/remove/" not in own_page.content.decode()
    url = reverse("team-remove-member", args=[lead_team.slug, learner.username])
    assert client.get(url).status_code == 405
    strict = Client(enforce_csrf_checks=True)
    strict.force_login(lead)
    assert strict.post(url).status_code == 403
    assert Membership.objects.filter(team=lead_team).count() == 3


def test_a_team_lead_sees_only_the_teams_they_lead(
    lead_team, other_lead_team, lead, other_lead, instructor, mini_course
):
    instructors_team = team_create(
        name="Authors", slug="authors", courses=[mini_course], creator=instructor
    )
    client = client_for(lead)
    for team, username in [(other_lead_team, "bob"), (instructors_team, instructor.username)]:
        for url in [
            reverse("team-dashboard", args=[team.slug]),
            reverse("team-member", args=[team.slug, username]),
            reverse("team-export", args=[team.slug]),
        ]:
            response = client.get(url)
            assert response.status_code == 404, url
            assert team.name not in response.content.decode()
        for url in [
            reverse("team-regenerate-invite", args=[team.slug]),
            reverse("team-remove-member", args=[team.slug, username]),
        ]:
            assert client.post(url).status_code == 404, url
    assert Membership.objects.filter(team=other_lead_team).count() == 2
    listing = client.get(reverse("team-list")).content.decode()
    assert "Support crew" in listing
    assert "Field team" not in listing and "Authors" not in listing
    # And the other way round: neither the other lead nor an instructor sees this lead's team.
    for outsider in (other_lead, instructor):
        dashboard = reverse("team-dashboard", args=[lead_team.slug])
        assert client_for(outsider).get(dashboard).status_code == 404


# --- the admin is closed, and the site offers nothing they cannot use ---


def content_admin_pages() -> list[str]:
    """The add and change pages of every kind of course content (the mini course has one of
    each), and their lists."""
    objects = {
        "lessons_course": Course.objects.get(slug="mini-mesh"),
        "lessons_lesson": Lesson.objects.get(slug="first"),
        "lessons_section": Section.objects.get(slug="routing"),
        "lessons_configexample": ConfigExample.objects.first(),
        "quizzes_quiz": Quiz.objects.get(slug="first-check"),
        "quizzes_question": Question.objects.filter(quiz__slug="first-check").first(),
    }
    pages = []
    for name, obj in objects.items():
        assert obj is not None, name
        pages += [
            reverse(f"admin:{name}_change", args=[obj.pk]),
            reverse(f"admin:{name}_add"),
            reverse(f"admin:{name}_changelist"),
        ]
    return pages


def test_the_admin_is_closed_to_a_team_lead(mini_course, lead):
    client = client_for(lead)
    for url in [reverse("admin:index"), *content_admin_pages()]:
        response = client.get(url)
        assert response.status_code == 302, url
        assert response["Location"].startswith(reverse("admin:login")), url


def test_a_staff_team_lead_is_refused_every_content_page(mini_course, lead):
    """Ticking "Staff status" by mistake opens the admin, where the group grants nothing."""
    lead.is_staff = True
    lead.save()
    client = client_for(lead)
    for url in content_admin_pages():
        assert client.get(url).status_code == 403, url
    lesson = Lesson.objects.get(slug="first")
    change = reverse("admin:lessons_lesson_change", args=[lesson.pk])
    assert client.post(change, {"title": "Defaced", "slug": "first"}).status_code == 403
    assert Lesson.objects.get(pk=lesson.pk).title == "First lesson"
    index = client.get(reverse("admin:index")).content.decode()
    for label in ["Lessons", "Sections", "Quizzes", "Questions", "Courses", "Teams"]:
        assert f">{label}<" not in index, label


def test_the_site_offers_a_team_lead_no_authoring(mini_course, lead_team, lead):
    client = client_for(lead)
    for url in [
        reverse("team-list"),
        reverse("team-new"),
        reverse("team-dashboard", args=[lead_team.slug]),
        reverse("team-member", args=[lead_team.slug, "ada"]),
        "/",
        mini_course.get_absolute_url(),
        Lesson.objects.get(slug="first").get_absolute_url(),
    ]:
        html = client.get(url).content.decode()
        assert "/admin/" not in html, url
        assert f'href="{reverse("team-list")}">Teams</a>' in html, url  # their way in


def test_a_team_lead_sees_no_drafts(mini_course, lead_team, lead, instructor):
    draft = Course.objects.create(slug="draft-course", title="Unreleased course", published=False)
    Lesson.objects.filter(slug="second").update(published=False)
    client = client_for(lead)
    assert "Unreleased course" not in client.get(reverse("team-new")).content.decode()
    response = client.post(reverse("team-new"), {"name": "Sneaky", "courses": [draft.pk]})
    assert response.status_code == 200 and not Team.objects.filter(name="Sneaky").exists()
    assert client.get(Lesson.objects.get(slug="second").get_absolute_url()).status_code == 404
    # A draft an instructor assigned shows on the dashboard as text, not as a link to a 404.
    lead_team.courses.add(draft)
    lede = client.get(lead_team.get_absolute_url()).content.decode().split('class="lede"')[1]
    lede = lede.split("</p>")[0]
    assert "Unreleased course (draft)" in lede and draft.get_absolute_url() not in lede
    # Instructors still pick drafts, to assign them early.
    assert (
        "Unreleased course (draft)"
        in client_for(instructor).get(reverse("team-new")).content.decode()
    )


# --- instructors keep everything; both groups give both ---


def test_an_instructor_who_is_also_a_team_lead_has_both(mini_course, django_user_model):
    both = make_user(django_user_model, "bea", GROUP_NAME, TEAM_LEADS_GROUP, staff=True)
    client = client_for(both)
    assert client.get(reverse("admin:lessons_lesson_add")).status_code == 200
    lesson = Lesson.objects.get(slug="first")
    assert client.get(reverse("admin:lessons_lesson_change", args=[lesson.pk])).status_code == 200
    response = client.post(reverse("team-new"), {"name": "Both", "courses": [mini_course.pk]})
    assert response.status_code == 302
    assert client.get(response["Location"]).status_code == 200
    assert ">Admin</a>" in client.get("/").content.decode()


def test_a_learner_gets_no_new_team_button_and_cannot_create_one(learner, lead_team):
    client = client_for(learner)
    listing = client.get(reverse("team-list")).content.decode()
    assert reverse("team-new") not in listing and "Support crew" in listing
    assert client.get(reverse("team-new")).status_code == 403
    assert client.post(reverse("team-new"), {"name": "Mine"}).status_code == 403
    assert not Team.objects.filter(name="Mine").exists()
    assert not re.search(r">Admin<", client.get("/").content.decode())
