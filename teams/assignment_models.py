"""Assignments: work a team's instructors or leads give its learners, with a due time; the
reminders sent about them; and each learner's reminder and calendar settings.

What is assigned is one of a course, a lesson, a quiz (the practice exam is a quiz) or a
practice task. The kind names which of the nullable foreign keys is set, and a check constraint
holds them together, so a new kind is one more choice, one more nullable key and one more clause.
"""

import secrets

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone

from lessons.models import Course, Lesson
from practice.models import Task
from quizzes.models import Quiz

from .models import Team


def new_calendar_token() -> str:
    return secrets.token_urlsafe(24)


ITEM_FIELDS = ("course", "lesson", "quiz", "task")


def _only(field: str) -> dict:
    """The check constraint's clause for a kind: its key set, every other key empty."""
    return {f"{name}__isnull": name != field for name in ITEM_FIELDS}


class Assignment(models.Model):
    class Kind(models.TextChoices):
        COURSE = "course", "Course"
        LESSON = "lesson", "Lesson"
        QUIZ = "quiz", "Quiz"
        TASK = "task", "Practice task"

    team = models.ForeignKey(Team, on_delete=models.CASCADE, related_name="assignments")
    kind = models.CharField(max_length=10, choices=Kind.choices)
    course = models.ForeignKey(
        Course, on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    lesson = models.ForeignKey(
        Lesson, on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    quiz = models.ForeignKey(
        Quiz, on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    task = models.ForeignKey(
        Task, on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    everyone = models.BooleanField(
        default=True, help_text="Every learner of the team, including those who join later."
    )
    members = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        blank=True,
        related_name="+",
        help_text="When not for everyone: the members it is for.",
    )
    due_at = models.DateTimeField(help_text="Stored in UTC.")
    time_zone = models.CharField(
        max_length=64, default="UTC", help_text="IANA name the due time is shown in."
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["due_at", "id"]
        indexes = [models.Index(fields=["team", "due_at"])]
        constraints = [
            models.CheckConstraint(
                condition=(
                    Q(kind="course", **_only("course"))
                    | Q(kind="lesson", **_only("lesson"))
                    | Q(kind="quiz", **_only("quiz"))
                    | Q(kind="task", **_only("task"))
                ),
                name="assignment_names_one_item_of_its_kind",
            )
        ]

    def __str__(self) -> str:
        return f"{self.item_title} for {self.team} (due {self.due_at:%Y-%m-%d %H:%M} UTC)"

    @property
    def item(self):
        return getattr(self, self.kind)

    @property
    def item_title(self) -> str:
        return str(self.item)

    @property
    def item_url(self) -> str:
        return self.item.get_absolute_url()


class ReminderSent(models.Model):
    """One email sent (or being sent). The unique constraints are what make `sendreminders`
    idempotent and safe to run twice at once: a run claims a row before it sends, and a second
    claim of the same key fails in the database, whichever process gets there second."""

    class Kind(models.TextChoices):
        BEFORE = "before", "Due soon"
        OVERDUE = "overdue", "Overdue"
        DIGEST = "digest", "Weekly digest for leads"

    kind = models.CharField(max_length=10, choices=Kind.choices)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    assignment = models.ForeignKey(
        Assignment, on_delete=models.CASCADE, null=True, blank=True, related_name="reminders"
    )
    team = models.ForeignKey(Team, on_delete=models.CASCADE, related_name="+")
    # The due date a reminder is about (so moving the due date allows a new one), or the Monday
    # of the digest's week.
    on_date = models.DateField()
    sent_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-sent_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["assignment", "user", "kind", "on_date"],
                condition=Q(assignment__isnull=False),
                name="one_reminder_per_assignment_member_kind_date",
            ),
            # A digest has no assignment, and NULLs never clash in a unique index: its own key.
            models.UniqueConstraint(
                fields=["team", "user", "kind", "on_date"],
                condition=Q(assignment__isnull=True),
                name="one_digest_per_team_lead_week",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} to {self.user} ({self.on_date})"


class ReminderSettings(models.Model):
    """A learner's switch for assignment emails and the secret of their calendar feed."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="reminder_settings"
    )
    emails_off_at = models.DateTimeField(
        null=True, blank=True, help_text="When they unsubscribed; empty while emails are on."
    )
    calendar_token = models.CharField(
        max_length=64,
        unique=True,
        default=new_calendar_token,
        help_text="Secret part of the calendar feed's address; a new one revokes the old.",
    )

    class Meta:
        verbose_name_plural = "reminder settings"

    def __str__(self) -> str:
        return f"Reminder settings of {self.user}"
