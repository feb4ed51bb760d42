"""A real OpenID provider for the sign-in tests: django-oidc-provider (a maintained Django app
from PyPI) in its own process with its own SQLite file, nothing of MeshLearn's. serve.py starts
it on a loopback port; tests/servers.py's `oidc_provider` runs that."""

import os

SECRET_KEY = "oidc-provider-for-tests-only-" + os.environ.get("OIDC_TEST_PORT", "0")
DEBUG = False
ALLOWED_HOSTS = ["127.0.0.1", "localhost"]
ROOT_URLCONF = "tests.oidc_provider.urls"
SITE_URL = f"http://127.0.0.1:{os.environ.get('OIDC_TEST_PORT', '0')}"
INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "oidc_provider",
]
MIDDLEWARE = [
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
]
DATABASES = {
    "default": {"ENGINE": "django.db.backends.sqlite3", "NAME": os.environ["OIDC_TEST_DB"]}
}
TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [os.path.join(os.path.dirname(__file__), "templates")],
        "APP_DIRS": True,
        "OPTIONS": {"context_processors": ["django.template.context_processors.request"]},
    }
]
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
USE_TZ = True
LOGIN_URL = "/accounts/login/"
# Its session cookie must not meet MeshLearn's on the same host (cookies ignore the port).
SESSION_COOKIE_NAME = "provider_sessionid"
CSRF_COOKIE_NAME = "provider_csrftoken"
OIDC_USERINFO = "tests.oidc_provider.claims.userinfo"
DEFAULT_AUTO_FIELD = "django.db.models.AutoField"
