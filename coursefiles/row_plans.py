"""Planning a load's writes row by row, in Python, before anything is written: which rows
changed (and how the report counts them), which go, the learners' work that goes with them,
and which lesson pages' versions must move. loading.py and quiz_loading.py share it."""

from collections import Counter
from dataclasses import dataclass, field

from .bulk_rows import Rows, learner_work
from .report import LoadReport


def apply_values(obj, values: dict) -> set[str]:
    """Set values on obj; the names of the fields whose value differs."""
    changed = set()
    for name, value in values.items():
        field_ = obj._meta.get_field(name)
        if field_.is_relation:  # compare ids: reading an unset relation would raise
            if getattr(obj, field_.attname) != (value.pk if value is not None else None):
                setattr(obj, name, value)
                changed.add(name)
            continue
        if getattr(obj, name) != value:
            setattr(obj, name, value)
            changed.add(name)
    return changed


def plan(report: LoadReport, rows: Rows, obj, values: dict, label: str, *, moved=True) -> bool:
    """Set `values` on `obj`, count what that is in the report, and queue it in `rows` if it
    must be written; returns whether it must.

    `moved`: whether the row's place among its siblings changes. A row only renumbered in the
    same place (a section added in the admin at order 15 becomes 20) is written, but counted
    as unchanged: nothing a learner sees moved, so the report does not call it reordered."""
    is_new = obj.pk is None
    changed = apply_values(obj, values)
    if is_new:
        report.created[label] += 1
    elif changed == {"order"} and not moved:
        report.unchanged[label] += 1
    elif changed:
        report.updated[label] += 1
        if changed == {"order"}:
            report.reordered[label] += 1
    else:
        report.unchanged[label] += 1
    rows.keep(obj, is_new or bool(changed))
    return is_new or bool(changed)


def leave_out(report: LoadReport, rows: Rows, leftovers, label: str) -> None:
    """Queue the rows the file no longer has for deletion (_count_work counts what goes)."""
    for obj in leftovers:
        report.deleted[label] += 1
        rows.gone.append(obj)


def count_work(report: LoadReport, rows: Rows) -> None:
    """Count the learners' work that goes with the rows queued for deletion: one grouped query
    per kind of work, whatever their number."""
    work = learner_work(rows.gone)
    for obj in rows.gone:
        report.work_lost.update(work[obj.pk])
        if work[obj.pk]["read marks"] or work[obj.pk]["quiz attempts"]:
            report.deleted_with_work.append(f"{obj._meta.verbose_name} '{name_of(obj)}'")


def learner_work_of(obj) -> Counter:
    """What learners did that deleting `obj` takes with it (the deletes cascade)."""
    return learner_work([obj])[obj.pk]


def name_of(obj) -> str:
    return getattr(obj, "slug", None) or str(obj)[:60]


@dataclass
class Pages:
    """Which lesson pages the load changes: their content versions move at the end, as the
    post_save and post_delete signals of rows saved one by one would have moved them."""

    lessons: set[int] = field(default_factory=set)
    course: bool = False
