"""Instructor authoring: courses, lessons with their sections inline, sections with examples."""

from django.contrib import admin, messages

from lessons.models import ConfigExample, Course, Lesson, Section, SectionProgress
from lessons.read_counts import recount

from .delete import LearnersWorkOnDelete
from .example_form import ConfigExampleAdminForm
from .lesson_forms import LessonAdminForm, SectionAdminForm
from .order import AppendedInline, AppendedOnAdd


class LessonPartAdmin(admin.ModelAdmin):
    """The admin of a part of lessons (sections, examples): every save and delete refreshes each
    lesson it changes, the one a moved part left as well as the one it joined.

    The course import (coursefiles/loading.py) refreshes its lessons itself, once per lesson. A
    section's own save and delete also refresh the lessons it leaves (signals.py), whoever makes
    them.
    """

    lesson_lookup = ""  # from this model to its lesson's id

    def lesson_ids(self, queryset) -> set[int]:
        return set(queryset.values_list(self.lesson_lookup, flat=True))

    def lesson_ids_of(self, obj) -> set[int]:
        return self.lesson_ids(self.model.objects.filter(pk=obj.pk))

    def save_model(self, request, obj, form, change):
        before = self.lesson_ids_of(obj) if change else set()
        super().save_model(request, obj, form, change)
        left = before - self.lesson_ids_of(obj)  # the lesson it left, if it moved
        Lesson.objects.filter(pk__in=left).content_changed()

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)  # after its inlines
        Lesson.objects.filter(pk__in=self.lesson_ids_of(form.instance)).content_changed()

    def delete_model(self, request, obj):
        lesson_ids = self.lesson_ids_of(obj)
        super().delete_model(request, obj)
        Lesson.objects.filter(pk__in=lesson_ids).content_changed()

    def delete_queryset(self, request, queryset):  # the changelist's "delete selected"
        lesson_ids = self.lesson_ids(queryset)
        super().delete_queryset(request, queryset)
        Lesson.objects.filter(pk__in=lesson_ids).content_changed()


class LessonInline(AppendedInline, admin.TabularInline):
    model = Lesson
    extra = 0
    fields = ("order", "title", "slug", "published")
    show_change_link = True


@admin.register(Course)
class CourseAdmin(LearnersWorkOnDelete, admin.ModelAdmin):
    list_display = ("title", "slug", "published", "order", "updated_at")
    list_editable = ("published", "order")
    list_filter = ("published",)
    search_fields = ("title", "slug", "summary")
    prepopulated_fields = {"slug": ("title",)}
    inlines = [LessonInline]


class SectionInline(AppendedInline, admin.StackedInline):
    model = Section
    form = SectionAdminForm  # sources as "Title | https://…" lines
    extra = 0
    fields = ("order", "title", "slug", "kind", "layout", "body_markdown", "diagram", "sources")
    prepopulated_fields = {"slug": ("title",)}
    show_change_link = True


@admin.register(Lesson)
class LessonAdmin(LearnersWorkOnDelete, AppendedOnAdd, admin.ModelAdmin):
    form = LessonAdminForm
    order_parent = "course"
    list_display = ("title", "course", "order", "published", "reading_minutes", "updated_at")
    list_editable = ("order", "published")
    list_filter = ("published", "course")
    search_fields = ("title", "slug", "summary", "sections__title")
    list_select_related = ("course",)
    prepopulated_fields = {"slug": ("title",)}
    readonly_fields = ("reading_minutes",)
    inlines = [SectionInline]

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        # Its sections may have changed with it.
        Lesson.objects.filter(pk=form.instance.pk).content_changed()


def show_checker_warnings(request, forms) -> None:
    """The Istio checker's warnings on saved examples, as messages: they do not block a save."""
    for form in forms:
        for warning in getattr(form, "checker_warnings", ()):
            messages.warning(request, warning)


class ConfigExampleInline(AppendedInline, admin.StackedInline):
    model = ConfigExample
    form = ConfigExampleAdminForm  # the Istio checker refuses errors unless "broken"
    extra = 0
    fields = ("order", "title", "slug", "yaml_text", "explanation", "broken")


@admin.register(Section)
class SectionAdmin(LearnersWorkOnDelete, AppendedOnAdd, LessonPartAdmin):
    lesson_lookup = "lesson"
    order_parent = "lesson"
    form = SectionAdminForm
    list_display = ("title", "lesson", "order", "kind")
    list_filter = ("kind", "lesson__course", "lesson")
    search_fields = ("title", "slug", "body_markdown")
    list_select_related = ("lesson",)
    prepopulated_fields = {"slug": ("title",)}
    inlines = [ConfigExampleInline]

    def save_formset(self, request, form, formset, change):
        super().save_formset(request, form, formset, change)
        kept = [f for f in formset.forms if f not in formset.deleted_forms]
        show_checker_warnings(request, kept)


@admin.register(ConfigExample)
class ConfigExampleAdmin(AppendedOnAdd, LessonPartAdmin):
    lesson_lookup = "section__lesson"
    order_parent = "section"
    form = ConfigExampleAdminForm
    list_display = ("title", "kind", "section", "broken")
    list_filter = ("broken", "kind")
    search_fields = ("title", "slug", "yaml_text")
    list_select_related = ("section",)

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        show_checker_warnings(request, [form])


@admin.register(SectionProgress)
class SectionProgressAdmin(admin.ModelAdmin):
    list_display = ("user", "section", "read_at")
    list_select_related = ("user", "section")
    search_fields = ("user__username", "section__title")
    date_hierarchy = "read_at"

    # Changing or deleting marks here counts their users' lessons again (lessons/read_counts.py;
    # a new mark is counted by the post_save signal).
    def save_model(self, request, obj, form, change):
        was = SectionProgress.objects.filter(pk=obj.pk).values_list("user_id", flat=True)
        users = set(was) if change else set()
        super().save_model(request, obj, form, change)
        if change:
            recount(user_ids=users | {obj.user_id})

    def delete_model(self, request, obj):
        super().delete_model(request, obj)
        recount(user_ids=[obj.user_id], lesson_ids=[obj.section.lesson_id])

    def delete_queryset(self, request, queryset):
        pairs = set(queryset.values_list("user_id", "section__lesson_id"))
        super().delete_queryset(request, queryset)
        recount(user_ids={u for u, _ in pairs}, lesson_ids={lesson for _, lesson in pairs})
