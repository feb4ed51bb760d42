"""A computed value with its formula and source (`Output`), and how each source is worded.

Pure Python, no Django. The model (model.py) looks figures up through `use` and
`latency_figure`, which say whether the chosen release published the figure or the value
falls back to another release's; `combine` and `estimate_on` word the source of a value
built from several figures, or estimated from one.
"""

from __future__ import annotations

from dataclasses import dataclass

from .figures import FIGURE_SETS, Figure, Source, find_figure
from .inputs import MeshInputs

AMBIENT_FIRST_RELEASE = "1.18"  # ambient mode arrived as alpha in Istio 1.18
PRE_AMBIENT = ("1.16", "1.7", "1.3")


@dataclass(frozen=True)
class Output:
    """One result: its value, unit, the formula it was computed with, and its source."""

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
class Used:
    """A figure as used: its value and the source to show (published or fallback)."""

    figure: Figure
    source: Source

    @property
    def value(self) -> float:
        return self.figure.value


def sentences(*parts: str) -> str:
    """Join note fragments into sentences, skipping empty ones and repeats."""
    cleaned = [p.strip() for p in parts if p and p.strip()]
    return " ".join(p if p.endswith((".", ")")) else p + "." for p in dict.fromkeys(cleaned))


def use(key: str, name: str, extra_note: str = "") -> Used:
    """Figure `name` of release `key`, or of the nearest release that published it."""
    found = find_figure(key, name)
    if found is None:  # every field is published by at least one release
        raise LookupError(f"no release publishes {name}")
    figure, fallback_note = found
    note = sentences(
        fallback_note, f"Measured: {figure.measured}" if figure.measured else "", extra_note
    )
    kind = "fallback" if fallback_note else "published"
    return Used(figure, Source(kind, figure.url, figure.version, note))


def latency_figure(key: str, base: str, pct: str) -> Used:
    """A latency figure; a missing p99 next to a published p90 uses p90 as a lower bound."""
    own = FIGURE_SETS[key]
    if pct == "p99" and getattr(own, f"{base}_p99") is None and getattr(own, f"{base}_p90"):
        p90 = getattr(own, f"{base}_p90")
        note = (
            f"Istio {key} publishes no p99; its p90 ({p90.value:g} ms) is shown as a lower "
            "bound (p99 is never below p90)."
        )
        return Used(p90, Source("fallback", p90.url, p90.version, note))
    return use(key, f"{base}_{pct}")


def combine(sources: list[Source], extra: str = "") -> Source:
    """One source for a value built from several figures of (usually) one page."""
    first = sources[0]
    kind = "fallback" if any(s.kind == "fallback" for s in sources) else first.kind
    pages = {(s.url, s.version) for s in sources}
    notes = [s.note for s in sources if s.note]
    if len(pages) > 1:
        notes.append("Also uses: " + "; ".join(f"Istio {v} ({u})" for u, v in sorted(pages)[1:]))
    return Source(kind, first.url, first.version, sentences(*notes, extra))


def estimate_on(used: Used, assumption: str) -> Source:
    """An estimate anchored on a figure: the assumption, then what the figure itself is."""
    note = sentences(assumption, f"Base figure ({used.source.kind}): {used.source.note}")
    return Source("estimate", used.figure.url, used.figure.version, note)


def ambient_note(inputs: MeshInputs) -> str:
    if inputs.mode != "sidecar" and inputs.figures in PRE_AMBIENT:
        return (
            f"Ambient mode did not exist in Istio {inputs.figures} (it arrived in "
            f"{AMBIENT_FIRST_RELEASE}), so ambient figures come from a newer release."
        )
    return ""


def caveats(inputs: MeshInputs) -> str:
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
