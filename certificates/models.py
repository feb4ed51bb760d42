"""A certificate: proof that a learner completed a course, verifiable by anyone who has its
public id (an unguessable token, never the row id, so certificates cannot be enumerated)."""

import secrets

from django.conf import settings
from django.db import models
from django.urls import reverse

from lessons.models import Course


def new_public_id() -> str:
    return secrets.token_urlsafe(16)  # 128 random bits


class Certificate(models.Model):
    public_id = models.CharField(max_length=32, unique=True, default=new_public_id, editable=False)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="certificates"
    )
    course = models.ForeignKey(Course, on_delete=models.CASCADE, related_name="certificates")
    issued_at = models.DateTimeField()
    score = models.PositiveSmallIntegerField(
        null=True, blank=True, help_text="Percent right in the passed quizzes (empty: none)."
    )
    revoked_at = models.DateTimeField(null=True, blank=True, editable=False)
    revoked_reason = models.TextField(blank=True, help_text="Shown to staff only.")

    class Meta:
        ordering = ["-issued_at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["user", "course"], name="one_certificate_per_user_and_course"
            )
        ]

    def __str__(self) -> str:
        return f"{self.course} for {self.user}"

    def get_absolute_url(self) -> str:
        return reverse("certificate-verify", args=[self.public_id])

    def get_pdf_url(self) -> str:
        return reverse("certificate-pdf", args=[self.public_id])

    @property
    def is_valid(self) -> bool:
        return self.revoked_at is None

    @property
    def holder_name(self) -> str:
        return self.user.get_full_name() or self.user.get_username()
