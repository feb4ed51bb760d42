"""The overhead model pinned to Istio's published figures (no database)."""

from __future__ import annotations

import json
import math
from dataclasses import replace

import pytest

from calculator.figures import FIGURE_SETS, find_figure
from calculator.inputs import INPUT_SPECS, MeshInputs, bounds_problems, parameters_table
from calculator.model import compare_modes, estimate
from calculator.reading import format_row, format_value, read_estimate
from calculator.rubrics import mesh_policies

ONE_HOP = MeshInputs(rps=1000, hops=1)


# --- the figures themselves, as istio.io publishes them --------------------------------


def test_published_1_24_resource_figures():
    fs = FIGURE_SETS["1.24"]
    assert (fs.sidecar_cpu.value, fs.sidecar_memory.value) == (0.20, 60)
    assert (fs.waypoint_cpu.value, fs.waypoint_memory.value) == (0.25, 60)
    assert (fs.ztunnel_cpu.value, fs.ztunnel_memory.value) == (0.06, 12)
    # 1.24 publishes latency only as charts
    assert fs.two_sidecars_p90 is None and fs.two_ztunnels_p90 is None


def test_published_latency_figures_of_older_releases():
    assert FIGURE_SETS["1.22"].two_ztunnels_p90.value == 0.17
    assert FIGURE_SETS["1.22"].two_ztunnels_p99.value == 0.20
    assert FIGURE_SETS["1.20"].two_sidecars_p90.value == 0.228
    assert FIGURE_SETS["1.20"].two_sidecars_p99.value == 0.298
    assert FIGURE_SETS["1.16"].two_sidecars_p90.value == 2.65
    assert FIGURE_SETS["1.7"].two_sidecars_p90.value == 2.76
    assert FIGURE_SETS["1.7"].two_sidecars_p99.value == 2.88
    assert FIGURE_SETS["1.3"].two_sidecars_p90.value == 7


def test_sidecar_cpu_trend_across_releases():
    cpu = {key: fs.sidecar_cpu.value for key, fs in FIGURE_SETS.items()}
    assert cpu == {"1.24": 0.20, "1.22": 0.5, "1.20": 0.5, "1.16": 0.35, "1.7": 0.5, "1.3": 0.6}


def test_find_figure_prefers_own_release_then_nearest():
    figure, note = find_figure("1.20", "two_sidecars_p90")
    assert figure.version == "1.20" and note == ""
    figure, note = find_figure("1.24", "two_sidecars_p90")
    assert figure.version == "1.20" and "1.24 publishes no" in note
    figure, note = find_figure("1.24", "two_ztunnels_p90")
    assert figure.version == "1.22"
    figure, note = find_figure("1.3", "ztunnel_cpu")
    assert figure.version == "1.24" and "1.3" in note


# --- CPU --------------------------------------------------------------------------------


def test_one_sidecar_hop_at_1000_rps_costs_two_sidecars():
    result = estimate(replace(ONE_HOP, mode="sidecar", figures="1.24"))
    assert result["dataplane_cpu_total"].value == pytest.approx(2 * 0.20)
    assert result["dataplane_cpu_total"].source.kind == "published"
    assert result["dataplane_cpu_total"].source.version == "1.24"


def test_ambient_cpu_is_two_ztunnels_and_waypoint_adds_one_envoy():
    l4 = estimate(replace(ONE_HOP, mode="ambient"))
    l7 = estimate(replace(ONE_HOP, mode="ambient_waypoint"))
    assert l4["dataplane_cpu_total"].value == pytest.approx(2 * 0.06)
    assert l7["dataplane_cpu_total"].value == pytest.approx(2 * 0.06 + 0.25)


def test_cpu_scales_with_mesh_wide_rate_and_splits_over_proxies_and_nodes():
    inputs = MeshInputs(rps=7000, services=10, replicas=2, nodes=4, figures="1.16")
    result = estimate(inputs)
    total = 2 * 0.35 * 7
    assert result["dataplane_cpu_total"].value == pytest.approx(total)
    assert result["dataplane_cpu_per_proxy"].value == pytest.approx(total / 20)
    assert result["dataplane_cpu_per_node"].value == pytest.approx(total / 4)


