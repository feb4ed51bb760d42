"""The calculator's input-only HTML: shared by everyone, cached per inputs, never required.

The htmx result block must not depend on who asks (no session, no user, no CSRF token), so
one rendering can serve every learner; the cache must give back exactly what a fresh
render gives, never store answers to invalid inputs, and only slow the page when it fails.
"""

from __future__ import annotations

import html
import logging
import re
from urllib.parse import parse_qsl, urlsplit

import pytest
from django.core.cache import cache
from django.urls import reverse

from calculator import blocks as calculator_blocks
from calculator import cache as calculator_cache
from calculator.forms import form_data
from calculator.model import INPUT_SPECS, MeshInputs, estimate
from calculator.models import SavedScenario
from calculator.reading import format_value
from meshlearn import fragments

URL = "/calculator/"
HTMX = {"HX-Request": "true"}
PARAMS = {"services": "40", "replicas": "3", "rps": "800"}


@pytest.fixture(autouse=True)
def _empty_cache():
    cache.clear()
    yield
    cache.clear()


def _swap_key(params, host="testserver"):
    return calculator_cache.key(
        form_data(params),
        variant="swap",
        chart_id=calculator_blocks.CHART_ID,
        base_url=f"http://{host}{URL}",
    )


def _refuse_to_draw(monkeypatch):
    """From here on, drawing a block fails the test: only the cache can answer."""

    def refuse(*args, **kwargs):
        raise AssertionError("drew a block the cache should have served")

    monkeypatch.setattr(calculator_blocks, "results_context", refuse)


class BrokenCache:
    """A cache backend in an outage: every call raises, as redis-py does."""

    def get(self, *args, **kwargs):
        raise ConnectionError("cache down")

    set = get


# --- cached and fresh are the same --------------------------------------------------------


@pytest.mark.django_db
def test_cached_block_is_the_fresh_block(client, monkeypatch):
    fresh = client.get(URL, PARAMS, headers=HTMX)
    assert fresh.status_code == 200
    assert cache.get(_swap_key(PARAMS)) == fresh.content.decode()

    _refuse_to_draw(monkeypatch)
    cached = client.get(URL, PARAMS, headers=HTMX)
    assert cached.status_code == 200
    assert cached.content == fresh.content
    expected = estimate(MeshInputs(services=40, replicas=3, rps=800))["dataplane_cpu_total"]
    assert format_value(expected.value, "vCPU") in cached.content.decode()


@pytest.mark.django_db
def test_same_inputs_in_another_spelling_share_one_entry(client, monkeypatch):
    client.get(URL, PARAMS, headers=HTMX)
    _refuse_to_draw(monkeypatch)
    # order, defaults spelled out and unknown parameters do not change what the form reads
    again = client.get(URL, {"rps": "800", "mode": "sidecar", "x": "1", **PARAMS}, headers=HTMX)
    assert again.status_code == 200


def test_key_separates_what_changes_the_html():
    base = _swap_key(PARAMS)
    assert _swap_key({**PARAMS, "rps": "801"}) != base
    assert _swap_key(PARAMS, host="meshlearn.example") != base  # the share link is absolute
    data = form_data(PARAMS)
    page = calculator_cache.key(
        data,
        variant="page",
        chart_id=calculator_blocks.CHART_ID,
        base_url=f"http://testserver{URL}",
    )
    other_chart = calculator_cache.key(
        data, variant="swap", chart_id="other-chart", base_url=f"http://testserver{URL}"
    )
    assert len({base, page, other_chart}) == 3


def test_key_changes_when_a_template_changes(monkeypatch):
    before = _swap_key(PARAMS)
    real = fragments.get_template

    def edited(name):
        template = real(name)
        if name == calculator_cache.LIVE:

            class Edited:
                source = template.template.source + "<p>new</p>"

            return type("T", (), {"template": Edited})()
        return template

    monkeypatch.setattr(fragments, "get_template", edited)
    calculator_cache.shape_digest.cache_clear()
    try:
        assert _swap_key(PARAMS) != before
    finally:
        monkeypatch.undo()
        calculator_cache.shape_digest.cache_clear()
    assert _swap_key(PARAMS) == before


