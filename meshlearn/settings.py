"""MeshLearn settings, read from the environment.

Defaults are for a developer's machine only when DJANGO_DEBUG is on; with debug off (the default)
a missing secret stops the process with a message instead of running insecurely.
"""

import os
from datetime import timedelta
from pathlib import Path

import dj_database_url
from csp.constants import NONE, SELF
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent


def env_bool(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


DEBUG = env_bool("DJANGO_DEBUG", default=False)

SECRET_KEY = os.environ.get("DJANGO_SECRET_KEY", "")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured(
            "DJANGO_SECRET_KEY is required when DJANGO_DEBUG is off. "
            "Set DJANGO_DEBUG=1 for local development, or export a long random DJANGO_SECRET_KEY."
        )
    # Only ever used with DEBUG on, on a developer's machine.
    SECRET_KEY = "dev-only-insecure-key-do-not-use-in-production"

ALLOWED_HOSTS = env_list("DJANGO_ALLOWED_HOSTS", "localhost,127.0.0.1,[::1]" if DEBUG else "")
CSRF_TRUSTED_ORIGINS = env_list("DJANGO_CSRF_TRUSTED_ORIGINS")
# A refused token is most often a page opened before signing in or out: the site's own page says so.
CSRF_FAILURE_VIEW = "shared.views.csrf_failure"

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "axes",
    "csp",
    "django_htmx",
    "template_partials",
    "shared",
    "calculator",
    "lessons",
    "lab",
    "practice",
    "quizzes",
    "coursefiles",
    "teams",
    "certificates",
    "accounts",
    "sso",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    # A view that cannot reach the database answers 503 with Retry-After, not 500.
    "shared.db_unavailable.DatabaseUnavailableMiddleware",
    "csp.middleware.CSPMiddleware",
    "shared.body_limit.RequestBodyLimitMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Before the sessions: a session cookie Django cannot have made is never looked up.
    "shared.session_cookie.ForgedSessionCookieMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # Signed-in pages are `private`, personal ones also `no-store`.
    "shared.private_pages.PrivatePagesMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    # Last, as django-axes asks: it turns a locked-out login into the lockout page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "meshlearn.urls"
# `make bench` adds a bare view (the throughput ceiling) through its own URLconf.
if env_bool("MESHLEARN_BENCH"):
    ROOT_URLCONF = "meshlearn.bench_urls"
WSGI_APPLICATION = "meshlearn.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]

DATABASES = {
    "default": dj_database_url.config(
        default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}",
        conn_max_age=int(os.environ.get("DJANGO_CONN_MAX_AGE", "60")),
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # Several requests at once (threads in tests, two servers on one file) wait for the lock
    # instead of failing at once with "database is locked": BEGIN IMMEDIATE takes the write lock
    # before the first read, so SQLite's busy timeout applies (a deferred transaction that reads
    # then writes cannot wait; it fails). Django's documented options:
    # https://docs.djangoproject.com/en/5.2/ref/databases/#sqlite-transaction-behavior
    # Write-ahead logging lets readers go on while one request writes, and with
    # synchronous=NORMAL a commit no longer waits for the disk twice (SQLite's recommended
    # pairing for WAL: a power cut may lose the last commits, never corrupt the file).
    # https://www.sqlite.org/wal.html
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {
            "timeout": 20,
            "transaction_mode": "IMMEDIATE",
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        }
    )

if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql" and env_bool(
    "DJANGO_PG_PREPARED", default=True
):
    # Server-side parameters let psycopg prepare a statement that a connection has run a few
    # times (psycopg's default threshold, 5): PostgreSQL then skips parsing and planning it,
    # and the signed-in pages serve 14-61 % more requests/s in `make bench`. Django leaves
    # this off because a transaction-pooling PgBouncer older than 1.21 cannot route prepared
    # statements: behind one, set DJANGO_PG_PREPARED=0.
    # https://www.psycopg.org/psycopg3/docs/advanced/prepare.html
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {"server_side_binding": True, "prepare_threshold": 5}
    )

