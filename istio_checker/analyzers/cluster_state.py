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
            "destination hosts exist",
            "virtualservice/destinationhosts.go",
        ),
        (
            "IST0112",
            "destination ports",
            "virtualservice/destinationhosts.go",
        ),
        (
            "IST0149",
            "JWT-claim routes",
            "virtualservice/jwtclaimroute.go",
        ),
    ],
    "DestinationRule": [
        ("IST0173", "subsets select pods", "destinationrule/subset.go"),
        ("IST0174", "the host is a mesh service", "destinationrule/subset.go"),
    ],
    "Gateway": [
        ("IST0101", "the selector finds gateway pods", "gateway/gateway.go"),
        (
            "IST0162",
            "server ports are on the gateway's Service",
            "gateway/gateway.go",
        ),
        (
            "IST0161",
            "`credentialName` secrets",
            "gateway/secret.go",
        ),
    ],
    "Sidecar": [
        (
            "IST0101/IST0110",
            "Sidecar selectors find pods, one Sidecar a pod",
            "sidecar/selector.go",
        ),
    ],
    "Telemetry": [
        (
            "IST0101/IST0159",
            "Telemetry selectors find pods, one a pod",
            "telemetry/selector.go",
        ),
    ],
    "AuthorizationPolicy": [
        ("IST0127", "the policy selects workloads", "authz/authorizationpolicies.go"),
        ("IST0101", "namespaces in `from` exist", "authz/authorizationpolicies.go"),
    ],
    "RequestAuthentication": [
        (
            "IST0175",
            "istiod limits JWKS fetches",
            "authn/blockedcidrs.go",
        ),
    ],
}
ALWAYS = (
    "IST0102/IST0103",
    "sidecar injection",
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
        "Not checked from the text, as they need the cluster's Services, Pods or Secrets (run "
        f"`istioctl analyze` against the cluster): {listed}."
    )
