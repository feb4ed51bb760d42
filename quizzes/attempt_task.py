"""A practice exam attempt's tasks (issue 24), kept beside models.py (which imports it) so that
module stays a readable size."""

from django.db import models
from django.db.models import Q


class AttemptTask(models.Model):
    """A practice task a practice exam's attempt asks (drawn at its start, like its questions),
    and the learner's one submission: the config, when, and the grader's verdict per check.
    Nothing of the verdict is shown before the attempt ends (exam_tasks.py)."""

    attempt = models.ForeignKey(
        "quizzes.Attempt", on_delete=models.CASCADE, related_name="exam_tasks"
    )
    # A task deleted since drops out of the attempt, counting neither way (like a question).
    task = models.ForeignKey("practice.Task", on_delete=models.CASCADE, related_name="+")
    order = models.PositiveSmallIntegerField()
    config = models.TextField(blank=True)
    answered_at = models.DateTimeField(null=True, blank=True)
    passed = models.BooleanField(null=True, blank=True)  # None until submitted
    # [{"name", "passed", "message"}] as the grader answered at the submission: the review
    # shows what was graded then, even if the task's checks are edited later.
    checks = models.JSONField(default=list, blank=True)

    class Meta:
        ordering = ["attempt_id", "order"]
        constraints = [
            models.UniqueConstraint(fields=["attempt", "task"], name="one_task_once_per_attempt"),
            models.CheckConstraint(
                condition=Q(answered_at__isnull=True, passed__isnull=True)
                | Q(answered_at__isnull=False, passed__isnull=False),
                name="attempt_task_graded_when_answered",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.attempt_id}: task {self.task_id} ({self.passed})"
