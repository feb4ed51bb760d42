"""Changing a team's courses after it was made: /teams/<slug>/courses/.

The team's instructors (team leads included) add and remove published courses; everyone else
gets what the other team pages give them (a login redirect, or a 404 that does not tell a
team exists). Drafts are never chosen here; a draft staff assigned stays. Removing a course
changes what the dashboard and CSV report, never a learner's read marks or attempts.
"""

import re

import pytest
from django.test import Client
from django.urls import reverse

from lessons.models import Course, Lesson, Section, SectionProgress
from quizzes.models import Attempt, Quiz
from teams.course_set import course_change, describe_change
from teams.instructors import GROUP_NAME, TEAM_LEADS_GROUP
from teams.models import Membership, Team
from teams.services import membership_join, team_create

from . import test_team_leads
from .test_team_leads import PASSWORD, make_user
from .test_teams import client_for, finish_attempt, parse_csv, read

pytestmark = pytest.mark.django_db

# The team leads' own fixtures: Lena leads "Support crew" (slug support) on the mini course,
# with Ada as its learner.
lead = test_team_leads.lead
lead_team = test_team_leads.lead_team


@pytest.fixture
def traffic_course(db):
    """A second published course: one lesson of two sections, and a quiz."""
    course = Course.objects.create(
        slug="traffic", title="Traffic basics", summary="Retries and timeouts.", published=True
    )
    lesson = Lesson.objects.create(
        course=course, slug="retries", order=1, title="Retries lesson", published=True
    )
    for n in range(2):
        Section.objects.create(lesson=lesson, slug=f"part-{n}", order=n, title=f"Part {n}")
    Quiz.objects.create(slug="traffic-check", title="Traffic check", course=course, lesson=lesson)
    return course


@pytest.fixture
def draft_course(db):
    return Course.objects.create(slug="unreleased", title="Unreleased course", published=False)


@pytest.fixture
def people(lead_team, mini_course, lead, learner, other_learner, django_user_model):
    other_lead = make_user(django_user_model, "leo", TEAM_LEADS_GROUP)
    field = team_create(name="Field team", slug="field", courses=[mini_course], creator=other_lead)
    membership_join(team=field, user=other_learner)
    instructor = make_user(django_user_model, "ines", GROUP_NAME, staff=True)  # of no team here
    return {
        "anonymous": None,
        "learner_member": learner,
        "learner_other": other_learner,
        "lead_other": other_lead,
        "instructor_other": instructor,
        "lead": lead,
        "superuser": django_user_model.objects.create_superuser("root", "r@example.com", PASSWORD),
    }


def courses_url(team) -> str:
    return reverse("team-courses", args=[team.slug])


def assigned(team) -> set[str]:
    return set(Team.objects.get(pk=team.pk).courses.values_list("slug", flat=True))


def field_errors(html: str) -> str:
    match = re.search(r'<div class="field-errors"[^>]*>(.*?)</div>', html, re.S)
    return match.group(1) if match else ""


# --- who may: the same answers as the team's other pages ---

ALLOWED = {"lead", "superuser"}


VISITORS = [
    "anonymous",
    "learner_member",
    "learner_other",
    "lead_other",
    "instructor_other",
    "lead",
    "superuser",
]


@pytest.mark.parametrize("who", VISITORS)
def test_the_courses_page_opens_for_the_teams_instructors_only(people, lead_team, who):
    url = courses_url(lead_team)
    response = client_for(people[who]).get(url)
    if who == "anonymous":
        assert response.status_code == 302
        assert response["Location"] == f"{reverse('login')}?next={url}"
    elif who in ALLOWED:
        assert response.status_code == 200
        assert 'name="courses"' in response.content.decode()
    else:
        assert response.status_code == 404
        html = response.content.decode()
        assert "Support crew" not in html and 'name="courses"' not in html


@pytest.mark.parametrize("who", VISITORS)
def test_changing_the_courses_is_for_the_teams_instructors_only(
    people, lead_team, traffic_course, who
):
    url = courses_url(lead_team)
    response = client_for(people[who]).post(url, {"courses": [traffic_course.pk]})
    if who in ALLOWED:
        assert response.status_code == 302 and response["Location"] == url
        assert assigned(lead_team) == {"traffic"}
    else:
        assert response.status_code == (302 if who == "anonymous" else 404)
        if who == "anonymous":
            assert response["Location"].startswith(f"{reverse('login')}?next=")
        assert assigned(lead_team) == {"mini-mesh"}


