"""Checks across Gateway API resources in one text, as Istio reports them in the routes'
status (Accepted / ResolvedRefs conditions) rather than by refusing them, so they are
warnings (code ML0030): the route is stored but does not do what it says.

- A parentRef `sectionName` or `port` that names no listener of the Gateway (NoMatchingParent).
- A route in another namespace than its Gateway, on listeners that allow only routes from
  their own namespace, the default (NotAllowedByListeners).
- Route hostnames that meet none of the listeners' (NoMatchingListenerHostname).
- A backendRef into another namespace from a Gateway route, with no ReferenceGrant here that
  allows it (RefNotPermitted; the grant may exist in the cluster, which this text cannot show).

Sources: https://gateway-api.sigs.k8s.io/reference/spec/#routeconditiontype and
https://gateway-api.sigs.k8s.io/api-types/referencegrant/; istio/istio
pilot/pkg/config/kube/gateway/conversion.go (referenceAllowed) enforces the grant only for
Gateway parents, not for mesh routes. Each resource is indexed once, so the checks are linear.
"""

from __future__ import annotations

from ..budget import memo, spend
from ..node_readers import items, problem_at, text, texts
from ..problems import Problem
from .gateway_rules import NOT_PROGRAMMED
from .listener_index import index_listeners, summary_for
from .refs import parent_refs
from .schema import GROUP

_NS_DEFAULT = "default"  # a resource without metadata.namespace goes to the namespace applied in


def check_references(resources: list, out: list[Problem]) -> None:
    ours = [r for r in resources if r.group == GROUP and r.spec is not None]
    gateways = {(r.namespace or _NS_DEFAULT, r.name): r for r in ours if r.kind == "Gateway"}
    grants = [r for r in ours if r.kind == "ReferenceGrant"]
    for route in (r for r in ours if r.kind in ("HTTPRoute", "GRPCRoute")):
        spend()
        namespace = route.namespace or _NS_DEFAULT
        via_gateway = False
        for index, ref in enumerate(parent_refs(route.spec.get("parentRefs"))):
            if ref.is_service or ref.kind != "Gateway":
                continue
            via_gateway = True
            gateway = gateways.get((ref.namespace or namespace, ref.name))
            if gateway is not None:
                _check_attachment(route, ref, index, gateway, namespace, out)
        if via_gateway:
            _check_grants(route, namespace, grants, out)


def _warn(node, path: str, message: str, hint: str = "") -> Problem:
    return problem_at("warning", NOT_PROGRAMMED, path, node, message, hint)


def _check_attachment(route, ref, index: int, gateway, namespace: str, out: list[Problem]) -> None:
    at = f"spec.parentRefs[{index}]"
    cache = memo().setdefault("gateway-api-listeners", {})
    if id(gateway) not in cache:
        cache[id(gateway)] = index_listeners(gateway.spec)
    named = summary_for(cache[id(gateway)], ref.section, ref.port)
    if not named.listeners:
        which = f"sectionName `{ref.section}`" if ref.section else f"port {ref.port}"
        out.append(
            _warn(
                ref.node,
                at,
                f"Gateway {gateway.name} has no listener with {which}, so {route.kind} "
                f"{route.name} is not attached to it (NoMatchingParent).",
            )
        )
        return
    gateway_namespace = gateway.namespace or _NS_DEFAULT
    if not named.open_namespaces and namespace != gateway_namespace:
        out.append(
            _warn(
                ref.node,
                at,
                f"The listeners of Gateway {gateway.name} take routes only from their own "
                f"namespace `{gateway_namespace}`, not from `{namespace}` (NotAllowedByListeners).",
                "Set allowedRoutes.namespaces.from: All (or Selector) on the listener.",
            )
        )
        return
    if not named.meets(texts(route.spec.get("hostnames"))):
        out.append(
            _warn(
                route.spec.get("hostnames"),
                "spec.hostnames",
                f"No hostname of {route.kind} {route.name} meets a listener hostname of Gateway "
                f"{gateway.name}, so it serves no request there (NoMatchingListenerHostname).",
            )
        )


def _check_grants(route, namespace: str, grants: list, out: list[Problem]) -> None:
    for rule_index, rule in enumerate(items(route.spec.get("rules"))):
        for index, backend in enumerate(items(rule.get("backendRefs")) if rule.is_map else []):
            spend()
            target = text(backend.get("namespace")) if backend.is_map else None
            if not target or target == namespace:
                continue
            kind = text(backend.get("kind")) or "Service"
            spend(len(grants))
            if not any(
                _grants(grant, route.kind, namespace, target, kind, text(backend.get("name")))
                for grant in grants
            ):
                out.append(
                    _warn(
                        backend,
                        f"spec.rules[{rule_index}].backendRefs[{index}]",
                        f"This backend is in namespace `{target}`; a Gateway route may use it only "
                        "if a "
                        f"ReferenceGrant in `{target}` allows {route.kind}s from `{namespace}` "
                        "(RefNotPermitted). None is in this text.",
                        "Add a ReferenceGrant in the backend's namespace: "
                        "https://gateway-api.sigs.k8s.io/api-types/referencegrant/",
                    )
                )


def _grants(grant, kind: str, source: str, target: str, to_kind: str, name: str | None) -> bool:
    if (grant.namespace or _NS_DEFAULT) != target:
        return False
    froms = [f for f in items(grant.spec.get("from")) if f.is_map]
    tos = [t for t in items(grant.spec.get("to")) if t.is_map]
    return any(
        text(f.get("group")) == GROUP
        and text(f.get("kind")) == kind
        and text(f.get("namespace")) == source
        for f in froms
    ) and any(
        (text(t.get("group")) or "") == ""
        and text(t.get("kind")) == to_kind
        and (not text(t.get("name")) or text(t.get("name")) == name)
        for t in tos
    )
