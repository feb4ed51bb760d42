"""Every calculator output says where it comes from: istio.io + release, or an estimate."""

from __future__ import annotations

import itertools
import re
from dataclasses import fields

import pytest

from calculator.figures import FIGURE_KEYS, FIGURE_SETS, Figure
from calculator.inputs import MODES, MeshInputs
from calculator.model import estimate

RELEASE = re.compile(r"^1\.\d+$")
ISTIO_PAGE = re.compile(r"^https://istio\.io/(latest|v1\.\d+)/docs/")

SCENARIOS = [
    MeshInputs(mode=mode, figures=figures, mtls=mtls, scoping=scoping)
    for mode, figures, mtls, scoping in itertools.product(
        MODES, FIGURE_KEYS, ("strict", "permissive", "off"), (True, False)
    )
]


@pytest.mark.parametrize("inputs", SCENARIOS, ids=lambda i: f"{i.mode}-{i.figures}-{i.mtls}")
def test_every_output_has_a_source_label(inputs):
    for name, output in estimate(inputs).outputs.items():
        source = output.source
        assert source.kind in ("published", "fallback", "estimate"), name
        if source.kind == "estimate":
            assert len(source.note) > 20, f"{name}: an estimate must state its assumption"
        else:
            assert ISTIO_PAGE.match(source.url), f"{name}: {source.url}"
            assert RELEASE.match(source.version), f"{name}: {source.version!r}"
        if source.kind == "fallback":
            assert "publishes no" in source.note, name


@pytest.mark.parametrize("inputs", SCENARIOS[:6])
def test_json_shape_of_outputs(inputs):
    for output in estimate(inputs).outputs.values():
        data = output.as_dict()
        assert set(data) == {"value", "unit", "formula", "source"}
        assert data["source"]["kind"] in ("published", "fallback", "estimate")
        key = "assumption" if data["source"]["kind"] == "estimate" else "note"
        assert key in data["source"]


def test_every_published_figure_names_an_istio_page_and_release():
    for figure_set in FIGURE_SETS.values():
        for field in fields(figure_set):
            figure = getattr(figure_set, field.name)
            if isinstance(figure, Figure):
                assert ISTIO_PAGE.match(figure.url), figure
                assert RELEASE.match(figure.version), figure
                assert figure.value > 0 and figure.unit


def test_archived_pages_match_their_release():
    # istio.io/vX.Y archives show the summary of X.Y, except v1.23 which shows 1.22.
    for figure_set in FIGURE_SETS.values():
        for field in fields(figure_set):
            figure = getattr(figure_set, field.name)
            if isinstance(figure, Figure) and "/v1." in figure.url:
                archived = re.search(r"/v(1\.\d+)/", figure.url).group(1)
                assert archived == figure.version or (archived, figure.version) == (
                    "1.23",
                    "1.22",
                )


@pytest.mark.parametrize("mode", MODES)
def test_rubric_items_link_to_istio_docs(mode):
    result = estimate(MeshInputs(mode=mode))
    for item in result.security_rubric + result.observability_rubric:
        assert item.url.startswith("https://istio.io/latest/docs/"), item
        assert 0 <= item.points <= item.max_points
