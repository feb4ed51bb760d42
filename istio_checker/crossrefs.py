"""Checks across the resources pasted together, named after the `istioctl analyze` messages
they mirror (https://istio.io/latest/docs/reference/config/analysis/):

- IST0101 ReferencedResourceNotFound: a route to a subset no DestinationRule defines, a
  Gateway that does not exist (`mesh` is built in and always exists).
- IST0109 ConflictingMeshGatewayVirtualServiceHosts: two VirtualServices for one host in the mesh
  (analyzers/mesh_hosts.py).
- IST0132 VirtualServiceHostNotFoundInGateway: a host the bound Gateway does not serve.
- IST0145 ConflictingGateways: two Gateways claim the same port and host on the same workload
  (analyzers/conflicting_gateways.py).

A reference to something that is simply not in the pasted text is reported as `info` (it may
well exist in the cluster); a reference the pasted resources contradict is an error.

Every check looks hosts up in indexes (host_index.py) instead of comparing each host with every
other, and quotes names shared by many problems already clipped (problems.clip), so each is
linear in the pasted resources. The checks of a VirtualService's Gateway references (IST0101
for a Gateway, IST0132) are in gateway_references.py; the other analyzers that need only the
text are in analyzers/ (run from here, after these).
"""

from __future__ import annotations

from collections.abc import Iterable

from . import problems as codes
from .analyzers import check_analyzers
from .analyzers.conflicting_gateways import check_gateway_conflicts
from .analyzers.mesh_hosts import check_mesh_host_conflicts
from .budget import memo, spend
from .gateway_references import GatewayIndex, check_gateways
from .host_index import (
    DestinationRuleIndex,
    RulesForHost,
)
from .node_readers import items, text
from .problems import MAX_MESSAGE, Problem, clip
from .resources import Resource
from .schema import DR
from .yamlsource import Node

SUBSET_DOC = DR + "#Subset"


def check_references(resources: list[Resource], out: list[Problem] | None = None) -> list[Problem]:
    """The problems across `resources`, appended to `out` as they are found (so that a check
    stopped by its work budget keeps those found before), and returned."""
    out = [] if out is None else out
    virtual_services = [r for r in resources if r.kind == "VirtualService" and r.spec is not None]
    destination_rules = [r for r in resources if r.kind == "DestinationRule" and r.spec is not None]
    gateways = [r for r in resources if r.kind == "Gateway" and r.spec is not None]
    rules_index = destination_rule_index(destination_rules)
    gateway_index = GatewayIndex(gateways)
    for vs in virtual_services:
        spend()
        out.extend(_check_subsets(vs, rules_index))
        out.extend(check_gateways(vs, gateway_index))
    out.extend(check_mesh_host_conflicts(virtual_services))
    out.extend(check_gateway_conflicts(gateways))
    check_analyzers(resources, out)
    return out


def destinations(spec: Node) -> Iterable[tuple[str, Node]]:
    """Every `destination` map of a VirtualService spec, with its path."""
    for protocol in ("http", "tcp", "tls"):
        for index, rule in enumerate(items(spec.get(protocol))):
            path = f"spec.{protocol}[{index}]"
            for route_index, entry in enumerate(items(rule.get("route"))):
                destination = entry.get("destination")
                if destination is not None and destination.is_map:
                    yield f"{path}.route[{route_index}].destination", destination
            mirror = rule.get("mirror")
            if mirror is not None and mirror.is_map:
                yield f"{path}.mirror", mirror
            for mirror_index, entry in enumerate(items(rule.get("mirrors"))):
                destination = entry.get("destination")
                if destination is not None and destination.is_map:
                    yield f"{path}.mirrors[{mirror_index}].destination", destination


def destination_rule_index(destination_rules: list[Resource]) -> DestinationRuleIndex:
    """The DestinationRules by host, built once per check (the trace asks it too)."""
    key = ("destination-rules", tuple(id(dr) for dr in destination_rules))
    index = memo().get(key)
    if index is None:
        index = memo()[key] = DestinationRuleIndex(
            destination_rules,
            lambda dr: text(dr.spec.get("host")),
            _named_subsets,
        )
    return index


def _named_subsets(dr: Resource) -> Iterable[tuple[str, Node]]:
    for subset in items(dr.spec.get("subsets")):
        name = text(subset.get("name"))
        if name is not None:
            yield name, subset


def subsets_for(host: str, namespace: str, index: DestinationRuleIndex) -> RulesForHost:
    """The DestinationRules for `host` (`.first` of them) and the subsets they define."""
    spend()
    return index.for_host(host, namespace)


def _check_subsets(vs: Resource, rules_index: DestinationRuleIndex) -> list[Problem]:
    out = []
    reported_missing_rule: set[str] = set()
    for path, destination in destinations(vs.spec):
        spend()
        host, subset = text(destination.get("host")), text(destination.get("subset"))
        if not host or not subset:
            continue
        subset_node = destination.get("subset")
        rules = subsets_for(host, vs.namespace, rules_index)
        if rules and rules.subset(subset) is None:
            names = rules.names(MAX_MESSAGE) or "no subsets"
            first = rules.first
            out.append(
                Problem(
                    "error",
                    codes.REFERENCED_RESOURCE_NOT_FOUND,
                    f"{path}.subset",
                    subset_node.line,
                    subset_node.column,
                    f"Subset `{subset}` of host `{host}` is not defined: DestinationRule "
                    f"{clip(first.name or host, MAX_MESSAGE)} (line {first.root.line}) "
                    f"defines {names}.",
                    f"Add `- name: {subset}` with its pod labels to that DestinationRule, "
                    "or route to a subset it has. Until then Envoy has no cluster for it and "
                    f"answers 503 (response flag NC). See {SUBSET_DOC}",
                )
            )
        elif not rules and host not in reported_missing_rule:
            reported_missing_rule.add(host)
            out.append(
                Problem(
                    "info",
                    codes.REFERENCED_RESOURCE_NOT_FOUND,
                    f"{path}.subset",
                    subset_node.line,
                    subset_node.column,
                    f"No DestinationRule for `{host}` is in this text, so subset `{subset}` cannot "
                    "be checked here.",
                    "In the cluster a DestinationRule must define it, or istioctl analyze reports "
                    f"IST0101 and requests fail with 503. See {SUBSET_DOC}",
                )
            )
    return out
