import os
import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import settings

from coursefiles.loading import load_course_file

# Speed is never judged by a test (the classroom bench does that): Hypothesis's per-example
# deadline failed CI on a loaded machine (a first request at 320 ms), so every property test
# runs without one.
settings.register_profile("meshlearn", deadline=None)
settings.load_profile("meshlearn")

ROOT = Path(__file__).resolve().parent.parent
MINI_COURSE = ROOT / "tests" / "fixtures" / "mini-course"
SHIPPED_COURSE = ROOT / "content" / "istio-service-mesh"


def run_python(args: list[str], env: dict) -> subprocess.CompletedProcess:
    """Python in a fresh process, with only `env` for our settings (none inherited)."""
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "MESHLEARN_"))}
    return subprocess.run(
        [sys.executable, *args],
        cwd=ROOT,
        env={**clean, **env},
        capture_output=True,
        text=True,
        timeout=120,
    )


@pytest.fixture
def mini_course(db):
    """A small course of two lessons (4 sections, 1 example) and two quizzes."""
    return load_course_file(MINI_COURSE).course


@pytest.fixture
def shipped_course(db):
    return load_course_file(SHIPPED_COURSE).course


@pytest.fixture
def learner(django_user_model):
    return django_user_model.objects.create_user("ada", "ada@example.com", "correct-horse-9")


@pytest.fixture
def other_learner(django_user_model):
    return django_user_model.objects.create_user("bob", "bob@example.com", "correct-horse-9")


@pytest.fixture
def learner_client(client, learner):
    client.force_login(learner)
    return client


# --- the test OpenID provider (tests/oidc_provider/), one process for the whole run ----------

OIDC_CLIENT = {"client_id": "meshlearn-tests", "client_secret": "tests-only-client-secret"}
OIDC_PASSWORD = "provider-pw-9"
OIDC_USERS = [
    {"username": "alice", "email": "alice@example.com", "first_name": "Alice"},
    {"username": "newbie", "email": "newbie@example.com", "last_name": "Newman"},
    {"username": "mallory", "email": "ada@example.com", "verified": False},
    {"username": "eve", "email": "eve@elsewhere.org"},
]


@pytest.fixture(scope="session")
def oidc_callback_urls() -> list[str]:
    """Where the provider may send people back: the test client's host (the browser tests
    add their live server's)."""
    return ["http://testserver/sso/callback/"]


@pytest.fixture(scope="session")
def oidc_issuer(tmp_path_factory, oidc_callback_urls):
    from tests.servers import oidc_provider

    users = [{**user, "password": OIDC_PASSWORD} for user in OIDC_USERS]
    setup = {**OIDC_CLIENT, "redirect_uris": oidc_callback_urls, "users": users}
    with oidc_provider(setup, tmp_path_factory.mktemp("oidc")) as issuer:
        yield issuer


@pytest.fixture
def oidc_settings(settings, oidc_issuer):
    """MeshLearn configured for the test provider, admitting example.com addresses."""
    settings.MESHLEARN_OIDC_ISSUER = oidc_issuer
    settings.MESHLEARN_OIDC_PROVIDER_NAME = "Example SSO"
    settings.MESHLEARN_OIDC_ALLOWED_DOMAINS = ["example.com"]
    settings.OIDC_RP_CLIENT_ID = OIDC_CLIENT["client_id"]
    settings.OIDC_RP_CLIENT_SECRET = OIDC_CLIENT["client_secret"]
    return settings
