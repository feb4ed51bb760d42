"""The server-side SVG chart: valid, accessible, and marking the current input.

calculator/chart.py places everything; the page's "chart" partial draws it. These tests read
the SVG as drawn.
"""

from __future__ import annotations

import math
import xml.etree.ElementTree as ET
from dataclasses import replace

import pytest
from django.template.loader import render_to_string

from calculator import chart
from calculator.inputs import MODES, MeshInputs
from calculator.model import dataplane_cpu_at

NS = {"svg": "http://www.w3.org/2000/svg"}


def draw(inputs: MeshInputs, **kwargs) -> str:
    """The chart's SVG as the page draws it."""
    geometry = chart.dataplane_cpu_chart(inputs, **kwargs)
    return render_to_string("calculator/calculator.html#chart", {"chart": geometry})


def _parse(svg: str) -> ET.Element:
    return ET.fromstring(svg)


def test_chart_is_valid_svg_with_title_and_description():
    root = _parse(draw(MeshInputs(), id_prefix="c1"))
    assert root.tag == "{http://www.w3.org/2000/svg}svg"
    assert root.get("role") == "img"
    title, desc = root.find("svg:title", NS), root.find("svg:desc", NS)
    assert root.get("aria-labelledby") == f"{title.get('id')} {desc.get('id')}"
    assert "CPU" in title.text and "Istio 1.24" in desc.text


def test_one_line_per_mode_with_a_text_label():
    root = _parse(draw(MeshInputs()))
    texts = [t.text for t in root.iter("{http://www.w3.org/2000/svg}text")]
    for mode in MODES:
        assert root.find(f".//svg:line[@class='calc-chart-line calc-chart-{mode}']", NS) is not None
    assert {"Sidecar", "Ambient L4", "Ambient + waypoint"} <= set(texts)
    assert "mesh-wide requests/s" in texts and "data-plane vCPU" in texts


@pytest.mark.parametrize("mode", MODES)
def test_marker_sits_at_the_current_rate_and_cpu(mode):
    inputs = MeshInputs(mode=mode, rps=3000)
    root = _parse(draw(inputs))
    marker = root.find(".//svg:circle[@data-testid='calc-chart-marker']", NS)
    x_max = chart.nice_ceiling(6000)
    y_max = chart.nice_ceiling(max(dataplane_cpu_at(replace(inputs, mode=m), x_max) for m in MODES))
    assert float(marker.get("cx")) == pytest.approx(chart.x_at(3000, x_max), abs=0.1)
    assert float(marker.get("cy")) == pytest.approx(
        chart.y_at(dataplane_cpu_at(inputs, 3000), y_max), abs=0.1
    )


def test_marker_moves_right_as_traffic_grows_on_a_fixed_axis():
    # both rates keep the x axis at its 1000 requests/s minimum, so only the marker moves
    near = _parse(draw(MeshInputs(rps=100)))
    far = _parse(draw(MeshInputs(rps=400)))
    path = ".//svg:circle[@data-testid='calc-chart-marker']"
    assert float(far.find(path, NS).get("cx")) > float(near.find(path, NS).get("cx"))


def test_text_is_escaped():
    geometry = chart.dataplane_cpu_chart(MeshInputs())
    label = replace(geometry.marker_label, text='<script>&"')
    odd = replace(geometry, title="<b>", id_prefix='x"y', marker_label=label)
    svg = render_to_string("calculator/calculator.html#chart", {"chart": odd})
    assert "<script>" not in svg and "<b>" not in svg and "&lt;script&gt;&amp;" in svg
    root = ET.fromstring(svg)
    assert root.find("svg:title", NS).text == "<b>"
    assert root.get("aria-labelledby").startswith('x"y')
    assert root.find(".//svg:text[@class='calc-chart-label']", NS).text == '<script>&"'


@pytest.mark.parametrize(
    ("value", "ceiling"), [(1, 1), (1.2, 2), (3, 5), (7, 10), (2000, 2000), (0.37, 0.5)]
)
def test_nice_ceiling(value, ceiling):
    assert chart.nice_ceiling(value) == pytest.approx(ceiling)


@pytest.mark.parametrize("mode", MODES)
def test_inputs_of_every_mode_given_by_the_caller_draw_the_same_chart(mode):
    inputs = MeshInputs(mode=mode, rps=1234, figures="1.16")
    each_mode = {m: replace(inputs, mode=m) for m in MODES}
    assert chart.dataplane_cpu_chart(inputs, each_mode=each_mode) == chart.dataplane_cpu_chart(
        inputs
    )


