"""Writes: issuing a certificate when a course is complete, and revoking one."""

from django.db import IntegrityError, transaction
from django.utils import timezone

from lessons.models import Section
from practice.models import Task

from .completion import course_completion
from .models import Certificate


def certificate_issue_if_completed(*, user_id: int, course_id: int) -> Certificate | None:
    """The learner's certificate for the course, issued now if they have just completed it;
    None while they have not. Idempotent: a second call (a replay, a second tab, two requests
    at once) finds the one certificate the unique constraint allows."""
    existing = Certificate.objects.filter(user_id=user_id, course_id=course_id).first()
    if existing is not None:
        return existing
    completion = course_completion(user_id=user_id, course_id=course_id)
    if not completion.complete:
        return None
    try:
        with transaction.atomic():  # a savepoint: the loser of a race carries on
            return Certificate.objects.create(
                user_id=user_id,
                course_id=course_id,
                issued_at=timezone.now(),
                score=completion.score,
            )
    except IntegrityError:
        return Certificate.objects.get(user_id=user_id, course_id=course_id)


def certificate_issue_after_reading(*, user_id: int, section_id: int) -> Certificate | None:
    """The same, for the course of a section the learner has just read."""
    course_id = (
        Section.objects.filter(pk=section_id).values_list("lesson__course_id", flat=True).first()
    )
    if course_id is None:
        return None
    return certificate_issue_if_completed(user_id=user_id, course_id=course_id)


def certificate_issue_after_task(*, user_id: int, task_id: int) -> Certificate | None:
    """The same, for the course of a practice task the learner has passed."""
    course_id = Task.objects.filter(pk=task_id).values_list("lesson__course_id", flat=True).first()
    if course_id is None:
        return None
    return certificate_issue_if_completed(user_id=user_id, course_id=course_id)


def certificates_revoke(*, certificates, reason: str) -> int:
    """Revoke the given certificates that are still valid; their time of revocation is kept
    when one is revoked again. Returns how many were revoked now."""
    return certificates.filter(revoked_at__isnull=True).update(
        revoked_at=timezone.now(), revoked_reason=reason
    )
