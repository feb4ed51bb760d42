"""Which HTTPRoute rule would this request take? The Gateway API's answer, as Istio programs it.

1. The parent: through a Gateway (the sample request's `gateway`, or the one Gateway the routes
   name), or, for the mesh, the Service a route names as parent (GAMMA: the route applies to
   requests to that Service, and its `hostnames` are not used).
2. At a Gateway, each route serves the intersection of its hostnames with its listeners'
   (hostnames.py); the request's Host picks the most specific of those hostnames, and only the
   routes on it are tried.
3. Their matches are tried in the Gateway API's precedence order (precedence.py), the first
   that holds wins (trace_conditions.py); none: Envoy answers 404 (NR).
4. The winning rule's filters and weighted backends make the answer (trace_effects.py).

The answer has the shape of a VirtualService trace (route_decision.py), so the lab draws it the
same way: each `RuleTrace` is one match, in the order tried, `name` says which route, rule and
match it is, and `why` what puts it where it is. Linear in the routes' matches (one sort).
"""

from __future__ import annotations

from dataclasses import dataclass

from ..budget import spend
from ..hosts import strip_port
from ..match_conditions import Sample
from ..node_readers import items, text, texts
from ..route_decision import MatchBlock, Request, RouteDecision, RuleTrace
from ..yamlsource import Node
from . import hostnames
from .listener_index import index_listeners, port_number, summary_for
from .precedence import Key, key_of, why_ahead
from .refs import ParentRef, parent_refs
from .trace_conditions import conditions
from .trace_effects import apply_rule

ROUTE_KINDS = ("HTTPRoute",)


@dataclass
class Candidate:
    route: object  # resources.Resource
    rule_index: int
    rule: Node
    match_index: int | None  # None: the rule has no matches (the defaulted PathPrefix /)
    match: Node | None
    key: Key

    @property
    def label(self) -> str:
        where = f"HTTPRoute {self.route.name} rules[{self.rule_index}]"
        name = text(self.rule.get("name"))
        where += f" ({name})" if name else ""
        return where + (
            f" matches[{self.match_index}]"
            if self.match_index is not None
            else " (no matches: PathPrefix /)"
        )


def has_routes(resources: list) -> bool:
    return any(r.kind in ROUTE_KINDS and r.group == "gateway.networking.k8s.io" for r in resources)


def route_http(resources: list, request: Request) -> RouteDecision:
    host, host_port = strip_port(request.host or "")
    port = request.port or host_port
    path, _, query = (request.path or "/").partition("?")
    path = path or "/"
    routes = [
        r
        for r in resources
        if r.kind == "HTTPRoute" and r.group == "gateway.networking.k8s.io" and r.spec is not None
    ]
    gateways = {
        r.name: r
        for r in resources
        if r.kind == "Gateway" and r.group == "gateway.networking.k8s.io"
    }
    base = RouteDecision(
        outcome="no_virtual_service", summary="", host=host, path=path, route_kind="HTTPRoute"
    )
    context, attached, notes = _attached(routes, gateways, request, host, port)
    base.gateway, base.notes = context, notes
    if not attached and context != "mesh":
        base.outcome, base.status, base.response_flag = "no_route", 404, "NR"
        base.summary = (
            f"No HTTPRoute here serves `{host}` at {context}, so the gateway answers 404 itself "
            "(NR: no route)."
        )
        return base
    if not attached:
        base.summary = (
            f"No HTTPRoute here has the Service `{host}` as its parent: in the mesh the request "
            "goes to that Service as it is."
        )
        return base
    candidates, hostname = _on_best_hostname(attached, host)
    if not candidates:
        base.outcome, base.status, base.response_flag = "no_route", 404, "NR"
        base.summary = (
            f"No hostname of the HTTPRoutes at {context} matches `{host}`, so Envoy answers "
            "404 (NR)."
        )
        return base
    if hostname and hostname != host and context != "mesh":
        base.notes.append(
            f"The routes on hostname `{hostname}` serve `{host}` (the most specific hostname "
            "that matches)."
        )
    sample = Sample(request, host, port, path, query, context)
    return _walk(candidates, sample, base, resources)


