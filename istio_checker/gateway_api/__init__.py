"""The Kubernetes Gateway API (`gateway.networking.k8s.io`) as Istio implements it: the field
tables of Gateway, HTTPRoute, GRPCRoute and ReferenceGrant (schema.py), the CEL rules and
formats of their CRDs and what Istio does with them (route_rules, filters, refs,
gateway_rules), the checks across resources (references) and the HTTPRoute trace with the
Gateway API's "most specific match wins" order (trace, precedence, hostnames). Pure Python.

The checker dispatches documents of this group here (resources.py, checks.py, routing.py).
"""

from __future__ import annotations

from ..problems import Problem
from .gateway_rules import check_gateway, check_reference_grant
from .references import check_references
from .route_rules import check_route
from .schema import GROUP

__all__ = ["GROUP", "check_references", "check_rules"]


def check_rules(resource) -> list[Problem]:
    """The rules of one Gateway API resource (its fields were checked against schema.py)."""
    spec = resource.spec
    out: list[Problem] = []
    if spec is None:
        return out
    if resource.kind in ("HTTPRoute", "GRPCRoute"):
        check_route(spec, resource.kind, out)
    elif resource.kind == "Gateway":
        check_gateway(spec, out)
    elif resource.kind == "ReferenceGrant":
        check_reference_grant(spec, out)
    return out
