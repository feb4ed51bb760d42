"""Assignments: what counts as done, whom an assignment is for, the states in a fixed number
of queries at 200 members, the team pages (permissions, field errors, CSRF) and the learner's
list on the home page and /me/."""

from datetime import datetime, timedelta

import pytest
from django.contrib.auth.models import Group
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from lessons.models import Lesson, Section, SectionProgress
from lessons.read_counts import recount
from quizzes.models import Attempt, Quiz
from teams import due_times
from teams.assignment_models import Assignment
from teams.assignments import (
    State,
    learner_items,
    member_counts,
    overdue_count,
    team_assignments,
    team_states,
)
from teams.instructors import TEAM_LEADS_GROUP
from teams.models import Membership
from teams.services import membership_join, membership_leave, team_create

from .assignment_helpers import assign
from .test_teams import PASSWORD, client_for, finish_attempt, make_instructor, read

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


def state(team, assignment, user) -> str | None:
    return team_states(team).states.get((assignment.id, user.id))


def test_lesson_is_done_when_its_sections_are_read_and_its_quiz_passed(team, learner):
    first = Lesson.objects.get(slug="first")
    assignment = assign(team, first)
    read(learner, "first", "intro", "routing", "wrap-up")
    assert state(team, assignment, learner) == State.DUE  # its quiz is not passed yet
    finish_attempt(learner, "first-check", 1, 3)  # a failed attempt does not do it
    assert state(team, assignment, learner) == State.DUE
    finish_attempt(learner, "first-check", 3, 3)
    assert state(team, assignment, learner) == State.DONE


def test_course_needs_every_lesson_and_every_quiz(team, learner, mini_course):
    assignment = assign(team, mini_course)
    read(learner, "first", "intro", "routing", "wrap-up")
    finish_attempt(learner, "first-check", 3, 3)
    finish_attempt(learner, "mini-final", 9, 9)
    assert state(team, assignment, learner) == State.DUE  # lesson "second" is unread
    read(learner, "second", "only")
    assert state(team, assignment, learner) == State.DONE
    Section.objects.create(lesson=Lesson.objects.get(slug="second"), slug="new", title="New")
    assert state(team, assignment, learner) == State.DUE  # a new section reopens it


def test_quiz_needs_a_passed_attempt_and_a_preview_is_no_result(team, learner):
    quiz = Quiz.objects.get(slug="mini-final")
    assignment = assign(team, quiz)
    Attempt.objects.create(
        user=learner, quiz=quiz, finished_at=timezone.now(), score=3, total=3, preview=True
    )
    assert state(team, assignment, learner) == State.DUE
    finish_attempt(learner, "mini-final", 3, 3)
    assert state(team, assignment, learner) == State.DONE


def test_past_due_and_not_done_is_overdue(team, learner):
    assignment = assign(team, Quiz.objects.get(slug="mini-final"), due_in=timedelta(hours=-1))
    assert state(team, assignment, learner) == State.OVERDUE


def test_whole_team_means_its_learners_and_chosen_means_current_members(
    team, learner, other_learner, lead
):
    membership_join(team=team, user=other_learner)
    quiz = Quiz.objects.get(slug="mini-final")
    everyone = assign(team, quiz)
    chosen = assign(team, quiz, members=[other_learner])
    states = team_states(team)
    assert states.targets[everyone.id] == {learner.id, other_learner.id}  # not the lead
    assert states.targets[chosen.id] == {other_learner.id}
    membership_leave(team=team, user=other_learner)
    assert team_states(team).targets[chosen.id] == set()


def test_states_cost_the_same_queries_at_200_members(
    team, learner, mini_course, django_user_model, django_assert_max_num_queries
):
    lesson = Lesson.objects.get(slug="first")
    assign(team, mini_course)
    assign(team, lesson, due_in=timedelta(days=-1))
    assign(team, Quiz.objects.get(slug="mini-final"), members=[learner])
    # teams/assignments.py's nine, less the passed tasks (no task is named here).
    with django_assert_max_num_queries(8) as small:
        small_counts = member_counts(team)
    users = django_user_model.objects.bulk_create(
        [django_user_model(username=f"m{n:03d}") for n in range(199)]
    )
    Membership.objects.bulk_create([Membership(team=team, user=u) for u in users])
    sections = list(Section.objects.filter(lesson=lesson))
    SectionProgress.objects.bulk_create(
        [
            SectionProgress(user=u, section=s, read_at=timezone.now())
            for u in users
            for s in sections
        ]
    )
    recount(user_ids=[u.id for u in users])  # bulk_create sends no signal to count them
    check = Quiz.objects.get(slug="first-check")
    Attempt.objects.bulk_create(
        [
            Attempt(
                user=u,
                quiz=check,
                finished_at=timezone.now(),
                score=n % 2,
                total=1,
            )
            for n, u in enumerate(users)
        ]
    )
    with django_assert_max_num_queries(8) as large:
        counts = member_counts(team)
    assert len(large.captured_queries) == len(small.captured_queries)
    assert len(counts) == 200 and small_counts.keys() == {learner.id}
    # The odd ones of the 199 passed the lesson quiz (1 of 1) after reading it all: the lesson,
    # due yesterday, is done for them and overdue for the others and for ada, who read nothing.
    assert sum(c.done for c in counts.values()) == 99
    assert sum(c.overdue for c in counts.values()) == 101
    assert counts[learner.id].total == 3 and counts[users[0].id].total == 2
    assignments = list(team_assignments(team))
    # The summary's figure, counted in SQL: what the assignments ask (sections, quizzes, tasks)
    # and one aggregate.
    with django_assert_max_num_queries(4):
        assert overdue_count(team, assignments) == 101


