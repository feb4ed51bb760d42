"""Rendered HTML kept for reuse: in the shared cache, and the last few in the process.

Lesson bodies and page shells (lessons/lesson_page.py) and calculator blocks
(calculator/blocks.py) are HTML whose key names exactly what drew it, so a kept copy
is never stale. The shared cache (local memory, or Redis with REDIS_URL) is an accelerator,
never a dependency: when it fails, the caller draws the fragment as if it were missing and the
failure is logged. `Recent` saves a repeat the cache's unpickling or Redis round trip.
"""

import hashlib
import logging
from collections.abc import Callable, Iterable
from functools import lru_cache, wraps
from importlib import import_module
from pathlib import Path

from django.conf import settings
from django.core.cache import cache
from django.template.loader import get_template

logger = logging.getLogger(__name__)


def cache_get(key: str):
    """The value stored under `key`, or None when it is missing or the cache is down."""
    try:
        return cache.get(key)
    except Exception:  # any backend's outage (Redis down) slows pages; it must not break them
        logger.warning("fragment cache: get failed for %s; drawing instead", key, exc_info=True)
        return None


def cache_set(key: str, value, timeout: int) -> None:
    try:
        cache.set(key, value, timeout)
    except Exception:
        logger.warning("fragment cache: set failed for %s", key, exc_info=True)


class Recent(dict):
    """What a process used last, by key; `keep` drops the oldest entries beyond `limit`."""

    def keep(self, key, value, limit: int):
        self[key] = value
        while len(self) > limit:
            del self[next(iter(self))]
        return value


def shape_digest(
    templates: Iterable[str] = (), modules: Iterable[str] = (), extra: Iterable[str] = ()
) -> str:
    """A digest of what draws some HTML besides its data: template sources, module files and
    any other part (a version, a static manifest). Part of a key, it keeps a deploy from
    serving HTML in an old shape out of a cache that outlives the processes (Redis)."""
    digest = hashlib.sha256()
    for name in templates:
        digest.update(get_template(name).template.source.encode())
    for name in modules:
        digest.update(Path(import_module(name).__file__).read_bytes())
    for part in extra:
        digest.update(str(part).encode())
    return digest.hexdigest()[:16]


def per_deploy(function: Callable[[], str]) -> Callable[[], str]:
    """Compute once per process (a deploy restarts them); with DEBUG on, on every call, as the
    development server picks up template edits without a restart. `.cache_clear()` forgets."""
    cached = lru_cache(maxsize=1)(function)

    @wraps(function)
    def current() -> str:
        if settings.DEBUG:
            cached.cache_clear()
        return cached()

    current.cache_clear = cached.cache_clear
    return current