@pytest.mark.django_db
def test_full_page_reuses_the_cached_result_block(client, monkeypatch):
    first = client.get(URL, PARAMS)
    _refuse_to_draw(monkeypatch)
    second = client.get(URL, PARAMS)
    assert second.status_code == 200
    # the whole page is the same, but for the per-request CSRF token in <body hx-headers>
    strip = re.compile(r"hx-headers=\'[^\']*\'")
    assert strip.sub("", second.content.decode()) == strip.sub("", first.content.decode())


@pytest.mark.django_db
def test_lesson_embed_block_is_cached(client, monkeypatch):
    params = {**PARAMS, "view": "compact"}
    fresh = client.get(URL, params, headers=HTMX)
    _refuse_to_draw(monkeypatch)
    cached = client.get(URL, params, headers=HTMX)
    assert cached.content == fresh.content
    assert "Open these inputs in the full calculator" in cached.content.decode()


# --- the block does not depend on who asks ------------------------------------------------


@pytest.mark.django_db
def test_block_reads_no_session_or_user(learner_client, learner, django_assert_num_queries):
    SavedScenario.objects.create(user=learner, name="mine", params={})
    for _ in range(2):  # drawn, then from the cache
        with django_assert_num_queries(0):
            response = learner_client.get(URL, PARAMS, headers=HTMX)
        assert response.status_code == 200
        assert "Cookie" not in response.get("Vary", "")  # the session was never opened
        assert response["Vary"] == "HX-Request"
        assert not response.cookies  # no session or CSRF cookie either
        page = response.content.decode()
        assert "csrfmiddlewaretoken" not in page and "mine" not in page
        assert learner.username not in page


@pytest.mark.django_db
def test_learner_and_visitor_get_the_same_block(client, learner, django_user_model):
    visitor = client.get(URL, PARAMS, headers=HTMX).content
    cache.clear()
    client.force_login(learner)
    assert client.get(URL, PARAMS, headers=HTMX).content == visitor


# --- saving, from outside the block -------------------------------------------------------


def _fields_of(page: str, form_id: str) -> dict[str, str]:
    """The values a browser submits with form `form_id` from inputs tied to it by form=."""
    inputs = re.findall(
        r'<input type="hidden" name="([^"]+)" value="([^"]*)" form="([^"]+)">', page
    )
    return {name: html.unescape(value) for name, value, owner in inputs if owner == form_id}


@pytest.mark.django_db
def test_save_form_takes_the_inputs_from_the_current_block(learner_client, learner):
    page = learner_client.get(URL, {"services": "12"}).content.decode()
    assert '<form id="calc-save" method="post"' in page
    # after a live update, the swapped block carries the new inputs for that same form
    block = learner_client.get(URL, {"services": "77", "mode": "ambient"}, headers=HTMX)
    fields = _fields_of(block.content.decode(), "calc-save")
    assert set(fields) == {spec.name for spec in INPUT_SPECS}
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)
    response = learner_client.post(
        reverse("calculator-scenario-save"),
        {**fields, "name": "after the update", "csrfmiddlewaretoken": token},
    )
    assert response.status_code == 302
    saved = SavedScenario.objects.get(user=learner)
    assert saved.params["services"] == "77" and saved.params["mode"] == "ambient"


@pytest.mark.django_db
def test_visitor_logs_in_back_to_the_current_inputs(client):
    page = client.get(URL, PARAMS).content.decode()
    assert '<form id="calc-login" method="get" action="/accounts/login/"' in page
    assert '<form id="calc-save"' not in page
    block = client.get(URL, {"services": "9"}, headers=HTMX).content.decode()
    next_url = _fields_of(block, "calc-login")["next"]
    assert dict(parse_qsl(urlsplit(next_url).query))["services"] == "9"
    assert urlsplit(next_url).path == URL