if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql" and not env_bool(
    "DJANGO_PG_JIT", default=False
):
    # PostgreSQL compiles a query to machine code (JIT) once its estimated cost passes
    # jit_above_cost. The team dashboard's activity sort (a correlated subquery per member, 5,000
    # members) passes it: compiling took 0.33 s of the query's 0.41 s (1.3-2 s on a busy
    # machine) for 73 ms of work. The site runs short queries only, so its connections run
    # without JIT; DJANGO_PG_JIT=1 leaves the server's setting. libpq's `options` parameter:
    # https://www.postgresql.org/docs/current/jit-decision.html
    pg_options = DATABASES["default"].setdefault("OPTIONS", {})
    pg_options["options"] = f"{pg_options.get('options', '')} -c jit=off".strip()

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# django-axes first: it refuses a locked-out username+address before any password is checked.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
    # Sign-in with the company's OpenID Connect provider (sso/, docs/oidc.md); it does nothing
    # for a password sign-in, and nothing at all until MESHLEARN_OIDC_ISSUER is set.
    "sso.backends.CompanyOIDCBackend",
]
MESHLEARN_OIDC_ISSUER = os.environ.get("MESHLEARN_OIDC_ISSUER", "")
MESHLEARN_OIDC_PROVIDER_NAME = os.environ.get(
    "MESHLEARN_OIDC_PROVIDER_NAME", "your company account"
)
MESHLEARN_OIDC_ALLOWED_DOMAINS = env_list("MESHLEARN_OIDC_ALLOWED_DOMAINS")
OIDC_RP_CLIENT_ID = os.environ.get("MESHLEARN_OIDC_CLIENT_ID", "")
OIDC_RP_CLIENT_SECRET = os.environ.get("MESHLEARN_OIDC_CLIENT_SECRET", "")
if MESHLEARN_OIDC_ISSUER and not (OIDC_RP_CLIENT_ID and OIDC_RP_CLIENT_SECRET):
    raise ImproperlyConfigured(
        "MESHLEARN_OIDC_ISSUER is set: MESHLEARN_OIDC_CLIENT_ID and MESHLEARN_OIDC_CLIENT_SECRET "
        "are required too."
    )
# mozilla-django-oidc's settings. The endpoints come from the issuer's discovery document when
# a sign-in starts (sso/discovery.py), never at start-up; these blanks satisfy the library.
OIDC_OP_AUTHORIZATION_ENDPOINT = OIDC_OP_TOKEN_ENDPOINT = OIDC_OP_USER_ENDPOINT = ""
OIDC_OP_JWKS_ENDPOINT = ""
OIDC_RP_SIGN_ALGO = "RS256"
OIDC_RP_SCOPES = "openid email profile"
OIDC_USE_PKCE = True
OIDC_TIMEOUT = 5  # seconds for each call to the provider
OIDC_AUTHENTICATION_CALLBACK_URL = "sso-callback"
# Password guessing: after AXES_FAILURE_LIMIT wrong passwords for one username from one address,
# that pair is refused (even with the right password) until the cool-off has passed. Attempts
# are rows in the database, so every app server behind the load balancer sees the same count.
AXES_FAILURE_LIMIT = int(os.environ.get("MESHLEARN_LOGIN_FAILURE_LIMIT", "5"))
AXES_COOLOFF_TIME = timedelta(minutes=int(os.environ.get("MESHLEARN_LOGIN_COOLOFF_MINUTES", "15")))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
# The learner's address, for login throttling and for the rate limit (shared/rate_limit.py asks
# axes for it too): django-axes reads it with django-ipware. Without trusted proxies it is the
# socket's. Behind N of them, each appending the address it got the request from to
# X-Forwarded-For, it is the Nth entry from the right; entries further left were written by the
# client and are never used. ipware's proxy count is the entries after the client's, N - 1 (the
# last proxy is the socket), and it is not strict, so a client's extra entries do not make it
# fall back to the socket, i.e. the proxy.
# https://django-axes.readthedocs.io/en/latest/4_configuration.html (AXES_IPWARE_*) and
# https://github.com/un33k/django-ipware (proxy_count, IPWARE_STRICT)
trusted_proxies = int(os.environ.get("DJANGO_TRUSTED_PROXY_COUNT", "0"))
if trusted_proxies > 0:
    AXES_IPWARE_META_PRECEDENCE_ORDER = ["HTTP_X_FORWARDED_FOR", "REMOTE_ADDR"]
    AXES_IPWARE_PROXY_COUNT = trusted_proxies - 1
