"""Instructor authoring of quizzes: quiz with questions inline, question with choices inline."""

from django.contrib import admin

from .models import Attempt, Choice, Question, Quiz


class QuestionInline(admin.StackedInline):
    model = Question
    extra = 0
    fields = ("order", "prompt", "kind", "explanation")
    show_change_link = True


@admin.register(Quiz)
class QuizAdmin(admin.ModelAdmin):
    list_display = ("title", "slug", "course", "lesson", "pass_percent")
    list_filter = ("course",)
    search_fields = ("title", "slug")
    list_select_related = ("course", "lesson")
    prepopulated_fields = {"slug": ("title",)}
    inlines = [QuestionInline]


class ChoiceInline(admin.TabularInline):
    model = Choice
    extra = 0
    fields = ("order", "text", "is_correct", "why")


@admin.register(Question)
class QuestionAdmin(admin.ModelAdmin):
    list_display = ("__str__", "quiz", "order", "kind")
    list_filter = ("kind", "quiz")
    search_fields = ("prompt",)
    list_select_related = ("quiz",)
    inlines = [ChoiceInline]


@admin.register(Attempt)
class AttemptAdmin(admin.ModelAdmin):
    list_display = ("quiz", "user", "started_at", "finished_at", "score", "total")
    list_filter = ("quiz",)
    list_select_related = ("quiz", "user")
    search_fields = ("user__username",)
    readonly_fields = ("user", "anon_id", "quiz", "started_at", "finished_at", "score", "total")
