"""Instructor authoring: courses, lessons with their sections inline, sections with examples."""

from django.contrib import admin

from .admin_example_form import ConfigExampleAdminForm
from .admin_transfer import CourseTransferMixin
from .lesson_admin_form import LessonAdminForm
from .models import ConfigExample, Course, Lesson, Section, SectionProgress


class LessonInline(admin.TabularInline):
    model = Lesson
    extra = 0
    fields = ("order", "title", "slug", "published")
    show_change_link = True


@admin.register(Course)
class CourseAdmin(CourseTransferMixin, admin.ModelAdmin):
    list_display = ("title", "slug", "published", "order", "updated_at", "export_link")
    list_editable = ("published", "order")
    list_filter = ("published",)
    search_fields = ("title", "slug", "summary")
    prepopulated_fields = {"slug": ("title",)}
    inlines = [LessonInline]


class SectionInline(admin.StackedInline):
    model = Section
    extra = 0
    fields = ("order", "title", "slug", "kind", "body_markdown", "sources")
    show_change_link = True


@admin.register(Lesson)
class LessonAdmin(admin.ModelAdmin):
    form = LessonAdminForm
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
        form.instance.refresh_reading_minutes()  # sections may have changed with it


class ConfigExampleInline(admin.StackedInline):
    model = ConfigExample
    form = ConfigExampleAdminForm  # the Istio checker refuses errors unless "broken"
    extra = 0
    fields = ("order", "title", "slug", "yaml_text", "explanation", "broken")


@admin.register(Section)
class SectionAdmin(admin.ModelAdmin):
    list_display = ("title", "lesson", "order", "kind")
    list_filter = ("kind", "lesson__course", "lesson")
    search_fields = ("title", "slug", "body_markdown")
    list_select_related = ("lesson",)
    prepopulated_fields = {"slug": ("title",)}
    inlines = [ConfigExampleInline]

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        form.instance.lesson.refresh_reading_minutes()


@admin.register(ConfigExample)
class ConfigExampleAdmin(admin.ModelAdmin):
    form = ConfigExampleAdminForm
    list_display = ("title", "kind", "section", "broken")
    list_filter = ("broken", "kind")
    search_fields = ("title", "slug", "yaml_text")
    list_select_related = ("section",)


@admin.register(SectionProgress)
class SectionProgressAdmin(admin.ModelAdmin):
    list_display = ("user", "section", "read_at")
    list_select_related = ("user", "section")
    search_fields = ("user__username", "section__title")
    date_hierarchy = "read_at"
