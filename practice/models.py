"""Practice tasks (content, authored in the course files and the admin) and each learner's
progress on them (hints seen, given up, passed).

A task's checks are stored as the course file gives them (a JSON list in the format of
docs/practice.md) and graded by `grading.py`, which knows no Django.
"""

from django.conf import settings
from django.db import models

from course_format.bank import DOMAINS


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

    class Meta:
        ordering = ["lesson__course", "lesson__order", "order", "id"]

    def __str__(self) -> str:
        return self.title


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
