"""Practice tasks on the team pages (issue 24): the dashboard's summary and member list, a
course's page, the member page and the CSV's `tasks` group, in the same number of queries
whatever the team's size (the budgets of tests/test_teams.py)."""

from datetime import timedelta

import pytest
from django.core.cache import caches
from django.urls import reverse
from django.utils import timezone

from lessons.models import Lesson
from practice.reporting import task_url
from teams.models import Membership
from teams.services import membership_join, team_create

from .practice_helpers import make_task, pass_task
from .test_teams import (
    QUERY_BUDGET,
    _order,
    add_members,
    body_of,
    client_for,
    make_instructor,
    parse_csv,
    read,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def instructor(django_user_model):
    return make_instructor(django_user_model, "ines")


@pytest.fixture
def team(mini_course, instructor, learner):
    team = team_create(name="Platform", slug="platform", courses=[mini_course], creator=instructor)
    membership_join(team=team, user=learner)
    return team


@pytest.fixture
def tasks(mini_course):
    first = Lesson.objects.get(course=mini_course, slug="first")
    return [
        make_task(first, "route-to-v1", order=1, title="Route to v1"),
        make_task(first, "deny-delete", order=2, domain="security", title="Deny DELETE"),
    ]


@pytest.fixture
def worked(team, learner, tasks):
    """ada read the first lesson and passed one of its two tasks."""
    read(learner, "first", "intro", "routing", "wrap-up")
    pass_task(learner, tasks[0])
    return team


def test_the_dashboard_lists_tasks_passed_per_member_and_per_task(worked, instructor, learner):
    html = client_for(instructor).get(reverse("team-dashboard", args=[worked.slug])).content
    html = html.decode()
    assert '<th scope="col">Tasks passed</th>' in html
    row = html.split(">ada</a>", 1)[1].split("</tr>", 1)[0]
    assert '<td class="num tasks-passed">1 <span class="meta">of 2</span></td>' in row
    assert "Route to v1 (task) — passed by 1 of 1 (100%)" in html
    assert "Deny DELETE (task) — not passed yet" in html
    # The lesson is read but a task is open: not completed, as ada's own pages say.
    assert "First lesson — completed by 0 of 1 (0%)" in html


def test_a_lesson_s_completion_asks_for_its_tasks_on_every_team_page(
    worked, instructor, learner, tasks
):
    client = client_for(instructor)
    course = client.get(reverse("team-course", args=[worked.slug, "mini-mesh"])).content.decode()
    cells = course.split(">ada</a>", 1)[1].split("</tr>", 1)[0]
    assert "3 of 3 sections read, 1 of 2 tasks passed" in cells and "cell-in-progress" in cells
    member = client.get(reverse("team-member", args=[worked.slug, "ada"])).content.decode()
    assert "1 of 2 practice tasks passed" in member and "tasks 1/2" in member
    assert f'<a href="{task_url("route-to-v1")}">Route to v1</a>' in member
    assert "not started" in member  # Deny DELETE
    pass_task(learner, tasks[1], after_solution=True)
    course = client.get(reverse("team-course", args=[worked.slug, "mini-mesh"])).content.decode()
    cells = course.split(">ada</a>", 1)[1].split("</tr>", 1)[0]
    assert "cell-completed" in cells
    member = client.get(reverse("team-member", args=[worked.slug, "ada"])).content.decode()
    assert "after the solution was shown" in member and "Completed" in member


def test_the_summary_counts_a_lesson_with_tasks_completed_only_with_them(
    worked, instructor, learner, tasks, django_user_model
):
    # bob read it all and passed both; cy passed both but read nothing: one of three completed.
    bob = django_user_model.objects.create_user("bob2")
    cy = django_user_model.objects.create_user("cy2")
    for user in (bob, cy):
        membership_join(team=worked, user=user)
        for task in tasks:
            pass_task(user, task)
    read(bob, "first", "intro", "routing", "wrap-up")
    html = client_for(instructor).get(reverse("team-dashboard", args=[worked.slug])).content
    first = html.decode().split("(task)")[0]
    assert "completed by 1 of 3 (33%)" in first
    assert "Route to v1 (task) — passed by 3 of 3 (100%)" in html.decode()


def test_the_csv_has_a_tasks_group_per_course_and_in_total(worked, instructor, learner, tasks):
    when = timezone.now() - timedelta(days=1)
    pass_task(learner, tasks[1], when=when)
    rows = parse_csv(client_for(instructor).get(reverse("team-export", args=[worked.slug])))
    header, *rows = rows
    assert header[-4:] == [
        "Tasks passed",
        "Tasks total",
        "Last task passed",
        "A small mesh course: tasks passed",
    ]
    ada = dict(zip(header, next(r for r in rows if r[0] == "ada"), strict=True))
    assert ada["Tasks passed"] == "2" and ada["Tasks total"] == "2"
    assert ada["A small mesh course: tasks passed"] == "2 of 2"
    assert ada["Last task passed"]  # the later of the two passes, in the site's zone
    ines = dict(zip(header, next(r for r in rows if r[0] == "ines"), strict=True))
    assert (ines["Tasks passed"], ines["Last task passed"]) == ("0", "")
    assert ines["A small mesh course: tasks passed"] == "0 of 2"
    assert ada["A small mesh course / First lesson"] == "Completed"  # read, and tasks passed


def test_a_team_without_tasks_has_no_task_column(team, instructor):
    header = parse_csv(client_for(instructor).get(reverse("team-export", args=[team.slug])))[0]
    assert not any("task" in cell.lower() for cell in header)
    html = client_for(instructor).get(reverse("team-dashboard", args=[team.slug])).content
    assert b"Tasks passed" not in html


@pytest.mark.parametrize("url_name", ["team-dashboard", "team-export", "team-course"])
def test_team_pages_with_tasks_keep_their_query_counts(
    worked, instructor, mini_course, django_user_model, django_assert_max_num_queries, url_name
):
    args = [worked.slug, "mini-mesh"] if url_name == "team-course" else [worked.slug]
    url = reverse(url_name, args=args)
    # A course's page: the dashboard's budget, less the header's course list, plus the passes
    # per lesson its cells need (tests/test_team_scale.py's COURSE_PAGE_BUDGET).
    budget = QUERY_BUDGET.get(url_name, QUERY_BUDGET["team-dashboard"] - 1)
    client = client_for(instructor)
    with django_assert_max_num_queries(budget) as small:
        body_of(client.get(url))
    add_members(worked, django_user_model, 60)
    first = Lesson.objects.get(course=mini_course, slug="first")
    more = [make_task(first, f"more-{n}", order=10 + n) for n in range(6)]
    for membership in Membership.objects.filter(team=worked, user__username__startswith="member"):
        for task in more[: membership.user_id % 4]:
            pass_task(membership.user, task)
    caches["template_fragments"].clear()  # the summary counted afresh, as in the first round
    with django_assert_max_num_queries(budget) as large:
        body = body_of(client.get(url, {"sort": "completion"}))
    assert len(large.captured_queries) == len(small.captured_queries)
    if url_name == "team-export":
        assert "member059" in body
        assert "A small mesh course: tasks passed" in body and ",8," in body  # tasks total
    else:  # a page of 50 sorted by completion: which members, the ids decide
        assert "62 members" in body and '<span class="meta">of 8</span>' in body


def test_sorting_and_pages_still_list_members_in_order(worked, instructor, django_user_model):
    add_members(worked, django_user_model, 3)
    html = client_for(instructor).get(reverse("team-dashboard", args=[worked.slug])).content
    assert _order(html.decode())[:2] == ["ada", "member000"]
