"""Grading a learner's config against a task's checks: by what the mesh would do, never by
comparing text, so any config that behaves right passes (docs/practice.md). Pure Python: no
Django (import-linter's "Pure domain logic imports no Django" contract).

`grade(task, text)` reads the config once (istio_checker.resources) and runs every check on
what it read, inside ONE work budget (istio_checker/budget.py) for the whole grading: each probe
is linear in the config, and past the budget the checks not run yet fail as "not checked" and
the grade is partial, never a stalled worker. A failed check's message is the task's `fail` text
(a `valid` check's: the first problems with their lines), never the solution; `detail` says
what the grader saw, for authors (the admin's "Run checks against the solution"), not learners.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field

from course_format.tasks import CheckData, TaskData
from istio_checker.budget import OutOfBudget, WorkBudget, running
from istio_checker.checks import check_loaded
from istio_checker.install_schema import INSTALL_KINDS
from istio_checker.lab import unreadable_problems
from istio_checker.problems import Problem
from istio_checker.releases import RELEASES, checking_for, parse_release
from istio_checker.resources import Loaded, coerce_text, load_resources
from istio_checker.yamlsource import Node, parse_documents

from . import resource_probes, route_probes, security_probes

logger = logging.getLogger(__name__)

MAX_PROBLEMS_SHOWN = 3  # a failed `valid` check names this many problems, then counts the rest
NOT_CHECKED = (
    "Not checked: this config needs more work than one check may do. Check a smaller config."
)


@dataclass(frozen=True)
class CheckResult:
    name: str
    passed: bool
    message: str  # for the learner: "" when passed, else the task's fail text
    kind: str = ""
    detail: str = ""  # what the grader saw (authors only: it may give the answer away)

    def as_dict(self) -> dict:
        return {"name": self.name, "passed": self.passed, "message": self.message}


@dataclass
class Grade:
    passed: bool
    checks: list[CheckResult] = field(default_factory=list)
    partial: bool = False  # the work budget ran out: some checks were not run
    steps: int = 0  # the budget spent (bench figures)

    @property
    def failed_count(self) -> int:
        return sum(1 for check in self.checks if not check.passed)

    def as_dict(self) -> dict:
        return {"passed": self.passed, "checks": [c.as_dict() for c in self.checks]}


class Config:
    """The config as every probe sees it: read once, its problems and documents worked out
    once, on first use."""

    def __init__(self, task: TaskData, text: str, loaded: Loaded):
        self.task = task
        self.text = text
        self.loaded = loaded
        self._problems: list[Problem] | None = None
        self._documents: list[Node] | None = None

    @property
    def resources(self):
        return self.loaded.resources

    def problems(self) -> list[Problem]:
        if self._problems is None:
            checked = check_loaded(self.loaded)
            if checked.stopped is not None:
                raise OutOfBudget(checked.stopped.why)
            self._problems = checked.problems
        return self._problems

    def unreadable(self) -> list[Problem]:
        """The errors that kept part of the text from being read: behaviour is not judged on
        what was left (it could say the opposite of what the learner wrote)."""
        return unreadable_problems(self.loaded.problems)

    def documents(self) -> list[Node]:
        """Every YAML document's root, of any kind (a resource probe may select a Namespace or
        an IstioOperator, which the checker does not read as Istio resources)."""
        if self._documents is None:
            parsed = parse_documents(self.text)
            if parsed.stopped is not None:
                raise OutOfBudget(parsed.stopped.why)
            roots = []
            for document in parsed.documents:
                root = document.root
                if root is not None and root.is_map and root.get("kind") is not None:
                    if root.get("kind").text() == "List":
                        roots.extend(item for item in root.get("items").items() if item.is_map)
                    else:
                        roots.append(root)
            self._documents = roots
        return self._documents


def unknown_release(task: TaskData) -> str:
    """Why the task's `release` is not one the checker knows ("" when it is, or is unset)."""
    if not task.release or parse_release(task.release) == task.release:
        return ""
    return (
        f"release '{task.release}' is not one the checker knows ({RELEASES[0]} to {RELEASES[-1]})"
    )


def grade(task: TaskData, config_text: object, budget: WorkBudget | None = None) -> Grade:
    """Run every check of `task` on `config_text` within one work budget. Never raises."""
    budget = budget if budget is not None else WorkBudget()
    text = coerce_text(config_text)
    results: list[CheckResult] = []
    partial = False
    with running(budget), checking_for(parse_release(task.release)):
        try:
            config = Config(task, text, load_resources(text))
            if config.loaded.stopped is not None:
                partial = True
        except OutOfBudget:
            partial, config = True, None
        for check in task.checks:
            if partial or config is None:
                results.append(CheckResult(check.name, False, NOT_CHECKED, check.kind))
                continue
            try:
                results.append(run_check(check, config))
            except OutOfBudget:
                partial = True
                results.append(CheckResult(check.name, False, NOT_CHECKED, check.kind))
            except Exception:  # a grader bug must not be a 500: the check fails, and is logged
                logger.exception("grading %s: check %r failed", task.slug, check.name)
                results.append(
                    CheckResult(
                        check.name,
                        False,
                        "This check could not be run (the failure has been logged).",
                        check.kind,
                    )
                )
    passed = bool(results) and all(result.passed for result in results)
    return Grade(passed, results, partial, budget.steps)


def run_check(check: CheckData, config: Config) -> CheckResult:
    if check.kind == "valid":
        return _valid(check, config)
    if check.kind != "resource":
        unreadable = config.unreadable()
        if unreadable:
            first = unreadable[0]
            return CheckResult(
                check.name,
                False,
                f"{check.fail} (First fix the YAML: line {first.line}: {first.message})",
                check.kind,
                "the YAML could not all be read",
            )
    probe = {
        "route": route_probes.run,
        "authz": security_probes.run_authz,
        "mtls": security_probes.run_mtls,
        "resource": resource_probes.run,
    }[check.kind]
    try:
        passed, detail, *note = probe(check.probe, config)
    except security_probes.NotAvailable as missing:
        message = f"Not available: this site cannot check {missing} yet, so this check fails."
        return CheckResult(check.name, False, message, check.kind, str(missing))
    message = "" if passed else " ".join([check.fail, *note])
    return CheckResult(check.name, passed, message, check.kind, detail)


def _valid(check: CheckData, config: Config) -> CheckResult:
    """No error-severity problem from the lab's checker (and none of warning severity with
    `warnings: false`), at the task's release."""
    failing = {"error"} if check.probe.get("warnings", True) else {"error", "warning"}
    problems = [p for p in config.problems() if p.severity in failing]
    if not config.resources and not problems and not _install_files(config):
        message = check.fail or "There is no Istio resource in this config yet."
        return CheckResult(check.name, False, message, "valid", "no resource")
    if not problems:
        return CheckResult(check.name, True, "", "valid")
    shown = "; ".join(f"line {p.line}: {p.message}" for p in problems[:MAX_PROBLEMS_SHOWN])
    more = len(problems) - MAX_PROBLEMS_SHOWN
    if more > 0:
        shown += f"; and {more} more"
    lead = f"{check.fail} " if check.fail else ""
    return CheckResult(check.name, False, f"{lead}{shown}", "valid", shown)


def _install_files(config: Config) -> bool:
    """Whether the config holds an install file the checker reads (an IstioOperator), so
    that an installation task's `valid` check has something to judge."""
    return any(root.get("kind").text() in INSTALL_KINDS for root in config.documents())
