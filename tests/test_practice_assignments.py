"""A practice task assigned with a due date (issue 25): done once passed; a lesson or course
assigned asks for its tasks too. Shown on the home page, /me/, the dashboard, the CSV, the
calendar and the reminders like any assignment, in a fixed number of queries."""

from datetime import timedelta
from io import StringIO

import pytest
from django.contrib.auth.models import Group
from django.core import mail
from django.core.management import call_command
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from lessons.models import Course, Lesson, SectionProgress
from practice.reporting import task_url
from teams.assignment_models import Assignment, ReminderSettings
from teams.assignments import (
    State,
    learner_items,
    member_counts,
    overdue_count,
    team_states,
)
from teams.instructors import TEAM_LEADS_GROUP
from teams.models import Membership
from teams.services import membership_join, team_create

from .assignment_helpers import assign
from .practice_helpers import make_task, pass_task
from .test_teams import PASSWORD, client_for, finish_attempt, parse_csv, read

pytestmark = pytest.mark.django_db


@pytest.fixture
def lead(django_user_model):
    user = django_user_model.objects.create_user("lea", "lea@example.com", PASSWORD)
    user.groups.add(Group.objects.get_or_create(name=TEAM_LEADS_GROUP)[0])
    return user


@pytest.fixture
def team(mini_course, lead, learner):
    team = team_create(name="Platform", slug="platform", courses=[mini_course], creator=lead)
    membership_join(team=team, user=learner)
    return team


@pytest.fixture
def first(mini_course):
    return Lesson.objects.get(course=mini_course, slug="first")


@pytest.fixture
def task(first):
    return make_task(first, "route-to-v1", title="Route to v1")


def state(team, assignment, user) -> str | None:
    return team_states(team).states.get((assignment.id, user.id))


def test_a_task_assigned_is_done_once_passed(team, learner, task):
    due = assign(team, task)
    late = assign(team, task, due_in=timedelta(days=-1))
    assert (state(team, due, learner), state(team, late, learner)) == (State.DUE, State.OVERDUE)
    pass_task(learner, task, after_solution=True)  # counts, as on the learner's pages
    assert state(team, due, learner) == state(team, late, learner) == State.DONE
    assert due.item == task and due.item_title == "Route to v1"
    assert due.item_url == task_url("route-to-v1")


def test_the_summary_counts_an_overdue_task_until_it_is_passed(team, learner, first, task):
    late_task = assign(team, task, due_in=timedelta(days=-1))
    late_lesson = assign(team, first, due_in=timedelta(days=-1))
    read(learner, "first", "intro", "routing", "wrap-up")
    finish_attempt(learner, "first-check", 2, 2)
    assignments = [late_task, late_lesson]
    # Read and quiz passed, the task open: both still overdue, as team_states says.
    assert overdue_count(team, assignments) == 2
    assert state(team, late_lesson, learner) == State.OVERDUE
    pass_task(learner, task)
    assert overdue_count(team, assignments) == 0
    assert state(team, late_lesson, learner) == state(team, late_task, learner) == State.DONE


def test_a_lesson_or_course_assigned_asks_for_its_tasks(team, learner, mini_course, first, task):
    lesson = assign(team, first)
    read(learner, "first", "intro", "routing", "wrap-up")
    finish_attempt(learner, "first-check", 2, 2)
    assert state(team, lesson, learner) == State.DUE  # read and quiz passed, the task open
    pass_task(learner, task)
    assert state(team, lesson, learner) == State.DONE
    course = assign(team, mini_course)
    assert state(team, course, learner) == State.DUE  # the second lesson and the final quiz


def test_the_database_holds_a_task_assignment_to_its_task(team, task, first):
    with pytest.raises(IntegrityError), transaction.atomic():
        Assignment.objects.create(team=team, kind="task", due_at=timezone.now())
    with pytest.raises(IntegrityError), transaction.atomic():
        Assignment.objects.create(
            team=team, kind="task", task=task, lesson=first, due_at=timezone.now()
        )


