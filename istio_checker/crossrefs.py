"""Checks across the resources pasted together, named after the `istioctl analyze` messages
they mirror (https://istio.io/latest/docs/reference/config/analysis/):

- IST0101 ReferencedResourceNotFound: a route to a subset no DestinationRule defines, a
  Gateway that does not exist (`mesh` is built in and always exists).
- IST0109 ConflictingMeshGatewayVirtualServiceHosts: two VirtualServices for one host in the mesh.
- IST0132 VirtualServiceHostNotFoundInGateway: a host the bound Gateway does not serve.
- IST0145 ConflictingGateways: two Gateways claim the same port and host on the same workload.

A reference to something that is simply not in the pasted text is reported as `info` (it may
well exist in the cluster); a reference the pasted resources contradict is an error.
"""

from __future__ import annotations

from collections.abc import Iterable

from . import problems as codes
from .hosts import covers, gateway_name, same_service
from .problems import Problem
from .resources import Resource
from .rules import items, text, texts
from .schema import DR, GW
from .yamlsource import Node

SUBSET_DOC = DR + "#Subset"


def check_references(resources: list[Resource]) -> list[Problem]:
    virtual_services = [r for r in resources if r.kind == "VirtualService" and r.spec is not None]
    destination_rules = [r for r in resources if r.kind == "DestinationRule" and r.spec is not None]
    gateways = [r for r in resources if r.kind == "Gateway" and r.spec is not None]
    out: list[Problem] = []
    for vs in virtual_services:
        out.extend(_check_subsets(vs, destination_rules))
        out.extend(_check_gateways(vs, gateways))
    out.extend(_check_mesh_host_conflicts(virtual_services))
    out.extend(_check_gateway_conflicts(gateways))
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


def subsets_for(
    host: str, namespace: str, destination_rules: list[Resource]
) -> tuple[list[Resource], dict[str, Node]]:
    """The DestinationRules for `host` and the subsets they define (name → subset node)."""
    rules = [
        dr
        for dr in destination_rules
        if text(dr.spec.get("host"))
        and same_service(text(dr.spec.get("host")), host, dr.namespace, namespace)
    ]
    defined: dict[str, Node] = {}
    for dr in rules:
        for subset in items(dr.spec.get("subsets")):
            name = text(subset.get("name"))
            if name is not None:
                defined.setdefault(name, subset)
    return rules, defined


