"""Practice tasks on the team pages at company size: 5,000 members on 3 courses, 20 tasks in
the first course's lessons and ~50,000 passes (bench/team_data.py, plus tasks here). Each
page costs the budget it has for a team of three (tests/test_teams.py, test_team_scale.py),
and the task figures match those counted here independently."""

import sys
from pathlib import Path

import pytest
from django.contrib.auth import get_user_model
from django.db import transaction
from django.db.models import Count
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from lessons.models import Lesson, SectionProgress
from practice.models import Task, TaskProgress
from teams.models import Membership

from .practice_helpers import CHECKS
from .test_team_scale import COURSE_PAGE_BUDGET, EXPORT_BASE, EXPORT_PER_CHUNK
from .test_teams import QUERY_BUDGET, _order, parse_csv

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "bench"))
from team_data import Shape, build_team  # noqa: E402

pytestmark = pytest.mark.django_db

SHAPE = Shape(members=5000, courses=3, courses_read=2, longest_read=41, prefix="pt")
TASKS_PER_LESSON = 2


@pytest.fixture(scope="module")
def big_team(django_db_setup, django_db_blocker):
    """Built in a transaction rolled back after the module, as test_team_scale.py does."""
    with django_db_blocker.unblock(), transaction.atomic():
        lead = get_user_model().objects.create_user("pt-lead", password="x-long-passphrase")
        team = build_team(SHAPE, lead=lead)
        lessons = Lesson.objects.filter(course__slug="pt-c0").order_by("order")
        tasks = Task.objects.bulk_create(
            [
                Task(
                    lesson=lesson,
                    slug=f"pt-{lesson.order}-{n}",
                    order=n,
                    title=f"Task {lesson.order}.{n}",
                    domain="traffic",
                    scenario="s",
                    solution="x",
                    checks=CHECKS,
                )
                for lesson in lessons
                for n in range(TASKS_PER_LESSON)
            ]
        )
        users = list(Membership.objects.filter(team=team, role="learner").values_list("user_id"))
        now = timezone.now()
        TaskProgress.objects.bulk_create(
            [
                TaskProgress(user_id=user_id, task=task, passed_at=now)
                for i, (user_id,) in enumerate(users)
                for task in tasks[: i % (len(tasks) + 1)]
            ],
            batch_size=5000,
        )
        yield team, lead, tasks
        transaction.set_rollback(True)


@pytest.fixture
def lead_client(big_team):
    client = Client()
    client.force_login(big_team[1])
    return client


@pytest.mark.parametrize(
    "params", [{}, {"sort": "completion"}, {"page": "57"}], ids=["name", "completion", "page-57"]
)
def test_the_dashboard_with_tasks_keeps_its_budget(
    big_team, lead_client, django_assert_max_num_queries, params
):
    team, _, tasks = big_team
    with django_assert_max_num_queries(QUERY_BUDGET["team-dashboard"]):
        response = lead_client.get(reverse("team-dashboard", args=[team.slug]), params)
    html = response.content.decode()
    assert len(_order(html)) == 50
    assert html.count(f'<span class="meta">of {len(tasks)}</span>') == 50


def test_the_summary_s_task_figures_are_the_database_s(big_team, lead_client):
    team, _, tasks = big_team
    html = lead_client.get(reverse("team-dashboard", args=[team.slug])).content.decode()
    learners = Membership.objects.filter(team=team, role="learner")
    passes = (
        TaskProgress.objects.filter(user__in=learners.values("user_id"), task__in=tasks)
        .values("task__title")
        .annotate(n=Count("id"))
    )
    for row in passes[:5]:
        assert f"{row['task__title']} (task) — passed by {row['n']} of 5000" in html
    # A lesson with tasks: completed by those who read its 4 sections and passed its 2 tasks.
    lesson = tasks[0].lesson
    read_all = set(
        SectionProgress.objects.filter(section__lesson=lesson)
        .values("user_id")
        .annotate(n=Count("id"))
        .filter(n=4)
        .values_list("user_id", flat=True)
    )
    passed_all = set(
        TaskProgress.objects.filter(task__lesson=lesson)
        .values("user_id")
        .annotate(n=Count("id"))
        .filter(n=TASKS_PER_LESSON)
        .values_list("user_id", flat=True)
    )
    completed = len(read_all & passed_all & set(learners.values_list("user_id", flat=True)))
    assert 0 < completed < len(read_all)
    assert f"{lesson.title} — completed by {completed} of 5000" in html


def test_the_course_page_with_tasks_keeps_its_budget(
    big_team, lead_client, django_assert_max_num_queries
):
    team, _, _ = big_team
    url = reverse("team-course", args=[team.slug, "pt-c0"])
    with django_assert_max_num_queries(COURSE_PAGE_BUDGET):
        html = lead_client.get(url, {"sort": "activity"}).content.decode()
    assert html.count('class="cell cell-') == 50 * 10
    assert "tasks passed" in html


def test_the_export_with_tasks_streams_in_a_fixed_number_of_queries(
    big_team, lead_client, django_assert_max_num_queries
):
    team, _, tasks = big_team
    chunks = -(-(SHAPE.members + 1) // 500)
    with django_assert_max_num_queries(EXPORT_BASE + EXPORT_PER_CHUNK * chunks):
        header, *rows = parse_csv(lead_client.get(reverse("team-export", args=[team.slug])))
    assert len(rows) == SHAPE.members + 1
    assert header[-4:] == [
        "Tasks passed",
        "Tasks total",
        "Last task passed",
        "Course 0: tasks passed",
    ]
    sample = next(r for r in rows if r[0] == "pt01234")
    user = get_user_model().objects.get(username="pt01234")
    passed = TaskProgress.objects.filter(user=user, passed_at__isnull=False).count()
    assert sample[-4] == str(passed) and sample[-3] == str(len(tasks))
    assert sample[-1] == f"{passed} of {len(tasks)}"
