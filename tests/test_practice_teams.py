"""Practice tasks on the team pages (issue 24): the dashboard's summary and member list, a
course's page, the member page and the CSV's `tasks` group, in the same number of queries
whatever the team's size (the budgets of tests/test_teams.py)."""

import csv
import io
import re
from datetime import timedelta

import pytest
from django.core.cache import caches
from django.urls import reverse
from django.utils import timezone

from lessons.models import Course, Lesson
from practice.models import TaskProgress
from practice.reporting import task_url
from shared.templatetags.timestamps import utc_time
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


@pytest.fixture
def task_only_team(team, learner, tasks, django_user_model):
    """ada's only activity is a task passed two hours ago; zed read a section a day ago; Cy
    tried a task without passing it (no activity), and passed a task of a course the team does
    not train on (not in its scope either)."""
    now = timezone.now()
    zed = django_user_model.objects.create_user("zed", password="x-long-passphrase")
    cy = django_user_model.objects.create_user("Cy", password="x-long-passphrase")
    for user in (zed, cy):
        membership_join(team=team, user=user)
    pass_task(learner, tasks[0], when=now - timedelta(hours=2))
    read(zed, "first", "intro", when=now - timedelta(days=1))
    TaskProgress.objects.create(user=cy, task=tasks[1], checks_run=3)
    other = Course.objects.create(slug="elsewhere", title="Elsewhere", published=True)
    elsewhere = Lesson.objects.create(course=other, slug="away", title="Away", published=True)
    pass_task(cy, make_task(elsewhere, "away-task"))
    return team


def test_a_task_pass_is_activity_on_the_dashboard_course_page_and_csv(task_only_team, instructor):
    passed_at = TaskProgress.objects.get(user__username="ada", passed_at__isnull=False).passed_at
    client = client_for(instructor)
    for page in (
        client.get(reverse("team-dashboard", args=[task_only_team.slug]), {"sort": "activity"}),
        client.get(
            reverse("team-course", args=[task_only_team.slug, "mini-mesh"]), {"sort": "activity"}
        ),
    ):
        html = page.content.decode()
        # ada's pass (2 hours ago) is newer than zed's read (a day ago); Cy only tried one here.
        assert _order(html) == ["ada", "zed", "Cy", "ines"]
        ada_row = html.split('href="/teams/platform/members/ada/"')[1].split("</tr>")[0]
        assert utc_time(passed_at) in ada_row
        cy_row = html.split('href="/teams/platform/members/Cy/"')[1].split("</tr>")[0]
        assert "never" in cy_row
    response = client.get(reverse("team-export", args=[task_only_team.slug]), {"sort": "activity"})
    header, *rows = parse_csv(response)
    assert [row[0] for row in rows] == ["ada", "zed", "Cy", "ines"]
    last = header.index("Last activity")
    expected = timezone.localtime(passed_at).isoformat(timespec="minutes")
    assert rows[0][last] == expected and rows[2][last] == ""


def test_the_latest_of_read_attempt_and_pass_is_the_member_s_activity(
    task_only_team, instructor, learner, tasks
):
    """A read after the pass is newer; the dashboard and the member page say the same time."""
    later = timezone.now() - timedelta(minutes=30)
    read(learner, "first", "intro", when=later)
    client = client_for(instructor)
    html = client.get(reverse("team-dashboard", args=[task_only_team.slug])).content.decode()
    ada_row = html.split('href="/teams/platform/members/ada/"')[1].split("</tr>")[0]
    assert utc_time(later) in ada_row
    member = client.get(reverse("team-member", args=[task_only_team.slug, "ada"]))
    assert utc_time(later) in member.content.decode()
    pass_task(learner, tasks[1], when=timezone.now() - timedelta(minutes=5))
    newest = TaskProgress.objects.get(user=learner, task=tasks[1]).passed_at
    html = client.get(reverse("team-dashboard", args=[task_only_team.slug])).content.decode()
    assert (
        utc_time(newest) in html.split('href="/teams/platform/members/ada/"')[1].split("</tr>")[0]
    )


# The members × domains page: the count, the page, the answers, the competencies (teams/
# domain_report.py; tests/test_practice_exam.py holds it to 10), and with tasks the team's
# tasks per domain and the page's passes per domain: two more.
DOMAINS_BUDGET = 12


def _domain_row(html: str, username: str) -> list[str]:
    row = html.split(f'<th scope="row">{username}')[1].split("</tr>")[0]
    return re.findall(r"<td[^>]*>(.*?)</td>", row)


def test_the_domains_page_and_csv_show_tasks_passed_per_domain(
    worked,
    instructor,
    learner,
    tasks,
    mini_course,
    django_user_model,
    django_assert_max_num_queries,
):
    draft = Lesson.objects.create(course=mini_course, slug="draft", title="Draft", order=9)
    make_task(draft, "draft-task", domain="security")  # a draft lesson's task: not counted
    client = client_for(instructor)
    url = reverse("team-domains", args=[worked.slug])
    with django_assert_max_num_queries(DOMAINS_BUDGET) as few:
        html = client.get(url).content.decode()
    # Domains in DOMAINS order: installation, traffic, security, troubleshooting.
    ada = _domain_row(html, "ada")
    assert "tasks" not in ada[0] and "tasks" not in ada[3]  # no task in those domains
    assert "tasks 1 of 1 passed" in ada[1] and "tasks 0 of 1 passed" in ada[2]
    assert "no answers" in ada[1]  # the answers' figures stay beside them
    assert "tasks 0 of 1 passed" in _domain_row(html, "ines")[1]
    add_members(worked, django_user_model, 60)
    for membership in Membership.objects.filter(team=worked, user__username__startswith="member"):
        pass_task(membership.user, tasks[membership.user_id % 2])
    with django_assert_max_num_queries(DOMAINS_BUDGET) as many:
        client.get(url)
    assert len(many.captured_queries) == len(few.captured_queries)
    csv_text = client.get(reverse("team-domains-csv", args=[worked.slug])).content.decode()
    header, *rows = list(csv.reader(io.StringIO(csv_text)))
    assert header[-8:] == [
        f"{label}: {what}"
        for label in (
            "Installation, upgrades and configuration",
            "Traffic management",
            "Securing workloads",
            "Troubleshooting",
        )
        for what in ("tasks passed", "tasks")
    ]
    ada = next(row for row in rows if row[0] == "ada")
    assert ada[-8:] == ["0", "0", "1", "1", "0", "1", "0", "0"]
    assert len(rows) == 62


def test_the_domains_page_of_a_team_without_tasks_has_no_task_figures(team, instructor):
    client = client_for(instructor)
    html = client.get(reverse("team-domains", args=[team.slug])).content.decode()
    assert "heat-tasks" not in html and "practice tasks" not in html
    csv_text = client.get(reverse("team-domains-csv", args=[team.slug])).content.decode()
    assert "tasks" not in csv_text.splitlines()[0]
