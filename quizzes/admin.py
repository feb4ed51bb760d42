"""Instructor authoring of quizzes: quiz with questions inline, question with choices inline.

A question is checked with its choices as one unit (the choice formset's clean), so a
single-choice question without exactly one correct choice, or any question with fewer than two
choices, cannot be saved: learners would meet a question nobody can answer right.

A quiz that draws from the lesson quizzes has no questions of its own, as in the course file:
otherwise its export would not import again (and its own questions would never be asked).
"""

from django import forms
from django.contrib import admin
from django.core.exceptions import ValidationError
from django.db import models
from django.forms.models import BaseInlineFormSet

from course_format.bank_schema import BANK_REQUIRED
from lessons.admin.delete import LearnersWorkOnDelete
from lessons.admin.order import AppendedInline, AppendedOnAdd

from . import scoring
from .line_choices import line_choices_sync
from .models import Attempt, AttemptTask, Choice, Question, Quiz, Response

DRAWN_QUIZ_ASKS_NO_QUESTIONS = (
    "A quiz that draws from the lesson quizzes (“draw per lesson” above 0) asks none of its"
    " own questions."
)


class QuestionFormSet(BaseInlineFormSet):
    """On the quiz page: an existing question's kind may only change if its choices still fit,
    and a drawn quiz keeps no questions of its own."""

    def clean(self):
        super().clean()
        if any(self.errors):
            return
        # The quiz form was validated first, so instance.draw_per_lesson is the value being saved.
        kept = [f for f in self.forms if f.instance.pk and not f.cleaned_data.get("DELETE")]
        if self.instance.draw_per_lesson and kept:
            count = f"{len(kept)} question" + ("s" if len(kept) > 1 else "")
            raise ValidationError(
                f"{DRAWN_QUIZ_ASKS_NO_QUESTIONS} Delete its {count} below, or set “draw per"
                " lesson” to 0."
            )
        problems = []
        for position, form in enumerate(self.forms, start=1):
            question = form.instance
            if not form.has_changed() or "kind" not in form.changed_data or question.pk is None:
                continue
            if form.cleaned_data.get("DELETE"):
                continue
            flags = list(question.choices.values_list("is_correct", flat=True))
            for problem in scoring.authoring_problems(question.kind, len(flags), sum(flags)):
                # Its place on this page: the order field is often 0 for every question.
                problems.append(f"Question {position} on this page (“{question}”): {problem}")
        if problems:
            raise ValidationError(problems)


class QuestionInline(admin.StackedInline):
    model = Question
    formset = QuestionFormSet
    extra = 0
    fields = ("order", "prompt", "kind", "explanation")
    show_change_link = True  # choices are edited on the question's own page
    verbose_name_plural = "Questions (add new ones under Quizzes › Questions, with their choices)"

    def has_add_permission(self, request, obj=None):
        # A question added here would have no choices, and learners would meet a question
        # nobody can answer: new questions are made on the question page, choices and all.
        return False