def test_a_missing_team_looks_exactly_like_another_leads_team(people, lead_team):
    client = client_for(people["lead_other"])
    existing = client.get(courses_url(lead_team))
    missing = client.get(reverse("team-courses", args=["no-such-team"]))
    assert existing.status_code == missing.status_code == 404
    token = rb'(csrfmiddlewaretoken" value="|x-csrftoken": ")[^"]+'
    assert re.sub(token, rb"\1", existing.content) == re.sub(token, rb"\1", missing.content)


def test_a_save_needs_the_csrf_token(lead_team, lead, traffic_course):
    strict = Client(enforce_csrf_checks=True)
    strict.force_login(lead)
    page = strict.get(courses_url(lead_team)).content.decode()
    form = page.split('<form id="team-courses"')[1].split("</form>")[0]
    assert 'name="csrfmiddlewaretoken"' in form
    assert strict.post(courses_url(lead_team), {"courses": [traffic_course.pk]}).status_code == 403
    assert assigned(lead_team) == {"mini-mesh"}
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', form).group(1)
    response = strict.post(
        courses_url(lead_team), {"courses": [traffic_course.pk], "csrfmiddlewaretoken": token}
    )
    assert response.status_code == 302 and assigned(lead_team) == {"traffic"}


def test_other_methods_are_refused(lead_team, lead):
    client = client_for(lead)
    assert client.put(courses_url(lead_team)).status_code == 405
    assert client.delete(courses_url(lead_team)).status_code == 405
    assert assigned(lead_team) == {"mini-mesh"}


# --- the page ---


def test_the_page_offers_published_courses_ticked_as_assigned(
    lead_team, lead, traffic_course, draft_course
):
    html = client_for(lead).get(courses_url(lead_team)).content.decode()
    boxes = dict(re.findall(r'<input type="checkbox" name="courses" value="(\d+)"([^>]*)>', html))
    mini = Course.objects.get(slug="mini-mesh")
    assert set(boxes) == {str(mini.pk), str(traffic_course.pk)}  # no draft offered
    assert "checked" in boxes[str(mini.pk)] and "checked" not in boxes[str(traffic_course.pk)]
    assert "Unreleased course" not in html
    assert "Retries and timeouts." in html  # the summary helps tell courses apart
    # It works without JavaScript (a plain form) and htmx swaps the form in place.
    form = re.search(r"<form id=\"team-courses\"[^>]*>", html, re.S).group(0)
    assert f'method="post" action="{courses_url(lead_team)}"' in form
    assert f'hx-post="{courses_url(lead_team)}"' in form
    assert f'href="{lead_team.get_absolute_url()}"' in html


def test_the_dashboard_links_to_the_courses_page(lead_team, lead):
    html = client_for(lead).get(lead_team.get_absolute_url()).content.decode()
    assert f'href="{courses_url(lead_team)}">Change courses</a>' in html


# --- changing them ---


def test_adding_a_course_says_so_and_the_dashboard_and_export_follow(
    lead_team, lead, learner, traffic_course
):
    client = client_for(lead)
    read(learner, "retries", "part-0")
    before = client.get(lead_team.get_absolute_url()).content.decode()
    assert "Retries lesson" not in before and "Traffic check" not in before

    mini = Course.objects.get(slug="mini-mesh")
    response = client.post(
        courses_url(lead_team), {"courses": [mini.pk, traffic_course.pk]}, follow=True
    )
    assert response.redirect_chain == [(courses_url(lead_team), 302)]
    html = response.content.decode()
    assert "Added “Traffic basics”." in html
    assert "Support crew now trains on “A small mesh course”, “Traffic basics”." in html
    assert "message-success" in html
    assert assigned(lead_team) == {"mini-mesh", "traffic"}

    dashboard = client.get(lead_team.get_absolute_url()).content.decode()
    assert "Retries lesson" in dashboard and "Traffic check" in dashboard
    lede = dashboard.split('class="lede"')[1].split("</p>")[0]
    assert "Traffic basics" in lede
    header, *rows = parse_csv(client.get(reverse("team-export", args=[lead_team.slug])))
    assert "Traffic basics / Retries lesson" in header
    ada = next(row for row in rows if row[0] == "ada")
    assert ada[header.index("Traffic basics / Retries lesson")] == "In progress (1/2)"


