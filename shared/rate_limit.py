"""A per-client limit of requests per minute, counted where every process sees the same count.

Used by the config lab (the page's checks and /lab/check.json share one count), which anyone may
call without signing in and which checks up to 256 KB of YAML each time. The client is
the address django-axes throttles logins by (axes' public helper: django-ipware behind the
trusted proxies of settings.py), so the two limits agree on who is who. Each address has
one counter per calendar minute (a fixed window): simple, and a burst at a minute's end can
reach twice the limit, which is fine for a guard against a script running loose.

Where the counts live (settings.MESHLEARN_RATE_COUNTS): "database" (the default) keeps them in
the RequestCount table, counted up by an atomic UPDATE, so the processes of one machine, and
servers sharing the database, count together; "cache" keeps them in the cache, for Redis
(REDIS_URL), whose INCR is atomic across processes too. A per-process cache would give every
gunicorn worker a limit of its own, which is why it is not an option.
"""

from __future__ import annotations

import time

from axes.helpers import get_client_ip_address
from django.conf import settings
from django.core.cache import cache
from django.db import IntegrityError, transaction
from django.db.models import F
from django.http import HttpRequest

from .models import RequestCount

WINDOW_SECONDS = 60


def _now() -> float:
    return time.time()


def retry_after(request: HttpRequest, scope: str, per_minute: int) -> int | None:
    """Count this request; the seconds until the client may try again if it is over the limit,
    else None. A limit of 0 or less counts nothing."""
    if per_minute <= 0:
        return None
    now = int(_now())
    window = now // WINDOW_SECONDS
    client = get_client_ip_address(request) or "unknown"
    if settings.MESHLEARN_RATE_COUNTS == "cache":
        count = _count_in_cache(scope, client, window)
    else:
        count = _count_in_database(scope, client, window)
    if count <= per_minute:
        return None
    return WINDOW_SECONDS - now % WINDOW_SECONDS


def _count_in_database(scope: str, client: str, window: int) -> int:
    """This request's number in its client's minute. The UPDATE locks the row until the
    transaction ends, so two processes never read the same number."""
    rows = RequestCount.objects.filter(scope=scope, client=client, window=window)
    first = False
    with transaction.atomic():
        if not rows.update(count=F("count") + 1):
            try:
                with transaction.atomic():  # a savepoint: the INSERT alone is undone if it fails
                    RequestCount.objects.create(scope=scope, client=client, window=window, count=1)
                first = True
            except IntegrityError:  # another process wrote the minute's row first: count in it
                rows.update(count=F("count") + 1)
        count = rows.values_list("count", flat=True).get()
    if first:  # once a minute per client at most: rows of minutes already over are no use
        RequestCount.objects.filter(window__lt=window - 1).delete()
    return count


def _count_in_cache(scope: str, client: str, window: int) -> int:
    key = f"rate:{scope}:{client}:{window}"
    cache.add(key, 0, timeout=WINDOW_SECONDS + 5)
    try:
        return cache.incr(key)
    except ValueError:  # the count expired or was evicted between the two calls
        cache.set(key, 1, timeout=WINDOW_SECONDS + 5)
        return 1
