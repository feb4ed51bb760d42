"""The classroom run of `make bench`: how many learners at once the site holds, on each database.

For each database (SQLite, then PostgreSQL) and each tree (with BENCH_BEFORE=<git ref>, that ref
first, then the current tree), in one run:

1. a fresh database; bench/seed.py makes the learner accounts, each with a signed-in session;
2. `make serve` of that tree serves it: production settings, collectstatic, migrate, loadcourse,
   gunicorn with BENCH_WORKERS (2) sync workers, on a free loopback port. One change to its
   environment: MESHLEARN_LAB_CHECK_PER_MINUTE=0, since every simulated learner comes from
   127.0.0.1 and the lab's per-address limit would refuse a classroom behind one address;
3. Locust (bench/classroom_learners.py, from the bench's own venv .venv-bench), headless,
   a master and BENCH_LOCUST_WORKERS worker processes, walks the learners through the real
   journey, in steps (250, 500, 1000, … learners), each held, settled, then measured; it stops
   after the first step whose p95 is over 100 ms or that had any error;
4. meanwhile the CPU time of gunicorn, Locust, PostgreSQL and the whole machine is sampled
   each second (/proc), and with BENCH_PROFILE=1 py-spy records the gunicorn workers during
   each measured step (the report shows where the time went at the knee);
5. afterwards the database is read (seed.py classroom-rows): every read mark and every answer
   that got a 200 must be stored exactly once (an answer with the choices sent).

Environment (defaults; quick mode in brackets): BENCH_STEPS (250,500,1000,2000,3000,4000,5000
[50,100,200]), BENCH_MAX_LEARNERS (no step above it), BENCH_STEP_SECONDS measured per step
(30, or 20 with BENCH_BEFORE [10]), BENCH_SETTLE_SECONDS after a ramp (10, or 8 with
BENCH_BEFORE [5]),
BENCH_THINK_SECONDS mean think time (10), BENCH_SPAWN_SECONDS a ramp takes (5),
BENCH_LOCUST_WORKERS (2; 0 runs Locust in one process), BENCH_WORKERS gunicorn workers (2),
BENCH_BEFORE (a git ref), BENCH_PROFILE (0), BENCH_KEEP_GOING (0: stop after the first step
that misses; 1: measure every step, to see the curve), BENCH_KEEP_DIR (keep the logs and
profiles in a new folder there), BENCH_POSTGRES_URL, BENCH_DATABASES, REDIS_URL.
"""

from __future__ import annotations

import json
import os
import re
import secrets
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from common import HOST, fetch, free_port, fresh_postgres, group_members, stop

ROOT = Path(__file__).resolve().parent.parent
BENCH_BIN = ROOT / ".venv-bench" / "bin"
LEARNERS_FILE = ROOT / "bench" / "classroom_learners.py"
SEED = ROOT / "bench" / "seed.py"
P95_TARGET_MS = 100
CLOCK_TICKS = os.sysconf("SC_CLK_TCK")


def env_int(name: str, default: int) -> int:
    return int(os.environ.get(name) or default)


@dataclass
class Settings:
    steps: list[int]
    step_seconds: int
    settle_seconds: int
    think_seconds: float
    spawn_seconds: int
    locust_workers: int
    workers: int
    profile: bool
    keep_going: bool  # go on after a step that missed (to see the curve); the result is the same

    @classmethod
    def from_env(cls, quick: bool, before: str) -> Settings:
        default_steps = "50,100,200" if quick else "250,500,1000,2000,3000,4000,5000"
        steps = sorted({int(n) for n in os.environ.get("BENCH_STEPS", default_steps).split(",")})
        cap = env_int("BENCH_MAX_LEARNERS", 0)
        if cap:
            steps = [n for n in steps if n < cap] + [cap]
        return cls(
            steps=steps,
            step_seconds=env_int("BENCH_STEP_SECONDS", 10 if quick else 20 if before else 30),
            settle_seconds=env_int("BENCH_SETTLE_SECONDS", 5 if quick else 8 if before else 10),
            think_seconds=float(os.environ.get("BENCH_THINK_SECONDS") or 10),
            spawn_seconds=env_int("BENCH_SPAWN_SECONDS", 5),
            locust_workers=env_int("BENCH_LOCUST_WORKERS", 2),
            workers=env_int("BENCH_WORKERS", 2),
            profile=os.environ.get("BENCH_PROFILE", "") not in ("", "0"),
            keep_going=os.environ.get("BENCH_KEEP_GOING", "") not in ("", "0"),
        )

    def spawn_rate(self) -> float:
        """Learners started a second: the largest step-up of the run in BENCH_SPAWN_SECONDS."""
        ups = [b - a for a, b in zip([0, *self.steps], self.steps, strict=False)]
        return max(max(ups) / self.spawn_seconds, 1.0)

    def bound_seconds(self) -> float:
        """The longest a Locust run may take before it is stopped from outside."""
        per_step = self.settle_seconds + self.step_seconds + self.spawn_seconds + 30
        return len(self.steps) * per_step + 120


