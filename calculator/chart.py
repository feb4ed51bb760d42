"""The chart's geometry: data-plane CPU against request rate, one line per mode. No Django.

No JavaScript and no chart library: `dataplane_cpu_chart` works out where every line, tick
and label goes, in the SVG's own units, and the template (the "chart" partial of
templates/calculator/calculator.html) draws them as SVG, autoescaping the text. Positions
are strings written to 0.1 px, as the SVG shows them.
"""

from __future__ import annotations

import heapq
import math
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, replace

from .inputs import MODE_LABELS, MODES, MeshInputs
from .model import dataplane_cpu_at
from .reading import format_value

WIDTH, HEIGHT = 640, 360
LEFT, RIGHT, TOP, BOTTOM = 64, 180, 24, 48  # margins; the legend sits on the right
PLOT_W, PLOT_H = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM
LEGEND_DY = 22


@dataclass(frozen=True)
class Frame:
    """Where the plot and the legend go, in the SVG's units. A phone gets its own shape (the
    legend under the plot, 360 wide) rather than the wide one shrunk to unreadable text."""

    shape: str
    width: int
    height: int
    left: int
    top: int
    plot_w: int
    plot_h: int
    legend_x: int  # the first legend row's sample starts here
    legend_y: int

    @property
    def legend_end(self) -> tuple[int, int]:
        """Where the marker's label goes when no place in the plot is clear: clear of the
        legend, where no line runs."""
        if self.shape == "wide":
            return self.legend_x, self.legend_y + len(MODES) * LEGEND_DY + 4
        return self.left + 170, self.legend_y + 4


WIDE = Frame("wide", WIDTH, HEIGHT, LEFT, TOP, PLOT_W, PLOT_H, LEFT + PLOT_W + 12, TOP + 12)
# 360 wide, plot 272 by 248 (room right for the last tick), ticks and axis name under it (40),
# then the legend's three rows.
NARROW = Frame("narrow", 360, 392, 60, 16, 272, 248, 60, 16 + 248 + 62)
# Modes differ by dash pattern as well as colour, so the chart reads without colour.
STYLES = {
    "sidecar": ("#c2410c", ""),
    "ambient": ("#047857", "6 4"),
    "ambient_waypoint": ("#1d4ed8", "2 3"),
}


@dataclass(frozen=True)
class Text:
    x: str
    y: str
    text: str


@dataclass(frozen=True)
class GridStep:
    """One of the six grid lines on each axis, with its tick labels (the x axis's centred
    under its line, the y axis's ending left of its line)."""

    x: str
    y: str
    x_tick: Text
    y_tick: Text


@dataclass(frozen=True)
class ModeLine:
    """A mode's line across the plot, and its sample and name in the legend."""

    mode: str
    colour: str
    dash: str
    x1: str
    y1: str
    x2: str
    y2: str
    legend_x1: int
    legend_x2: int
    legend_y: int
    legend: Text


@dataclass(frozen=True)
class Chart:
    id_prefix: str
    title: str
    desc: str
    grid: list[GridStep]
    x_axis: Text
    y_axis: Text
    y_axis_turn: str  # rotate() centre of the vertical axis label
    lines: list[ModeLine]
    marker_x: str
    marker_y: str
    marker_label: Text
    frame: Frame = WIDE

    @property
    def shape(self) -> str:
        return self.frame.shape

    @property
    def width(self) -> int:
        return self.frame.width

    @property
    def height(self) -> int:
        return self.frame.height

    @property
    def left(self) -> int:
        return self.frame.left

    @property
    def top(self) -> int:
        return self.frame.top

    @property
    def plot_right(self) -> int:
        return self.frame.left + self.frame.plot_w

    @property
    def plot_bottom(self) -> int:
        return self.frame.top + self.frame.plot_h

    @property
    def title_id(self) -> str:
        return f"{self.id_prefix}-title"

    @property
    def desc_id(self) -> str:
        return f"{self.id_prefix}-desc"


def nice_ceiling(value: float) -> float:
    """The smallest 1, 2 or 5 × 10^k that is at least `value` (value > 0)."""
    exponent = math.floor(math.log10(value))
    for step in (1, 2, 5, 10):
        candidate = step * 10**exponent
        if candidate >= value * (1 - 1e-12):
            return float(candidate)
    return float(10 ** (exponent + 1))


def _px(value: float) -> str:
    return f"{value:.1f}"


def x_at(rps: float, x_max: float, frame: Frame = WIDE) -> float:
    return frame.left + frame.plot_w * rps / x_max


def y_at(cpu: float, y_max: float, frame: Frame = WIDE) -> float:
    return frame.top + frame.plot_h * (1 - cpu / y_max)


def _grid(x_max: float, y_max: float, f: Frame) -> list[GridStep]:
    """Five steps on each axis: six grid lines, each with its tick label."""
    steps = []
    for i in range(6):
        gx, gy = f.left + f.plot_w * i / 5, f.top + f.plot_h * i / 5
        x_tick = Text(_px(gx), _px(f.top + f.plot_h + 18), format_value(x_max * i / 5))
        y_tick = Text(_px(f.left - 8), _px(gy + 4), format_value(y_max * (5 - i) / 5))
        steps.append(GridStep(_px(gx), _px(gy), x_tick, y_tick))
    return steps


