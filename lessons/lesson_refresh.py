"""What a lesson derives from its sections and examples, recomputed when they change."""

from .lesson_page import touch_lesson
from .models import Lesson


def lessons_changed(lesson_ids) -> None:
    """Recompute what a lesson derives from its sections and examples: the reading time, then a
    new page version, so a cached page never shows the old minutes or a section that moved."""
    for lesson in Lesson.objects.filter(pk__in=set(lesson_ids)):
        lesson.refresh_reading_minutes()
        touch_lesson(lesson_id=lesson.pk)
