"""Signal wiring only: the work is done by the service functions it calls."""

from django.contrib.auth.signals import user_logged_in
from django.db.models import QuerySet
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from quizzes.models import Question, Quiz

from .lesson_page import touch_lesson
from .lesson_refresh import lessons_changed
from .models import ConfigExample, Lesson, Section
from .progress import merge_session_read_marks


@receiver(user_logged_in, dispatch_uid="lessons.merge_read_marks")
def merge_visitor_progress(sender, request, user, **kwargs):
    if request is not None and hasattr(request, "session"):
        merge_session_read_marks(user=user, session=request.session)


# A new content version for the lesson page cache (lesson_page.py) whenever what a lesson page
# shows changes. Quizzes and questions count too: the page links them with a question count.


@receiver(post_save, sender=Lesson, dispatch_uid="lessons.lesson_saved")
def lesson_saved(sender, instance, created, **kwargs):
    # Which lessons are published sizes a drawn exam, whose count every lesson of the course
    # shows: a new course version renews them all. Other lesson edits move only its own.
    if instance.publishing_changed(created=created):
        touch_lesson(course_id=instance.course_id)


@receiver(post_delete, sender=Lesson, dispatch_uid="lessons.lesson_deleted")
def lesson_deleted(sender, instance, **kwargs):
    touch_lesson(course_id=instance.course_id)


@receiver(post_save, sender=Section, dispatch_uid="lessons.section_saved")
def section_saved(sender, instance, **kwargs):
    left = getattr(instance, "left_lesson_id", None)
    if left is not None:  # moved, however it was saved: both lessons' reading times change
        lessons_changed([left, instance.lesson_id])
    else:
        touch_lesson(lesson_id=instance.lesson_id)


@receiver(post_delete, sender=Section, dispatch_uid="lessons.section_deleted")
def section_deleted(sender, instance, origin=None, **kwargs):
    if _deleted_for_itself(origin, Section):
        lessons_changed([instance.lesson_id])
    else:  # deleted with its lesson or course: nothing left to recompute
        touch_lesson(lesson_id=instance.lesson_id)


def _deleted_for_itself(origin, model) -> bool:
    """Whether a delete started from rows of `model` (an instance or a queryset), rather than
    from a parent they cascade from."""
    return (origin.model if isinstance(origin, QuerySet) else type(origin)) is model


@receiver(post_save, sender=ConfigExample, dispatch_uid="lessons.example_saved")
@receiver(post_delete, sender=ConfigExample, dispatch_uid="lessons.example_deleted")
def example_changed(sender, instance, **kwargs):
    lesson_id = Section.objects.filter(pk=instance.section_id).values("lesson_id").first()
    if lesson_id:
        touch_lesson(lesson_id=lesson_id["lesson_id"])


@receiver(post_save, sender=Quiz, dispatch_uid="lessons.quiz_saved")
@receiver(post_delete, sender=Quiz, dispatch_uid="lessons.quiz_deleted")
def quiz_changed(sender, instance, **kwargs):
    # A lesson's own quiz shows on that lesson; a course's final quiz on every lesson of it.
    touch_lesson(lesson_id=instance.lesson_id, course_id=instance.course_id)


@receiver(post_save, sender=Question, dispatch_uid="lessons.question_saved")
@receiver(post_delete, sender=Question, dispatch_uid="lessons.question_deleted")
def question_changed(sender, instance, **kwargs):
    quiz = Quiz.objects.filter(pk=instance.quiz_id).values("lesson_id", "course_id").first()
    if quiz:
        touch_lesson(lesson_id=quiz["lesson_id"], course_id=quiz["course_id"])