def test_rps_capacity_is_budget_over_cost_per_request():
    result = estimate(MeshInputs(cpu_budget=4, figures="1.24", mode="sidecar"))
    assert result["rps_capacity"].value == pytest.approx(4 * 1000 / (2 * 0.20))
    ambient = estimate(MeshInputs(cpu_budget=4, figures="1.24", mode="ambient"))
    assert ambient["rps_capacity"].value == pytest.approx(4 * 1000 / (2 * 0.06))


# --- latency ----------------------------------------------------------------------------


def test_latency_1_20_sidecar_is_published_per_hop_times_hops():
    result = estimate(MeshInputs(figures="1.20", hops=4))
    assert result["latency_p90_ms"].value == pytest.approx(4 * 0.228)
    assert result["latency_p99_ms"].value == pytest.approx(4 * 0.298)
    assert result["latency_p90_ms"].source.kind == "published"


def test_latency_1_24_falls_back_and_says_so():
    result = estimate(replace(ONE_HOP, figures="1.24"))
    p90 = result["latency_p90_ms"]
    assert p90.value == pytest.approx(0.228)
    assert p90.source.kind == "fallback" and p90.source.version == "1.20"
    assert "1.24 publishes no" in p90.source.note


def test_ambient_latency_uses_the_1_22_ztunnel_figure():
    result = estimate(replace(ONE_HOP, mode="ambient", figures="1.24"))
    assert result["latency_p90_ms"].value == pytest.approx(0.17)
    assert result["latency_p99_ms"].value == pytest.approx(0.20)
    assert result["latency_p90_ms"].source.version == "1.22"
    own = estimate(replace(ONE_HOP, mode="ambient", figures="1.22"))
    assert own["latency_p90_ms"].source.kind == "published"


def test_waypoint_latency_is_a_labelled_estimate():
    result = estimate(replace(ONE_HOP, mode="ambient_waypoint", figures="1.24"))
    p90 = result["latency_p90_ms"]
    assert p90.value == pytest.approx(0.17 + 0.228 / 2)
    assert p90.source.kind == "estimate"
    assert "no waypoint latency" in p90.source.note


def test_missing_p99_uses_p90_as_lower_bound():
    result = estimate(replace(ONE_HOP, figures="1.3"))
    assert result["latency_p99_ms"].value == pytest.approx(7)
    assert "lower bound" in result["latency_p99_ms"].source.note


def test_seed_pages_three_ms_is_the_old_sidecar_p90():
    old = estimate(replace(ONE_HOP, figures="1.16"))["latency_p90_ms"].value
    new = estimate(replace(ONE_HOP, figures="1.20"))["latency_p90_ms"].value
    assert round(old) == 3 and new < old / 10


def test_mtls_off_keeps_the_figure_but_says_none_is_published():
    result = estimate(replace(ONE_HOP, mtls="off"))
    assert result["dataplane_cpu_total"].value == pytest.approx(0.4)
    assert "no mTLS on/off figure" in result["dataplane_cpu_total"].source.note
    strict = estimate(replace(ONE_HOP, mtls="strict"))
    assert "mTLS on/off" not in strict["dataplane_cpu_total"].source.note


# --- memory and control plane -----------------------------------------------------------


def test_sidecar_memory_follows_visible_services_not_rps():
    inputs = MeshInputs(services=200, replicas=2, namespaces=10, scoping=False)
    unscoped = estimate(inputs)["dataplane_memory_total"]
    assert unscoped.value == pytest.approx(400 * (60 + 0.118 * 200))
    scoped = estimate(replace(inputs, scoping=True))["dataplane_memory_total"]
    assert scoped.value == pytest.approx(400 * (60 + 0.118 * 20))
    busier = estimate(replace(inputs, rps=500_000))["dataplane_memory_total"]
    assert busier.value == unscoped.value
    assert unscoped.source.kind == "estimate" and "configuration" in unscoped.source.note


def test_ambient_memory_is_ztunnels_per_node_plus_waypoints():
    inputs = MeshInputs(nodes=5, namespaces=3, services=30, scoping=True)
    l4 = estimate(replace(inputs, mode="ambient"))["dataplane_memory_total"].value
    l7 = estimate(replace(inputs, mode="ambient_waypoint"))["dataplane_memory_total"].value
    assert l4 == pytest.approx(5 * 12)
    assert l7 == pytest.approx(5 * 12 + 3 * (60 + 0.118 * 10))


