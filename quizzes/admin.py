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
from django.forms.models import BaseInlineFormSet

from lessons.admin.delete import LearnersWorkOnDelete
from lessons.admin.order import AppendedInline, AppendedOnAdd

from . import scoring
from .models import Attempt, Choice, Question, Quiz, Response

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


@admin.register(Quiz)
class QuizAdmin(LearnersWorkOnDelete, AppendedOnAdd, admin.ModelAdmin):
    order_parent = "course"
    list_display = ("title", "slug", "course", "lesson", "pass_percent")
    list_filter = ("course",)
    search_fields = ("title", "slug")
    list_select_related = ("course", "lesson")
    prepopulated_fields = {"slug": ("title",)}
    inlines = [QuestionInline]


class ChoiceFormSet(BaseInlineFormSet):
    def clean(self):
        super().clean()
        if any(self.errors):
            return  # fix the fields first; counting half-valid rows would mislead
        # An untouched blank row has empty cleaned_data: it is not a choice.
        kept = [f for f in self.forms if f.cleaned_data and not f.cleaned_data.get("DELETE")]
        correct = sum(bool(form.cleaned_data.get("is_correct")) for form in kept)
        # The question form was validated first, so instance.kind is the kind being saved.
        problems = scoring.authoring_problems(self.instance.kind, len(kept), correct)
        if problems:
            raise ValidationError(problems)


class ChoiceInline(AppendedInline, admin.TabularInline):
    model = Choice
    formset = ChoiceFormSet
    extra = 0
    fields = ("order", "text", "is_correct", "why")


class QuestionForm(forms.ModelForm):
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
    list_display = ("__str__", "quiz", "order", "kind")
    list_filter = ("kind", "quiz")
    search_fields = ("prompt",)
    list_select_related = ("quiz",)
    inlines = [ChoiceInline]


class ResponseInline(admin.TabularInline):
    """What the learner answered, read-only: a stored answer is never edited by hand."""

    model = Response
    extra = 0
    fields = ("question", "is_correct", "answered_at")
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
    inlines = [ResponseInline]

    def has_add_permission(self, request) -> bool:
        return False  # attempts are made by learners taking quizzes
