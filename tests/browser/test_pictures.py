"""Issue 26 in a real browser: the course's diagrams and the lab's drawn route in both themes at
320, 390 and 1280 px, the lab checking every change (paste and drop too), and the rough edges a
new learner met (invite link, phone overflow, the no-JS lesson calculator, axe's moderate
findings). Screenshots go to artifacts/screenshots/ (docs/screenshots/ keeps the README's)."""

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import expect

from lessons.models import Section
from teams.services import team_create

from .conftest import PASSWORD, log_in, screenshot

COURSE = "/courses/istio-service-mesh/"
WIDTHS = [320, 390, 1280]
# Per diagram, how its box and its svg sit: the svg must fit inside its figure and the page.
FIGURES = """() => [...document.querySelectorAll('figure.diagram')].map(f => {
    const svg = f.querySelector('svg'), box = svg.getBoundingClientRect();
    const text = getComputedStyle(svg.querySelector('text'));
    return {id: f.id, fits: box.right <= f.getBoundingClientRect().right + 0.5 && box.width > 0,
            width: box.width, fill: text.fill, font: parseFloat(text.fontSize) * box.width
              / svg.viewBox.baseVal.width};
})"""
WIDER_THAN_ITS_BOX = """(selector) => [...document.querySelectorAll(selector)]
    .filter(e => e.getClientRects().length && e.scrollWidth > e.clientWidth + 1).length"""
_axe = Axe()


def moderate_findings(page, ids) -> list[str]:
    found = _axe.run(page).response["violations"]
    return [f"{v['id']}: {v['nodes'][0]['target']}" for v in found if v["id"] in ids]


@pytest.mark.parametrize("width", WIDTHS, ids=lambda w: f"{w}px")
def test_diagrams_route_drawing_and_pages_fit_each_width_in_both_themes(
    live_server, course, new_page, django_user_model, width
):
    base = live_server.url
    lead = django_user_model.objects.create_user("esther-van-den-berg", password=PASSWORD)
    team = team_create(name="Payments", slug="payments", courses=[course], creator=lead)
    page = new_page(viewport={"width": width, "height": 900 if width > 500 else 740})
    log_in(page, base, lead.username)
    fills = {}
    lessons = Section.objects.exclude(diagram="").values_list("lesson__slug", flat=True)
    for scheme in ("light", "dark"):
        page.emulate_media(color_scheme=scheme)
        for lesson in sorted(set(lessons)):
            page.goto(f"{base}{COURSE}{lesson}/")
            for figure in page.evaluate(FIGURES):
                assert figure["fits"], (width, figure)
                assert figure["font"] >= 8.5, (width, figure)  # readable at 320 px
                fills.setdefault(figure["id"], set()).add(figure["fill"])
            assert page.evaluate("document.documentElement.scrollWidth") <= width, lesson
        page.goto(f"{base}{COURSE}securing-workloads/#authorization-policy")
        page.locator("#diagram-authz-order").scroll_into_view_if_needed()
        screenshot(page, f"diagram-authz-{scheme}-{width}")
        page.goto(f"{base}{COURSE}istio-in-production/#at-a-glance")
        expect(page.locator("#at-a-glance .card")).to_have_count(4)
        screenshot(page, f"cards-{scheme}-{width}")
        page.goto(f"{base}/lab/")
        drawing = page.locator(".lab-route-map")
        expect(drawing.locator(".route-step")).to_have_count(3)
        if width > 1000:  # where the eye goes after editing: in view, beside the editor
            expect(drawing).to_be_in_viewport()
            host, path = (page.locator(f"#id_{n}").bounding_box() for n in ("host", "path"))
            assert abs(host["y"] - path["y"]) < 1 and abs(host["height"] - path["height"]) < 1
        screenshot(page, f"lab-route-{scheme}-{width}")
    assert len(fills) == 7 and all(len(f) == 2 for f in fills.values()), fills  # themes differ
    if width > 1000:
        checks = {"heading-order", "landmark-unique", "empty-table-header"}
        for path in (
            f"{COURSE}traffic-management/",
            f"{COURSE}what-is-istio/",
            "/calculator/",
            f"/teams/{team.slug}/",
        ):
            page.goto(base + path)
            assert moderate_findings(page, checks) == [], path
        return
    # Phones: nothing wider than its box, and every menu link on screen.
    page.goto(f"{base}/calculator/?services=400&rps=25000")
    chart = page.locator(".calc-chart-narrow")
    expect(chart).to_be_visible()
    assert (
        chart.bounding_box()["width"] <= page.locator(".calc-chart-scroll").bounding_box()["width"]
    )
    page.goto(f"{base}{COURSE}what-is-istio/")
    assert page.evaluate(WIDER_THAN_ITS_BOX, ".calculator-embed .table-wrap") == 0
    for link in page.locator(".nav-links a").all():
        box = link.bounding_box()
        assert box["x"] >= 0 and box["x"] + box["width"] <= width, link.inner_text()
    expect(page.locator(".nav-links a", has_text="Teams")).to_be_in_viewport()
    page.goto(f"{base}/me/")
    assert page.evaluate(WIDER_THAN_ITS_BOX, ".table-wrap") == 0
    screenshot(page, f"me-{width}")


