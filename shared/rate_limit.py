"""A per-client limit of requests per minute, counted in Django's cache.

Used by /lab/check.json, which anyone may call without signing in and which parses up to 256 KB
of YAML each time. The client is the address django-axes throttles logins by (axes' public
helper: django-ipware behind the trusted proxies of settings.py), so the two limits agree on who
is who. Each address has one counter per calendar minute (a fixed window): simple, and a burst
at a minute's end can reach twice the limit, which is fine for a guard against a script running
loose. With REDIS_URL every server shares the counts; without it each process keeps its own
(the local-memory cache), so the limit applies per process."""

from __future__ import annotations

import time

from axes.helpers import get_client_ip_address
from django.core.cache import cache
from django.http import HttpRequest

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
    key = f"rate:{scope}:{get_client_ip_address(request) or 'unknown'}:{window}"
    cache.add(key, 0, timeout=WINDOW_SECONDS + 5)
    try:
        count = cache.incr(key)
    except ValueError:  # the count expired or was evicted between the two calls
        cache.set(key, 1, timeout=WINDOW_SECONDS + 5)
        count = 1
    if count <= per_minute:
        return None
    return WINDOW_SECONDS - now % WINDOW_SECONDS
