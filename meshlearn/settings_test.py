"""Settings for the test suite: the real settings, with a throwaway key and a fast hasher."""

import os

os.environ.setdefault("DJANGO_SECRET_KEY", "tests-only-key-not-a-secret-0123456789abcdef")
os.environ.setdefault("MESHLEARN_PLAIN_STATIC", "1")  # no collectstatic manifest needed in tests

from .settings import *  # noqa: E402, F403

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]  # speed, tests only
WHITENOISE_AUTOREFRESH = True  # serve from the finders; no collectstatic run before tests
SECURE_SSL_REDIRECT = False  # the test client speaks plain HTTP; production redirects to HTTPS
# Off: tests post to /lab/check.json far more often than a minute's limit allows; the limit's
# own tests turn it on (tests/test_lab_views.py).
MESHLEARN_LAB_CHECK_PER_MINUTE = 0
MESHLEARN_PRACTICE_CHECK_PER_MINUTE = 0  # likewise (tests/test_practice_views.py turns it on)
