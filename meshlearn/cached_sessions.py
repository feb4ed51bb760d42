"""Django's cached_db session store (used with REDIS_URL), reading the database as sessions.py."""

from django.contrib.sessions.backends import cached_db

from .sessions import FastReadMixin


class SessionStore(FastReadMixin, cached_db.SessionStore):
    pass
