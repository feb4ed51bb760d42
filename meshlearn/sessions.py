"""Django's database session store, with the per-request read through a prepared query.

Every signed-in request loads its session first; the stock store builds that SELECT through
the ORM each time (~400 µs in-process on SQLite, of which the database needed ~40 µs). This
store runs the same read as a prepared query (meshlearn/prepared.py) and checks the expiry in
Python; saving, creating and deleting stay Django's own. SESSION_ENGINE "meshlearn.sessions"
replaces "django.contrib.sessions.backends.db"; "meshlearn.cached_sessions" replaces cached_db.
"""

from django.contrib.sessions.backends import db
from django.contrib.sessions.models import Session
from django.utils import timezone

from .prepared import PreparedQuery

_BY_KEY = PreparedQuery(
    lambda key: Session.objects.filter(session_key=key).values_list("session_data", "expire_date"),
    "str",
)


class FastReadMixin:
    def _validate_session_key(self, key):
        # Django's keys are 32 lowercase letters and digits. Anything else cannot exist, and a
        # NUL in a forged cookie would make PostgreSQL refuse the lookup (a server error).
        return super()._validate_session_key(key) and key.isascii() and key.isalnum()

    def _get_session_from_db(self):
        rows = _BY_KEY.rows(self.session_key)
        if rows and rows[0][1] > timezone.now():
            data, expire_date = rows[0]
            return self.model(
                session_key=self.session_key, session_data=data, expire_date=expire_date
            )
        self._session_key = None  # as Django's store does: a missing or expired key is dropped
        return None


class SessionStore(FastReadMixin, db.SessionStore):
    pass
