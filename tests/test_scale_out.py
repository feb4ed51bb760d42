"""Two app servers on one PostgreSQL: a learner whose requests alternate between them.

This is the scale-out claim of the README's "Deploying" section, tested for real: two gunicorn
processes on two loopback ports (as two hosts behind a load balancer would be), sharing only
the database (and Redis, in the second variant) and the secret key. The learner signs up and
logs in on A, opens /me/ on B, marks sections read on A and B in turn, and both servers must
report the same progress after every step. Nothing is shared through process memory.
"""

from __future__ import annotations

import http.cookiejar
import os
import re
import secrets
import socket
import subprocess
import sys
import urllib.error
import urllib.parse
import urllib.request
from contextlib import ExitStack

import pytest

from .conftest import MINI_COURSE, ROOT
from .servers import app_server

DATABASE_URL = os.environ.get("DATABASE_URL", "")
pytestmark = [
    pytest.mark.postgres,
    pytest.mark.skipif(
        not DATABASE_URL.startswith(("postgres://", "postgresql://")),
        reason="scale-out needs a database several processes share: "
        "set DATABASE_URL=postgres://... (CI's PostgreSQL run does)",
    ),
]
REDIS_URL = "redis://127.0.0.1:6379/15"


def _redis_available() -> bool:
    try:
        with socket.create_connection(("127.0.0.1", 6379), timeout=1):
            return True
    except OSError:
        return False


@pytest.fixture
def shared_database():
    """A database of its own for the servers (not pytest-django's), created and dropped here."""
    import psycopg

    name = f"meshlearn_scaleout_{os.getpid()}"
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


def _env(database_url: str, redis_url: str | None, secret: str) -> dict[str, str]:
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("DJANGO_", "MESHLEARN_")) and k != "REDIS_URL"
    }
    env.update(
        DATABASE_URL=database_url,
        DJANGO_DEBUG="0",
        DJANGO_SECRET_KEY=secret,  # the one thing every server must share besides the data
        DJANGO_ALLOWED_HOSTS="127.0.0.1",
        DJANGO_SSL_REDIRECT="0",
        DJANGO_HSTS_SECONDS="0",
        DJANGO_SECURE_COOKIES="0",  # plain HTTP on loopback: TLS ends at the proxy in production
        MESHLEARN_PLAIN_STATIC="1",  # no collectstatic manifest needed to test sessions
    )
    if redis_url:
        env["REDIS_URL"] = redis_url
    return env


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None  # let the test see each 302 itself


class Browser:
    """One learner: one cookie jar, whichever server answers (the servers share a host name)."""

    def __init__(self) -> None:
        self.jar = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(self.jar), _NoRedirect()
        )

    def cookie(self, name: str) -> str:
        return next((c.value for c in self.jar if c.name == name), "")

    def request(self, base: str, path: str, data: dict | None = None) -> tuple[int, str]:
        body = None
        if data is not None:
            body = urllib.parse.urlencode(
                {**data, "csrfmiddlewaretoken": self.cookie("csrftoken")}
            ).encode()
        try:
            with self.opener.open(base + path, data=body, timeout=10) as response:
                return response.status, response.read().decode()
        except urllib.error.HTTPError as error:  # 3xx (not followed) and 4xx/5xx
            return error.code, error.read().decode()


def _progress(html: str) -> str:
    match = re.search(r"(\d+) of (\d+) sections read", html)
    assert match, "the lesson page shows no progress"
    return match.group(0)


VARIANTS = ["database-sessions"] + (["redis-cache"] if _redis_available() else [])


@pytest.mark.parametrize("variant", VARIANTS)
def test_a_learner_alternating_between_two_servers_keeps_one_session_and_progress(
    shared_database, variant
):
    env = _env(
        shared_database, REDIS_URL if variant == "redis-cache" else None, secrets.token_urlsafe(50)
    )
    for command in (["migrate", "--no-input", "-v", "0"], ["loadcourse", str(MINI_COURSE)]):
        subprocess.run(
            [sys.executable, "manage.py", *command],
            cwd=ROOT,
            env=env,
            check=True,
            timeout=120,
            capture_output=True,
        )
    if variant == "redis-cache":
        import redis

        redis.Redis.from_url(REDIS_URL).flushdb()
    with ExitStack() as stack:
        a = stack.enter_context(app_server(env))
        b = stack.enter_context(app_server(env))
        learner = Browser()

        # Sign up on A, log out on B, log in on A: the session moves with the cookie alone.
        assert learner.request(a, "/accounts/signup/")[0] == 200
        status, _ = learner.request(
            a,
            "/accounts/signup/",
            {
                "username": "nomad",
                "password1": "a-long-pass-phrase-77",
                "password2": "a-long-pass-phrase-77",
            },
        )
        assert status == 302
        assert learner.request(b, "/accounts/logout/", {})[0] == 302
        assert learner.request(b, "/me/")[0] == 302  # logged out everywhere
        assert learner.request(a, "/accounts/login/")[0] == 200
        status, _ = learner.request(
            a, "/accounts/login/", {"username": "nomad", "password": "a-long-pass-phrase-77"}
        )
        assert status == 302
        session = learner.cookie("sessionid")
        status, me = learner.request(b, "/me/")
        assert status == 200 and "nomad" in me

        # Mark the sections read on A and B in turn; both always report the same progress.
        lesson = "/courses/mini-mesh/first/"
        for step, (server, section) in enumerate(
            [(a, "intro"), (b, "routing"), (a, "wrap-up")], start=1
        ):
            status, _ = learner.request(server, f"{lesson}{section}/read/", {})
            assert status == 302
            seen = {_progress(learner.request(s, lesson)[1]) for s in (a, b)}
            assert seen == {f"{step} of 3 sections read"}
        for server in (a, b):
            assert "Completed" in learner.request(server, "/me/")[1]
        assert learner.cookie("sessionid") == session  # one session throughout
