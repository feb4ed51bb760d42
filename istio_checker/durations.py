"""Istio durations: text such as "10s", "1m", "500ms", "1.5s", "1h", "1h30m".

Istio's API reference writes them as `1h/1m/1s/1ms`
(https://istio.io/latest/docs/reference/config/networking/virtual-service/#HTTPRetry); the
accepted syntax is Go's `time.ParseDuration` (numbers, each with a unit ns, us, ms, s, m or h).
A bare number has no unit and is refused, which is the most common mistake.
"""

import re

_UNIT_SECONDS = {
    "ns": 1e-9,
    "us": 1e-6,
    "µs": 1e-6,
    "μs": 1e-6,
    "ms": 1e-3,
    "s": 1,
    "m": 60,
    "h": 3600,
}
_PART = re.compile(r"(\d+(?:\.\d*)?|\.\d+)(ns|us|µs|μs|ms|s|m|h)")
_WHOLE = re.compile(r"(?:(?:\d+(?:\.\d*)?|\.\d+)(?:ns|us|µs|μs|ms|s|m|h))+")


def parse_duration(text: str) -> float | None:
    """Seconds, or None if `text` is not a duration."""
    if not isinstance(text, str) or len(text) > 64 or not _WHOLE.fullmatch(text):
        return None
    return sum(float(number) * _UNIT_SECONDS[unit] for number, unit in _PART.findall(text))


def duration_hint(text: str) -> str:
    """A suggestion for a value that is not a duration."""
    stripped = text.strip() if isinstance(text, str) else ""
    if stripped.startswith("-"):
        return "A duration cannot be negative."
    if re.fullmatch(r"\d+(\.\d+)?", stripped):
        return f'Add a unit: "{stripped}s" for seconds, "{stripped}ms" for milliseconds.'
    if re.fullmatch(r"\d+(\.\d+)?d", stripped):
        return f'Go durations have no days; write hours, e.g. "{int(float(stripped[:-1]) * 24)}h".'
    if parse_duration(stripped.replace(" ", "")) is not None:
        return f'Remove the spaces: "{stripped.replace(" ", "")}".'
    return 'Write a number with a unit: "500ms", "10s", "1m" or "1h".'


def describe_seconds(seconds: float) -> str:
    """A short human form: 0.5 → "500ms", 7 → "7s", 90 → "1m30s"."""
    if seconds < 1:
        return f"{seconds * 1000:g}ms"
    if seconds < 60 or seconds % 60:
        minutes, rest = divmod(seconds, 60)
        return f"{int(minutes)}m{rest:g}s" if minutes else f"{seconds:g}s"
    if seconds % 3600:
        return f"{seconds / 60:g}m"
    return f"{seconds / 3600:g}h"