def _attached(
    routes, gateways, request, host, port
) -> tuple[str, list[tuple[object, list[str]]], list[str]]:
    """The parent the request comes through, and each route attached there with its hostnames."""
    notes: list[str] = []
    if request.gateway and request.gateway != "mesh":
        wanted = request.gateway.rsplit("/", 1)[-1]
        return (
            f"Gateway {wanted}",
            _at_gateway(routes, gateways.get(wanted), wanted, host, port, notes),
            notes,
        )
    mesh = [
        (r, ["*"])
        for r in routes
        if any(_serves(ref, r, host) for ref in parent_refs(r.spec.get("parentRefs")))
    ]
    if mesh:
        return "mesh", mesh, notes
    names = sorted(
        {
            ref.name
            for r in routes
            for ref in parent_refs(r.spec.get("parentRefs"))
            if not ref.is_service
        }
    )
    if request.gateway == "mesh" or not names:
        return "mesh", [], notes
    notes.append(
        f"No gateway was given; the trace assumes the request arrives through Gateway {names[0]}."
    )
    return (
        f"Gateway {names[0]}",
        _at_gateway(routes, gateways.get(names[0]), names[0], host, port, notes),
        notes,
    )


def _serves(ref: ParentRef, route, host: str) -> bool:
    """Is `host` a name of the Service `ref` names (short, with namespace, or the FQDN)?"""
    if not ref.is_service:
        return False
    namespace = ref.namespace or route.namespace or "default"
    return host in (
        ref.name,
        f"{ref.name}.{namespace}",
        f"{ref.name}.{namespace}.svc",
        f"{ref.name}.{namespace}.svc.cluster.local",
    )


def _at_gateway(routes, gateway, name: str, host: str, port: int | None, notes: list[str]) -> list:
    """Each route attached to Gateway `name` with the hostnames it serves there for `host`."""
    if gateway is None:
        notes.append(
            f"Gateway {name} is not in this text: its listeners' hostnames are not applied."
        )
    index = _open_listeners(gateway, host, port) if gateway is not None else None
    attached = []
    for route in routes:
        spend()
        refs = [
            r
            for r in parent_refs(route.spec.get("parentRefs"))
            if not r.is_service and r.name == name
        ]
        if not refs:
            continue
        route_hosts = texts(route.spec.get("hostnames"))
        if index is None:
            attached.append((route, route_hosts or ["*"]))
            continue
        served = []
        for ref in refs:
            summary = summary_for(index, ref.section, ref.port)
            # only listeners whose hostname matches `host` are here: a few distinct names at most
            for hostname in summary.hostnames | ({None} if summary.any_hostname else set()):
                spend(1 + len(route_hosts))
                served += hostnames.intersect(route_hosts, hostname)
        if served:
            attached.append((route, served))
        else:
            notes.append(
                f"HTTPRoute {route.name} does not attach to any listener of Gateway {name} "
                "for this request."
            )
    return attached


def _open_listeners(gateway, host: str, port: int | None):
    """The Gateway's HTTP(S) listeners that could take this request (port, hostname), indexed."""
    kept = []
    for listener in items(gateway.spec.get("listeners") if gateway.spec is not None else None):
        spend()
        if not listener.is_map or (text(listener.get("protocol")) or "") not in ("HTTP", "HTTPS"):
            continue
        number = port_number(listener)
        hostname = text(listener.get("hostname"))
        if port is not None and number is not None and number != port:
            continue
        if hostname and not hostnames.matches(hostname, host):
            continue
        kept.append(listener)
    return index_listeners(Node("map", 1, 1, {"listeners": (None, Node("seq", 1, 1, kept))}))


