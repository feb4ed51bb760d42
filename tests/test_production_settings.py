"""Served like production: the deploy check, TLS switches, a CSP that allows no inline script."""

import re

import pytest
from django.urls import reverse

from .conftest import run_python

pytestmark = pytest.mark.django_db

PRODUCTION = {
    "DJANGO_DEBUG": "0",
    "DJANGO_SECRET_KEY": "a-long-random-production-like-key-" + "k3Y9" * 12,
    "DJANGO_ALLOWED_HOSTS": "learn.example.org",
    "MESHLEARN_SITE_URL": "https://learn.example.org",
}


def test_check_deploy_is_clean_with_production_settings():
    result = run_python(["manage.py", "check", "--deploy", "--fail-level", "WARNING"], PRODUCTION)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_check_deploy_warns_without_the_site_url():
    without = {**PRODUCTION, "MESHLEARN_SITE_URL": ""}
    result = run_python(["manage.py", "check", "--deploy", "--fail-level", "WARNING"], without)
    assert result.returncode != 0
    assert "teams.W001" in result.stderr + result.stdout


def test_sendreminders_refuses_to_run_without_the_site_url():
    without = {**PRODUCTION, "MESHLEARN_SITE_URL": ""}
    result = run_python(["manage.py", "sendreminders", "--dry-run"], without)
    assert result.returncode != 0
    assert "MESHLEARN_SITE_URL is not set" in result.stderr


def test_tls_switches_default_on_and_can_be_turned_off_for_plain_http():
    show = (
        "import meshlearn.settings as s; print(s.SECURE_SSL_REDIRECT, s.SECURE_HSTS_SECONDS,"
        " s.SESSION_COOKIE_SECURE, s.CSRF_COOKIE_SECURE)"
    )
    on = run_python(["-c", show], PRODUCTION).stdout.split()
    assert on == ["True", str(365 * 24 * 3600), "True", "True"]
    plain = {
        **PRODUCTION,
        "DJANGO_SSL_REDIRECT": "0",
        "DJANGO_HSTS_SECONDS": "0",
        "DJANGO_SECURE_COOKIES": "0",
    }
    assert run_python(["-c", show], plain).stdout.split() == ["False", "0", "False", "False"]


def test_sessions_are_never_kept_in_a_process():
    show = "import meshlearn.settings as s; print(s.SESSION_ENGINE, s.CACHES['default']['BACKEND'])"
    plain = run_python(["-c", show], PRODUCTION).stdout.split()
    assert plain == [
        "django.contrib.sessions.backends.db",
        "django.core.cache.backends.locmem.LocMemCache",
    ]
    redis = run_python(["-c", show], {**PRODUCTION, "REDIS_URL": "redis://127.0.0.1:6379/0"}).stdout
    assert redis.split() == [
        "django.contrib.sessions.backends.cached_db",
        "django.core.cache.backends.redis.RedisCache",
    ]


def test_postgresql_prepares_statements_unless_a_pooler_needs_them_off():
    show = (
        "import meshlearn.settings as s; o = s.DATABASES['default'].get('OPTIONS', {});"
        " print(o.get('server_side_binding'), o.get('prepare_threshold'))"
    )
    postgres = {**PRODUCTION, "DATABASE_URL": "postgres://postgres@127.0.0.1:5432/test"}
    assert run_python(["-c", show], postgres).stdout.split() == ["True", "5"]
    off = {**postgres, "DJANGO_PG_PREPARED": "0"}
    assert run_python(["-c", show], off).stdout.split() == ["None", "None"]
    sqlite = {**PRODUCTION, "DATABASE_URL": "sqlite:////tmp/x.sqlite3"}
    assert run_python(["-c", show], sqlite).stdout.split() == ["None", "None"]


def test_postgresql_connections_run_without_jit_unless_asked():
    show = (
        "import meshlearn.settings as s;"
        " print(repr(s.DATABASES['default'].get('OPTIONS', {}).get('options')))"
    )
    postgres = {**PRODUCTION, "DATABASE_URL": "postgres://postgres@127.0.0.1:5432/test"}
    assert run_python(["-c", show], postgres).stdout.strip() == "'-c jit=off'"
    assert run_python(["-c", show], {**postgres, "DJANGO_PG_JIT": "1"}).stdout.strip() == "None"
    sqlite = {**PRODUCTION, "DATABASE_URL": "sqlite:////tmp/x.sqlite3"}
    assert run_python(["-c", show], sqlite).stdout.strip() == "None"


def test_https_requests_get_hsts(client):
    response = client.get("/healthz/", secure=True)
    assert "max-age=31536000" in response["Strict-Transport-Security"]


def _policy(response) -> dict[str, list[str]]:
    header = response["Content-Security-Policy"]
    directives = [part.split() for part in header.split(";") if part.strip()]
    return {name: sorted(values) for name, *values in directives}


# Same origin only, no plugins, no framing, forms post back to the site; images may be data: URIs.
POLICY = {
    "default-src": ["'self'"],
    "script-src": ["'self'"],
    "style-src": ["'self'"],
    "img-src": ["'self'", "data:"],
    "font-src": ["'self'"],
    "connect-src": ["'self'"],
    "object-src": ["'none'"],
    "base-uri": ["'self'"],
    "form-action": ["'self'"],
    "frame-ancestors": ["'none'"],
}


