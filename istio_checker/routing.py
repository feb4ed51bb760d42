"""Which route would this request take? A walk through a VirtualService the way Envoy reads it.

Envoy tries HTTP rules top to bottom and uses the first that matches; within a rule the
`match` blocks are alternatives (OR) and the conditions inside one block must all hold (AND)
(https://istio.io/latest/docs/reference/config/networking/virtual-service/#HTTPRoute).
A request that no rule matches is answered by Envoy itself with 404 and the response flag NR
(https://istio.io/latest/docs/ops/common-problems/network-issues/).

This module holds the trace's entry and the rule matching; the conditions of a match block are
in match_conditions.py, a matched rule's effects in route_effects.py, its destinations in
route_destinations.py and the answer's shape in route_decision.py.

The trace spends the check's work budget (budget.py) for each rule, condition and destination,
and looks DestinationRules up in an index, so it is linear in the VirtualService it walks.
"""

from __future__ import annotations

from collections.abc import Sequence

from .budget import running, spend, spend_text
from .gateway_api.trace import has_routes as has_http_routes
from .gateway_api.trace import route_http
from .hosts import gateway_name, match_rank, strip_port
from .match_conditions import Sample, match_conditions
from .node_readers import items, text, texts
from .problems import clip
from .resources import LeftOut, Resource, load_resources
from .route_decision import (
    Condition,
    Effect,
    MatchBlock,
    Request,
    RouteDecision,
    RuleTrace,
    Share,
    parse_headers,
)
from .route_destinations import MAX_QUOTED, route_shares
from .route_effects import rule_effects
from .virtual_service_rules import is_catch_all
from .yamlsource import Node

# Re-exported: the lab's trace drawing and the package import these from here.
__all__ = [
    "Condition",
    "Effect",
    "MatchBlock",
    "Request",
    "RouteDecision",
    "RuleTrace",
    "Share",
    "parse_headers",
    "route",
    "trace",
]

MAX_SHARES_SUMMED_UP = 20  # destinations named in the one-line summary (`shares` has them all)


def trace(text_: object, request: Request) -> RouteDecision:
    """Parse `text_` and route `request` through it (raises budget.OutOfBudget past the
    check's work budget)."""
    with running():
        loaded = load_resources(text_)
        return route(loaded.resources, request, loaded.left_out)


def route(
    resources: list[Resource], request: Request, left_out: Sequence[LeftOut] = ()
) -> RouteDecision:
    """Route `request` through `resources`; `left_out` names the documents it could not read.
    Raises budget.OutOfBudget past the running check's work budget (or a fresh one's)."""
    with running():
        decision = _route(resources, request)
        if decision.outcome == "no_virtual_service" and has_http_routes(resources):
            decision = route_http(resources, request)  # Gateway API (gateway_api/trace.py)
    decision.left_out = list(left_out)
    return decision


def _route(resources: list[Resource], request: Request) -> RouteDecision:
    host, host_port = strip_port(request.host or "")
    port = request.port or host_port
    path, _, query = (request.path or "/").partition("?")
    path = path or "/"
    virtual_services = [r for r in resources if r.kind == "VirtualService" and r.spec is not None]
    ranked = sorted(
        (
            (max((_rank(h, host) for h in texts(vs.spec.get("hosts"))), default=0), order, vs)
            for order, vs in enumerate(virtual_services)
        ),
        key=lambda entry: (-entry[0], entry[1]),
    )
    candidates = [vs for rank, _, vs in ranked if rank > 0]
    if not host or not candidates:
        return RouteDecision(
            outcome="no_virtual_service",
            summary=f"No VirtualService here routes `{host or '(no host)'}`: the request goes to "
            "that service as it is, spread over all its pods (no subsets, no rules).",
            host=host,
            path=path,
        )
    chosen, context, notes = _pick(candidates, request.gateway)
    if chosen is None:
        return RouteDecision(
            outcome="not_applicable",
            summary=f"The VirtualServices for `{host}` are not bound to gateway "
            f"`{request.gateway}`, so none of their rules apply there.",
            host=host,
            path=path,
            gateway=request.gateway or "mesh",
            notes=notes,
        )
    sample = Sample(request, host, port, path, query, context)
    decision = RouteDecision(
        outcome="no_route",
        summary="",
        host=host,
        path=path,
        gateway=context,
        virtual_service=chosen.name or "(unnamed)",
        virtual_service_line=chosen.root.line,
        notes=notes,
    )
    _walk_rules(chosen, sample, resources, decision, depth=0)
    return decision


def _rank(pattern: str, host: str) -> int:
    spend_text(pattern)
    return match_rank(pattern, host)


def _pick(
    candidates: list[Resource], gateway: str | None
) -> tuple[Resource | None, str, list[str]]:
    notes = []
    if len(candidates) > 1:
        notes.append(
            f"{len(candidates)} VirtualServices match this host; the trace follows "
            f"{candidates[0].name or 'the first'} (the most specific host, then the first written)."
        )
    for vs in candidates:
        spend()
        bound = texts(vs.spec.get("gateways")) or ["mesh"]
        if gateway:
            wanted = gateway_name(gateway)[1]
            if any(g == gateway or gateway_name(g)[1] == wanted for g in bound):
                return vs, gateway, notes
            continue
        if "mesh" in bound:
            return vs, "mesh", notes
        notes.append(
            f"VirtualService {vs.name} applies only at gateway `{bound[0]}`, so the trace "
            "assumes the request arrives through it."
        )
        return vs, bound[0], notes
    return None, gateway or "mesh", notes


