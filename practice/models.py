"""Practice tasks (content, authored in the course files and the admin) and each learner's
progress on them (hints seen, given up, passed).

A task's checks are stored as the course file gives them (a JSON list in the format of
docs/practice.md) and graded by `grading.py`, which knows no Django.
"""

from django.conf import settings
from django.db import models
from django.urls import reverse

from course_format.bank import DOMAINS
from course_format.tasks import TaskData, task_from_values
from lessons.models import Lesson
from lessons.rendering import markdown_to_html, unix_newlines


class TaskQuerySet(models.QuerySet):
    def published(self):
        """Tasks learners see: those of published lessons of published courses."""
        return self.filter(lesson__published=True, lesson__course__published=True)


class Task(models.Model):
    class Kind(models.TextChoices):
        BUILD = "build", "Build"
        FIX = "fix", "Fix (break-fix)"

    lesson = models.ForeignKey("lessons.Lesson", on_delete=models.CASCADE, related_name="tasks")
    slug = models.SlugField(max_length=60, unique=True)
    order = models.PositiveIntegerField(
        default=0, help_text="Tasks of a lesson are listed by this."
    )
    title = models.CharField(max_length=120)
    domain = models.CharField(max_length=20, choices=list(DOMAINS.items()))
    competency = models.CharField(max_length=80, blank=True)
    kind = models.CharField(max_length=8, choices=Kind.choices, default=Kind.BUILD)
    release = models.CharField(
        max_length=8,
        blank=True,
        help_text="Istio release the config is checked for (newest if empty).",
    )
    scenario = models.TextField(help_text="Markdown: the services, what is wrong or wanted.")
    scenario_html = models.TextField(editable=False, default="")
    workloads = models.JSONField(default=list, blank=True)
    starting_config = models.TextField(blank=True)
    hints = models.JSONField(default=list)
    hints_html = models.JSONField(default=list, editable=False)
    solution = models.TextField()
    explanation = models.TextField(blank=True)
    explanation_html = models.TextField(editable=False, default="")
    sources = models.JSONField(default=list)
    checks = models.JSONField(default=list)
    updated_at = models.DateTimeField(auto_now=True)

    objects = TaskQuerySet.as_manager()

    class Meta:
        ordering = ["lesson__course", "lesson__order", "order", "id"]

    def __str__(self) -> str:
        return self.title

    def save(self, *args, **kwargs):
        # Markdown is rendered (and sanitised) once, here; pages only read the HTML.
        self.scenario = unix_newlines(self.scenario)
        self.explanation = unix_newlines(self.explanation)
        self.starting_config = unix_newlines(self.starting_config)
        self.solution = unix_newlines(self.solution)
        self.scenario_html = markdown_to_html(self.scenario)
        self.explanation_html = markdown_to_html(self.explanation)
        self.hints_html = [markdown_to_html(str(hint)) for hint in self.hints or []]
        super().save(*args, **kwargs)
        # The lesson page lists its tasks inside its cache: a new content version redraws it.
        Lesson.objects.filter(pk=self.lesson_id).touch()

    def get_absolute_url(self) -> str:
        return reverse("practice-task", args=[self.slug])

    def delete(self, *args, **kwargs):
        lesson_id = self.lesson_id
        result = super().delete(*args, **kwargs)
        Lesson.objects.filter(pk=lesson_id).touch()
        return result

    def values(self) -> dict:
        """The task as a course file writes it (dumpcourse, and re-reading it for grading)."""
        out = {
            "slug": self.slug,
            "title": self.title,
            "lesson": self.lesson.slug,
            "domain": self.domain,
            "competency": self.competency,
            "kind": self.kind,
            "release": self.release,
            "scenario": self.scenario,
            "workloads": self.workloads,
            "starting_config": self.starting_config,
            "hints": self.hints,
            "solution": self.solution,
            "explanation": self.explanation,
            "sources": self.sources,
            "checks": self.checks,
        }
        return {key: value for key, value in out.items() if value not in ("", None, [])}

    def spec(self) -> TaskData:
        """The task as the grader reads it, checked as a course file's task is (ContentError
        if a row was stored around those rules)."""
        return task_from_values(self.values(), name=f"task {self.slug}")


class TaskProgress(models.Model):
    """A signed-in learner's work on one task; a visitor's lives in their session
    (progress.py) until they sign in."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="task_progress"
    )
    task = models.ForeignKey(Task, on_delete=models.CASCADE, related_name="progress")
    hints_shown = models.PositiveSmallIntegerField(default=0)
    checks_run = models.PositiveIntegerField(default=0)
    gave_up_at = models.DateTimeField(null=True, blank=True)
    passed_at = models.DateTimeField(null=True, blank=True)
    # Passed only after the reference solution was shown: counted, and shown as such to leads.
    passed_after_solution = models.BooleanField(default=False)
    last_config = models.TextField(blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name_plural = "task progress"
        constraints = [
            models.UniqueConstraint(fields=["user", "task"], name="one_progress_per_task")
        ]
        indexes = [models.Index(fields=["task", "passed_at"])]

    def __str__(self) -> str:
        return f"{self.user} on {self.task}"
