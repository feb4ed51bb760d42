"""Practice tasks as the course files write them (docs/practice.md, issue 24), read into
dataclasses or refused with a ContentError naming the file, line and key. Pure Python: no Django.

course.yaml's `tasks:` lists task files (each `tasks: [<task>, ...]`) or tasks written inline
(as `dumpcourse` writes them). The admin checks its fields with the same readers
(`read_workloads`, `read_checks`, `task_from_values`), so a file and the admin refuse the same
tasks with the same words. What a probe means is graded by practice/grading.py; this module only
checks that a probe is well formed: exactly one probe key per check, the right types, the task's
workloads named by the probes exist, and every list and text bounded.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from .bank import COMPETENCIES, DOMAINS
from .reader import Reader
from .yamlfile import ContentError, Path_, YamlDocument, read_yaml

TASK_SLUG = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
# A Kubernetes name (RFC 1123 label): workload names and namespaces.
DNS_LABEL = re.compile(r"^[a-z0-9]([-a-z0-9]*[a-z0-9])?$")
# Go's time.ParseDuration, as Istio reads durations ("10s", "1.5s", "1m30s", "250ms").
DURATION = re.compile(r"^(?:(?:\d+(?:\.\d*)?|\.\d+)(?:ns|us|µs|ms|s|m|h))+$")
_DURATION_PART = re.compile(r"(\d+(?:\.\d*)?|\.\d+)(ns|us|µs|ms|s|m|h)")
_UNIT_SECONDS = {"ns": 1e-9, "us": 1e-6, "µs": 1e-6, "ms": 1e-3, "s": 1, "m": 60, "h": 3600}

TASK_KINDS = ("build", "fix")
PROBES = ("valid", "route", "authz", "mtls", "resource")
ROUTE_OUTCOMES = ("route", "redirect", "direct_response", "no_route", "not_applicable")
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

_TASK_KEYS = {
    "slug",
    "title",
    "lesson",
    "domain",
    "competency",
    "kind",
    "release",
    "scenario",
    "workloads",
    "starting_config",
    "hints",
    "solution",
    "explanation",
    "sources",
    "checks",
}
_REQUIRED = {"slug", "title", "lesson", "domain", "scenario", "hints", "solution", "sources"}
_REQUIRED |= {"checks"}


@dataclass(frozen=True)
class WorkloadData:
    name: str
    namespace: str = "default"
    labels: dict = field(default_factory=dict)
    service: str | None = None
    service_account: str | None = None
    ip: str | None = None
    ports: tuple[int, ...] = ()
    sidecar: bool = True

    def as_dict(self) -> dict:
        """As a course file writes it (defaults left out), for the database and dumpcourse."""
        out: dict = {"name": self.name}
        if self.namespace != "default":
            out["namespace"] = self.namespace
        if self.labels:
            out["labels"] = dict(self.labels)
        for key in ("service", "service_account", "ip"):
            if getattr(self, key) is not None:
                out[key] = getattr(self, key)
        if self.ports:
            out["ports"] = list(self.ports)
        if not self.sidecar:
            out["sidecar"] = False
        return out


@dataclass
class CheckData:
    name: str
    kind: str  # one of PROBES
    probe: dict  # the probe's mapping as written (checked); grading.py reads it
    fail: str = ""
    line: int | None = None  # where it is in its file, for messages

    def as_dict(self) -> dict:
        out: dict = {"name": self.name, self.kind: self.probe}
        if self.fail:
            out["fail"] = self.fail
        return out


@dataclass
class TaskData:
    slug: str
    title: str
    lesson: str
    domain: str
    scenario: str
    hints: list[str]
    solution: str
    sources: list[str]
    checks: list[CheckData]
    competency: str = ""
    kind: str = "build"
    release: str = ""
    workloads: list[WorkloadData] = field(default_factory=list)
    starting_config: str = ""
    explanation: str = ""
    where: tuple = field(default=(), compare=False, repr=False)  # (file, line) for messages

    def workload(self, name: str) -> WorkloadData | None:
        return next((w for w in self.workloads if w.name == name), None)


def seconds(duration: str) -> float | None:
    """A Go duration ("1m30s") in seconds, or None if it is not one."""
    if not isinstance(duration, str) or len(duration) > 64 or not DURATION.match(duration):
        return None
    return sum(float(n) * _UNIT_SECONDS[unit] for n, unit in _DURATION_PART.findall(duration))


# --- the course's list of task files ---------------------------------------------------------


def read_task_entry(reader: Reader, course_file: Path, entry, path: Path_) -> list[TaskData]:
    """One item of course.yaml's `tasks:`: a task file beside it, or a task written inline."""
    if not isinstance(entry, str):
        return [read_task(reader, entry, path)]
    task_path = (course_file.parent / entry).resolve()
    if course_file.parent.resolve() not in task_path.parents:
        raise reader.doc.error(path, f"'{entry}' is outside the course folder")
    if not task_path.is_file():
        raise reader.doc.error(path, f"task file '{entry}' does not exist")
    return read_task_file(read_yaml(task_path))


