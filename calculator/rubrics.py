"""The teaching rubrics (security, observability) and the mesh resources a team manages.

Pure Python, no Django. Istio publishes no scores: each point is a practice from Istio's own
documentation (linked in every item), with weights MeshLearn chose.
"""

from __future__ import annotations

from dataclasses import dataclass

from . import figures as figs
from .figures import Source
from .inputs import MeshInputs
from .sources import Output


@dataclass(frozen=True)
class RubricItem:
    label: str
    points: float
    max_points: float
    url: str
    detail: str = ""

    @property
    def met(self) -> bool:
        return self.points >= self.max_points


@dataclass(frozen=True)
class PolicyCount:
    kind: str
    count: int
    why: str


def waypoints(inputs: MeshInputs) -> int:
    """Waypoints deployed: one per namespace (never more than there are services)."""
    return min(inputs.namespaces, inputs.services) if inputs.mode == "ambient_waypoint" else 0


def security_rubric(inputs: MeshInputs) -> tuple[RubricItem, ...]:
    """Points drawn from Istio's security best practices; 100 is the maximum."""
    page = figs.SECURITY_BEST_PRACTICES
    mtls_points = {"strict": 40, "permissive": 15, "off": 0}[inputs.mtls]
    jwt_points, jwt_detail = (15, "RequestAuthentication validates end-user tokens.")
    if not inputs.jwt:
        jwt_points, jwt_detail = 0, "No end-user authentication."
    elif inputs.mode == "ambient":
        jwt_points, jwt_detail = 0, "In ambient mode RequestAuthentication needs a waypoint."
    return (
        RubricItem(
            "mTLS STRICT mesh-wide",
            mtls_points,
            40,
            page + "#mutual-tls",
            "PERMISSIVE also accepts plaintext: 15 of 40. DISABLE: 0.",
        ),
        RubricItem(
            "Authorization policies in place",
            25 if inputs.authz_policies > 0 else 0,
            25,
            page + "#authorization-policies",
            "mTLS authenticates; only authorization policies decide who may call what.",
        ),
        RubricItem(
            "Egress forced through an egress gateway",
            20 if inputs.egress_lockdown else 0,
            20,
            page + "#securing-egress-traffic",
            "REGISTRY_ONLY alone is not a security boundary.",
        ),
        RubricItem(
            "End-user request authentication (JWT)",
            jwt_points,
            15,
            figs.REQUEST_AUTHENTICATION,
            jwt_detail,
        ),
    )


def observability_rubric(inputs: MeshInputs) -> tuple[RubricItem, ...]:
    """Points drawn from Istio's observability docs; 100 is the maximum.

    In ambient L4 mode ztunnel sees TCP only: HTTP metrics, traces and HTTP access logs
    need a waypoint (istio.io: Configure waypoint proxies), so those items score less.
    """
    l4_only = inputs.mode == "ambient"
    metrics_points = (20 if l4_only else 40) if inputs.metrics else 0
    tracing_points = 30 if inputs.tracing_pct > 0 and not l4_only else 0
    logs_points = (15 if l4_only else 30) if inputs.access_logs else 0
    l4_detail = " Ambient L4: TCP-level only, HTTP needs a waypoint." if l4_only else ""
    return (
        RubricItem(
            "Istio standard metrics collected",
            metrics_points,
            40,
            figs.OBSERVABILITY_BEST_PRACTICES,
            "Request count, duration and size per source and destination." + l4_detail,
        ),
        RubricItem(
            "Distributed tracing sampled",
            tracing_points,
            30,
            figs.TRACE_SAMPLING,
            f"Sampling {inputs.tracing_pct:g}% of requests." + l4_detail,
        ),
        RubricItem(
            "Access logs on",
            logs_points,
            30,
            figs.ACCESS_LOGS,
            "One log line per request, for audits and debugging." + l4_detail,
        ),
    )


def score(items: tuple[RubricItem, ...]) -> float:
    return 100 * sum(i.points for i in items) / sum(i.max_points for i in items)


def mesh_policies(inputs: MeshInputs) -> tuple[PolicyCount, ...]:
    """Mesh resources the team writes and reviews for these choices."""
    counts = [
        PolicyCount(
            "PeerAuthentication",
            0 if inputs.mtls == "permissive" else 1,
            "PERMISSIVE is Istio's default and needs none; STRICT or DISABLE needs one "
            "mesh-wide policy.",
        ),
        PolicyCount("AuthorizationPolicy", inputs.authz_policies, "As you entered."),
        PolicyCount(
            "RequestAuthentication", 1 if inputs.jwt else 0, "One per token issuer, assumed 1."
        ),
        PolicyCount(
            "Egress Gateway + VirtualService + DestinationRule",
            3 if inputs.egress_lockdown else 0,
            "The egress gateway route, plus one ServiceEntry per external host (not counted).",
        ),
        PolicyCount(
            "Sidecar (scope)",
            inputs.namespaces if inputs.scoping and inputs.mode == "sidecar" else 0,
            "One per namespace in sidecar mode; ambient scopes with discoverySelectors in "
            "mesh config instead.",
        ),
        PolicyCount(
            "Telemetry",
            1 if inputs.tracing_pct > 0 or inputs.access_logs else 0,
            "One mesh-wide Telemetry resource turns on tracing or access logs.",
        ),
        PolicyCount(
            "Gateway (waypoint)",
            waypoints(inputs),
            "One waypoint per namespace.",
        ),
    ]
    return tuple(c for c in counts if c.count > 0)


@dataclass(frozen=True)
class Scores:
    """Both rubrics and the policy counts for one set of inputs."""

    security: tuple[RubricItem, ...]
    observability: tuple[RubricItem, ...]
    policies: tuple[PolicyCount, ...]

    def outputs(self) -> dict[str, Output]:
        """The three outputs made of them: two scores and the count of mesh resources."""
        sec, obs, policies = self.security, self.observability, self.policies
        return {
            "security_score": Output(
                score(sec),
                "of 100",  # a rubric's points, as the summary and rubric tables say; not a share
                " + ".join(f"{i.points:g}" for i in sec) + " of 100 (rubric below)",
                Source(
                    "estimate",
                    figs.SECURITY_BEST_PRACTICES,
                    "",
                    "A teaching rubric: points per practice from Istio's security best "
                    "practices, weights chosen by MeshLearn.",
                ),
                "Security score",
            ),
            "observability_score": Output(
                score(obs),
                "of 100",
                " + ".join(f"{i.points:g}" for i in obs) + " of 100 (rubric below)",
                Source(
                    "estimate",
                    figs.OBSERVABILITY_BEST_PRACTICES,
                    "",
                    "A teaching rubric: points per signal from Istio's observability docs, "
                    "weights chosen by MeshLearn.",
                ),
                "Observability score",
            ),
            "mesh_policies": Output(
                sum(p.count for p in policies),
                "resources",
                " + ".join(f"{p.count} {p.kind}" for p in policies) or "none",
                Source(
                    "estimate",
                    figs.SECURITY_BEST_PRACTICES,
                    "",
                    "Counted from your choices. " + " ".join(f"{p.kind}: {p.why}" for p in policies)
                    if policies
                    else "Counted from your choices: Istio's defaults need no mesh resources.",
                ),
                "Mesh policies to manage",
            ),
        }


def scores(inputs: MeshInputs) -> Scores:
    return Scores(security_rubric(inputs), observability_rubric(inputs), mesh_policies(inputs))
