"""A VirtualService's references to Gateways, checked against the Gateways pasted with it:

- IST0101 ReferencedResourceNotFound: a Gateway that does not exist (`mesh` is built in).
- IST0132 VirtualServiceHostNotFoundInGateway (warning): a Gateway named in the top-level
  `gateways` that serves none of the VirtualService's hosts, one message per Gateway, as
  istioctl gives it (istio/istio pkg/config/analysis/analyzers/virtualservice/gateways.go). A
  VirtualService bound to two Gateways, each serving some of its hosts, is fine. A server host
  `ns/host` counts only for VirtualServices in `ns` (`.`: the Gateway's own namespace; a
  resource without one is in `default`, as istioctl analyze reads files).

(https://istio.io/latest/docs/reference/config/analysis/). A VirtualService's hosts are checked
against the first MAX_GATEWAYS_CHECKED Gateways it names, so the work stays within a few
passes over its hosts however many Gateways it names.
"""

from __future__ import annotations

import heapq
from collections.abc import Iterable

from . import problems as codes
from .analyzers.mesh_hosts import DEFAULT_NAMESPACE
from .budget import spend
from .host_index import GatewayHosts, asked_host
from .hosts import gateway_name
from .node_readers import items, texts
from .problems import MAX_MESSAGE, Problem, clip
from .resources import Resource
from .schema import GW
from .yamlsource import Node

SOURCE = "istio/istio pkg/config/analysis/analyzers/virtualservice/gateways.go"
MAX_GATEWAYS_CHECKED = 8  # per VirtualService, for IST0132 (no real one names more than a few)


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


class GatewayIndex:
    """The Gateways by name and namespace, with each group's hosts indexed once per check."""

    def __init__(self, gateways: list[Resource]):
        self.any = bool(gateways)
        self._gateways = gateways
        self._by_name: dict[str, list[tuple[int, Resource]]] = {}
        self._by_name_and_namespace: dict[tuple[str, str], list[tuple[int, Resource]]] = {}
        for order, gw in enumerate(gateways):
            spend()
            self._by_name.setdefault(gw.name, []).append((order, gw))
            self._by_name_and_namespace.setdefault((gw.name, gw.namespace), []).append((order, gw))
        self._hosts: dict[tuple[int, str], GatewayHosts] = {}
        self._known: str | None = None

    def find(self, reference: str, namespace: str) -> list[list[tuple[int, Resource]]]:
        """The Gateways `reference` names, as at most two groups in written order: a reference
        with a namespace takes the Gateways of that namespace and those without one."""
        spend()
        wanted_namespace, wanted_name = gateway_name(reference, namespace)
        if not wanted_namespace:
            groups = [self._by_name.get(wanted_name)]
        else:
            groups = [
                self._by_name_and_namespace.get((wanted_name, "")),
                self._by_name_and_namespace.get((wanted_name, wanted_namespace)),
            ]
        return [group for group in groups if group]

    def hosts(self, group: list[tuple[int, Resource]], namespace: str) -> GatewayHosts:
        """The group's server hosts that a VirtualService in `namespace` may bind to."""
        key = (id(group), namespace)
        index = self._hosts.get(key)
        if index is None:
            index = self._hosts[key] = GatewayHosts(
                host
                for _, gw in group
                for host in _server_hosts(gw)
                if _visible(host, gw.namespace or DEFAULT_NAMESPACE, namespace)
            )
        return index

    def hosts_text(self, found: list[list[tuple[int, Resource]]], limit: int) -> str:
        """The found Gateways' server hosts in written order, comma-separated, cut past
        `limit` characters (the answer shows no more)."""
        shown: list[str] = []
        length = 0
        for _, gw in heapq.merge(*found, key=lambda entry: entry[0]):
            for host in _server_hosts(gw):
                spend()
                shown.append(clip(host, limit))
                length += len(shown[-1]) + 2
                if length > limit + 2:
                    return ", ".join(shown)
        return ", ".join(shown)

    def known_names(self) -> str:
        if self._known is None:
            names = sorted({gw.name for gw in self._gateways if gw.name})
            spend(len(names))
            self._known = clip(", ".join(names), MAX_MESSAGE)
        return self._known