def _walk_rules(
    vs: Resource, sample: Sample, resources: list[Resource], decision: RouteDecision, depth: int
) -> None:
    rules = [rule for rule in items(vs.spec.get("http")) if rule.is_map]
    for index, rule in enumerate(rules):
        spend()
        traced = _trace_rule(index, rule, sample)
        decision.rules.append(traced)
        if traced.matched:
            decision.matched_rule = index if depth == 0 else decision.matched_rule
            _apply(rule, index, vs, sample, resources, decision, depth)
            return
    where = f"VirtualService {vs.name}" if vs.name else "The VirtualService"
    decision.outcome = "no_route"
    decision.status = 404
    decision.response_flag = "NR"
    decision.summary = (
        f"No rule of {where} matches this request, so Envoy answers 404 itself "
        "(response flag NR: no route). Add a last rule without `match` as the default."
    )


def _trace_rule(index: int, rule: Node, sample: Sample) -> RuleTrace:
    name = text(rule.get("name")) or ""
    if is_catch_all(rule) and not items(rule.get("match")):
        return RuleTrace(index, name, rule.line, True, True, [])
    blocks = []
    for block_index, block in enumerate(items(rule.get("match"))):
        spend()
        conditions = match_conditions(block, sample) if block.is_map else []
        matched = all(condition.matched is True for condition in conditions)
        blocks.append(MatchBlock(block_index, matched, conditions))
    return RuleTrace(
        index, name, rule.line, any(b.matched for b in blocks), is_catch_all(rule), blocks
    )


def _apply(
    rule: Node,
    index: int,
    vs: Resource,
    sample: Sample,
    resources: list[Resource],
    decision: RouteDecision,
    depth: int,
) -> None:
    where = f"Rule [{index}]" + (f" ({text(rule.get('name'))})" if text(rule.get("name")) else "")
    if rule.get("delegate") is not None and depth == 0:
        _delegate(rule, where, vs, sample, resources, decision)
        return
    decision.effects.extend(rule_effects(rule, sample))
    redirect = rule.get("redirect")
    direct = rule.get("directResponse")
    if redirect is not None and redirect.is_map:
        code = redirect.get("redirectCode")
        decision.outcome = "redirect"
        decision.status = code.value if code is not None and isinstance(code.value, int) else 301
        decision.summary = (
            f"{where} matches: Envoy answers {decision.status} and redirects to "
            f"{_location(redirect, sample)}."
        )
        return
    if direct is not None and direct.is_map:
        status = direct.get("status")
        body = direct.get("body")
        decision.outcome = "direct_response"
        decision.status = (
            status.value if status is not None and isinstance(status.value, int) else None
        )
        decision.summary = f"{where} matches: Envoy answers {decision.status} itself" + (
            f' with the body "{text(body.get("string"))}".'
            if body is not None and text(body.get("string"))
            else "."
        )
        return
    decision.shares = route_shares(rule, vs, resources)
    decision.outcome = "route"
    named = [
        f"{share.percent:g}% to {clip(share.host, MAX_QUOTED)}"
        + (f" subset {clip(share.subset, MAX_QUOTED)}" if share.subset else "")
        for share in decision.shares[:MAX_SHARES_SUMMED_UP]
    ]
    if len(decision.shares) > MAX_SHARES_SUMMED_UP:
        named.append(f"and {len(decision.shares) - MAX_SHARES_SUMMED_UP} more destinations")
    decision.summary = f"{where} matches: " + "; ".join(named) + "."
    if not decision.shares:
        decision.summary = f"{where} matches but has no destination."


def _delegate(
    rule: Node,
    where: str,
    vs: Resource,
    sample: Sample,
    resources: list[Resource],
    decision: RouteDecision,
) -> None:
    target = rule.get("delegate")
    name, namespace = text(target.get("name")), text(target.get("namespace")) or vs.namespace
    spend(len(resources))
    child = next(
        (
            r
            for r in resources
            if r.kind == "VirtualService"
            and r.spec is not None
            and r.name == name
            and (not namespace or not r.namespace or r.namespace == namespace)
        ),
        None,
    )
    if child is None:
        decision.outcome = "delegate_missing"
        decision.summary = (
            f"{where} matches and hands the request to VirtualService `{name}`, which is not in "
            "this text."
        )
        return
    decision.notes.append(f"{where} delegates to VirtualService {name}; its rules follow.")
    decision.virtual_service = f"{decision.virtual_service} → {name}"
    _walk_rules(child, sample, resources, decision, depth=1)


def _location(redirect: Node, sample: Sample) -> str:
    scheme = text(redirect.get("scheme")) or sample.request.scheme
    authority = text(redirect.get("authority")) or sample.host
    port = redirect.get("port")
    uri = text(redirect.get("uri")) or sample.path
    port_part = f":{port.value}" if port is not None and isinstance(port.value, int) else ""
    return f"{scheme}://{authority}{port_part}{uri}"