def test_the_lead_assigns_a_task_through_the_form(team, lead, task, mini_course, django_user_model):
    client = client_for(lead)
    url = reverse("team-assignment-new", args=[team.slug])
    assert "Practice task: Route to v1" in client.get(url).content.decode()
    due = (timezone.now() + timedelta(days=5)).strftime("%Y-%m-%dT%H:%M")
    form = {"item": f"task:{task.id}", "due_local": due, "time_zone": "UTC", "who": "everyone"}
    assert client.post(url, form).status_code == 302
    assignment = Assignment.objects.get()
    assert (assignment.kind, assignment.task, assignment.lesson) == ("task", task, None)
    # A task of a course the team does not train on is no choice: a field error, no 500.
    other = Course.objects.create(slug="other", title="Other", published=True)
    lesson = Lesson.objects.create(course=other, slug="x", title="X", published=True)
    stranger = make_task(lesson, "not-ours")
    response = client.post(url, {**form, "item": f"task:{stranger.id}"})
    assert response.status_code == 200 and "Select a valid choice" in response.content.decode()
    assert Assignment.objects.count() == 1


def test_home_me_dashboard_and_csv_show_the_task_assignment(team, lead, learner, task):
    assign(team, task, due_in=timedelta(days=-1))
    learner_client = client_for(learner)
    for url in ("/", "/me/"):
        html = learner_client.get(url).content.decode()
        assert f'<a href="{task_url("route-to-v1")}">Route to v1</a>' in html
        assert "Overdue" in html
    client = client_for(lead)
    html = client.get(reverse("team-dashboard", args=[team.slug])).content.decode()
    assert "<strong>1 overdue</strong>" in html
    pass_task(learner, task)
    header, *rows = parse_csv(client.get(reverse("team-export", args=[team.slug])))
    ada = dict(zip(header, next(r for r in rows if r[0] == "ada"), strict=True))
    assert [ada[f"Assignments {s}"] for s in ("done", "due", "overdue")] == ["1", "0", "0"]
    assert ada["Tasks passed"] == "1"
    items = learner_items(learner)
    assert [(i.assignment.kind, i.state) for i in items] == [("task", State.DONE)]


def test_the_reminder_and_calendar_link_to_the_task(team, learner, task, settings):
    settings.MESHLEARN_SITE_URL = "https://learn.example.org"
    assign(team, task, due_in=timedelta(days=1))
    call_command("sendreminders", stdout=StringIO(), stderr=StringIO())
    (reminder,) = [m for m in mail.outbox if m.to == ["ada@example.com"]]
    assert "Route to v1" in reminder.subject
    assert f"https://learn.example.org{task_url('route-to-v1')}" in reminder.body
    client = client_for(learner)
    client.post(reverse("assignments-calendar-link"))
    token = ReminderSettings.objects.get(user=learner).calendar_token
    feed = client.get(reverse("assignments-calendar", args=[token])).content.decode()
    assert "Route to v1" in feed and "route-to-v1" in feed


def test_states_with_tasks_cost_the_same_queries_at_200_members(
    team, learner, mini_course, first, task, django_user_model, django_assert_max_num_queries
):
    assign(team, task)
    assign(team, first, due_in=timedelta(days=-1))
    assign(team, mini_course)
    # teams/assignments.py's nine: assignments, chosen members, memberships, sections, quizzes,
    # tasks, reads, passed quizzes, passed tasks.
    with django_assert_max_num_queries(9) as small:
        member_counts(team)
    users = django_user_model.objects.bulk_create(
        [django_user_model(username=f"m{n:03d}") for n in range(199)]
    )
    Membership.objects.bulk_create([Membership(team=team, user=u) for u in users])
    more = [make_task(first, f"more-{n}", order=n + 1) for n in range(5)]
    for n, user in enumerate(users):
        for extra in [task, *more][: n % 7]:
            pass_task(user, extra)
    SectionProgress.objects.bulk_create(
        [
            SectionProgress(user=u, section=s, read_at=timezone.now())
            for u in users
            for s in first.sections.all()
        ]
    )
    with django_assert_max_num_queries(9) as large:
        counts = member_counts(team)
    assert len(large.captured_queries) == len(small.captured_queries)
    # The task is done by the members who passed at least one (n % 7 ≥ 1): 199 less 29.
    done_task = sum(1 for n in range(199) if n % 7 >= 1)
    assert sum(c.done for c in counts.values()) == done_task
