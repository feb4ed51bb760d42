"""`validate(text)`: every problem in a pasted Istio config, in reading order.

The steps: read the YAML safely (yamlsource), recognise each resource (resources), check its
fields against the schema (structure) and its own rules (rules), then check the resources
against each other (crossrefs).
"""

from __future__ import annotations

from . import problems as codes
from .crossrefs import check_references
from .problems import Problem, sort_key
from .resources import Loaded, load_resources
from .rules import check_rules
from .structure import check_tree

MAX_PROBLEMS = 200  # a paste with thousands of mistakes is better fixed from the top


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
    found = sorted(set(found), key=sort_key)
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
