"""Where a matched rule sends the request: each destination's share of the traffic, its
subset's pod labels and what its DestinationRule's traffic policy does
(https://istio.io/latest/docs/reference/config/networking/destination-rule/).

What it repeats for every destination (a DestinationRule's name and settings, a subset's pod
labels) is clipped, so that a thousand destinations do not copy one long value a thousand times.
"""

from __future__ import annotations

from .budget import memo, spend
from .crossrefs import destination_rule_index, subsets_for
from .node_readers import items, text
from .problems import clip
from .resources import Resource
from .route_decision import Share
from .schema import DR
from .yamlsource import Node

MAX_QUOTED = 200  # characters of a name or setting quoted in each destination's notes
MAX_LABELS_SHOWN = 50  # pod labels shown per destination (a real subset has a handful)


def route_shares(rule: Node, vs: Resource, resources: list[Resource]) -> list[Share]:
    rules_here = [r for r in resources if r.kind == "DestinationRule" and r.spec is not None]
    index = destination_rule_index(rules_here)
    entries = [entry for entry in items(rule.get("route")) if entry.is_map]
    spend(len(entries))
    weights = []
    for entry in entries:
        weight = entry.get("weight")
        value = weight.value if weight is not None else None
        weights.append(value if isinstance(value, int) and not isinstance(value, bool) else 0)
    total = sum(weights)
    shares = []
    for entry, weight in zip(entries, weights, strict=True):
        destination = entry.get("destination")
        if destination is None or not destination.is_map:
            continue
        host = text(destination.get("host")) or "(no host)"
        subset = text(destination.get("subset"))
        port_node = destination.get("port")
        port_number = port_node.get("number") if port_node is not None else None
        port = (
            port_number.value
            if port_number is not None and isinstance(port_number.value, int)
            else None
        )
        percent = 100.0 if len(entries) == 1 else round(weight / total * 100, 1) if total else 0.0
        share = Share(host, subset, port, weight, percent)
        drs = subsets_for(host, vs.namespace, index)
        if subset:
            defined = drs.subset(subset)
            if defined is not None:
                share.labels = _labels(defined)
            elif drs:
                share.notes.append(
                    f"Subset {subset} is not defined by DestinationRule "
                    f"{clip(drs.first.name, MAX_QUOTED)}: Envoy has no cluster for it and "
                    "answers 503 (response flag NC)."
                )
            else:
                share.notes.append(
                    f"No DestinationRule here defines subset {subset}; in the cluster one must, "
                    "or these requests fail with 503."
                )
        share.notes.extend(_policy_notes(drs.first, subset))
        if len(entries) > 1 and total == 0:
            share.notes.append("All weights are 0: Istio refuses this route.")
        shares.append(share)
    return shares


def _labels(subset: Node) -> dict:
    """A subset's pod labels, at most MAX_LABELS_SHOWN of them (each destination shows its own
    copy; the checker has already read them all)."""
    labels = subset.get("labels")
    if labels is None or not labels.is_map:
        return {}
    shown = {}
    for key, _, value in labels.entries():
        if len(shown) == MAX_LABELS_SHOWN:
            shown["…"] = f"and {len(labels.value) - MAX_LABELS_SHOWN} more"
            break
        spend()
        shown[clip(key, MAX_QUOTED)] = value.plain()
    return shown


def _policy_notes(dr: Resource | None, subset: str | None) -> list[str]:
    """What the DestinationRule does to traffic for this destination (subset settings win).
    Worked out once per DestinationRule and subset, however many destinations share them."""
    if dr is None:
        return []
    key = ("policy-notes", id(dr), subset)
    notes = memo().get(key)
    if notes is None:
        notes = memo()[key] = _policy_notes_of(dr, subset)
    return list(notes)


def _last_subset_policies(dr: Resource) -> dict[str, Node]:
    """Each subset name's trafficPolicy, from the last subset of that name that has one."""
    key = ("subset-policies", id(dr))
    policies = memo().get(key)
    if policies is None:
        policies = memo()[key] = {}
        for candidate in items(dr.spec.get("subsets")):
            spend()
            name = text(candidate.get("name"))
            if name and candidate.get("trafficPolicy") is not None:
                policies[name] = candidate.get("trafficPolicy")
    return policies


def _policy_notes_of(dr: Resource, subset: str | None) -> list[str]:
    spec = dr.spec
    policy = spec.get("trafficPolicy")
    if subset and subset in _last_subset_policies(dr):
        policy = _last_subset_policies(dr)[subset]
    if policy is None or not policy.is_map:
        return []
    notes = []
    balancer = policy.get("loadBalancer")
    if balancer is not None and text(balancer.get("simple")):
        notes.append(f"Load balancing: {clip(text(balancer.get('simple')), MAX_QUOTED)}.")
    pool = policy.get("connectionPool")
    if pool is not None and pool.is_map:
        limits = []
        for section, key, label in (
            ("tcp", "maxConnections", "connections"),
            ("http", "http1MaxPendingRequests", "pending requests"),
            ("http", "http2MaxRequests", "concurrent requests"),
        ):
            part = pool.get(section)
            value = part.get(key) if part is not None else None
            if value is not None and value.value is not None:
                limits.append(f"{clip(value.raw, MAX_QUOTED)} {label}")
        if limits:
            notes.append(
                "Circuit breaker limits: at most " + ", ".join(limits) + ". Once the "
                "connection and pending-request limits are full, Envoy refuses further requests "
                "with 503 (response flag UO)."
            )
    outlier = policy.get("outlierDetection")
    if outlier is not None and outlier.is_map:
        # The deprecated consecutiveErrors counted 502, 503 and 504 only: gateway errors.
        gateway = outlier.get("consecutiveGatewayErrors") or outlier.get("consecutiveErrors")
        any_5xx = outlier.get("consecutive5xxErrors")
        triggers = []
        if any_5xx is not None or gateway is None:
            count = clip(any_5xx.raw, MAX_QUOTED) if any_5xx is not None else "5"
            triggers.append(f"{count} 5xx errors")
        if gateway is not None:
            triggers.append(f"{clip(gateway.raw, MAX_QUOTED)} gateway errors (502, 503, 504)")
        ejection = clip(text(outlier.get("baseEjectionTime")) or "30s", MAX_QUOTED)
        notes.append(
            f"Outlier detection: a pod that returns {' or '.join(triggers)} in a row is "
            f"ejected for {ejection} (longer each time). See {DR}#OutlierDetection"
        )
    tls = policy.get("tls")
    if tls is not None and text(tls.get("mode")):
        notes.append(f"TLS to the destination: {clip(text(tls.get('mode')), MAX_QUOTED)}.")
    return notes
