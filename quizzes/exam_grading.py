"""A practice exam's task submission graded by the practice app's grader (practice/grading.py,
TASK_FORMAT.md): the one place quizzes calls it, so the exam's rule sits here. A task counts
when every check passed and the grading was complete (a grading cut short by the checker's
work budget proves nothing, so it does not count)."""

from dataclasses import dataclass

from practice.models import Task


@dataclass(frozen=True)
class TaskVerdict:
    passed: bool
    checks: list[dict]  # [{"name", "passed", "message"}], as the review shows them


def grade_submission(task: Task, config: str) -> TaskVerdict:
    # Imported here until the grader (branch practice-core) is merged into this branch.
    from practice.grading import grade, task_spec  # noqa: PLC0415

    grade_ = grade(task_spec(task), config)
    checks = [
        {"name": check.name, "passed": bool(check.passed), "message": check.message or ""}
        for check in grade_.checks
    ]
    passed = bool(grade_.passed) and not grade_.partial and all(c["passed"] for c in checks)
    return TaskVerdict(passed=passed, checks=checks)