def test_istiod_scales_in_published_instances():
    small = estimate(MeshInputs(services=20))
    assert small["controlplane_cpu"].value == 1 and small["controlplane_memory"].value == 1.5
    big = estimate(MeshInputs(services=2500, replicas=2))  # 5000 sidecars
    assert big["controlplane_cpu"].value == 3 and big["controlplane_memory"].value == 4.5
    ambient = estimate(MeshInputs(services=1500, replicas=2, mode="ambient"))
    assert ambient["controlplane_cpu"].value == 2  # bounded by services, not proxies


def test_mixer_era_adds_telemetry_cpu_per_mesh_wide_rate():
    on = estimate(MeshInputs(figures="1.3", rps=5000, metrics=True))
    off = estimate(MeshInputs(figures="1.3", rps=5000, metrics=False))
    assert on["controlplane_cpu"].value - off["controlplane_cpu"].value == pytest.approx(3.0)
    assert "Mixer" in on["controlplane_cpu"].source.note


def test_overhead_is_mesh_over_application():
    inputs = MeshInputs(services=10, replicas=2, app_cpu=1, app_memory=1000, rps=10_000)
    result = estimate(inputs)
    mesh_cpu = result["dataplane_cpu_total"].value + result["controlplane_cpu"].value
    mesh_mb = result["dataplane_memory_total"].value + 1000 * result["controlplane_memory"].value
    assert result["overhead_cpu_pct"].value == pytest.approx(100 * mesh_cpu / 20)
    assert result["overhead_memory_pct"].value == pytest.approx(100 * mesh_mb / 20_000)


# --- rubric and policies ----------------------------------------------------------------


def test_security_score_follows_the_rubric():
    assert estimate(MeshInputs())["security_score"].value == 15  # PERMISSIVE only
    best = MeshInputs(mtls="strict", authz_policies=3, egress_lockdown=True, jwt=True)
    assert estimate(best)["security_score"].value == 100
    assert estimate(replace(best, mtls="off"))["security_score"].value == 60


def test_ambient_l4_loses_what_needs_a_waypoint():
    inputs = MeshInputs(jwt=True, metrics=True, tracing_pct=10, access_logs=True)
    l4, l7 = (
        estimate(replace(inputs, mode="ambient")),
        estimate(replace(inputs, mode="ambient_waypoint")),
    )
    jwt = {i.label: i for i in l4.security_rubric}["End-user request authentication (JWT)"]
    assert jwt.points == 0 and "waypoint" in jwt.detail
    assert l4["observability_score"].value == 35
    assert l7["observability_score"].value == 100


def test_rubric_items_are_returned_for_display():
    result = estimate(MeshInputs(mtls="strict"))
    assert [i.max_points for i in result.security_rubric] == [40, 25, 20, 15]
    assert sum(i.max_points for i in result.observability_rubric) == 100
    assert result.security_rubric[0].met and not result.security_rubric[1].met


def test_mesh_policies_count_breakdown():
    inputs = MeshInputs(
        mtls="strict",
        authz_policies=7,
        jwt=True,
        egress_lockdown=True,
        scoping=True,
        namespaces=5,
        tracing_pct=0,
        access_logs=False,
    )
    kinds = {p.kind: p.count for p in mesh_policies(inputs)}
    assert kinds == {
        "PeerAuthentication": 1,
        "AuthorizationPolicy": 7,
        "RequestAuthentication": 1,
        "Egress Gateway + VirtualService + DestinationRule": 3,
        "Sidecar (scope)": 5,
    }
    assert estimate(inputs)["mesh_policies"].value == 17
    waypoint = {p.kind: p.count for p in mesh_policies(replace(inputs, mode="ambient_waypoint"))}
    assert waypoint["Gateway (waypoint)"] == 5 and "Sidecar (scope)" not in waypoint


# --- inputs -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("services", 0),
        ("services", 10**9),
        ("rps", -1.0),
        ("rps", math.nan),
        ("rps", math.inf),
        ("mode", "mesh-of-dreams"),
        ("figures", "2.0"),
        ("replicas", 2.5),
        ("jwt", "yes"),
        ("hops", True),
    ],
)
def test_out_of_bounds_inputs_are_refused(name, value):
    with pytest.raises(ValueError, match=name):
        MeshInputs(**{name: value})
    assert name in bounds_problems({**MeshInputs().as_dict(), name: value})


