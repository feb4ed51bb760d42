"""A practice exam's task submission graded by the practice app's grader (practice/grading.py,
TASK_FORMAT.md): the one place quizzes calls it, so the exam's rule sits here. A task counts
when every check passed and the grading was complete (a grading cut short by the checker's
work budget proves nothing, so it does not count)."""

import logging
from dataclasses import dataclass

from course_format.yamlfile import ContentError
from practice.grading import grade
from practice.models import Task

logger = logging.getLogger(__name__)

UNREADABLE = "This task could not be graded (the problem has been logged): it counts as not passed."


@dataclass(frozen=True)
class TaskVerdict:
    passed: bool
    checks: list[dict]  # [{"name", "passed", "message"}], as the review shows them


def grade_submission(task: Task, config: str) -> TaskVerdict:
    try:
        spec = task.spec()  # the row read back as a course file's task (its lesson loaded)
    except ContentError:  # a row stored around the format's rules: logged, never a 500
        logger.exception("practice task %s cannot be read for an exam", task.slug)
        return TaskVerdict(False, [{"name": "The task", "passed": False, "message": UNREADABLE}])
    result = grade(spec, config)
    checks = [check.as_dict() for check in result.checks]
    passed = result.passed and not result.partial and all(c["passed"] for c in checks)
    return TaskVerdict(passed=passed, checks=checks)
