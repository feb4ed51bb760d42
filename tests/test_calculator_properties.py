"""Shape of the overhead model, held by hypothesis over the whole input space."""

from __future__ import annotations

import math
import xml.etree.ElementTree as ET
from dataclasses import replace

from hypothesis import given, settings
from hypothesis import strategies as st

from calculator.figures import FIGURE_KEYS
from calculator.inputs import INPUT_SPECS, MeshInputs
from calculator.model import compare_modes, estimate
from calculator.reading import read_estimate

RATE_DEPENDENT = (
    "dataplane_cpu_total",
    "dataplane_cpu_per_proxy",
    "dataplane_cpu_per_node",
    "controlplane_cpu",
    "overhead_cpu_pct",
)


def _strategy(spec):
    if spec.kind == "choice":
        return st.sampled_from([value for value, _ in spec.choices])
    if spec.kind == "bool":
        return st.booleans()
    if spec.kind == "int":
        return st.integers(int(spec.minimum), int(spec.maximum))
    return st.floats(spec.minimum, spec.maximum, allow_nan=False, allow_infinity=False)


mesh_inputs = st.builds(MeshInputs, **{spec.name: _strategy(spec) for spec in INPUT_SPECS})
rates = st.floats(0, 1_000_000, allow_nan=False, allow_infinity=False)


@given(mesh_inputs)
@settings(max_examples=300)
def test_no_input_in_bounds_raises_or_yields_nan_or_negative(inputs):
    result = estimate(inputs)
    for name, output in result.outputs.items():
        assert math.isfinite(output.value), name
        assert output.value >= 0, name
        assert output.formula and output.unit, name
    assert 0 <= result["security_score"].value <= 100
    assert 0 <= result["observability_score"].value <= 100
    assert read_estimate(result, estimate(replace(inputs, mode="ambient")))


@given(mesh_inputs, rates, rates)
def test_more_traffic_never_costs_less(inputs, a, b):
    low, high = sorted((a, b))
    cheap, busy = estimate(replace(inputs, rps=low)), estimate(replace(inputs, rps=high))
    for name in RATE_DEPENDENT:
        assert busy[name].value >= cheap[name].value - 1e-9, name
    # memory follows configuration, not traffic
    assert busy["dataplane_memory_total"].value == cheap["dataplane_memory_total"].value


@given(mesh_inputs)
def test_ambient_l4_never_costs_more_cpu_per_request_than_sidecar(inputs):
    modes = compare_modes(replace(inputs, rps=1000))
    sidecar = modes["sidecar"]["dataplane_cpu_total"].value
    assert modes["ambient"]["dataplane_cpu_total"].value <= sidecar
    assert modes["ambient"]["rps_capacity"].value >= modes["sidecar"]["rps_capacity"].value


@given(mesh_inputs)
def test_waypoint_never_costs_less_than_ambient_l4(inputs):
    modes = compare_modes(inputs)
    for name in ("dataplane_cpu_total", "latency_p90_ms", "latency_p99_ms"):
        assert modes["ambient_waypoint"][name].value >= modes["ambient"][name].value, name


@given(mesh_inputs)
def test_scoping_never_adds_memory(inputs):
    scoped = estimate(replace(inputs, scoping=True))["dataplane_memory_total"].value
    unscoped = estimate(replace(inputs, scoping=False))["dataplane_memory_total"].value
    assert scoped <= unscoped


@given(mesh_inputs)
def test_p99_is_never_below_p90_and_more_hops_never_faster(inputs):
    result = estimate(inputs)
    assert result["latency_p99_ms"].value >= result["latency_p90_ms"].value
    if inputs.hops < 50:
        longer = estimate(replace(inputs, hops=inputs.hops + 1))
        assert longer["latency_p90_ms"].value > result["latency_p90_ms"].value


@given(mesh_inputs, st.sampled_from(FIGURE_KEYS))
@settings(max_examples=60)
def test_chart_is_valid_xml_for_any_input(inputs, figures):
    from .test_calculator_chart import draw

    svg = draw(replace(inputs, figures=figures))
    root = ET.fromstring(svg)
    assert root.tag.endswith("svg")


@settings(max_examples=150, deadline=None)
@given(mesh_inputs, st.sampled_from(FIGURE_KEYS), rates)
def test_the_dot_s_label_crosses_no_line_for_any_input(inputs, figures, rps):
    from .test_calculator_chart import assert_label_clear, draw

    assert_label_clear(draw(replace(inputs, figures=figures, rps=rps)))
