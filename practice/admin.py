"""Instructor authoring of practice tasks, checked as the course files are (course_format.tasks):
the same rules and the same words, with the line of the field's YAML.

Workloads, hints, sources and checks are edited as YAML, exactly as a task file writes them.
Every save grades the reference solution and the starting config (practice/grading.py) and
shows what each check said; a task whose solution fails one of its own checks is not saved,
and "Run the checks against the solution" shows the same without saving anything.
"""

from __future__ import annotations

import yaml
from django import forms
from django.contrib import admin
from django.core.exceptions import ValidationError

from course_format.reader import Reader
from course_format.tasks import (
    read_checks,
    read_hints,
    read_task_sources,
    read_workloads,
    task_from_values,
)
from course_format.yamlfile import ContentError, parse_yaml

from .grading import grade, unknown_release
from .models import Task, TaskProgress

RUN_ONLY = "_run_checks"
YAML_FIELDS = ("workloads", "hints", "sources", "checks")
YAML_HELP = {
    "workloads": "YAML list: name, namespace, labels, service, service_account, ip, ports, "
    "sidecar.",
    "hints": "YAML list of Markdown hints, revealed one at a time.",
    "sources": "YAML list of https:// URLs (istio.io pages the task rests on).",
    "checks": "YAML list of checks: name, one probe (valid, route, authz, mtls, resource), fail. "
    "See docs/practice.md.",
}


def _as_yaml(value) -> str:
    if not value:
        return ""
    return yaml.safe_dump(value, sort_keys=False, allow_unicode=True, width=100)


class TaskForm(forms.ModelForm):
    workloads_yaml = forms.CharField(
        label="Workloads", required=False, widget=forms.Textarea(attrs={"rows": 10})
    )
    hints_yaml = forms.CharField(label="Hints", widget=forms.Textarea(attrs={"rows": 5}))
    sources_yaml = forms.CharField(label="Sources", widget=forms.Textarea(attrs={"rows": 3}))
    checks_yaml = forms.CharField(label="Checks", widget=forms.Textarea(attrs={"rows": 20}))

    class Meta:
        model = Task
        fields = [
            "lesson",
            "order",
            "title",
            "slug",
            "domain",
            "competency",
            "kind",
            "release",
            "scenario",
            "starting_config",
            "solution",
            "explanation",
        ]
        widgets = {
            "starting_config": forms.Textarea(attrs={"rows": 14, "spellcheck": "false"}),
            "solution": forms.Textarea(attrs={"rows": 14, "spellcheck": "false"}),
        }

    def __init__(self, *args, run_only: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self.run_only = run_only
        self.grading = None  # {"solution": Grade, "starting": Grade} once checked
        for name in YAML_FIELDS:
            self.fields[f"{name}_yaml"].help_text = YAML_HELP[name]
            if self.instance.pk:
                self.initial[f"{name}_yaml"] = _as_yaml(getattr(self.instance, name))

    def _read(self, name: str, read):
        """One YAML field, read by the course file's reader: errors say `checks:12: ...`."""
        text = self.cleaned_data.get(f"{name}_yaml") or ""
        try:
            doc = parse_yaml(text, name)
            return read(Reader(doc), doc.data, ())
        except ContentError as error:
            raise ValidationError(str(error)) from None

    def clean_workloads_yaml(self):
        workloads = self._read("workloads", read_workloads)
        self.workloads = [workload.as_dict() for workload in workloads]
        self.workload_data = workloads
        return self.cleaned_data["workloads_yaml"]

    def clean_hints_yaml(self):
        self.hints = self._read("hints", read_hints)
        return self.cleaned_data["hints_yaml"]

    def clean_sources_yaml(self):
        self.sources = self._read("sources", read_task_sources)
        return self.cleaned_data["sources_yaml"]

    def clean_checks_yaml(self):
        workloads = getattr(self, "workload_data", [])

        def read(reader, value, path):
            return read_checks(reader, value, path, workloads)

        self.checks = [check.as_dict() for check in self._read("checks", read)]
        return self.cleaned_data["checks_yaml"]

    def clean(self):
        cleaned = super().clean()
        if self.errors:
            return cleaned
        lesson = cleaned.get("lesson")
        values = {
            key: cleaned.get(key)
            for key in ("slug", "title", "domain", "competency", "kind", "release", "scenario")
            + ("starting_config", "solution", "explanation")
        }
        values |= {
            "lesson": lesson.slug if lesson else "",
            "workloads": self.workloads,
            "hints": self.hints,
            "sources": self.sources,
            "checks": self.checks,
        }
        values = {key: value for key, value in values.items() if value not in (None, "")}
        try:
            spec = task_from_values(values, name="task")
        except ContentError as error:
            raise ValidationError(str(error)) from None
        if unknown_release(spec):
            raise ValidationError({"release": unknown_release(spec).capitalize() + "."})
        self.grading = {
            "solution": grade(spec, spec.solution),
            "starting": grade(spec, spec.starting_config),
        }
        failed = [c for c in self.grading["solution"].checks if not c.passed]
        if failed:
            self.add_error(
                "solution",
                "The solution fails its own check"
                + ("s " if len(failed) > 1 else " ")
                + "; ".join(f"“{c.name}” ({c.detail or c.message})" for c in failed),
            )
        elif self.grading["starting"].passed:
            self.add_error("starting_config", "The starting config already passes every check.")
        if self.run_only and not self.errors:
            raise ValidationError("Not saved: the checks were run (results below).")
        return cleaned

    def save(self, commit=True):
        for name in YAML_FIELDS:
            setattr(self.instance, name, getattr(self, name))
        return super().save(commit)


@admin.register(Task)
class TaskAdmin(admin.ModelAdmin):
    form = TaskForm
    change_form_template = "admin/practice/task/change_form.html"
    list_display = ("title", "slug", "lesson", "domain", "kind", "order")
    list_filter = ("domain", "kind", "lesson__course")
    search_fields = ("title", "slug", "scenario")
    list_select_related = ("lesson",)
    prepopulated_fields = {"slug": ("title",)}
    fieldsets = (
        (None, {"fields": ("lesson", "order", "title", "slug", "domain", "competency", "kind")}),
        ("Scenario", {"fields": ("release", "scenario", "workloads_yaml", "starting_config")}),
        ("Help and answer", {"fields": ("hints_yaml", "solution", "explanation", "sources_yaml")}),
        ("Checks", {"fields": ("checks_yaml",)}),
    )

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change, **kwargs)
        run_only = request.method == "POST" and RUN_ONLY in request.POST

        class RequestTaskForm(form):
            def __init__(self, *args, **kw):
                super().__init__(*args, run_only=run_only, **kw)

        return RequestTaskForm


@admin.register(TaskProgress)
class TaskProgressAdmin(admin.ModelAdmin):
    list_display = ("user", "task", "hints_shown", "checks_run", "passed_at", "gave_up_at")
    list_filter = ("passed_after_solution",)
    list_select_related = ("user", "task")
    search_fields = ("user__username", "task__slug")
    raw_id_fields = ("user", "task")
