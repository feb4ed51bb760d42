"""A passed practice task counts where progress counts (issue 24, "Progress and exams"): the
lesson page's panel, the course page, the home page's cards, "where to continue" and /me/, for
learners (TaskProgress rows) and visitors (the session), in a fixed number of queries."""

import re
from datetime import timedelta

import pytest
from django.test import RequestFactory
from django.utils import timezone

from lessons import requirements
from lessons.models import Lesson, SectionProgress
from lessons.progress import Status, course_progress, lesson_progress
from practice.reporting import lesson_task_counts, task_url

from .practice_helpers import make_task, pass_task, visitor_passes
from .test_me_dashboard import ME_BUDGET

pytestmark = pytest.mark.django_db

LESSON_URL = "/courses/mini-mesh/first/"


def read_lesson(user, lesson) -> None:
    for section in lesson.sections.all():
        SectionProgress.objects.create(user=user, section=section, read_at=timezone.now())


@pytest.fixture
def first(mini_course):
    return Lesson.objects.get(course=mini_course, slug="first")


@pytest.fixture
def two_tasks(first):
    return [
        make_task(first, "route-to-v1", order=1),
        make_task(first, "deny-delete", order=2, domain="security"),
    ]


def panel(html: str) -> str:
    return html.split('id="lesson-progress"', 1)[1].split("</aside>", 1)[0]


def test_a_lesson_read_with_tasks_open_is_in_progress_until_they_pass(
    learner_client, learner, first, two_tasks
):
    read_lesson(learner, first)
    html = panel(learner_client.get(LESSON_URL).content.decode())
    assert "In progress" in html and "Tasks: 0 of 2 passed" in html
    assert f'href="{task_url("route-to-v1")}"' in html  # the first task, in the lesson's order
    pass_task(learner, two_tasks[0])
    html = panel(learner_client.get(LESSON_URL).content.decode())
    assert "Tasks: 1 of 2 passed" in html and "In progress" in html
    assert f'href="{task_url("deny-delete")}"' in html
    pass_task(learner, two_tasks[1], after_solution=True)  # counted, as the lesson's rule says
    html = panel(learner_client.get(LESSON_URL).content.decode())
    assert "Completed" in html and "Tasks: 2 of 2 passed" in html and "next task" not in html


def test_a_lesson_without_tasks_says_nothing_of_them(learner_client, learner, first):
    read_lesson(learner, first)
    html = panel(learner_client.get(LESSON_URL).content.decode())
    assert "Completed" in html and "Tasks:" not in html


def test_passing_tasks_before_reading_starts_the_lesson_but_does_not_complete_it(
    learner_client, learner, first, two_tasks
):
    for task in two_tasks:
        pass_task(learner, task)
    html = panel(learner_client.get(LESSON_URL).content.decode())
    assert "In progress" in html and "Tasks: 2 of 2 passed" in html


def test_the_course_page_home_and_me_agree_with_the_lesson_page(
    learner_client, learner, mini_course, first, two_tasks
):
    for lesson in mini_course.lessons.all():
        read_lesson(learner, lesson)
    pass_task(learner, two_tasks[0])
    course = learner_client.get("/courses/mini-mesh/").content.decode()
    assert "1 of 2 tasks passed" in course and "1/2 tasks passed" in course
    first_row = course.split('href="/courses/mini-mesh/first/"', 1)[1].split("</li>", 1)[0]
    assert "In progress" in first_row
    # Every section read: "continue" leads to the task still open, not to a section.
    continue_link = re.search(r'href="([^"]+)">Continue where you left off', course)
    assert continue_link and continue_link.group(1) == task_url("deny-delete")
    home = learner_client.get("/").content.decode()
    assert "1 of 2 tasks passed" in home
    assert f'class="button" href="{task_url("deny-delete")}"' in home
    assert "Course completed" not in home
    me = learner_client.get("/me/").content.decode()
    assert "1 of 2 practice tasks passed" in me and "tasks 1 / 2" in me
    assert "Course completed" not in me and "take the final quiz" not in me
    pass_task(learner, two_tasks[1])
    course = learner_client.get("/courses/mini-mesh/").content.decode()
    assert "Continue where you left off" not in course
    me = learner_client.get("/me/").content.decode()
    assert "All sections read and tasks passed: take the final quiz" in me


def test_a_visitor_s_passes_in_the_session_count(client, first, two_tasks):
    visitor_passes(client, *two_tasks)
    session = client.session
    session["read_sections"] = {str(s.id): timezone.now().isoformat() for s in first.sections.all()}
    session.save()
    html = panel(client.get(LESSON_URL).content.decode())
    assert "Completed" in html and "Tasks: 2 of 2 passed" in html
    assert "2 of 2 tasks passed" in client.get("/courses/mini-mesh/").content.decode()


def test_another_learner_s_passes_do_not_count(
    learner_client, learner, other_learner, first, two_tasks
):
    read_lesson(learner, first)
    for task in two_tasks:
        pass_task(other_learner, task)
    html = panel(learner_client.get(LESSON_URL).content.decode())
    assert "Tasks: 0 of 2 passed" in html


def test_completed_at_is_the_last_of_the_reads_and_the_passes(learner, first, two_tasks):
    read_lesson(learner, first)
    later = timezone.now() + timedelta(hours=2)
    pass_task(learner, two_tasks[0])
    pass_task(learner, two_tasks[1], when=later)
    request = RequestFactory().get("/")
    request.user = learner
    counts = lesson_task_counts(request, [first.id])
    marks = dict(SectionProgress.objects.values_list("section_id", "read_at"))
    sections = {first.id: list(first.sections.values_list("id", flat=True))}
    progress = lesson_progress(sections, marks, counts)[first.id]
    assert progress.status == Status.COMPLETED and progress.completed_at == later
    assert lesson_progress(sections, marks)[first.id].status == Status.COMPLETED  # reading only


