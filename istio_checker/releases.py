"""Which Istio release a config is for, and the fields and values newer than some releases.

The lab asks for a release (the newest by default); a field or enum value that release does not
know gets a warning (ML0026), since istiod of that release would refuse it as an unknown field
or value. The table is ours, written from diffs of the CRDs Istio generates on each release
branch (github.com/istio/api, `kubernetes/customresourcedefinitions.gen.yaml` on
`release-1.22` … `release-1.31`), checked against the CRDs istiod installs (istio/istio
`manifests/charts/base/files/crd-all.gen.yaml` on its release branches: e.g. EnvoyFilter's
WAYPOINT context first appears in 1.29, not 1.28) and the release notes of each version
(https://istio.io/latest/news/releases/). Between 1.16 and 1.31 no field of these kinds was
removed from the CRDs; `REMOVED` is there for the day one is, and is empty until then.

The release being checked for travels in a context variable (as the work budget does), so the
schema walk can ask without every call handing it down. Pure Python, no Django.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar

from . import problems as codes
from .problems import Problem

# Oldest first; the lab offers these. 1.22 is the first with networking.istio.io/v1.
RELEASES = ("1.22", "1.23", "1.24", "1.25", "1.26", "1.27", "1.28", "1.29", "1.30", "1.31")
NEWEST = RELEASES[-1]
API_RELEASES = (
    "https://github.com/istio/api (branches release-1.N, "
    "kubernetes/customresourcedefinitions.gen.yaml)"
)

# (message name as in schema tables, field) -> the first release whose CRD has it.
FIELD_SINCE: dict[tuple[str, str], str] = {
    ("CorsPolicy", "unmatchedPreflights"): "1.23",
    ("LoadBalancerSettings", "warmup"): "1.24",
    ("Source", "serviceAccounts"): "1.25",
    ("Source", "notServiceAccounts"): "1.25",
    ("EnvoyFilter.RouteConfigurationMatch.VirtualHostMatch", "domainName"): "1.25",
    ("Tracing", "enableIstioTags"): "1.25",
    ("ReadinessProbe", "grpc"): "1.25",
    ("ServerTLSSettings", "credentialNames"): "1.26",
    ("ServerTLSSettings", "tlsCertificates"): "1.26",
    ("HTTPRetry", "backoff"): "1.26",
    ("HTTPRetry", "retryIgnorePreviousHosts"): "1.26",
    ("TrafficPolicy", "retryBudget"): "1.27",
    ("LoadBalancerSettings.ConsistentHashLB.HTTPCookie", "attributes"): "1.28",
    ("ServerTLSSettings", "caCertCredentialName"): "1.28",
    ("JWTRule", "spaceDelimitedClaims"): "1.28",
    ("EnvoyFilter.EnvoyConfigObjectMatch", "waypoint"): "1.29",
    ("Tracing.CustomTag", "formatter"): "1.29",
    ("Source", "trustDomains"): "1.30",
    ("Source", "notTrustDomains"): "1.30",
    ("Tracing", "disableContextPropagation"): "1.30",
    ("ConnectionPoolSettings.HTTPSettings", "http2KeepAlive"): "1.31",
    ("LoadBalancerSettings", "zoneAwareLbSetting"): "1.31",
    ("OutlierDetection", "outlierDetectionHttpErrorCodes"): "1.31",
    ("TrafficPolicy.RetryBudget", "budgetInterval"): "1.31",
    ("ServerTLSSettings", "insecureSkipVerify"): "1.31",
    ("HTTPRedirect", "prefixRewrite"): "1.31",
}
# (message, field, value) -> the first release that accepts the enum value.
VALUE_SINCE: dict[tuple[str, str, str], str] = {
    ("WasmPlugin", "failStrategy", "FAIL_RELOAD"): "1.27",
    ("ServiceEntry", "resolution", "DYNAMIC_DNS"): "1.28",
    ("EnvoyFilter.EnvoyConfigObjectMatch", "context", "WAYPOINT"): "1.29",
    ("EnvoyFilter.Patch", "operation", "MERGE_AND_REPLACE_LIST"): "1.31",
}
# (message, field) -> the first release that no longer has it. None between 1.16 and 1.31.
REMOVED: dict[tuple[str, str], str] = {}

_target: ContextVar[str] = ContextVar("istio_release", default=NEWEST)


def parse_release(value: object) -> str | None:
    """`value` as one of RELEASES ("1.28", "v1.28", "1.28.2"), else None."""
    if not isinstance(value, str):
        return None
    parts = value.strip().lower().removeprefix("v").split(".")
    short = ".".join(parts[:2])
    return short if short in RELEASES else None


@contextmanager
def checking_for(release: str | None) -> Iterator[str]:
    """Check the block's config as for `release` (the newest when None)."""
    token = _target.set(release or NEWEST)
    try:
        yield _target.get()
    finally:
        _target.reset(token)


def target() -> str:
    return _target.get()


def _older(release: str, than: str) -> bool:
    return RELEASES.index(release) < RELEASES.index(than)


def field_problem(message: str, field: str, path: str, line: int, column: int) -> Problem | None:
    """A warning when the release checked for does not have `message.field` (yet or any more)."""
    release = _target.get()
    since = FIELD_SINCE.get((message, field))
    if since is not None and _older(release, since):
        return _warning(path, line, column, f"`{field}` is new in Istio {since}", release)
    removed = REMOVED.get((message, field))
    if removed is not None and not _older(release, removed):
        return _warning(path, line, column, f"`{field}` was removed in Istio {removed}", release)
    return None


def value_problem(
    message: str, field: str, value: str, path: str, line: int, column: int
) -> Problem | None:
    release = _target.get()
    since = VALUE_SINCE.get((message, field, value))
    if since is not None and _older(release, since):
        return _warning(path, line, column, f"`{field}: {value}` is new in Istio {since}", release)
    return None


def _warning(path: str, line: int, column: int, what: str, release: str) -> Problem:
    return Problem(
        "warning",
        codes.NEWER_THAN_RELEASE,
        path,
        line,
        column,
        f"{what}; istiod {release} does not know it and would refuse this config.",
        f"Upgrade Istio, or leave it out when you run {release}. Source: {API_RELEASES}",
    )
