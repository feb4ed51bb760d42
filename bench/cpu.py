"""`make bench` part `cpu`: what each request of the classroom journey costs in CPU, by page,
for this tree and (with BENCH_BEFORE=<ref>) a tree from before, on each database.

bench/cpu_journey.py walks the journey in one process per tree and database, twice: once to
measure (CPU time and queries per request) and once under cProfile to say where the time goes
by layer (profiling slows Python down, so its times are not reported, only shares). CPU time
per request does not depend on what else the machine runs, unlike the classroom's latencies.

Environment: BENCH_CPU_LEARNERS (6: learners walking every lesson), BENCH_BEFORE, and the
databases of bench/run.py.
"""

from __future__ import annotations

import json
import os
import subprocess
import tempfile
from pathlib import Path

from classroom import Tree, before_tree, current_tree
from common import fresh_postgres

HERE = Path(__file__).resolve().parent


def measure(tree: Tree, database_url: str, out: Path, profile: bool) -> dict:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "MESHLEARN_"))}
    env.pop("REDIS_URL", None)  # each process's own memory cache, as in the classroom on one box
    env["DATABASE_URL"] = database_url
    command = [str(tree.root / ".venv/bin/python"), str(HERE / "cpu_journey.py"), str(tree.root)]
    command += [str(out)] + (["--profile"] if profile else [])
    subprocess.run(command, env=env, check=True, timeout=1800)
    return json.loads(out.read_text())


def run_all(databases: list[str], postgres_url: str) -> list[dict]:
    before_ref = os.environ.get("BENCH_BEFORE", "").strip()
    runs = []
    with tempfile.TemporaryDirectory(prefix="meshlearn-cpu-") as tmp:
        tmp_path = Path(tmp)
        trees = [before_tree(before_ref, tmp_path)] if before_ref else []
        trees.append(current_tree())
        for database in databases:
            for number, tree in enumerate(trees):
                figures = {}
                for profile in (False, True):
                    if database == "sqlite":
                        url, label = (
                            f"sqlite:///{tmp_path / f'cpu-{number}-{profile}.db'}",
                            "SQLite",
                        )
                    elif fresh_postgres(postgres_url):
                        url, label = postgres_url, "PostgreSQL"
                    else:
                        break
                    out = tmp_path / f"cpu-{database}-{number}-{profile}.json"
                    print(f"  cpu: {tree.label} on {label}{' (profiled)' * profile}", flush=True)
                    figures[profile] = measure(tree, url, out, profile)
                if figures:
                    runs.append(
                        {
                            "tree": tree.label,
                            "database": label,
                            **figures[False],
                            "layers": figures.get(True, {}).get("layers", {}),
                        }
                    )
    return runs


def report(runs: list[dict]) -> None:
    print("\n" + "=" * 96)
    print("CPU per request along the classroom journey (in process, Django's test client)")
    for run in runs:
        pages = run["pages"]
        count = sum(page["n"] for page in pages.values())
        total = sum(page["n"] * page["cpu_ms"] for page in pages.values())
        print(
            f"\n{run['database']}, {run['tree']}: {count} requests, {total / count:.2f} ms "
            f"CPU per request on average"
        )
        print(f"  {'page':<22}{'requests':>9}{'CPU ms':>9}{'queries':>9}{'share':>8}")
        for name, page in sorted(pages.items(), key=lambda item: -item[1]["n"] * item[1]["cpu_ms"]):
            share = page["n"] * page["cpu_ms"] / total
            print(
                f"  {name:<22}{page['n']:>9}{page['cpu_ms']:>9.2f}{page['queries']:>9.2f}"
                f"{share:>8.0%}"
            )
        if run["layers"]:
            print("  where the CPU goes (cProfile, own time by layer):")
            for name, share in run["layers"].items():
                if share >= 0.01:
                    print(f"    {share:>5.0%}  {name}")
