"""Sidecars and Telemetries that compete for the same workloads, as `istioctl analyze` finds them:

- IST0111 MultipleSidecarsWithoutWorkloadSelectors (error), IST0160
  MultipleTelemetriesWithoutWorkloadSelectors (error): two or more without a selector in one
  namespace; each applies to the whole namespace and which one wins is undefined
  (istio/istio pkg/config/analysis/analyzers/sidecar/selector.go,
  .../telemetry/default_selector.go).
- IST0110 ConflictingSidecarWorkloadSelectors, IST0159 ConflictingTelemetryWorkloadSelectors
  (error): istioctl finds two that select the same running pod, which needs the cluster's pods
  (sidecar/selector.go, telemetry/selector.go). From the text alone only identical selectors in
  one namespace are certain to select the same pods; those are reported, others are not.

A resource without a namespace is in `default`, as istioctl analyze reads files. A Telemetry
that names its targets with `targetRef(s)` is not a namespace-wide one and is left out (istioctl
looks at `selector` only). Linear: one dictionary entry per resource.
"""

from __future__ import annotations

from .. import problems as codes
from ..budget import spend
from ..host_index import frozen
from ..problems import MAX_MESSAGE, Problem, clip
from ..resources import Resource
from .mesh_hosts import DEFAULT_NAMESPACE

SOURCES = {
    "Sidecar": "istio/istio pkg/config/analysis/analyzers/sidecar/selector.go",
    "Telemetry": "istio/istio pkg/config/analysis/analyzers/telemetry/default_selector.go, "
    "telemetry/selector.go",
}
CODES = {  # kind -> (no selector, same selector)
    "Sidecar": (codes.MULTIPLE_SIDECARS_WITHOUT_SELECTOR, codes.CONFLICTING_SIDECAR_SELECTORS),
    "Telemetry": (
        codes.MULTIPLE_TELEMETRIES_WITHOUT_SELECTOR,
        codes.CONFLICTING_TELEMETRY_SELECTORS,
    ),
}
_NAMED = 3


def _labels(resource: Resource) -> dict | None:
    """The selector's labels; None when the resource has no selector (or an empty one)."""
    spec = resource.spec
    if resource.kind == "Sidecar":
        selector = spec.get("workloadSelector")
        labels = selector.get("labels") if selector is not None else None
    else:
        selector = spec.get("selector")
        labels = selector.get("matchLabels") if selector is not None else None
    plain = labels.plain() if labels is not None else None
    return plain if isinstance(plain, dict) and plain else None


def check_selectors(resources: list[Resource]) -> list[Problem]:
    groups: dict[tuple, list[Resource]] = {}
    for resource in resources:
        if resource.kind not in CODES or resource.spec is None:
            continue
        spend()
        if resource.kind == "Telemetry" and any(
            resource.spec.get(key) is not None for key in ("targetRef", "targetRefs")
        ):
            continue
        labels = _labels(resource)
        namespace = resource.namespace or DEFAULT_NAMESPACE
        key = (resource.kind, namespace, frozen(labels) if labels else None)
        groups.setdefault(key, []).append(resource)
    out = []
    for (kind, namespace, labels), group in groups.items():
        if len(group) < 2:
            continue
        for resource in group:
            spend()
            out.append(_problem(kind, namespace, labels is None, resource, group))
    return out


def _problem(kind: str, namespace: str, no_selector: bool, resource: Resource, group) -> Problem:
    others = [other for other in group[: _NAMED + 1] if other is not resource][:_NAMED]
    named = ", ".join(
        f"{clip(other.name or '(unnamed)', MAX_MESSAGE)} (line {other.root.line})"
        for other in others
    ) + (" and others" if len(group) > _NAMED + 1 else "")
    if no_selector:
        code = CODES[kind][0]
        message = (
            f"This {kind} and {named} in namespace `{clip(namespace, MAX_MESSAGE)}` have no "
            f"workload selector: each applies to the whole namespace, and which one a proxy "
            "uses is undefined."
        )
        hint = f"Keep one {kind} without a selector per namespace; give the others a selector."
    else:
        code = CODES[kind][1]
        message = (
            f"This {kind} and {named} in namespace `{clip(namespace, MAX_MESSAGE)}` have the "
            "same workload selector, so they select the same pods, and which one applies is "
            "undefined."
        )
        hint = f"Merge them into one {kind}, or make their selectors pick different pods."
    node = resource.root.get("metadata") or resource.root
    name = node.get("name") if node.is_map else None
    where = name if name is not None else node
    return Problem(
        "error",
        code,
        "metadata.name",
        where.line,
        where.column,
        message,
        f"{hint} ({SOURCES[kind]})",
    )