def read_task_file(doc: YamlDocument) -> list[TaskData]:
    reader = Reader(doc)
    raw = reader.mapping(doc.data, (), {"tasks"}, {"tasks"})
    return [
        read_task(reader, item, ("tasks", index))
        for index, item in enumerate(reader.sequence(raw["tasks"], ("tasks",)))
    ]


def check_course_tasks(tasks: list[TaskData], lessons: set[str], course_file: str) -> None:
    """Each task's slug is unique in the course and its lesson is a lesson of the course."""
    seen: dict[str, tuple] = {}
    for task in tasks:
        file, line = task.where or (course_file, None)
        if task.lesson not in lessons:
            raise ContentError(
                file,
                f"task '{task.slug}': lesson '{task.lesson}' is not a lesson of this course",
                line,
            )
        if task.slug in seen:
            first = seen[task.slug]
            also = f"{first[0]}:{first[1]}" if first and first[1] else "another task"
            raise ContentError(file, f"duplicate task slug '{task.slug}' (also at {also})", line)
        seen[task.slug] = task.where


# --- one task --------------------------------------------------------------------------------


def read_task(reader: Reader, value, path: Path_) -> TaskData:
    raw = reader.mapping(value, path, _TASK_KEYS, _REQUIRED)
    slug = reader.text(raw["slug"], (*path, "slug"), max_length=MAX_SLUG)
    if not TASK_SLUG.match(slug):
        raise reader.doc.error((*path, "slug"), f"'{slug}' is not a slug (a-z, 0-9 and '-')")
    domain = reader.choice(raw["domain"], (*path, "domain"), tuple(DOMAINS), "")
    competency = reader.text(raw.get("competency"), (*path, "competency"), max_length=80)
    if competency and competency not in COMPETENCIES[domain]:
        known = "; ".join(COMPETENCIES[domain])
        raise reader.doc.error(
            (*path, "competency"), f"'{competency}' is not a {domain} competency ({known})"
        )
    release = reader.text(raw.get("release"), (*path, "release"), max_length=8)
    if release and not re.fullmatch(r"1\.\d{1,2}", release):
        raise reader.doc.error((*path, "release"), f"'{release}' is not a release such as 1.31")
    workloads = read_workloads(reader, raw.get("workloads"), (*path, "workloads"))
    task = TaskData(
        slug=slug,
        title=reader.text(raw["title"], (*path, "title"), max_length=MAX_TITLE),
        lesson=reader.slug(raw["lesson"], (*path, "lesson")),
        domain=domain,
        competency=competency,
        kind=reader.choice(raw.get("kind"), (*path, "kind"), TASK_KINDS, "build"),
        release=release,
        scenario=reader.text(raw["scenario"], (*path, "scenario"), max_length=MAX_MARKDOWN),
        workloads=workloads,
        starting_config=_config(reader, raw.get("starting_config"), (*path, "starting_config")),
        hints=read_hints(reader, raw["hints"], (*path, "hints")),
        solution=_config(reader, raw["solution"], (*path, "solution")),
        explanation=reader.text(
            raw.get("explanation"), (*path, "explanation"), max_length=MAX_MARKDOWN
        ),
        sources=read_task_sources(reader, raw["sources"], (*path, "sources")),
        checks=read_checks(reader, raw["checks"], (*path, "checks"), workloads),
        where=(reader.doc.file, reader.doc.line(path)),
    )
    return task


