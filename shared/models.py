"""Request counters in the database, shared by every process and host: per-minute limits
(shared/rate_limit.py) and hourly ones for rare, costly actions (shared/throttle.py)."""

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


class RequestCount(models.Model):
    """How many requests one client made in one calendar minute, for a per-minute limit
    (shared/rate_limit.py). One row per scope, client and minute, counted up with an atomic
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
