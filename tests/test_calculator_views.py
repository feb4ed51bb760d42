"""The calculator pages: full page, htmx partials, JSON, bad input, scenarios, embed."""

from __future__ import annotations

import html
import re
from urllib.parse import parse_qsl, urlsplit

import pytest
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from calculator.forms import FIELD_GROUPS, CalculatorForm
from calculator.inputs import INPUT_SPECS, MeshInputs
from calculator.model import compare_modes, estimate
from calculator.models import SavedScenario
from calculator.reading import format_value
from lessons.models import Section

URL = "/calculator/"
JSON_URL = "/calculator.json"


def _text(response) -> str:
    return html.unescape(response.content.decode())


def _error_slot(page: str, name: str) -> str:
    """The contents of the error slot that sits next to field `name`."""
    match = re.search(rf'<div class="field-errors" id="id_{name}-error"[^>]*>(.*?)</div>', page)
    assert match, f"no error slot for {name}"
    return match.group(1)


def _field_tag(page: str, name: str) -> str:
    """The opening tag of field `name`'s input or select."""
    match = re.search(rf'<(?:input|select)[^>]* id="id_{name}"[^>]*>', page)
    assert match, f"no field {name}"
    return match.group(0)


# --- the page ---------------------------------------------------------------------------


@pytest.mark.django_db
def test_page_shows_form_results_chart_and_rubric(client):
    response = client.get(URL)
    assert response.status_code == 200
    page = _text(response)
    assert 'hx-trigger="input changed delay:300ms, submit"' in page
    assert 'hx-push-url="true"' in page and 'method="get"' in page
    assert ">Calculate</button>" in page
    assert 'data-testid="calc-chart-marker"' in page and "<title id=" in page
    assert "mTLS STRICT mesh-wide" in page and "Access logs on" in page
    for label in ("Sidecar (Envoy in every pod)", "Ambient L4 (ztunnel per node)"):
        assert label in page


@pytest.mark.django_db
def test_every_output_shows_its_formula_and_source(client):
    page = _text(client.get(URL))
    result = estimate(MeshInputs())
    for name, output in result.outputs.items():
        row = re.search(rf'<tr id="output-{name}">(.*?)</tr>', page, re.S)
        assert row, name
        assert output.formula in row.group(1), name
        assert f"source-{output.source.kind}" in row.group(1), name
        if output.source.url:
            assert output.source.url in row.group(1), name


@pytest.mark.django_db
def test_side_by_side_matches_the_model_for_each_mode(client):
    inputs = MeshInputs(services=40, nodes=8, rps=5000)
    page = _text(client.get(URL, {"services": 40, "nodes": 8, "rps": 5000}))
    for mode, result in compare_modes(inputs).items():
        cpu = format_value(result["dataplane_cpu_total"].value, "vCPU")
        assert cpu in page, mode


def test_field_groups_cover_every_input_once():
    grouped = [name for _, names in FIELD_GROUPS for name in names]
    assert sorted(grouped) == sorted(spec.name for spec in INPUT_SPECS)


# --- htmx -------------------------------------------------------------------------------


@pytest.mark.django_db
def test_htmx_request_gets_the_result_partial_and_error_slots(client):
    response = client.get(URL, {"rps": 2000}, headers={"HX-Request": "true"})
    assert response.status_code == 200
    page = _text(response)
    assert "<html" not in page and 'id="calc-live"' in page
    assert page.count('hx-swap-oob="true"') == len(INPUT_SPECS)
    expected = estimate(MeshInputs(rps=2000))["dataplane_cpu_total"]
    assert format_value(expected.value, "vCPU") in page
    assert response["Vary"] and "HX-Request" in response["Vary"]


@pytest.mark.django_db
def test_htmx_bad_input_swaps_the_error_next_to_the_field(client):
    response = client.get(URL, {"services": "-3"}, headers={"HX-Request": "true"})
    assert response.status_code == 200  # htmx only swaps 2xx answers
    page = _text(response)
    assert "greater than or equal to 1" in _error_slot(page, "services")
    assert _error_slot(page, "rps").strip() == ""  # other slots are cleared


