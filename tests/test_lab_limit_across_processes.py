"""The config lab's limit per client is one count for every process that shares the database.

Two gunicorn processes on two loopback ports (as two workers, or two hosts, would be) share
only the database: SQLite in a file always, and PostgreSQL too when DATABASE_URL names one.
A client's checks, sent to both at once and mixed between the page and /lab/check.json, are
allowed exactly MESHLEARN_LAB_CHECK_PER_MINUTE times a minute in all; a count per process
would allow twice as many.
"""

from __future__ import annotations

import http.cookiejar
import os
import re
import secrets
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from contextlib import ExitStack

import pytest

from .conftest import ROOT
from .servers import app_server

DATABASE_URL = os.environ.get("DATABASE_URL", "")
LIMIT = 6
CONFIG = "apiVersion: networking.istio.io/v1\nkind: Gateway\nmetadata: {name: g}\nspec: {}\n"


@pytest.fixture
def sqlite_database(tmp_path):
    return f"sqlite:///{tmp_path / 'shared.sqlite3'}"


@pytest.fixture
def postgres_database():
    if not DATABASE_URL.startswith(("postgres://", "postgresql://")):
        pytest.skip("set DATABASE_URL=postgres://... to run it on PostgreSQL too")
    import psycopg

    name = f"meshlearn_labguard_{os.getpid()}"
    parts = urllib.parse.urlsplit(DATABASE_URL)
    admin_url = parts._replace(path="/postgres").geturl()
    with psycopg.connect(admin_url, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"')
    try:
        yield parts._replace(path=f"/{name}").geturl()
    finally:
        with psycopg.connect(admin_url, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def _env(database_url: str) -> dict[str, str]:
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("DJANGO_", "MESHLEARN_")) and k != "REDIS_URL"
    }
    env.update(
        DATABASE_URL=database_url,
        DJANGO_DEBUG="0",
        DJANGO_SECRET_KEY=secrets.token_urlsafe(50),
        DJANGO_ALLOWED_HOSTS="127.0.0.1",
        DJANGO_SSL_REDIRECT="0",
        DJANGO_HSTS_SECONDS="0",
        DJANGO_SECURE_COOKIES="0",  # plain HTTP on loopback
        MESHLEARN_PLAIN_STATIC="1",
        MESHLEARN_LAB_CHECK_PER_MINUTE=str(LIMIT),
    )
    return env


def _post(url: str, data: dict, opener=None) -> int:
    body = urllib.parse.urlencode(data).encode()
    try:
        with (opener or urllib.request.build_opener()).open(url, data=body, timeout=30) as answer:
            return answer.status
    except urllib.error.HTTPError as error:
        return error.code


def _page_check(base: str) -> int:
    """A check from the lab page itself: open it for the CSRF token, then post the form."""
    jar = http.cookiejar.CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
    with opener.open(base + "/lab/", timeout=30) as page:
        html = page.read().decode()
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html).group(1)
    form = {"csrfmiddlewaretoken": token, "config": CONFIG, "host": ""}
    return _post(base + "/lab/", form, opener)


def _wait_for_a_fresh_minute() -> None:
    """The counts are per calendar minute: start early in one, so the checks all fall in it."""
    into = time.time() % 60
    if into > 30:
        time.sleep(60 - into + 0.5)


@pytest.mark.parametrize("database", ["sqlite_database", "postgres_database"])
def test_two_server_processes_count_one_client_together(database, request):
    env = _env(request.getfixturevalue(database))
    subprocess.run(
        [sys.executable, "manage.py", "migrate", "--no-input", "-v", "0"],
        cwd=ROOT,
        env=env,
        check=True,
        timeout=300,
        capture_output=True,
    )
    with ExitStack() as stack:
        a = stack.enter_context(app_server(env))
        b = stack.enter_context(app_server(env))
        _wait_for_a_fresh_minute()
        assert _page_check(a) == 200  # the page's checks count too (GETs do not)
        assert _page_check(b) == 200
        # Twelve checks at once, half to each process: LIMIT - 2 more are allowed in all.
        targets = [f"{base}/lab/check.json" for base in (a, b) * 6]
        with ThreadPoolExecutor(max_workers=len(targets)) as pool:
            statuses = list(pool.map(lambda url: _post(url, {"config": CONFIG}), targets))
        assert sorted(statuses) == [200] * (LIMIT - 2) + [429] * (12 - LIMIT + 2)
        assert _post(a + "/lab/check.json", {"config": CONFIG}) == 429
        assert _page_check(b) == 429
        with urllib.request.urlopen(b + "/lab/", timeout=30) as page:  # opening it still works
            assert page.status == 200
