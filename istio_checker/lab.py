"""What the config lab shows for one paste: the problems, the routing trace, and the editor's
gutter (line numbers with the worst problem of each line). Parses the YAML once for all three.

A paste whose YAML could not all be read is not traced: the trace would route through what was
left and could say the opposite of what the learner wrote (a mis-indented line drops its whole
document, and "no VirtualService routes this host" follows). Schema errors leave the text
readable, so those configs are traced, with a caveat on the page; a document the trace cannot
read for its kind or apiVersion is named in the trace (`RouteDecision.left_out`).

The checker and the trace share one work budget (budget.py). A paste that needs more stops
early: the answer is partial (`LabResult.partial`), its first problem (ML0007) says what was
not checked, and the trace is skipped if it had not run by then.
"""

from __future__ import annotations

import logging
from dataclasses import asdict, dataclass, field

from . import problems as codes
from .analyzers.cluster_state import cluster_note
from .authorization import AccessRequest, AuthzDecision, authorize
from .budget import READING, TRACE, OutOfBudget, StoppedAt, WorkBudget, running
from .checks import check_loaded, stopped_problem
from .gateway_api.trace import suggested_host as suggested_route_host
from .mtls import MtlsDecision, connection
from .node_readers import items, texts
from .problems import SEVERITY_RANK, Problem
from .releases import checking_for
from .resources import coerce_text, load_resources
from .routing import Request, RouteDecision, route
from .workloads import Workload

logger = logging.getLogger(__name__)

MAX_GUTTER_LINES = 3000  # beyond this the editor shows no line numbers, only the problem list

# Why a paste has no trace (`LabResult.trace_skipped`, `trace_skipped` in /lab/check.json). When
# more than one holds, the first in this order is given.
CHECKER_FAILED = "checker-failed"  # the checker raised (logged); its problem says so
CHECK_STOPPED = "check-stopped"  # the work budget ran out before the trace (a partial answer)
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
    # CHECKER_FAILED, CHECK_STOPPED, UNREADABLE_YAML or NO_HOST; None if traced
    trace_skipped: str | None = None
    stopped: StoppedAt | None = None  # where the work budget ran out, if it did
    steps: int = 0  # the work budget spent (for bench/lab_worst.py)
    # The istioctl checks these kinds get that need the cluster, in a sentence ("" for none):
    # said once per check, not per resource (analyzers/cluster_state.py).
    not_checked_here: str = ""
    # The AuthorizationPolicy decision for the access request, if one was given and the text
    # could be read (issue 24); `authorization_skipped` says why not when it was given.
    authorization: AuthzDecision | None = None
    authorization_skipped: str | None = None  # also for `mtls`
    mtls: MtlsDecision | None = None  # between the caller and the workload, when both are given

    @property
    def partial(self) -> bool:
        return self.stopped is not None

    @property
    def partial_message(self) -> str:
        """What the partial answer left out: its ML0007 problem's message."""
        stop = next((p for p in self.problems if p.code == codes.CHECK_STOPPED), None)
        return stop.message if stop is not None else ""

    @property
    def trace_skipped_headline(self) -> str:
        return {
            CHECKER_FAILED: "The trace waits until the checker can read this text.",
            CHECK_STOPPED: "The trace did not run: the check stopped early.",
            UNREADABLE_YAML: "The trace waits until the YAML can be read.",
            NO_HOST: "No request was traced.",
        }.get(self.trace_skipped, "")

    @property
    def trace_skipped_detail(self) -> str:
        if self.trace_skipped == CHECKER_FAILED:
            return "It failed on this text; the failure has been logged."
        if self.trace_skipped == CHECK_STOPPED:
            return "This text needs more work than one check may do; check a part of it at a time."
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
            "partial": self.partial,
            "partial_message": self.partial_message or None,
            "not_checked_here": self.not_checked_here or None,
            "authorization": (
                self.authorization.as_dict() if self.authorization is not None else None
            ),
            "authorization_skipped": self.authorization_skipped,
            "mtls": self.mtls.as_dict() if self.mtls is not None else None,
        }