@pytest.mark.django_db
@pytest.mark.parametrize(("services", "invalid"), [("-3", True), ("30", False)])
def test_htmx_redraws_every_error_slot_as_it_is_now(client, services, invalid):
    """The live update never redraws the fields; site.js sets each field's aria-invalid from the
    slot it names, so every slot comes back, filled or emptied (a page drawn with an error and
    then corrected, or the other way round)."""
    for _ in range(2):  # drawn, then from the cache
        response = client.get(URL, {"services": services}, headers={"HX-Request": "true"})
        page = _text(response)
        assert 'id="id_services"' not in page  # the field is not redrawn
        for spec in INPUT_SPECS:
            filled = bool(_error_slot(page, spec.name).strip())
            assert filled is (invalid and spec.name == "services"), spec.name
        assert page.count('hx-swap-oob="true"') == len(INPUT_SPECS)


@pytest.mark.django_db
@pytest.mark.parametrize(("services", "invalid"), [("0", True), ("30", False)])
def test_each_field_names_its_error_slot_and_is_marked_as_drawn(client, services, invalid):
    page = _text(client.get(URL, {"services": services}))
    for spec in INPUT_SPECS:
        tag = _field_tag(page, spec.name)
        assert f"id_{spec.name}-error" in re.search(r'aria-describedby="([^"]*)"', tag).group(1)
        assert ('aria-invalid="true"' in tag) is (invalid and spec.name == "services")


@pytest.mark.django_db
def test_compact_partial_for_the_lesson_embed(client):
    response = client.get(URL, {"view": "compact", "mode": "ambient"}, HTTP_HX_REQUEST="true")
    page = _text(response)
    assert response.status_code == 200 and "<html" not in page
    assert "Open these inputs in the full calculator" in page
    ambient = estimate(MeshInputs(mode="ambient"))
    assert format_value(ambient["dataplane_memory_total"].value, "MB") in page


# --- shareable query string -------------------------------------------------------------


@pytest.mark.django_db
def test_query_string_reproduces_the_result(client):
    params = {"mode": "ambient_waypoint", "services": "120", "rps": "25000", "jwt": "on"}
    page = _text(client.get(URL, params))
    link = re.search(r'<a href="\?([^"]+)" id="calc-share-link"', page).group(1)
    shared = dict(parse_qsl(link))
    assert shared["mode"] == "ambient_waypoint" and shared["services"] == "120"
    assert set(shared) == {spec.name for spec in INPUT_SPECS}
    again = client.get(URL, shared)
    first, second = client.get(JSON_URL, params).json(), client.get(JSON_URL, shared).json()
    assert again.status_code == 200 and first == second


@pytest.mark.django_db
def test_missing_parameters_take_their_defaults(client):
    data = client.get(JSON_URL, {"services": 7}).json()
    assert data["inputs"] == {**MeshInputs().as_dict(), "services": 7}


# --- JSON -------------------------------------------------------------------------------


@pytest.mark.django_db
def test_json_answer_has_inputs_and_sourced_outputs(client):
    response = client.get(JSON_URL, {"mode": "ambient", "rps": 1000, "hops": 1})
    assert response.status_code == 200 and response["Content-Type"] == "application/json"
    data = response.json()
    assert data == estimate(MeshInputs(mode="ambient", rps=1000, hops=1)).as_dict()
    cpu = data["outputs"]["dataplane_cpu_total"]
    assert cpu["value"] == pytest.approx(2 * 0.06) and cpu["unit"] == "vCPU"
    assert cpu["source"]["url"].startswith("https://istio.io/") and cpu["source"]["version"]
    assert set(cpu) == {"value", "unit", "formula", "source"}


BAD_INPUTS = [
    ("services", "", "required"),
    ("services", "-4", "greater than or equal to 1"),
    ("services", "twelve", "whole number"),
    ("services", "2.5", "whole number"),
    ("services", "99999999999999999999999", "less than or equal to 5000"),
    ("rps", "1e309", "number"),
    ("rps", "nan", "number"),
    ("rps", "inf", "number"),
    ("rps", "5000001", "less than or equal to 1000000"),
    ("app_cpu", "0", "greater than or equal to 0.01"),
    ("mode", "mesh-of-dreams", "valid choice"),
    ("figures", "0.8", "valid choice"),
    ("jwt", "maybe", "valid choice"),
    ("tracing_pct", "101", "less than or equal to 100"),
]


