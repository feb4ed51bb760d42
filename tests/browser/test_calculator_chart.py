"""The calculator chart as Chromium draws it: the dot's label, in its real font, crosses no
line, and is no wider than the chart module reckons when it places it."""

import pytest

from calculator import chart

from .conftest import DESKTOP, PHONE, SCREENSHOTS

# The label's box and the three lines of one shape of the chart, in the SVG's own units.
GEOMETRY = """(svg) => {
    const chart = document.querySelector(svg);
    const label = chart.querySelector('.calc-chart-label').getBBox();
    const lines = [...chart.querySelectorAll('line.calc-chart-line')].map(
        l => ['x1', 'y1', 'x2', 'y2'].map(a => l[a].baseVal.value));
    const text = chart.querySelector('.calc-chart-label').textContent;
    return {box: [label.x, label.y, label.x + label.width, label.y + label.height], lines, text};
}"""


@pytest.mark.parametrize(
    "query",
    ["", "rps=2000&services=40", "rps=100&mode=ambient_waypoint", "rps=9000&mode=ambient", "rps=0"],
)
def test_the_dot_s_label_crosses_no_line_as_drawn(live_server, new_page, query):
    # The wide chart on a desktop, and the phone's shape of it (legend under the plot).
    for svg, viewport in ((".calc-chart-wide", DESKTOP), (".calc-chart-narrow", PHONE)):
        page = new_page(scheme="dark", viewport=viewport)
        page.goto(f"{live_server.url}/calculator/?{query}")
        drawn = page.evaluate(GEOMETRY, svg)
        left, top, right, bottom = drawn["box"]
        assert right - left <= len(drawn["text"]) * chart.CHAR_W  # the module's reckoning holds
        for x1, y1, x2, y2 in drawn["lines"]:
            steps = int(abs(x2 - x1) * 2) + 1
            for i in range(steps + 1):
                x, y = x1 + (x2 - x1) * i / steps, y1 + (y2 - y1) * i / steps
                assert not (left - 1.5 < x < right + 1.5 and top - 1.5 < y < bottom + 1.5), svg
    if query == "rps=2000&services=40":  # it crossed the sidecar and waypoint lines
        page.locator(".calc-chart-figure").screenshot(path=str(SCREENSHOTS / "calc-chart-dark.png"))
