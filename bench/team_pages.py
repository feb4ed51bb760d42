"""`make bench`'s team part (BENCH_PARTS=teams): the team lead's pages at company size.

In-process, no server and no Locust: for each database, a fresh one gets two generated teams
(bench/team_data.py: 500 and 5,000 members, each on 20 courses of 10 lessons × 4 sections and
2 quizzes and 20 practice tasks, each member ~100 read marks, 8 finished attempts, 10 task
passes and 3 tasks tried). A second process, which has
done nothing else, then plays the team lead with Django's test client and prints, per page:
the median time of 5 requests after one warm-up, the queries, and at the end the process's
peak RSS (what a worker would hold). The CSV export is timed whole, then run again under
tracemalloc for its peak Python memory. A third process loads a generated 500-lesson course
file (`loadcourse`'s code) and times it.

Run alone: `.venv/bin/python bench/team_pages.py` (BENCH_DATABASES, BENCH_POSTGRES_URL).
"""

from __future__ import annotations

import json
import os
import resource
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SIZES = (500, 5000)
SETTINGS = {
    "DJANGO_SECRET_KEY": "bench-only-not-secret",
    "DJANGO_ALLOWED_HOSTS": "testserver",
    "DJANGO_SSL_REDIRECT": "0",
    "DJANGO_SECURE_COOKIES": "0",
    "MESHLEARN_PLAIN_STATIC": "1",  # no collectstatic manifest: nothing is served from files
}
RUNS = 5  # timed requests per page, after one warm-up
PAGE_TARGET_MS, EXPORT_TARGET_S, LOAD_TARGET_S, RSS_TARGET_MB = 300, 15, 5, 150


def _django() -> None:
    sys.path.insert(0, str(ROOT))
    sys.path.insert(0, str(ROOT / "bench"))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "meshlearn.settings")
    import django

    django.setup()


def seed() -> None:
    _django()
    from django.contrib.auth import get_user_model
    from django.core.management import call_command
    from team_data import Shape, build_team

    call_command("migrate", verbosity=0)
    lead = get_user_model().objects.create_user("bench-lead", password="bench-lead-passphrase")
    for size in SIZES:
        started = time.monotonic()
        build_team(Shape(members=size, prefix=f"s{size}", tasks=20), lead=lead)
        print(f"    seeded {size} members in {time.monotonic() - started:.0f} s", flush=True)
    from django.db import connection

    if connection.vendor == "postgresql":
        # What autovacuum does to a live database soon after such writes: without statistics
        # PostgreSQL guessed ~3,000 marks per member and chose bitmap scans and JIT
        # compilation (0.35 s a query): the activity sort took 3 s, the export 12 s.
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    print("RESULT {}", flush=True)


