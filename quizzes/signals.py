"""Signal wiring only: the work is done by the service and model functions it calls."""

from django.contrib.auth.signals import user_logged_in
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from lessons.models import Course, Lesson

from .learners import visitor_id
from .models import Question, Quiz
from .services import attempts_merge_visitor


@receiver(user_logged_in, dispatch_uid="quizzes.merge_visitor_attempts")
def merge_visitor_attempts(sender, request, user, **kwargs):
    # Fires for log-in and for sign-up (the signup view calls login()).
    if request is not None and hasattr(request, "session"):
        attempts_merge_visitor(user=user, anon_id=visitor_id(request.session))


# A lesson page links its lesson's quiz and its course's final quizzes with their question
# counts (templatetags/quiz_links.py): a change to a quiz or a question is a new content version
# of the lesson pages (lessons/models.py), the lesson's own and, through the course, the rest.


@receiver(post_save, sender=Quiz, dispatch_uid="quizzes.quiz_saved")
@receiver(post_delete, sender=Quiz, dispatch_uid="quizzes.quiz_deleted")
def quiz_changed(sender, instance, **kwargs):
    _touch_pages(lesson_id=instance.lesson_id, course_id=instance.course_id)


@receiver(post_save, sender=Question, dispatch_uid="quizzes.question_saved")
@receiver(post_delete, sender=Question, dispatch_uid="quizzes.question_deleted")
def question_changed(sender, instance, **kwargs):
    quiz = Quiz.objects.filter(pk=instance.quiz_id).values("lesson_id", "course_id").first()
    if quiz:
        _touch_pages(**quiz)


def _touch_pages(*, lesson_id, course_id) -> None:
    if lesson_id is not None:
        Lesson.objects.filter(pk=lesson_id).touch()
    Course.objects.filter(pk=course_id).touch()