def _check_subsets(vs: Resource, destination_rules: list[Resource]) -> list[Problem]:
    out = []
    reported_missing_rule: set[str] = set()
    for path, destination in destinations(vs.spec):
        host, subset = text(destination.get("host")), text(destination.get("subset"))
        if not host or not subset:
            continue
        subset_node = destination.get("subset")
        rules, defined = subsets_for(host, vs.namespace, destination_rules)
        if rules and subset not in defined:
            names = ", ".join(sorted(defined)) or "no subsets"
            out.append(
                Problem(
                    "error",
                    codes.REFERENCED_RESOURCE_NOT_FOUND,
                    f"{path}.subset",
                    subset_node.line,
                    subset_node.column,
                    f"Subset `{subset}` of host `{host}` is not defined: DestinationRule "
                    f"{rules[0].name or host} (line {rules[0].root.line}) defines {names}.",
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


def _gateway_references(vs: Resource) -> Iterable[tuple[str, Node, bool]]:
    """(reference, node, is_top_level) for every gateway a VirtualService names."""
    for item in items(vs.spec.get("gateways")):
        if item.text():
            yield item.text(), item, True
    for protocol in ("http", "tcp", "tls"):
        for rule in items(vs.spec.get(protocol)):
            for block in items(rule.get("match")):
                for item in items(block.get("gateways")):
                    if item.text():
                        yield item.text(), item, False


def find_gateways(reference: str, namespace: str, gateways: list[Resource]) -> list[Resource]:
    wanted_namespace, wanted_name = gateway_name(reference, namespace)
    return [
        gw
        for gw in gateways
        if gw.name == wanted_name
        and (not wanted_namespace or not gw.namespace or gw.namespace == wanted_namespace)
    ]


def _check_gateways(vs: Resource, gateways: list[Resource]) -> list[Problem]:
    out = []
    reported: set[str] = set()
    for reference, node, top_level in _gateway_references(vs):
        if reference == "mesh" or reference in reported:
            continue
        found = find_gateways(reference, vs.namespace, gateways)
        if not found:
            reported.add(reference)
            if gateways:
                known = ", ".join(sorted({gw.name for gw in gateways if gw.name}))
                out.append(
                    Problem(
                        "error",
                        codes.REFERENCED_RESOURCE_NOT_FOUND,
                        "spec.gateways",
                        node.line,
                        node.column,
                        f"Gateway `{reference}` is not defined; the Gateways here are {known}.",
                        "Use a Gateway's metadata.name (or namespace/name); `mesh` means the "
                        "sidecars and needs no Gateway.",
                    )
                )
            else:
                out.append(
                    Problem(
                        "info",
                        codes.REFERENCED_RESOURCE_NOT_FOUND,
                        "spec.gateways",
                        node.line,
                        node.column,
                        f"Gateway `{reference}` is not in this text, so it cannot be checked here.",
                        "In the cluster it must exist, or istioctl analyze reports IST0101 and the "
                        f"routes are not applied. See {GW}",
                    )
                )
            continue
        if top_level:
            out.extend(_check_hosts_in_gateway(vs, reference, found))
    return out


def _check_hosts_in_gateway(vs: Resource, reference: str, found: list[Resource]) -> list[Problem]:
    server_hosts = [
        host
        for gw in found
        for server in items(gw.spec.get("servers"))
        for host in texts(server.get("hosts"))
    ]
    out = []
    for item in items(vs.spec.get("hosts")):
        vs_host = item.text()
        if not vs_host:
            continue
        if not any(covers(host, vs_host) or covers(vs_host, host) for host in server_hosts):
            out.append(
                Problem(
                    "warning",
                    codes.HOST_NOT_IN_GATEWAY,
                    "spec.hosts",
                    item.line,
                    item.column,
                    f"Host `{vs_host}` is not served by Gateway `{reference}` (its hosts: "
                    f"{', '.join(server_hosts) or 'none'}), so requests for it never reach "
                    "these routes through that Gateway.",
                    "Add the host to one of the Gateway's servers, or fix the VirtualService "
                    f"host. See {GW}#Server",
                )
            )
    return out


def _applies_to_mesh(vs: Resource) -> bool:
    gateways = texts(vs.spec.get("gateways"))
    return not gateways or "mesh" in gateways


def _check_mesh_host_conflicts(virtual_services: list[Resource]) -> list[Problem]:
    out = []
    claimed: list[tuple[str, Resource]] = []
    for vs in virtual_services:
        if not _applies_to_mesh(vs):
            continue
        for item in items(vs.spec.get("hosts")):
            host = item.text()
            if not host:
                continue
            earlier = next(
                (
                    other
                    for other_host, other in claimed
                    if other is not vs
                    and same_service(other_host, host, other.namespace, vs.namespace)
                    and (not other.namespace or not vs.namespace or other.namespace == vs.namespace)
                ),
                None,
            )
            if earlier is not None:
                out.append(
                    Problem(
                        "error",
                        codes.CONFLICTING_MESH_GATEWAY_HOSTS,
                        "spec.hosts",
                        item.line,
                        item.column,
                        f"VirtualService {earlier.name or '(unnamed)'} (line {earlier.root.line}) "
                        f"already routes `{host}` for the sidecars; sidecars use only one of them.",
                        "Merge the two into one VirtualService per host.",
                    )
                )
            claimed.append((host, vs))
    return out


def _check_gateway_conflicts(gateways: list[Resource]) -> list[Problem]:
    out = []
    seen: list[tuple[Resource, dict, int, str]] = []
    for gw in gateways:
        selector = gw.spec.get("selector")
        selector_value = selector.plain() if selector is not None else {}
        for server in items(gw.spec.get("servers")):
            port = server.get("port")
            number = (
                port.get("number").value
                if port is not None and port.get("number") is not None
                else None
            )
            for item in items(server.get("hosts")):
                host = item.text()
                if not host:
                    continue
                clash = next(
                    (
                        other
                        for other, other_selector, other_port, other_host in seen
                        if other is not gw
                        and other_selector == selector_value
                        and other_port == number
                        and (covers(other_host, host) or covers(host, other_host))
                    ),
                    None,
                )
                if clash is not None:
                    out.append(
                        Problem(
                            "error",
                            codes.CONFLICTING_GATEWAYS,
                            "spec.servers",
                            item.line,
                            item.column,
                            f"Gateway {clash.name} (line {clash.root.line}) already serves "
                            f"`{host}` on port {number} of the same gateway workload.",
                            "Keep each host and port in one Gateway, or select different "
                            "gateway workloads.",
                        )
                    )
                seen.append((gw, selector_value, number, host))
    return out