@dataclass
class Tree:
    label: str  # shown in the report
    tag: str  # "" for the current tree, "before <ref>" for the other
    root: Path
    notes: list[str] = field(default_factory=list)

    @property
    def python(self) -> str:
        return str(self.root / ".venv" / "bin" / "python")


def git(*args: str) -> str:
    out = subprocess.run(["git", *args], cwd=ROOT, capture_output=True, text=True, check=True)
    return out.stdout.strip()


def current_tree() -> Tree:
    head = git("rev-parse", "--short", "HEAD")
    dirty = " + uncommitted changes" if git("status", "--porcelain") else ""
    return Tree(f"current tree {head}{dirty}", "", ROOT)


def before_tree(ref: str, tmp: Path) -> Tree:
    """The tree of `ref`, extracted (git archive: no worktree is registered in the repository),
    with the same venv when its requirements.txt is the same, else a venv of its own."""
    sha = git("rev-parse", "--verify", f"{ref}^{{commit}}")
    root = tmp / "before"
    root.mkdir()
    archive = subprocess.Popen(["git", "archive", sha], cwd=ROOT, stdout=subprocess.PIPE)
    subprocess.run(["tar", "-x", "-C", str(root)], stdin=archive.stdout, check=True, timeout=120)
    if archive.wait(timeout=60):
        raise RuntimeError(f"git archive {ref} failed")
    tree = Tree(f"before: {ref} ({sha[:7]})", f"before {ref}", root)
    if (root / "requirements.txt").read_bytes() == (ROOT / "requirements.txt").read_bytes():
        (root / ".venv").symlink_to(ROOT / ".venv")
        tree.notes.append("same requirements.txt: runs in the current tree's venv")
    else:
        print(f"  {ref}: requirements.txt differs, making its own venv", flush=True)
        subprocess.run(["make", "-C", str(root), ".venv/.installed"], check=True, timeout=900)
        tree.notes.append("requirements.txt differs: runs in a venv of its own")
    return tree


# --- one run ---------------------------------------------------------------------------------


def server_env(database_url: str, tree: Tree) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "MESHLEARN_"))}
    env = {k: v for k, v in env.items() if not k.startswith(("BENCH_", "MAKE", "MFLAGS"))}
    env.update(
        {
            "DATABASE_URL": database_url,
            "DJANGO_SECRET_KEY": SECRET,
            "BENCH_APP_ROOT": str(tree.root),
            # Every simulated learner comes from 127.0.0.1: no per-address limit on lab checks.
            "MESHLEARN_LAB_CHECK_PER_MINUTE": "0",
        }
    )
    return env


SECRET = secrets.token_urlsafe(50)


def seed(tree: Tree, env: dict[str, str], *args: str) -> dict:
    out = subprocess.run(
        [tree.python, str(SEED), *args],
        cwd=tree.root,
        env=env,
        capture_output=True,
        text=True,
        timeout=900,
    )
    if out.returncode:
        raise RuntimeError(f"bench/seed.py {' '.join(args)} failed:\n{out.stderr[-3000:]}")
    return json.loads(out.stdout.strip().splitlines()[-1])


def start_server(tree: Tree, env: dict, settings: Settings, log: Path) -> tuple:
    """`make serve` of the tree on a free loopback port; (process, port) once /healthz/ answers."""
    port = free_port()
    command = ["make", "-C", str(tree.root), "--no-print-directory", "serve"]
    command += [f"HOST={HOST}", f"PORT={port}", f"WORKERS={settings.workers}"]
    with log.open("wb") as out:
        server = subprocess.Popen(
            command, env=env, stdout=out, stderr=subprocess.STDOUT, start_new_session=True
        )
    deadline = time.monotonic() + 600  # collectstatic, migrate and loadcourse come first
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise RuntimeError(f"make serve exited; its output:\n{log.read_text()[-3000:]}")
        try:
            if fetch(port, "GET", "/healthz/")[0] == 200:
                return server, port
        except OSError:
            pass
        time.sleep(0.5)
    stop(server)
    raise RuntimeError("make serve did not answer /healthz/ in 10 minutes")


