"""Teams running internal training: who belongs to which team, with which role, on which courses.

A team is joined through a secret invite link; regenerating the token revokes the old link.
Progress is not stored here: dashboards derive it from read marks and quiz attempts.
"""

import secrets

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.urls import reverse
from django.utils import timezone

from lessons.models import Course

# Paths under /teams/ that a team slug must not shadow.
RESERVED_SLUGS = frozenset({"new", "join"})


def new_invite_token() -> str:
    return secrets.token_urlsafe(24)


def validate_team_slug(value: str) -> None:
    if value in RESERVED_SLUGS:
        raise ValidationError(
            f"'{value}' is reserved for a page of the site; choose another slug, "
            f"for example '{value}-team'."
        )


class Team(models.Model):
    slug = models.SlugField(
        unique=True,
        validators=[validate_team_slug],
        help_text="Part of the dashboard's address, /teams/this-slug/: letters, digits and '-'.",
    )
    name = models.CharField(max_length=200)
    courses = models.ManyToManyField(
        Course,
        related_name="teams",
        blank=True,
        help_text="The courses this team works through; its dashboard reports on them.",
    )
    invite_token = models.CharField(
        max_length=64,
        unique=True,
        default=new_invite_token,
        editable=False,
        help_text="Secret part of the invite link. Regenerate it to revoke the old link.",
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name", "id"]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("team-dashboard", args=[self.slug])

    def get_invite_url(self) -> str:
        return reverse("team-join", args=[self.invite_token])


class Membership(models.Model):
    class Role(models.TextChoices):
        LEARNER = "learner", "Learner"
        INSTRUCTOR = "instructor", "Instructor"

    team = models.ForeignKey(Team, on_delete=models.CASCADE, related_name="memberships")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="team_memberships"
    )
    role = models.CharField(
        max_length=12,
        choices=Role.choices,
        default=Role.LEARNER,
        help_text="Instructors see the team's dashboard and export; learners see their courses.",
    )
    joined_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["team", "user__username"]
        constraints = [
            models.UniqueConstraint(
                fields=["team", "user"], name="one_membership_per_team_and_user"
            )
        ]

    def __str__(self) -> str:
        return f"{self.user} in {self.team} ({self.get_role_display()})"


# Assignments and reminders live in their own module; imported here so Django registers them.
from .assignment_models import Assignment, ReminderSent, ReminderSettings  # noqa: E402, F401
