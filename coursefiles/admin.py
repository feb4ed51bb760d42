"""Course import and export in the admin: the same YAML format as `loadcourse`/`dumpcourse`.

Import validates the whole file first (schema, then every config example through the Istio
checker) and loads it in one transaction, so a file with a mistake changes nothing; the error
names the file, line and key to fix. Export returns the course as one YAML file to download.
"""

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.db import DatabaseError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html

from course_format.yamlfile import ContentError, format_path
from lessons import admin as lessons_admin
from lessons.models import Course

from .dumping import dump_course
from .loading import WorkAtStake
from .upload import load_uploaded_course

# Importing can create, change and delete every kind of row a course file describes.
IMPORT_PERMISSIONS = [
    f"{app}.{action}_{model}"
    for app, models in {
        "lessons": ("course", "lesson", "section", "configexample"),
        "quizzes": ("quiz", "question", "choice"),
    }.items()
    for model in models
    for action in ("add", "change", "delete")
]


class CourseImportForm(forms.Form):
    file = forms.FileField(
        label="Course file",
        help_text="One YAML file in the format 'Export YAML' and `dumpcourse` write. A course "
        "with the same slug is updated in place: learners keep their progress on sections "
        "whose slug is unchanged.",
        widget=forms.ClearableFileInput(attrs={"accept": ".yaml,.yml,application/yaml,text/yaml"}),
    )
    delete_learner_work = forms.BooleanField(
        label="Delete what the file leaves out, with learners' work on it",
        required=False,
        help_text="Lessons, sections, quizzes, questions and choices missing from the file are "
        "deleted. Without this box, an import that would also delete learners' read marks or "
        "quiz attempts (a lesson, section or quiz they used) is refused and names what; with "
        "it, they are deleted too.",
    )


class CourseTransferMixin:
    """Adds /admin/lessons/course/import/ and /admin/lessons/course/<id>/export/ to CourseAdmin."""

    def get_urls(self):
        wrap = self.admin_site.admin_view
        info = f"{self.opts.app_label}_{self.opts.model_name}"
        return [
            path("import/", wrap(self.import_view), name=f"{info}_import"),
            path("<int:pk>/export/", wrap(self.export_view), name=f"{info}_export"),
            *super().get_urls(),
        ]

    def has_import_permission(self, request: HttpRequest) -> bool:
        return request.user.has_perms(IMPORT_PERMISSIONS)

    def changelist_view(self, request, extra_context=None):
        extra_context = {**(extra_context or {}), "can_import": self.has_import_permission(request)}
        return super().changelist_view(request, extra_context)

    @admin.display(description="YAML")
    def export_link(self, course: Course) -> str:
        url = reverse("admin:lessons_course_export", args=[course.pk])
        return format_html('<a href="{}" download>Export YAML</a>', url)

    def import_view(self, request: HttpRequest) -> HttpResponse:
        if not self.has_import_permission(request):
            raise PermissionDenied
        bound = request.method == "POST"
        form = CourseImportForm(request.POST, request.FILES) if bound else CourseImportForm()
        error = None
        if bound and form.is_valid():
            try:
                report = load_uploaded_course(
                    form.cleaned_data["file"],
                    delete_learner_work=form.cleaned_data["delete_learner_work"],
                )
            except ContentError as exc:
                error = exc
            except DatabaseError:
                error = ContentError(
                    form.cleaned_data["file"].name,
                    "the database refused the course (a value may be too long); nothing was loaded",
                )
            else:
                level = messages.SUCCESS if report.changed else messages.INFO
                self.message_user(request, report.summary(), level)
                return redirect("admin:lessons_course_change", report.course.pk)
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "title": "Import a course",
            "form": form,
            "error": error,
            "error_path": format_path(error.path) if error else "",
            "work_at_stake": isinstance(error, WorkAtStake),
        }
        return TemplateResponse(request, "admin/lessons/course/import.html", context)

    def export_view(self, request: HttpRequest, pk: int) -> HttpResponse:
        course = get_object_or_404(Course, pk=pk)
        if not self.has_view_permission(request, course):
            raise PermissionDenied
        response = HttpResponse(dump_course(course), content_type="application/yaml; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="{course.slug}.yaml"'
        return response


# The course admin is the lessons app's; course files sit above lessons and quizzes (a file holds
# both), so this app adds import and export to it rather than lessons importing this app.
admin.site.unregister(Course)


@admin.register(Course)
class CourseAdmin(CourseTransferMixin, lessons_admin.CourseAdmin):
    list_display = (*lessons_admin.CourseAdmin.list_display, "export_link")