def lesson_paths(port: int) -> list[str]:
    """Every lesson page of every course the home page links to, as a visitor finds them."""
    _, _, home = fetch(port, "GET", "/")
    courses = dict.fromkeys(re.findall(r'href="(/courses/[^/"#?]+/)"', home.decode()))
    lessons: list[str] = []
    for course in courses:
        _, _, page = fetch(port, "GET", course)
        found = re.findall(rf'href="({re.escape(course)}[^/"#?]+/)"', page.decode())
        lessons += [path for path in dict.fromkeys(found) if path not in lessons]
    if not lessons:
        raise RuntimeError("no lesson page found from the home page")
    return lessons


def signed_in(port: int, cookie: str, session: str) -> bool:
    status, _, body = fetch(port, "GET", "/me/", {"Cookie": f"{cookie}={session}"})
    return status == 200 and b"My progress" in body


def run_one(tree: Tree, label: str, database_url: str, settings: Settings, out: Path) -> dict:
    """One database, one tree: seed, serve, load in steps, check the database."""
    out.mkdir(parents=True)
    print(f"\n== classroom, {label}, {tree.label}", flush=True)
    print("  " + HEADER, flush=True)
    env = server_env(database_url, tree)
    learners = seed(tree, env, "classroom", str(settings.steps[-1] + settings.locust_workers))
    server, port = start_server(tree, env, settings, out / "server.log")
    load_before = os.getloadavg()[0]
    try:
        if not signed_in(port, learners["session_cookie"], learners["learners"][0][1]):
            raise RuntimeError("a seeded learner's session is not signed in on /me/")
        plan = {
            "out": str(out),
            "think_seconds": settings.think_seconds,
            "session_cookie": learners["session_cookie"],
            "learners": learners["learners"],
            "lessons": lesson_paths(port),
            "locust_workers": settings.locust_workers,
            "steps": settings.steps,
            "step_seconds": settings.step_seconds,
            "settle_seconds": settings.settle_seconds,
            "spawn_rate": settings.spawn_rate(),
            "ramp_margin_seconds": 10,
            "keep_going": settings.keep_going,
            "p95_target_ms": P95_TARGET_MS,
        }
        (out / "plan.json").write_text(json.dumps(plan))
        pg_name = urllib.parse.urlsplit(database_url).path.lstrip("/") if label != "SQLite" else ""
        sampler = run_locust(server, port, settings, out, pg_name)
    finally:
        stop(server, grace=30)
    steps = json.loads((out / "steps.json").read_text()) if (out / "steps.json").exists() else []
    for step in steps:
        if "started_at" in step:
            step["cpu"] = sampler.usage(step["started_at"], step["ended_at"])
    overall_file = out / "overall.json"
    overall = json.loads(overall_file.read_text()) if overall_file.exists() else {}
    run = {
        "tree": tree,
        "database": label,
        "steps": steps,
        "overall": overall,
        "check": check_rows(tree, env, out),
        "load": (load_before, os.getloadavg()[0]),
        "locust_warnings": locust_warnings(out),
        "profiles": sampler.profiles,
    }
    run["held"] = held(run)
    return run


def run_locust(server, port: int, settings: Settings, out: Path, database: str) -> Sampler:
    """Locust's master and workers (or one process), until the shape ends or the bound."""
    env = {"PATH": os.environ.get("PATH", ""), "HOME": os.environ.get("HOME", "/tmp")}
    env["BENCH_CLASSROOM_PLAN"] = str(out / "plan.json")
    common = ["-f", str(LEARNERS_FILE), "--stop-timeout", "20", "--loglevel", "INFO"]
    lead = [str(BENCH_BIN / "locust"), *common, "--headless", "--only-summary"]
    lead += ["--host", f"http://{HOST}:{port}", "--exit-code-on-error", "0"]
    processes = []
    workers = settings.locust_workers
    if workers:
        master_port = free_port()
        lead += ["--master", "--master-bind-host", HOST, "--master-bind-port", str(master_port)]
        lead += ["--expect-workers", str(workers), "--expect-workers-max-wait", "60"]
    processes.append(launch(lead + ["--logfile", str(out / "locust-0.log")], env, out, 0))
    for number in range(1, workers + 1):
        command = [str(BENCH_BIN / "locust"), *common, "--worker", "--master-host", HOST]
        command += [
            "--master-port",
            str(master_port),
            "--logfile",
            str(out / f"locust-{number}.log"),
        ]
        processes.append(launch(command, env, out, number))
    sampler = Sampler(server, processes, settings, out, database)
    sampler.start()
    try:
        processes[0].wait(timeout=settings.bound_seconds())
        for process in processes[1:]:
            process.wait(timeout=60)
    except subprocess.TimeoutExpired:
        print("  Locust outlasted its time bound: stopped", flush=True)
    finally:
        for process in processes:
            stop(process)
        sampler.finish()
    return sampler


