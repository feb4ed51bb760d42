"""The mesh overhead model: `estimate(MeshInputs) -> MeshEstimate`. Pure Python, no Django.

Every output carries the formula it was computed with and its source: an istio.io page
and release (published or, where the chosen release has no such figure, the fallback
used), or "estimate" with the assumption spelled out. The numbers come from
`calculator.figures`; this module only combines them.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field, fields, replace
from functools import lru_cache
from typing import Literal

from . import figures as figs
from .figures import FIGURE_SETS, Figure, Source, find_figure

Mode = Literal["sidecar", "ambient", "ambient_waypoint"]
MODES: tuple[Mode, ...] = ("sidecar", "ambient", "ambient_waypoint")
MODE_LABELS: dict[str, str] = {
    "sidecar": "Sidecar (Envoy in every pod)",
    "ambient": "Ambient L4 (ztunnel per node)",
    "ambient_waypoint": "Ambient + waypoint (L7)",
}
# What each choice's <option> says. A closed select shows the chosen option on one line and
# cuts off what is wider than its box, so each fits a 320 px phone (at most ~27 characters);
# the help text under the field says the rest, and the results keep MODE_LABELS.
MODE_OPTIONS: dict[str, str] = {
    "sidecar": "Sidecar (Envoy per pod)",
    "ambient": "Ambient L4 (ztunnel)",
    "ambient_waypoint": "Ambient + waypoint (L7)",
}
MTLS_OPTIONS: dict[str, str] = {
    "strict": "STRICT (mTLS only)",
    "permissive": "PERMISSIVE (default)",
    "off": "DISABLE (plaintext)",
}
FIGURE_OPTIONS: dict[str, str] = {key: fs.label for key, fs in FIGURE_SETS.items()} | {
    figs.DEFAULT_FIGURES: f"Istio {figs.DEFAULT_FIGURES} (newest)",
    "1.16": "Istio 1.8-1.16 (+3 ms era)",
}


@dataclass(frozen=True)
class InputSpec:
    """One calculator input: what the form shows, what it accepts, what it defaults to."""

    name: str
    label: str
    help: str
    kind: Literal["choice", "int", "float", "bool"]
    default: object
    unit: str = ""
    minimum: float | None = None
    maximum: float | None = None
    choices: tuple[tuple[str, str], ...] = ()


INPUT_SPECS: tuple[InputSpec, ...] = (
    InputSpec(
        "mode",
        "Data-plane mode",
        "Sidecar: an Envoy proxy in every pod. Ambient: a ztunnel per node carries L4 "
        "traffic; a waypoint (Envoy) adds L7 features per namespace.",
        "choice",
        "sidecar",
        choices=tuple(MODE_OPTIONS.items()),
    ),
    InputSpec(
        "figures",
        "Istio figures",
        f"Which release's published benchmark to compute with: {figs.DEFAULT_FIGURES} is the "
        "newest published; older releases show the trend.",
        "choice",
        figs.DEFAULT_FIGURES,
        choices=tuple(FIGURE_OPTIONS.items()),
    ),
    InputSpec("services", "Services", "Services in the mesh.", "int", 20, "services", 1, 5000),
    InputSpec("replicas", "Replicas per service", "Pods per service.", "int", 3, "pods", 1, 500),
    InputSpec(
        "namespaces",
        "Namespaces",
        "Namespaces the services are spread over (one waypoint and one Sidecar scope each).",
        "int",
        4,
        "namespaces",
        1,
        1000,
    ),
    InputSpec("nodes", "Nodes", "Kubernetes worker nodes.", "int", 6, "nodes", 1, 5000),
    InputSpec(
        "rps",
        "Mesh-wide requests/s",
        "All service-to-service calls per second across the mesh, as in Istio's load test.",
        "float",
        1000.0,
        "requests/s",
        0,
        1_000_000,
    ),
    InputSpec(
        "hops",
        "Calls per user request",
        "Service-to-service calls one user request makes on its way through the mesh.",
        "int",
        3,
        "hops",
        1,
        50,
    ),
    InputSpec(
        "app_cpu",
        "App CPU per pod",
        "CPU your application container requests.",
        "float",
        0.5,
        "vCPU",
        0.01,
        64,
    ),
    InputSpec(
        "app_memory",
        "App memory per pod",
        "Memory your application container requests.",
        "float",
        512.0,
        "MB",
        1,
        262_144,
    ),
    InputSpec(
        "cpu_budget",
        "Data-plane CPU budget",
        "vCPU you would give the proxies; the calculator says how much traffic that carries.",
        "float",
        4.0,
        "vCPU",
        0.1,
        10_000,
    ),
    InputSpec(
        "mtls",
        "mTLS mode",
        "PeerAuthentication mode for the whole mesh. STRICT: mTLS only. PERMISSIVE, "
        "Istio's default: mTLS or plaintext. DISABLE: plaintext only.",
        "choice",
        "permissive",
        choices=tuple(MTLS_OPTIONS.items()),
    ),
    InputSpec(
        "authz_policies",
        "Authorization policies",
        "AuthorizationPolicy resources you plan to write.",
        "int",
        0,
        "policies",
        0,
        10_000,
    ),
    InputSpec(
        "egress_lockdown",
        "Egress lock-down",
        "Outbound traffic forced through an egress gateway (not just REGISTRY_ONLY).",
        "bool",
        False,
    ),
    InputSpec(
        "jwt",
        "Request authentication (JWT)",
        "RequestAuthentication validating end-user tokens.",
        "bool",
        False,
    ),
    InputSpec("metrics", "Metrics", "Istio standard metrics scraped by Prometheus.", "bool", True),
    InputSpec(
        "tracing_pct",
        "Tracing sampling",
        "Share of requests traced (Istio accepts 0.0 to 100.0).",
        "float",
        1.0,
        "%",
        0,
        100,
    ),
    InputSpec("access_logs", "Access logs", "Envoy access logs on.", "bool", False),
    InputSpec(
        "scoping",
        "Configuration scoping",
        "Sidecar egress hosts / discoverySelectors limit the config each proxy holds.",
        "bool",
        False,
    ),
)
SPECS_BY_NAME: dict[str, InputSpec] = {spec.name: spec for spec in INPUT_SPECS}


def _plain(number: float) -> str:
    """1000000 -> "1,000,000"; 0.01 -> "0.01" (never scientific notation)."""
    return f"{number:,.0f}" if float(number).is_integer() else f"{number:g}"


_CHOICES: dict[str, dict[str, str]] = {spec.name: dict(spec.choices) for spec in INPUT_SPECS}


def bounds_problems(values: dict[str, object]) -> dict[str, str]:
    """Per-field messages for values outside INPUT_SPECS; empty when all are acceptable."""
    problems: dict[str, str] = {}
    for spec in INPUT_SPECS:
        value = values.get(spec.name)
        if spec.kind == "choice":
            if value not in _CHOICES[spec.name]:
                problems[spec.name] = f"Choose one of: {', '.join(_CHOICES[spec.name])}."
        elif spec.kind == "bool":
            if not isinstance(value, bool):
                problems[spec.name] = "Must be on or off."
        else:
            number_types = (int,) if spec.kind == "int" else (int, float)
            if isinstance(value, bool) or not isinstance(value, number_types):
                problems[spec.name] = (
                    "Must be a whole number." if spec.kind == "int" else ("Must be a number.")
                )
            elif not math.isfinite(value):
                problems[spec.name] = "Must be a finite number."
            elif not spec.minimum <= value <= spec.maximum:
                low, high = _plain(spec.minimum), _plain(spec.maximum)
                problems[spec.name] = f"Must be between {low} and {high} {spec.unit}."
    return problems


@dataclass(frozen=True)
class MeshInputs:
    mode: Mode = "sidecar"
    figures: str = figs.DEFAULT_FIGURES
    services: int = 20
    replicas: int = 3
    namespaces: int = 4
    nodes: int = 6
    rps: float = 1000.0
    hops: int = 3
    app_cpu: float = 0.5
    app_memory: float = 512.0
    cpu_budget: float = 4.0
    mtls: Literal["strict", "permissive", "off"] = "permissive"
    authz_policies: int = 0
    egress_lockdown: bool = False
    jwt: bool = False
    metrics: bool = True
    tracing_pct: float = 1.0
    access_logs: bool = False
    scoping: bool = False

    def __post_init__(self) -> None:
        problems = bounds_problems(self.as_dict())
        if problems:
            raise ValueError("; ".join(f"{name}: {msg}" for name, msg in problems.items()))

    def as_dict(self) -> dict[str, object]:
        # Every field is a scalar, so a shallow copy is what asdict() gives, far cheaper
        # (validation calls this for every instance, and the chart makes several).
        return {name: getattr(self, name) for name in _INPUT_NAMES}

    def as_query(self) -> dict[str, str]:
        """Query-string form of these inputs (the shareable link)."""
        query: dict[str, str] = {}
        for name, value in self.as_dict().items():
            if isinstance(value, bool):
                query[name] = "on" if value else "off"
            elif isinstance(value, float):
                query[name] = str(int(value)) if value.is_integer() else repr(value)
            else:
                query[name] = str(value)
        return query

    @property
    def pods(self) -> int:
        return self.services * self.replicas


_INPUT_NAMES: tuple[str, ...] = tuple(f.name for f in fields(MeshInputs))
# Keep the spec table and the dataclass in step: a new input must be added to both.
assert [f.name for f in fields(MeshInputs)] == [s.name for s in INPUT_SPECS]
assert all(getattr(MeshInputs(), s.name) == s.default for s in INPUT_SPECS)


@dataclass(frozen=True)
class Output:
    value: float
    unit: str
    formula: str
    source: Source
    label: str = ""

    def as_dict(self) -> dict[str, object]:
        return {
            "value": round(self.value, 6),
            "unit": self.unit,
            "formula": self.formula,
            "source": self.source.as_dict(),
        }


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


@dataclass(frozen=True)
class MeshEstimate:
    inputs: MeshInputs
    outputs: dict[str, Output]
    security_rubric: tuple[RubricItem, ...]
    observability_rubric: tuple[RubricItem, ...]
    policies: tuple[PolicyCount, ...]
    notes: tuple[str, ...] = field(default=())

    def __getitem__(self, name: str) -> Output:
        return self.outputs[name]

    def as_dict(self) -> dict[str, object]:
        """The JSON answer: inputs as given, outputs with value, unit, formula, source."""
        return {
            "inputs": self.inputs.as_dict(),
            "outputs": {name: output.as_dict() for name, output in self.outputs.items()},
        }


# --- figures for one mode -------------------------------------------------------------

AMBIENT_FIRST_RELEASE = "1.18"  # ambient mode arrived as alpha in Istio 1.18
PRE_AMBIENT = ("1.16", "1.7", "1.3")
WAYPOINT_SHARE_OF_TWO_SIDECARS = 0.5  # estimate: a waypoint is one Envoy pass, not two


@dataclass(frozen=True)
class _Used:
    """A figure as used: its value and the source to show (published or fallback)."""

    figure: Figure
    source: Source

    @property
    def value(self) -> float:
        return self.figure.value


def _sentences(*parts: str) -> str:
    """Join note fragments into sentences, skipping empty ones and repeats."""
    cleaned = [p.strip() for p in parts if p and p.strip()]
    return " ".join(p if p.endswith((".", ")")) else p + "." for p in dict.fromkeys(cleaned))


@lru_cache(maxsize=256)  # a pure function of the (constant) figure tables
def _use(key: str, name: str, extra_note: str = "") -> _Used:
    found = find_figure(key, name)
    if found is None:  # every field is published by at least one release
        raise LookupError(f"no release publishes {name}")
    figure, fallback_note = found
    note = _sentences(
        fallback_note, f"Measured: {figure.measured}" if figure.measured else "", extra_note
    )
    kind = "fallback" if fallback_note else "published"
    return _Used(figure, Source(kind, figure.url, figure.version, note))


def _ambient_note(inputs: MeshInputs) -> str:
    if inputs.mode != "sidecar" and inputs.figures in PRE_AMBIENT:
        return (
            f"Ambient mode did not exist in Istio {inputs.figures} (it arrived in "
            f"{AMBIENT_FIRST_RELEASE}), so ambient figures come from a newer release."
        )
    return ""


def _caveats(inputs: MeshInputs) -> str:
    """What the published figure does not cover for these inputs, said out loud."""
    parts = []
    if inputs.mtls == "off":
        parts.append(
            "Istio publishes no mTLS on/off figure; the published figure is used unchanged."
        )
    if inputs.access_logs or inputs.tracing_pct > 0 or not inputs.metrics:
        parts.append(
            "Istio says telemetry (logs, tracing, metrics) has a moderate effect but "
            "publishes no figure for it; the figure is used unchanged."
        )
    return " ".join(parts)


def _combine(sources: list[Source], extra: str = "") -> Source:
    """One source for a value built from several figures of (usually) one page."""
    return _combined(tuple(sources), extra)


@lru_cache(maxsize=1024)  # pure, and the same few notes recur for every input
def _combined(sources: tuple[Source, ...], extra: str) -> Source:
    first = sources[0]
    kind = "fallback" if any(s.kind == "fallback" for s in sources) else first.kind
    pages = {(s.url, s.version) for s in sources}
    notes = [s.note for s in sources if s.note]
    if len(pages) > 1:
        notes.append("Also uses: " + "; ".join(f"Istio {v} ({u})" for u, v in sorted(pages)[1:]))
    return Source(kind, first.url, first.version, _sentences(*notes, extra))


def _cpu_per_1000(inputs: MeshInputs) -> tuple[float, str, Source]:
    """Data-plane vCPU per 1000 mesh-wide requests/s, its formula and source."""
    key, mode = inputs.figures, inputs.mode
    extra = " ".join(p for p in (_ambient_note(inputs), _caveats(inputs)) if p)
    linear = "CPU taken as linear in request rate."
    if mode == "sidecar":
        sidecar = _use(key, "sidecar_cpu")
        return (
            2 * sidecar.value,
            f"2 sidecars × {sidecar.value:g} vCPU",
            _combine([sidecar.source], f"{linear} {extra}".strip()),
        )
    ztunnel = _use(key, "ztunnel_cpu")
    if mode == "ambient":
        return (
            2 * ztunnel.value,
            f"2 ztunnels × {ztunnel.value:g} vCPU",
            _combine([ztunnel.source], f"{linear} {extra}".strip()),
        )
    waypoint = _use(key, "waypoint_cpu")
    return (
        2 * ztunnel.value + waypoint.value,
        f"2 ztunnels × {ztunnel.value:g} vCPU + 1 waypoint × {waypoint.value:g} vCPU",
        _combine([ztunnel.source, waypoint.source], f"{linear} {extra}".strip()),
    )


def _latency_per_hop(inputs: MeshInputs, pct: Literal["p90", "p99"]) -> tuple[float, str, Source]:
    """Milliseconds one service-to-service call gains at p90 or p99."""
    key = inputs.figures
    extra = " ".join(p for p in (_ambient_note(inputs), _caveats(inputs)) if p)
    base = "two_sidecars" if inputs.mode == "sidecar" else "two_ztunnels"
    used = _latency_figure(key, base, pct)
    what = "client + server sidecar" if inputs.mode == "sidecar" else "client + server ztunnel"
    if inputs.mode != "ambient_waypoint":
        return used.value, f"{used.value:g} ms ({what})", _combine([used.source], extra)
    # Waypoints are ambient-era Envoys: before ambient existed, compare with 1.24's era.
    sidecars = _latency_figure("1.24" if key in PRE_AMBIENT else key, "two_sidecars", pct)
    waypoint_ms = WAYPOINT_SHARE_OF_TWO_SIDECARS * sidecars.value
    assumption = (
        f"Istio publishes no waypoint latency number (1.24 shows it only in a chart). "
        f"A waypoint is one Envoy pass, so it is assumed to add half of the two-sidecar "
        f"{pct} ({sidecars.value:g} ms, Istio {sidecars.figure.version}, "
        f"{sidecars.figure.url}). The ztunnel part is Istio {used.figure.version}'s "
        f"published {used.value:g} ms ({used.figure.url}). {extra}"
    ).strip()
    return (
        used.value + waypoint_ms,
        f"{used.value:g} ms ({what}) + {waypoint_ms:g} ms (waypoint, ½ × {sidecars.value:g})",
        Source("estimate", used.figure.url, used.figure.version, assumption),
    )


def _latency_figure(key: str, base: str, pct: str) -> _Used:
    """A latency figure; a missing p99 next to a published p90 uses p90 as a lower bound."""
    own = FIGURE_SETS[key]
    if pct == "p99" and getattr(own, f"{base}_p99") is None and getattr(own, f"{base}_p90"):
        p90 = getattr(own, f"{base}_p90")
        note = (
            f"Istio {key} publishes no p99; its p90 ({p90.value:g} ms) is shown as a lower "
            "bound (p99 is never below p90)."
        )
        return _Used(p90, Source("fallback", p90.url, p90.version, note))
    return _use(key, f"{base}_{pct}")


# --- the estimate ---------------------------------------------------------------------


def _visible_services(inputs: MeshInputs) -> int:
    """Services whose config each Envoy holds: its own namespace when scoped, else all."""
    if inputs.scoping:
        return math.ceil(inputs.services / inputs.namespaces)
    return inputs.services


def _waypoints(inputs: MeshInputs) -> int:
    return min(inputs.namespaces, inputs.services) if inputs.mode == "ambient_waypoint" else 0


def _proxy_count(inputs: MeshInputs) -> int:
    if inputs.mode == "sidecar":
        return inputs.pods
    return inputs.nodes + _waypoints(inputs)


def _memory(inputs: MeshInputs) -> tuple[float, str, Source]:
    """Total data-plane memory (MB), formula and source; always an estimate."""
    key, visible = inputs.figures, _visible_services(inputs)
    per_service = figs.ENVOY_MB_PER_VISIBLE_SERVICE
    scope = (
        f"scoping on: {visible} services visible (own namespace, "
        f"⌈{inputs.services} / {inputs.namespaces}⌉)"
        if inputs.scoping
        else f"scoping off: all {visible} services visible"
    )
    assumption = (
        "Proxy memory follows the configuration it holds, not the request rate. Istio's "
        "published per-proxy figure is taken as the base and each visible service adds "
        f"{per_service:g} MB (an old, historical measurement of about 118 KB of Envoy "
        f"memory per cluster, istio/istio#7912); {scope}."
    )
    if inputs.mode == "sidecar":
        base = _use(key, "sidecar_memory")
        each = base.value + per_service * visible
        formula = f"{inputs.pods} sidecars × ({base.value:g} MB + {per_service:g} MB × {visible})"
        return inputs.pods * each, formula, _estimate_on(base, assumption)
    ztunnel = _use(key, "ztunnel_memory")
    total = inputs.nodes * ztunnel.value
    formula = f"{inputs.nodes} ztunnels × {ztunnel.value:g} MB"
    ambient = (
        "ztunnel memory is Istio's published figure, taken as-is (no config-size figure "
        "is published for ztunnel). " + _ambient_note(inputs)
    ).strip()
    if inputs.mode == "ambient":
        return total, formula, _combine([ztunnel.source], ambient)
    waypoint = _use(key, "waypoint_memory")
    count = _waypoints(inputs)
    total += count * (waypoint.value + per_service * visible)
    formula += f" + {count} waypoints × ({waypoint.value:g} MB + {per_service:g} MB × {visible})"
    return total, formula, _estimate_on(waypoint, f"{ambient} {assumption}")


def _estimate_on(used: _Used, assumption: str) -> Source:
    note = _sentences(assumption, f"Base figure ({used.source.kind}): {used.source.note}")
    return Source("estimate", used.figure.url, used.figure.version, note)


def _control_plane(inputs: MeshInputs) -> tuple[Output, Output]:
    key = inputs.figures
    cpu, memory = _use(key, "istiod_cpu"), _use(key, "istiod_memory")
    connected = _proxy_count(inputs)
    instances = max(
        1,
        math.ceil(inputs.services / figs.ISTIOD_SERVICES_PER_INSTANCE),
        math.ceil(connected / figs.ISTIOD_PROXIES_PER_INSTANCE),
    )
    sizing = (
        f"{instances} istiod × {{value}} (one instance serves up to "
        f"{figs.ISTIOD_SERVICES_PER_INSTANCE} services and {figs.ISTIOD_PROXIES_PER_INSTANCE} "
        f"proxies; you have {inputs.services} services, {connected} proxies)"
    )
    scope_note = (
        ""
        if inputs.scoping
        else "Istio's figure assumes namespace isolation; with scoping off istiod pushes more "
        "configuration, and no figure is published for that."
    )
    extra = f"More instances scale out istiod (Istio: horizontally scalable). {scope_note}".strip()
    cpu_value = instances * cpu.value
    cpu_formula = sizing.format(value=f"{cpu.value:g} vCPU")
    cpu_source = _combine([cpu.source], extra)
    mixer = FIGURE_SETS[key].mixer_telemetry_cpu
    if mixer is not None and inputs.metrics and inputs.mode == "sidecar":
        cpu_value += mixer.value * inputs.rps / 1000
        cpu_formula += f" + Mixer istio-telemetry {mixer.value:g} vCPU × {inputs.rps:g} / 1000"
        cpu_source = _combine(
            [cpu_source],
            f"Mixer's istio-telemetry: {mixer.value:g} vCPU per 1000 mesh-wide requests/s "
            f"(Istio {mixer.version}, {mixer.url}).",
        )
    return (
        Output(cpu_value, "vCPU", cpu_formula, cpu_source, "Control plane CPU"),
        Output(
            instances * memory.value,
            "GB",
            sizing.format(value=f"{memory.value:g} GB"),
            _combine([memory.source], extra),
            "Control plane memory",
        ),
    )


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


def _score(items: tuple[RubricItem, ...]) -> float:
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
            _waypoints(inputs),
            "One waypoint per namespace.",
        ),
    ]
    return tuple(c for c in counts if c.count > 0)


def estimate(inputs: MeshInputs) -> MeshEstimate:
    """Everything the calculator shows for one set of inputs."""
    out: dict[str, Output] = {}

    for pct in ("p90", "p99"):
        per_hop, hop_formula, source = _latency_per_hop(inputs, pct)
        note = (
            "Adding per-hop percentiles over several hops leans high: the sum of p90s is "
            "above the p90 of the sum."
            if inputs.hops > 1
            else ""
        )
        out[f"latency_{pct}_ms"] = Output(
            inputs.hops * per_hop,
            "ms",
            f"{inputs.hops} hops × [{hop_formula}]",
            _combine([source], note) if source.kind != "estimate" else source,
            f"Added latency {pct} per user request",
        )

    per_1000, cpu_formula, cpu_source = _cpu_per_1000(inputs)
    total_cpu = per_1000 * inputs.rps / 1000
    proxies = _proxy_count(inputs)
    what = "sidecars" if inputs.mode == "sidecar" else "proxies (ztunnels + waypoints)"
    out["dataplane_cpu_total"] = Output(
        total_cpu,
        "vCPU",
        f"({cpu_formula}) × {inputs.rps:g} requests/s / 1000",
        cpu_source,
        "Data-plane CPU, total",
    )
    out["dataplane_cpu_per_proxy"] = Output(
        total_cpu / proxies,
        "vCPU",
        f"{total_cpu:.4g} vCPU / {proxies} {what}",
        cpu_source,
        "Data-plane CPU per proxy (average)",
    )
    out["dataplane_cpu_per_node"] = Output(
        total_cpu / inputs.nodes,
        "vCPU",
        f"{total_cpu:.4g} vCPU / {inputs.nodes} nodes",
        cpu_source,
        "Data-plane CPU per node",
    )

    total_memory, memory_formula, memory_source = _memory(inputs)
    out["dataplane_memory_total"] = Output(
        total_memory, "MB", memory_formula, memory_source, "Data-plane memory, total"
    )
    out["dataplane_memory_per_proxy"] = Output(
        total_memory / proxies,
        "MB",
        f"{total_memory:.5g} MB / {proxies} {what}",
        memory_source,
        "Data-plane memory per proxy (average)",
    )
    out["dataplane_memory_per_node"] = Output(
        total_memory / inputs.nodes,
        "MB",
        f"{total_memory:.5g} MB / {inputs.nodes} nodes",
        memory_source,
        "Data-plane memory per node",
    )

    cp_cpu, cp_memory = _control_plane(inputs)
    out["controlplane_cpu"] = cp_cpu
    out["controlplane_memory"] = cp_memory

    app_cpu, app_memory = inputs.pods * inputs.app_cpu, inputs.pods * inputs.app_memory
    mesh_cpu = total_cpu + cp_cpu.value
    mesh_memory = total_memory + cp_memory.value * 1000
    overhead = (
        "Sum of the data-plane and istiod outputs above (each with its own source) "
        "divided by your application's own requests; 1 GB = 1000 MB."
    )
    out["overhead_cpu_pct"] = Output(
        100 * mesh_cpu / app_cpu,
        "%",
        f"100 × ({total_cpu:.4g} + {cp_cpu.value:.4g}) vCPU / "
        f"({inputs.pods} pods × {inputs.app_cpu:g} vCPU)",
        Source("estimate", cpu_source.url, cpu_source.version, overhead),
        "Mesh CPU as % of the app's CPU",
    )
    out["overhead_memory_pct"] = Output(
        100 * mesh_memory / app_memory,
        "%",
        f"100 × ({total_memory:.5g} MB + {cp_memory.value:g} GB) / "
        f"({inputs.pods} pods × {inputs.app_memory:g} MB)",
        Source("estimate", memory_source.url, memory_source.version, overhead),
        "Mesh memory as % of the app's memory",
    )

    out["rps_capacity"] = Output(
        inputs.cpu_budget * 1000 / per_1000,
        "requests/s",
        f"{inputs.cpu_budget:g} vCPU × 1000 / ({cpu_formula}); "
        f"÷ {inputs.hops} hops for user requests/s",
        cpu_source,
        "Mesh-wide requests/s the CPU budget carries",
    )

    sec, obs = security_rubric(inputs), observability_rubric(inputs)
    out["security_score"] = Output(
        _score(sec),
        "of 100",  # a rubric's points, as the summary and the rubric tables say; not a share
        " + ".join(f"{i.points:g}" for i in sec) + " of 100 (rubric below)",
        Source(
            "estimate",
            figs.SECURITY_BEST_PRACTICES,
            "",
            "A teaching rubric: points per practice from Istio's security best practices, "
            "weights chosen by MeshLearn.",
        ),
        "Security score",
    )
    out["observability_score"] = Output(
        _score(obs),
        "of 100",  # a rubric's points, as the summary and the rubric tables say; not a share
        " + ".join(f"{i.points:g}" for i in obs) + " of 100 (rubric below)",
        Source(
            "estimate",
            figs.OBSERVABILITY_BEST_PRACTICES,
            "",
            "A teaching rubric: points per signal from Istio's observability docs, "
            "weights chosen by MeshLearn.",
        ),
        "Observability score",
    )

    policies = mesh_policies(inputs)
    out["mesh_policies"] = Output(
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
    )

    notes = [
        "Istio publishes no p50 latency, so none is shown.",
        f"Figures: {FIGURE_SETS[inputs.figures].label}.",
    ]
    if inputs.figures == "1.24":
        notes.append(
            "Istio 1.24 publishes latency only as charts; latency uses the nearest release "
            "that published a number (see each source)."
        )
    return MeshEstimate(inputs, out, sec, obs, policies, tuple(notes))


def compare_modes(inputs: MeshInputs) -> dict[str, MeshEstimate]:
    """The same inputs computed in each data-plane mode, for the side-by-side view."""
    return {
        mode: estimate(inputs if mode == inputs.mode else replace(inputs, mode=mode))
        for mode in MODES
    }


def dataplane_cpu_at(inputs: MeshInputs, rps: float) -> float:
    """Data-plane vCPU for `inputs` at another request rate (used by the chart)."""
    per_1000, _, _ = _cpu_per_1000(inputs)
    return per_1000 * rps / 1000


def parameters_table() -> str:
    """INPUT_SPECS as a Markdown table (the README's "Calculator parameters" section)."""
    rows = [
        "| Parameter | What it is | Unit | Default | Allowed |",
        "|---|---|---|---|---|",
    ]
    for spec in INPUT_SPECS:
        if spec.kind == "choice":
            allowed = ", ".join(f"`{value}`" for value, _ in spec.choices)
        elif spec.kind == "bool":
            allowed = "`on`, `off`"
        else:
            allowed = f"{_plain(spec.minimum)} to {_plain(spec.maximum)}"
            allowed += " (whole number)" if spec.kind == "int" else ""
        default = spec.default
        if isinstance(default, bool):
            default = "on" if default else "off"
        elif isinstance(default, float):
            default = f"{default:g}"
        rows.append(
            f"| `{spec.name}` | {spec.label} | {spec.unit or '-'} | `{default}` | {allowed} |"
        )
    return "\n".join(rows)
