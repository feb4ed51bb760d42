"""What the calculator stores: a learner's saved sets of inputs."""

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils.http import urlencode


class SavedScenario(models.Model):
    """A learner's named set of overhead-calculator inputs, reopened from /me/."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="calculator_scenarios"
    )
    name = models.CharField(max_length=80)
    params = models.JSONField(
        help_text="Calculator inputs as query-string values, validated when saved."
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["user", "name"], name="scenario_name_unique_per_user")
        ]

    def __str__(self) -> str:
        return f"{self.user}: {self.name}"

    def get_absolute_url(self) -> str:
        return f"{reverse('calculator')}?{urlencode(self.params)}"
