"""A VirtualService's own rules: a route that both forwards and redirects, weights that do not
add up, rules that can never match (analyzers/unreachable_rules.py), a route list with no
default for the sidecars.

Where Istio's validating webhook refuses the config we report an error with IST0106 (its
SchemaValidationError); where it accepts something that misbehaves, a warning.
"""

from __future__ import annotations

from . import problems as codes
from .analyzers.unreachable_rules import check_unreachable, has_no_match, matches_every_path
from .budget import spend, spend_text
from .node_readers import items, texts
from .node_readers import problem_at as _problem
from .problems import Problem
from .schema import VS
from .yamlsource import Node

NO_ROUTE_DOC = "https://istio.io/latest/docs/ops/common-problems/network-issues/"


def is_catch_all(rule: Node) -> bool:
    """True when an HTTP/TCP/TLS rule matches every request it sees."""
    match = rule.get("match")
    if match is not None and not match.is_seq and not (match.is_scalar and match.value is None):
        return False  # a malformed `match` (the schema check reports it)
    return has_no_match(rule) or matches_every_path(rule)


def check_virtual_service(spec: Node) -> list[Problem]:
    out: list[Problem] = []
    hosts_node = spec.get("hosts")
    hosts = texts(hosts_node)
    gateways = texts(spec.get("gateways"))
    # Only a VirtualService without hosts is a delegate, not one whose hosts are mistyped.
    delegate = hosts_node is None or (hosts_node.is_seq and not hosts)
    if delegate:
        out.append(
            _problem(
                "info",
                codes.DELEGATE_VIRTUAL_SERVICE,
                "spec.hosts",
                spec,
                "This VirtualService has no hosts, so Istio treats it as a delegate: it only "
                "routes when another VirtualService hands requests to it with `delegate`.",
                f"Add `hosts:` if it should route on its own. See {VS}#Delegate",
            )
        )
    if "*" in hosts and (not gateways or "mesh" in gateways):
        star = next(item for item in items(hosts_node) if item.text() == "*")
        out.append(
            _problem(
                "error",
                codes.SCHEMA_VALIDATION_ERROR,
                "spec.hosts",
                star,
                "The host `*` is not allowed for a VirtualService that applies to sidecars "
                "(the `mesh` gateway).",
                "Use `*` only with `gateways:` naming an ingress Gateway, or list real hosts.",
            )
        )
    if not any(items(spec.get(name)) for name in ("http", "tcp", "tls")):
        out.append(
            _problem(
                "error",
                codes.SCHEMA_VALIDATION_ERROR,
                "spec",
                spec,
                "A VirtualService needs at least one route list: `http`, `tcp` or `tls`.",
                f"See {VS}#VirtualService",
            )
        )
    mesh = not gateways or "mesh" in gateways
    out.extend(_check_route_lists(spec, delegate, mesh))
    return out


def _check_route_lists(spec: Node, delegate: bool, mesh: bool) -> list[Problem]:
    out: list[Problem] = []
    for index, rule in enumerate(items(spec.get("http"))):
        spend()
        if rule.is_map:
            path = f"spec.http[{index}]"
            out.extend(_check_http_actions(rule, path))
            out.extend(_check_weights(rule.get("route"), f"{path}.route"))
            out.extend(_check_matches(rule, path))
    out.extend(_check_reachability(spec, "http", delegate, mesh))
    for protocol in ("tcp", "tls"):
        for index, rule in enumerate(items(spec.get(protocol))):
            spend()
            if rule.is_map:
                out.extend(_check_weights(rule.get("route"), f"spec.{protocol}[{index}].route"))
        out.extend(_check_reachability(spec, protocol, delegate, mesh))
    return out


def _check_http_actions(rule: Node, path: str) -> list[Problem]:
    present = [
        key
        for key in ("route", "redirect", "directResponse", "delegate")
        if rule.get(key) is not None
    ]
    out = []
    if not present:
        out.append(
            _problem(
                "error",
                codes.SCHEMA_VALIDATION_ERROR,
                path,
                rule,
                "This HTTP rule says what to match but not what to do: it needs `route`, "
                "`redirect`, `directResponse` or `delegate`.",
                f"See {VS}#HTTPRoute",
            )
        )
    elif len(present) > 1:
        out.append(
            _problem(
                "error",
                codes.SCHEMA_VALIDATION_ERROR,
                path,
                rule,
                "An HTTP rule does one thing; this one has "
                + " and ".join(f"`{p}`" for p in present)
                + ".",
                "Keep one of route, redirect, directResponse or delegate.",
            )
        )
    if rule.get("rewrite") is not None and rule.get("redirect") is not None:
        out.append(
            _problem(
                "error",
                codes.SCHEMA_VALIDATION_ERROR,
                f"{path}.rewrite",
                rule.key_node("rewrite"),
                "A rule cannot both `rewrite` and `redirect`: a redirect answers the client "
                "before anything is forwarded.",
                "Put the new path in `redirect.uri` instead.",
            )
        )
    return out


