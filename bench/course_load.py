"""`make bench`'s course-load part (BENCH_PARTS=load): a 500-lesson course, by file and upload.

In-process, no server: for each database a fresh one, then a process that does nothing else
writes a generated course (bench/big_course.py: 500 lessons, ~3 MB of YAML) and loads it with
`loadcourse`'s code three times: into the empty database (every row created), again as it is
(nothing to write), and a variant whose every lesson's text changed (most rows updated). Then
a fresh database again, and a second process imports the same course as one file through the
admin's "Import course" page (Django's test client, as a superuser: the request body limit,
the form, the upload and the load, all of it), with its peak RSS: what a worker holds.

Each row prints wall-clock time and the process's own CPU time (time.process_time: on a shared
machine the wall clock also counts other people's work; the CPU time is ours alone), and the
queries. The load average is printed with the figures. BENCH_LOAD_LESSONS (500) sizes the
course; BENCH_LOAD_PROFILE=1 prints the first load's cProfile, by cumulative time.

Run alone: `.venv/bin/python bench/course_load.py` (BENCH_DATABASES, BENCH_POSTGRES_URL).
"""

from __future__ import annotations

import json
import os
import resource
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
LESSONS = int(os.environ.get("BENCH_LOAD_LESSONS", "500"))
PROFILE = os.environ.get("BENCH_LOAD_PROFILE", "") not in ("", "0")
LOAD_TARGET_S = 5
SETTINGS = {
    "DJANGO_SECRET_KEY": "bench-only-not-secret",
    "DJANGO_ALLOWED_HOSTS": "testserver",
    "DJANGO_SSL_REDIRECT": "0",
    "DJANGO_SECURE_COOKIES": "0",
    "MESHLEARN_PLAIN_STATIC": "1",  # no collectstatic manifest: nothing is served from files
}


def _django() -> None:
    sys.path.insert(0, str(ROOT))
    sys.path.insert(0, str(ROOT / "bench"))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "meshlearn.settings")
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)


class Timed:
    """Wall-clock and process CPU time, and the queries run, of a `with` block."""

    def __enter__(self):
        from django.db import connection

        self.queries = 0
        self._wrapper = connection.execute_wrapper(self._count)
        self._wrapper.__enter__()
        self._wall, self._cpu = time.perf_counter(), time.process_time()
        return self

    def _count(self, execute, sql, params, many, context):
        self.queries += 1
        return execute(sql, params, many, context)

    def __exit__(self, *exc):
        self.wall = time.perf_counter() - self._wall
        self.cpu = time.process_time() - self._cpu
        self._wrapper.__exit__(*exc)

    def figures(self) -> dict:
        return {"wall": self.wall, "cpu": self.cpu, "queries": self.queries}


def load_step() -> None:
    """Three loads of the course folder: created, unchanged, every lesson edited."""
    _django()
    from big_course import write_course

    from coursefiles.loading import load_course_file

    out = {}
    with tempfile.TemporaryDirectory() as tmp:
        folder = write_course(Path(tmp) / "a", LESSONS)
        edited = write_course(Path(tmp) / "b", LESSONS, variant="edited")
        out["mb"] = sum(f.stat().st_size for f in folder.glob("*.yaml")) / 1e6
        runs = (("created", folder), ("unchanged", folder), ("edited", edited))
        for label, path in runs:
            if PROFILE and label == "created":
                import cProfile
                import pstats

                profile = cProfile.Profile()
                with Timed() as timed:
                    profile.runcall(load_course_file, path)
                pstats.Stats(profile).sort_stats("cumulative").print_stats(30)
            else:
                with Timed() as timed:
                    report = load_course_file(path)
                assert label != "unchanged" or not report.changed, report.summary()
            out[label] = timed.figures()
    out["rss_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print("RESULT " + json.dumps(out), flush=True)


def admin_step() -> None:
    """The same course as one file, imported through the admin into an empty database."""
    _django()
    from big_course import write_course
    from django.contrib.auth import get_user_model
    from django.test import Client

    from lessons.models import Course

    user = get_user_model().objects.create_superuser("bench-admin", "a@example.com", "bench-pw-9")
    client = Client()
    client.force_login(user)
    client.get("/admin/lessons/course/import/")  # warm: the admin's imports and templates
    with tempfile.TemporaryDirectory() as tmp:
        path = write_course(Path(tmp), LESSONS, single_file=True)
        size = path.stat().st_size
        rss_before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        with path.open("rb") as upload, Timed() as timed:
            response = client.post("/admin/lessons/course/import/", {"file": upload})
    assert response.status_code == 302, response.content.decode()[-2000:]
    assert Course.objects.get(slug="generated").lessons.count() == LESSONS
    out = {
        "mb": size / 1e6,
        "admin": timed.figures(),
        "rss_before_mb": rss_before,
        "rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
    }
    print("RESULT " + json.dumps(out), flush=True)


def _run(step: str, url: str) -> dict | None:
    from common import run_step

    return run_step(__file__, step, {**SETTINGS, "DATABASE_URL": url}, ROOT)


def run_all(databases: list[str], postgres_url: str) -> list[dict]:
    from common import part_database

    runs = []
    with tempfile.TemporaryDirectory(prefix="meshlearn-load-") as tmp:
        for database in databases:
            for step in ("load", "admin"):
                found = part_database(database, Path(tmp) / f"{step}.sqlite3", postgres_url)
                if found is None:
                    print("  PostgreSQL: not available, no course load run", flush=True)
                    break
                url, label = found
                print(f"  course load on {label}: {step}…", flush=True)
                figures = _run(step, url)
                if figures:
                    runs.append({"label": label, "step": step, **figures})
    report(runs)
    return runs


def report(runs: list[dict]) -> None:
    print(
        f"\nCourse load, {LESSONS} lessons (in-process; target ≤ {LOAD_TARGET_S} s;"
        f" load average {', '.join(f'{x:.1f}' for x in os.getloadavg())})"
    )
    for run in runs:
        rows = ("created", "unchanged", "edited") if run["step"] == "load" else ("admin",)
        for row in rows:
            what = {
                "created": f"loadcourse, empty database ({run['mb']:.1f} MB in files)",
                "unchanged": "loadcourse again, nothing changed",
                "edited": "loadcourse, every lesson's text edited",
                "admin": f"admin import, empty database ({run['mb']:.1f} MB file)",
            }[row]
            f = run[row]
            print(
                f"  {run['label']:<10} {what:<52} {f['wall']:6.2f} s wall"
                f" {f['cpu']:6.2f} s CPU {f['queries']:6d} queries"
            )
        if run["step"] == "admin":
            print(
                f"  {run['label']:<10} admin import's process: peak RSS {run['rss_mb']:.0f} MB"
                f" ({run['rss_before_mb']:.0f} MB before the request)"
            )


if __name__ == "__main__":
    if len(sys.argv) > 1:
        {"load": load_step, "admin": admin_step}[sys.argv[1]]()
    else:
        sys.path.insert(0, str(ROOT / "bench"))
        dbs = os.environ.get("BENCH_DATABASES", "sqlite,postgres").split(",")
        pg = os.environ.get(
            "BENCH_POSTGRES_URL", "postgres://postgres@127.0.0.1:5432/meshlearn_bench"
        )
        run_all(dbs, pg)
