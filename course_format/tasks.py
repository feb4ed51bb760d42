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
from .task_checks import CheckData, read_checks
from .task_values import (
    DNS_LABEL,
    MAX_CONFIG,
    MAX_HINTS,
    MAX_MAP_ENTRIES,
    MAX_MARKDOWN,
    MAX_NAME,
    MAX_SLUG,
    MAX_SOURCES,
    MAX_TITLE,
    MAX_WORKLOADS,
    TASK_KINDS,
    TASK_SLUG,
    bounded,
    dns_label,
    port,
    seconds,
    text_map,
)
from .yamlfile import ContentError, Path_, YamlDocument, read_yaml

__all__ = [
    "DNS_LABEL",
    "CheckData",
    "TaskData",
    "WorkloadData",
    "check_course_tasks",
    "read_checks",
    "read_hints",
    "read_task",
    "read_task_entry",
    "read_task_file",
    "read_task_sources",
    "read_workloads",
    "seconds",
    "task_from_values",
]

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
        for index, item in enumerate(bounded(reader, value, path, MAX_HINTS, "hints"))
    ]
    if not hints:
        raise reader.doc.error(path, "a task needs at least one hint")
    for index, hint in enumerate(hints):
        if not hint.strip():
            raise reader.doc.error((*path, index), "a hint is empty")
    return hints


def read_task_sources(reader: Reader, value, path: Path_) -> list[str]:
    urls = []
    for index, item in enumerate(bounded(reader, value, path, MAX_SOURCES, "sources")):
        url = reader.text(item, (*path, index), max_length=500)
        if not url.startswith("https://") or any(c.isspace() for c in url):
            raise reader.doc.error((*path, index), f"'{url}' is not an absolute https:// URL")
        urls.append(url)
    if not urls:
        raise reader.doc.error(path, "a task needs at least one source (an istio.io page)")
    return urls


# --- workloads -------------------------------------------------------------------------------

_WORKLOAD_KEYS = {"name", "namespace", "labels", "service", "service_account", "ip", "ports"}
_WORKLOAD_KEYS |= {"sidecar"}


def read_workloads(reader: Reader, value, path: Path_) -> list[WorkloadData]:
    workloads: list[WorkloadData] = []
    seen: dict[str, int] = {}
    for index, item in enumerate(bounded(reader, value, path, MAX_WORKLOADS, "workloads")):
        where = (*path, index)
        raw = reader.mapping(item, where, _WORKLOAD_KEYS, {"name"})
        name = dns_label(reader, raw["name"], (*where, "name"))
        if name in seen:
            raise reader.doc.error(
                (*where, "name"),
                f"duplicate workload name '{name}' (also at position {seen[name] + 1})",
            )
        seen[name] = index
        ports = []
        for position, value in enumerate(reader.sequence(raw.get("ports"), (*where, "ports"))):
            ports.append(port(reader, value, (*where, "ports", position)))
        if len(ports) > MAX_MAP_ENTRIES:
            raise reader.doc.error((*where, "ports"), f"has more than {MAX_MAP_ENTRIES} ports")
        optional = {
            key: reader.text(raw.get(key), (*where, key), max_length=MAX_NAME) or None
            for key in ("service", "service_account", "ip")
        }
        if optional["service"] is not None:
            dns_label(reader, optional["service"], (*where, "service"))
        workloads.append(
            WorkloadData(
                name=name,
                namespace=dns_label(reader, raw.get("namespace", "default"), (*where, "namespace")),
                labels=text_map(reader, raw.get("labels"), (*where, "labels")),
                ports=tuple(ports),
                sidecar=reader.boolean(raw.get("sidecar"), (*where, "sidecar"), default=True),
                **optional,
            )
        )
    return workloads


# --- values from the database or the admin ---------------------------------------------------


def task_from_values(values: dict, name: str = "task") -> TaskData:
    """A task from plain values (a Task row's, the admin's), checked as a course file's task is;
    ContentError names the key (there are no lines to name)."""
    doc = YamlDocument(name, values)
    return read_task(Reader(doc), values, ())
