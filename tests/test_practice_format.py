"""Practice tasks in the course files (course_format/tasks.py): every field checked, errors with
the file, line and key; loading them with `loadcourse` and writing them back with `dumpcourse`."""

import shutil
from pathlib import Path

import pytest
import yaml

from course_format.schema import read_course
from course_format.tasks import read_task_file, seconds
from course_format.yamlfile import ContentError, parse_yaml
from coursefiles.dumping import dump_course
from coursefiles.loading import load_course, load_course_file
from practice.models import Task, TaskProgress

FIXTURE = Path(__file__).resolve().parent / "fixtures" / "practice-course"
TASKS_FILE = (FIXTURE / "tasks" / "routing.yaml").read_text()


def error_of(text: str) -> str:
    with pytest.raises(ContentError) as caught:
        read_task_file(parse_yaml(text, "tasks/routing.yaml"))
    return str(caught.value)


def test_the_fixture_reads():
    tasks = read_task_file(parse_yaml(TASKS_FILE, "tasks/routing.yaml"))
    assert [task.slug for task in tasks] == ["jason-to-v2", "draft-task"]
    first = tasks[0]
    assert first.workload("reviews-v2").labels == {"app": "reviews", "version": "v2"}
    assert first.workload("reviews-v2").namespace == "bookinfo"
    assert [check.kind for check in first.checks] == ["valid", "route", "route"]
    assert first.where == ("tasks/routing.yaml", 2)


@pytest.mark.parametrize(
    ("old", "new", "needle", "message"),
    [
        (
            "slug: jason-to-v2",
            "slug: Jason_To_V2",
            "slug: Jason",
            "tasks[0].slug: 'Jason_To_V2' is not a slug",
        ),
        (
            "domain: traffic",
            "domain: routing",
            "domain: routing",
            "tasks[0].domain: 'routing' is not one of",
        ),
        (
            "competency: request routing",
            "competency: sidecar injection",
            "competency: sidecar",
            "'sidecar injection' is not a traffic competency",
        ),
        (
            "kind: build",
            "kind: quiz",
            "kind: quiz",
            "tasks[0].kind: 'quiz' is not one of build, fix",
        ),
        (
            "      - name: reviews-v2\n",
            "      - name: reviews-v1\n",
            "- name: reviews-v1\n        namespace: bookinfo\n"
            "        labels: {app: reviews, version: v2}",
            "duplicate workload name 'reviews-v1'",
        ),
        (
            "headers: {end-user: jason}, from: productpage-v1}",
            "headers: {end-user: jason}, from: ratings-v1}",
            "from: ratings-v1",
            "'ratings-v1' is not a workload of this task",
        ),
        (
            "expect: {outcome: route, share: {v1: 100}}",
            "expect: {outcome: route, share: {v1: 60}}",
            "share: {v1: 60}",
            "the percents must add up to 100",
        ),
        (
            "expect: {outcome: route, share: {v1: 100}}",
            "expect: {outcome: landed}",
            "outcome: landed",
            "'landed' is not one of route, redirect",
        ),
        (
            "expect: {outcome: route, share: {v1: 100}}",
            "expect: {timeout: 10}",
            "timeout: 10",
            "'10' is not a duration",
        ),
        (
            "expect: {outcome: route, share: {v1: 100}}",
            "expect: {weight: 100}",
            "weight: 100",
            "unknown key 'weight'",
        ),
        (
            "expect: {outcome: route, share: {v1: 100}}",
            "expect: {}",
            "expect: {}",
            "expects nothing",
        ),
        (
            "    hints:\n      - Which",
            "    hints: []\n    old_hints:\n      - Which",
            "old_hints",
            "unknown key 'old_hints'",
        ),
    ],
)
def test_a_wrong_field_is_reported_at_its_file_and_line(old, new, needle, message):
    assert old in TASKS_FILE
    text = TASKS_FILE.replace(old, new, 1)
    line = text[: text.index(needle)].count("\n") + 1
    error = error_of(text)
    assert error.startswith(f"tasks/routing.yaml:{line}: "), error
    assert message in error