def launch(command: list[str], env: dict, out: Path, number: int) -> subprocess.Popen:
    with (out / f"locust-{number}.out").open("wb") as log:
        return subprocess.Popen(
            command, cwd=out, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True
        )


def locust_warnings(out: Path) -> list[str]:
    """Locust's own word that a process of it ran out of CPU."""
    lines = []
    for log in sorted(out.glob("locust-*.log")):
        lines += [line.strip() for line in log.read_text().splitlines() if "CPU usage" in line]
    return lines[:5]


# --- CPU while it runs --------------------------------------------------------------------------


def cpu_seconds(pid: int) -> float:
    try:
        fields = open(f"/proc/{pid}/stat").read().rpartition(")")[2].split()  # noqa: SIM115
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / CLOCK_TICKS  # utime + stime


def machine_busy_seconds() -> float:
    with open("/proc/stat") as stat:
        values = [int(v) for v in stat.readline().split()[1:]]
    idle = values[3] + values[4]  # idle + iowait
    return (sum(values[:8]) - idle) / CLOCK_TICKS


def postgres_backends(database: str) -> list[int]:
    """PostgreSQL's server processes for connections to `database` (their title names it)."""
    if not database:
        return []
    pids = []
    for entry in os.scandir("/proc"):
        if entry.name.isdigit():
            try:
                title = open(f"/proc/{entry.name}/cmdline").read()  # noqa: SIM115
            except OSError:
                continue
            if title.startswith("postgres: ") and f" {database} " in title:
                pids.append(int(entry.name))
    return pids


class Sampler(threading.Thread):
    """Each second: CPU seconds used so far by the server, each Locust process, PostgreSQL and
    the machine; prints each step as Locust finishes it; with BENCH_PROFILE, starts py-spy on
    the gunicorn workers when a step's measurement begins."""

    def __init__(self, server, locusts: list, settings: Settings, out: Path, database: str):
        super().__init__(daemon=True)
        self.database = database  # PostgreSQL's database name, or ""
        self.server, self.locusts, self.settings, self.out = server, locusts, settings, out
        self.samples: list[tuple[float, dict[str, dict[int, float]]]] = []
        self.stopping = threading.Event()
        self.printed = 0
        self.profiled: set[int] = set()
        self.profiles: dict[str, dict[int, list[Path]]] = {}  # kind -> step -> files
        self.spies: list[subprocess.Popen] = []

    def run(self) -> None:
        while not self.stopping.wait(1.0):
            self.samples.append((time.time(), self.sample()))
            self.print_steps()
            if self.settings.profile:
                self.maybe_profile()

    def sample(self) -> dict[str, dict[int, float]]:
        """CPU seconds so far of each process, by role; the machine's as pid 0 of "machine"."""
        usage = {"server": {p: cpu_seconds(p) for p in group_members(self.server.pid)}}
        for number, process in enumerate(self.locusts):
            usage[f"locust-{number}"] = {p: cpu_seconds(p) for p in group_members(process.pid)}
        usage["postgres"] = {p: cpu_seconds(p) for p in postgres_backends(self.database)}
        usage["machine"] = {0: machine_busy_seconds()}
        return usage

    def usage(self, start: float, end: float) -> dict[str, float]:
        """CPU % (100 = one core) of each role between two times, from the nearest samples.
        A process that ended in between is left out (its time went with it); one that began
        counts from zero."""
        inside = [s for s in self.samples if start <= s[0] <= end]
        if len(inside) < 2:
            return {}
        (t0, first), (t1, last) = inside[0], inside[-1]
        shares = {}
        for role, pids in last.items():
            before = first.get(role, {})
            used = sum(seconds - before.get(pid, 0.0) for pid, seconds in pids.items())
            shares[role] = 100 * used / (t1 - t0)
        return shares

    def print_steps(self) -> None:
        path = self.out / "steps.json"
        try:
            steps = json.loads(path.read_text()) if path.exists() else []
        except ValueError:
            return  # being written
        for step in steps[self.printed :]:
            cpu = self.usage(step.get("started_at", 0), step.get("ended_at", 0))
            print("  " + step_line(step, cpu), flush=True)
        self.printed = len(steps)

    def maybe_profile(self) -> None:
        try:
            phase = json.loads((self.out / "phase.json").read_text())
        except (OSError, ValueError):
            return
        users = phase["users"]
        if phase["phase"] != "measure" or users in self.profiled:
            return
        self.profiled.add(users)
        seconds = max(self.settings.step_seconds - 2, 3)
        # The gunicorn workers in wall-clock time (--idle: waiting on the database counts);
        # the Locust processes that run learners in CPU time.
        targets = [("server", pid, ["--idle"]) for pid in gunicorn_workers(self.server.pid)]
        runners = self.locusts[1:] or self.locusts[:1]
        targets += [("locust", process.pid, []) for process in runners]
        for kind, pid, extra in targets:
            output = self.out / f"profile-{kind}-{users}-{pid}.txt"
            self.profiles.setdefault(kind, {}).setdefault(users, []).append(output)
            command = [str(BENCH_BIN / "py-spy"), "record", "--pid", str(pid), *extra]
            command += ["--nonblocking", "--rate", "100", "--duration", str(seconds)]
            command += ["--format", "raw", "--output", str(output)]
            self.spies.append(
                subprocess.Popen(
                    command,
                    stdout=subprocess.DEVNULL,
                    stderr=subprocess.DEVNULL,
                    start_new_session=True,
                )
            )

    def finish(self) -> None:
        self.stopping.set()
        self.join(timeout=10)
        self.samples.append((time.time(), self.sample()))
        self.print_steps()
        for spy in self.spies:
            try:
                spy.wait(timeout=self.settings.step_seconds + 30)
            except subprocess.TimeoutExpired:
                stop(spy)


