"""What a lesson asks for beyond reading, counted by an app above this one.

A lesson with published practice tasks is completed only when its sections are read and its
tasks passed. The practice app sits above lessons in the import layers (pyproject.toml), so
lessons cannot ask it: practice registers its counter here when Django starts
(practice/apps.py), and lessons' progress functions call it. Without a counter (practice not
installed) a lesson asks for reading alone and nothing here costs a query.
"""

from collections.abc import Callable, Collection, Mapping
from dataclasses import dataclass
from datetime import datetime


@dataclass(frozen=True)
class LessonTasks:
    """The current learner's standing on one lesson's tasks."""

    passed: int
    total: int
    last_passed_at: datetime | None = None  # the latest pass, for "completed at"
    next_url: str | None = None  # the first task not passed yet, in the lesson's order


# (request, lesson ids) → lesson id → LessonTasks, for lessons with tasks only; one query.
TaskCounter = Callable[[object, Collection[int]], Mapping[int, LessonTasks]]

_counter: TaskCounter | None = None


def register_task_counter(counter: TaskCounter | None) -> None:
    """Called once by the practice app's AppConfig.ready() (None unregisters, for tests)."""
    global _counter
    _counter = counter


def lesson_tasks(request, lesson_ids: Collection[int]) -> Mapping[int, LessonTasks]:
    """lesson id → the learner's standing on its tasks; lessons without tasks are absent."""
    if _counter is None or not lesson_ids:
        return {}
    return _counter(request, lesson_ids)