def _visible(host: str, gateway_namespace: str, namespace: str) -> bool:
    """May a VirtualService in `namespace` bind to this server host (`ns/host`: only from
    namespace `ns`; `./host`: from the Gateway's own; `*/host` or no `/`: from any)?"""
    scope, slash, _ = host.partition("/")
    if not slash or scope == "*":
        return True
    return (gateway_namespace if scope == "." else scope) == namespace


def _server_hosts(gw: Resource) -> Iterable[str]:
    for server in items(gw.spec.get("servers")):
        yield from texts(server.get("hosts"))


def check_gateways(vs: Resource, gateways: GatewayIndex) -> list[Problem]:
    out = []
    reported: set[str] = set()
    checked: set[str] = set()  # references whose hosts have been compared already
    hosts: list[tuple[str, str]] | None = None  # the VirtualService's hosts, read once
    for reference, node, top_level in _gateway_references(vs):
        spend()
        if reference == "mesh" or reference in reported:
            continue
        found = gateways.find(reference, vs.namespace)
        shown = clip(reference, MAX_MESSAGE)
        if not found:
            reported.add(reference)
            out.append(_missing_gateway(shown, node, gateways))
            continue
        # istioctl compares the hosts for the top-level `gateways` only, once per reference.
        if not top_level or reference in checked:
            continue
        checked.add(reference)
        if hosts is None:
            hosts = [asked_host(host) for host in texts(vs.spec.get("hosts"))]
        if len(checked) <= MAX_GATEWAYS_CHECKED:
            namespace = vs.namespace or DEFAULT_NAMESPACE
            served = [gateways.hosts(group, namespace) for group in found]
            if hosts and not any(index.admit(host) for host in hosts for index in served):
                out.append(_no_host_in_gateway(vs, node, shown, found, gateways))
        elif len(checked) == MAX_GATEWAYS_CHECKED + 1:
            out.append(
                Problem(
                    "info",
                    codes.SEMANTIC,
                    "spec.gateways",
                    node.line,
                    node.column,
                    f"This VirtualService names more than {MAX_GATEWAYS_CHECKED} Gateways; its "
                    f"hosts were checked against the first {MAX_GATEWAYS_CHECKED} only.",
                )
            )
    return out


def _no_host_in_gateway(
    vs: Resource,
    node: Node,
    reference: str,
    found: list[list[tuple[int, Resource]]],
    gateways: GatewayIndex,
) -> Problem:
    """IST0132: none of the VirtualService's hosts is served by the Gateway `node` names."""
    listed = gateways.hosts_text(found, MAX_MESSAGE) or "none"
    own = _joined(texts(vs.spec.get("hosts")), MAX_MESSAGE)
    return Problem(
        "warning",
        codes.HOST_NOT_IN_GATEWAY,
        "spec.gateways",
        node.line,
        node.column,
        f"Gateway `{reference}` serves none of this VirtualService's hosts ({own}); its hosts "
        f"are {listed}. Requests through that Gateway never reach these routes.",
        "Add a host to one of the Gateway's servers, or fix the VirtualService's hosts. "
        "(istioctl reports this only when no host matches; a VirtualService bound to several "
        f"Gateways may serve each host through one of them.) See {GW}#Server ({SOURCE})",
    )


def _joined(values: list[str], limit: int) -> str:
    shown: list[str] = []
    length = 0
    for value in values:
        spend()
        shown.append(clip(value, limit))
        length += len(shown[-1]) + 2
        if length > limit + 2:
            break
    return ", ".join(shown)


def _missing_gateway(shown: str, node: Node, gateways: GatewayIndex) -> Problem:
    """IST0101 for a named Gateway: an error when other Gateways are here, else only a note
    (it may well exist in the cluster)."""
    if gateways.any:
        known = gateways.known_names()
        return Problem(
            "error",
            codes.REFERENCED_RESOURCE_NOT_FOUND,
            "spec.gateways",
            node.line,
            node.column,
            f"Gateway `{shown}` is not defined; the Gateways here are {known}.",
            "Use a Gateway's metadata.name (or namespace/name); `mesh` means the "
            "sidecars and needs no Gateway.",
        )
    return Problem(
        "info",
        codes.REFERENCED_RESOURCE_NOT_FOUND,
        "spec.gateways",
        node.line,
        node.column,
        f"Gateway `{shown}` is not in this text, so it cannot be checked here.",
        "In the cluster it must exist, or istioctl analyze reports IST0101 and the "
        f"routes are not applied. See {GW}",
    )
