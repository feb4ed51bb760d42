"""Authoring a practice task in the admin: the YAML fields are read by the course file's readers
(the same words, with the field's line), the solution is graded before saving, and "Run the
checks" shows the result without saving."""

from pathlib import Path

import pytest
import yaml

from coursefiles.loading import load_course_file
from practice.admin import RUN_ONLY
from practice.models import Task

FIXTURE = Path(__file__).resolve().parent / "fixtures" / "practice-course"


@pytest.fixture
def task(db):
    load_course_file(FIXTURE)
    return Task.objects.get(slug="jason-to-v2")


@pytest.fixture
def staff(admin_client):
    return admin_client


def form_of(task: Task, **changes) -> dict:
    dump = lambda value: yaml.safe_dump(value, sort_keys=False)  # noqa: E731
    data = {
        "lesson": task.lesson_id,
        "order": task.order,
        "title": task.title,
        "slug": task.slug,
        "domain": task.domain,
        "competency": task.competency,
        "kind": task.kind,
        "release": task.release,
        "scenario": task.scenario,
        "starting_config": task.starting_config,
        "solution": task.solution,
        "explanation": task.explanation,
        "workloads_yaml": dump(task.workloads),
        "hints_yaml": dump(task.hints),
        "sources_yaml": dump(task.sources),
        "checks_yaml": dump(task.checks),
    }
    return {**data, **changes}


def url(task: Task) -> str:
    return f"/admin/practice/task/{task.pk}/change/"


def test_the_change_page_shows_the_yaml_fields_and_the_run_button(task, staff):
    html = staff.get(url(task)).content.decode()
    assert "end-user: jason" in html  # the checks, as YAML
    assert f'name="{RUN_ONLY}"' in html


def test_saving_grades_the_solution_and_refuses_one_that_fails(task, staff):
    broken = task.solution.replace("exact: jason", "exact: jasper")
    response = staff.post(url(task), form_of(task, solution=broken))
    html = response.content.decode()
    assert response.status_code == 200  # the form again, not saved
    assert "The solution fails its own check" in html
    assert "Jason&#x27;s requests reach reviews v2" in html
    task.refresh_from_db()
    assert "exact: jason" in task.solution


def test_a_wrong_field_is_reported_with_its_line(task, staff):
    checks = yaml.safe_dump(task.checks, sort_keys=False).replace("subset: v2", "subst: v2")
    html = staff.post(url(task), form_of(task, checks_yaml=checks)).content.decode()
    line = checks[: checks.index("subst")].count("\n") + 1
    assert f"checks:{line}: [1].route.expect.subst: unknown key &#x27;subst&#x27;" in html
    bad_workloads = "- name: Reviews V1\n"
    html = staff.post(url(task), form_of(task, workloads_yaml=bad_workloads)).content.decode()
    assert "workloads:1: [0].name: &#x27;Reviews V1&#x27; is not a Kubernetes name" in html


def test_run_the_checks_shows_the_results_and_saves_nothing(task, staff):
    data = form_of(task, title="Renamed", **{RUN_ONLY: "1"})
    html = staff.post(url(task), data).content.decode()
    assert "Not saved: the checks were run" in html
    assert "Reference solution:</strong>\n      passes every check" in html
    assert "Starting config:</strong>\n      fails 2 of 3 checks" in html
    task.refresh_from_db()
    assert task.title == "Send Jason to reviews v2"


def test_a_valid_change_is_saved_and_rendered(task, staff):
    response = staff.post(url(task), form_of(task, scenario="Now **bold**."))
    assert response.status_code == 302
    task.refresh_from_db()
    assert task.scenario_html == "<p>Now <strong>bold</strong>.</p>\n"


def test_the_add_page_and_the_list_render(task, staff):
    assert staff.get("/admin/practice/task/add/").status_code == 200
    assert "Send Jason" in staff.get("/admin/practice/task/").content.decode()
    assert staff.get("/admin/practice/taskprogress/").status_code == 200


def test_instructors_author_tasks_but_never_see_learners_progress(task, django_user_model):
    from django.contrib.auth.models import Group
    from django.test import Client

    ines = django_user_model.objects.create_user("ines", password="pw-ines-12345", is_staff=True)
    ines.groups.add(Group.objects.get(name="Instructors"))
    client = Client()
    client.force_login(ines)
    assert client.get(url(task)).status_code == 200
    assert client.get("/admin/practice/task/add/").status_code == 200
    assert client.get("/admin/practice/taskprogress/").status_code == 403


def test_a_release_the_checker_does_not_know_is_a_field_error(task, staff):
    html = staff.post(url(task), form_of(task, release="1.99")).content.decode()
    assert "Release &#x27;1.99&#x27; is not one the checker knows" in html
    task.refresh_from_db()
    assert task.release == ""