@pytest.mark.django_db
@pytest.mark.parametrize(("name", "value", "message"), BAD_INPUTS)
def test_bad_input_is_a_field_error_never_a_500(client, name, value, message):
    response = client.get(URL, {name: value})
    assert response.status_code == 400
    page = _text(response)
    assert message in _error_slot(page, name)
    assert 'class="field field-invalid"' in page

    answer = client.get(JSON_URL, {name: value})
    assert answer.status_code == 400
    errors = answer.json()["errors"]
    assert list(errors) == [name] and message in errors[name][0]


@pytest.mark.django_db
def test_calculator_refuses_other_methods(client):
    assert client.post(URL).status_code == 405
    assert client.post(JSON_URL).status_code == 405


# --- saved scenarios --------------------------------------------------------------------

SAVE_URL = "/calculator/scenarios/"


def _save(client, name, **params):
    return client.post(SAVE_URL, {"name": name, **MeshInputs().as_query(), **params})


@pytest.mark.django_db
def test_visitor_cannot_save_and_is_sent_to_log_in(client):
    response = _save(client, "mine")
    assert response.status_code == 302 and reverse("login") in response["Location"]
    assert not SavedScenario.objects.exists()


@pytest.mark.django_db
def test_learner_saves_a_named_scenario_and_reopens_it(learner_client, learner):
    response = _save(learner_client, "payments, ambient", mode="ambient", services="80")
    assert response.status_code == 302
    scenario = SavedScenario.objects.get(user=learner)
    assert scenario.name == "payments, ambient"
    assert scenario.params["mode"] == "ambient" and scenario.params["services"] == "80"
    assert dict(parse_qsl(urlsplit(response["Location"]).query)) == scenario.params
    reopened = learner_client.get(scenario.get_absolute_url())
    assert reopened.status_code == 200
    expected = estimate(MeshInputs(mode="ambient", services=80))["dataplane_memory_total"]
    assert format_value(expected.value, "MB") in _text(reopened)


@pytest.mark.django_db
def test_scenario_names_are_unique_per_learner(learner_client, learner, other_learner, client):
    assert _save(learner_client, "baseline").status_code == 302
    duplicate = _save(learner_client, "baseline", services="9")
    assert duplicate.status_code == 400
    assert "already have a scenario with this name" in _text(duplicate)
    # The page reloads at its top: it says so there, and the name field takes the focus.
    page = duplicate.content.decode()
    assert "The scenario was not saved" in page
    assert page.index("The scenario was not saved") < page.index("Save this scenario")
    assert re.search(r'<input[^>]*name="name"[^>]*autofocus', page)
    client.force_login(other_learner)
    assert _save(client, "baseline").status_code == 302  # another learner may reuse it
    assert SavedScenario.objects.filter(name="baseline").count() == 2


@pytest.mark.django_db
@pytest.mark.parametrize(("name", "params"), [("", {}), ("x" * 81, {}), ("ok", {"services": "-1"})])
def test_invalid_scenarios_are_refused(learner_client, name, params):
    response = _save(learner_client, name, **params)
    assert response.status_code == 400
    assert not SavedScenario.objects.exists()


@pytest.mark.django_db
def test_learners_see_only_their_own_scenarios(learner_client, learner, other_learner):
    SavedScenario.objects.create(user=learner, name="mine-1", params={"services": "5"})
    theirs = SavedScenario.objects.create(user=other_learner, name="theirs-1", params={})
    me_page = _text(learner_client.get("/me/"))
    calc_page = _text(learner_client.get(URL))
    for page in (me_page, calc_page):
        assert "mine-1" in page and "theirs-1" not in page
    assert "/calculator/?services=5" in me_page
    # deleting someone else's scenario is a 404 and leaves it alone
    delete = learner_client.post(f"/calculator/scenarios/{theirs.pk}/delete/")
    assert delete.status_code == 404
    assert SavedScenario.objects.filter(pk=theirs.pk).exists()