def _config(reader: Reader, value, path: Path_) -> str:
    if value is not None and not isinstance(value, str):
        raise reader.doc.error(path, "expected YAML text (write it as a `|` block)")
    return reader.text(value, path, max_length=MAX_CONFIG)


def read_hints(reader: Reader, value, path: Path_) -> list[str]:
    hints = [
        reader.text(item, (*path, index), max_length=MAX_MARKDOWN)
        for index, item in enumerate(_bounded(reader, value, path, MAX_HINTS, "hints"))
    ]
    if not hints:
        raise reader.doc.error(path, "a task needs at least one hint")
    for index, hint in enumerate(hints):
        if not hint.strip():
            raise reader.doc.error((*path, index), "a hint is empty")
    return hints


def read_task_sources(reader: Reader, value, path: Path_) -> list[str]:
    urls = []
    for index, item in enumerate(_bounded(reader, value, path, MAX_SOURCES, "sources")):
        url = reader.text(item, (*path, index), max_length=500)
        if not url.startswith("https://") or any(c.isspace() for c in url):
            raise reader.doc.error((*path, index), f"'{url}' is not an absolute https:// URL")
        urls.append(url)
    if not urls:
        raise reader.doc.error(path, "a task needs at least one source (an istio.io page)")
    return urls


def _bounded(reader: Reader, value, path: Path_, most: int, what: str) -> list:
    items = reader.sequence(value, path)
    if len(items) > most:
        raise reader.doc.error(path, f"has {len(items)} {what}; a task has at most {most}")
    return items


# --- workloads -------------------------------------------------------------------------------

_WORKLOAD_KEYS = {"name", "namespace", "labels", "service", "service_account", "ip", "ports"}
_WORKLOAD_KEYS |= {"sidecar"}


def read_workloads(reader: Reader, value, path: Path_) -> list[WorkloadData]:
    workloads: list[WorkloadData] = []
    seen: dict[str, int] = {}
    for index, item in enumerate(_bounded(reader, value, path, MAX_WORKLOADS, "workloads")):
        where = (*path, index)
        raw = reader.mapping(item, where, _WORKLOAD_KEYS, {"name"})
        name = _dns_label(reader, raw["name"], (*where, "name"))
        if name in seen:
            raise reader.doc.error(
                (*where, "name"),
                f"duplicate workload name '{name}' (also at position {seen[name] + 1})",
            )
        seen[name] = index
        ports = []
        for position, port in enumerate(reader.sequence(raw.get("ports"), (*where, "ports"))):
            ports.append(_port(reader, port, (*where, "ports", position)))
        if len(ports) > MAX_MAP_ENTRIES:
            raise reader.doc.error((*where, "ports"), f"has more than {MAX_MAP_ENTRIES} ports")
        optional = {
            key: reader.text(raw.get(key), (*where, key), max_length=MAX_NAME) or None
            for key in ("service", "service_account", "ip")
        }
        if optional["service"] is not None:
            _dns_label(reader, optional["service"], (*where, "service"))
        workloads.append(
            WorkloadData(
                name=name,
                namespace=_dns_label(
                    reader, raw.get("namespace", "default"), (*where, "namespace")
                ),
                labels=_text_map(reader, raw.get("labels"), (*where, "labels")),
                ports=tuple(ports),
                sidecar=reader.boolean(raw.get("sidecar"), (*where, "sidecar"), default=True),
                **optional,
            )
        )
    return workloads


