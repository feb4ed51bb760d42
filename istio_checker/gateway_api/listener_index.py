"""A Gateway's listeners indexed once, so that routes naming the Gateway are checked and traced
in time linear in the text: a route's parentRef looks its listener up by sectionName, or asks
a summary of the listeners on one port (or on all), instead of walking every listener.

A summary answers "does any of these listeners take routes from namespace N?" and "does a
route hostname meet any of their hostnames?" (hostnames.intersect, without the walk): a
listener without hostname meets every route hostname; an exact or wildcard route hostname is
looked up among the listeners' hostnames and the suffixes of their names, a few labels each.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from ..budget import spend, spend_text
from ..node_readers import items, text
from ..yamlsource import Node


@dataclass
class Summary:
    listeners: list[Node] = field(default_factory=list)
    open_namespaces: bool = False  # a listener takes routes from every (or selected) namespace
    any_hostname: bool = False  # a listener has no hostname
    hostnames: set[str] = field(default_factory=set)
    suffixes: set[str] = field(default_factory=set)  # ".b.c" for a listener hostname a.b.c

    def add(self, listener: Node) -> None:
        spend()
        self.listeners.append(listener)
        self.open_namespaces = self.open_namespaces or from_namespaces(listener) != "Same"
        hostname = text(listener.get("hostname"))
        if not hostname:
            self.any_hostname = True
            return
        spend_text(hostname)
        self.hostnames.add(hostname)
        labels = hostname.split(".")
        for start in range(1, len(labels)):
            self.suffixes.add("." + ".".join(labels[start:]))

    def meets(self, route_hosts: list[str]) -> bool:
        if not route_hosts or self.any_hostname:
            return bool(self.listeners)
        for host in route_hosts:
            spend_text(host)
            if host in self.hostnames:
                return True
            if host.startswith("*.") and host[1:] in self.suffixes:
                return True  # a listener name under the route's wildcard
            labels = host.split(".")
            if any(
                "*." + ".".join(labels[start:]) in self.hostnames for start in range(1, len(labels))
            ):
                return True  # a listener wildcard over the route's name
        return False


@dataclass
class ListenerIndex:
    by_name: dict[str, Node] = field(default_factory=dict)
    by_port: dict[int | None, Summary] = field(default_factory=dict)
    every: Summary = field(default_factory=Summary)


def from_namespaces(listener: Node) -> str:
    allowed = listener.get("allowedRoutes")
    spaces = allowed.get("namespaces") if allowed is not None and allowed.is_map else None
    return (text(spaces.get("from")) if spaces is not None and spaces.is_map else None) or "Same"


def index_listeners(gateway_spec: Node | None) -> ListenerIndex:
    index = ListenerIndex()
    for listener in items(gateway_spec.get("listeners") if gateway_spec is not None else None):
        if not listener.is_map:
            continue
        index.by_name.setdefault(text(listener.get("name")) or "", listener)
        index.by_port.setdefault(port_number(listener), Summary()).add(listener)
        index.every.add(listener)
    return index


def summary_for(index: ListenerIndex, section: str, port: int | None) -> Summary:
    """The listeners a parentRef with this sectionName and port names."""
    if section:
        summary = Summary()
        listener = index.by_name.get(section)
        if listener is not None and (port is None or port_number(listener) == port):
            summary.add(listener)
        return summary
    if port is not None:
        return index.by_port.get(port, Summary())
    return index.every


def port_number(listener: Node) -> int | None:
    port = listener.get("port")
    value = port.value if port is not None and port.is_scalar else None
    return value if isinstance(value, int) and not isinstance(value, bool) else None
