"""The calculator's inputs on a phone, on its own page and embedded in a lesson.

At 320 and 390 px every label and control stays inside the screen, every choice can be read
whole in its closed select (the mTLS one said "PERMISSIVE (Istio's default:" and stopped),
every box and button is a tap target at least 44 px high, and the results still follow the
inputs. At 1280 px the desktop keeps its two columns.
"""

import pytest

from .conftest import screenshot
from .test_phone_layout import CHOICES_THAT_DO_NOT_FIT

PHONES = ({"width": 320, "height": 640}, {"width": 390, "height": 844})
FORMS = {"page": ".calc-form", "lesson": ".calc-embed-form"}
TAP_TARGET = 44

# Each label, legend, help text and control of the form whose box leaves the screen sideways,
# and each control lower than a tap target: [what, id or text, left, right, height].
OUT_OF_PLACE = """([form, tap]) => {
    const width = window.innerWidth;
    const wrong = [];
    const parts = 'label, legend, .help, select, input:not([type=hidden]), button';
    for (const el of document.querySelectorAll(`${form} :is(${parts})`)) {
        const box = el.getBoundingClientRect();
        if (!box.width) continue;  // visually hidden
        const name = el.id || el.textContent.trim().slice(0, 30);
        const low = el.matches('select, input, button') && box.height < tap;
        if (box.left < 0 || box.right > width || low) {
            wrong.push([el.tagName, name, box.left, box.right, box.height].map(
                v => typeof v === 'number' ? Math.round(v) : v));
        }
    }
    return wrong;
}"""


def _open(new_page, live_server, course, where: str, viewport: dict, scheme: str = "light"):
    page = new_page(viewport=viewport, scheme=scheme)
    if where == "page":
        # The longest choices chosen, so the closed selects show them.
        page.goto(f"{live_server.url}/calculator/?mode=ambient&figures=1.16&mtls=permissive")
    else:
        page.goto(f"{live_server.url}/courses/{course.slug}/what-is-istio/")
        assert page.locator(".calculator-embed").count() == 1
    return page


@pytest.mark.parametrize("viewport", PHONES, ids=lambda v: f"{v['width']}px")
@pytest.mark.parametrize("where", FORMS)
def test_every_calculator_input_fits_a_phone(live_server, course, new_page, where, viewport):
    page = _open(new_page, live_server, course, where, viewport)
    form = FORMS[where]
    assert page.locator(f"{form} select").count() >= 2  # mode and figures at least
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    assert page.evaluate(OUT_OF_PLACE, [form, TAP_TARGET]) == []
    assert page.evaluate(CHOICES_THAT_DO_NOT_FIT, form) == []
    screenshot(page, f"calculator-phone-{where}-{viewport['width']}")


def test_the_results_follow_the_inputs_on_a_phone(live_server, course, new_page):
    """htmx still swaps the results in as a phone user types or chooses."""
    page = _open(new_page, live_server, course, "page", PHONES[0])
    page.fill("#id_services", "40")
    page.wait_for_function(
        "document.getElementById('calc-share-link').href.includes('services=40')"
    )
    page.select_option("#id_mtls", "strict")
    page.wait_for_url("**mtls=strict**")
    page.wait_for_function(
        "document.getElementById('calc-share-link').href.includes('mtls=strict')"
    )

    page = _open(new_page, live_server, course, "lesson", PHONES[0])
    chosen = page.locator(".calc-embed-results thead th.is-chosen")
    assert chosen.inner_text().startswith("Sidecar")
    page.locator(".calc-embed-form select").first.select_option("ambient")
    page.wait_for_function(
        "document.querySelector('.calc-embed-results thead th.is-chosen')"
        ".innerText.startsWith('Ambient L4')"
    )


# The desktop's two columns: the form beside the results, both starting at the same height;
# and the embed's four number boxes in one row.
DESKTOP_SHAPE = """() => {
    const box = (selector) => document.querySelector(selector).getBoundingClientRect();
    if (document.querySelector('.calc-form')) {
        const form = box('.calc-form'), results = box('.calc-results');
        return {beside: form.right < results.left, top: Math.abs(form.top - results.top) < 2};
    }
    const tops = [...document.querySelectorAll('.calc-embed-fields input')].slice(0, 4)
        .map(input => Math.round(input.getBoundingClientRect().top));
    return {beside: new Set(tops).size === 1, top: tops.length === 4};
}"""


@pytest.mark.parametrize("where", FORMS)
def test_the_desktop_keeps_its_calculator_layout(live_server, course, new_page, where):
    page = _open(new_page, live_server, course, where, {"width": 1280, "height": 900})
    assert page.evaluate(DESKTOP_SHAPE) == {"beside": True, "top": True}
    assert page.evaluate(CHOICES_THAT_DO_NOT_FIT, FORMS[where]) == []
