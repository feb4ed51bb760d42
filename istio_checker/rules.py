"""Rules within one resource that a field schema cannot express: a route that both forwards
and redirects, weights, rules that can never match, a route list with no default, policies
whose meaning surprises people.

Where Istio's validating webhook refuses the config we report an error with IST0106 (its
SchemaValidationError); where it accepts something that misbehaves, a warning.

This module holds the checks of DestinationRules, Gateways and the security policies; a
VirtualService's are in virtual_service_rules.py.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

from . import problems as codes
from .budget import spend
from .node_readers import items, text, texts
from .node_readers import problem_at as _problem
from .problems import Problem
from .resources import Resource
from .schema import AP, DR, GW, PA, RA
from .virtual_service_rules import check_virtual_service, is_catch_all
from .yamlsource import Node

# Re-exported: older imports read the node readers and is_catch_all from here.
__all__ = ["check_rules", "is_catch_all", "items", "text", "texts"]


def check_rules(resource: Resource) -> list[Problem]:
    spec = resource.spec
    if spec is None:
        return []
    check = _BY_KIND.get(resource.kind)
    return check(spec) if check else []


# --- DestinationRule -----------------------------------------------------------------------


def _check_destination_rule(spec: Node) -> list[Problem]:
    out = []
    seen: set[str] = set()
    for index, subset in enumerate(items(spec.get("subsets"))):
        spend()
        name = text(subset.get("name"))
        if name is None:
            continue
        if name in seen:
            out.append(
                _problem(
                    "error",
                    codes.SCHEMA_VALIDATION_ERROR,
                    f"spec.subsets[{index}].name",
                    subset.get("name"),
                    f"The subset name `{name}` is used twice.",
                    f"Subset names must be unique within a DestinationRule. See {DR}#Subset",
                )
            )
        seen.add(name)
    for path, policy in _traffic_policies(spec):
        spend()
        tls = policy.get("tls")
        if tls is not None and text(tls.get("mode")) == "MUTUAL":
            has_files = (
                tls.get("clientCertificate") is not None and tls.get("privateKey") is not None
            )
            if tls.get("credentialName") is None and not has_files:
                out.append(
                    _problem(
                        "error",
                        codes.SCHEMA_VALIDATION_ERROR,
                        f"{path}.tls",
                        tls,
                        "TLS mode MUTUAL needs the client's certificate: `credentialName`, or "
                        "`clientCertificate` and `privateKey`.",
                        f"For Istio's own mTLS use mode ISTIO_MUTUAL. See {DR}#ClientTLSSettings",
                    )
                )
    return out


def _traffic_policies(spec: Node) -> Iterable[tuple[str, Node]]:
    policy = spec.get("trafficPolicy")
    if policy is not None and policy.is_map:
        yield "spec.trafficPolicy", policy
        for index, port_policy in enumerate(items(policy.get("portLevelSettings"))):
            if port_policy.is_map:
                yield f"spec.trafficPolicy.portLevelSettings[{index}]", port_policy
    for index, subset in enumerate(items(spec.get("subsets"))):
        policy = subset.get("trafficPolicy")
        if policy is not None and policy.is_map:
            yield f"spec.subsets[{index}].trafficPolicy", policy


# --- Gateway -------------------------------------------------------------------------------


def _check_gateway(spec: Node) -> list[Problem]:
    out = []
    for index, server in enumerate(items(spec.get("servers"))):
        spend()
        if not server.is_map:
            continue
        path = f"spec.servers[{index}]"
        port = server.get("port")
        protocol = (text(port.get("protocol")) or "").upper() if port is not None else ""
        tls = server.get("tls")
        if protocol in ("HTTPS", "TLS") and (tls is None or not tls.is_map):
            out.append(
                _problem(
                    "error",
                    codes.SCHEMA_VALIDATION_ERROR,
                    f"{path}.tls",
                    server,
                    f"A server with protocol {protocol} needs `tls` settings.",
                    "E.g. `tls: {mode: SIMPLE, credentialName: my-cert}`. "
                    f"See {GW}#ServerTLSSettings",
                )
            )
        if tls is not None and text(tls.get("mode")) in ("SIMPLE", "MUTUAL", "OPTIONAL_MUTUAL"):
            has_files = (
                tls.get("serverCertificate") is not None and tls.get("privateKey") is not None
            )
            has_secret = any(
                tls.get(key) is not None
                for key in ("credentialName", "credentialNames", "tlsCertificates")
            )
            if not has_files and not has_secret:
                out.append(
                    _problem(
                        "error",
                        codes.SCHEMA_VALIDATION_ERROR,
                        f"{path}.tls",
                        tls,
                        f"TLS mode {text(tls.get('mode'))} needs a certificate: `credentialName` "
                        "(a Kubernetes secret), or `serverCertificate` and `privateKey`.",
                        f"See {GW}#ServerTLSSettings",
                    )
                )
    return out


# --- security ------------------------------------------------------------------------------


def _check_peer_authentication(spec: Node) -> list[Problem]:
    port_level = spec.get("portLevelMtls")
    if port_level is not None and spec.get("selector") is None:
        return [
            _problem(
                "error",
                codes.SCHEMA_VALIDATION_ERROR,
                "spec.portLevelMtls",
                spec.key_node("portLevelMtls"),
                "`portLevelMtls` only works in a policy with a workload `selector`; namespace- "
                "and mesh-wide policies cannot set it.",
                f"See {PA}#PeerAuthentication",
            )
        ]
    return []


def _check_authorization_policy(spec: Node) -> list[Problem]:
    out = []
    action = text(spec.get("action")) or "ALLOW"
    provider = spec.get("provider")
    if action == "CUSTOM" and provider is None:
        out.append(
            _problem(
                "error",
                codes.SCHEMA_VALIDATION_ERROR,
                "spec.provider",
                spec,
                "A CUSTOM policy needs `provider: {name: …}` naming an extension provider.",
                f"See {AP}#AuthorizationPolicy-ExtensionProvider",
            )
        )
    if provider is not None and action != "CUSTOM":
        out.append(
            _problem(
                "error",
                codes.SCHEMA_VALIDATION_ERROR,
                "spec.provider",
                spec.key_node("provider"),
                "`provider` is only used with `action: CUSTOM`.",
            )
        )
    if action == "ALLOW" and not items(spec.get("rules")):
        out.append(
            _problem(
                "info",
                codes.SEMANTIC,
                "spec.rules",
                spec,
                "An ALLOW policy without rules matches nothing, so it denies every request to "
                'the workloads it selects (the "allow-nothing" policy).',
                f"That is a deliberate deny-all; add rules to let requests in. See {AP}",
            )
        )
    return out


def _check_request_authentication(spec: Node) -> list[Problem]:
    out = []
    for index, rule in enumerate(items(spec.get("jwtRules"))):
        spend()
        keys = ("jwksUri", "jwks_uri", "jwks")  # jwks_uri: the snake_case alias Istio accepts
        if rule.is_map and all(rule.get(key) is None for key in keys):
            out.append(
                _problem(
                    "info",
                    codes.SEMANTIC,
                    f"spec.jwtRules[{index}]",
                    rule,
                    "No `jwksUri` or `jwks`: Istio will look up the issuer's keys through "
                    "OpenID discovery.",
                    f"See {RA}#JWTRule",
                )
            )
    return out


_BY_KIND: dict[str, Callable[[Node], list[Problem]]] = {
    "VirtualService": check_virtual_service,
    "DestinationRule": _check_destination_rule,
    "Gateway": _check_gateway,
    "PeerAuthentication": _check_peer_authentication,
    "AuthorizationPolicy": _check_authorization_policy,
    "RequestAuthentication": _check_request_authentication,
}
