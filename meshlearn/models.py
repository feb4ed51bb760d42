"""The site's own tables (the apps hold the course, quiz and team data)."""

from django.db import models


class RequestCount(models.Model):
    """How many requests one client made in one calendar minute, for a per-minute limit
    (meshlearn/rate_limit.py). One row per scope, client and minute, counted up with an atomic
    UPDATE, so every process and every host sharing the database counts in the same row."""

    scope = models.CharField(max_length=40)
    client = models.CharField(max_length=64)  # an IP address (an IPv6 one is at most 45 characters)
    window = models.BigIntegerField()  # minutes since the Unix epoch
    count = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["scope", "client", "window"], name="one_request_count_a_minute"
            )
        ]
        indexes = [models.Index(fields=["window"], name="request_count_window")]

    def __str__(self) -> str:
        return f"{self.scope} {self.client} minute {self.window}: {self.count}"
