"""A practice exam with a hands-on task in a real browser, on a phone with JavaScript and a
desktop without: the questions, then the task (scenario, workloads, an editor, Submit) with
nothing graded shown, then the result counting it and the review with its checks and solution.
The exam is shortened to two questions and the practice fixture's task, graded for real."""

import pytest
from django.contrib.auth import get_user_model

from coursefiles.loading import load_course_file
from lessons.models import Lesson
from practice.models import Task
from quizzes.models import AttemptTask, Question, Quiz

from ..test_bank_format import BANK_COURSE
from .conftest import DESKTOP, PASSWORD, PHONE, assert_accessible, log_in, screenshot

EXAM = "/quizzes/bank-practice-exam/"
POOL = ["traffic-yaml-timeout", "sec-default-mode"]
PRACTICE_COURSE = BANK_COURSE.parent / "practice-course"


@pytest.fixture
def task_exam(transactional_db):
    course = load_course_file(BANK_COURSE).course
    load_course_file(PRACTICE_COURSE)
    Question.objects.exclude(key__in=POOL).update(domain="")
    Quiz.objects.filter(slug="bank-practice-exam").update(exam_questions=len(POOL), exam_tasks=1)
    task = Task.objects.get(slug="jason-to-v2")
    Task.objects.exclude(pk=task.pk).delete()
    Task.objects.filter(pk=task.pk).update(lesson=Lesson.objects.get(course=course, slug="basics"))
    return Task.objects.get(pk=task.pk)


@pytest.mark.parametrize(
    ("viewport", "javascript"),
    [(PHONE, True), (DESKTOP, False)],
    ids=["phone-js", "desktop-no-js"],
)
def test_a_practice_exam_with_a_task(live_server, task_exam, new_page, viewport, javascript):
    name = f"{'phone' if viewport == PHONE else 'desktop'}-{'js' if javascript else 'no-js'}"
    user = get_user_model().objects.create_user(f"tasker-{name}", password=PASSWORD)
    page = new_page(viewport=viewport, javascript=javascript)
    base = live_server.url
    log_in(page, base, user.username)
    page.goto(base + EXAM)
    assert "2 questions and 1 hands-on task in 30 minutes" in page.inner_text("main")
    page.click("button:has-text('Start the exam')")
    assert "Question 1 of 2, then 1 task" in page.inner_text("main")
    for _ in range(2):
        page.locator("input[name=choice]").first.check()
        page.locator("button[type=submit]:has-text('Answer and')").click()
        page.wait_for_load_state()
    main = page.inner_text("main")
    assert "Task 1 of 1" in main and task_exam.title in main and "reviews-v2" in main
    assert page.input_value("textarea[name=config]") == task_exam.starting_config
    body = page.content()
    for hint in task_exam.hints:
        assert hint not in body
    assert "exact: jason" not in body  # the reference solution's line
    if javascript:
        assert_accessible(page, f"exam task ({name})")
    # The page fits the phone: the editor is no wider than the screen.
    width = page.evaluate("document.querySelector('textarea[name=config]').offsetWidth")
    assert width <= viewport["width"]
    screenshot(page, f"exam-task-{name}")
    page.fill("textarea[name=config]", task_exam.solution)
    page.click("button[type=submit]:has-text('Submit')")
    page.wait_for_load_state()
    assert "Your result" in page.title()
    main = page.inner_text("main")
    assert "/3 (" in main and "Task 1: " + task_exam.title in main  # 2 questions + 1 task
    assert AttemptTask.objects.get(attempt__user=user).passed is True
    assert "A solution" in main and main.count("Passed") >= 1 + len(task_exam.checks)
    if javascript:
        assert_accessible(page, f"exam result with a task ({name})")
    page.locator("text=Task 1: ").scroll_into_view_if_needed()
    screenshot(page, f"exam-task-review-{name}")