def gunicorn_workers(pgid: int) -> list[int]:
    """The gunicorn processes of the server's group whose parent is a gunicorn process."""
    members = group_members(pgid)
    names = {}
    parents = {}
    for pid in members:
        try:
            names[pid] = open(f"/proc/{pid}/cmdline").read()  # noqa: SIM115
            parents[pid] = int(open(f"/proc/{pid}/stat").read().rpartition(")")[2].split()[1])  # noqa: SIM115
        except OSError:
            continue
    return [p for p in names if "gunicorn" in names[p] and "gunicorn" in names.get(parents[p], "")]


# --- the database check ---------------------------------------------------------------------


def check_rows(tree: Tree, env: dict, out: Path) -> dict:
    """Every read mark and answer Locust saw succeed, against the rows stored."""
    seen = {"marks": [], "answers": []}
    for path in out.glob("worker-*.json"):
        data = json.loads(path.read_text())
        for kind in seen:
            seen[kind] += data[kind]
    rows = seed(tree, env, "classroom-rows")
    return {kind: compare_rows(keys, rows[kind]) for kind, keys in seen.items()}


def compare_rows(keys: list[str], stored: dict[str, int]) -> dict:
    """What the load generator saw succeed (`keys`, one per 200) against the rows stored
    (`stored`: key -> row count). Good when every key was accepted once and has exactly one
    row; rows nobody saw succeed ("extra") are told, not failed: the site may store rows of its
    own accord, and a request in flight when the run stopped may have been stored unseen."""
    counted = Counter(keys)
    missing = sorted(k for k in counted if k not in stored)
    part = {
        "ok": len(keys),
        "repeated": sum(n - 1 for n in counted.values() if n > 1),
        "missing": missing[:5],
        "missing_count": len(missing),
        "duplicated": sum(1 for k in counted if stored.get(k, 0) > 1),
        "rows": sum(stored.values()),
        "extra": sum(n for k, n in stored.items() if k not in counted),
    }
    part["good"] = not (part["missing_count"] or part["duplicated"] or part["repeated"])
    return part


def held(run: dict) -> int:
    """The most learners of a measured step that held the target, if every step below it held
    too and the database check passed; else 0."""
    if not all(part["good"] for part in run["check"].values()):
        return 0
    best = 0
    for step in run["steps"]:
        if not step.get("held"):
            break
        best = step["users"]
    return best


# --- report ---------------------------------------------------------------------------------


def other_cpu(cpu: dict[str, float]) -> float:
    """CPU % of a core the machine spent on neither the server, Locust nor PostgreSQL."""
    locust = sum(v for k, v in cpu.items() if k.startswith("locust-"))
    return max(cpu["machine"] - cpu["server"] - cpu["postgres"] - locust, 0.0)


def step_line(step: dict, cpu: dict[str, float]) -> str:
    if "requests" not in step:
        return f"{step['users']:>8}  {step.get('note', 'not measured')}"
    rate = step["requests"] / step["seconds"] if step["seconds"] else 0.0
    locusts = [v for k, v in cpu.items() if k.startswith("locust-")]
    cpu_text = ""
    if cpu:
        idle = 100 * (os.cpu_count() or 1) - cpu["machine"]
        cpu_text = (
            f"{cpu['server']:>8.0f}{sum(locusts):>8.0f}{max(locusts, default=0):>6.0f}"
            f"{cpu['postgres']:>6.0f}{other_cpu(cpu):>7.0f}{max(idle, 0):>6.0f}"
        )
    verdict = "yes" if step["held"] else "NO"
    running = step.get("running", step["users"])
    short = f"  (Locust reported {running} running)" if running < step["users"] else ""
    return (
        f"{step['users']:>8}{rate:>8.0f}{step['p50']:>7.0f}{step['p95']:>7.0f}{step['p99']:>7.0f}"
        f"{step['failures']:>8}{verdict:>6}{cpu_text}{short}"
    )