else:
    AXES_IPWARE_META_PRECEDENCE_ORDER = ["REMOTE_ADDR"]
IPWARE_STRICT = False
# The config lab's checks (the page's and /lab/check.json's, one count), open to anyone:
# requests per minute from one client address (0: no limit).
MESHLEARN_LAB_CHECK_PER_MINUTE = int(os.environ.get("MESHLEARN_LAB_CHECK_PER_MINUTE", "60"))
# Practice tasks' checks (a task page's and its check.json's, one count): the lab's figure unless
# set (docs/practice.md).
MESHLEARN_PRACTICE_CHECK_PER_MINUTE = int(
    os.environ.get("MESHLEARN_PRACTICE_CHECK_PER_MINUTE", str(MESHLEARN_LAB_CHECK_PER_MINUTE))
)

# Password-reset e-mails an hour, per address asked for and per client address (0: no limit),
# counted in the database (meshlearn/throttle.py); over either, the page answers as usual.
MESHLEARN_PASSWORD_RESETS_PER_ADDRESS = int(
    os.environ.get("MESHLEARN_PASSWORD_RESETS_PER_ADDRESS", "3")
)
MESHLEARN_PASSWORD_RESETS_PER_CLIENT = int(
    os.environ.get("MESHLEARN_PASSWORD_RESETS_PER_CLIENT", "10")
)

LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "home"

LANGUAGE_CODE = "en"
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = BASE_DIR / "staticfiles"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG or env_bool("MESHLEARN_PLAIN_STATIC")
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}

# Email: printed to the console unless an SMTP host is given (DJANGO_EMAIL_HOST and friends),
# or DJANGO_EMAIL_BACKEND names another backend.
EMAIL_HOST = os.environ.get("DJANGO_EMAIL_HOST", "")
EMAIL_PORT = int(os.environ.get("DJANGO_EMAIL_PORT", "587" if EMAIL_HOST else "25"))
EMAIL_HOST_USER = os.environ.get("DJANGO_EMAIL_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("DJANGO_EMAIL_PASSWORD", "")
EMAIL_USE_TLS = env_bool("DJANGO_EMAIL_USE_TLS", default=bool(EMAIL_HOST))
EMAIL_TIMEOUT = 30  # a hung mail server must not hang `sendreminders` for ever
EMAIL_BACKEND = os.environ.get(
    "DJANGO_EMAIL_BACKEND",
    "django.core.mail.backends.smtp.EmailBackend"
    if EMAIL_HOST
    else "django.core.mail.backends.console.EmailBackend",
)
DEFAULT_FROM_EMAIL = os.environ.get(
    "DJANGO_DEFAULT_FROM_EMAIL", os.environ.get("DEFAULT_FROM_EMAIL", "meshlearn@localhost")
)
# Links in emails are absolute: the site's public address (no request to build it from in cron).
# Without it in production, links in reminders would point at localhost: `check --deploy`
# says so (teams/checks.py).
MESHLEARN_SITE_URL = os.environ.get("MESHLEARN_SITE_URL", "") or (
    "http://127.0.0.1:8000" if DEBUG else ""
)
MESHLEARN_REMINDER_DAYS_BEFORE = int(os.environ.get("MESHLEARN_REMINDER_DAYS_BEFORE", "3"))

REDIS_URL = os.environ.get("REDIS_URL", "")
# Per-client request counts (shared/rate_limit.py) must be shared by every process, or each
# gunicorn worker would allow the limit on its own: in Redis when there is one (atomic INCR), else
# in the database (an atomic UPDATE on a RequestCount row; `migrate` creates the table).
MESHLEARN_RATE_COUNTS = "cache" if REDIS_URL else "database"
# Sessions live in the database (shared by every process and host); with Redis they are also
# cached there. Never cached in a process's own memory: another process would read it stale.
SESSION_ENGINE = (
    "django.contrib.sessions.backends.cached_db"
    if REDIS_URL
    else "django.contrib.sessions.backends.db"
)
if REDIS_URL:
    CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL}
    }