def _mode_lines(lines: Mapping[str, float], x_max: float, y_max: float, f: Frame) -> list[ModeLine]:
    drawn = []
    for index, mode in enumerate(MODES):
        colour, dash = STYLES[mode]
        ly, lx = f.legend_y + index * LEGEND_DY, f.legend_x
        drawn.append(
            ModeLine(
                mode,
                colour,
                dash,
                _px(x_at(0, x_max, f)),
                _px(y_at(0, y_max, f)),
                _px(x_at(x_max, x_max, f)),
                _px(y_at(lines[mode], y_max, f)),
                lx,
                lx + 24,
                ly,
                Text(_px(lx + 30), _px(ly + 4), MODE_LABELS[mode].split(" (")[0]),
            )
        )
    return drawn


def dataplane_cpu_chart(
    inputs: MeshInputs,
    id_prefix: str = "calc-chart",
    each_mode: Mapping[str, MeshInputs] | None = None,
    frame: Frame = WIDE,
) -> Chart:
    """vCPU (y) against mesh-wide requests/s (x), one line per mode, the current input marked.

    `each_mode`: the inputs in every mode, when the caller has them already.
    """
    x_max = nice_ceiling(max(inputs.rps * 2, 1000.0))
    if each_mode is None:
        each_mode = {m: inputs if m == inputs.mode else replace(inputs, mode=m) for m in MODES}
    lines = {m: dataplane_cpu_at(each_mode[m], x_max) for m in MODES}
    y_max = nice_ceiling(max(lines.values()))
    at_input = {m: dataplane_cpu_at(each_mode[m], inputs.rps) for m in MODES}
    current = at_input[inputs.mode]

    summary = "; ".join(f"{MODE_LABELS[m]}: {format_value(at_input[m], 'vCPU')}" for m in MODES)
    desc = (
        f"Straight lines for the three data-plane modes using Istio {inputs.figures} figures, "
        f"from 0 to {format_value(x_max, 'requests/s')}. At your "
        f"{format_value(inputs.rps, 'requests/s')}: {summary}. The marker shows "
        f"{MODE_LABELS[inputs.mode]}."
    )
    f = frame
    mx, my = x_at(inputs.rps, x_max, f), y_at(current, y_max, f)
    label = f"you: {format_value(current, 'vCPU')}"
    slopes = [f.plot_h * lines[m] / y_max / f.plot_w for m in MODES]
    lx, ly = place_label(label, mx, my, slopes, f)
    middle = f.top + f.plot_h / 2
    return Chart(
        id_prefix=id_prefix,
        title="Data-plane CPU against mesh-wide request rate",
        desc=desc,
        grid=_grid(x_max, y_max, f),
        x_axis=Text(_px(f.left + f.plot_w / 2), _px(f.top + f.plot_h + 40), "mesh-wide requests/s"),
        y_axis=Text(_px(16), _px(middle), "data-plane vCPU"),
        y_axis_turn=f"16 {middle:.1f}",
        lines=_mode_lines(lines, x_max, y_max, f),
        marker_x=_px(mx),
        marker_y=_px(my),
        marker_label=Text(_px(lx), _px(ly), label),
        frame=f,
    )


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


def _offsets(width: float) -> Iterator[tuple[int, int]]:
    """Where a label box this wide may go, as (left, top) from the marker in steps of 8 px,
    nearest the marker first, ties by (left, top).

    A best-first walk out from the places that touch the marker's point: each step away from
    them makes the gap grow, so the heap hands places out in order while the walk visits only
    as many as the label needs (usually a few dozen of some 3,000).
    """
    height, reach = ASCENT + DESCENT, 200
    lefts = range(-round(width) - reach, reach + 1, 8)
    tops = range(-round(height) - reach, reach + 1, 8)

    def entry(i: int, j: int) -> tuple[float, int, int, int, int]:
        left, top = lefts[i], tops[j]
        gap = math.hypot(max(left, 0, -(left + width)), max(top, 0, -(top + height)))
        return gap, left, top, i, j

    touching_x = [i for i, left in enumerate(lefts) if -width <= left <= 0]
    touching_y = [j for j, top in enumerate(tops) if -height <= top <= 0]
    seen = {(i, j) for i in touching_x for j in touching_y}
    heap = [entry(i, j) for i, j in seen]
    heapq.heapify(heap)
    while heap:
        _, left, top, i, j = heapq.heappop(heap)
        yield left, top
        for near in ((i - 1, j), (i + 1, j), (i, j - 1), (i, j + 1)):
            if near not in seen and 0 <= near[0] < len(lefts) and 0 <= near[1] < len(tops):
                seen.add(near)
                heapq.heappush(heap, entry(*near))


def place_label(
    text: str, mx: float, my: float, slopes: list[float], f: Frame = WIDE
) -> tuple[float, float]:
    """(x, y) for the marker's label: the place nearest the marker at (mx, my) inside the
    plot, off the marker and clear of every line; failing all, under the legend, where no line
    runs. `slopes`: each line's rise per pixel to the right; every line starts at the origin."""
    width, height = len(text) * CHAR_W, ASCENT + DESCENT
    x0, y0 = f.left, f.top + f.plot_h
    for left, top in _offsets(width):
        x, y = mx + left, my + top  # the box's top left
        right, bottom = x + width, y + height
        if x < f.left or right > f.left + f.plot_w or y < f.top or bottom > y0:
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
    return f.legend_end
