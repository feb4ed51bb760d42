"""What the calculator accepts: the data-plane modes, one spec per input, and `MeshInputs`.

Pure Python, no Django. INPUT_SPECS is the one truth about the inputs: the form (forms.py)
is generated from it, `MeshInputs` checks its values against it, and the README's parameter
table is printed from it (`parameters_table`). Most of this module is that table.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, fields
from typing import Literal

from . import figures as figs
from .figures import FIGURE_SETS

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