class QuizForm(forms.ModelForm):
    """The practice exam's settings may be left empty: 0, an ordinary quiz."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name in ("exam_questions", "exam_minutes", "exam_tasks"):
            if name in self.fields:
                self.fields[name].required = False

    def clean_exam_questions(self):
        return self.cleaned_data.get("exam_questions") or 0

    def clean_exam_minutes(self):
        return self.cleaned_data.get("exam_minutes") or 0

    def clean_exam_tasks(self):
        return self.cleaned_data.get("exam_tasks") or 0

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("exam_tasks") and not cleaned.get("exam_questions"):
            # The tasks ride on a practice exam: its questions make it one (Quiz.is_exam).
            self.add_error(
                "exam_tasks",
                "Only a practice exam draws tasks: set its exam questions too, or set this to 0.",
            )
        return cleaned


@admin.register(Quiz)
class QuizAdmin(LearnersWorkOnDelete, AppendedOnAdd, admin.ModelAdmin):
    form = QuizForm
    order_parent = "course"
    list_display = (
        "title",
        "slug",
        "course",
        "lesson",
        "pass_percent",
        "exam_questions",
        "exam_tasks",
    )
    list_filter = ("course",)
    search_fields = ("title", "slug")
    list_select_related = ("course", "lesson")
    prepopulated_fields = {"slug": ("title",)}
    inlines = [QuestionInline]


class ChoiceFormSet(BaseInlineFormSet):
    def clean(self):
        super().clean()
        if any(self.errors) or self.instance.kind == Question.Kind.LINE:
            return  # fix the fields first; a `line` question's choices come from its config
        # An untouched blank row has empty cleaned_data: it is not a choice.
        kept = [f for f in self.forms if f.cleaned_data and not f.cleaned_data.get("DELETE")]
        quiz = self.instance.quiz if self.instance.quiz_id else None
        if quiz is not None and quiz.bank:
            unexplained = [f for f in kept if not f.cleaned_data.get("is_correct")]
            if any(not (f.cleaned_data.get("why") or "").strip() for f in unexplained):
                raise ValidationError("A bank question says why each wrong choice is wrong.")
        correct = sum(bool(form.cleaned_data.get("is_correct")) for form in kept)
        # The question form was validated first, so instance.kind is the kind being saved.
        problems = scoring.authoring_problems(self.instance.kind, len(kept), correct)
        if problems:
            raise ValidationError(problems)


class ChoiceInline(AppendedInline, admin.TabularInline):
    model = Choice
    formset = ChoiceFormSet
    extra = 0
    fields = ("order", "text", "yaml", "is_correct", "why")


class QuestionForm(forms.ModelForm):
    def clean(self):
        data = super().clean()
        quiz = data.get("quiz")
        if quiz is not None and quiz.bank:  # as a bank file requires (BANK_FORMAT.md)
            for name in BANK_REQUIRED:
                if not data.get(name):
                    self.add_error(name, "A bank question needs this (it is in a bank file).")
            domain = quiz.slug.rsplit("-bank-", 1)[-1]
            if data.get("domain") and data["domain"] != domain:
                self.add_error("domain", f"This bank holds the {domain} domain's questions.")
        key = data.get("key")
        if key and quiz is not None:
            same = Question.objects.filter(quiz__course_id=quiz.course_id, key=key)
            if same.exclude(pk=self.instance.pk).exists():
                self.add_error("key", f"Another question of this course has the key “{key}”.")
        return data

    def clean_quiz(self):
        quiz = self.cleaned_data["quiz"]
        if quiz.draw_per_lesson:
            raise ValidationError(
                f"{DRAWN_QUIZ_ASKS_NO_QUESTIONS} Add the question to a lesson quiz instead."
            )
        return quiz


@admin.register(Question)
class QuestionAdmin(LearnersWorkOnDelete, AppendedOnAdd, admin.ModelAdmin):
    form = QuestionForm
    order_parent = "quiz"
    list_display = ("__str__", "quiz", "order", "kind", "domain", "competency")
    list_filter = ("kind", "domain", "quiz")
    search_fields = ("prompt",)
    list_select_related = ("quiz",)
    inlines = [ChoiceInline]
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        line_choices_sync(question=form.instance)  # a `line` question's choices are its lines


class ResponseInline(admin.TabularInline):
    """What the learner answered, read-only: a stored answer is never edited by hand."""

    model = Response
    extra = 0
    fields = ("question", "is_correct", "answered_at")
    readonly_fields = fields
    can_delete = False

    def has_add_permission(self, request, obj=None) -> bool:
        return False


class AttemptTaskInline(admin.TabularInline):
    """A practice exam's tasks and the learner's submissions, read-only, like the answers."""

    model = AttemptTask
    extra = 0
    fields = ("order", "task", "answered_at", "passed")
    readonly_fields = fields
    can_delete = False

    def has_add_permission(self, request, obj=None) -> bool:
        return False


@admin.register(Attempt)
class AttemptAdmin(admin.ModelAdmin):
    list_display = ("quiz", "user", "started_at", "finished_at", "score", "total", "preview")
    list_filter = ("quiz", "preview")
    list_select_related = ("quiz", "user")
    search_fields = ("user__username",)
    readonly_fields = (
        "user",
        "anon_id",
        "quiz",
        "started_at",
        "finished_at",
        "score",
        "total",
        "pass_percent",
        "preview",
    )
    inlines = [ResponseInline, AttemptTaskInline]

    def has_add_permission(self, request) -> bool:
        return False  # attempts are made by learners taking quizzes
