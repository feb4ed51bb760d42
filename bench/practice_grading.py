"""How long the practice grader takes per check on the shipped tasks (not a test).

    .venv/bin/python bench/practice_grading.py            # every task course.yaml lists
    .venv/bin/python bench/practice_grading.py --repeat 20

Each task's reference solution and starting config are graded `--repeat` times in this process
(the config read and checked as the task page does it, rendering not included). Printed: per
probe kind, the checks graded and the CPU and wall-clock milliseconds per check (the grading of
a config split evenly over its checks), and the work budget's steps per check.
"""

from __future__ import annotations

import argparse
import sys
import time
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from course_format.schema import read_course  # noqa: E402
from practice.grading import grade  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--course", type=Path, default=ROOT / "content" / "istio-service-mesh")
    parser.add_argument("--repeat", type=int, default=10)
    args = parser.parse_args()
    tasks = read_course(args.course).tasks
    cpu, wall, steps, count = (
        defaultdict(float),
        defaultdict(float),
        defaultdict(int),
        defaultdict(int),
    )
    for task in tasks:
        for config in (task.solution, task.starting_config):
            for _ in range(args.repeat):
                c0, w0 = time.process_time(), time.perf_counter()
                result = grade(task, config)
                c1, w1 = time.process_time(), time.perf_counter()
                share = 1 / len(result.checks)
                for check in result.checks:
                    cpu[check.kind] += (c1 - c0) * share
                    wall[check.kind] += (w1 - w0) * share
                    steps[check.kind] += result.steps * share
                    count[check.kind] += 1
    total = sum(count.values())
    print(
        f"{len(tasks)} tasks, {total // (2 * args.repeat)} checks, each graded {2 * args.repeat}x"
    )
    print(f"{'probe':<10} {'checks':>7} {'CPU ms':>8} {'wall ms':>8} {'steps':>8}")
    for kind in sorted(count):
        n = count[kind]
        print(
            f"{kind:<10} {n // (2 * args.repeat):>7} {cpu[kind] / n * 1000:>8.3f} "
            f"{wall[kind] / n * 1000:>8.3f} {steps[kind] / n:>8.0f}"
        )
    if total:
        print(
            f"{'all':<10} {total // (2 * args.repeat):>7} {sum(cpu.values()) / total * 1000:>8.3f} "
            f"{sum(wall.values()) / total * 1000:>8.3f} {sum(steps.values()) / total:>8.0f}"
        )


if __name__ == "__main__":
    main()
