"""The mesh overhead model: `estimate(MeshInputs) -> MeshEstimate`. Pure Python, no Django.

Every output carries the formula it was computed with and its source: an istio.io page
and release (published or, where the chosen release has no such figure, the fallback
used), or "estimate" with the assumption spelled out. The numbers come from figures.py,
the inputs are defined in inputs.py, the sources worded by sources.py and the scores
made by rubrics.py; this module combines them.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field, replace
from typing import Literal

from . import figures as figs
from .figures import FIGURE_SETS, Source
from .inputs import MODES, MeshInputs
from .rubrics import PolicyCount, RubricItem, scores, waypoints
from .sources import (
    PRE_AMBIENT,
    Output,
    ambient_note,
    caveats,
    combine,
    estimate_on,
    latency_figure,
    use,
)

WAYPOINT_SHARE_OF_TWO_SIDECARS = 0.5  # estimate: a waypoint is one Envoy pass, not two


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


# --- one figure at a time ---------------------------------------------------------------


def _cpu_per_1000(inputs: MeshInputs) -> tuple[float, str, Source]:
    """Data-plane vCPU per 1000 mesh-wide requests/s, its formula and source."""
    key, mode = inputs.figures, inputs.mode
    extra = " ".join(p for p in (ambient_note(inputs), caveats(inputs)) if p)
    linear = "CPU taken as linear in request rate."
    if mode == "sidecar":
        sidecar = use(key, "sidecar_cpu")
        return (
            2 * sidecar.value,
            f"2 sidecars × {sidecar.value:g} vCPU",
            combine([sidecar.source], f"{linear} {extra}".strip()),
        )
    ztunnel = use(key, "ztunnel_cpu")
    if mode == "ambient":
        return (
            2 * ztunnel.value,
            f"2 ztunnels × {ztunnel.value:g} vCPU",
            combine([ztunnel.source], f"{linear} {extra}".strip()),
        )
    waypoint = use(key, "waypoint_cpu")
    return (
        2 * ztunnel.value + waypoint.value,
        f"2 ztunnels × {ztunnel.value:g} vCPU + 1 waypoint × {waypoint.value:g} vCPU",
        combine([ztunnel.source, waypoint.source], f"{linear} {extra}".strip()),
    )


def _latency_per_hop(inputs: MeshInputs, pct: Literal["p90", "p99"]) -> tuple[float, str, Source]:
    """Milliseconds one service-to-service call gains at p90 or p99."""
    key = inputs.figures
    extra = " ".join(p for p in (ambient_note(inputs), caveats(inputs)) if p)
    base = "two_sidecars" if inputs.mode == "sidecar" else "two_ztunnels"
    used = latency_figure(key, base, pct)
    what = "client + server sidecar" if inputs.mode == "sidecar" else "client + server ztunnel"
    if inputs.mode != "ambient_waypoint":
        return used.value, f"{used.value:g} ms ({what})", combine([used.source], extra)
    # Waypoints are ambient-era Envoys: before ambient existed, compare with 1.24's era.
    sidecars = latency_figure("1.24" if key in PRE_AMBIENT else key, "two_sidecars", pct)
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


def _visible_services(inputs: MeshInputs) -> int:
    """Services whose config each Envoy holds: its own namespace when scoped, else all."""
    if inputs.scoping:
        return math.ceil(inputs.services / inputs.namespaces)
    return inputs.services


def _proxy_count(inputs: MeshInputs) -> int:
    if inputs.mode == "sidecar":
        return inputs.pods
    return inputs.nodes + waypoints(inputs)


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
        base = use(key, "sidecar_memory")
        each = base.value + per_service * visible
        formula = f"{inputs.pods} sidecars × ({base.value:g} MB + {per_service:g} MB × {visible})"
        return inputs.pods * each, formula, estimate_on(base, assumption)
    ztunnel = use(key, "ztunnel_memory")
    total = inputs.nodes * ztunnel.value
    formula = f"{inputs.nodes} ztunnels × {ztunnel.value:g} MB"
    ambient = (
        "ztunnel memory is Istio's published figure, taken as-is (no config-size figure "
        "is published for ztunnel). " + ambient_note(inputs)
    ).strip()
    if inputs.mode == "ambient":
        return total, formula, combine([ztunnel.source], ambient)
    waypoint = use(key, "waypoint_memory")
    count = waypoints(inputs)
    total += count * (waypoint.value + per_service * visible)
    formula += f" + {count} waypoints × ({waypoint.value:g} MB + {per_service:g} MB × {visible})"
    return total, formula, estimate_on(waypoint, f"{ambient} {assumption}")


def _control_plane(inputs: MeshInputs) -> tuple[Output, Output]:
    key = inputs.figures
    cpu, memory = use(key, "istiod_cpu"), use(key, "istiod_memory")
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
    cpu_source = combine([cpu.source], extra)
    mixer = FIGURE_SETS[key].mixer_telemetry_cpu
    if mixer is not None and inputs.metrics and inputs.mode == "sidecar":
        cpu_value += mixer.value * inputs.rps / 1000
        cpu_formula += f" + Mixer istio-telemetry {mixer.value:g} vCPU × {inputs.rps:g} / 1000"
        cpu_source = combine(
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
            combine([memory.source], extra),
            "Control plane memory",
        ),
    )


# --- the estimate ---------------------------------------------------------------------


def _latency_outputs(inputs: MeshInputs) -> dict[str, Output]:
    out = {}
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
            combine([source], note) if source.kind != "estimate" else source,
            f"Added latency {pct} per user request",
        )
    return out


def _proxies_said(inputs: MeshInputs) -> tuple[int, str]:
    what = "sidecars" if inputs.mode == "sidecar" else "proxies (ztunnels + waypoints)"
    return _proxy_count(inputs), what


def _cpu_outputs(inputs: MeshInputs) -> dict[str, Output]:
    per_1000, formula, source = _cpu_per_1000(inputs)
    total = per_1000 * inputs.rps / 1000
    proxies, what = _proxies_said(inputs)
    return {
        "dataplane_cpu_total": Output(
            total,
            "vCPU",
            f"({formula}) × {inputs.rps:g} requests/s / 1000",
            source,
            "Data-plane CPU, total",
        ),
        "dataplane_cpu_per_proxy": Output(
            total / proxies,
            "vCPU",
            f"{total:.4g} vCPU / {proxies} {what}",
            source,
            "Data-plane CPU per proxy (average)",
        ),
        "dataplane_cpu_per_node": Output(
            total / inputs.nodes,
            "vCPU",
            f"{total:.4g} vCPU / {inputs.nodes} nodes",
            source,
            "Data-plane CPU per node",
        ),
    }


def _memory_outputs(inputs: MeshInputs) -> dict[str, Output]:
    total, formula, source = _memory(inputs)
    proxies, what = _proxies_said(inputs)
    return {
        "dataplane_memory_total": Output(total, "MB", formula, source, "Data-plane memory, total"),
        "dataplane_memory_per_proxy": Output(
            total / proxies,
            "MB",
            f"{total:.5g} MB / {proxies} {what}",
            source,
            "Data-plane memory per proxy (average)",
        ),
        "dataplane_memory_per_node": Output(
            total / inputs.nodes,
            "MB",
            f"{total:.5g} MB / {inputs.nodes} nodes",
            source,
            "Data-plane memory per node",
        ),
    }


def _overhead_outputs(inputs: MeshInputs, out: dict[str, Output]) -> dict[str, Output]:
    """The mesh's CPU and memory (data plane plus istiod, from `out`) against the app's."""
    cpu, memory = out["dataplane_cpu_total"], out["dataplane_memory_total"]
    cp_cpu, cp_memory = out["controlplane_cpu"], out["controlplane_memory"]
    app_cpu, app_memory = inputs.pods * inputs.app_cpu, inputs.pods * inputs.app_memory
    overhead = (
        "Sum of the data-plane and istiod outputs above (each with its own source) "
        "divided by your application's own requests; 1 GB = 1000 MB."
    )
    return {
        "overhead_cpu_pct": Output(
            100 * (cpu.value + cp_cpu.value) / app_cpu,
            "%",
            f"100 × ({cpu.value:.4g} + {cp_cpu.value:.4g}) vCPU / "
            f"({inputs.pods} pods × {inputs.app_cpu:g} vCPU)",
            Source("estimate", cpu.source.url, cpu.source.version, overhead),
            "Mesh CPU as % of the app's CPU",
        ),
        "overhead_memory_pct": Output(
            100 * (memory.value + cp_memory.value * 1000) / app_memory,
            "%",
            f"100 × ({memory.value:.5g} MB + {cp_memory.value:g} GB) / "
            f"({inputs.pods} pods × {inputs.app_memory:g} MB)",
            Source("estimate", memory.source.url, memory.source.version, overhead),
            "Mesh memory as % of the app's memory",
        ),
    }


def _capacity_output(inputs: MeshInputs) -> Output:
    per_1000, formula, source = _cpu_per_1000(inputs)
    return Output(
        inputs.cpu_budget * 1000 / per_1000,
        "requests/s",
        f"{inputs.cpu_budget:g} vCPU × 1000 / ({formula}); "
        f"÷ {inputs.hops} hops for user requests/s",
        source,
        "Mesh-wide requests/s the CPU budget carries",
    )


def _notes(inputs: MeshInputs) -> tuple[str, ...]:
    notes = [
        "Istio publishes no p50 latency, so none is shown.",
        f"Figures: {FIGURE_SETS[inputs.figures].label}.",
    ]
    if inputs.figures == "1.24":
        notes.append(
            "Istio 1.24 publishes latency only as charts; latency uses the nearest release "
            "that published a number (see each source)."
        )
    return tuple(notes)


def estimate(inputs: MeshInputs) -> MeshEstimate:
    """Everything the calculator shows for one set of inputs (outputs in the order shown)."""
    out = _latency_outputs(inputs) | _cpu_outputs(inputs) | _memory_outputs(inputs)
    out["controlplane_cpu"], out["controlplane_memory"] = _control_plane(inputs)
    out |= _overhead_outputs(inputs, out)
    out["rps_capacity"] = _capacity_output(inputs)
    rubrics = scores(inputs)
    out |= rubrics.outputs()
    return MeshEstimate(
        inputs, out, rubrics.security, rubrics.observability, rubrics.policies, _notes(inputs)
    )


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