HEADER = (
    f"{'learners':>8}{'req/s':>8}{'p50':>7}{'p95':>7}{'p99':>7}{'errors':>8}{'held':>6}"
    f"{'server':>8}{'Locust':>8}{'(max)':>6}{'PG':>6}{'other':>7}{'idle':>6}"
)


def report(runs: list[dict]) -> None:
    if not runs:
        return
    settings = runs[0]["settings"]
    print("\n" + "=" * 96)
    lines = [
        "Classroom: simulated learners walk /me/, a lesson, read marks, the calculator, the lab,",
        f"the lesson's quiz and its result, with a think time before every step (exponential, "
        f"mean {settings.think_seconds:g} s).",
        f"Each step of learners is reached in ~{settings.spawn_seconds} s, settled "
        f"{settings.settle_seconds} s, measured {settings.step_seconds} s; held = p95 <= "
        f"{P95_TARGET_MS} ms and no error.",
        f"Server: `make serve` (production settings, gunicorn {settings.workers} sync workers). "
        f"Load: Locust {describe_locust(settings)}.",
        f"Times in ms. CPU in % of one core ({os.cpu_count()} cores): server = gunicorn; Locust = "
        "all its processes (max: the busiest one);",
        "PG = PostgreSQL's processes for the bench database; other = the rest of the machine "
        "(other users included); idle = unused.",
    ]
    print("\n".join(lines))
    for database in dict.fromkeys(run["database"] for run in runs):
        block = [run for run in runs if run["database"] == database]
        for run in block:
            print_run(run)
        for run in block:
            tag = f" {run['tree'].tag}" if run["tree"].tag else ""
            print(
                f"classroom {database}{tag}: {run['held']} learners held at p95 <= "
                f"{P95_TARGET_MS} ms"
            )


def describe_locust(settings: Settings) -> str:
    if settings.locust_workers:
        return f"FastHttpUser, a master and {settings.locust_workers} worker processes"
    return "FastHttpUser, one process"


def print_run(run: dict) -> None:
    load = run["load"]
    print(
        f"\n{run['database']} — {run['tree'].label} (load average {load[0]:.2f} at start, "
        f"{load[1]:.2f} at end)"
    )
    for note in run["tree"].notes:
        print(f"  ({note})")
    print("  " + HEADER)
    for step in run["steps"]:
        print("  " + step_line(step, step.get("cpu", {})))
    overall = run["overall"]
    if overall:
        times = f"p50 {overall['p50']:.0f} / p95 {overall['p95']:.0f} / p99 {overall['p99']:.0f} ms"
        print(
            f"  whole run (ramps included): {overall['requests']} requests, {times}, "
            f"{overall['failures']} errors"
        )
    measured = [step for step in run["steps"] if "pages" in step]
    if measured:
        last = measured[-1]
        pages = sorted(last["pages"].items(), key=lambda item: -item[1]["p95"])
        print(f"  each page at {last['users']} learners (p50 / p95 / p99 ms, requests):")
        for name, page in pages:
            if page["requests"]:
                failed = f", {page['failures']} failed" if page["failures"] else ""
                print(
                    f"    {name:<40}{page['p50']:>6.0f}{page['p95']:>6.0f}{page['p99']:>6.0f}"
                    f"{page['requests']:>8}{failed}"
                )
    if measured and measured[-1].get("cpu"):
        # A learner's own pace: the fastest per learner of the steps (queueing slows the rest).
        pace = max(step["requests"] / step["seconds"] / step["users"] for step in measured)
        print_cpu_cost(measured[-1], pace)
    shared = [step for step in measured if step.get("cpu") and other_cpu(step["cpu"]) > 25]
    if shared:
        worst = max(other_cpu(step["cpu"]) for step in shared)
        print(
            f"  THE MACHINE WAS SHARED: other processes used up to {worst:.0f}% of a core during "
            f"{len(shared)} of {len(measured)} measured steps; these figures are the site's on a "
            "busy machine, not its own limit"
        )
    errors = (overall or {}).get("errors") or {}
    for error, count in sorted(errors.items(), key=lambda item: -item[1])[:8]:
        print(f"  error x{count}: {error}")
    for warning in run["locust_warnings"]:
        print(f"  Locust: {warning}")
    print_check(run["check"])
    knee = next((s for s in run["steps"] if not s.get("held")), measured[-1] if measured else None)
    if knee and run["profiles"].get("server", {}).get(knee["users"]):
        print_profile(knee["users"], run["profiles"]["server"][knee["users"]], run["tree"].root)
        print_locust_profile(
            knee["users"], run["profiles"].get("locust", {}).get(knee["users"], [])
        )
    if not all(part["good"] for part in run["check"].values()):
        print("  THE DATABASE CHECK FAILED: no step counts as held")


