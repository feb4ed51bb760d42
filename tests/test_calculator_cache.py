"""The calculator's input-only HTML: shared by everyone, cached per inputs, never required.

The htmx result block must not depend on who asks (no session, no user, no CSRF token), so
one rendering can serve every learner; the cache must give back exactly what a fresh
render gives, never store answers to invalid inputs, start afresh with each release or new
figures, and only slow the page when it fails.
"""

from __future__ import annotations

import html
import logging
import re
from urllib.parse import parse_qsl, urlsplit

import pytest
from django.core.cache import cache
from django.urls import reverse

from calculator import cache as calculator_cache
from calculator import figures, results
from calculator.forms import CalculatorForm
from calculator.inputs import INPUT_SPECS, MeshInputs
from calculator.model import estimate
from calculator.models import SavedScenario
from calculator.reading import format_value

URL = "/calculator/"
HTMX = {"HX-Request": "true"}
PARAMS = {"services": "40", "replicas": "3", "rps": "800"}


@pytest.fixture(autouse=True)
def _empty_cache():
    cache.clear()
    yield
    cache.clear()


def _swap_key(params, host="testserver"):
    query = CalculatorForm(params).results().share_query  # the inputs as the form read them
    return calculator_cache.key("swap", query, f"http://{host}{URL}")


def _cached(key):
    return cache.get(key, version=calculator_cache.version())


class Drawn:
    """Counts the model's runs: a block served from the cache runs none."""

    def __init__(self, monkeypatch):
        self.count = 0
        real = results.compare_modes

        def counted(inputs):
            self.count += 1
            return real(inputs)

        monkeypatch.setattr(results, "compare_modes", counted)


def _refuse_to_draw(monkeypatch):
    """From here on, running the model fails the test: only the cache can answer."""

    def refuse(*args, **kwargs):
        raise AssertionError("drew a block the cache should have served")

    monkeypatch.setattr(results, "compare_modes", refuse)


class RecordingCache:
    """The real cache, noting the keys stored."""

    def __init__(self, real):
        self.real, self.stored = real, []

    def get(self, *args, **kwargs):
        return self.real.get(*args, **kwargs)

    def set(self, key, *args, **kwargs):
        self.stored.append(key)
        return self.real.set(key, *args, **kwargs)


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
    assert _cached(_swap_key(PARAMS)) == fresh.content.decode()

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
    # order, defaults spelled out, unknown parameters and another spelling of a number do not
    # change the inputs the form reads
    spelled = {**PARAMS, "services": "040", "rps": "8e2"}
    again = client.get(URL, {"mode": "sidecar", "x": "1", **spelled}, headers=HTMX)
    assert again.status_code == 200


def test_key_separates_what_changes_the_html():
    base = _swap_key(PARAMS)
    assert _swap_key({**PARAMS, "rps": "801"}) != base
    assert _swap_key(PARAMS, host="meshlearn.example") != base  # the share link is absolute
    query = results.Results(MeshInputs(services=40, replicas=3, rps=800)).share_query
    page = calculator_cache.key("live", query, f"http://testserver{URL}")
    compact = calculator_cache.key("compact", query)
    assert len({base, page, compact}) == 3


@pytest.mark.django_db
@pytest.mark.parametrize("change", ["release", "figures"])
def test_a_new_release_or_new_figures_draw_the_block_again(client, monkeypatch, settings, change):
    client.get(URL, PARAMS, headers=HTMX)
    drawn = Drawn(monkeypatch)
    client.get(URL, PARAMS, headers=HTMX)
    assert drawn.count == 0  # from the cache
    if change == "release":
        settings.MESHLEARN_RELEASE = "next-release"
    else:
        monkeypatch.setattr(figures, "VERSION", figures.VERSION + 1)
    client.get(URL, PARAMS, headers=HTMX)
    assert drawn.count == 1


@pytest.mark.django_db
def test_nothing_is_kept_in_the_process(client, monkeypatch):
    """Once the shared cache has forgotten a block (another process's cache, an eviction), the
    block is drawn again: no copy kept in the process answers instead."""
    client.get(URL, PARAMS, headers=HTMX)
    cache.clear()
    drawn = Drawn(monkeypatch)
    assert client.get(URL, PARAMS, headers=HTMX).status_code == 200
    assert drawn.count == 1


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
def test_invalid_inputs_show_field_errors_and_are_not_cached(client, monkeypatch):
    recording = RecordingCache(calculator_cache.cache)
    monkeypatch.setattr(calculator_cache, "cache", recording)
    params = {"services": "-3"}
    for _ in range(2):
        response = client.get(URL, params, headers=HTMX)
        assert response.status_code == 200
        page = html.unescape(response.content.decode())
        assert re.search(r'id="id_services-error" hx-swap-oob="true"><ul><li>[^<]*greater', page)
        assert "Some inputs need fixing" in page
    assert client.get(URL, params).status_code == 400  # the full page too
    assert client.get(URL, {**params, "view": "compact"}, headers=HTMX).status_code == 200
    assert recording.stored == []
    client.get(URL, PARAMS, headers=HTMX)
    assert recording.stored == [_swap_key(PARAMS)]  # a valid one is


@pytest.mark.django_db
@pytest.mark.parametrize("htmx", [True, False], ids=["block", "page"])
def test_cache_outage_only_slows_the_page(client, monkeypatch, caplog, htmx):
    fresh = client.get(URL, PARAMS, headers=HTMX if htmx else {})
    monkeypatch.setattr(calculator_cache, "cache", BrokenCache())
    with caplog.at_level(logging.WARNING, logger="calculator.cache"):
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