def _dns_label(reader: Reader, value, path: Path_) -> str:
    name = reader.text(value, path, max_length=63)
    if not DNS_LABEL.match(name):
        raise reader.doc.error(path, f"'{name}' is not a Kubernetes name (a-z, 0-9 and '-')")
    return name


def _port(reader: Reader, value, path: Path_) -> int:
    port = reader.whole_number(value, path)
    if not 1 <= port <= 65535:
        raise reader.doc.error(path, f"port {port} is not between 1 and 65535")
    return port


def _text_map(reader: Reader, value, path: Path_, *, numbers: bool = False) -> dict:
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
            out[name] = _number(reader, item, (*path, key), 0, 100)
        else:
            out[name] = reader.text(item, (*path, key), max_length=MAX_SHORT * 4)
    return out


def _number(reader: Reader, value, path: Path_, low: float, high: float) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise reader.doc.error(path, f"expected a number, found {value!r}")
    if not low <= value <= high:
        raise reader.doc.error(path, f"must be between {low:g} and {high:g}")
    return value


def _duration(reader: Reader, value, path: Path_) -> str:
    text = reader.text(value, path, max_length=64)
    if seconds(text) is None:
        raise reader.doc.error(path, f"'{text}' is not a duration such as 10s, 500ms or 1m")
    return text


# --- checks ----------------------------------------------------------------------------------


def read_checks(
    reader: Reader, value, path: Path_, workloads: list[WorkloadData]
) -> list[CheckData]:
    names = {workload.name for workload in workloads}
    checks: list[CheckData] = []
    seen: dict[str, int] = {}
    for index, item in enumerate(_bounded(reader, value, path, MAX_CHECKS, "checks")):
        check = read_check(reader, item, (*path, index), names)
        if check.name in seen:
            raise reader.doc.error(
                (*path, index, "name"),
                f"duplicate check name '{check.name}' (also at position {seen[check.name] + 1})",
            )
        seen[check.name] = index
        checks.append(check)
    if not checks:
        raise reader.doc.error(path, "a task needs at least one check")
    return checks


def read_check(reader: Reader, value, path: Path_, workloads: set[str]) -> CheckData:
    raw = reader.mapping(value, path, {"name", "fail", *PROBES}, {"name"})
    probes = [key for key in PROBES if key in raw]
    if len(probes) != 1:
        found = ", ".join(probes) or "none"
        raise reader.doc.error(
            path, f"a check has exactly one probe ({', '.join(PROBES)}); found {found}"
        )
    kind = probes[0]
    fail = reader.text(raw.get("fail"), (*path, "fail"), max_length=MAX_FAIL)
    if kind != "valid" and not fail.strip():
        raise reader.doc.error(
            path, f"missing required key 'fail' (what a learner is told when a {kind} check fails)"
        )
    probe_path = (*path, kind)
    read_probe = {
        "valid": _valid,
        "route": _route,
        "authz": _authz,
        "mtls": _mtls,
        "resource": _resource,
    }[kind]
    probe = read_probe(Probe(reader, workloads), raw[kind], probe_path)
    return CheckData(
        name=reader.text(raw["name"], (*path, "name"), max_length=MAX_SHORT),
        kind=kind,
        probe=probe,
        fail=fail,
        line=reader.doc.line(path),
    )


@dataclass
class Probe:
    """What a probe reader needs: the document's reader and the task's workload names."""

    reader: Reader
    workloads: set[str]

    def workload(self, value, path: Path_) -> str:
        name = self.reader.text(value, path, max_length=63)
        if name not in self.workloads:
            known = ", ".join(sorted(self.workloads)) or "none"
            raise self.reader.doc.error(
                path, f"'{name}' is not a workload of this task (workloads: {known})"
            )
        return name


def _mapping(reader: Reader, value, path: Path_, allowed: set[str], required: set[str]) -> dict:
    if value is None:
        value = {}
    return reader.mapping(value, path, allowed, required)


def _valid(probe: Probe, value, path: Path_) -> dict:
    raw = _mapping(probe.reader, value, path, {"warnings"}, set())
    if "warnings" in raw:
        probe.reader.boolean(raw["warnings"], (*path, "warnings"), default=True)
    return dict(raw)


