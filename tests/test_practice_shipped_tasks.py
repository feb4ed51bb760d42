"""Every shipped practice task (the files course.yaml's `tasks:` lists): it reads with no error,
its reference solution passes every one of its checks, and its starting config fails at least
one (else there is nothing to do). Passes with no task file listed yet, as with any number."""

from course_format.schema import read_course
from practice.grading import grade
from tests.conftest import SHIPPED_COURSE


def test_every_shipped_solution_passes_and_every_starting_config_fails():
    tasks = read_course(SHIPPED_COURSE).tasks  # a ContentError here names the file and line
    problems = []
    for task in tasks:
        solution = grade(task, task.solution)
        for check in solution.checks:
            if not check.passed:
                problems.append(
                    f"{task.slug}: the solution fails '{check.name}' "
                    f"({check.detail or check.message})"
                )
        if solution.partial:
            problems.append(f"{task.slug}: grading the solution ran out of budget")
        if grade(task, task.starting_config).passed:
            problems.append(f"{task.slug}: the starting config already passes every check")
    assert not problems, "\n".join(problems)


def test_shipped_task_slugs_and_domains():
    tasks = read_course(SHIPPED_COURSE).tasks
    slugs = [task.slug for task in tasks]
    assert len(slugs) == len(set(slugs))
    assert all(task.hints and task.sources and task.checks for task in tasks)