def test_a_check_has_exactly_one_probe():
    two = TASKS_FILE.replace(
        "      - name: Istio accepts the config\n        valid: {}\n",
        "      - name: Istio accepts the config\n        valid: {}\n"
        "        resource: {select: {kind: X}, count: 1}\n",
    )
    line = two[: two.index("- name: Istio accepts")].count("\n") + 1
    error = error_of(two)
    assert error.startswith(f"tasks/routing.yaml:{line}: tasks[0].checks[0]: ")
    assert "exactly one probe" in error and "found valid, resource" in error
    none = TASKS_FILE.replace("        valid: {}\n", "", 1)
    assert "found none" in error_of(none)


def test_a_behaviour_check_needs_its_fail_text_and_names_are_unique():
    no_fail = TASKS_FILE.replace(
        "        fail: Requests with the header end-user jason do not reach v2 yet.\n", "", 1
    )
    assert "missing required key 'fail'" in error_of(no_fail)
    same = TASKS_FILE.replace(
        "- name: Everyone else reaches reviews v1", "- name: Jason's requests reach reviews v2"
    )
    assert "duplicate check name" in error_of(same)


def test_sizes_are_bounded():
    hints = "\n".join(f"      - hint {n}" for n in range(11))
    many = TASKS_FILE.replace(
        "    hints:\n      - Which field of a `match` block compares a request header?\n"
        "      - A rule without `match` catches every request the rules above it left.",
        "    hints:\n" + hints,
    )
    assert "has 11 hints; a task has at most 10" in error_of(many)
    long_title = TASKS_FILE.replace("Send Jason to reviews v2", "x" * 121)
    assert "is longer than 120 characters" in error_of(long_title)
    assert "a task needs at least one source" in error_of(
        TASKS_FILE.replace(
            "    sources:\n      - https://istio.io/latest/docs/tasks/traffic-management/request-routing/",
            "    sources: []",
        )
    )


def test_probe_fields_are_typed():
    def probe_error(probe: dict, workloads=None) -> str:
        task = yaml.safe_load(TASKS_FILE)["tasks"][0]
        task["checks"] = [{"name": "p", "fail": "No.", **probe}]
        return error_of(yaml.safe_dump({"tasks": [task]}, sort_keys=False))

    assert "port 70000 is not between" in probe_error(
        {"mtls": {"from": "reviews-v1", "to": "reviews-v2", "port": 70000, "expect": "mutual"}}
    )
    assert "'tls' is not one of mutual" in probe_error(
        {"mtls": {"from": "reviews-v1", "to": "reviews-v2", "expect": "tls"}}
    )
    both = {"from": "reviews-v1", "source": {"namespace": "x"}, "to": "reviews-v2"}
    assert "not both" in probe_error({"authz": {"request": both, "expect": {"decision": "allow"}}})
    request = {"from": "reviews-v1", "to": "reviews-v2"}
    assert "401 or 403" in probe_error(
        {"authz": {"request": request, "expect": {"decision": "deny", "status": 404}}}
    )
    assert "namespace/name" in probe_error(
        {"authz": {"request": request, "expect": {"decision": "deny", "policy": "deny-all"}}}
    )
    two_tests = {"path": ["spec"], "present": True, "equals": 1}
    assert "exactly one of present" in probe_error(
        {"resource": {"select": {"kind": "DestinationRule"}, "expect": [two_tests]}}
    )
    assert "missing required key 'kind'" in probe_error({"resource": {"select": {}, "count": 1}})
    assert "a key (text), an index, or a picker" in probe_error(
        {"resource": {"select": {"kind": "X"}, "expect": [{"path": [True], "present": True}]}}
    )
    assert "either abort or delay" in probe_error(
        {"route": {"request": {"host": "r"}, "expect": {"fault": {"percent": 5}}}}
    )