INSERT_WITHOUT_KEYS = """([how, text]) => {
    const editor = document.querySelector('textarea.lab-textarea');
    editor.focus();
    editor.select();
    if (how === 'paste') {
        document.execCommand('insertText', false, text);  // an input event, as a paste sends
    } else {
        editor.value = text;
        editor.dispatchEvent(new InputEvent('input', {bubbles: true, inputType: 'insertFromDrop'}));
    }
    return document.querySelector('#lab-summary').textContent.trim();
}"""


def test_the_lab_checks_text_put_in_without_a_key_and_shows_no_stale_verdict(live_server, new_page):
    page = new_page()
    page.goto(f"{live_server.url}/lab/")
    expect(page.locator("#lab-summary")).to_have_text("No problems found.")
    sample = page.input_value("textarea.lab-textarea")
    broken = "apiVersion: networking.istio.io/v1\nkind: VirtualService\n"
    broken += "metadata:\n  name: x\nspec:\n  hosts: 7\n"
    for how in ("paste", "drop"):
        said = page.evaluate(INSERT_WITHOUT_KEYS, [how, broken])
        assert said == "Checking…", how  # at once: no verdict for text not yet checked
        expect(page.locator("#lab-summary")).to_contain_text("error", timeout=8000)
        assert "No problems" not in page.inner_text("#lab-summary")
        assert page.evaluate(INSERT_WITHOUT_KEYS, [how, sample]) == "Checking…"
        expect(page.locator("#lab-summary")).to_have_text("No problems found.")


def test_visitor_invite_and_the_lesson_calculator_without_javascript(
    live_server, course, new_page, django_user_model
):
    base = live_server.url
    lead = django_user_model.objects.create_user("lead", password=PASSWORD)
    team = team_create(name="Payments platform", slug="payments", courses=[course], creator=lead)
    page = new_page()
    page.goto(base + team.get_invite_url())
    main = page.locator("main")
    expect(main.locator("h1")).to_have_text("Join Payments platform")
    expect(main).to_contain_text(course.title)
    sign_up_link, log_in_link = main.locator(".join-actions a").all()
    assert sign_up_link.inner_text() == "Sign up to join" and log_in_link.inner_text() == "Log in"
    screenshot(page, "invite-visitor")
    sign_up_link.click()
    page.fill("#id_username", "newcomer")
    page.fill("#id_password1", PASSWORD)
    page.fill("#id_password2", PASSWORD)
    page.click("button[type=submit]:has-text('Create account')")
    page.wait_for_url(base + team.get_invite_url())
    page.click("button:has-text('Join the team as newcomer')")
    expect(page.locator("main")).to_contain_text("You joined Payments platform")

    nojs = new_page(javascript=False, viewport={"width": 390, "height": 844})
    lesson = f"{base}{COURSE}what-is-istio/"
    nojs.goto(lesson)
    embed = nojs.locator(".calculator-embed")
    embed.locator("input[name=services]").fill("400")
    before = embed.locator(".calc-embed-reading").inner_text()
    embed.locator("button:has-text('Calculate')").click()
    nojs.wait_for_load_state()
    assert nojs.url.startswith(lesson + "?") and "services=400" in nojs.url
    assert nojs.url.endswith("#calc-embed-overhead-calculator")
    embed = nojs.locator(".calculator-embed")
    expect(embed.locator("input[name=services]")).to_have_value("400")
    assert embed.locator(".calc-embed-reading").inner_text() != before
    assert (
        nojs.evaluate(
            "document.getElementById('calc-embed-overhead-calculator').getBoundingClientRect().top"
        )
        < 100
    )  # back at the calculator
    screenshot(nojs, "lesson-calculator-nojs-390")