else:
    # Rendered fragments only (lesson bodies and shells, calculator results: tens of KB each),
    # so 1000 entries stay under ~40 MB a process; the least recently used go first.
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "OPTIONS": {"MAX_ENTRIES": 1000},
        }
    }
# {% cache %} uses this alias: the default cache, where an outage costs a render, never the page
# (shared/fragment_cache.py). With debug on nothing is kept, so a template edit shows at once.
CACHES["template_fragments"] = {
    "BACKEND": (
        "django.core.cache.backends.dummy.DummyCache"
        if DEBUG
        else "shared.fragment_cache.FailSoftCache"
    ),
    "LOCATION": "default",
}
# Part of every cached fragment's key: set it per deploy (e.g. to the commit), so a shared cache
# (Redis) never serves HTML drawn by the previous release's templates, code or static files.
MESHLEARN_RELEASE = os.environ.get("MESHLEARN_RELEASE", "dev")

# Production hardening switches on whenever debug is off. The defaults assume TLS ends at a
# proxy in front of gunicorn that sets X-Forwarded-Proto (overwriting any the client sent);
# `make serve` turns the TLS-only switches off for a plain-HTTP trial on loopback, and says so.
if not DEBUG:
    SESSION_COOKIE_SECURE = env_bool("DJANGO_SECURE_COOKIES", default=True)
    CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
    SECURE_SSL_REDIRECT = env_bool("DJANGO_SSL_REDIRECT", default=True)
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_HSTS_SECONDS = int(os.environ.get("DJANGO_HSTS_SECONDS", str(365 * 24 * 3600)))
    SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("DJANGO_HSTS_INCLUDE_SUBDOMAINS", default=True)
    SECURE_HSTS_PRELOAD = env_bool("DJANGO_HSTS_PRELOAD", default=True)
    # The health check answers the load balancer's plain-HTTP probe instead of redirecting it.
    SECURE_REDIRECT_EXEMPT = [r"^healthz/$"]
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
# No inline script, no inline style, nothing from other origins; django-csp sends it on every
# response (a view that sets its own header keeps it). htmx's own injected indicator <style> is
# switched off in base.html; site.css carries its rules.
# https://django-csp.readthedocs.io/en/latest/configuration.html
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    }
}

# The biggest legitimate POST is a lab config (bounded at 256 KB in the checker).
DATA_UPLOAD_MAX_MEMORY_SIZE = 512 * 1024
# Whole request bodies (shared/body_limit.py): form fields plus multipart framing, and in
# the admin one course file (course_format/yamlfile.py MAX_FILE_BYTES: 16 MB, why there) with
# its form. An upload over FILE_UPLOAD_MAX_MEMORY_SIZE (Django's 2.5 MB) is spooled to a
# temporary file, not held in memory; the load then reads it once.
MESHLEARN_MAX_BODY_BYTES = DATA_UPLOAD_MAX_MEMORY_SIZE + 64 * 1024
MESHLEARN_MAX_ADMIN_BODY_BYTES = 16 * 1024 * 1024 + DATA_UPLOAD_MAX_MEMORY_SIZE

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    # The 503 for an unreachable database is logged once, by meshlearn/db_unavailable.py.
    "filters": {"unavailable_logged": {"()": "shared.db_unavailable.SkipLoggedUnavailable"}},
    "loggers": {"django.request": {"filters": ["unavailable_logged"]}},
    "root": {"handlers": ["console"], "level": os.environ.get("DJANGO_LOG_LEVEL", "WARNING")},
}