def _on_best_hostname(attached, host: str) -> tuple[list[Candidate], str]:
    best, chosen = None, {}
    for route, served in attached:
        for pattern in set(served):
            if not hostnames.matches(pattern, host):
                continue
            rank = hostnames.specificity(pattern)
            if best is None or rank > best[0]:
                best, chosen = (rank, pattern), {id(route): route}
            elif rank == best[0]:
                chosen[id(route)] = route
    if best is None:
        return [], ""
    ordered = sorted(chosen.values(), key=lambda r: (_created(r), r.namespace, r.name))
    return [c for route in ordered for c in _candidates(route)], best[1]


def _created(route) -> str:
    metadata = route.root.get("metadata")
    stamp = text(metadata.get("creationTimestamp")) if metadata is not None else None
    return stamp or "~"  # unknown: after any known time, then by namespace/name


def _candidates(route) -> list[Candidate]:
    found = []
    for rule_index, rule in enumerate(items(route.spec.get("rules"))):
        spend()
        if not rule.is_map:
            continue
        matches = items(rule.get("matches"))
        if not matches:
            found.append(Candidate(route, rule_index, rule, None, None, key_of(None)))
        for match_index, match in enumerate(matches):
            found.append(Candidate(route, rule_index, rule, match_index, match, key_of(match)))
    return found


def _walk(
    candidates: list[Candidate], sample: Sample, decision: RouteDecision, resources
) -> RouteDecision:
    ordered = sorted(candidates, key=lambda c: tuple(-part for part in c.key.sort_key))  # stable
    winner = None
    for position, candidate in enumerate(ordered):
        spend()
        found = conditions(candidate.match, sample)
        matched = all(condition.matched is True for condition in found)
        line = (candidate.match or candidate.rule).line
        decision.rules.append(
            RuleTrace(
                position,
                candidate.label,
                line,
                matched,
                False,
                [MatchBlock(0, matched, found)],
                why=candidate.key.describe(),
            )
        )
        if matched:
            winner = (position, candidate)
            break
    if winner is None:
        decision.outcome, decision.status, decision.response_flag = "no_route", 404, "NR"
        decision.summary = (
            "No match of these HTTPRoutes holds for this request, so Envoy answers 404 "
            "(NR: no route)."
        )
        return decision
    position, candidate = winner
    decision.matched_rule = position
    decision.virtual_service, decision.virtual_service_line = (
        candidate.route.name,
        candidate.route.root.line,
    )
    decision.notes.append(_why_won(candidate, ordered[position + 1 :], sample))
    apply_rule(candidate, sample, decision)
    return decision


def _why_won(winner: Candidate, rest: list[Candidate], sample: Sample) -> str:
    """Why the winner was tried before the other matches that would also have held."""
    for other in rest[:200]:
        spend()
        if all(c.matched is True for c in conditions(other.match, sample)):
            reason = why_ahead(winner.key, other.key) or (
                "they are equally specific, and it comes first (older route, then "
                "namespace/name, then rule order)"
            )
            return f"{winner.label} wins over {other.label}, which matches too: {reason}."
    return f"{winner.label} is the only match that holds ({winner.key.describe()})."


def suggested_host(resources: list) -> str:
    """A host worth tracing through the first HTTPRoute: a concrete hostname, the Service a mesh
    route is for, or any name at a Gateway (a route without hostnames serves every host)."""
    for route in resources:
        if (
            route.kind != "HTTPRoute"
            or route.group != "gateway.networking.k8s.io"
            or route.spec is None
        ):
            continue
        refs = parent_refs(route.spec.get("parentRefs"))
        service = next((ref.name for ref in refs if ref.is_service and ref.name), "")
        concrete = [h for h in texts(route.spec.get("hostnames")) if "*" not in h]
        return service or (concrete[0] if concrete else "example.com")
    return ""