def _request_line(probe: Probe, raw: dict, path: Path_) -> None:
    """path, method, port and headers, as route and authz requests write them."""
    reader = probe.reader
    if "path" in raw:
        text = reader.text(raw["path"], (*path, "path"), max_length=2000)
        if not text.startswith("/"):
            raise reader.doc.error((*path, "path"), "a request path starts with /")
    if "method" in raw:
        method = reader.text(raw["method"], (*path, "method"), max_length=20)
        if not re.fullmatch(r"[A-Z]+", method):
            raise reader.doc.error((*path, "method"), f"'{method}' is not an HTTP method (GET)")
    if "port" in raw:
        _port(reader, raw["port"], (*path, "port"))
    if "headers" in raw:
        _text_map(reader, raw["headers"], (*path, "headers"))


_ROUTE_REQUEST = {"host", "path", "method", "headers", "port", "from", "gateway"}
_ROUTE_EXPECT = {
    "outcome",
    "destination",
    "subset",
    "share",
    "tolerance",
    "status",
    "fault",
    "timeout",
    "retries",
    "redirect",
    "rewrite",
    "mirror",
    "request_headers_set",
    "response_headers_set",
}


def _route(probe: Probe, value, path: Path_) -> dict:
    reader = probe.reader
    raw = reader.mapping(value, path, {"request", "expect"}, {"request", "expect"})
    request_path = (*path, "request")
    request = reader.mapping(raw["request"], request_path, _ROUTE_REQUEST, {"host"})
    reader.text(request["host"], (*request_path, "host"), max_length=MAX_NAME)
    _request_line(probe, request, request_path)
    if "from" in request:
        probe.workload(request["from"], (*request_path, "from"))
    if "gateway" in request:
        reader.text(request["gateway"], (*request_path, "gateway"), max_length=MAX_NAME)
    expect_path = (*path, "expect")
    expect = reader.mapping(raw["expect"], expect_path, _ROUTE_EXPECT, set())
    if not expect:
        raise reader.doc.error(expect_path, "expects nothing: give at least one expectation")
    _route_expect(reader, expect, expect_path)
    return dict(raw)


def _route_expect(reader: Reader, expect: dict, path: Path_) -> None:
    def at(key: str) -> Path_:
        return (*path, key)

    if "outcome" in expect:
        reader.choice(expect["outcome"], at("outcome"), ROUTE_OUTCOMES, "")
    for key in ("destination", "subset"):
        if key in expect:
            reader.text(expect[key], at(key), max_length=MAX_NAME)
    if "share" in expect:
        shares = _text_map(reader, expect["share"], at("share"), numbers=True)
        if not shares:
            raise reader.doc.error(at("share"), "give each subset (or host) its percent")
        if abs(sum(shares.values()) - 100) > 0.5:
            raise reader.doc.error(at("share"), "the percents must add up to 100")
    if "tolerance" in expect:
        _number(reader, expect["tolerance"], at("tolerance"), 0, 100)
    if "status" in expect:
        _status(reader, expect["status"], at("status"))
    if "fault" in expect:
        fault = reader.mapping(expect["fault"], at("fault"), {"abort", "delay", "percent"}, set())
        if ("abort" in fault) == ("delay" in fault):
            raise reader.doc.error(at("fault"), "a fault expectation has either abort or delay")
        if "abort" in fault:
            _status(reader, fault["abort"], (*at("fault"), "abort"))
        if "delay" in fault:
            _duration(reader, fault["delay"], (*at("fault"), "delay"))
        if "percent" in fault:
            _number(reader, fault["percent"], (*at("fault"), "percent"), 0, 100)
    if "timeout" in expect:
        _duration(reader, expect["timeout"], at("timeout"))
    if "retries" in expect:
        keys = {"attempts", "per_try_timeout", "retry_on"}
        retries = reader.mapping(expect["retries"], at("retries"), keys, set())
        if "attempts" in retries:
            attempts = reader.whole_number(retries["attempts"], (*at("retries"), "attempts"))
            if attempts < 0:
                raise reader.doc.error((*at("retries"), "attempts"), "cannot be negative")
        if "per_try_timeout" in retries:
            _duration(reader, retries["per_try_timeout"], (*at("retries"), "per_try_timeout"))
        if "retry_on" in retries:
            reader.text(retries["retry_on"], (*at("retries"), "retry_on"), max_length=MAX_SHORT)
    if "redirect" in expect:
        redirect = reader.mapping(
            expect["redirect"], at("redirect"), {"uri", "authority", "code"}, set()
        )
        for key in ("uri", "authority"):
            if key in redirect:
                reader.text(redirect[key], (*at("redirect"), key), max_length=2000)
        if "code" in redirect:
            _status(reader, redirect["code"], (*at("redirect"), "code"))
    if "rewrite" in expect:
        rewrite = reader.mapping(expect["rewrite"], at("rewrite"), {"uri", "authority"}, set())
        for key in ("uri", "authority"):
            if key in rewrite:
                reader.text(rewrite[key], (*at("rewrite"), key), max_length=2000)
    if "mirror" in expect:
        mirror = reader.mapping(
            expect["mirror"], at("mirror"), {"host", "subset", "percent"}, {"host"}
        )
        for key in ("host", "subset"):
            if key in mirror:
                reader.text(mirror[key], (*at("mirror"), key), max_length=MAX_NAME)
        if "percent" in mirror:
            _number(reader, mirror["percent"], (*at("mirror"), "percent"), 0, 100)
    for key in ("request_headers_set", "response_headers_set"):
        if key in expect and not _text_map(reader, expect[key], at(key)):
            raise reader.doc.error(at(key), "name at least one header and its value")