@pytest.mark.django_db
def test_saving_invalid_inputs_from_a_live_block_is_refused(learner_client):
    block = learner_client.get(URL, {"services": "-1"}, headers=HTMX).content.decode()
    fields = _fields_of(block, "calc-save")
    assert fields["services"] == "-1"  # as typed, so the server refuses, never the default
    response = learner_client.post(reverse("calculator-scenario-save"), {**fields, "name": "x"})
    assert response.status_code == 400
    assert not SavedScenario.objects.exists()


# --- invalid inputs and outages -----------------------------------------------------------


@pytest.mark.django_db
def test_invalid_inputs_show_field_errors_and_are_not_cached(client):
    params = {"services": "-3"}
    for _ in range(2):
        response = client.get(URL, params, headers=HTMX)
        assert response.status_code == 200
        page = html.unescape(response.content.decode())
        assert re.search(r'id="id_services-error" hx-swap-oob="true"><ul><li>[^<]*greater', page)
        assert "Some inputs need fixing" in page
        assert cache.get(_swap_key(params)) is None
    assert client.get(URL, params).status_code == 400  # the full page too
    assert cache.get(_swap_key(PARAMS)) is None  # nothing else was stored meanwhile


@pytest.mark.django_db
@pytest.mark.parametrize("htmx", [True, False], ids=["block", "page"])
def test_cache_outage_only_slows_the_page(client, monkeypatch, caplog, htmx):
    fresh = client.get(URL, PARAMS, headers=HTMX if htmx else {})
    monkeypatch.setattr(fragments, "cache", BrokenCache())
    calculator_blocks._recent_blocks.clear()  # as in a process that has not drawn it yet
    with caplog.at_level(logging.WARNING, logger="meshlearn.fragments"):
        response = client.get(URL, PARAMS, headers=HTMX if htmx else {})
    assert response.status_code == 200
    if htmx:
        assert response.content == fresh.content
    expected = estimate(MeshInputs(services=40, replicas=3, rps=800))["dataplane_cpu_total"]
    assert format_value(expected.value, "vCPU") in response.content.decode()
    messages = [record.getMessage() for record in caplog.records]
    assert any("get failed" in m for m in messages) and any("set failed" in m for m in messages)


@pytest.mark.django_db
def test_copy_button_waits_for_javascript_on_the_page_only(client):
    # site.js unhides Copy buttons when the page loads; a swapped block arrives after that
    page = client.get(URL, PARAMS).content.decode()
    block = client.get(URL, PARAMS, headers=HTMX).content.decode()
    assert 'data-copy="calc-share-link" hidden>' in page
    assert 'data-copy="calc-share-link">' in block


@pytest.mark.django_db
def test_a_process_keeps_recent_blocks_within_its_bound(client, monkeypatch):
    monkeypatch.setattr(calculator_blocks, "RECENT_BLOCKS", 2)
    for services in (10, 20, 30):
        client.get(URL, {**PARAMS, "services": services}, headers=HTMX)
    kept = calculator_blocks._recent_blocks
    assert len(kept) == 2
    assert not any(("services", "10") in key for key in kept)  # the oldest went first
    # A repeat is served from the process and equals the shared cache's copy.
    again = client.get(URL, {**PARAMS, "services": 30}, headers=HTMX).content.decode()
    key = calculator_cache.key(
        form_data({**PARAMS, "services": "30"}),
        variant="swap",
        chart_id=calculator_blocks.CHART_ID,
        base_url="http://testserver/calculator/",
    )
    assert again == cache.get(key)


@pytest.mark.django_db
def test_an_invalid_input_is_not_kept_in_the_process(client):
    client.get(URL, {**PARAMS, "services": "-4"}, headers=HTMX)
    assert calculator_blocks._recent_blocks == {}
