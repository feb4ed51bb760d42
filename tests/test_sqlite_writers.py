"""SQLite writers take turns on a lock file (meshlearn/sqlite_writers) instead of sleeping.

Each test opens its own connections to a file database in tmp_path: the suite's own SQLite
database is in memory, where one process writes and no lock file is needed.
"""

import fcntl
import os
import subprocess
import sys
import threading
import time

import pytest
from django.db import OperationalError
from django.db.utils import ConnectionHandler

from .conftest import ROOT, run_python

PRODUCTION = {
    "DJANGO_DEBUG": "0",
    "DJANGO_SECRET_KEY": "a-long-random-production-like-key-" + "w8Rt" * 12,
    "DJANGO_ALLOWED_HOSTS": "learn.example.org",
}


@pytest.fixture
def open_db(tmp_path, django_db_blocker):
    """open_db(timeout=20) -> a new connection to one file database, closed after the test."""
    path = tmp_path / "writers.sqlite3"
    opened = []

    def open_connection(timeout: float = 20):
        handler = ConnectionHandler(
            {
                "default": {
                    "ENGINE": "meshlearn.sqlite_writers",
                    "NAME": str(path),
                    "OPTIONS": {"timeout": timeout, "transaction_mode": "IMMEDIATE"},
                }
            }
        )
        connection = handler["default"]
        opened.append(connection)
        return connection

    with django_db_blocker.unblock():
        first = open_connection()
        with first.cursor() as cursor:
            cursor.execute("CREATE TABLE IF NOT EXISTS note (who TEXT)")
        yield open_connection
        for connection in opened:
            connection.close()


def begin(connection):
    connection.set_autocommit(False, force_begin_transaction_with_broken_autocommit=True)


def end(connection, *, commit: bool = True):
    connection.commit() if commit else connection.rollback()
    connection.set_autocommit(True)


def lock_is_free(path) -> bool:
    fd = os.open(path, os.O_RDWR)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        return False
    finally:
        os.close(fd)  # closing the descriptor also drops a lock it took
    return True


def test_sqlite_settings_use_the_queued_writers_backend():
    show = "import meshlearn.settings as s; print(s.DATABASES['default']['ENGINE'])"
    sqlite = {**PRODUCTION, "DATABASE_URL": "sqlite:////tmp/writers-settings.sqlite3"}
    assert run_python(["-c", show], sqlite).stdout.split() == ["meshlearn.sqlite_writers"]
    postgres = {**PRODUCTION, "DATABASE_URL": "postgres://postgres@127.0.0.1:5432/test"}
    assert run_python(["-c", show], postgres).stdout.split() == ["django.db.backends.postgresql"]


def test_a_transaction_holds_the_lock_file_until_commit_or_rollback(open_db):
    connection = open_db()
    lock_path = f"{connection.settings_dict['NAME']}-writers"
    begin(connection)
    assert not lock_is_free(lock_path)
    end(connection, commit=True)
    assert lock_is_free(lock_path)
    begin(connection)
    assert not lock_is_free(lock_path)
    end(connection, commit=False)
    assert lock_is_free(lock_path)


def test_closing_a_connection_mid_transaction_frees_the_lock(open_db):
    connection = open_db()
    begin(connection)
    lock_path = f"{connection.settings_dict['NAME']}-writers"
    connection.close()
    assert lock_is_free(lock_path)


def test_a_second_writer_waits_for_the_first_then_writes(open_db):
    first, second = open_db(), open_db()
    second.inc_thread_sharing()  # it writes from the thread below
    begin(first)
    with first.cursor() as cursor:
        cursor.execute("INSERT INTO note VALUES ('first')")
    second_began = threading.Event()

    def write_second():
        begin(second)
        second_began.set()
        with second.cursor() as cursor:
            cursor.execute("INSERT INTO note VALUES ('second')")
        end(second)

    thread = threading.Thread(target=write_second)
    thread.start()
    assert not second_began.wait(0.2), "the second writer began while the first held the lock"
    end(first)
    assert second_began.wait(5), "the second writer never began after the first committed"
    thread.join(5)
    with first.cursor() as cursor:
        cursor.execute("SELECT who FROM note ORDER BY rowid")
        assert [row[0] for row in cursor.fetchall()] == ["first", "second"]


def test_a_writer_gives_up_after_the_timeout_with_sqlites_own_error(open_db):
    holder, waiter = open_db(), open_db(timeout=0.3)
    begin(holder)
    started = time.monotonic()
    with pytest.raises(OperationalError, match="database is locked"):
        begin(waiter)
    assert time.monotonic() - started >= 0.3
    assert not waiter.in_atomic_block
    end(holder)
    begin(waiter)  # the refused writer is not left holding or waiting for anything
    end(waiter)


# One process: `count` transactions, each reading then inserting (the answer POST's shape).
WRITER = """
import sys
import django
django.setup()
from django.db.utils import ConnectionHandler
handler = ConnectionHandler({"default": {"ENGINE": "meshlearn.sqlite_writers", "NAME": sys.argv[1],
    "OPTIONS": {"timeout": 20, "transaction_mode": "IMMEDIATE"}}})
connection = handler["default"]
for n in range(int(sys.argv[3])):
    connection.set_autocommit(False, force_begin_transaction_with_broken_autocommit=True)
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM note WHERE who LIKE %s", [sys.argv[2] + "-%"])
        (count,) = cursor.fetchone()
        cursor.execute("INSERT INTO note VALUES (%s)", [f"{sys.argv[2]}-{count}"])
    connection.commit()
    connection.set_autocommit(True)
connection.close()
"""


def test_two_processes_writing_at_once_store_every_row(open_db, tmp_path):
    connection = open_db()
    path = connection.settings_dict["NAME"]
    script = tmp_path / "writer.py"
    script.write_text(WRITER)
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    env["DJANGO_SETTINGS_MODULE"] = "meshlearn.settings_test"
    writers = [
        subprocess.Popen(
            [sys.executable, str(script), path, name, "150"],
            env=env,
            stderr=subprocess.PIPE,
            text=True,
        )
        for name in ("a", "b")
    ]
    for writer in writers:
        _, errors = writer.communicate(timeout=120)
        assert writer.returncode == 0, errors
    with connection.cursor() as cursor:
        cursor.execute("SELECT who FROM note")
        stored = sorted(row[0] for row in cursor.fetchall())
    assert stored == sorted([f"a-{n}" for n in range(150)] + [f"b-{n}" for n in range(150)])
