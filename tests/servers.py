"""Real app servers for the tests that need more than one process: gunicorn on a free loopback
port with the given environment, up once its health check answers, stopped with its group."""

import json
import os
import signal
import subprocess
import sys
import time
import urllib.request
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
GUNICORN = str(Path(sys.executable).with_name("gunicorn"))


def free_port() -> int:
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@contextmanager
def running(command: list[str], env: dict[str, str], health_url: str, start_seconds: int = 60):
    """A process in its own group, up once `health_url` answers 200; stopped with its group."""
    process = subprocess.Popen(
        command,
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        start_new_session=True,
    )
    try:
        deadline = time.monotonic() + start_seconds
        while True:
            try:
                with urllib.request.urlopen(health_url, timeout=2) as response:
                    if response.status == 200:
                        break
            except OSError:
                pass
            assert process.poll() is None, process.stderr.read().decode()[-2000:]
            assert time.monotonic() < deadline, f"{command[0]} did not start in {start_seconds} s"
            time.sleep(0.2)
        yield process
    finally:
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()


@contextmanager
def app_server(env: dict[str, str], start_seconds: int = 60):
    port = free_port()
    command = [
        GUNICORN, "meshlearn.wsgi", "-w", "1", "-b", f"127.0.0.1:{port}", "--no-control-socket"
    ]  # fmt: skip
    base = f"http://127.0.0.1:{port}"
    with running(command, env, base + "/healthz/", start_seconds):
        yield base


@contextmanager
def oidc_provider(setup: dict, workdir: Path):
    """The test OpenID provider (tests/oidc_provider/: django-oidc-provider) on a free loopback
    port, set up with `setup` (client and users, see serve.py); yields its issuer URL."""
    port = free_port()
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "MESHLEARN_"))}
    env = {
        **clean,
        "OIDC_TEST_PORT": str(port),
        "OIDC_TEST_DB": str(workdir / f"provider-{port}.sqlite3"),
        "OIDC_TEST_SETUP": json.dumps(setup),
    }
    issuer = f"http://127.0.0.1:{port}/openid"
    command = [sys.executable, "-m", "tests.oidc_provider.serve"]
    with running(command, env, issuer + "/.well-known/openid-configuration"):
        yield issuer
