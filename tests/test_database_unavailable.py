"""An unreachable database is a 503 with Retry-After and one log line, not a 500 and a traceback.

Tested for real: an app server (gunicorn, production settings) pointed at a PostgreSQL port where
nothing listens, and at an SQLite file in a folder that does not exist.
"""

from __future__ import annotations

import os
import re
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from contextlib import contextmanager
from pathlib import Path

import pytest
from django.db import OperationalError, connection
from django.test import RequestFactory

from shared.db_unavailable import DatabaseUnavailableMiddleware

from .conftest import ROOT

GUNICORN = str(Path(sys.executable).with_name("gunicorn"))


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@contextmanager
def app_server(database_url: str, log_path: Path):
    port = _free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "MESHLEARN_"))}
    env.update(
        DATABASE_URL=database_url,
        DJANGO_DEBUG="0",
        DJANGO_SECRET_KEY="tests-only-key-not-a-secret-0123456789abcdef",
        DJANGO_ALLOWED_HOSTS="127.0.0.1",
        DJANGO_SSL_REDIRECT="0",
        DJANGO_SECURE_COOKIES="0",
        MESHLEARN_PLAIN_STATIC="1",
    )
    env.pop("REDIS_URL", None)
    with log_path.open("w") as log:
        process = subprocess.Popen(
            [GUNICORN, "meshlearn.wsgi", "-w", "1", "-b", f"127.0.0.1:{port}"],
            cwd=ROOT,
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=log,
            start_new_session=True,
        )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 30
        while True:  # up once it answers anything (its health check says 503 here)
            try:
                with socket.create_connection(("127.0.0.1", port), timeout=1):
                    break
            except OSError:
                assert process.poll() is None, log_path.read_text()[-2000:]
                assert time.monotonic() < deadline, "the app server did not start within 30 s"
                time.sleep(0.2)
        yield base
    finally:
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()


def fetch(url: str) -> tuple[int, dict[str, str], str]:
    try:
        with urllib.request.urlopen(url, timeout=20) as response:
            return response.status, dict(response.headers), response.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, dict(error.headers), error.read().decode()


@pytest.mark.parametrize(
    "database_url",
    [
        f"postgres://postgres@127.0.0.1:{_free_port()}/meshlearn",  # nothing listens there
        "sqlite:////nonexistent-meshlearn-folder/db.sqlite3",
    ],
    ids=["postgresql-port-closed", "sqlite-folder-missing"],
)
def test_pages_answer_503_with_retry_after_and_log_one_line(database_url, tmp_path):
    log_path = tmp_path / "server.log"
    pages = ["/", "/courses/istio-service-mesh/", "/quizzes/mesh-basics/"]
    with app_server(database_url, log_path) as base:
        answers = {path: fetch(base + path) for path in pages}
    for path, (status, headers, html) in answers.items():
        assert status == 503, (path, status, html[:300])
        assert int(headers["Retry-After"]) > 0
        assert "Back in a moment" in html and "Your progress is safe" in html
        assert not re.search(r"<script(?![^>]*\bsrc=)|<style|\sstyle=", html)  # the CSP allows none
    log = log_path.read_text()
    assert "Traceback" not in log, log[-3000:]
    # One line a request: this one, not also django.request's "Service Unavailable: /path".
    assert not re.search(r"^(Service Unavailable|Internal Server Error):", log, re.M), log
    lines = [line for line in log.splitlines() if line.startswith("Database unavailable")]
    assert [line.split()[5] for line in lines] == pages, lines  # "... answered 503: GET <path>"


@pytest.mark.django_db
def test_an_error_on_a_working_connection_is_left_to_the_500_page():
    """A failed query on a connection that still works is a bug: no 503 hides it."""
    connection.ensure_connection()
    middleware = DatabaseUnavailableMiddleware(lambda request: None)
    request = RequestFactory().get("/")
    assert middleware.process_exception(request, OperationalError("no such table: x")) is None
    assert middleware.process_exception(request, ValueError("not a database error")) is None