def _pages(size: int) -> list[tuple[str, str, dict]]:
    team = f"s{size}-team"
    return [
        ("dashboard", f"/teams/{team}/", {}),
        ("by completion", f"/teams/{team}/", {"sort": "completion"}),
        ("by activity", f"/teams/{team}/", {"sort": "activity"}),
        ("last page", f"/teams/{team}/", {"page": str(size // 50 + 1)}),
        ("name filter", f"/teams/{team}/", {"q": "99"}),
        ("course page", f"/teams/{team}/progress/s{size}-c3/", {}),
        ("course by activity", f"/teams/{team}/progress/s{size}-c3/", {"sort": "activity"}),
        ("member page", f"/teams/{team}/members/s{size}00042/", {}),
        ("domains page", f"/teams/{team}/domains/", {}),
        ("domains CSV", f"/teams/{team}/domains.csv", {}),
    ]


def _server_cpu() -> float | None:
    """CPU seconds used so far by the PostgreSQL backend serving this process's connection, read
    from /proc (the bench's PostgreSQL runs on this machine); None on SQLite, whose work is in
    this process's own CPU time, or when it cannot be read."""
    from django.db import connection

    if connection.vendor != "postgresql" or connection.connection is None:
        return None
    try:
        with open(f"/proc/{connection.connection.info.backend_pid}/stat") as stat:
            fields = stat.read().rsplit(")", 1)[1].split()
    except OSError:
        return None
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")  # utime + stime


def _time_page(client, path: str, params: dict) -> tuple[float, int, float, float | None]:
    """(median wall ms, queries, median CPU ms of this process, mean CPU ms of PostgreSQL's
    backend or None). Wall time depends on the machine's load; CPU time much less."""
    from django.db import connection

    queries = 0

    def count(execute, sql, params_, many, context):
        nonlocal queries
        queries += 1
        return execute(sql, params_, many, context)

    # A wrapper, not CaptureQueriesContext: each request's start clears the queries log.
    with connection.execute_wrapper(count):
        response = client.get(path, params)  # the warm-up, counted
    assert response.status_code == 200, (path, response.status_code)
    times, cpu = [], []
    server_before = _server_cpu()
    for _ in range(RUNS):
        started, started_cpu = time.perf_counter(), time.process_time()
        client.get(path, params)
        times.append(time.perf_counter() - started)
        cpu.append(time.process_time() - started_cpu)
    server_after = _server_cpu()
    server = None
    if server_before is not None and server_after is not None:  # ticks of 10 ms: a mean
        server = (server_after - server_before) / RUNS * 1000
    return statistics.median(times) * 1000, queries, statistics.median(cpu) * 1000, server


def _with_assignments(client, size: int) -> tuple[float, int, float]:
    """The dashboard once the team has two past-due assignments: a course for everyone and a
    lesson for 300 chosen members (each page's members' states, and the summary's Overdue)."""
    from datetime import timedelta

    from django.utils import timezone

    from lessons.models import Course, Lesson
    from teams.assignment_models import Assignment
    from teams.models import Team

    team = Team.objects.get(slug=f"s{size}-team")
    course = Course.objects.get(slug=f"s{size}-c3")
    past = timezone.now() - timedelta(days=1)
    made = [
        Assignment.objects.create(team=team, kind="course", course=course, due_at=past),
        Assignment.objects.create(
            team=team,
            kind="lesson",
            lesson=Lesson.objects.get(course=course, slug="l0"),
            everyone=False,
            due_at=past,
        ),
    ]
    made[1].members.set(team.memberships.values_list("user_id", flat=True)[:300])
    try:
        return _time_page(client, f"/teams/{team.slug}/", {})
    finally:
        for assignment in made:
            assignment.delete()


def _export(client, size: int) -> dict:
    import tracemalloc

    path = f"/teams/s{size}-team/export.csv"
    started, started_cpu, server = time.perf_counter(), time.process_time(), _server_cpu()
    response = client.get(path)
    size_bytes = sum(len(chunk) for chunk in response.streaming_content)
    seconds = time.perf_counter() - started
    cpu_seconds = time.process_time() - started_cpu
    server_after = _server_cpu()
    server_seconds = server_after - server if None not in (server, server_after) else None
    tracemalloc.start()
    for _chunk in client.get(path).streaming_content:
        pass
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    return {
        "seconds": seconds,
        "cpu": cpu_seconds,
        "server_cpu": server_seconds,
        "mb": size_bytes / 1e6,
        "peak_mb": peak / 1e6,
    }


def measure() -> None:
    _django()
    from django.contrib.auth import get_user_model
    from django.test import Client

    client = Client()
    client.force_login(get_user_model().objects.get(username="bench-lead"))
    out = {"load_before": os.getloadavg()}
    for size in SIZES:
        pages = {label: _time_page(client, p, q) for label, p, q in _pages(size)}
        pages["with 2 past due"] = _with_assignments(client, size)
        out[size] = {"pages": pages, "export": _export(client, size)}
    out["load_after"] = os.getloadavg()
    out["rss_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print("RESULT " + json.dumps(out), flush=True)


def course(lessons: int = 500) -> None:
    _django()
    from django.core.management import call_command
    from team_data import write_course_files

    from coursefiles.loading import load_course_file

    call_command("migrate", verbosity=0)
    with tempfile.TemporaryDirectory() as tmp:
        folder = write_course_files(Path(tmp), lessons)
        started = time.perf_counter()
        load_course_file(folder)
        first = time.perf_counter() - started
        started = time.perf_counter()
        load_course_file(folder)  # again: an update of every row
        again = time.perf_counter() - started
        size = sum(f.stat().st_size for f in folder.rglob("*.yaml"))
    print("RESULT " + json.dumps({"first": first, "again": again, "size": size}), flush=True)


def _run(step: str, env: dict) -> dict | None:
    from common import run_step

    return run_step(__file__, step, {**SETTINGS, **env}, ROOT)


def run_all(databases: list[str], postgres_url: str) -> list[dict]:
    from common import part_database

    runs = []
    with tempfile.TemporaryDirectory(prefix="meshlearn-teams-") as tmp:
        if os.environ.get("BENCH_KEEP_DIR"):  # the seeded SQLite file outlives the run
            tmp = tempfile.mkdtemp(prefix="teams-", dir=os.environ["BENCH_KEEP_DIR"])
        for database in databases:
            found = part_database(database, Path(tmp) / "teams.sqlite3", postgres_url)
            if found is None:
                print("  PostgreSQL: not available, no team pages run", flush=True)
                continue
            url, label = found
            print(f"  team pages on {label}: seeding…", flush=True)
            env = {"DATABASE_URL": url}
            _run("seed", env)
            figures = _run("measure", env)
            if figures:
                runs.append({"label": label, **figures})
        loaded = None
        if os.environ.get("BENCH_TEAMS_COURSE", "1") != "0":  # 0: the team pages only
            course_env = {"DATABASE_URL": f"sqlite:///{Path(tmp) / 'course.sqlite3'}"}
            loaded = _run("course", course_env)
    report(runs, loaded)
    return runs


def report(runs: list[dict], loaded: dict | None) -> None:
    print(
        f"\nTeam pages (in-process: median wall clock and median CPU time of this process of"
        f" {RUNS} requests, and on PostgreSQL the mean CPU time of its backend;"
        f" target ≤ {PAGE_TARGET_MS} ms, fixed queries)"
    )
    for run in runs:
        for size in SIZES:
            figures = run[str(size)]
            print(f"  {run['label']}, {size} members × 20 courses:")
            for label, (ms, queries, cpu_ms, *server) in figures["pages"].items():
                on_server = f" + PostgreSQL {server[0]:5.1f} ms" if server and server[0] else ""
                print(
                    f"    {label:<20} {ms:7.1f} ms  {queries:3d} queries"
                    f"  CPU {cpu_ms:6.1f} ms{on_server}"
                )
            export = figures["export"]
            on_server = export.get("server_cpu")
            on_server = f" + PostgreSQL {on_server:.2f} s" if on_server else ""
            print(
                f"    CSV export           {export['seconds']:7.2f} s   CPU {export['cpu']:.2f} s"
                f"{on_server}   {export['mb']:.1f} MB"
                f" streamed, peak Python memory {export['peak_mb']:.1f} MB"
                f" (target ≤ {EXPORT_TARGET_S} s)"
            )
        print(f"    the process's peak RSS: {run['rss_mb']:.0f} MB (target < {RSS_TARGET_MB} MB)")
        loads = [" / ".join(f"{x:.1f}" for x in run[k]) for k in ("load_before", "load_after")]
        print(f"    load average (1 / 5 / 15 min) before: {loads[0]}, after: {loads[1]}")
    if loaded:
        print(
            f"  500-lesson course file: loaded in {loaded['first']:.2f} s, loaded again"
            f" (every row updated) in {loaded['again']:.2f} s (target ≤ {LOAD_TARGET_S} s)"
        )


if __name__ == "__main__":
    if len(sys.argv) > 1:
        {"seed": seed, "measure": measure, "course": course}[sys.argv[1]]()
    else:
        sys.path.insert(0, str(ROOT / "bench"))
        dbs = os.environ.get("BENCH_DATABASES", "sqlite,postgres").split(",")
        pg = os.environ.get(
            "BENCH_POSTGRES_URL", "postgres://postgres@127.0.0.1:5432/meshlearn_bench"
        )
        run_all(dbs, pg)
