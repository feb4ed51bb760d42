"""Checking the values of a practice task (course_format/tasks.py, task_checks.py): the vocabulary,
the bounds, and the typed readers both use. Pure Python: no Django."""

from __future__ import annotations

import re

from istio_checker.durations import parse_duration

from .reader import Reader
from .yamlfile import Path_

TASK_SLUG = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
# A Kubernetes name (RFC 1123 label): workload names and namespaces.
DNS_LABEL = re.compile(r"^[a-z0-9]([-a-z0-9]*[a-z0-9])?$")
# Go's time.ParseDuration, as Istio reads durations ("10s", "1.5s", "1m30s", "250ms").

TASK_KINDS = ("build", "fix")
PROBES = ("valid", "route", "authz", "mtls", "resource")
# not_accepted: through a Gateway whose servers take neither the host nor the port (404).
ROUTE_OUTCOMES = (
    "route",
    "redirect",
    "direct_response",
    "no_route",
    "not_applicable",
    "not_accepted",
)
DECISIONS = ("allow", "deny")
MTLS_OUTCOMES = ("mutual", "plaintext", "refused")
RESOURCE_TESTS = ("present", "equals", "at_most", "at_least", "one_of")

# Bounds: a task is one screen of scenario and a few dozen checks, never a place to hide work.
MAX_TITLE = 120
MAX_SLUG = 60
MAX_MARKDOWN = 20_000  # scenario, explanation, each hint
MAX_CONFIG = 64 * 1024  # starting_config, solution
MAX_HINTS = 10
MAX_SOURCES = 10
MAX_CHECKS = 30
MAX_WORKLOADS = 40
MAX_MAP_ENTRIES = 30  # labels, headers, shares, JWT claims
MAX_NAME = 253  # a host, a principal
MAX_SHORT = 200  # a check's name, a header value, a path element
MAX_FAIL = 1000
MAX_RESOURCE_ITEMS = 20
MAX_PATH_PARTS = 20


def seconds(duration: str) -> float | None:
    """A Go duration ("1m30s") in seconds, or None if it is not one: the syntax the lab's
    checker accepts (istio_checker/durations.py), so a task and the config it grades agree."""
    return parse_duration(duration)


def bounded(reader: Reader, value, path: Path_, most: int, what: str) -> list:
    items = reader.sequence(value, path)
    if len(items) > most:
        raise reader.doc.error(path, f"has {len(items)} {what}; a task has at most {most}")
    return items


def dns_label(reader: Reader, value, path: Path_) -> str:
    name = reader.text(value, path, max_length=63)
    if not DNS_LABEL.match(name):
        raise reader.doc.error(path, f"'{name}' is not a Kubernetes name (a-z, 0-9 and '-')")
    return name


def port(reader: Reader, value, path: Path_) -> int:
    port = reader.whole_number(value, path)
    if not 1 <= port <= 65535:
        raise reader.doc.error(path, f"port {port} is not between 1 and 65535")
    return port


def text_map(reader: Reader, value, path: Path_, *, numbers: bool = False) -> dict:
    if value is None:
        return {}
    if not isinstance(value, dict):
        raise reader.doc.error(path, "expected a mapping of names to values")
    if len(value) > MAX_MAP_ENTRIES:
        raise reader.doc.error(path, f"has more than {MAX_MAP_ENTRIES} entries")
    out = {}
    for key, item in value.items():
        name = reader.text(key, (*path, key), max_length=MAX_NAME)
        if numbers:
            out[name] = number(reader, item, (*path, key), 0, 100)
        else:
            out[name] = reader.text(item, (*path, key), max_length=MAX_SHORT * 4)
    return out


def number(reader: Reader, value, path: Path_, low: float, high: float) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise reader.doc.error(path, f"expected a number, found {value!r}")
    if not low <= value <= high:
        raise reader.doc.error(path, f"must be between {low:g} and {high:g}")
    return value


def duration(reader: Reader, value, path: Path_) -> str:
    text = reader.text(value, path, max_length=64)
    if seconds(text) is None:
        raise reader.doc.error(path, f"'{text}' is not a duration such as 10s, 500ms or 1m")
    return text


def status(reader: Reader, value, path: Path_) -> int:
    status = reader.whole_number(value, path)
    if not 100 <= status <= 599:
        raise reader.doc.error(path, f"{status} is not an HTTP status (100 to 599)")
    return status


def mapping_or_empty(
    reader: Reader, value, path: Path_, allowed: set[str], required: set[str]
) -> dict:
    if value is None:
        value = {}
    return reader.mapping(value, path, allowed, required)