@pytest.mark.django_db
def test_learner_deletes_own_scenario(learner_client, learner):
    scenario = SavedScenario.objects.create(user=learner, name="old", params={})
    response = learner_client.post(f"/calculator/scenarios/{scenario.pk}/delete/", {"next": "/me/"})
    assert response.status_code == 302 and response["Location"] == "/me/"
    assert not SavedScenario.objects.exists()
    unsafe = SavedScenario.objects.create(user=learner, name="again", params={})
    response = learner_client.post(
        f"/calculator/scenarios/{unsafe.pk}/delete/", {"next": "https://evil.example/"}
    )
    assert response["Location"] == "/me/"


@pytest.mark.django_db
def test_scenario_posts_need_a_csrf_token(client, learner):
    client.handler.enforce_csrf_checks = True
    client.force_login(learner)
    assert _save(client, "no-token").status_code == 403
    page = _text(client.get(URL))
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)
    response = client.post(
        SAVE_URL, {"name": "with-token", "csrfmiddlewaretoken": token, **MeshInputs().as_query()}
    )
    assert response.status_code == 302
    assert list(SavedScenario.objects.values_list("name", flat=True)) == ["with-token"]


# --- query budget -----------------------------------------------------------------------


@pytest.mark.django_db
def test_query_budget(client, learner, django_assert_max_num_queries):
    with django_assert_max_num_queries(0):
        assert client.get(URL).status_code == 200
    with django_assert_max_num_queries(0):
        assert client.get(JSON_URL).status_code == 200
    client.force_login(learner)
    for count in (2, 30):  # the page lists 20 at most: the same queries whatever the history
        SavedScenario.objects.bulk_create(
            SavedScenario(user=learner, name=f"s{count}-{i}", params={"services": str(i + 1)})
            for i in range(count)
        )
        for params in ({}, {"services": "33"}):  # cached above; drawn, then cached
            with django_assert_max_num_queries(3):  # session, user, scenarios
                assert client.get(URL, params).status_code == 200
        with django_assert_max_num_queries(0):  # the live update reads no session
            assert client.get(URL, {"rps": "9"}, headers={"HX-Request": "true"}).status_code == 200


# --- the lesson embed -------------------------------------------------------------------


@pytest.mark.django_db
def test_lesson_embeds_a_compact_calculator(client, mini_course):
    lesson = mini_course.lessons.filter(published=True).first()
    section = Section.objects.create(
        lesson=lesson, slug="what-it-costs", title="What it costs", kind="calculator", order=99
    )
    page = _text(client.get(lesson.get_absolute_url()))
    assert f'id="calc-embed-{section.slug}"' in page
    # Without JavaScript, Calculate comes back to this lesson, at the embed.
    url = lesson.get_absolute_url()
    assert f'action="{url}#calc-embed-{section.slug}"' in page and ">Calculate</button>" in page
    assert f'name="calc" value="{section.slug}"' in page
    assert f'id="calc-{section.slug}-services"' in page  # ids unique to this section
    default = estimate(MeshInputs())  # without JavaScript the embed shows the defaults
    assert format_value(default["dataplane_cpu_total"].value, "vCPU") in page
    # ...and the lesson drawn for the inputs sent shows their figures in that embed only.
    sent = _text(client.get(url, {"calc": section.slug, "services": "400", "replicas": "9"}))
    wanted = estimate(MeshInputs(services=400, replicas=9))
    assert format_value(wanted["dataplane_cpu_total"].value, "vCPU") in sent
    assert 'name="services" value="400"' in sent
    again = _text(client.get(url))  # the cached section still shows the defaults
    assert format_value(default["dataplane_cpu_total"].value, "vCPU") in again


@pytest.mark.django_db
@settings(max_examples=80, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    params=st.dictionaries(
        st.sampled_from([spec.name for spec in INPUT_SPECS] + ["view", "name"]),
        st.text(max_size=40),
        max_size=5,
    )
)
def test_whatever_is_sent_the_answer_is_200_or_400(client, params):
    for url in (URL, JSON_URL):
        assert client.get(url, params).status_code in (200, 400)
    htmx = client.get(URL, {**params, "view": "compact"}, headers={"HX-Request": "true"})
    assert htmx.status_code == 200


