"""Signal wiring only: the work is done by the model and progress functions it calls.

Whenever what a lesson page shows changes, its content version moves (models.py), so the page's
cached parts are drawn anew. Quizzes and their questions, which the page links with a question
count, are wired in quizzes/signals.py: this app does not know them.
"""

from django.contrib.auth.signals import user_logged_in
from django.db.models import QuerySet
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from . import read_counts
from .models import ConfigExample, Course, Lesson, Section, SectionProgress
from .progress import merge_session_read_marks


@receiver(user_logged_in, dispatch_uid="lessons.merge_read_marks")
def merge_visitor_progress(sender, request, user, **kwargs):
    if request is not None and hasattr(request, "session"):
        merge_session_read_marks(user=user, session=request.session)


@receiver(post_save, sender=Lesson, dispatch_uid="lessons.lesson_saved")
def lesson_saved(sender, instance, created, **kwargs):
    # Which lessons are published sizes a drawn exam, whose count every lesson of the course
    # shows: a new course version renews them all. Other lesson edits move only its own.
    if instance.publishing_changed(created=created):
        Course.objects.filter(pk=instance.course_id).touch()


@receiver(post_delete, sender=Lesson, dispatch_uid="lessons.lesson_deleted")
def lesson_deleted(sender, instance, **kwargs):
    Course.objects.filter(pk=instance.course_id).touch()


@receiver(post_save, sender=SectionProgress, dispatch_uid="lessons.section_read")
def section_read(sender, instance, created, raw=False, **kwargs):
    if created and not raw:  # a fixture's rows are counted by whoever loads them
        read_counts.add_mark(instance.user_id, instance.section_id, instance.read_at)


@receiver(post_save, sender=Section, dispatch_uid="lessons.section_saved")
def section_saved(sender, instance, **kwargs):
    left = getattr(instance, "left_lesson_id", None)
    if left is not None:  # moved, however it was saved: both lessons' reading times change
        Lesson.objects.filter(pk__in=[left, instance.lesson_id]).content_changed()
        read_counts.recount(lesson_ids=[left, instance.lesson_id])  # its marks moved too
    else:
        Lesson.objects.filter(pk=instance.lesson_id).touch()


@receiver(post_delete, sender=Section, dispatch_uid="lessons.section_deleted")
def section_deleted(sender, instance, origin=None, **kwargs):
    lesson = Lesson.objects.filter(pk=instance.lesson_id)
    if _deleted_for_itself(origin, Section):
        lesson.content_changed()
        # Its marks went with it (deleted before this signal): the lesson's counts shrink.
        read_counts.recount(lesson_ids=[instance.lesson_id])
    else:  # deleted with its lesson or course: nothing left to recompute, counts went too
        lesson.touch()


def _deleted_for_itself(origin, model) -> bool:
    """Whether a delete started from rows of `model` (an instance or a queryset), rather than
    from a parent they cascade from."""
    return (origin.model if isinstance(origin, QuerySet) else type(origin)) is model


@receiver(post_save, sender=ConfigExample, dispatch_uid="lessons.example_saved")
@receiver(post_delete, sender=ConfigExample, dispatch_uid="lessons.example_deleted")
def example_changed(sender, instance, **kwargs):
    Lesson.objects.filter(sections=instance.section_id).touch()