def test_removing_a_course_keeps_every_learners_progress(
    lead_team, lead, learner, other_learner, traffic_course
):
    lead_team.courses.add(traffic_course)
    read(learner, "first", "intro", "routing")
    read(learner, "retries", "part-0", "part-1")
    finish_attempt(learner, "first-check", 1, 2)
    finish_attempt(learner, "traffic-check", 2, 2)
    read(other_learner, "first", "intro")  # in no team of this lead: untouched as well
    marks = set(SectionProgress.objects.values_list("id", "user_id", "section_id", "read_at"))
    attempts = set(Attempt.objects.values_list("id", "user_id", "quiz_id", "score", "finished_at"))
    client = client_for(lead)
    export_url = reverse("team-export", args=[lead_team.slug])
    ada_before = next(r for r in parse_csv(client.get(export_url))[1:] if r[0] == "ada")

    response = client.post(courses_url(lead_team), {"courses": [traffic_course.pk]}, follow=True)
    html = response.content.decode()
    assert "Removed “A small mesh course”; learners keep their progress in it." in html
    assert assigned(lead_team) == {"traffic"}
    assert set(SectionProgress.objects.values_list("id", "user_id", "section_id", "read_at")) == (
        marks
    )
    assert set(Attempt.objects.values_list("id", "user_id", "quiz_id", "score", "finished_at")) == (
        attempts
    )
    # The team's reports leave the course out...
    dashboard = client.get(lead_team.get_absolute_url()).content.decode()
    assert "First lesson" not in dashboard and "Mini final" not in dashboard
    assert "Retries lesson" in dashboard
    header = parse_csv(client.get(export_url))[0]
    assert not any(column.startswith("A small mesh course /") for column in header)
    # ...the learner still has it on their own page, and adding it back shows the same figures.
    mine = client_for(learner).get(reverse("me")).content.decode()
    assert "A small mesh course" in mine
    mini = Course.objects.get(slug="mini-mesh")
    client.post(courses_url(lead_team), {"courses": [mini.pk, traffic_course.pk]})
    ada_after = next(r for r in parse_csv(client.get(export_url))[1:] if r[0] == "ada")
    assert ada_after == ada_before


def test_removing_every_course_is_allowed_as_on_the_new_team_form(lead_team, lead, learner):
    read(learner, "first", "intro")
    response = client_for(lead).post(courses_url(lead_team), {}, follow=True)
    html = response.content.decode()
    assert "Removed “A small mesh course”" in html and "has no published course now" in html
    assert assigned(lead_team) == set()
    dashboard = client_for(lead).get(lead_team.get_absolute_url()).content.decode()
    assert "no course assigned yet" in dashboard
    assert SectionProgress.objects.filter(user=learner).count() == 1


def test_saving_the_same_courses_says_nothing_changed(lead_team, lead):
    mini = Course.objects.get(slug="mini-mesh")
    response = client_for(lead).post(courses_url(lead_team), {"courses": [mini.pk]}, follow=True)
    html = response.content.decode()
    assert "Nothing changed: Support crew already trains on these courses." in html
    assert "message-info" in html and assigned(lead_team) == {"mini-mesh"}


def test_a_draft_staff_assigned_stays_when_the_lead_saves(lead_team, lead, draft_course):
    lead_team.courses.add(draft_course)
    client = client_for(lead)
    page = client.get(courses_url(lead_team)).content.decode()
    assert "“Unreleased course”" in page and "It stays assigned" in page
    assert f'value="{draft_course.pk}"' not in page
    client.post(courses_url(lead_team), {})
    assert assigned(lead_team) == {"unreleased"}


def test_the_learners_home_page_follows(lead_team, lead, learner, traffic_course):
    client_for(lead).post(courses_url(lead_team), {"courses": [traffic_course.pk]})
    home = client_for(learner).get("/").content.decode()
    team_block = home.split("Support crew")[1]
    assert "Traffic basics" in team_block


# --- what may not be chosen ---


