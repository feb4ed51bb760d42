"""Deleting content that learners' work hangs on, in the admin: say plainly what goes with it.

Deleting a section deletes every learner's read mark on it (the database cascades); deleting a
quiz deletes its attempts. Django's delete page lists every row a delete takes along and
refuses when the user may not delete one of them (`perms_needed`, from each related model's
admin). Instructors may not touch learners' records (teams/instructors.py), so the page refused
to delete any section someone had read, while the lesson's inline deleted the same section,
marks and all, without a word.

So the admin pages whose deletes reach learners' records (courses, lessons, sections, quizzes,
questions) compute the delete page's data themselves, as Django's get_deleted_objects does, with one
difference: learners' records are counted, not listed (an instructor may not see whose they
are) nor permission-checked (whoever may delete the section may delete what cascades from it).
Every other related row is listed and checked as Django does. The "delete selected" action of
their lists reads the same data. An inline row cannot ask first: the save says afterwards what
learners' work went with it.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib import messages
from django.contrib.admin.utils import NestedObjects, quote
from django.db import router
from django.urls import NoReverseMatch, reverse
from django.utils.html import format_html
from django.utils.text import capfirst

# Learners' records a delete cascades to: counted, never listed one by one. Named by model label,
# as the quiz app's models are above this app (quizzes imports lessons, never the reverse).
READ_MARK = "lessons.sectionprogress"
ATTEMPT = "quizzes.attempt"  # its fields read here: preview, user_id, anon_id
RESPONSE = "quizzes.response"  # its field read here: attempt_id
LEARNERS_RECORDS = {READ_MARK, ATTEMPT, RESPONSE, "quizzes.response_choices"}
_FOLDED = object()  # stands for a learner's record in the nested list, then is taken out


def _plural(count: int, one: str, many: str) -> str:
    return f"{count} {one if count == 1 else many}"


@dataclass(frozen=True)
class LearnersWork:
    """What learners did that a delete takes with it."""

    read_marks: int = 0
    readers: int = 0  # learners with a read mark among them
    attempts: int = 0  # learners' and visitors' quiz attempts
    attempt_learners: int = 0
    attempt_visitors: int = 0
    previews: int = 0  # staff members' draft previews (no learner's result)
    answers: int = 0  # answers taken out of attempts that stay (a deleted question's)

    @classmethod
    def collected(cls, collector: NestedObjects) -> LearnersWork:
        rows = {model._meta.label_lower: objs for model, objs in collector.model_objs.items()}
        marks = rows.get(READ_MARK, ())
        attempts = rows.get(ATTEMPT, ())
        counted = [attempt for attempt in attempts if not attempt.preview]
        gone = {attempt.pk for attempt in attempts}
        responses = rows.get(RESPONSE, ())
        return cls(
            read_marks=len(marks),
            readers=len({mark.user_id for mark in marks}),
            attempts=len(counted),
            attempt_learners=len({a.user_id for a in counted if a.user_id is not None}),
            attempt_visitors=len({a.anon_id for a in counted if a.user_id is None}),
            previews=len(attempts) - len(counted),
            answers=sum(1 for response in responses if response.attempt_id not in gone),
        )

    def __bool__(self) -> bool:
        return any((self.read_marks, self.attempts, self.previews, self.answers))

    def summary(self) -> dict[str, str]:
        """Lines of the delete page's Summary: label → how many, and whose."""
        lines = {}
        if self.read_marks:
            lines["learners' read marks"] = (
                f"{self.read_marks}, by {_plural(self.readers, 'learner', 'learners')}"
            )
        if self.attempts:
            lines["learners' quiz attempts"] = f"{self.attempts}, by {self._attempt_owners()}"
        if self.answers:
            lines["learners' answers (their attempts and scores stay)"] = str(self.answers)
        if self.previews:
            lines["staff preview attempts"] = str(self.previews)
        return lines

    def sentence(self) -> str:
        """The same, said once in words, for the top of the page or a message."""
        parts = []
        if self.read_marks:
            parts.append(
                f"{_plural(self.read_marks, 'read mark', 'read marks')} of "
                f"{_plural(self.readers, 'learner', 'learners')} (their lessons are then judged"
                " on the sections that remain)"
            )
        if self.attempts:
            parts.append(
                f"{_plural(self.attempts, 'quiz attempt', 'quiz attempts')} of "
                f"{self._attempt_owners()}, with their scores"
            )
        if self.answers:
            parts.append(
                f"{_plural(self.answers, 'answer', 'answers')} in learners' attempts (the"
                " attempts keep their scores)"
            )
        if self.previews:
            parts.append(_plural(self.previews, "staff preview attempt", "staff preview attempts"))
        return "; ".join(parts)

    def _attempt_owners(self) -> str:
        owners = []
        if self.attempt_learners:
            owners.append(_plural(self.attempt_learners, "learner", "learners"))
        if self.attempt_visitors:
            owners.append(_plural(self.attempt_visitors, "visitor", "visitors"))
        return " and ".join(owners)


