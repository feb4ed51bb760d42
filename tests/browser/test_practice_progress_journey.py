"""A passed practice task in a learner's progress, in a real browser on a phone: the lesson's
panel waits for its task after every section is read (htmx swaps it in place), and the lesson
completes once the task passes; /me/ lists the task under its domain."""

from datetime import timedelta

import pytest
from django.contrib.auth import get_user_model
from django.utils import timezone

from lessons.models import Lesson
from tests.practice_helpers import make_task, pass_task

from .conftest import PHONE, assert_accessible, screenshot, sign_up

LESSON = "/courses/istio-service-mesh/traffic-management/"


@pytest.mark.parametrize("javascript", [True, False], ids=["js", "nojs"])
def test_a_lesson_waits_for_its_task_and_me_lists_it(live_server, course, new_page, javascript):
    lesson = Lesson.objects.get(course=course, slug="traffic-management")
    make_task(lesson, "journey-route", title="Send testers to v2", order=999)
    tasks = list(lesson.tasks.all())  # the shipped ones too
    base = live_server.url
    page = new_page(javascript=javascript, viewport=PHONE)
    sign_up(page, base, f"tasker-{'js' if javascript else 'nojs'}")
    page.goto(base + LESSON)
    panel = page.locator("#lesson-progress")
    assert f"Tasks: 0 of {len(tasks)} passed" in panel.inner_text()
    total = page.locator(".read-control button").count()
    for n in range(1, total + 1):
        page.locator(".read-control button").first.click()
        if javascript:
            page.wait_for_function(
                "n => document.querySelector('#lesson-progress').innerText.includes(n + ' of ')",
                arg=n,
            )
        else:
            page.wait_for_load_state()
    text = panel.inner_text()
    assert f"{total} of {total} sections read" in text and "In progress" in text
    assert f"Tasks: 0 of {len(tasks)} passed" in text
    assert page.locator("#lesson-progress a", has_text="start the tasks").count() == 1
    panel.scroll_into_view_if_needed()
    screenshot(page, f"practice-progress-lesson-{'js' if javascript else 'nojs'}-phone")
    user = get_user_model().objects.get(username=f"tasker-{'js' if javascript else 'nojs'}")
    for n, task in enumerate(tasks):  # what the task pages record once the grader says so
        pass_task(user, task, when=timezone.now() - timedelta(minutes=len(tasks) - n))
    page.goto(base + LESSON)
    text = panel.inner_text()
    assert "Completed" in text and f"Tasks: {len(tasks)} of {len(tasks)} passed" in text
    page.goto(base + "/me/")
    block = page.locator(".practice-progress")
    assert f"{len(tasks)} of " in block.inner_text()
    assert "Send testers to v2" in block.inner_text()  # passed last: first of the recent
    block.scroll_into_view_if_needed()
    screenshot(page, f"practice-progress-me-{'js' if javascript else 'nojs'}-phone")
    if javascript:
        assert_accessible(page, "/me/ with practice tasks")
