"""What the config lab shows for one paste: the problems, the routing trace, and the editor's
gutter (line numbers with the worst problem of each line). Parses the YAML once for all three.

A paste whose YAML could not all be read is not traced: the trace would route through what was
left and could say the opposite of what the learner wrote (a mis-indented line drops its whole
document, and "no VirtualService routes this host" follows). Schema errors leave the text
readable, so those configs are traced, with a caveat on the page; a document the trace cannot
read for its kind or apiVersion is named in the trace (`RouteDecision.left_out`).
"""

from __future__ import annotations

import logging
from dataclasses import asdict, dataclass, field

from . import problems as codes
from .checks import validate_loaded
from .problems import SEVERITY_RANK, Problem
from .resources import coerce_text, load_resources
from .routing import Request, RouteDecision, route
from .rules import items, texts

logger = logging.getLogger(__name__)

MAX_GUTTER_LINES = 3000  # beyond this the editor shows no line numbers, only the problem list

# Why a paste has no trace (`LabResult.trace_skipped`, `trace_skipped` in /lab/check.json). When
# more than one holds, the first in this order is given.
CHECKER_FAILED = "checker-failed"  # the checker raised (logged); its problem says so
UNREADABLE_YAML = "unreadable-yaml"  # part of the text could not be read (UNREADABLE_CODES)
NO_HOST = "no-host"  # no sample request, or one without a host

# Problems that mean part of the text was never read as a resource: too large to parse, not
# YAML, refused tags (their value is dropped), or a document that is not a resource map.
UNREADABLE_CODES = frozenset(
    {
        codes.INPUT_TOO_LARGE,
        codes.YAML_SYNTAX,
        codes.YAML_TAG_REFUSED,
        codes.YAML_TOO_COMPLEX,
        codes.NOT_A_RESOURCE,
    }
)


@dataclass
class LabResult:
    problems: list[Problem]
    decision: RouteDecision | None
    counts: dict[str, int] = field(default_factory=dict)
    unreadable: list[Problem] = field(default_factory=list)  # the errors that stopped the trace
    trace_skipped: str | None = None  # CHECKER_FAILED, UNREADABLE_YAML or NO_HOST; None if traced

    @property
    def trace_skipped_headline(self) -> str:
        return {
            CHECKER_FAILED: "The trace waits until the checker can read this text.",
            UNREADABLE_YAML: "The trace waits until the YAML can be read.",
            NO_HOST: "No request was traced.",
        }.get(self.trace_skipped, "")

    @property
    def trace_skipped_detail(self) -> str:
        if self.trace_skipped == CHECKER_FAILED:
            return "It failed on this text; the failure has been logged."
        if self.trace_skipped == UNREADABLE_YAML:
            count, first = len(self.unreadable), self.unreadable[0]
            which = (
                f"The error at line {first.line}"
                if count == 1
                else f"{count} errors (the first at line {first.line})"
            )
            return (
                f"{which} kept part of this text from being read, so a trace of the rest could "
                "say the opposite of what you wrote."
            )
        if self.trace_skipped == NO_HOST:
            return "Send a `host` (and optionally path, method, headers, gateway) to trace one."
        return ""

    def as_dict(self) -> dict:
        skipped = self.trace_skipped is not None
        return {
            "problems": [asdict(problem) for problem in self.problems],
            "trace": self.decision.as_dict() if self.decision is not None else None,
            "trace_skipped": self.trace_skipped,
            "trace_skipped_message": (
                f"{self.trace_skipped_headline} {self.trace_skipped_detail}" if skipped else None
            ),
        }


def check_config(text: object, request: Request | None = None) -> LabResult:
    """Problems for `text`, and the trace of `request` if it names a host. Never raises."""
    decision, skipped = None, None
    try:
        loaded = load_resources(text)
        problems = validate_loaded(loaded)
        unreadable = unreadable_problems(problems)
        if unreadable:
            skipped = UNREADABLE_YAML
        elif request is None or not request.host.strip():
            skipped = NO_HOST
        else:
            decision = route(loaded.resources, request, loaded.left_out)
    except Exception:  # the checker is fuzzed not to raise; if it ever does, say so, not 500
        logger.exception("Istio checker failed")
        problems = [
            Problem(
                "error",
                codes.SEMANTIC,
                "",
                1,
                1,
                "The checker could not read this text (the failure has been logged).",
            )
        ]
        decision, skipped = None, CHECKER_FAILED
        unreadable = problems
    counts = dict.fromkeys(SEVERITY_RANK, 0)
    for problem in problems:
        counts[problem.severity] += 1
    return LabResult(problems, decision, counts, unreadable, skipped)


def unreadable_problems(problems: list[Problem]) -> list[Problem]:
    """The errors that kept part of the text from being read as resources."""
    return [p for p in problems if p.severity == "error" and p.code in UNREADABLE_CODES]


@dataclass
class GutterLine:
    number: int
    severity: str = ""  # the worst problem on the line, or ""
    messages: list[str] = field(default_factory=list)


def gutter(text: object, problems: list[Problem]) -> list[GutterLine]:
    """One entry per line of `text`; an empty list when there are too many lines to show."""
    text = coerce_text(text)
    count = text.count("\n") + 1
    if count > MAX_GUTTER_LINES:
        return []
    lines = [GutterLine(number) for number in range(1, count + 1)]
    for problem in problems:
        if 1 <= problem.line <= count:
            line = lines[problem.line - 1]
            if not line.severity or SEVERITY_RANK[problem.severity] < SEVERITY_RANK[line.severity]:
                line.severity = problem.severity
            line.messages.append(f"{problem.severity}: {problem.message}")
    return lines


def suggested_host(text: object) -> str:
    """A host worth tracing: the first VirtualService's first concrete host, if any."""
    try:
        resources = load_resources(text).resources
    except Exception:  # only a convenience; an unreadable paste simply suggests nothing
        return ""
    for resource in resources:
        if resource.kind == "VirtualService" and resource.spec is not None:
            for host in texts(resource.spec.get("hosts")):
                if "*" not in host:
                    return host
            for rule in items(resource.spec.get("http")):
                for entry in items(rule.get("route")):
                    destination = entry.get("destination")
                    host = destination.get("host") if destination is not None else None
                    if host is not None and host.text():
                        return host.text()
    return ""