def test_every_numeric_spec_has_unit_and_bounds_and_every_spec_a_label():
    for spec in INPUT_SPECS:
        assert spec.label and spec.help
        if spec.kind in ("int", "float"):
            assert spec.unit and spec.minimum is not None and spec.maximum > spec.minimum
        if spec.kind == "choice":
            assert spec.default in dict(spec.choices)


def test_query_string_form_names_every_input():
    query = MeshInputs(rps=1500.5, jwt=True).as_query()
    assert set(query) == {spec.name for spec in INPUT_SPECS}
    assert query["rps"] == "1500.5" and query["jwt"] == "on" and query["metrics"] == "on"
    assert MeshInputs(rps=2_000_000 / 2).as_query()["rps"] == "1000000"


# --- reading ----------------------------------------------------------------------------


def test_reading_says_when_the_traffic_needs_more_cpu_than_the_budget():
    over = estimate(MeshInputs(mode="ambient", rps=50_000, cpu_budget=4))
    needed = over["dataplane_cpu_total"].value
    assert needed > 4
    text = " ".join(read_estimate(over))
    assert f"over the budget by {format_value(needed - 4, 'vCPU')}" in text
    assert f"at least {format_value(needed, 'vCPU')}" in text
    within = estimate(MeshInputs(mode="ambient", rps=50_000, cpu_budget=needed * 2))
    assert "over the budget" not in " ".join(read_estimate(within))


def test_reading_quotes_the_outputs():
    modes = compare_modes(MeshInputs())
    sidecar, ambient = modes["sidecar"], modes["ambient"]
    text = " ".join(read_estimate(sidecar, ambient))
    assert format_value(sidecar["overhead_cpu_pct"].value, "%") in text
    assert format_value(ambient["dataplane_cpu_total"].value, "vCPU") in text
    assert "sidecar mode" in text and "mTLS STRICT" in text


@pytest.mark.parametrize(
    ("value", "unit", "text"),
    [
        (12.345, "%", "12.3%"),
        (4.667, "%", "4.7%"),
        (0.4, "vCPU", "0.4 vCPU"),
        (10000.0, "requests/s", "10,000 requests/s"),
        (3741.6, "MB", "3.74 GB"),
        (0.0, "ms", "0 ms"),
        (0.684, "ms", "0.68 ms"),
        (1, "resources", "1 resource"),
        (2, "resources", "2 resources"),
    ],
)
def test_format_value(value, unit, text):
    assert format_value(value, unit) == text


@pytest.mark.parametrize(
    ("values", "unit", "texts"),
    [
        ([0.6, 0.89, 1.05], "ms", ["0.60 ms", "0.89 ms", "1.05 ms"]),
        ([3, 2.1, 2.9], "%", ["3.0%", "2.1%", "2.9%"]),
        ([0.0, 0.51, 0.85], "ms", ["0.00 ms", "0.51 ms", "0.85 ms"]),
        ([150, 12.5, 3], "%", ["150%", "12.5%", "3.0%"]),  # 100 and more: no places
        ([7770, 72, 331], "MB", ["7.77 GB", "72 MB", "331 MB"]),  # units differ: as alone
        ([1, 1, 5], "resources", ["1 resource", "1 resource", "5 resources"]),
        ([0.0067, 0.5, 0.2], "vCPU", ["0.0067 vCPU", "0.5 vCPU", "0.2 vCPU"]),  # > 2 places
        (
            [10000, 33333.4, 10811],
            "requests/s",
            ["10,000 requests/s", "33,333 requests/s", "10,811 requests/s"],
        ),
    ],
)
def test_format_row_gives_a_row_the_same_places(values, unit, texts):
    assert format_row(values, unit) == texts


def test_estimate_as_dict_is_json_ready():
    data = json.loads(json.dumps(estimate(MeshInputs(services=7)).as_dict()))
    assert set(data) == {"inputs", "outputs"}
    assert data["inputs"]["services"] == 7 and data["inputs"]["jwt"] is False
    assert data["outputs"]["dataplane_cpu_total"]["unit"] == "vCPU"


def test_parameters_table_has_one_row_per_spec():
    rows = parameters_table().splitlines()
    assert len(rows) == len(INPUT_SPECS) + 2
    for spec, row in zip(INPUT_SPECS, rows[2:], strict=True):
        assert row.startswith(f"| `{spec.name}` | {spec.label} |")
    assert "| `rps` | Mesh-wide requests/s | requests/s | `1000` | 0 to 1,000,000 |" in rows