def _unfolded(nested: list) -> list:
    """The nested list without learners' records (and the rows nested under them)."""
    out: list = []
    skip_children = False
    for item in nested:
        if isinstance(item, list):
            if not skip_children:
                children = _unfolded(item)
                if children:
                    out.append(children)
            skip_children = False
            continue
        skip_children = item is _FOLDED
        if not skip_children:
            out.append(item)
    return out


def _collect(objs) -> NestedObjects:
    collector = NestedObjects(using=router.db_for_write(objs[0]._meta.model), origin=objs)
    collector.collect(objs)
    return collector


class LearnersWorkOnDelete:
    """A ModelAdmin whose delete page counts the learners' work that goes with a delete (see the
    module's docstring); its inlines' deletions are reported after the save."""

    delete_confirmation_template = "admin/learners_work_delete_confirmation.html"

    def get_deleted_objects(self, objs, request):
        """Django's get_deleted_objects (django.contrib.admin.utils), with learners' records
        counted instead of listed and permission-checked."""
        try:
            objs[0]
        except IndexError:
            return [], {}, set(), []
        collector = _collect(objs)
        admin_site = self.admin_site
        perms_needed = set()

        def format_callback(obj):
            model, opts = obj.__class__, obj._meta
            if opts.label_lower in LEARNERS_RECORDS:
                return _FOLDED
            no_edit_link = f"{capfirst(opts.verbose_name)}: {obj}"
            if not admin_site.is_registered(model):
                return no_edit_link
            if not admin_site.get_model_admin(model).has_delete_permission(request, obj):
                perms_needed.add(opts.verbose_name)
            try:
                url = reverse(
                    f"{admin_site.name}:{opts.app_label}_{opts.model_name}_change",
                    args=[quote(obj.pk)],
                )
            except NoReverseMatch:
                return no_edit_link
            return format_html('{}: <a href="{}">{}</a>', capfirst(opts.verbose_name), url, obj)

        to_delete = _unfolded(collector.nested(format_callback))
        protected = [format_callback(obj) for obj in collector.protected]
        model_count = {
            model._meta.verbose_name_plural: len(rows)
            for model, rows in collector.model_objs.items()
            if model._meta.label_lower not in LEARNERS_RECORDS
        }
        work = LearnersWork.collected(collector)
        model_count.update(work.summary())
        request.learners_work = work  # for render_delete_form, in this same request
        return to_delete, model_count, perms_needed, protected

    def render_delete_form(self, request, context):
        context["learners_work"] = getattr(request, "learners_work", None)
        return super().render_delete_form(request, context)

    def save_formset(self, request, form, formset, change):
        """Inline rows ticked "Delete" go without a confirmation page: say what went with them."""
        going = [
            (f"{row._meta.verbose_name} “{row}”", LearnersWork.collected(_collect([row])))
            for row in (f.instance for f in formset.deleted_forms)
            if row.pk is not None
        ]
        super().save_formset(request, form, formset, change)
        for name, work in going:
            if work:
                messages.warning(request, f"Deleted {name} and, with it, {work.sentence()}.")
