"""Practice pages: the list with the learner's status, a task's page without JavaScript and with
htmx, hints one at a time, giving up, the solution never in the HTML before it is earned, a
visitor's progress merged at sign-in, and the JSON endpoints with their refusals."""

import re
from pathlib import Path

import pytest
from django.test import Client

from coursefiles.loading import load_course_file
from practice.models import Task, TaskProgress

FIXTURE = Path(__file__).resolve().parent / "fixtures" / "practice-course"
TASK = "/practice/jason-to-v2/"
SECRET = "exact: jason"  # in the reference solution only, never in the starting config
EXPLANATION = "matches the header"


@pytest.fixture
def course(db):
    return load_course_file(FIXTURE).course


@pytest.fixture
def task(course):
    return Task.objects.get(slug="jason-to-v2")


def solution_of(task) -> str:
    return task.solution


def test_the_list_shows_published_tasks_by_lesson_with_status(
    course, task, learner_client, django_assert_max_num_queries
):
    with django_assert_max_num_queries(8):
        html = learner_client.get("/practice/").content.decode()
    assert "Send Jason to reviews v2" in html
    assert "A task of a draft lesson" not in html  # its lesson is a draft
    assert 'task-status task-status-open">Open' in html
    learner_client.post(TASK, {"config": task.solution})
    html = learner_client.get("/practice/").content.decode()
    assert 'task-status task-status-passed">Passed' in html
    assert "1 of 1 task passed" in html
    for n in range(10):  # more tasks: the same queries
        Task.objects.create(
            lesson=task.lesson,
            slug=f"more-{n}",
            title=f"More {n}",
            domain="traffic",
            scenario="s",
            hints=["h"],
            solution="s",
            sources=[],
            checks=[],
        )
    with django_assert_max_num_queries(8):
        html = learner_client.get("/practice/").content.decode()
    assert "More 9" in html


def test_the_list_filters_by_domain(course, client):
    assert "Send Jason" in client.get("/practice/?domain=traffic").content.decode()
    html = client.get("/practice/?domain=security").content.decode()
    assert "Send Jason" not in html and "No practice tasks in this domain" in html
    assert "Send Jason" in client.get("/practice/?domain=nonsense").content.decode()


def test_the_task_page_shows_scenario_workloads_and_starting_config(course, client):
    response = client.get(TASK)
    html = response.content.decode()
    assert response.status_code == 200
    assert "<strong>reviews</strong>" in html  # the scenario's Markdown, rendered
    # the workloads table
    assert '<code class="workload-name">reviews-v2</code>' in html and "version=v2" in html
    assert "kind: DestinationRule" in html  # the starting config, in the editor
    assert 'name="csrfmiddlewaretoken"' in html


def test_solution_and_explanation_are_never_in_the_html_before_pass_or_give_up(course, client):
    html = client.get(TASK).content.decode()
    assert SECRET not in html and EXPLANATION not in html
    failing = client.post(TASK, {"config": "kind: Nothing"}).content.decode()
    assert SECRET not in failing and EXPLANATION not in failing
    htmx = client.post(TASK, {"config": ""}, HTTP_HX_REQUEST="true").content.decode()
    assert SECRET not in htmx and EXPLANATION not in htmx
    hint = client.post(f"{TASK}hint/", {"seen": "0"}, HTTP_HX_REQUEST="true").content.decode()
    assert SECRET not in hint


def test_a_plain_post_checks_and_shows_each_check(course, task, client):
    response = client.post(TASK, {"config": task.starting_config})
    html = response.content.decode()
    assert response.status_code == 200
    assert "2 of 3 checks do not pass yet." in html
    assert "Requests with the header end-user jason do not reach v2 yet." in html
    assert "kind: DestinationRule" in html  # the learner's text stays in the editor
    passed = client.post(TASK, {"config": task.solution}).content.decode()
    assert "All 3 checks pass" in passed
    assert EXPLANATION in passed and SECRET in passed  # earned: shown now


def test_htmx_gets_the_results_and_out_of_band_status_and_solution(course, task, client):
    response = client.post(TASK, {"config": task.solution}, HTTP_HX_REQUEST="true")
    html = response.content.decode()
    assert html.lstrip().startswith('<p class="practice-verdict is-passed">')
    assert 'id="practice-results"' not in html  # the live region stays; its inside is swapped
    assert "<textarea" not in html  # the editor is never swapped
    assert 'id="task-status" class="task-status task-status-passed" hx-swap-oob="true"' in html
    assert 'id="solution" class="practice-solution"' in html and EXPLANATION in html
    assert "HX-Request" in response["Vary"]