@pytest.mark.parametrize(
    "url",
    ["/", "/courses/mini-mesh/first/", "/accounts/login/", "/admin/login/", "/no-such-page/"],
)
def test_every_page_sends_a_csp_without_inline_script(client, mini_course, url):
    response = client.get(url)
    assert _policy(response) == POLICY
    header = response["Content-Security-Policy"]
    assert "unsafe-inline" not in header and "unsafe-eval" not in header and "*" not in header


@pytest.mark.parametrize(
    "url", ["/", "/courses/mini-mesh/first/", "/accounts/login/", "/accounts/signup/"]
)
def test_pages_have_no_inline_script_or_style_for_the_csp_to_block(client, mini_course, url):
    html = client.get(url).content.decode()
    scripts = re.findall(r"<script\b([^>]*)>", html)
    assert scripts and all("src=" in attrs for attrs in scripts)
    assert not re.search(r"<style\b", html)
    assert not re.search(r"\sstyle=", html)
    assert not re.search(r"\son[a-z]+=", html)  # no inline event handlers either


def test_htmx_is_told_not_to_inject_its_indicator_style(client):
    html = client.get("/").content.decode()
    assert """<meta name="htmx-config" content='{"includeIndicatorStyles": false}'>""" in html
    assert "django_htmx/htmx-2.min.js" in html


def test_admin_login_has_no_inline_script(client):
    html = client.get(reverse("admin:login")).content.decode()
    assert all("src=" in attrs for attrs in re.findall(r"<script\b([^>]*)>", html))


def test_the_bench_view_exists_only_when_the_bench_asks_for_it(client, settings, learner):
    assert client.get("/bench/bare/").status_code == 404
    show = "import meshlearn.settings as s; print(s.ROOT_URLCONF)"
    assert run_python(["-c", show], PRODUCTION).stdout.strip() == "meshlearn.urls"
    bench = run_python(["-c", show], {**PRODUCTION, "MESHLEARN_BENCH": "1"}).stdout.strip()
    assert bench == "meshlearn.bench_urls"
    settings.ROOT_URLCONF = bench
    assert client.get("/bench/bare/").content == b"ok\n"
    assert client.get("/bench/bare-signed-in/").content == b"ok anonymous\n"
    client.force_login(learner)
    assert client.get("/bench/bare-signed-in/").content == b"ok user\n"
    assert client.get("/healthz/").status_code == 200  # the site's URLs are all still there


def test_the_bench_page_floor_pays_the_session_user_and_csrf_token_at_the_size_asked(
    client, settings, learner
):
    settings.ROOT_URLCONF = "meshlearn.bench_urls"
    client.force_login(learner)
    response = client.get("/bench/page-floor/?bytes=5000")
    assert len(response.content) == 5000
    head = response.content.split(b"\n", 1)[0].split()
    assert head[:2] == [b"ok", b"user"]
    assert len(head[2]) == 64  # a masked CSRF token, as a page with a form carries
    assert settings.CSRF_COOKIE_NAME in response.cookies  # and the cookie renewal it costs
    # Sizes are bounded and anything else is read as 0: a bench view must not be a memory sink.
    assert client.get("/bench/page-floor/?bytes=nope").content.startswith(b"ok user ")
    assert len(client.get("/bench/page-floor/?bytes=999999999").content) == 1 << 20


def test_the_bench_write_floor_commits_a_write_that_changes_nothing(client, settings, learner):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    settings.ROOT_URLCONF = "meshlearn.bench_urls"
    assert client.get("/bench/write-floor/").status_code == 405
    assert client.post("/bench/write-floor/").status_code == 403  # signed out: nothing to write
    client.force_login(learner)
    learner.refresh_from_db()
    before = learner.last_login
    with CaptureQueriesContext(connection) as captured:
        response = client.post("/bench/write-floor/")
    assert response.content == b"ok written\n"
    assert any(q["sql"].startswith("UPDATE") for q in captured.captured_queries)
    learner.refresh_from_db()
    assert learner.last_login == before


def test_the_bench_write_floor_needs_the_csrf_token(settings, learner):
    from django.test import Client

    settings.ROOT_URLCONF = "meshlearn.bench_urls"
    strict = Client(enforce_csrf_checks=True)
    strict.force_login(learner)
    assert strict.post("/bench/write-floor/").status_code == 403


def test_collected_static_files_get_brotli_and_gzip_copies(tmp_path):
    # What `make serve` runs; WhiteNoise serves the .br copy to browsers that ask for it.
    script = (
        "import sys, django; django.setup();"
        "from django.conf import settings; settings.STATIC_ROOT = sys.argv[1];"
        "from django.core.management import call_command;"
        "call_command('collectstatic', interactive=False, verbosity=0)"
    )
    env = {**PRODUCTION, "DJANGO_SETTINGS_MODULE": "meshlearn.settings"}
    result = run_python(["-c", script, str(tmp_path)], env)
    assert result.returncode == 0, result.stderr
    css = [path.name for path in (tmp_path / "css").iterdir() if path.name.startswith("site.")]
    hashed = next(name for name in css if name.endswith(".css") and name.count(".") == 2)
    assert f"{hashed}.br" in css and f"{hashed}.gz" in css
