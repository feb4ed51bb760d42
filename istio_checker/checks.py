"""`validate(text)`: every problem in a pasted Istio config, in reading order.

The steps: read the YAML safely (yamlsource), recognise each resource (resources), check its
fields against the schema (structure) and its own rules (rules), then check the resources
against each other (crossrefs).
"""

from __future__ import annotations

from dataclasses import replace

from . import problems as codes
from .crossrefs import check_references
from .problems import Problem, sort_key
from .resources import Loaded, load_resources
from .rules import check_rules
from .structure import check_tree

MAX_PROBLEMS = 200  # a paste with thousands of mistakes is better fixed from the top
# Messages quote the learner's own keys and values; a 100 KB key must not make a 100 KB message.
MAX_CHARS = {"path": 300, "message": 600, "hint": 1200}


def validate(text: object) -> list[Problem]:
    """Check one or more YAML documents; never raises."""
    return validate_loaded(load_resources(text))


def validate_loaded(loaded: Loaded) -> list[Problem]:
    found = list(loaded.problems)
    for resource in loaded.resources:
        spec = resource.root.get("spec")
        if spec is not None:
            check_tree(spec, resource.schema.spec, "spec", found)
        found.extend(check_rules(resource))
    found.extend(check_references(loaded.resources))
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


def _clipped(problem: Problem) -> Problem:
    long = {
        name: getattr(problem, name)[: limit - 1] + "…"
        for name, limit in MAX_CHARS.items()
        if len(getattr(problem, name)) > limit
    }
    return replace(problem, **long) if long else problem