def test_hints_one_at_a_time_and_a_replayed_post_shows_nothing_new(course, learner_client):
    first = learner_client.post(f"{TASK}hint/", {"seen": "0", "config": "# being written"})
    assert first.status_code == 200
    assert "# being written" in first.content.decode()  # the editor keeps the learner's text
    html = learner_client.get(TASK).content.decode()
    assert "Which field of a" in html and "A rule without" not in html
    learner_client.post(f"{TASK}hint/", {"seen": "0"})  # the same form, posted again
    html = learner_client.get(TASK).content.decode()
    assert "A rule without" not in html
    learner_client.post(f"{TASK}hint/", {"seen": "1"})
    html = learner_client.get(TASK).content.decode()
    assert "A rule without" in html and "That was the last hint." in html
    learner_client.post(f"{TASK}hint/", {"seen": "2"})  # past the last: nothing
    assert TaskProgress.objects.get().hints_shown == 2


def test_hints_for_a_visitor_live_in_the_session(course, client):
    client.post(f"{TASK}hint/", {"seen": "0"}, HTTP_HX_REQUEST="true")
    html = client.post(f"{TASK}hint/", {"seen": "1"}, HTTP_HX_REQUEST="true").content.decode()
    assert html.lstrip().startswith('<div id="hint-list"')
    assert "A rule without" in html
    assert TaskProgress.objects.count() == 0


def test_give_up_needs_the_confirmation_then_shows_the_solution(course, task, learner_client):
    learner_client.post(f"{TASK}solution/", {})  # no confirm: nothing happens
    assert SECRET not in learner_client.get(TASK).content.decode()
    response = learner_client.post(f"{TASK}solution/", {"confirm": "yes", "config": "# mine"})
    assert response.status_code == 200 and "# mine" in response.content.decode()
    html = learner_client.get(TASK).content.decode()
    assert SECRET in html and EXPLANATION in html
    assert "Gave up" in html
    learner_client.post(TASK, {"config": task.solution})
    row = TaskProgress.objects.get()
    assert row.passed_at is not None and row.passed_after_solution
    listed = learner_client.get("/practice/").content.decode()
    assert "Passed after the solution" in listed


def test_give_up_with_htmx_swaps_the_solution_and_status(course, client):
    response = client.post(f"{TASK}solution/", {"confirm": "yes"}, HTTP_HX_REQUEST="true")
    html = response.content.decode()
    assert html.lstrip().startswith('<section id="solution"')
    assert SECRET in html
    assert 'task-status-gave-up" hx-swap-oob="true"' in html


def test_a_learner_sees_their_last_config_and_never_another_learners(
    course, task, learner_client, other_learner
):
    learner_client.post(TASK, {"config": "# my own attempt\n" + task.solution})
    assert "# my own attempt" in learner_client.get(TASK).content.decode()
    other = Client()
    other.force_login(other_learner)
    html = other.get(TASK).content.decode()
    assert "# my own attempt" not in html
    assert SECRET not in html  # ada's pass shows bob nothing
    assert 'task-status-open">Open' in other.get("/practice/").content.decode()


def test_a_visitors_pass_is_merged_at_sign_in(course, task, learner):
    visitor = Client()
    visitor.post(TASK, {"config": task.solution})
    assert TaskProgress.objects.count() == 0
    visitor.post("/accounts/login/", {"username": "ada", "password": "correct-horse-9"})
    row = TaskProgress.objects.get(user=learner)
    assert row.passed_at is not None and not row.passed_after_solution


def test_every_post_needs_a_csrf_token(course):
    browser = Client(enforce_csrf_checks=True)
    assert browser.post(TASK, {"config": ""}).status_code == 403
    assert browser.post(f"{TASK}hint/", {"seen": "0"}).status_code == 403
    assert browser.post(f"{TASK}solution/", {"confirm": "yes"}).status_code == 403
    page = browser.get(TASK)
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.content.decode())
    allowed = browser.post(TASK, {"config": "", "csrfmiddlewaretoken": token.group(1)})
    assert allowed.status_code == 200


def test_a_draft_lessons_task_is_404_for_learners_and_visible_to_staff(course, client, admin_user):
    assert client.get("/practice/draft-task/").status_code == 404
    assert client.get("/practice/draft-task.json").status_code == 404
    client.force_login(admin_user)
    assert client.get("/practice/draft-task/").status_code == 200