@pytest.mark.django_db
def test_compact_partial_lists_errors(client):
    response = client.get(URL, {"view": "compact", "nodes": "0"}, headers={"HX-Request": "true"})
    assert response.status_code == 200
    assert "Nodes: Ensure this value is greater than or equal to 1." in _text(response)


def test_forms_share_neither_fields_nor_data_nor_errors():
    bad, good = CalculatorForm({"services": "-1"}), CalculatorForm({"services": "7"})
    assert not bad.is_valid() and good.is_valid()
    assert good.errors == {} and good.cleaned_data["services"] == 7
    assert bad.fields["services"] is not good.fields["services"]
    embed = CalculatorForm({}, auto_id="calc-x-%s")
    describedby = embed.fields["services"].widget.attrs["aria-describedby"]
    assert describedby == "calc-x-services-help calc-x-services-error"
    assert 'aria-describedby="id_services-help id_services-error"' in str(good["services"])


@pytest.mark.django_db
def test_labels_name_a_unit_only_when_the_label_does_not_already_say_it(client):
    page = client.get(reverse("calculator")).content.decode()
    labels = {
        m["for"]: re.sub(r"<[^>]+>", "", m["text"]).strip()
        for m in re.finditer(r'<label for="id_(?P<for>\w+)">(?P<text>.*?)</label>', page)
    }
    assert labels["services"] == "Services"  # not "Services (services)"
    assert labels["rps"] == "Mesh-wide requests/s"
    assert labels["app_cpu"] == "App CPU per pod (vCPU)"
    assert labels["replicas"] == "Replicas per service (pods)"


@pytest.mark.django_db
def test_scores_read_as_points_of_100_everywhere(client):
    # The cards once said "15%" while the summary and the rubric said "15 of 100".
    page = _text(client.get(reverse("calculator")))
    score = estimate(MeshInputs())["security_score"].value
    assert page.count(f"{score:g} of 100") >= 2  # the card and the rubric's caption
    assert f"{score:g}%" not in page


@pytest.mark.django_db
def test_the_phone_bar_repeats_the_headline_figures_of_this_input(client):
    # Swapped with the result block, so it always shows what the cards show.
    response = client.get(reverse("calculator"), {"services": "200"}, HTTP_HX_REQUEST="true")
    result = estimate(MeshInputs(services=200))
    bar = re.search(r'<a class="calc-peek"[^>]*>(.*?)</a>', _text(response), re.S)[1]
    for name in ("latency_p90_ms", "overhead_cpu_pct", "overhead_memory_pct"):
        assert f"+{format_value(result[name].value, result[name].unit)}" in bar, name


def test_the_side_by_side_table_gives_each_row_the_same_decimal_places(client):
    """0.6 ms beside 0.89 ms read as different precisions; the row shows 0.60 ms."""
    page = _text(client.get("/calculator/?services=40&replicas=3&rps=2000&mode=sidecar"))
    rows = re.findall(r'<tr><th scope="row">([^<]+)</th>((?:<td[^>]*>[^<]*</td>){3})</tr>', page)
    assert len(rows) >= 8
    aligned = 0
    for label, cells in rows:
        texts = re.findall(r"<td[^>]*>([^<]*)</td>", cells)
        numbers = [re.match(r"[\d,.]+", text).group(0) for text in texts]
        tails = {text[len(number) :] for text, number in zip(texts, numbers, strict=True)}
        small = all("," not in n and float(n) < 100 for n in numbers)
        places = {len(n.partition(".")[2]) for n in numbers}
        if len(tails) == 1 and small and max(places) <= 2:
            assert len(places) == 1, (label, texts)
            aligned += max(places) > 0
    assert aligned >= 3  # latency p90, p99, CPU at these inputs


def test_an_empty_or_unreadable_number_says_so_not_only_required(client):
    # Browsers send a number box holding "e" or "1-" as empty (learner review).
    page = html.unescape(client.get(URL, {"services": ""}).content.decode())
    assert "A number is required: this is empty, or what is typed is not a number." in page
    assert "This field is required." not in page


def test_with_no_traffic_the_other_mode_is_not_said_to_need_0_instead_of_0(client):
    page = _text(client.get(URL, {"rps": 0}))
    assert "instead of 0 vCPU" not in page
    assert "would also need 0 vCPU for the same traffic" in page
