"""A route probe through a gateway (route_probes.py): whether the named Gateway would take the
request at all, and what a gateway does with a host no route bound to it takes. Pure Python.

A request through a gateway needs a Gateway of that name whose `selector` matches one of the
task's workloads (the gateway's pods) and a server on its port, else it never reaches a gateway;
when no server there accepts the host, or no route bound to the gateway takes it, the gateway
answers 404 itself (https://istio.io/latest/docs/reference/config/networking/gateway/).
"""

from __future__ import annotations

import dataclasses

from istio_checker.budget import spend
from istio_checker.hosts import covers, gateway_name, strip_port
from istio_checker.node_readers import items, text, texts
from istio_checker.routing import RouteDecision
from istio_checker.yamlsource import Node

# How gateway_refuses starts when the gateway listens on the port but refuses the host.
NOT_ACCEPTED = "no server that listens"
GATEWAY_API_GROUP = "gateway.networking.k8s.io"


def gateway_refuses(config, reference: str, host: str, port) -> str:
    """Why the named gateway would not take this request ("" when it would)."""
    namespace, name = gateway_name(reference)
    found = []
    for resource in config.resources:
        spend()
        same_namespace = not namespace or not resource.namespace or resource.namespace == namespace
        if resource.kind == "Gateway" and resource.name == name and same_namespace:
            found.append(resource)
    if not found:
        return f"no Gateway {reference} in the config: the request never reaches a gateway"
    gateway = found[0]
    if gateway.group == GATEWAY_API_GROUP:
        return ""  # a Gateway API Gateway: the HTTPRoute trace checks its listeners
    spec = gateway.spec
    selector = spec.get("selector") if spec is not None else None
    labels = _plain_labels(selector)
    if not any(selects(labels, workload.labels) for workload in config.task.workloads):
        return f"the selector of Gateway {reference} matches none of the task's pods"
    bare_host, host_port = strip_port(host)
    port = port or host_port
    listening = False
    for server in items(spec.get("servers") if spec is not None else None):
        spend()
        server_port = server.get("port")
        number = server_port.get("number") if server_port is not None else None
        if port is not None and (number is None or number.value != port):
            continue
        listening = True
        if any(covers(pattern, bare_host) for pattern in texts(server.get("hosts"))):
            return ""
    # A Gateway opens only the ports of its servers (istio.io .../networking/gateway/#Server):
    # on another port no listener answers, so there is no 404 either.
    if not listening:
        return f"no server of Gateway {reference} listens on port {port}: the connection fails"
    return f"{NOT_ACCEPTED} on Gateway {reference} accepts host {host}: the gateway answers 404"


def not_accepted(expect: dict, why: str) -> tuple[bool, str]:
    """The gateway's pods listen on the port but no server there takes the host: Envoy has no
    virtual host for it and answers 404 itself. Only `outcome: not_accepted` and `status: 404` can
    hold; any expectation about where the request goes fails."""
    answered = {"outcome": "not_accepted", "status": 404}
    holds = all(key in answered and expect[key] == answered[key] for key in expect)
    return holds, f"not_accepted: {why}"


def at_gateway(decision: RouteDecision) -> RouteDecision:
    """A gateway routes only what the routes bound to it say: a host no VirtualService (or
    HTTPRoute) routes there has no route in the gateway's Envoy, which answers 404 itself
    (flag NR), unlike a sidecar, which sends it to the service as it is
    (https://istio.io/latest/docs/reference/config/networking/gateway/: a Gateway's traffic
    is routed by VirtualServices bound to it)."""
    if decision.outcome == "no_virtual_service":
        return dataclasses.replace(
            decision,
            outcome="no_route",
            status=404,
            summary=f"No route bound to this gateway takes `{decision.host}`: the gateway "
            "answers 404.",
        )
    if decision.outcome == "not_applicable" and decision.status is None:
        return dataclasses.replace(decision, status=404)
    return decision


def _plain_labels(node: Node | None) -> dict:
    if node is None or not node.is_map:
        return {}
    return {key: text(value) for key, _, value in node.entries()}


def selects(selector: dict, labels: dict) -> bool:
    """A Kubernetes equality selector: every label of it, with the same value. An empty
    selector selects every pod (as Istio reads a Gateway's)."""
    spend(1 + len(selector))
    return all(labels.get(key) == value for key, value in selector.items())