def test_the_lesson_links_its_tasks(course, client):
    html = client.get("/courses/practice-mesh/routing/").content.decode()
    assert 'href="/practice/jason-to-v2/"' in html and "Practise it" in html


def test_a_post_without_a_config_checks_and_records_nothing(course, learner_client):
    response = learner_client.post(TASK, {"seen": "0"})
    assert response.status_code == 400
    assert "Nothing to check." in response.content.decode()
    assert not TaskProgress.objects.exists()


def test_an_oversized_config_is_refused_with_413(course, client):
    big = "# " + "x" * (256 * 1024)
    response = client.post(TASK, {"config": big})
    assert response.status_code == 413
    assert "Too large." in response.content.decode()


# --- JSON ------------------------------------------------------------------------------------


def test_the_task_json_never_holds_the_solution_or_expectations(course, task, client):
    response = client.get("/practice/jason-to-v2.json")
    data = response.json()
    assert response.status_code == 200
    assert data["slug"] == "jason-to-v2" and data["domain"] == "traffic"
    assert data["checks"][1] == {"name": "Jason's requests reach reviews v2", "kind": "route"}
    assert data["workloads"][0]["name"] == "productpage-v1"
    body = response.content.decode()
    assert SECRET not in body and "expect" not in body and "fail" not in body
    assert EXPLANATION not in body and "Which field" not in body  # nor the hints


def test_check_json_grades_and_records_nothing(course, task, learner_client):
    url = "/practice/jason-to-v2/check.json"
    failing = learner_client.post(url, {"config": task.starting_config}).json()
    assert failing["passed"] is False
    assert [c["passed"] for c in failing["checks"]] == [True, False, False]
    assert failing["checks"][1]["message"].startswith("Requests with the header")
    passing = learner_client.post(url, {"config": task.solution}).json()
    assert passing == {
        "passed": True,
        "checks": [{"name": c.name, "passed": True, "message": ""} for c in task.spec().checks],
    }
    assert TaskProgress.objects.count() == 0  # no CSRF there, so it changes nothing


def test_check_json_refusals(course, client, settings):
    url = "/practice/jason-to-v2/check.json"
    missing = client.post(url, {})
    assert missing.status_code == 400 and "config" in missing.json()["fields"]
    big = client.post(url, {"config": "x" * (256 * 1024 + 1)})
    assert big.status_code == 413
    assert client.get(url).status_code == 405
    assert client.post("/practice/nothing-here/check.json", {"config": ""}).status_code == 404


@pytest.fixture
def three_a_minute(settings, monkeypatch):
    from shared import rate_limit

    settings.MESHLEARN_PRACTICE_CHECK_PER_MINUTE = 3
    clock = {"now": 1_000_000.0}
    monkeypatch.setattr(rate_limit, "_now", lambda: clock["now"])
    return clock


def test_checks_are_rate_limited_page_and_json_together(course, task, client, three_a_minute):
    url = "/practice/jason-to-v2/check.json"
    client.post(TASK, {"config": ""})
    client.post(url, {"config": ""})
    client.post(TASK, {"config": ""}, HTTP_HX_REQUEST="true")
    refused = client.post(url, {"config": ""})
    assert refused.status_code == 429 and refused["Retry-After"]
    page = client.post(TASK, {"config": "# kept"})
    assert page.status_code == 429
    html = page.content.decode()
    assert "Too many checks." in html and "# kept" in html
    three_a_minute["now"] += 60
    assert client.post(url, {"config": ""}).status_code == 200


def test_the_task_page_reads_a_fixed_number_of_rows(
    course, task, learner_client, django_assert_max_num_queries
):
    learner_client.post(TASK, {"config": task.starting_config})
    # Session and user, the task with its lesson and course, the learner's last config, state.
    with django_assert_max_num_queries(5):
        assert learner_client.get(TASK).status_code == 200


def test_a_task_row_stored_around_the_rules_fails_its_checks_instead_of_a_500(course, task, client):
    Task.objects.filter(pk=task.pk).update(checks=[{"name": "x", "bogus": {}}])
    data = client.post("/practice/jason-to-v2/check.json", {"config": task.solution}).json()
    assert data["passed"] is False
    assert data["checks"][0]["message"].startswith("This task cannot be graded right now")
    assert client.post(TASK, {"config": task.solution}).status_code == 200