def _check_weights(route: Node | None, path: str) -> list[Problem]:
    destinations = [item for item in items(route) if item.is_map]
    if not destinations:
        return []
    spend(len(destinations))
    weights = []
    for item in destinations:
        weight = item.get("weight")
        value = weight.value if weight is not None and weight.is_scalar else None
        weights.append(value if isinstance(value, int) and not isinstance(value, bool) else 0)
    total = sum(weights)
    if len(destinations) == 1:
        weight = destinations[0].get("weight")
        if weight is not None and weight.value not in (None, 100):
            return [
                _problem(
                    "info",
                    codes.WEIGHTS_NOT_100,
                    f"{path}[0].weight",
                    weight,
                    "With a single destination the weight does not matter: it receives all "
                    "the traffic.",
                )
            ]
        return []
    if total == 0:
        return [
            _problem(
                "error",
                codes.SCHEMA_VALIDATION_ERROR,
                path,
                route,
                f"These {len(destinations)} destinations have no weights (their total is 0), "
                "so Istio refuses the route.",
                "Give each destination a non-zero `weight`; written as percentages that "
                "total 100 they read most easily. "
                f"See {VS}#HTTPRouteDestination",
            )
        ]
    if total != 100:  # valid: a convention for reading, not a rule (an info, not a warning)
        shares = ", ".join(f"{round(weight / total * 100, 1):g}%" for weight in weights)
        return [
            _problem(
                "info",
                codes.WEIGHTS_NOT_100,
                path,
                route,
                f"The weights add up to {total}, not 100. Istio treats them as proportions, "
                f"so the destinations get {shares}.",
                "Make them add up to 100 so the numbers read as percentages. "
                f"See {VS}#HTTPRouteDestination",
            )
        ]
    return []


def _check_matches(rule: Node, path: str) -> list[Problem]:
    """Header names in capitals. Istio's API reference asks for lowercase header keys
    (istio/api networking/v1alpha3/virtual_service.proto, HTTPMatchRequest.headers), but its
    webhook accepts any valid header name (pkg/config/validation/validation.go,
    ValidateHTTPHeaderNameOrJwtClaimRoute): a warning, not IST0106. JWT claim routes
    (`@request.auth.claims.…`) name claims, whose case is their own. Query parameters may be
    matched by `prefix` too (the same proto's queryParams example), so nothing is said of it."""
    out = []
    for index, block in enumerate(items(rule.get("match"))):
        spend()
        if not block.is_map:
            continue
        block_path = f"{path}.match[{index}]"
        for field in ("headers", "withoutHeaders"):
            headers = block.get(field)
            for name, key_node, _ in headers.entries() if headers is not None else ():
                spend_text(name)
                if name != name.lower() and not name.startswith("@request.auth.claims"):
                    out.append(
                        _problem(
                            "warning",
                            codes.SEMANTIC,
                            f"{block_path}.{field}.{name}",
                            key_node,
                            f"Write the header name as `{name.lower()}`: Istio's API reference "
                            "asks for lowercase header names in a match. Istio accepts this "
                            "one.",
                            f"See {VS}#HTTPMatchRequest",
                        )
                    )
    return out


def _check_reachability(spec: Node, protocol: str, delegate: bool, mesh: bool) -> list[Problem]:
    rules = [rule for rule in items(spec.get(protocol)) if rule.is_map]
    if not rules:
        return []
    out = check_unreachable(spec, protocol)
    has_default = any(has_no_match(rule) or matches_every_path(rule) for rule in rules)
    # Only for hosts the sidecars route: a VirtualService bound only to ingress Gateways routes
    # the paths it is given on purpose (Istio's Bookinfo sample routes five of them), and a
    # request for any other path gets its 404 at the edge, which is what is wanted there.
    if protocol == "http" and not has_default and not delegate and mesh:
        out.append(
            _problem(
                "warning",
                codes.NO_DEFAULT_ROUTE,
                f"spec.{protocol}",
                spec.key_node(protocol),
                "Every HTTP rule here has match conditions, so a request from a sidecar that "
                "matches none of them gets 404 from Envoy (response flag NR, no route).",
                "End the list with a rule that has no `match`, sending everything else to a "
                f"default destination. See {NO_ROUTE_DOC}",
            )
        )
    return out
