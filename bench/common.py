"""What bench/run.py (the wrk rows) and bench/classroom.py (the classroom run) both need:
loopback ports, one HTTP request, a fresh PostgreSQL database, stopping a process group."""

from __future__ import annotations

import contextlib
import http.client
import json
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.parse

HOST = "127.0.0.1"  # every server and every request of the bench stays on loopback


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind((HOST, 0))
        return sock.getsockname()[1]


def fetch(port: int, method: str, path: str, headers=None, body: str = ""):
    connection = http.client.HTTPConnection(HOST, port, timeout=30)
    try:
        connection.request(method, path, body=body or None, headers=headers or {})
        response = connection.getresponse()
        return response.status, dict(response.getheaders()), response.read()
    finally:
        connection.close()


def fresh_postgres(url: str) -> bool:
    """Drop and create the bench database, so every run starts from the same state."""
    try:
        import psycopg
    except ImportError:
        return False
    parts = urllib.parse.urlsplit(url)
    name = parts.path.lstrip("/")
    admin = parts._replace(path="/postgres").geturl()
    try:
        with psycopg.connect(admin, autocommit=True, connect_timeout=5) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
            conn.execute(f'CREATE DATABASE "{name}"')
    except psycopg.Error as error:
        print(f"  PostgreSQL not available ({error.__class__.__name__}: {error})".strip())
        return False
    return True


def group_members(pgid: int) -> list[int]:
    """The live processes of process group `pgid` (Linux /proc)."""
    members = []
    for entry in os.scandir("/proc"):
        if entry.name.isdigit():
            try:
                stat = open(f"/proc/{entry.name}/stat").read()  # noqa: SIM115
            except OSError:
                continue
            fields = stat.rpartition(")")[2].split()
            if int(fields[2]) == pgid and fields[0] != "Z":
                members.append(int(entry.name))
    return members


def stop(process: subprocess.Popen, grace: float = 15) -> None:
    """Stop a process started with start_new_session=True and everything it started (its
    process group): SIGTERM, then SIGKILL for whatever is still there after `grace` seconds."""
    with contextlib.suppress(ProcessLookupError):
        os.killpg(process.pid, signal.SIGTERM)
    deadline = time.monotonic() + grace
    while time.monotonic() < deadline:
        if process.poll() is not None and not group_members(process.pid):
            return
        time.sleep(0.2)
    with contextlib.suppress(ProcessLookupError):
        os.killpg(process.pid, signal.SIGKILL)
    process.wait()


def run_step(script: str, step: str, env: dict, cwd) -> dict | None:
    """Run `python script step` in a fresh process with `env` over this one's environment, show
    its output, and return the figures of its `RESULT {json}` line (None when it failed)."""
    result = subprocess.run(
        [sys.executable, script, step],
        cwd=cwd,
        env={**os.environ, **env},
        capture_output=True,
        text=True,
        timeout=1800,
    )
    for line in result.stdout.splitlines():
        if line.startswith("RESULT "):
            return json.loads(line[len("RESULT ") :])
        print(line, flush=True)
    print(f"  {step} failed:\n{result.stderr[-3000:]}", flush=True)
    return None


def part_database(database: str, sqlite_file, postgres_url: str) -> tuple[str, str] | None:
    """(DATABASE_URL, label) for a bench part's run on `database` ("sqlite": the file given;
    else a freshly emptied PostgreSQL), or None when PostgreSQL is not there."""
    if database == "sqlite":
        return f"sqlite:///{sqlite_file}", "SQLite"
    if fresh_postgres(postgres_url):
        return postgres_url, "PostgreSQL"
    return None