def _status(reader: Reader, value, path: Path_) -> int:
    status = reader.whole_number(value, path)
    if not 100 <= status <= 599:
        raise reader.doc.error(path, f"{status} is not an HTTP status (100 to 599)")
    return status


_SOURCE_KEYS = {"principal", "namespace", "ip", "jwt_claims", "invalid_jwt"}


def _authz(probe: Probe, value, path: Path_) -> dict:
    reader = probe.reader
    raw = reader.mapping(value, path, {"request", "expect"}, {"request", "expect"})
    request_path = (*path, "request")
    keys = {"from", "source", "to", "path", "method", "port", "headers"}
    request = reader.mapping(raw["request"], request_path, keys, {"to"})
    if "from" in request and "source" in request:
        raise reader.doc.error(
            request_path, "a request has `from` (a workload) or `source`, not both"
        )
    if "from" in request:
        probe.workload(request["from"], (*request_path, "from"))
    if "source" in request:
        source_path = (*request_path, "source")
        source = _mapping(reader, request["source"], source_path, _SOURCE_KEYS, set())
        for key in ("principal", "namespace", "ip"):
            if key in source:
                reader.text(source[key], (*source_path, key), max_length=MAX_NAME)
        if "jwt_claims" in source:
            claims = source["jwt_claims"]
            if not isinstance(claims, dict) or len(claims) > MAX_MAP_ENTRIES:
                raise reader.doc.error(
                    (*source_path, "jwt_claims"),
                    f"expected a mapping of at most {MAX_MAP_ENTRIES} claims",
                )
            for key, claim in claims.items():
                items = claim if isinstance(claim, list) else [claim]
                if len(items) > MAX_MAP_ENTRIES:
                    raise reader.doc.error((*source_path, "jwt_claims", key), "too many values")
                for item in items:
                    reader.text(item, (*source_path, "jwt_claims", key), max_length=MAX_NAME)
        if "invalid_jwt" in source:
            reader.boolean(source["invalid_jwt"], (*source_path, "invalid_jwt"), default=False)
    probe.workload(request["to"], (*request_path, "to"))
    _request_line(probe, request, request_path)
    expect_path = (*path, "expect")
    expect = reader.mapping(
        raw["expect"], expect_path, {"decision", "policy", "status"}, {"decision"}
    )
    reader.choice(expect["decision"], (*expect_path, "decision"), DECISIONS, "")
    if "policy" in expect:
        policy = reader.text(expect["policy"], (*expect_path, "policy"), max_length=MAX_NAME)
        if "/" not in policy:
            raise reader.doc.error((*expect_path, "policy"), "name the policy as namespace/name")
    if "status" in expect:
        status = _status(reader, expect["status"], (*expect_path, "status"))
        if status not in (401, 403):
            raise reader.doc.error(
                (*expect_path, "status"), "an authorization answer is 401 or 403"
            )
    return dict(raw)


