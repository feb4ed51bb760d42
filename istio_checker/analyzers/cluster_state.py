"""The `istioctl analyze` checks that need the cluster (its Services, Pods, Secrets, namespaces'
labels, the mesh config), named once per check so that "no problems" is not read as "istioctl
will find none". Which apply depends on the kinds in the text. Sources: the analyzers under
istio/istio pkg/config/analysis/analyzers/ named with each entry.
"""

from __future__ import annotations

from ..resources import Resource

# kind -> the checks on it that need cluster state: (codes, what, analyzer source file)
NEEDS_CLUSTER: dict[str, list[tuple[str, str, str]]] = {
    "VirtualService": [
        (
            "IST0101",
            "that each destination host is a Service or ServiceEntry",
            "virtualservice/destinationhosts.go",
        ),
        (
            "IST0112",
            "that a destination names a port when its Service has several",
            "virtualservice/destinationhosts.go",
        ),
        (
            "IST0149",
            "that JWT-claim routes have a RequestAuthentication on the gateway's pods",
            "virtualservice/jwtclaimroute.go",
        ),
    ],
    "DestinationRule": [
        ("IST0173", "that each subset's labels select running pods", "destinationrule/subset.go"),
        ("IST0174", "that the host is a service of the mesh", "destinationrule/subset.go"),
    ],
    "Gateway": [
        ("IST0101", "that the selector matches gateway pods", "gateway/gateway.go"),
        (
            "IST0162",
            "that each server port is a target port of the gateway's Service",
            "gateway/gateway.go",
        ),
        (
            "IST0161",
            "that `credentialName` secrets exist and hold a valid certificate",
            "gateway/secret.go",
        ),
    ],
    "Sidecar": [
        (
            "IST0101/IST0110",
            "that a selector matches pods, and no pod gets two Sidecars",
            "sidecar/selector.go",
        ),
    ],
    "Telemetry": [
        (
            "IST0101/IST0159",
            "that a selector matches pods, and no pod gets two Telemetries",
            "telemetry/selector.go",
        ),
    ],
    "AuthorizationPolicy": [
        ("IST0127", "that the policy selects running workloads", "authz/authorizationpolicies.go"),
        ("IST0101", "that the namespaces in `from` exist", "authz/authorizationpolicies.go"),
    ],
    "RequestAuthentication": [
        (
            "IST0175",
            "that istiod restricts where JWKS may be fetched from",
            "authn/blockedcidrs.go",
        ),
    ],
}
ALWAYS = (
    "IST0102/IST0103",
    "that namespaces and pods have sidecar injection",
    "injection/injection.go",
)


def cluster_checks(resources: list[Resource]) -> list[tuple[str, str, str]]:
    """The checks istioctl would run on these resources that need the cluster, in table order."""
    kinds = {resource.kind for resource in resources}
    checks = [check for kind, listed in NEEDS_CLUSTER.items() if kind in kinds for check in listed]
    return checks + [ALWAYS] if checks else []


def cluster_note(resources: list[Resource]) -> str:
    """One sentence naming them, or "" when none applies."""
    checks = cluster_checks(resources)
    if not checks:
        return ""
    listed = "; ".join(f"{code} {what}" for code, what, _ in checks)
    return (
        "Not checked here, because it needs the cluster's state (Services, Pods, Secrets, "
        f"namespaces): {listed}. Run `istioctl analyze` against the cluster for these."
    )
