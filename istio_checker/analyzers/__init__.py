"""The `istioctl analyze` analyzers that need only the pasted text, one module per family, each
citing the Istio analyzer it follows (docs/lab-checks.md lists them with their codes):

- unreachable_rules: IST0130, IST0131 (and the lab's ML0040) within one VirtualService
- mesh_hosts: IST0109 across VirtualServices
- selectors: IST0110, IST0111, IST0159, IST0160 across Sidecars and Telemetries
- service_entries: IST0177 across ServiceEntries
- resource_rules: IST0128, IST0129, IST0151-IST0154, IST0157 in one resource
- cluster_state: the checks that need the cluster, named instead of run

IST0101, IST0132 and IST0145 live in crossrefs.py and gateway_references.py.
"""

from __future__ import annotations

from ..problems import Problem
from ..resources import Resource
from .resource_rules import check_resource_rules
from .selectors import check_selectors
from .service_entries import check_service_entry_protocols


def check_analyzers(resources: list[Resource], out: list[Problem]) -> None:
    """The text-only analyzers not tied to VirtualService references, appended to `out`."""
    out.extend(check_resource_rules(resources))
    out.extend(check_selectors(resources))
    out.extend(check_service_entry_protocols(resources))