def _mtls(probe: Probe, value, path: Path_) -> dict:
    reader = probe.reader
    raw = reader.mapping(value, path, {"from", "to", "port", "expect"}, {"from", "to", "expect"})
    probe.workload(raw["from"], (*path, "from"))
    probe.workload(raw["to"], (*path, "to"))
    if "port" in raw:
        _port(reader, raw["port"], (*path, "port"))
    reader.choice(raw["expect"], (*path, "expect"), MTLS_OUTCOMES, "")
    return dict(raw)


def _resource(probe: Probe, value, path: Path_) -> dict:
    reader = probe.reader
    raw = reader.mapping(value, path, {"select", "count", "expect"}, {"select"})
    select_path = (*path, "select")
    keys = {"kind", "apiVersion", "name", "namespace", "host"}
    select = reader.mapping(raw["select"], select_path, keys, {"kind"})
    for key in keys & set(select):
        reader.text(select[key], (*select_path, key), max_length=MAX_NAME)
    if "count" in raw:
        count = reader.whole_number(raw["count"], (*path, "count"))
        if not 0 <= count <= 1000:
            raise reader.doc.error((*path, "count"), "must be between 0 and 1000")
    items = reader.sequence(raw.get("expect"), (*path, "expect"))
    if len(items) > MAX_RESOURCE_ITEMS:
        raise reader.doc.error((*path, "expect"), f"has more than {MAX_RESOURCE_ITEMS} items")
    if not items and "count" not in raw:
        raise reader.doc.error(path, "give `count` or at least one `expect` item")
    for index, item in enumerate(items):
        where = (*path, "expect", index)
        entry = reader.mapping(item, where, {"path", *RESOURCE_TESTS}, {"path"})
        parts = reader.sequence(entry["path"], (*where, "path"))
        if not parts or len(parts) > MAX_PATH_PARTS:
            raise reader.doc.error((*where, "path"), f"a path has 1 to {MAX_PATH_PARTS} keys")
        for position, part in enumerate(parts):
            if isinstance(part, bool) or not isinstance(part, str | int):
                raise reader.doc.error((*where, "path", position), "a key (text) or an index")
        tests = [key for key in RESOURCE_TESTS if key in entry]
        if len(tests) != 1:
            raise reader.doc.error(where, f"an item has exactly one of {', '.join(RESOURCE_TESTS)}")
        test = tests[0]
        if test == "present":
            if not isinstance(entry["present"], bool):
                raise reader.doc.error((*where, "present"), "expected true or false")
        elif test in ("at_most", "at_least"):
            bound = entry[test]
            if not (isinstance(bound, str) and seconds(bound) is not None):
                _number(reader, bound, (*where, test), -1e12, 1e12)
        elif test == "one_of":
            options = reader.sequence(entry["one_of"], (*where, "one_of"))
            if not options or len(options) > MAX_MAP_ENTRIES:
                raise reader.doc.error((*where, "one_of"), f"list 1 to {MAX_MAP_ENTRIES} values")
    return dict(raw)


# --- values from the database or the admin ---------------------------------------------------


def task_from_values(values: dict, name: str = "task") -> TaskData:
    """A task from plain values (a Task row's, the admin's), checked as a course file's task is;
    ContentError names the key (there are no lines to name)."""
    doc = YamlDocument(name, values)
    return read_task(Reader(doc), values, ())
