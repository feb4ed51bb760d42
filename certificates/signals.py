"""Signal wiring only: issuing is certificate_issue_* in services.py.

A course is completed by a write of the lessons app (a read mark), the practice app (a task
passed) or the quiz app (an attempt that finishes passed), which know nothing of
certificates. So the check runs on those saves, after the transaction commits (the attempt's
quiz sections are marked in the same one), and so on the request that completed the course.
"""

from django.db import transaction
from django.db.models.signals import post_save
from django.dispatch import receiver

from lessons.models import SectionProgress
from practice.models import TaskProgress
from quizzes.models import Attempt

from .services import (
    certificate_issue_after_reading,
    certificate_issue_after_task,
    certificate_issue_if_completed,
)


@receiver(post_save, sender=SectionProgress, dispatch_uid="certificates.section_read")
def section_read(sender, instance, created, raw=False, **kwargs):
    if created and not raw:
        user_id, section_id = instance.user_id, instance.section_id
        transaction.on_commit(
            lambda: certificate_issue_after_reading(user_id=user_id, section_id=section_id)
        )


@receiver(post_save, sender=Attempt, dispatch_uid="certificates.attempt_saved")
def attempt_saved(sender, instance, raw=False, **kwargs):
    if raw or instance.user_id is None or instance.preview or not instance.passed:
        return
    user_id, course_id = instance.user_id, instance.quiz.course_id
    transaction.on_commit(
        lambda: certificate_issue_if_completed(user_id=user_id, course_id=course_id)
    )


@receiver(post_save, sender=TaskProgress, dispatch_uid="certificates.task_passed")
def task_passed(sender, instance, raw=False, **kwargs):
    # Every save of a passed task's row checks (a later check, a hint): the first query of the
    # check finds the certificate once it is issued, so a replay costs one query or two.
    if raw or instance.passed_at is None:
        return
    user_id, task_id = instance.user_id, instance.task_id
    transaction.on_commit(lambda: certificate_issue_after_task(user_id=user_id, task_id=task_id))
