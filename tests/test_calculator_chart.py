"""The server-side SVG chart: valid, accessible, and marking the current input."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from dataclasses import replace

import pytest

from lessons import calculator_chart as chart
from lessons.calculator import MODES, MeshInputs, dataplane_cpu_at

NS = {"svg": "http://www.w3.org/2000/svg"}


def _parse(svg: str) -> ET.Element:
    return ET.fromstring(svg)


def test_chart_is_valid_svg_with_title_and_description():
    root = _parse(chart.dataplane_cpu_chart(MeshInputs(), id_prefix="c1"))
    assert root.tag == "{http://www.w3.org/2000/svg}svg"
    assert root.get("role") == "img"
    title, desc = root.find("svg:title", NS), root.find("svg:desc", NS)
    assert root.get("aria-labelledby") == f"{title.get('id')} {desc.get('id')}"
    assert "CPU" in title.text and "Istio 1.24" in desc.text


def test_one_line_per_mode_with_a_text_label():
    root = _parse(chart.dataplane_cpu_chart(MeshInputs()))
    texts = [t.text for t in root.iter("{http://www.w3.org/2000/svg}text")]
    for mode in MODES:
        assert root.find(f".//svg:line[@class='calc-chart-line calc-chart-{mode}']", NS) is not None
    assert {"Sidecar", "Ambient L4", "Ambient + waypoint"} <= set(texts)
    assert "mesh-wide requests/s" in texts and "data-plane vCPU" in texts


@pytest.mark.parametrize("mode", MODES)
def test_marker_sits_at_the_current_rate_and_cpu(mode):
    inputs = MeshInputs(mode=mode, rps=3000)
    root = _parse(chart.dataplane_cpu_chart(inputs))
    marker = root.find(".//svg:circle[@data-testid='calc-chart-marker']", NS)
    x_max = chart.nice_ceiling(6000)
    y_max = chart.nice_ceiling(max(dataplane_cpu_at(replace(inputs, mode=m), x_max) for m in MODES))
    assert float(marker.get("cx")) == pytest.approx(chart._x(3000, x_max), abs=0.1)
    assert float(marker.get("cy")) == pytest.approx(
        chart._y(dataplane_cpu_at(inputs, 3000), y_max), abs=0.1
    )


def test_marker_moves_right_as_traffic_grows_on_a_fixed_axis():
    # both rates keep the x axis at its 1000 requests/s minimum, so only the marker moves
    near = _parse(chart.dataplane_cpu_chart(MeshInputs(rps=100)))
    far = _parse(chart.dataplane_cpu_chart(MeshInputs(rps=400)))
    path = ".//svg:circle[@data-testid='calc-chart-marker']"
    assert float(far.find(path, NS).get("cx")) > float(near.find(path, NS).get("cx"))


def test_text_is_escaped():
    svg = chart._text(1, 2, "<script>&", text_anchor="start", class_='x"y')
    assert "<script>" not in svg and "&lt;script&gt;&amp;" in svg
    element = ET.fromstring(svg)
    assert element.get("class") == 'x"y' and element.get("text-anchor") == "start"


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