def check_config(
    text: object,
    request: Request | None = None,
    budget: WorkBudget | None = None,
    release: str | None = None,
    access: AccessRequest | None = None,
    mtls_pair: tuple[Workload, Workload] | None = None,
) -> LabResult:
    """Problems for `text` as for Istio `release` (the newest when None), the trace of
    `request` if it names a host, the AuthorizationPolicy decision for `access` and the mTLS
    of the connection `mtls_pair` (client, server) if given, within `budget` (a fresh
    WorkBudget by default). Never raises."""
    decision, skipped, stopped, note = None, None, None, ""
    authorization, authorization_skipped, mtls = None, None, None
    security_wanted = access is not None or mtls_pair is not None
    budget = budget if budget is not None else WorkBudget()
    trace_wanted = request is not None and bool(request.host.strip())
    try:
        with running(budget), checking_for(release):
            loaded = load_resources(text)
            checked = check_loaded(loaded, trace_wanted)
            problems, stopped = checked.problems, checked.stopped
            note = cluster_note(loaded.resources)
            unreadable = unreadable_problems(problems)
            if security_wanted:
                authorization, mtls, authorization_skipped = _security(
                    loaded.resources, access, mtls_pair, stopped, unreadable
                )
                if authorization_skipped == CHECK_STOPPED and stopped is None:
                    stopped = StoppedAt(TRACE, 0, 1, "steps")
                    problems = [stopped_problem(stopped, trace_wanted), *problems]
            if stopped is not None:
                skipped = CHECK_STOPPED
            elif unreadable:
                skipped = UNREADABLE_YAML
            elif not trace_wanted:
                skipped = NO_HOST
            else:
                try:
                    decision = route(loaded.resources, request, loaded.left_out)
                except OutOfBudget as out:
                    stopped, skipped = StoppedAt(TRACE, 0, 1, str(out)), CHECK_STOPPED
                    problems = [stopped_problem(stopped, trace_wanted), *problems]
    except OutOfBudget as out:  # spent outside a pass's own stop (not expected): still partial
        stopped, skipped, decision = StoppedAt(READING, 1, 1, str(out)), CHECK_STOPPED, None
        problems = [stopped_problem(stopped, trace_wanted)]
        unreadable = []
    except Exception:  # the checker is fuzzed not to raise; if it ever does, say so, not 500
        logger.exception("Istio checker failed")
        problems = unreadable = [FAILED_PROBLEM]
        decision, skipped, stopped = None, CHECKER_FAILED, None
    answered = authorization is not None or mtls is not None
    if security_wanted and not answered and authorization_skipped is None:
        authorization_skipped = skipped or CHECKER_FAILED
    result = LabResult(problems, decision, _counts(problems), unreadable, skipped, stopped)
    result.steps, result.not_checked_here = budget.steps, note
    result.authorization, result.authorization_skipped = authorization, authorization_skipped
    result.mtls = mtls
    return result


FAILED_PROBLEM = Problem(
    "error",
    codes.SEMANTIC,
    "",
    1,
    1,
    "The checker could not read this text (the failure has been logged).",
)


def _counts(problems: list[Problem]) -> dict[str, int]:
    counts = dict.fromkeys(SEVERITY_RANK, 0)
    for problem in problems:
        counts[problem.severity] += 1
    return counts


def _security(
    resources: list,
    access: AccessRequest | None,
    pair: tuple[Workload, Workload] | None,
    stopped: StoppedAt | None,
    unreadable: list[Problem],
) -> tuple[AuthzDecision | None, MtlsDecision | None, str | None]:
    """The access decision and the mTLS of the pair, unless part of the text was not read (the
    policies in it could decide otherwise)."""
    if stopped is not None:
        return None, None, CHECK_STOPPED
    if unreadable:
        return None, None, UNREADABLE_YAML
    try:
        authorization = authorize(resources, access) if access is not None else None
        mtls = connection(resources, *pair) if pair is not None else None
    except OutOfBudget:
        return None, None, CHECK_STOPPED
    return authorization, mtls, None


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
        with running():
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
    return suggested_route_host(resources)