def test_durations_read_as_go_does():
    assert seconds("1m30s") == 90 and seconds("250ms") == 0.25 and seconds("1.5h") == 5400
    assert seconds("10") is None and seconds("-1s") is None and seconds("5 s") is None


# --- in the course ----------------------------------------------------------------------------


@pytest.fixture
def course_dir(tmp_path):
    target = tmp_path / "course"
    shutil.copytree(FIXTURE, target)
    return target


def test_a_task_must_name_a_lesson_of_its_course(course_dir):
    tasks = course_dir / "tasks" / "routing.yaml"
    tasks.write_text(tasks.read_text().replace("lesson: routing", "lesson: nowhere"))
    with pytest.raises(ContentError) as caught:
        read_course(course_dir)
    assert f"{tasks}:2: " in str(caught.value)
    assert "lesson 'nowhere' is not a lesson of this course" in str(caught.value)


def test_task_slugs_are_unique_in_the_course_and_files_must_exist(course_dir):
    course = course_dir / "course.yaml"
    course.write_text(course.read_text() + "  - tasks/routing.yaml\n")
    with pytest.raises(ContentError, match="duplicate task slug 'jason-to-v2'"):
        read_course(course_dir)
    course.write_text(
        course.read_text().replace("  - tasks/routing.yaml\n", "  - tasks/none.yaml\n")
    )
    with pytest.raises(ContentError, match="task file 'tasks/none.yaml' does not exist"):
        read_course(course_dir)
    course.write_text(course.read_text().replace("tasks/none.yaml", "../../etc/passwd"))
    with pytest.raises(ContentError, match="outside the course folder"):
        read_course(course_dir)


def test_a_release_the_checker_does_not_know_is_refused(course_dir, db):
    tasks = course_dir / "tasks" / "routing.yaml"
    tasks.write_text(tasks.read_text().replace("kind: build", 'kind: build\n    release: "1.99"'))
    with pytest.raises(ContentError, match="release '1.99' is not one the checker knows"):
        load_course_file(course_dir)


def test_a_task_whose_solution_fails_its_checks_is_not_loaded(course_dir, db):
    tasks = course_dir / "tasks" / "routing.yaml"
    tasks.write_text(tasks.read_text().replace("exact: jason", "exact: jasper"))
    with pytest.raises(ContentError) as caught:
        load_course_file(course_dir)
    assert "task 'jason-to-v2': its solution fails the check" in str(caught.value)
    assert str(tasks) + ":2:" in str(caught.value)
    assert not Task.objects.exists()


# --- loading and dumping -----------------------------------------------------------------------


def test_loading_renders_markdown_and_a_second_load_changes_nothing(db):
    report = load_course_file(FIXTURE)
    assert report.created["tasks"] == 2
    task = Task.objects.get(slug="jason-to-v2")
    assert "<strong>reviews</strong>" in task.scenario_html
    assert task.hints_html[0].startswith("<p>Which field of a <code>match</code>")
    assert task.checks[1]["route"]["expect"]["subset"] == "v2"
    again = load_course_file(FIXTURE)
    assert not again.changed and again.unchanged["tasks"] == 2


def test_dumpcourse_writes_tasks_that_load_back_unchanged(db, tmp_path):
    load_course_file(FIXTURE)
    task = Task.objects.get(slug="jason-to-v2")
    dumped = tmp_path / "dumped.yaml"
    dumped.write_text(dump_course(task.lesson.course))
    data = read_course(dumped)
    assert [t.slug for t in data.tasks] == ["jason-to-v2", "draft-task"]
    report = load_course(data)
    assert not report.changed


