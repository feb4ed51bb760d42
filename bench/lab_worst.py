"""How long the config lab's checker takes on the costliest pastes we know (not a test).

    .venv/bin/python bench/lab_worst.py                 # this checkout, every shape at 256 KB
    .venv/bin/python bench/lab_worst.py --code /tmp/old # another checkout's checker, same shapes
    .venv/bin/python bench/lab_worst.py --size 64 many_subsets

Each shape (tests/istio_worst_shapes.py) is checked in a child process, the way the lab checks a
paste: `check_config(text, request)` (the problems, then the trace of the shape's sample
request). A child still busy after --timeout seconds is stopped and shown as "> N s". Printed:
wall-clock and CPU seconds in-process (parsing included, the web page's rendering not), the
number of problems, and, where the checker has a work budget, its steps and whether it stopped
early (partial). The shapes come from this checkout whichever --code is measured, so old and
new code are timed on the same texts.
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def _shapes():
    spec = importlib.util.spec_from_file_location(
        "istio_worst_shapes", ROOT / "tests" / "istio_worst_shapes.py"
    )
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up while it loads
    spec.loader.exec_module(module)
    return module


def measure_one(name: str, size: int) -> dict:
    """In the child: check one shape once and say how it went."""
    from istio_checker import Request
    from istio_checker.lab import check_config

    shape = _shapes().SHAPES[name](size)
    request = Request(host=shape.host, path=shape.path, headers=shape.headers)
    wall, cpu = time.perf_counter(), time.process_time()
    result = check_config(shape.text, request)
    wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
    return {
        "seconds": round(wall, 3),
        "cpu": round(cpu, 3),
        "bytes": len(shape.text.encode()),
        "problems": len(result.problems),
        "traced": result.decision is not None,
        "steps": getattr(result, "steps", None),
        "partial": getattr(result, "partial", None),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("shapes", nargs="*", help="shape names (default: all)")
    parser.add_argument("--code", default=str(ROOT), help="checkout whose checker to time")
    parser.add_argument("--size", type=int, default=256, help="KB per shape (max 256)")
    parser.add_argument("--timeout", type=float, default=120.0, help="seconds per shape")
    parser.add_argument("--one", help=argparse.SUPPRESS)  # the child's own call
    args = parser.parse_args()
    if args.one:
        sys.path.insert(0, args.code)
        print(json.dumps(measure_one(args.one, args.size * 1024)))
        return
    names = args.shapes or list(_shapes().SHAPES)
    print(f"checker: {args.code}  size: {args.size} KB  timeout: {args.timeout:g} s", flush=True)
    print(f"{'shape':40} {'wall s':>8} {'cpu s':>8} {'problems':>8} {'steps':>9}  partial")
    for name in names:
        command = [sys.executable, __file__, "--one", name, "--code", args.code]
        command += ["--size", str(args.size)]
        try:
            done = subprocess.run(
                command, capture_output=True, text=True, timeout=args.timeout, cwd=args.code
            )
        except subprocess.TimeoutExpired:
            print(f"{name:40} {'> ' + format(args.timeout, 'g'):>8}", flush=True)
            continue
        if done.returncode != 0:
            print(f"{name:40} failed: {done.stderr.strip().splitlines()[-1:]}")
            continue
        row = json.loads(done.stdout.strip().splitlines()[-1])
        steps = "" if row["steps"] is None else str(row["steps"])
        partial = "" if row["partial"] is None else ("yes" if row["partial"] else "no")
        print(
            f"{name:40} {row['seconds']:8.2f} {row['cpu']:8.2f} {row['problems']:8d} "
            f"{steps:>9}  {partial}",
            flush=True,
        )


if __name__ == "__main__":
    main()
