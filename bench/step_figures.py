"""A step's figures from Locust's statistics: the requests between two snapshots of them.

Locust keeps, for each request name and in total, counts and a histogram of response times
(whole ms below 100 ms, then rounded to 10 ms below 1 s, then to 100 ms). Two snapshots, taken
when a step's measurement starts and ends, give that step's own histogram, so each step gets
its own percentiles although Locust's counters run for the whole test.
"""

from __future__ import annotations


def snapshot(stats) -> dict:
    entries = {name: entry_state(entry) for (name, _), entry in stats.entries.items()}
    return {"total": entry_state(stats.total), "entries": entries}


def entry_state(entry) -> dict:
    return {
        "requests": entry.num_requests,
        "failures": entry.num_failures,
        "times": dict(entry.response_times),
    }


def window(before: dict, after: dict) -> dict:
    """The requests between two snapshots: counts and the response-time histogram."""
    times = {
        ms: count - before["times"].get(ms, 0)
        for ms, count in after["times"].items()
        if count - before["times"].get(ms, 0) > 0
    }
    return {
        "requests": after["requests"] - before["requests"],
        "failures": after["failures"] - before["failures"],
        "times": times,
    }


def percentile(times: dict, share: float) -> float:
    """Locust's histogram keeps ms exactly below 100 ms, to 10 ms below 1 s, then to 100 ms."""
    total = sum(times.values())
    if not total:
        return 0.0
    seen = 0
    for ms in sorted(times):
        seen += times[ms]
        if seen >= share * total:
            return float(ms)
    return float(max(times))


def figures(part: dict) -> dict:
    times = part["times"]
    return {
        "requests": part["requests"],
        "failures": part["failures"],
        "p50": percentile(times, 0.50),
        "p95": percentile(times, 0.95),
        "p99": percentile(times, 0.99),
        "max": float(max(times)) if times else 0.0,
    }


def step_holds(step: dict, p95_target_ms: float) -> bool:
    """The target: p95 at most the target, and not one failed request."""
    return step["requests"] > 0 and step["p95"] <= p95_target_ms and step["failures"] == 0
