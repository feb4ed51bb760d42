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
