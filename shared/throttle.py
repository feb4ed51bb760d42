"""Count requests per key in the database and say whether a key is over its limit.

For rare, costly actions (a password-reset e-mail): one small write per request, shared by
every process and host, unlike shared/rate_limit.py's cache counts. The window opens with
a key's first request and lasts `window`; the next request after it opens a new one. Keys are
stored as an HMAC (with SECRET_KEY), never as the e-mail or address itself.
"""

from datetime import timedelta

from django.db import transaction
from django.utils import timezone
from django.utils.crypto import salted_hmac

from .models import ThrottleCount


def within_limit(scope: str, value: str, limit: int, window: timedelta) -> bool:
    """Count one request for `value`; True while the count in its window is at most `limit`.
    A limit of 0 or less counts nothing and allows everything."""
    if limit <= 0:
        return True
    key = salted_hmac("meshlearn.throttle", f"{scope}\n{value}", algorithm="sha256").hexdigest()
    now = timezone.now()
    with transaction.atomic():
        # The row is locked until commit (SQLite: the whole database, BEGIN IMMEDIATE), so
        # two requests at once count 2, never 1.
        row, created = ThrottleCount.objects.select_for_update().get_or_create(
            scope=scope, key=key, defaults={"window_start": now, "count": 1}
        )
        if created:  # a new key: clear this scope's finished windows, so rows do not pile up
            ThrottleCount.objects.filter(scope=scope, window_start__lte=now - window).delete()
        elif row.window_start <= now - window:
            row.window_start, row.count = now, 1
            row.save(update_fields=["window_start", "count"])
        else:
            row.count += 1
            row.save(update_fields=["count"])
    return row.count <= limit
