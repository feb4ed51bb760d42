"""The practice tasks a lesson page links: `{% lesson_task_links lesson as task_links %}`.

The lessons app is below this one and does not know tasks: its lesson page asks here. The
links are read when first used, so a page whose task list comes from the fragment cache (keyed
by the lesson's content version, which Task.save and Task.delete move) reads no task at all.
"""

from dataclasses import dataclass
from functools import cached_property

from django import template

from practice.models import Task

register = template.Library()


@dataclass(frozen=True)
class TaskLink:
    title: str
    url: str
    kind: str


class LessonTaskLinks:
    def __init__(self, lesson):
        self.lesson = lesson

    @cached_property
    def links(self) -> tuple[TaskLink, ...]:
        tasks = Task.objects.filter(lesson=self.lesson).only("slug", "title", "kind")
        return tuple(
            TaskLink(task.title, task.get_absolute_url(), task.get_kind_display())
            for task in tasks.order_by("order", "id")
        )

    def __bool__(self) -> bool:
        return bool(self.links)

    def __iter__(self):
        return iter(self.links)


@register.simple_tag
def lesson_task_links(lesson) -> LessonTaskLinks:
    return LessonTaskLinks(lesson)