def test_overdue_counts_each_member_not_done_by_the_due_time(
    team, learner, other_learner, lead, mini_course
):
    membership_join(team=team, user=other_learner)
    assert overdue_count(team, []) is None  # nothing assigned: the dashboard shows no slot
    first = Lesson.objects.get(slug="first")
    lesson = assign(team, first, due_in=timedelta(days=-1))
    assign(team, Quiz.objects.get(slug="mini-final"), members=[learner], due_in=-timedelta(hours=1))
    assign(team, mini_course)  # due next week: not overdue for anyone
    assert overdue_count(team, list(team_assignments(team))) == 3  # 2 learners + ada's quiz
    read(learner, "first", "intro", "routing", "wrap-up")
    finish_attempt(learner, "first-check", 3, 3)
    finish_attempt(learner, "mini-final", 1, 3)  # failed: still overdue
    assert overdue_count(team, list(team_assignments(team))) == 2
    finish_attempt(learner, "mini-final", 3, 3)
    assert overdue_count(team, list(team_assignments(team))) == 1
    Section.objects.create(lesson=first, slug="new", title="New")  # reopens ada's lesson
    states = team_states(team).per_member()
    expected = sum(c.overdue for c in states.values())
    assert overdue_count(team, list(team_assignments(team))) == expected == 2
    html = client_for(lead).get(reverse("team-dashboard", args=[team.slug])).content.decode()
    assert '<span class="team-overdue-figure">2</span> assignments past due' in html
    lesson.delete()
    assert overdue_count(team, list(team_assignments(team))) == 0


def test_due_times_refuse_a_skipped_local_time_and_show_the_zone():
    with pytest.raises(due_times.DueTimeError, match="does not exist"):
        due_times.to_utc(datetime(2026, 3, 29, 2, 30), "Europe/Berlin")
    utc = due_times.to_utc(datetime(2026, 12, 18, 17, 0), "Europe/Berlin")
    assert (utc.hour, utc.utcoffset()) == (16, timedelta(0))
    assert due_times.label(utc, "Europe/Berlin") == "Fri 18 Dec 2026, 17:00 CET (Europe/Berlin)"
    assert due_times.label(utc, "UTC") == "Fri 18 Dec 2026, 16:00 UTC"
    with pytest.raises(due_times.DueTimeError):
        due_times.zone("../../etc/passwd")


# --- the team's pages ---


def new_form(item: str, **extra) -> dict:
    due = (timezone.now() + timedelta(days=5)).strftime("%Y-%m-%dT%H:%M")
    return {"item": item, "due_local": due, "time_zone": "Asia/Tokyo", "who": "everyone", **extra}


def test_lead_assigns_edits_and_deletes(team, lead, learner, mini_course):
    client = client_for(lead)
    url = reverse("team-assignment-new", args=[team.slug])
    assert "Course: A small mesh course" in client.get(url).content.decode()
    response = client.post(url, new_form(f"course:{mini_course.id}"))
    assert response.status_code == 302
    assignment = Assignment.objects.get()
    assert (assignment.kind, assignment.course, assignment.created_by) == (
        "course",
        mini_course,
        lead,
    )
    assert assignment.time_zone == "Asia/Tokyo" and assignment.everyone
    page = client.get(reverse("team-assignments", args=[team.slug])).content.decode()
    assert "JST (Asia/Tokyo)" in page and "0 done · 1 due" in page
    edit = reverse("team-assignment-edit", args=[team.slug, assignment.pk])
    quiz = Quiz.objects.get(slug="mini-final")
    form = new_form(f"quiz:{quiz.id}", who="chosen", usernames=learner.username)
    assert client.post(edit, form).status_code == 302
    assignment.refresh_from_db()
    assert assignment.quiz == quiz and assignment.course is None
    assert list(assignment.members.all()) == [learner]
    delete = reverse("team-assignment-delete", args=[team.slug, assignment.pk])
    assert client.post(delete).status_code == 302 and not Assignment.objects.exists()


