"""What the config lab shows for one paste: the problems, the routing trace, and the editor's
gutter (line numbers with the worst problem of each line). Parses the YAML once for all three.

A paste whose YAML could not all be read is not traced: the trace would route through what was
left and could say the opposite of what the learner wrote (a mis-indented line drops its whole
document, and "no VirtualService routes this host" follows). Schema errors leave the text
readable, so those configs are traced, with a caveat on the page.
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
    unreadable: list[Problem] = field(default_factory=list)  # why no trace was drawn, if any

    def as_dict(self) -> dict:
        return {
            "problems": [asdict(problem) for problem in self.problems],
            "trace": self.decision.as_dict() if self.decision is not None else None,
        }


def check_config(text: object, request: Request | None = None) -> LabResult:
    """Problems for `text`, and the trace of `request` if it names a host. Never raises."""
    try:
        loaded = load_resources(text)
        problems = validate_loaded(loaded)
        unreadable = unreadable_problems(problems)
        decision = None
        if request is not None and request.host.strip() and not unreadable:
            decision = route(loaded.resources, request)
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
        decision = None
        unreadable = problems
    counts = dict.fromkeys(SEVERITY_RANK, 0)
    for problem in problems:
        counts[problem.severity] += 1
    return LabResult(problems, decision, counts, unreadable)


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