def print_cpu_cost(step: dict, pace: float) -> None:
    """CPU time per request at a step, and what the cores could carry at that cost alone, with
    each learner sending `pace` requests a second: an estimate that does not depend on what
    else the machine was running (latency aside)."""
    cpu, rate = step["cpu"], step["requests"] / step["seconds"]
    if not rate:
        return
    locust = sum(v for k, v in cpu.items() if k.startswith("locust-"))
    per_request = {
        "server": 10 * cpu["server"] / rate,  # % of a core / (req/s) * 10 = ms per request
        "Locust": 10 * locust / rate,
        "PostgreSQL": 10 * cpu["postgres"] / rate,
    }
    total = sum(per_request.values())
    ceiling = 1000 * (os.cpu_count() or 1) / total if total else 0
    learners = ceiling / pace
    costs = ", ".join(f"{k} {v:.2f}" for k, v in per_request.items())
    print(
        f"  CPU per request at {step['users']} learners: {costs} ms (PostgreSQL: its processes for"
        f" our database); at that cost alone the {os.cpu_count()} cores would carry at most"
        f" ~{ceiling:.0f} req/s, ~{learners:.0f} learners at one request per"
        f" {1 / pace:.1f} s each, before any waiting"
    )


def print_check(check: dict) -> None:
    marks, answers = check["marks"], check["answers"]
    for name, part, extra_why in (
        ("read marks", marks, "a finished quiz marks its sections read; or in flight at the stop"),
        ("answers", answers, "in flight when the run stopped"),
    ):
        line = f"  database: {part['ok']} {name} got a 200: "
        line += "each stored exactly once" if part["good"] else "NOT each stored exactly once"
        if name == "answers" and part["good"]:
            line += ", with the choices sent"
        if part["missing_count"]:
            line += f"; {part['missing_count']} missing, e.g. {part['missing'][:2]}"
        if part["duplicated"]:
            line += f"; {part['duplicated']} stored more than once"
        if part["repeated"]:
            line += f"; {part['repeated']} accepted twice"
        if part["extra"]:
            line += f" ({part['extra']} more rows: {extra_why})"
        print(line)


# --- profiles -------------------------------------------------------------------------------


def read_profiles(paths: list[Path]) -> Counter[str]:
    """py-spy's raw output: one line per distinct stack, 'frame;frame;… count'."""
    stacks: Counter[str] = Counter()
    for path in paths:
        if path.exists():
            for line in path.read_text().splitlines():
                stack, _, count = line.rpartition(" ")
                if stack and count.isdigit():
                    stacks[stack] += int(count)
    return stacks


def print_profile(users: int, paths: list[Path], root: Path) -> None:
    """Where the gunicorn workers' time went during the step at `users` (py-spy, wall clock:
    time waiting on the database counts where it was spent)."""
    stacks = read_profiles(paths)
    total = sum(stacks.values())
    if not total:
        return
    busy = {s: n for s, n in stacks.items() if "SyncWorker.wait (" not in s}
    busy_total = sum(busy.values()) or 1
    print(
        f"  where the gunicorn workers' time went at {users} learners (py-spy, {total} samples): "
        f"{100 * (total - busy_total) / total:.0f}% waiting for a request, "
        f"{100 * busy_total / total:.0f}% serving one; of the serving time:"
    )
    apps = {d.name for d in root.iterdir() if (d / "__init__.py").exists()}
    for title, shares in (
        ("by view (the site's first frame under Django's handler)", view_shares(busy, apps)),
        ("by what ran on top (package)", package_shares(busy)),
        ("the site's own functions, callees included", app_shares(busy, apps)),
    ):
        print(f"    {title}:")
        for name, count in shares[:10]:
            print(f"      {100 * count / busy_total:5.1f}%  {name}")