def test_form_errors_say_what_is_wrong(team, lead, mini_course, other_learner):
    client = client_for(lead)
    url = reverse("team-assignment-new", args=[team.slug])
    past = (timezone.now() - timedelta(days=1)).strftime("%Y-%m-%dT%H:%M")
    cases = [
        (new_form(f"course:{mini_course.id}", due_local=past), "The due time has passed"),
        (
            new_form(f"course:{mini_course.id}", who="chosen", usernames="bob ghost"),
            "Not members of Platform: bob, ghost.",
        ),
        (new_form(f"course:{mini_course.id}", who="chosen"), "Name at least one member"),
        (new_form("course:99999999999999999999"), "Select a valid choice"),
        (new_form(f"course:{mini_course.id}", time_zone="Mars/Olympus"), "Select a valid choice"),
        (new_form(f"course:{mini_course.id}", due_local="tomorrow"), "Enter a valid date/time"),
    ]
    for data, message in cases:
        response = client.post(url, data)
        assert response.status_code == 200, data
        assert message in response.content.decode(), message
    assert not Assignment.objects.exists()


def test_another_teams_course_cannot_be_assigned(team, lead, django_user_model):
    other = make_instructor(django_user_model, "otto")
    from lessons.models import Course

    foreign = Course.objects.create(slug="other", title="Other course", published=True)
    team_create(name="Other", slug="other", courses=[foreign], creator=other)
    response = client_for(lead).post(
        reverse("team-assignment-new", args=[team.slug]), new_form(f"course:{foreign.id}")
    )
    assert response.status_code == 200 and not Assignment.objects.exists()


def test_only_the_teams_instructors_and_leads_reach_its_assignments(
    team, lead, learner, other_learner, mini_course, django_user_model
):
    assignment = assign(team, mini_course)
    outsider = make_instructor(django_user_model, "otto")
    urls = [
        reverse("team-assignments", args=[team.slug]),
        reverse("team-assignment-new", args=[team.slug]),
        reverse("team-assignment-edit", args=[team.slug, assignment.pk]),
    ]
    delete = reverse("team-assignment-delete", args=[team.slug, assignment.pk])
    for user in (learner, other_learner, outsider):
        client = client_for(user)
        assert [client.get(url).status_code for url in urls] == [404, 404, 404]
        assert client.post(delete).status_code == 404
    anonymous = Client()
    assert all(anonymous.get(url).status_code == 302 for url in urls)
    assert Assignment.objects.filter(pk=assignment.pk).exists()
    # Another team's assignment under this team's slug is no assignment of it.
    theirs = team_create(name="Theirs", slug="theirs", courses=[mini_course], creator=outsider)
    foreign = assign(theirs, mini_course)
    foreign_url = reverse("team-assignment-edit", args=[team.slug, foreign.pk])
    assert client_for(lead).get(foreign_url).status_code == 404


def test_posts_need_the_csrf_token(team, lead, mini_course):
    client = Client(enforce_csrf_checks=True)
    client.force_login(lead)
    url = reverse("team-assignment-new", args=[team.slug])
    assert client.post(url, new_form(f"course:{mini_course.id}")).status_code == 403
    assert not Assignment.objects.exists()


# --- the learner's side ---


def test_learner_sees_what_is_due_and_overdue_on_home_and_me(
    team, learner, other_learner, mini_course
):
    assign(team, mini_course, tz="America/New_York")
    assign(team, Quiz.objects.get(slug="mini-final"), due_in=timedelta(days=-2))
    client = client_for(learner)
    for url in ("/", "/me/"):
        html = client.get(url).content.decode()
        assert "Assigned to you" in html
        assert "A small mesh course" in html and "(America/New_York)" in html
        assert "⚠ Overdue" in html and html.index("Mini final") < html.index("A small mesh course")
    assert "Assigned to you" not in client_for(other_learner).get("/me/").content.decode()


def test_learner_items_cost_fixed_queries(
    team, learner, mini_course, django_assert_max_num_queries
):
    for n in range(4):
        assign(team, mini_course, due_in=timedelta(days=n + 1))
    assign(team, Lesson.objects.get(slug="first"))
    with django_assert_max_num_queries(7):  # the course's and lesson's practice tasks: +1
        items = learner_items(learner)
    assert [item.state for item in items] == [State.DUE] * 5


def test_dashboard_and_csv_show_each_members_done_due_overdue(team, lead, learner, mini_course):
    import csv
    import io

    assign(team, mini_course)
    assign(team, Quiz.objects.get(slug="mini-final"), due_in=timedelta(days=-1))
    assign(team, Quiz.objects.get(slug="first-check"), due_in=timedelta(days=-1))
    finish_attempt(learner, "first-check", 3, 3)
    client = client_for(lead)
    html = client.get(reverse("team-dashboard", args=[team.slug])).content.decode()
    assert "Assignments: 1 done, 1 due, <strong>1 overdue</strong>" in html
    export = client.get(reverse("team-export", args=[team.slug]))
    text = b"".join(export.streaming_content).decode("utf-8-sig")
    header, *rows = csv.reader(io.StringIO(text))
    ada = dict(zip(header, next(r for r in rows if r[0] == "ada"), strict=True))
    lea = dict(zip(header, next(r for r in rows if r[0] == "lea"), strict=True))
    assert [ada[f"Assignments {s}"] for s in ("done", "due", "overdue")] == ["1", "1", "1"]
    assert lea["Assignments due"] == ""  # a lead is assigned nothing here