def test_a_task_the_file_drops_is_deleted_with_its_progress_counted(course_dir, learner):
    load_course_file(course_dir)
    task = Task.objects.get(slug="draft-task")
    TaskProgress.objects.create(user=learner, task=task, hints_shown=1)
    kept = TaskProgress.objects.create(
        user=learner, task=Task.objects.get(slug="jason-to-v2"), hints_shown=2
    )
    tasks = course_dir / "tasks" / "routing.yaml"
    text = tasks.read_text()
    tasks.write_text(text[: text.index("  - slug: draft-task")])
    data = read_course(course_dir)
    with pytest.raises(ContentError, match="task 'draft-task'"):
        load_course(data, delete_learner_work=False)
    assert Task.objects.filter(slug="draft-task").exists()  # rolled back
    report = load_course(data)
    assert report.deleted["tasks"] == 1 and report.work_lost["task records"] == 1
    assert not Task.objects.filter(slug="draft-task").exists()
    kept.refresh_from_db()  # the task kept its row, and the learner's progress on it
    assert kept.hints_shown == 2


def test_a_task_moved_to_another_lesson_keeps_its_progress(course_dir, learner):
    load_course_file(course_dir)
    row = TaskProgress.objects.create(
        user=learner, task=Task.objects.get(slug="draft-task"), hints_shown=1
    )
    tasks = course_dir / "tasks" / "routing.yaml"
    tasks.write_text(tasks.read_text().replace("lesson: drafts", "lesson: routing"))
    course = course_dir / "course.yaml"
    text = course.read_text()
    # The draft lesson goes too: its task moved out before it was deleted.
    course.write_text(text[: text.index("  - slug: drafts")] + text[text.index("tasks:") :])
    report = load_course_file(course_dir)
    assert report.deleted["lessons"] == 1
    row.refresh_from_db()
    assert row.task.lesson.slug == "routing"


def test_fault_none_not_accepted_rewrite_path_and_list_pickers_are_read():
    """The grader's additions (docs/practice.md): `fault: none`, `outcome: not_accepted`,
    `rewrite: {path}` and a `{key: value}` list-item picker in a resource path."""

    def probe_error(probe: dict) -> str:
        task = yaml.safe_load(TASKS_FILE)["tasks"][0]
        task["checks"] = [{"name": "p", "fail": "No.", **probe}]
        try:
            read_task_file(parse_yaml(yaml.safe_dump({"tasks": [task]}), "tasks/routing.yaml"))
        except ContentError as error:
            return str(error)
        return ""

    def route(expect: dict) -> dict:
        return {"route": {"request": {"host": "r"}, "expect": expect}}

    assert probe_error(route({"fault": "none", "outcome": "not_accepted", "status": 404})) == ""
    assert probe_error(route({"rewrite": {"path": "/products/42"}})) == ""
    assert "expected `none` or a mapping" in probe_error(route({"fault": "nothing"}))
    assert "a path starts with /" in probe_error(route({"rewrite": {"path": "products"}}))
    assert "give `path`" in probe_error(route({"rewrite": {}}))
    picker = {"path": ["spec", "subsets", {"name": "canary"}, "labels"], "present": True}
    assert probe_error({"resource": {"select": {"kind": "X"}, "expect": [picker]}}) == ""
    two_keys = {"path": ["spec", {"name": "a", "port": 1}], "present": True}
    assert "has one key" in probe_error(
        {"resource": {"select": {"kind": "X"}, "expect": [two_keys]}}
    )
    nested = {"path": ["spec", {"name": ["a"]}], "present": True}
    assert "compares a scalar" in probe_error(
        {"resource": {"select": {"kind": "X"}, "expect": [nested]}}
    )


@pytest.mark.parametrize("text", ["10s", "1m30s", "1.5s", "250ms", "1500μs", "1500µs", "1h"])
def test_a_task_reads_durations_as_the_checker_does(text):
    # One parser for both sides: a timeout the lab accepts in a config is one a task can expect.
    from istio_checker.durations import parse_duration

    assert seconds(text) == parse_duration(text) is not None


@pytest.mark.parametrize("text", ["10", "1d", "-5s", "5 s", "", "s"])
def test_a_task_refuses_what_is_no_duration(text):
    assert seconds(text) is None
