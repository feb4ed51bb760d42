"""Istio's published benchmark figures, each with the page and version it comes from.

Pure data, no Django. Every number the calculator multiplies by lives here, next to
the istio.io page that publishes it, so a reader can check it and a test can pin it.

Istio republishes its performance page with each release and drops the older numbers,
so each figure points at the archived page (istio.io/vX.Y/...) that still shows it.
The Istio 1.24 figures are on the current page (checked when this module was written).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

PERF_PAGE = "docs/ops/deployment/performance-and-scalability/"
PAGE_1_24 = f"https://istio.io/latest/{PERF_PAGE}"
PAGE_1_22 = f"https://istio.io/v1.23/{PERF_PAGE}"  # the v1.23 archive shows the 1.22 summary
PAGE_1_20 = f"https://istio.io/v1.20/{PERF_PAGE}"
PAGE_1_16 = f"https://istio.io/v1.16/{PERF_PAGE}"
PAGE_1_8 = f"https://istio.io/v1.8/{PERF_PAGE}"
PAGE_1_7 = f"https://istio.io/v1.7/{PERF_PAGE}"
PAGE_1_3 = "https://istio.io/v1.3/docs/concepts/performance-and-scalability/"

SECURITY_BEST_PRACTICES = "https://istio.io/latest/docs/ops/best-practices/security/"
OBSERVABILITY_BEST_PRACTICES = "https://istio.io/latest/docs/ops/best-practices/observability/"
REQUEST_AUTHENTICATION = "https://istio.io/latest/docs/concepts/security/#authentication"
STANDARD_METRICS = "https://istio.io/latest/docs/reference/config/telemetry/metrics/"
TRACE_SAMPLING = "https://istio.io/latest/docs/tasks/observability/distributed-tracing/sampling/"
ACCESS_LOGS = "https://istio.io/latest/docs/tasks/observability/logs/access-log/"
CONFIGURATION_SCOPING = "https://istio.io/latest/docs/ops/configuration/mesh/configuration-scoping/"
SIDECAR_RESOURCE = "https://istio.io/latest/docs/reference/config/networking/sidecar/"
WAYPOINTS = "https://istio.io/latest/docs/ambient/usage/waypoint/"

SourceKind = Literal["published", "fallback", "estimate"]


@dataclass(frozen=True)
class Source:
    """Where a value comes from.

    - published: the figure is on `url` for Istio `version`.
    - fallback: the chosen version publishes no such figure; `url`/`version` name the
      published figure used instead, and `note` says so.
    - estimate: no published figure; `note` states the assumption (`url` may name the
      page the estimate is anchored on).
    """

    kind: SourceKind
    url: str = ""
    version: str = ""
    note: str = ""

    def as_dict(self) -> dict[str, str]:
        data = {"kind": self.kind, "url": self.url, "version": self.version}
        data["assumption" if self.kind == "estimate" else "note"] = self.note
        return data


@dataclass(frozen=True)
class Figure:
    """One published number with its unit and source."""

    value: float
    unit: str
    url: str
    version: str
    measured: str = ""  # the conditions Istio states for the measurement

    def source(self, note: str = "") -> Source:
        return Source("published", self.url, self.version, note or self.measured)


@dataclass(frozen=True)
class FigureSet:
    """What one Istio release published. None means: not published for this release."""

    key: str
    label: str
    sidecar_cpu: Figure | None = None  # vCPU per 1000 rps through one sidecar
    sidecar_memory: Figure | None = None  # MB per sidecar
    ztunnel_cpu: Figure | None = None  # vCPU per 1000 rps through one ztunnel
    ztunnel_memory: Figure | None = None  # MB per ztunnel
    waypoint_cpu: Figure | None = None  # vCPU per 1000 rps through one waypoint
    waypoint_memory: Figure | None = None  # MB per waypoint
    two_sidecars_p90: Figure | None = None  # ms added by client + server sidecar
    two_sidecars_p99: Figure | None = None
    two_ztunnels_p90: Figure | None = None  # ms added by client + server ztunnel
    two_ztunnels_p99: Figure | None = None
    istiod_cpu: Figure | None = None  # vCPU for one istiod instance at the stated scale
    istiod_memory: Figure | None = None  # GB for one istiod instance at the stated scale
    mixer_telemetry_cpu: Figure | None = None  # vCPU per 1000 mesh-wide rps (Mixer era)


_LOAD_TEST_1_24 = "1000 rps, 1 KB payload, 2 worker threads (sidecar and waypoint)"
_LATENCY_1_20 = "1000 rps, 1 KB payload, 2-64 connections, 2 proxy workers, mTLS on"
_LATENCY_1_22 = "two ztunnels; 1000 rps, 1 KB payload, 1-64 connections, mTLS on"
_ISTIOD = "one istiod for 1000 services and 2000 sidecars, with namespace isolation"

FIGURE_SETS: dict[str, FigureSet] = {
    fs.key: fs
    for fs in (
        FigureSet(
            key="1.24",
            label="Istio 1.24 (newest published)",
            sidecar_cpu=Figure(0.20, "vCPU", PAGE_1_24, "1.24", _LOAD_TEST_1_24),
            sidecar_memory=Figure(60, "MB", PAGE_1_24, "1.24", _LOAD_TEST_1_24),
            waypoint_cpu=Figure(0.25, "vCPU", PAGE_1_24, "1.24", _LOAD_TEST_1_24),
            waypoint_memory=Figure(60, "MB", PAGE_1_24, "1.24", _LOAD_TEST_1_24),
            ztunnel_cpu=Figure(0.06, "vCPU", PAGE_1_24, "1.24", _LOAD_TEST_1_24),
            ztunnel_memory=Figure(12, "MB", PAGE_1_24, "1.24", _LOAD_TEST_1_24),
            # 1.24 latency is published as charts only: no number to read off.
        ),
        FigureSet(
            key="1.22",
            label="Istio 1.22",
            sidecar_cpu=Figure(0.5, "vCPU", PAGE_1_22, "1.22", "1000 rps through a sidecar"),
            sidecar_memory=Figure(
                50, "MB", PAGE_1_22, "1.22", "large namespace with namespace isolation"
            ),
            two_ztunnels_p90=Figure(0.17, "ms", PAGE_1_22, "1.22", _LATENCY_1_22),
            two_ztunnels_p99=Figure(0.20, "ms", PAGE_1_22, "1.22", _LATENCY_1_22),
        ),
        FigureSet(
            key="1.20",
            label="Istio 1.20",
            sidecar_cpu=Figure(0.5, "vCPU", PAGE_1_20, "1.20", "1000 rps through a proxy"),
            sidecar_memory=Figure(
                50, "MB", PAGE_1_20, "1.20", "large namespace with namespace isolation"
            ),
            two_sidecars_p90=Figure(0.228, "ms", PAGE_1_20, "1.20", _LATENCY_1_20),
            two_sidecars_p99=Figure(0.298, "ms", PAGE_1_20, "1.20", _LATENCY_1_20),
            istiod_cpu=Figure(1, "vCPU", PAGE_1_20, "1.20", _ISTIOD),
            istiod_memory=Figure(1.5, "GB", PAGE_1_20, "1.20", _ISTIOD),
        ),
        FigureSet(
            key="1.16",
            label="Istio 1.8-1.16 (the \u201c+3 ms\u201d era)",
            sidecar_cpu=Figure(0.35, "vCPU", PAGE_1_16, "1.16", "per 1000 rps through the proxy"),
            sidecar_memory=Figure(40, "MB", PAGE_1_16, "1.16", "per 1000 rps through the proxy"),
            two_sidecars_p90=Figure(2.65, "ms", PAGE_1_16, "1.16", "90th percentile, summary"),
            # The 1.8-1.16 summaries state only p90; p99 is from the 1.8 measurement
            # behind that same 2.65 ms (16 connections, telemetry v2 default).
            two_sidecars_p99=Figure(2.91, "ms", PAGE_1_8, "1.8", "16 connections, mTLS on"),
            istiod_cpu=Figure(1, "vCPU", PAGE_1_16, "1.16", "istiod in the load-test mesh"),
            istiod_memory=Figure(1.5, "GB", PAGE_1_16, "1.16", "istiod in the load-test mesh"),
        ),
        FigureSet(
            key="1.7",
            label="Istio 1.7",
            sidecar_cpu=Figure(0.5, "vCPU", PAGE_1_7, "1.7", "per 1000 rps through the proxy"),
            sidecar_memory=Figure(50, "MB", PAGE_1_7, "1.7", "per 1000 rps through the proxy"),
            two_sidecars_p90=Figure(2.76, "ms", PAGE_1_7, "1.7", "16 connections, no jitter"),
            two_sidecars_p99=Figure(2.88, "ms", PAGE_1_7, "1.7", "16 connections, no jitter"),
            istiod_cpu=Figure(1, "vCPU", PAGE_1_7, "1.7", _ISTIOD),
            istiod_memory=Figure(1.5, "GB", PAGE_1_7, "1.7", _ISTIOD),
        ),
        FigureSet(
            key="1.3",
            label="Istio 1.3 (Mixer era)",
            sidecar_cpu=Figure(0.6, "vCPU", PAGE_1_3, "1.3", "per 1000 rps through the proxy"),
            sidecar_memory=Figure(50, "MB", PAGE_1_3, "1.3", "per 1000 rps through the proxy"),
            two_sidecars_p90=Figure(7, "ms", PAGE_1_3, "1.3", "90th percentile, summary"),
            istiod_cpu=Figure(1, "vCPU", PAGE_1_3, "1.3", "Pilot, one instance"),
            istiod_memory=Figure(1.5, "GB", PAGE_1_3, "1.3", "Pilot, one instance"),
            mixer_telemetry_cpu=Figure(
                0.6, "vCPU", PAGE_1_3, "1.3", "istio-telemetry per 1000 mesh-wide rps"
            ),
        ),
    )
}

FIGURE_KEYS: tuple[str, ...] = tuple(FIGURE_SETS)  # newest first
DEFAULT_FIGURES = "1.24"
# Bump when a figure, its page or its note changes: the calculator's cached HTML is keyed by it
# (calculator/cache.py), so learners never see results drawn from the old numbers.
VERSION = 1

# Sizing facts Istio publishes with the 1.20 (and earlier) istiod figure.
ISTIOD_SERVICES_PER_INSTANCE = 1000
ISTIOD_PROXIES_PER_INSTANCE = 2000

# Not an istio.io figure: a 2018 measurement of Envoy memory per configured cluster
# (istio/istio#7912), used only inside a labelled estimate of config-driven memory.
ENVOY_MB_PER_VISIBLE_SERVICE = 0.118


def find_figure(key: str, field: str) -> tuple[Figure, str] | None:
    """The figure for `field` in release `key`, or the nearest release that published it.

    Returns (figure, note); the note is empty when `key` itself published the figure and
    otherwise says which release the value falls back to. Nearest means closest in the
    list of releases; on a tie the newer release wins (its test setup is closer to today's).
    """
    own = getattr(FIGURE_SETS[key], field)
    if own is not None:
        return own, ""
    index = FIGURE_KEYS.index(key)
    by_distance = sorted((abs(i - index), i) for i, other in enumerate(FIGURE_KEYS) if other != key)
    for _, i in by_distance:
        other = FIGURE_SETS[FIGURE_KEYS[i]]
        figure = getattr(other, field)
        if figure is not None:
            note = (
                f"Istio {key} publishes no {_FIELD_NAMES[field]} figure; "
                f"using the Istio {figure.version} figure instead."
            )
            return figure, note
    return None


_FIELD_NAMES = {
    "sidecar_cpu": "sidecar CPU",
    "sidecar_memory": "sidecar memory",
    "ztunnel_cpu": "ztunnel CPU",
    "ztunnel_memory": "ztunnel memory",
    "waypoint_cpu": "waypoint CPU",
    "waypoint_memory": "waypoint memory",
    "two_sidecars_p90": "sidecar p90 latency",
    "two_sidecars_p99": "sidecar p99 latency",
    "two_ztunnels_p90": "ztunnel p90 latency",
    "two_ztunnels_p99": "ztunnel p99 latency",
    "istiod_cpu": "istiod CPU",
    "istiod_memory": "istiod memory",
}
