"""Writers on one SQLite file take turns instead of failing with "database is locked".

Django's own SQLite backend with the options in settings.py: BEGIN IMMEDIATE and a busy
timeout. The suite's own SQLite database is in memory (one process), so these tests run the
real settings in fresh processes on a file database in tmp_path.
"""

import os
import sqlite3
import subprocess
import sys
from contextlib import closing

from .conftest import ROOT, run_python

PRODUCTION = {
    "DJANGO_DEBUG": "0",
    "DJANGO_SECRET_KEY": "a-long-random-production-like-key-" + "w8Rt" * 12,
    "DJANGO_ALLOWED_HOSTS": "learn.example.org",
}


def test_sqlite_uses_django_s_backend_with_immediate_transactions_and_a_busy_timeout():
    show = (
        "import meshlearn.settings as s; d = s.DATABASES['default'];"
        " print(d['ENGINE'], d['OPTIONS']['transaction_mode'], d['OPTIONS']['timeout'])"
    )
    sqlite = {**PRODUCTION, "DATABASE_URL": "sqlite:////tmp/writers-settings.sqlite3"}
    assert run_python(["-c", show], sqlite).stdout.split() == [
        "django.db.backends.sqlite3",
        "IMMEDIATE",
        "20",
    ]


# One process: `count` transactions through the ORM's atomic(), each reading then writing (the
# answer POST's shape: a read that a deferred transaction could not upgrade to a write while
# the other process writes).
WRITER = """
import sys
import django
django.setup()
from django.db import connection, transaction
for n in range(int(sys.argv[2])):
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM note WHERE who LIKE %s", [sys.argv[1] + "-%"])
        (count,) = cursor.fetchone()
        cursor.execute("INSERT INTO note VALUES (%s)", [f"{sys.argv[1]}-{count}"])
with connection.cursor() as cursor:
    cursor.execute("PRAGMA journal_mode")
    print(cursor.fetchone()[0])
"""


def test_two_processes_writing_at_once_store_every_row(tmp_path):
    database = tmp_path / "writers.sqlite3"
    script = tmp_path / "writer.py"
    script.write_text(WRITER)
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "MESHLEARN_"))}
    env.update(PRODUCTION)
    env.update(
        PYTHONPATH=str(ROOT),
        DJANGO_SETTINGS_MODULE="meshlearn.settings",
        DATABASE_URL=f"sqlite:///{database}",
    )
    with closing(sqlite3.connect(database)) as setup:
        setup.execute("CREATE TABLE note (who TEXT)")
    writers = [
        subprocess.Popen(
            [sys.executable, str(script), name, "150"],
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for name in ("a", "b")
    ]
    for writer in writers:
        out, errors = writer.communicate(timeout=120)
        assert writer.returncode == 0, errors
        assert out.split() == ["wal"]  # the init_command's write-ahead log is on
    with closing(sqlite3.connect(database)) as check:
        stored = sorted(row[0] for row in check.execute("SELECT who FROM note"))
    assert stored == sorted([f"a-{n}" for n in range(150)] + [f"b-{n}" for n in range(150)])