def test_without_a_registered_counter_lessons_ask_for_reading_alone(learner, first, two_tasks):
    read_lesson(learner, first)
    request = RequestFactory().get("/")
    request.user = learner
    saved = requirements._counter
    requirements.register_task_counter(None)
    try:
        (course,) = course_progress(request, [first.course])
    finally:
        requirements.register_task_counter(saved)
    first_progress = dict(course.lessons)[first]
    assert first_progress.status == Status.COMPLETED and course.tasks_total == 0
    (course,) = course_progress(request, [first.course])
    assert dict(course.lessons)[first].status == Status.IN_PROGRESS and course.tasks_total == 2


@pytest.mark.parametrize("who", ["visitor", "learner"])
def test_lesson_and_course_pages_cost_the_same_queries_with_many_tasks(
    client, learner, first, who, django_assert_max_num_queries
):
    if who == "learner":
        client.force_login(learner)
    make_task(first, "one-task")
    if who == "visitor":
        visitor_passes(client)  # a session in both rounds
    client.get(LESSON_URL)  # the cached parts drawn: both rounds read them from the cache
    # tests/test_lesson_pages.py's budgets: the lesson page 7 (5 for a visitor), the course 7.
    with django_assert_max_num_queries(7 if who == "learner" else 5) as few:
        client.get(LESSON_URL)
    with django_assert_max_num_queries(7) as few_course:
        client.get("/courses/mini-mesh/")
    tasks = [make_task(first, f"task-{n}", order=n) for n in range(12)]
    if who == "learner":
        for task in tasks[:7]:
            pass_task(learner, task)
    else:
        visitor_passes(client, *tasks[:7])
    client.get(LESSON_URL)  # saving a task may move the lesson's content version: warm again
    with django_assert_max_num_queries(7 if who == "learner" else 5) as many:
        html = client.get(LESSON_URL).content.decode()
    assert "Tasks: 7 of 13 passed" in html
    with django_assert_max_num_queries(7) as many_course:
        client.get("/courses/mini-mesh/")
    assert len(many.captured_queries) == len(few.captured_queries)
    assert len(many_course.captured_queries) == len(few_course.captured_queries)


def test_me_shows_passed_tasks_per_domain_and_the_latest(
    learner_client, learner, mini_course, first, two_tasks
):
    second = Lesson.objects.get(course=mini_course, slug="second")
    install = make_task(second, "pick-a-profile", domain="installation", title="Pick a profile")
    now = timezone.now()
    pass_task(learner, two_tasks[1], when=now - timedelta(days=1))
    pass_task(learner, install, when=now)
    html = learner_client.get("/me/").content.decode()
    block = html.split('id="practice-title"', 1)[1].split("</section>", 1)[0]
    assert "2 of 3 tasks passed" in block
    rows = re.findall(r'<th scope="row">([^<]+)</th><td data-label="Passed">([^<]+)</td>', block)
    assert rows == [
        ("Installation, upgrades and configuration", "1 of 1"),
        ("Traffic management", "0 of 1"),
        ("Securing workloads", "1 of 1"),
    ]
    recent = block.split("Recently passed", 1)[1]
    assert recent.index("Pick a profile") < recent.index("Task deny-delete")
    assert "Task route-to-v1" not in recent


def test_me_hides_the_practice_block_without_tasks(learner_client, mini_course):
    assert 'id="practice-title"' not in learner_client.get("/me/").content.decode()


def test_me_keeps_its_budget_however_many_tasks_are_passed(
    learner_client, learner, mini_course, first, django_assert_max_num_queries
):
    make_task(first, "only-one")
    with django_assert_max_num_queries(ME_BUDGET) as few:
        learner_client.get("/me/")
    second = Lesson.objects.get(course=mini_course, slug="second")
    for n in range(15):
        task = make_task(second if n % 2 else first, f"many-{n}", order=n, domain="security")
        pass_task(learner, task, when=timezone.now() - timedelta(minutes=n))
    with django_assert_max_num_queries(ME_BUDGET) as many:
        html = learner_client.get("/me/").content.decode()
    assert "15 of 16 tasks passed" in html
    assert html.split("Recently passed", 1)[1].count("<li>") == 5
    assert len(many.captured_queries) == len(few.captured_queries)


def test_marking_the_last_section_read_swaps_in_a_panel_that_counts_the_tasks(
    learner_client, learner, first, two_tasks
):
    sections = list(first.sections.order_by("order"))
    for section in sections[:-1]:
        SectionProgress.objects.create(user=learner, section=section, read_at=timezone.now())
    pass_task(learner, two_tasks[0])
    last = sections[-1]
    url = f"/courses/mini-mesh/first/{last.slug}/read/"
    html = learner_client.post(url, HTTP_HX_REQUEST="true").content.decode()
    assert "3 of 3 sections read" in html and "Tasks: 1 of 2 passed" in html
    assert "In progress" in html and "Completed" not in html


def test_a_visitor_s_passes_come_with_them_at_sign_up(client, first, two_tasks, django_user_model):
    visitor_passes(client, two_tasks[0])
    response = client.post(
        "/accounts/signup/",
        {
            "username": "newbie",
            "password1": "a-long-pass-phrase-77",
            "password2": "a-long-pass-phrase-77",
        },
    )
    assert response.status_code == 302
    html = client.get("/me/").content.decode()
    assert "1 of 2 practice tasks passed" in html and "Task route-to-v1" in html
