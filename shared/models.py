"""Request counters shared by every process (shared/throttle.py)."""

from django.db import models


class ThrottleCount(models.Model):
    """Requests counted for one key (a hash of an e-mail or client address) in one window.

    Rows in the database, so every app server counts together (the cache is per process
    unless Redis is set up)."""

    scope = models.CharField(max_length=40)
    key = models.CharField(max_length=64, help_text="HMAC of the counted value, never the value.")
    window_start = models.DateTimeField()
    count = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["scope", "key"], name="throttle_one_row_per_key")
        ]
        indexes = [models.Index(fields=["scope", "window_start"], name="throttle_expiry")]

    def __str__(self) -> str:
        return f"{self.scope}: {self.count} since {self.window_start:%Y-%m-%d %H:%M}"
