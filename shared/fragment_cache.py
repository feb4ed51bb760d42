"""The cache `{% cache %}` uses (the "template_fragments" alias in settings): another alias's
cache, where an outage reads as a miss and a lost write.

Rendered fragments are an accelerator, never a dependency: with Redis down a page costs a render
instead of failing. Custom cache backends are documented Django:
https://docs.djangoproject.com/en/5.2/topics/cache/#using-a-custom-cache-backend
"""

import logging

from django.core.cache import caches
from django.core.cache.backends.base import DEFAULT_TIMEOUT, BaseCache

logger = logging.getLogger(__name__)


class FailSoftCache(BaseCache):
    """Delegates to the cache alias named by LOCATION, which makes and versions the keys."""

    def __init__(self, location: str, params: dict):
        super().__init__(params)
        self.alias = location

    @property
    def backend(self) -> BaseCache:
        return caches[self.alias]

    def get(self, key, default=None, version=None):
        try:
            return self.backend.get(key, default, version)
        except Exception:  # any backend's outage (Redis down): draw the fragment instead
            logger.warning("fragment cache: get failed for %s; rendering", key, exc_info=True)
            return default

    def set(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        try:
            self.backend.set(key, value, timeout, version)
        except Exception:
            logger.warning("fragment cache: set failed for %s", key, exc_info=True)

    def add(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        try:
            return self.backend.add(key, value, timeout, version)
        except Exception:
            logger.warning("fragment cache: add failed for %s", key, exc_info=True)
            return False

    def touch(self, key, timeout=DEFAULT_TIMEOUT, version=None):
        try:
            return self.backend.touch(key, timeout, version)
        except Exception:
            logger.warning("fragment cache: touch failed for %s", key, exc_info=True)
            return False

    def delete(self, key, version=None):
        try:
            return self.backend.delete(key, version)
        except Exception:
            logger.warning("fragment cache: delete failed for %s", key, exc_info=True)
            return False

    def clear(self):
        self.backend.clear()
