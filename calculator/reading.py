"""Plain-language reading of a calculator result, and number formatting. No Django."""

from __future__ import annotations

from .inputs import MODE_LABELS
from .model import MeshEstimate
from .rubrics import RubricItem


def format_value(value: float, unit: str = "") -> str:
    """A number as a person reads it: 12%, 0.4 vCPU, 10,000 requests/s, 3.74 GB."""
    _, number, unit = _figure(value, unit)
    return _with_unit(number, unit)


def format_row(values: list[float], unit: str = "") -> list[str]:
    """Values read side by side (one output across modes), to the same decimal places where
    they share a unit, so 0.6 ms stands as 0.60 ms next to 0.89 ms. Figures of 100 and more
    keep none; a row whose units differ (72 MB beside 7.77 GB) or that needs more than two
    places is left as each figure reads alone."""
    figures = [_figure(value, unit) for value in values]
    texts = [_with_unit(number, shown) for _, number, shown in figures]
    if len({shown for _, _, shown in figures}) != 1 or any("e" in n for _, n, _ in figures):
        return texts
    places = max(len(number.partition(".")[2]) for _, number, _ in figures)
    if places > 2:  # a tiny figure (0.0067 vCPU) would give its neighbours four zeros
        return texts
    return [
        _with_unit(f"{value:.{places}f}", shown) if abs(value) < 100 else text
        for (value, _, shown), text in zip(figures, texts, strict=True)
    ]


def _figure(value: float, unit: str) -> tuple[float, str, str]:
    """(value in the unit shown, its digits as read alone, the unit shown)."""
    if unit == "MB" and abs(value) >= 1000:
        value, unit = value / 1000, "GB"
    if unit == "resources" and value == 1:
        unit = "resource"
    magnitude = abs(value)
    if magnitude >= 100:
        text = f"{value:,.0f}"
    elif magnitude >= 10 or (unit == "%" and magnitude >= 1):
        text = f"{value:.1f}"
    elif magnitude >= 1:
        text = f"{value:.2f}"
    elif magnitude == 0:
        text = "0"
    else:
        text = f"{value:.2g}"
    if "." in text and "e" not in text:
        text = text.rstrip("0").rstrip(".")
    return value, text, unit


def _with_unit(number: str, unit: str) -> str:
    if not unit:
        return number
    return f"{number}{unit}" if unit == "%" else f"{number} {unit}"


def _short_mode(mode: str) -> str:
    """The label without its parenthesis, e.g. Ambient L4."""
    return MODE_LABELS[mode].split(" (")[0]


def _next_step(items: tuple[RubricItem, ...]) -> RubricItem | None:
    missing = [item for item in items if not item.met]
    return max(missing, key=lambda i: i.max_points - i.points) if missing else None


def _against(result: MeshEstimate, other: MeshEstimate) -> str:
    """The same traffic in the other mode: its CPU and its latency."""
    theirs = format_value(other["dataplane_cpu_total"].value, "vCPU")
    ours = format_value(result["dataplane_cpu_total"].value, "vCPU")
    cpu = f"need {theirs} instead of {ours}" if theirs != ours else f"also need {ours}"
    return (
        f"{_short_mode(other.inputs.mode)} would {cpu} for the same traffic, and add "
        f"{format_value(other['latency_p90_ms'].value, 'ms')} at p90."
    )


def _rubric_steps(result: MeshEstimate) -> list[str]:
    """Each rubric's score, and the practice that would add the most to it."""
    sentences = []
    for name, items in (
        ("Security", result.security_rubric),
        ("Observability", result.observability_rubric),
    ):
        step = _next_step(items)
        score = format_value(result[f"{name.lower()}_score"].value)
        if step is None:
            sentences.append(f"{name} scores {score} of 100 on the rubric.")
        else:
            gain = format_value(step.max_points - step.points)
            sentences.append(
                f"{name} scores {score} of 100; the biggest next step is "
                f"\u201c{step.label}\u201d (+{gain})."
            )
    return sentences


def read_estimate(result: MeshEstimate, other: MeshEstimate | None = None) -> list[str]:
    """A few sentences a platform engineer can paste into a design doc.

    `other` is the same inputs in another mode; when given, the reading compares the two.
    """
    inputs, out = result.inputs, result.outputs
    mode = _short_mode(inputs.mode).lower().replace("l4", "L4")
    sentences = [
        f"In {mode} mode with Istio {inputs.figures} figures, the mesh costs about "
        f"{format_value(out['overhead_cpu_pct'].value, '%')} of your application's CPU and "
        f"{format_value(out['overhead_memory_pct'].value, '%')} of its memory "
        f"(data plane plus istiod).",
        f"Each user request makes {inputs.hops} "
        f"{'call' if inputs.hops == 1 else 'calls'} through the mesh and gains about "
        f"{format_value(out['latency_p90_ms'].value, 'ms')} at p90 and "
        f"{format_value(out['latency_p99_ms'].value, 'ms')} at p99.",
        f"At {format_value(inputs.rps, 'requests/s')} the data plane needs "
        f"{format_value(out['dataplane_cpu_total'].value, 'vCPU')}; a budget of "
        f"{format_value(inputs.cpu_budget, 'vCPU')} carries about "
        f"{format_value(out['rps_capacity'].value, 'requests/s')} mesh-wide "
        f"({format_value(out['rps_capacity'].value / inputs.hops, 'user requests/s')}).",
    ]
    needed = out["dataplane_cpu_total"].value
    if needed > inputs.cpu_budget:
        sentences.append(
            f"That is over the budget by {format_value(needed - inputs.cpu_budget, 'vCPU')}: "
            f"give the data plane at least {format_value(needed, 'vCPU')}, or expect it to "
            "run short of CPU (queueing, then latency) above about "
            f"{format_value(out['rps_capacity'].value, 'requests/s')}."
        )
    if not inputs.scoping and inputs.namespaces > 1 and inputs.mode != "ambient":
        sentences.append(
            f"Proxy memory ({format_value(out['dataplane_memory_total'].value, 'MB')}) follows "
            "the configuration each proxy holds, not the traffic: configuration scoping "
            "would shrink it."
        )
    if other is not None:
        sentences.append(_against(result, other))
    sentences.extend(_rubric_steps(result))
    count = int(out["mesh_policies"].value)
    sentences.append(
        f"Your team would manage {count} mesh {'resource' if count == 1 else 'resources'}."
    )
    return sentences