@pytest.mark.parametrize(
    "value",
    ["draft", "unknown", "abc", "", "-1", "1" * 40, "-9223372036854775809", "²", "1.5", "a" * 5000],
)
def test_a_course_that_cannot_be_chosen_is_a_field_error_and_nothing_changes(
    lead_team, lead, traffic_course, draft_course, value
):
    posted = {"draft": str(draft_course.pk), "unknown": "987654"}.get(value, value)
    response = client_for(lead).post(
        courses_url(lead_team), {"courses": [str(traffic_course.pk), posted]}
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert "field-invalid" in html
    assert "is a draft or no longer exists" in field_errors(html)
    assert assigned(lead_team) == {"mini-mesh"}
    # The ticks are what was posted, for the lead to correct, not what is saved.
    assert re.search(rf'value="{traffic_course.pk}"[^>]*checked', html)


def test_a_nul_in_a_course_id_is_a_field_error(lead_team, lead):
    response = client_for(lead).post(courses_url(lead_team), {"courses": ["1\x00"]})
    assert response.status_code == 200 and field_errors(response.content.decode())
    assert assigned(lead_team) == {"mini-mesh"}


def test_the_new_team_form_takes_a_huge_course_id_as_a_field_error_too(mini_course, lead):
    # Found while testing the courses page: on SQLite this was a 500 on /teams/new/ as well.
    response = client_for(lead).post(reverse("team-new"), {"name": "Big", "courses": ["1" * 40]})
    assert response.status_code == 200 and "field-invalid" in response.content.decode()
    assert not Team.objects.filter(name="Big").exists()


# --- htmx ---


def test_htmx_gets_the_form_back_with_the_confirmation_out_of_band(lead_team, lead, traffic_course):
    response = client_for(lead).post(
        courses_url(lead_team), {"courses": [traffic_course.pk]}, HTTP_HX_REQUEST="true"
    )
    assert response.status_code == 200
    body = response.content.decode()
    assert "<html" not in body and body.lstrip().startswith('<form id="team-courses"')
    assert 'hx-swap-oob="innerHTML:#course-change-status"' in body
    assert "Added “Traffic basics”." in body and "Removed “A small mesh course”" in body
    assert re.search(rf'value="{traffic_course.pk}"[^>]*checked', body)
    assert assigned(lead_team) == {"traffic"}


def test_htmx_gets_field_errors_in_the_swapped_form(lead_team, lead, draft_course):
    response = client_for(lead).post(
        courses_url(lead_team), {"courses": [draft_course.pk]}, HTTP_HX_REQUEST="true"
    )
    body = response.content.decode()
    assert response.status_code == 200 and body.lstrip().startswith('<form id="team-courses"')
    assert "is a draft or no longer exists" in field_errors(body)
    assert "message-success" not in body and assigned(lead_team) == {"mini-mesh"}


# --- queries ---


def test_the_courses_page_costs_a_fixed_number_of_queries(
    lead_team, lead, traffic_course, django_assert_max_num_queries
):
    client = client_for(lead)
    url = courses_url(lead_team)
    with django_assert_max_num_queries(7) as few:
        assert client.get(url).status_code == 200
    for n in range(12):
        course = Course.objects.create(slug=f"extra-{n}", title=f"Extra {n}", published=True)
        lead_team.courses.add(course)
    with django_assert_max_num_queries(7) as many:
        html = client.get(url).content.decode()
    assert "Extra 11" in html
    assert len(many.captured_queries) == len(few.captured_queries)
    print(f"team-courses GET: {len(few.captured_queries)} queries for 2 courses, 14 as well")


def test_a_save_costs_a_bounded_number_of_queries(
    lead_team, lead, traffic_course, django_assert_max_num_queries
):
    client = client_for(lead)
    with django_assert_max_num_queries(13) as save:
        response = client.post(courses_url(lead_team), {"courses": [traffic_course.pk]})
    assert response.status_code == 302 and assigned(lead_team) == {"traffic"}
    print(f"team-courses POST: {len(save.captured_queries)} queries")


# --- the rule, as plain functions ---


class C:
    def __init__(self, id: int, title: str):
        self.id, self.title = id, title


def test_course_change_adds_removes_and_ignores_repeats():
    a, b, c = C(1, "A"), C(2, "B"), C(3, "C")
    change = course_change([a, b], [b, c, c])
    assert [x.id for x in change.added] == [3]
    assert [x.id for x in change.removed] == [1]
    assert [x.id for x in change.kept] == [2, 3]
    assert change.changed and not course_change([a], [a]).changed


def test_describe_change_names_what_changed():
    a, b = C(1, "A"), C(2, "B")
    assert describe_change(course_change([a], [a, b]), "T") == (
        "Added “B”. T now trains on “A”, “B”."
    )
    assert describe_change(course_change([a, b], []), "T") == (
        "Removed “A”, “B”; learners keep their progress in them. T has no published course now."
    )
    assert describe_change(course_change([], []), "T") == (
        "Nothing changed: T already trains on these courses."
    )


def test_membership_is_untouched_by_a_change(lead_team, lead, learner, traffic_course):
    before = set(Membership.objects.values_list("team_id", "user_id", "role"))
    client_for(lead).post(courses_url(lead_team), {"courses": [traffic_course.pk]})
    assert set(Membership.objects.values_list("team_id", "user_id", "role")) == before