def print_locust_profile(users: int, paths: list[Path]) -> None:
    """Where the Locust processes' CPU went: the learners' own code (reading pages) or Locust."""
    sampled = read_profiles(paths)
    # gevent's hub waiting in its event loop, and idle helper threads, are not work.
    idle = ("Hub.run (", "acquire_with_timeout (", "_Condition.wait (")
    stacks = {s: n for s, n in sampled.items() if not s.split(";")[-1].startswith(idle)}
    total = sum(stacks.values())
    if not total:
        return
    print(
        f"  where Locust's CPU went at {users} learners (py-spy, {total} busy samples of "
        f"{sum(sampled.values())}):"
    )
    mine = Counter()
    for stack, count in stacks.items():
        names = {frame_parts(f)[0] for f in stack.split(";") if "classroom_learners.py" in f}
        for name in names:
            mine[name] += count
    for name, count in package_shares(stacks)[:6]:
        print(f"      {100 * count / total:5.1f}%  on top: {name}")
    for name, count in mine.most_common(6):
        print(f"      {100 * count / total:5.1f}%  under the learners' {name}")


def frame_parts(frame: str) -> tuple[str, str]:
    """('function', 'path/of/file.py') of a py-spy frame 'function (path/of/file.py:line)'."""
    name, _, where = frame.partition(" (")
    return name, where.rstrip(")").rpartition(":")[0]


def view_shares(stacks: dict[str, int], apps: set[str]) -> list[tuple[str, int]]:
    shares: Counter[str] = Counter()
    for stack, count in stacks.items():
        frames = stack.split(";")
        start = next(
            (i for i, f in enumerate(frames) if f.startswith("BaseHandler._get_response")), None
        )
        view = "middleware, sessions and the framework around the views"
        if start is not None:
            for frame in frames[start + 1 :]:
                name, path = frame_parts(frame)
                if path.split("/", 1)[0] in apps:
                    view = f"{name} ({path})"
                    break
        shares[view] += count
    return shares.most_common()


def package_shares(stacks: dict[str, int]) -> list[tuple[str, int]]:
    shares: Counter[str] = Counter()
    for stack, count in stacks.items():
        _, path = frame_parts(stack.split(";")[-1])
        parts = path.strip("/").split("/")
        area = "/".join(parts[:2]) if parts[0] == "django" and len(parts) > 2 else parts[0]
        shares[area or "?"] += count
    return shares.most_common()


def app_shares(stacks: dict[str, int], apps: set[str]) -> list[tuple[str, int]]:
    """The site's functions under the view (middleware, which wraps every request, left out)."""
    shares: Counter[str] = Counter()
    for stack, count in stacks.items():
        frames = stack.split(";")
        start = next(
            (i for i, f in enumerate(frames) if f.startswith("BaseHandler._get_response")), -1
        )
        names = set()
        for frame in frames[start + 1 :]:
            name, path = frame_parts(frame)
            if path.split("/", 1)[0] in apps:
                names.add(f"{name} ({path})")
        for name in names:
            shares[name] += count
    return shares.most_common()


# --- all runs -------------------------------------------------------------------------------


def run_all(databases: list[str], postgres_url: str, quick: bool) -> list[dict]:
    before_ref = os.environ.get("BENCH_BEFORE", "").strip()
    settings = Settings.from_env(quick, before_ref)
    if not (BENCH_BIN / "locust").exists():
        print("the classroom run needs .venv-bench (made by `make bench`)", file=sys.stderr)
        return []
    runs = []
    keep = os.environ.get("BENCH_KEEP_DIR", "")  # Locust's logs, the profiles: kept there
    with tempfile.TemporaryDirectory(prefix="meshlearn-classroom-", dir=keep or None) as tmp:
        tmp_path = Path(tmp)
        if keep:
            tmp_path = Path(tempfile.mkdtemp(prefix="run-", dir=keep))
        trees = [before_tree(before_ref, tmp_path)] if before_ref else []
        trees.append(current_tree())
        for database in databases:
            for number, tree in enumerate(trees):
                out = tmp_path / f"{database}-{number}"
                if database == "sqlite":
                    url = f"sqlite:///{tmp_path / f'classroom-{number}.sqlite3'}"
                    label = "SQLite"
                else:
                    if not fresh_postgres(postgres_url):
                        print("  PostgreSQL: not available, no classroom run", flush=True)
                        continue
                    url, label = postgres_url, "PostgreSQL"
                try:
                    run = run_one(tree, label, url, settings, out)
                except (RuntimeError, subprocess.SubprocessError) as error:
                    print(f"  the classroom run failed: {error}", flush=True)
                    continue
                run["settings"] = settings
                runs.append(run)
    return runs


if __name__ == "__main__":
    # `python bench/classroom.py`: the classroom run alone (make bench runs it after the wrk rows).
    quick_mode = os.environ.get("BENCH_QUICK", "") not in ("", "0")
    dbs = os.environ.get("BENCH_DATABASES", "sqlite,postgres").split(",")
    pg = os.environ.get("BENCH_POSTGRES_URL", "postgres://postgres@127.0.0.1:5432/meshlearn_bench")
    report(run_all(dbs, pg, quick_mode))
