"""The practice exam's hands-on part (issue 24): practice tasks drawn with the questions, asked
after them, timed alike, and marked only once the attempt ends.

The pool is the course's tasks in its published lessons (every lesson's for a staff preview);
the draw is the questions' one (exam_draw.py: by domain weight, tasks never met in an exam
first, then those last failed). An attempt's tasks are rows of AttemptTask, drawn at the start
and kept server-side like `Attempt.question_ids`; a task counts 1 when every check passed.
Reads only: the submission (a write) is exam_task_answers.py.
"""

from django.db.models import QuerySet

from lessons.rendering import highlight_yaml
from practice.models import Task

from .exam_draw import draw_exam
from .models import Attempt, AttemptTask, Quiz


def task_pool(course_id: int, *, drafts: bool = False) -> QuerySet[Task]:
    tasks = Task.objects.filter(lesson__course_id=course_id)
    return tasks if drafts else tasks.filter(lesson__published=True)


def last_results(user_id: int | None, task_ids) -> dict[int, bool]:
    """task id → whether the learner's latest counted exam submission of it passed."""
    if user_id is None:
        return {}
    rows = (
        AttemptTask.objects.filter(
            attempt__user_id=user_id,
            attempt__preview=False,
            task_id__in=task_ids,
            answered_at__isnull=False,
        )
        .order_by("answered_at", "id")
        .values_list("task_id", "passed")
    )
    return dict(rows)  # the latest wins


def draw_tasks(quiz: Quiz, *, user_id: int | None, drafts: bool = False) -> list[int]:
    """A new attempt's task ids, in the order it asks them (none for `exam_tasks` 0)."""
    if not quiz.is_exam or not quiz.exam_tasks:
        return []
    domains = dict(task_pool(quiz.course_id, drafts=drafts).values_list("id", "domain"))
    return draw_exam(domains, last_results(user_id, list(domains)), quiz.exam_tasks)


def attach(attempt: Attempt, task_ids: list[int]) -> None:
    AttemptTask.objects.bulk_create(
        AttemptTask(attempt=attempt, task_id=task_id, order=index)
        for index, task_id in enumerate(task_ids, start=1)
    )


def tasks_available(quiz: Quiz, *, drafts: bool = False) -> int:
    """How many tasks an attempt will ask (its cover page)."""
    if not quiz.is_exam or not quiz.exam_tasks:
        return 0
    return min(quiz.exam_tasks, task_pool(quiz.course_id, drafts=drafts).count())


def task_marks(attempt: Attempt) -> list[bool | None]:
    """One mark per task the attempt asks: passed, failed, or None while not submitted. No
    query for an attempt at a quiz that is not a practice exam (its quiz must be loaded)."""
    if not attempt.quiz.is_exam:
        return []
    return list(AttemptTask.objects.filter(attempt=attempt).values_list("passed", flat=True))


def task_progress(attempt: Attempt) -> tuple[int, int]:
    """(tasks the attempt asks, tasks submitted): one query."""
    rows = list(AttemptTask.objects.filter(attempt=attempt).values_list("answered_at", flat=True))
    return len(rows), sum(1 for when in rows if when is not None)


def open_task(attempt: Attempt) -> AttemptTask | None:
    """The first task of the attempt not submitted yet, with its task (one query)."""
    items = AttemptTask.objects.filter(attempt=attempt, answered_at__isnull=True)
    return items.select_related("task").order_by("order").first()


def review_items(attempt: Attempt) -> list[AttemptTask]:
    """Every task of a finished attempt, in order, with its task and its reference solution
    highlighted (`solution_html`): only ever called once the attempt has ended."""
    items = list(AttemptTask.objects.filter(attempt=attempt).select_related("task"))
    for item in items:
        item.solution_html = highlight_yaml(item.task.solution) if item.task.solution else ""
    return items
