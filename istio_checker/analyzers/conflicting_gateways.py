"""IST0145 ConflictingGateways (error), as `istioctl analyze` finds it (istio/istio
pkg/config/analysis/analyzers/gateway/conflictinggateway.go, with pilot/pkg/model/gateway.go
CheckDuplicates): two Gateways with the same selector whose servers on one port number list
the same host, written the same way (`ns/` included), with the same `bind`. Each such server
gets one message, on each Gateway, as istioctl gives.

A wildcard and a host under it (`*.example.com` and `shop.example.com`) are not a conflict:
Envoy picks the most specific host, and Istio accepts the pair. Selectors that differ but
select the same pods need the cluster's pods (istioctl looks them up); that case is left out.
Linear: one dictionary entry per (selector, port, bind, host).
"""

from __future__ import annotations

from .. import problems as codes
from ..budget import spend, spend_text
from ..host_index import frozen
from ..node_readers import items, text
from ..problems import MAX_MESSAGE, Problem, clip
from ..resources import Resource
from ..schema import GW

SOURCE = "istio/istio pkg/config/analysis/analyzers/gateway/conflictinggateway.go"
_NAMED = 3


def check_gateway_conflicts(gateways: list[Resource]) -> list[Problem]:
    claims: dict[tuple, list[Resource]] = {}  # (selector, port, bind, host) -> Gateways
    servers = []
    for gw in gateways:
        selector = gw.spec.get("selector")
        workload = frozen(selector.plain() if selector is not None else {})
        for server in items(gw.spec.get("servers")):
            spend()
            if not server.is_map:
                continue
            port = server.get("port")
            number = port.get("number") if port is not None and port.is_map else None
            if number is None or not isinstance(number.value, int):
                continue
            bind = text(server.get("bind")) or ""
            keys = []
            for item in items(server.get("hosts")):
                host = item.text()
                if not host:
                    continue
                spend_text(host)
                key = (workload, number.value, bind, host)
                owners = claims.setdefault(key, [])
                if not owners or owners[-1] is not gw:
                    owners.append(gw)
                keys.append((key, item))
            servers.append((gw, server, number.value, keys))
    out = []
    for gw, server, number, keys in servers:
        spend()
        for key, item in keys:
            others = [other for other in claims[key][: _NAMED + 1] if other is not gw]
            if others:
                out.append(_conflict(server, item, number, others[:_NAMED]))
                break  # one message per server, as istioctl
    return out


def _conflict(server, item, number: int, others: list[Resource]) -> Problem:
    named = ", ".join(
        f"{clip(other.name or '(unnamed)', MAX_MESSAGE)} (line {other.root.line})"
        for other in others
    )
    return Problem(
        "error",
        codes.CONFLICTING_GATEWAYS,
        "spec.servers",
        item.line,
        item.column,
        f"Gateway {named} already serves `{clip(item.text(), MAX_MESSAGE)}` on port {number} "
        "of the same gateway workload (the same selector); Istio keeps only one of the servers.",
        "Keep each host and port in one Gateway, or select different gateway workloads. "
        f"See {GW}#Server ({SOURCE})",
    )