@pytest.mark.parametrize("characters", [1, 11, 15, 20, 39])
def test_label_places_are_tried_nearest_the_marker_first(characters):
    """The walk out from the marker hands out every place a label of this width may take, in
    the order of a sort of them all by distance from the marker (then left, then top)."""
    width = characters * chart.CHAR_W
    height, reach = chart.ASCENT + chart.DESCENT, 200
    every = sorted(
        (math.hypot(max(left, 0, -(left + width)), max(top, 0, -(top + height))), left, top)
        for left in range(-round(width) - reach, reach + 1, 8)
        for top in range(-round(height) - reach, reach + 1, 8)
    )
    assert list(chart._offsets(width)) == [(left, top) for _, left, top in every]


# --- the marker's label never crosses a line -------------------------------------------------

SVG = "{http://www.w3.org/2000/svg}"


def drawn(svg: str) -> tuple[tuple[float, float, float, float], list, tuple[float, float]]:
    """The label's box (as chart.label_box reads its text), the plotted lines, the marker."""
    root = _parse(svg)
    text = root.find(f".//{SVG}text[@class='calc-chart-label']")
    box = chart.label_box(float(text.get("x")), float(text.get("y")), text.text)
    if text.get("text-anchor") == "end":
        box = (2 * box[0] - box[2], box[1], box[0], box[3])
    lines = [
        tuple(float(line.get(a)) for a in ("x1", "y1", "x2", "y2"))
        for line in root.iter(f"{SVG}line")
        if "calc-chart-line" in line.get("class", "")
    ]
    marker = root.find(".//svg:circle[@data-testid='calc-chart-marker']", NS)
    return box, lines, (float(marker.get("cx")), float(marker.get("cy")))


def assert_label_clear(svg: str) -> None:
    (left, top, right, bottom), lines, (mx, my) = drawn(svg)
    assert len(lines) == 3
    assert left >= 0 and top >= 0 and right <= chart.WIDTH and bottom <= chart.HEIGHT
    # Off the dot (radius 6 and its 2 px ring)...
    assert right <= mx - 8 or left >= mx + 8 or bottom <= my - 8 or top >= my + 8
    # ...and no point of any line (3 px wide) within the text's box: every half pixel checked.
    for x1, y1, x2, y2 in lines:
        steps = int(abs(x2 - x1) * 2) + 1
        for i in range(steps + 1):
            x, y = x1 + (x2 - x1) * i / steps, y1 + (y2 - y1) * i / steps
            inside = left - 1.5 < x < right + 1.5 and top - 1.5 < y < bottom + 1.5
            assert not inside, ((x, y), (left, top, right, bottom))


@pytest.mark.parametrize(
    "inputs",
    [
        MeshInputs(),
        MeshInputs(rps=0),  # the dot where the three lines meet
        MeshInputs(rps=2000, services=40),  # it crossed the sidecar and waypoint lines
        MeshInputs(rps=100, mode="ambient_waypoint"),  # lines close together near the origin
        MeshInputs(rps=9000, mode="ambient"),  # the lowest line, near the axis
        MeshInputs(rps=499, mode="sidecar", figures="1.16"),  # the dot right of the middle
    ],
    ids=["defaults", "no-traffic", "sidecar-2000", "waypoint-100", "ambient-9000", "old-figures"],
)
def test_the_label_of_the_dot_crosses_no_line(inputs):
    assert_label_clear(draw(inputs))


def test_a_label_at_the_edge_of_the_ring_stays_clear_once_written_to_0_1_px():
    # Found by hypothesis: the box's bottom sat exactly 8 px above the dot, and once both were
    # written to one decimal, 249.4 + 3 no longer compared <= 260.4 - 8.
    inputs = MeshInputs(
        services=1, replicas=1, namespaces=1, nodes=1, hops=1, app_cpu=1.0, app_memory=1.0,
        cpu_budget=1.0, mtls="strict", authz_policies=0, metrics=False, tracing_pct=0.0,
        access_logs=False, figures="1.3", rps=745805.0,
    )  # fmt: skip
    assert_label_clear(draw(inputs))


def test_the_label_stays_beside_the_dot_when_there_is_room():
    (left, top, right, bottom), _, (mx, my) = drawn(draw(MeshInputs()))
    gap_x = max(left - mx, 0, mx - right)
    gap_y = max(top - my, 0, my - bottom)
    assert (gap_x**2 + gap_y**2) ** 0.5 < 30
