"""The team pages at company size: 5,000 members on 20 courses (200 lessons, 800 sections, 40
quizzes), generated once for the module with bulk_create (bench/team_data.py).

Every page costs a fixed number of queries, the same as for a team of three
(tests/test_teams.py's QUERY_BUDGET); the export a fixed number per chunk of 500 members.
What the pages show is checked against figures counted here independently. Speed is measured by
`make bench` (bench/team_pages.py), never asserted.
"""

import sys
from datetime import timedelta
from pathlib import Path

import pytest
from django.contrib.auth import get_user_model
from django.db import transaction
from django.db.models import Count
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from lessons.models import Course, Lesson, SectionProgress
from teams.assignment_models import Assignment
from teams.models import Membership

from .test_teams import QUERY_BUDGET, _order, parse_csv

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "bench"))
from team_data import Shape, build_team  # noqa: E402

pytestmark = pytest.mark.django_db

SHAPE = Shape(members=5000, courses_read=1, longest_read=9, attempt_every=20, prefix="big")
# The dashboard's, less the header's course list, plus the passes per lesson (practice tasks).
COURSE_PAGE_BUDGET = 20
# session … content, the ids' cursor, any assignment, the tasks; per 500 (+1 with tasks)
EXPORT_BASE, EXPORT_PER_CHUNK = 10, 5


@pytest.fixture(scope="module")
def big_team(django_db_setup, django_db_blocker):
    """Built inside a transaction that is rolled back after the module: each test runs in a
    savepoint of it, so nothing of the 5,000 members outlives the module."""
    with django_db_blocker.unblock(), transaction.atomic():
        lead = get_user_model().objects.create_user("big-lead", password="x-long-passphrase")
        yield build_team(SHAPE, lead=lead), lead
        transaction.set_rollback(True)


@pytest.fixture
def lead_client(big_team):
    client = Client()
    client.force_login(big_team[1])
    return client


def test_the_generated_team_is_company_sized(big_team):
    team, _ = big_team
    assert team.memberships.count() == SHAPE.members + 1
    assert team.courses.count() == 20
    assert SectionProgress.objects.filter(user__team_memberships__team=team).count() > 15_000


@pytest.mark.parametrize(
    "params",
    [{}, {"sort": "completion"}, {"sort": "activity"}, {"page": "57"}, {"q": "big0499"}],
    ids=["name", "completion", "activity", "page-57", "filter"],
)
def test_every_dashboard_page_costs_the_same_queries(
    big_team, lead_client, django_assert_max_num_queries, params
):
    url = reverse("team-dashboard", args=[big_team[0].slug])
    with django_assert_max_num_queries(QUERY_BUDGET["team-dashboard"]):
        response = lead_client.get(url, params)
    assert response.status_code == 200
    html = response.content.decode()
    rows = _order(html)
    if "q" in params:
        assert rows == [f"big0499{n}" for n in range(10)]
    else:
        assert len(rows) == 50 and "Page " in html and " of 101" in html


def test_sorting_by_completion_is_done_in_the_database_and_right(big_team, lead_client):
    team, _ = big_team
    counts = (
        SectionProgress.objects.filter(user__team_memberships__team=team)
        .values("user__username")
        .annotate(n=Count("id"))
        .order_by("-n", "user__username")
    )
    most = counts[0]["n"]
    top = sorted(row["user__username"] for row in counts if row["n"] == most)[:50]
    url = reverse("team-dashboard", args=[team.slug])
    assert _order(lead_client.get(url, {"sort": "completion"}).content.decode()) == top


def test_the_summary_counts_every_learners_marks(big_team, lead_client):
    team, _ = big_team
    marks = SectionProgress.objects.filter(user__team_memberships__team=team).count()
    html = lead_client.get(reverse("team-dashboard", args=[team.slug])).content.decode()
    expected = round(100 * marks / (SHAPE.members * 800))
    assert f'<span class="team-completion-figure">{expected}%</span>' in html
    assert "5000 learners" in html


@pytest.mark.parametrize(
    "params",
    [{}, {"sort": "activity", "page": "100"}, {"sort": "completion"}, {"q": "big0499"}],
    ids=["name", "activity-page-100", "completion", "filter"],
)
def test_a_course_page_costs_the_same_queries(
    big_team, lead_client, django_assert_max_num_queries, params
):
    url = reverse("team-course", args=[big_team[0].slug, "big-c7"])
    with django_assert_max_num_queries(COURSE_PAGE_BUDGET):
        response = lead_client.get(url, params)
    html = response.content.decode()
    rows = 10 if "q" in params else 50
    assert response.status_code == 200 and len(_order(html)) == rows
    assert html.count('class="cell cell-') == rows * 10  # members × the course's lessons


def test_the_dashboard_with_past_due_assignments_counts_overdue_in_a_fixed_number_of_queries(
    big_team, lead_client, django_assert_max_num_queries
):
    """A whole-team course nobody finished, and a lesson for 300 chosen members, both past
    due: the summary's Overdue is counted in SQL, checked against the marks counted here."""
    team, lead = big_team
    course = Course.objects.get(slug="big-c7")
    lesson = Lesson.objects.get(course=course, slug="l0")
    chosen = list(team.memberships.filter(role=Membership.Role.LEARNER).order_by("id")[:300])
    past = timezone.now() - timedelta(days=1)
    Assignment.objects.create(team=team, kind="course", course=course, due_at=past)
    by_lesson = Assignment.objects.create(
        team=team, kind="lesson", lesson=lesson, everyone=False, due_at=past
    )
    by_lesson.members.set([m.user_id for m in chosen])
    read_it_all = (
        SectionProgress.objects.filter(
            section__lesson=lesson, user_id__in=[m.user_id for m in chosen]
        )
        .values("user_id")
        .annotate(n=Count("id"))
        .filter(n=4)
        .count()
    )
    assert 0 < read_it_all < 300  # some of the chosen did the lesson, not all
    expected = SHAPE.members + 300 - read_it_all  # no one read all 40 sections of a course
    url = reverse("team-dashboard", args=[team.slug])
    # The page's members' done/due/overdue: six more queries; the overdue figure: three.
    with django_assert_max_num_queries(QUERY_BUDGET["team-dashboard"] + 9):
        html = lead_client.get(url, {"sort": "completion"}).content.decode()
    assert f'<span class="team-overdue-figure">{expected}</span>' in html


def test_the_member_page_costs_what_it_does_for_a_small_team(
    big_team, lead_client, django_assert_max_num_queries
):
    url = reverse("team-member", args=[big_team[0].slug, "big01234"])
    # As for ada in a team of three; +3 for practice tasks (the team's, the member's passes,
    # the member's work on each task).
    with django_assert_max_num_queries(16):
        assert lead_client.get(url).status_code == 200


def test_the_export_streams_every_member_in_a_fixed_number_of_queries_per_chunk(
    big_team, lead_client, django_assert_max_num_queries
):
    team, _ = big_team
    chunks = -(-(SHAPE.members + 1) // 500)
    with django_assert_max_num_queries(EXPORT_BASE + EXPORT_PER_CHUNK * chunks):
        response = lead_client.get(reverse("team-export", args=[team.slug]))
        assert response.streaming
        header, *rows = parse_csv(response)
    assert len(rows) == SHAPE.members + 1 and rows[-1][0] == "big-lead"
    assert len(header) == 8 + 200 + 3 + 40 * 3 + 3 + 4 * 3  # + assignments, + ICA domains
    assert len({row[0] for row in rows}) == len(rows)
    learners = Membership.objects.filter(team=team, role=Membership.Role.LEARNER).count()
    assert learners == SHAPE.members
