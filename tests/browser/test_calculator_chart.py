"""The calculator chart as Chromium draws it: the dot's label, in its real font, crosses no
line, and is no wider than the chart module reckons when it places it."""

import pytest

from calculator import chart

from .conftest import SCREENSHOTS

# The label's box and the three lines, in the SVG's own units.
GEOMETRY = """() => {
    const label = document.querySelector('.calc-chart-label').getBBox();
    const lines = [...document.querySelectorAll('line.calc-chart-line')].map(
        l => ['x1', 'y1', 'x2', 'y2'].map(a => l[a].baseVal.value));
    const text = document.querySelector('.calc-chart-label').textContent;
    return {box: [label.x, label.y, label.x + label.width, label.y + label.height], lines, text};
}"""


@pytest.mark.parametrize(
    "query",
    ["", "rps=2000&services=40", "rps=100&mode=ambient_waypoint", "rps=9000&mode=ambient", "rps=0"],
)
def test_the_dot_s_label_crosses_no_line_as_drawn(live_server, new_page, query):
    page = new_page(scheme="dark")
    page.goto(f"{live_server.url}/calculator/?{query}")
    drawn = page.evaluate(GEOMETRY)
    left, top, right, bottom = drawn["box"]
    assert right - left <= len(drawn["text"]) * chart.CHAR_W  # the module's reckoning holds
    for x1, y1, x2, y2 in drawn["lines"]:
        steps = int(abs(x2 - x1) * 2) + 1
        for i in range(steps + 1):
            x, y = x1 + (x2 - x1) * i / steps, y1 + (y2 - y1) * i / steps
            assert not (left - 1.5 < x < right + 1.5 and top - 1.5 < y < bottom + 1.5), query
    if query == "rps=2000&services=40":  # it crossed the sidecar and waypoint lines
        page.locator(".calc-chart-figure").screenshot(path=str(SCREENSHOTS / "calc-chart-dark.png"))
