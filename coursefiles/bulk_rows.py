"""The rows of one table that a course load writes, in bulk: created, updated, deleted.

A load reads each table once, decides in Python which rows are new, which changed and which
the file left out, then writes each kind at once (`bulk_create`, one UPDATE run by
executemany, a queryset `delete()`): a 500-lesson course took ~26,000 queries row by row.
Neither calls save() nor sends the post_save signals, so the caller
renders each written row (the models' `render()`, what their save() runs) and moves the
lessons' content versions itself (loading.py: `_touch_pages`). Deletes still go through the
ORM's delete, so their cascades and post_delete signals run as before.

Also here: what learners did on rows about to be deleted, counted for a whole list of rows with
one grouped query per kind of work.
"""

from collections import Counter
from dataclasses import dataclass, field

from django.db import connection
from django.db.models import Count, Model

from lessons.models import Lesson, Section, SectionProgress
from quizzes.models import Attempt, Choice, Question, Quiz, Response


@dataclass
class Rows:
    """One table's writes. `fields`: what an update writes (the derived HTML included)."""

    model: type[Model]
    fields: list[str]
    new: list = field(default_factory=list)
    changed: list = field(default_factory=list)
    gone: list = field(default_factory=list)

    def keep(self, obj, written: bool) -> None:
        """`obj` is in the file; `written`: it is new, or a value of it differs."""
        if obj.pk is None:
            self.new.append(obj)
        elif written:
            self.changed.append(obj)

    @property
    def written(self) -> list:
        return self.new + self.changed

    def delete(self) -> None:
        if self.gone:
            self.model.objects.filter(pk__in=[obj.pk for obj in self.gone]).delete()

    def write(self) -> None:
        """Create the new rows (their ids are set: SQLite ≥ 3.35 and PostgreSQL return them),
        then update the changed ones."""
        if self.new:
            self.model.objects.bulk_create(self.new)
        if self.changed:
            update_rows(self.model, self.changed, self.fields)


def update_rows(model: type[Model], objs: list, fields: list[str]) -> None:
    """UPDATE each row's `fields` by id: one parameterised statement, run for every row with
    the driver's executemany (one round trip on psycopg 3, in-process on SQLite).

    Raw SQL, for a measured hot path: `bulk_update` builds a CASE WHEN per field and row, and
    resolving those expressions was 18 of the 29 s (profiled) of re-loading a 500-lesson course
    whose every lesson changed (4.6 s of CPU unprofiled, 1.5 s with this). Values go through
    each field's own get_db_prep_save (JSON, foreign keys), as save() sends them."""
    concrete = [model._meta.get_field(name) for name in fields]
    quote = connection.ops.quote_name
    assignments = ", ".join(f"{quote(field.column)} = %s" for field in concrete)
    sql = (
        f"UPDATE {quote(model._meta.db_table)} SET {assignments}"
        f" WHERE {quote(model._meta.pk.column)} = %s"
    )
    rows = [
        [field.get_db_prep_save(getattr(obj, field.attname), connection) for field in concrete]
        + [obj.pk]
        for obj in objs
    ]
    with connection.cursor() as cursor:
        cursor.executemany(sql, rows)


def learner_work(objs: list) -> dict[int, Counter]:
    """What learners did that deleting each of `objs` (rows of one model) takes with it (the
    deletes cascade): {pk: Counter of "read marks", "quiz attempts", "answers"}, only what is
    there. A staff member's draft previews are not learners' work."""
    if not objs:
        return {}
    model, ids = type(objs[0]), [obj.pk for obj in objs]
    work = {pk: Counter() for pk in ids}
    counts = []
    if model is Lesson:
        marks = SectionProgress.objects.filter(section__lesson__in=ids)
        attempts = Attempt.objects.counted().filter(quiz__lesson__in=ids)
        counts += [
            ("read marks", marks, "section__lesson"),
            ("quiz attempts", attempts, "quiz__lesson"),
        ]
    elif model is Section:
        counts.append(("read marks", SectionProgress.objects.filter(section__in=ids), "section"))
    elif model is Quiz:
        counts.append(("quiz attempts", Attempt.objects.counted().filter(quiz__in=ids), "quiz"))
    elif model is Question:
        answers = Response.objects.filter(attempt__preview=False, question__in=ids)
        counts.append(("answers", answers, "question"))
    elif model is Choice:
        answers = Response.objects.filter(attempt__preview=False, choices__in=ids)
        counts.append(("answers", answers, "choices"))
    for name, rows, key in counts:
        for pk, n in rows.order_by().values_list(key).annotate(n=Count("id")):
            work[pk][name] = n
    return {pk: +counter for pk, counter in work.items()}
