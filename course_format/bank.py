"""The ICA exam's domains, their weights and competencies: the vocabulary a bank question is
tagged with (BANK_FORMAT.md), and how an exam of n questions splits over the domains. Pure.

Weights: the Istio Certified Associate curriculum (Linux Foundation, August 2025, on Istio 1.26):
https://github.com/cncf/curriculum (ICA_Curriculum.pdf) and
https://training.linuxfoundation.org/certification/istio-certified-associate-ica/
"""

DOMAINS = {
    "installation": "Installation, upgrades and configuration",
    "traffic": "Traffic management",
    "security": "Securing workloads",
    "troubleshooting": "Troubleshooting",
}
WEIGHTS = {"installation": 20, "traffic": 35, "security": 25, "troubleshooting": 20}

COMPETENCIES = {
    "installation": (
        "istioctl install and profiles",
        "Helm installation",
        "revisions and canary upgrades",
        "in-place upgrades",
        "sidecar injection",
        "ambient installation",
        "mesh configuration",
        "multicluster",
    ),
    "traffic": (
        "request routing",
        "traffic shifting",
        "ingress gateways",
        "egress and ServiceEntry",
        "DestinationRule and subsets",
        "timeouts and retries",
        "fault injection",
        "circuit breaking and outlier detection",
        "mirroring",
        "Gateway API",
        "Sidecar resource",
        "load balancing",
    ),
    "security": (
        "mTLS and PeerAuthentication",
        "AuthorizationPolicy",
        "RequestAuthentication and JWT",
        "identity and certificates",
        "gateway TLS",
        "security best practices",
    ),
    "troubleshooting": (
        "istioctl analyze",
        "proxy status and config",
        "access logs and response flags",
        "metrics and tracing",
        "debugging routing",
        "control plane and injection problems",
    ),
}

LINE_CONFIG_LINES = (5, 40)  # a `line` question's config: enough to choose from, one screen


def quotas(total: int, available: dict[str, int]) -> dict[str, int]:
    """How many of `total` questions each domain gets: its weight's share by largest remainder,
    capped by what the domain has (`available`); a shortfall goes to the others by weight."""
    want = dict.fromkeys(WEIGHTS, 0)
    left = min(total, sum(available.get(d, 0) for d in WEIGHTS))
    while left > 0:
        open_ = [d for d in WEIGHTS if want[d] < available.get(d, 0)]
        weight = sum(WEIGHTS[d] for d in open_)
        exact = {d: left * WEIGHTS[d] / weight for d in open_}
        share = {d: min(int(exact[d]), available.get(d, 0) - want[d]) for d in open_}
        rest = left - sum(share.values())
        # Largest remainder first; a tie goes to the heavier domain, then the earlier one.
        for d in sorted(open_, key=lambda d: (-(exact[d] - int(exact[d])), -WEIGHTS[d])):
            if rest and want[d] + share[d] < available.get(d, 0):
                share[d] += 1
                rest -= 1
        for d in open_:
            want[d] += share[d]
        left -= sum(share.values())
        if not any(share.values()):
            break
    return want
