"""Server-side SVG chart: data-plane CPU against request rate, one line per mode.

No JavaScript and no chart library: the chart is a string the template inserts as is.
All text is XML-escaped here, so the caller may mark the result safe.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import replace
from functools import lru_cache
from xml.sax.saxutils import escape, quoteattr

from .model import MODE_LABELS, MODES, MeshInputs, dataplane_cpu_at
from .reading import format_value

WIDTH, HEIGHT = 640, 360
LEFT, RIGHT, TOP, BOTTOM = 64, 180, 24, 48  # margins; the legend sits on the right
PLOT_W, PLOT_H = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM
# Modes differ by dash pattern as well as colour, so the chart reads without colour.
STYLES = {
    "sidecar": ("#c2410c", ""),
    "ambient": ("#047857", "6 4"),
    "ambient_waypoint": ("#1d4ed8", "2 3"),
}


def nice_ceiling(value: float) -> float:
    """The smallest 1, 2 or 5 × 10^k that is at least `value` (value > 0)."""
    exponent = math.floor(math.log10(value))
    for step in (1, 2, 5, 10):
        candidate = step * 10**exponent
        if candidate >= value * (1 - 1e-12):
            return float(candidate)
    return float(10 ** (exponent + 1))


def _x(rps: float, x_max: float) -> float:
    return LEFT + PLOT_W * rps / x_max


def _y(cpu: float, y_max: float) -> float:
    return TOP + PLOT_H * (1 - cpu / y_max)


def _text(x: float, y: float, content: str, **attrs: str) -> str:
    extra = "".join(f" {k.rstrip('_').replace('_', '-')}={quoteattr(v)}" for k, v in attrs.items())
    return f'<text x="{x:.1f}" y="{y:.1f}"{extra}>{escape(content)}</text>'


def dataplane_cpu_chart(
    inputs: MeshInputs,
    id_prefix: str = "calc-chart",
    each_mode: Mapping[str, MeshInputs] | None = None,
) -> str:
    """An accessible SVG of vCPU (y) against mesh-wide requests/s (x), current input marked.

    `each_mode`: the inputs in every mode, when the caller has them already.
    """
    x_max = nice_ceiling(max(inputs.rps * 2, 1000.0))
    if each_mode is None:
        each_mode = {m: inputs if m == inputs.mode else replace(inputs, mode=m) for m in MODES}
    lines = {m: dataplane_cpu_at(each_mode[m], x_max) for m in MODES}
    y_max = nice_ceiling(max(lines.values()))
    at_input = {m: dataplane_cpu_at(each_mode[m], inputs.rps) for m in MODES}
    current = at_input[inputs.mode]

    title = "Data-plane CPU against mesh-wide request rate"
    summary = "; ".join(f"{MODE_LABELS[m]}: {format_value(at_input[m], 'vCPU')}" for m in MODES)
    desc = (
        f"Straight lines for the three data-plane modes using Istio {inputs.figures} figures, "
        f"from 0 to {format_value(x_max, 'requests/s')}. At your "
        f"{format_value(inputs.rps, 'requests/s')}: {summary}. The marker shows "
        f"{MODE_LABELS[inputs.mode]}."
    )
    title_id, desc_id = f"{id_prefix}-title", f"{id_prefix}-desc"
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {HEIGHT}" '
        f'role="img" class="calc-chart" aria-labelledby="{title_id} {desc_id}">',
        f'<title id="{title_id}">{escape(title)}</title>',
        f'<desc id="{desc_id}">{escape(desc)}</desc>',
    ]

    # grid and tick labels: five steps on each axis
    for i in range(6):
        gx, gy = LEFT + PLOT_W * i / 5, TOP + PLOT_H * i / 5
        parts.append(
            f'<line class="calc-chart-grid" x1="{gx:.1f}" y1="{TOP}" x2="{gx:.1f}" '
            f'y2="{TOP + PLOT_H}" stroke="#d4d4d8" stroke-width="1"/>'
        )
        parts.append(
            f'<line class="calc-chart-grid" x1="{LEFT}" y1="{gy:.1f}" x2="{LEFT + PLOT_W}" '
            f'y2="{gy:.1f}" stroke="#d4d4d8" stroke-width="1"/>'
        )
        parts.append(
            _text(gx, TOP + PLOT_H + 18, format_value(x_max * i / 5), text_anchor="middle")
        )
        parts.append(_text(LEFT - 8, gy + 4, format_value(y_max * (5 - i) / 5), text_anchor="end"))
    parts.append(_text(LEFT + PLOT_W / 2, HEIGHT - 8, "mesh-wide requests/s", text_anchor="middle"))
    parts.append(
        _text(
            16,
            TOP + PLOT_H / 2,
            "data-plane vCPU",
            text_anchor="middle",
            transform=f"rotate(-90 16 {TOP + PLOT_H / 2:.1f})",
        )
    )

    for index, mode in enumerate(MODES):
        colour, dash = STYLES[mode]
        dash_attr = f' stroke-dasharray="{dash}"' if dash else ""
        parts.append(
            f'<line class="calc-chart-line calc-chart-{mode}" x1="{_x(0, x_max):.1f}" '
            f'y1="{_y(0, y_max):.1f}" x2="{_x(x_max, x_max):.1f}" '
            f'y2="{_y(lines[mode], y_max):.1f}" stroke="{colour}" stroke-width="3"{dash_attr}/>'
        )
        ly = TOP + 12 + index * 22
        lx = LEFT + PLOT_W + 12
        parts.append(
            f'<line class="calc-chart-{mode}" x1="{lx}" y1="{ly}" x2="{lx + 24}" y2="{ly}" '
            f'stroke="{colour}" stroke-width="3"{dash_attr}/>'
        )
        parts.append(_text(lx + 30, ly + 4, MODE_LABELS[mode].split(" (")[0]))

    mx, my = _x(inputs.rps, x_max), _y(current, y_max)
    label = f"you: {format_value(current, 'vCPU')}"
    slopes = [PLOT_H * lines[m] / y_max / PLOT_W for m in MODES]
    lx, ly = place_label(label, mx, my, slopes)
    parts.append(
        f'<circle class="calc-chart-marker" data-testid="calc-chart-marker" cx="{mx:.1f}" '
        f'cy="{my:.1f}" r="6" fill="#18181b" stroke="#ffffff" stroke-width="2">'
        f"<title>{escape(label)}</title></circle>"
    )
    parts.append(_text(lx, ly, label, class_="calc-chart-label"))
    parts.append("</svg>")
    return "\n".join(parts)


# --- the marker's label: near the marker, never across a line ---------------------------------

# The label's box from its baseline: bold 12px text (calculator.css), at most CHAR_W a
# character on average ("you: 1,234 vCPU" in DejaVu Sans Bold, the widest of the usual system
# fonts, is 7.5 px: tests/browser measures it). Its halo (a 4 px stroke) and a line's half
# width keep CLEAR around it; MARKER_R is the dot with its ring, kept 0.5 px wider than drawn
# because the SVG writes every position to 0.1 px, and a box placed exactly at the ring's edge
# could touch it once both are rounded.
CHAR_W, ASCENT, DESCENT, CLEAR, MARKER_R = 8.0, 10.0, 3.0, 3.0, 8.5


def label_box(x: float, y: float, text: str) -> tuple[float, float, float, float]:
    """(left, top, right, bottom) of the text drawn from (x, y), the start of its baseline."""
    return (x, y - ASCENT, x + len(text) * CHAR_W, y + DESCENT)


@lru_cache(maxsize=16)
def _offsets(width: float) -> tuple[tuple[int, int], ...]:
    """Where a label box this wide may go, as (left, top) from the marker in steps of 8 px,
    nearest the marker first. Labels come in a few widths: each list is made once."""
    height, reach = ASCENT + DESCENT, 200
    found = []
    for left in range(-round(width) - reach, reach + 1, 8):
        for top in range(-round(height) - reach, reach + 1, 8):
            gap = math.hypot(max(left, 0, -(left + width)), max(top, 0, -(top + height)))
            found.append((gap, left, top))
    found.sort()
    return tuple((left, top) for _, left, top in found)


def place_label(text: str, mx: float, my: float, slopes: list[float]) -> tuple[float, float]:
    """(x, y) for the marker's label: the place nearest the marker at (mx, my) inside the
    plot, off the marker and clear of every line; failing all, under the legend, where no line
    runs. `slopes`: each line's rise per pixel to the right; every line starts at the origin."""
    width, height = len(text) * CHAR_W, ASCENT + DESCENT
    x0, y0 = LEFT, TOP + PLOT_H
    for left, top in _offsets(width):
        x, y = mx + left, my + top  # the box's top left
        right, bottom = x + width, y + height
        if x < LEFT or right > LEFT + PLOT_W or y < TOP or bottom > y0:
            continue
        off_marker = right <= mx - MARKER_R or x >= mx + MARKER_R
        if not (off_marker or bottom <= my - MARKER_R or y >= my + MARKER_R):
            continue
        # A line rises to the right: it misses the box if it is still below the box's bottom
        # at its right edge, or already above its top at its left edge.
        if all(
            y0 - k * (right + CLEAR - x0) > bottom + CLEAR or y0 - k * (x - CLEAR - x0) < y - CLEAR
            for k in slopes
        ):
            return x, y + ASCENT
    return LEFT + PLOT_W + 12, TOP + 12 + len(MODES) * 22 + 4
