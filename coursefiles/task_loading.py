"""A course file's practice tasks → Task rows, and back (docs/practice.md#files).

Called by loading.py inside its transaction, once the lessons are written and before the
lessons the file left out are deleted: a task that moves to another lesson keeps its row. Tasks
are matched by slug, so a task whose text changes keeps its row and every learner's progress on
it (hints seen, pass, give-up). A task the file no longer lists is deleted, and its learners'
progress with it: the report counts that progress as work removed, and `loadcourse`'s admin
import refuses it when told not to delete learners' work, like a removed quiz with attempts.
Before each task is written, its reference solution is graded: a task whose solution fails its
own checks is refused (ContentError naming its file and line), so a broken task never ships.
"""

from __future__ import annotations

from course_format.schema import CourseData
from course_format.tasks import TaskData
from course_format.yamlfile import ContentError
from lessons.models import Course, Lesson
from lessons.rendering import unix_newlines
from practice.grading import grade, unknown_release
from practice.models import Task, TaskProgress

from .report import LoadReport

LABEL = "tasks"


def load_tasks(report: LoadReport, course: Course, data: CourseData, lessons_by_slug) -> None:
    check_solutions(data.tasks)
    existing = {task.slug: task for task in Task.objects.filter(lesson__course=course)}
    for index, task_data in enumerate(data.tasks):
        task = existing.pop(task_data.slug, None)
        if task is None:
            if Task.objects.filter(slug=task_data.slug).exists():
                file, line = task_data.where or ("course", None)
                raise ContentError(
                    file, f"task slug '{task_data.slug}' is already used by another course", line
                )
            task = Task(slug=task_data.slug)
        changed = _apply(task, task_values(task_data, lessons_by_slug[task_data.lesson], index))
        if task.pk is None:
            task.save()
            report.created[LABEL] += 1
        elif changed:
            task.save()
            report.updated[LABEL] += 1
        else:
            report.unchanged[LABEL] += 1
    for task in existing.values():
        progress = TaskProgress.objects.filter(task=task).count()
        if progress:
            report.work_lost["task records"] += progress
            report.deleted_with_work.append(f"task '{task.slug}'")
        task.delete()
        report.deleted[LABEL] += 1


def check_solutions(tasks: list[TaskData]) -> None:
    """Every task names a release the checker knows and its reference solution passes its own
    checks."""
    for task in tasks:
        if unknown_release(task):
            file, line = task.where or ("course", None)
            raise ContentError(file, f"task '{task.slug}': {unknown_release(task)}", line)
        result = grade(task, task.solution)
        if not result.passed:
            failed = next(check for check in result.checks if not check.passed)
            file, line = task.where or ("course", None)
            raise ContentError(
                file,
                f"task '{task.slug}': its solution fails the check '{failed.name}' "
                f"({failed.detail or failed.message})",
                line,
            )


def task_values(data: TaskData, lesson: Lesson, index: int) -> dict:
    return {
        "lesson": lesson,
        "order": (index + 1) * 10,
        "title": data.title,
        "domain": data.domain,
        "competency": data.competency,
        "kind": data.kind,
        "release": data.release,
        "scenario": unix_newlines(data.scenario),  # as Task.save stores them
        "workloads": [workload.as_dict() for workload in data.workloads],
        "starting_config": unix_newlines(data.starting_config),
        "hints": list(data.hints),
        "solution": unix_newlines(data.solution),
        "explanation": unix_newlines(data.explanation),
        "sources": list(data.sources),
        "checks": [check.as_dict() for check in data.checks],
    }


def _apply(task: Task, values: dict) -> bool:
    changed = False
    for name, value in values.items():
        current = task.lesson_id if name == "lesson" else getattr(task, name)
        wanted = value.pk if name == "lesson" else value
        if current != wanted:
            setattr(task, name, value)
            changed = True
    return changed


def tasks_to_list(course: Course) -> list[dict]:
    """The course's tasks as course.yaml's `tasks:` writes them inline (dumpcourse)."""
    tasks = Task.objects.filter(lesson__course=course).select_related("lesson")
    return [task.values() for task in tasks.order_by("order", "id")]
