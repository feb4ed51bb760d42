"""Keeps LessonReadCount, each learner's read count and latest read time per lesson, in step
with their read marks (SectionProgress).

- One new mark (a "Mark as read", a visitor's marks merged at login, any `create`): the
  post_save signal adds it with one UPDATE, or counts the lesson's marks when it is the
  learner's first there (`add_mark`).
- Marks written in bulk (a passed quiz's sections: `count_added`; the bench's generated
  teams), a section deleted or moved to another lesson, marks changed or deleted in the admin:
  the callers count the lessons concerned again from the marks (`recount`).
- A user or lesson deleted takes its counts with it (CASCADE).

A count covers every section of the lesson: sections have no draft state of their own, and
which lessons are published is applied by the reports when they read, so publishing or
unpublishing a lesson changes no count.
"""

from collections.abc import Iterable
from datetime import datetime

from django.db import IntegrityError, transaction
from django.db.models import Count, F, Max, Subquery, Value
from django.db.models.functions import Greatest

from .models import LessonReadCount, Section, SectionProgress

BATCH = 5000


def add_mark(user_id: int, section_id: int, read_at: datetime) -> None:
    """Count one new read mark (already saved)."""
    lesson = Section.objects.filter(pk=section_id).values("lesson_id")
    rows = LessonReadCount.objects.filter(user_id=user_id, lesson_id=Subquery(lesson))
    bump = {"read": F("read") + 1, "last_read_at": Greatest("last_read_at", Value(read_at))}
    if rows.update(**bump):
        return
    lesson_id = lesson.values_list("lesson_id", flat=True).first()
    if lesson_id is None:
        return
    try:
        with transaction.atomic():  # a savepoint: a concurrent first mark may win the insert
            recount(user_ids=[user_id], lesson_ids=[lesson_id])
    except IntegrityError:
        rows.update(**bump)


def recount(*, user_ids: Iterable[int] | None = None, lesson_ids: Iterable[int] | None = None):
    """Count again, from the marks, the given users' (None: everyone's) counts in the given
    lessons (None: every lesson). One grouped query, one delete and the inserts."""
    marks = SectionProgress.objects.all()
    counts = LessonReadCount.objects.all()
    if user_ids is not None:
        user_ids = list(user_ids)
        marks, counts = marks.filter(user_id__in=user_ids), counts.filter(user_id__in=user_ids)
    if lesson_ids is not None:
        lesson_ids = list(lesson_ids)
        marks = marks.filter(section__lesson_id__in=lesson_ids)
        counts = counts.filter(lesson_id__in=lesson_ids)
    rows = (
        marks.values_list("user_id", "section__lesson_id")
        .annotate(read=Count("id"), last=Max("read_at"))
        .order_by()
    )
    counts.delete()
    batch = []
    for user_id, lesson_id, read, last in rows.iterator(chunk_size=BATCH):
        batch.append(
            LessonReadCount(user_id=user_id, lesson_id=lesson_id, read=read, last_read_at=last)
        )
        if len(batch) == BATCH:
            LessonReadCount.objects.bulk_create(batch)
            batch = []
    LessonReadCount.objects.bulk_create(batch)


def count_added(user_id: int, lesson_ids: Iterable[int]) -> None:
    """Count again one user's lessons after marks were added to them in bulk (none removed):
    one grouped query and one INSERT … ON CONFLICT DO UPDATE."""
    rows = (
        SectionProgress.objects.filter(user_id=user_id, section__lesson_id__in=list(lesson_ids))
        .values_list("section__lesson_id")
        .annotate(read=Count("id"), last=Max("read_at"))
        .order_by()
    )
    counts = [
        LessonReadCount(user_id=user_id, lesson_id=lesson_id, read=read, last_read_at=last)
        for lesson_id, read, last in rows
    ]
    LessonReadCount.objects.bulk_create(
        counts,
        update_conflicts=True,
        unique_fields=["user", "lesson"],
        update_fields=["read", "last_read_at"],
    )
