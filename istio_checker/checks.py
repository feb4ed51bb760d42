"""`validate(text)`: every problem in a pasted Istio config, in reading order.

The steps: read the YAML safely (yamlsource), recognise each resource (resources), check its
fields against the schema (structure) and its own rules (rules), then check the resources
against each other (crossrefs).

All of them spend one work budget (budget.py). When it runs out, the check stops where it is
and answers with the problems found so far, plus one problem (ML0007) that says which
documents and which checks were left out: a partial answer, never a worker held for minutes.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from . import gateway_api
from . import problems as codes
from .budget import (
    FIELDS,
    MAX_SECONDS,
    READING,
    REFERENCES,
    STEPS,
    TRACE,
    OutOfBudget,
    StoppedAt,
    running,
)
from .crossrefs import check_references
from .problems import MAX_CHARS, Problem, sort_key
from .releases import checking_for
from .resources import Loaded, load_resources
from .rules import check_rules
from .structure import check_tree
from .webhook import check_webhook

MAX_PROBLEMS = 200  # a paste with thousands of mistakes is better fixed from the top
CROSS_CHECKS = "the checks across resources (IST0101, IST0109, IST0132, IST0145 and more)"


@dataclass
class Checked:
    problems: list[Problem]  # in reading order; the ML0007 problem first if the check stopped
    stopped: StoppedAt | None = None


def validate(text: object, release: str | None = None) -> list[Problem]:
    """Check one or more YAML documents as for Istio `release` (releases.RELEASES; the newest
    when None); never raises."""
    with running(), checking_for(release):
        return validate_loaded(load_resources(text))


def validate_loaded(loaded: Loaded) -> list[Problem]:
    return check_loaded(loaded).problems


def check_loaded(loaded: Loaded, trace_wanted: bool = False) -> Checked:
    """Every pass after reading, as far as the work budget goes. `trace_wanted`: a trace is to
    follow (the lab), so a stop before it says the trace is left out too."""
    found = list(loaded.problems)
    stopped = loaded.stopped
    if stopped is None:
        for resource in loaded.resources:
            try:
                spec = resource.root.get("spec")
                if spec is not None:
                    check_tree(spec, resource.schema.spec, "spec", found)
                if resource.group == gateway_api.GROUP:
                    found.extend(gateway_api.check_rules(resource))
                else:
                    found.extend(check_rules(resource))
                    found.extend(check_webhook(resource))
            except OutOfBudget as out:
                stopped = StoppedAt(FIELDS, resource.document, resource.root.line, str(out))
                break
    if stopped is None:
        try:
            istio = [r for r in loaded.resources if r.group != gateway_api.GROUP]
            check_references(istio, found)
            gateway_api.check_references(loaded.resources, found)
        except OutOfBudget as out:
            stopped = StoppedAt(REFERENCES, 0, 1, str(out))
    problems = _in_order(found)
    if stopped is not None:
        problems.insert(0, stopped_problem(stopped, trace_wanted))
    return Checked(problems, stopped)


def _in_order(found: list[Problem]) -> list[Problem]:
    found = sorted({_clipped(problem) for problem in found}, key=sort_key)
    if len(found) > MAX_PROBLEMS:
        rest = len(found) - MAX_PROBLEMS
        found = found[:MAX_PROBLEMS] + [
            Problem(
                "info",
                codes.SEMANTIC,
                "",
                found[MAX_PROBLEMS].line,
                1,
                f"{rest} more problems were left out; fix the ones above first.",
            )
        ]
    return found


def stopped_problem(stopped: StoppedAt, trace_wanted: bool) -> Problem:
    """The ML0007 problem of a check its work budget stopped: what it did not check."""
    where = f"document {stopped.document} (line {stopped.line})"
    left_out = {
        READING: [
            f"{where} and every document after it, which were not read",
            "the fields and rules of the documents before it",
            CROSS_CHECKS,
        ],
        FIELDS: [
            f"the fields and rules of the resource at line {stopped.line} (document "
            f"{stopped.document}) and of every resource after it",
            CROSS_CHECKS,
        ],
        REFERENCES: [CROSS_CHECKS + ", in part"],
        TRACE: [],
    }[stopped.stage]
    if trace_wanted or stopped.stage == TRACE:
        left_out.append("the route trace")
    why = (
        "needs more work than one check may do"
        if stopped.why == STEPS
        else f"took longer than the {MAX_SECONDS:g} s one check may take"
    )
    return Problem(
        "warning",
        codes.CHECK_STOPPED,
        "",
        stopped.line,
        1,
        f"The check stopped early: this text {why}. Not checked: {'; '.join(left_out)}. "
        "The other problems listed were found before it stopped.",
        "Check a part of the text at a time, e.g. one resource or a few.",
    )


def _clipped(problem: Problem) -> Problem:
    long = {
        name: getattr(problem, name)[: limit - 1] + "…"
        for name, limit in MAX_CHARS.items()
        if len(getattr(problem, name)) > limit
    }
    return replace(problem, **long) if long else problem
