"""The config lab: the page with and without JavaScript, the htmx partial, the JSON endpoint,
its limits, and opening a lesson's example in the lab."""

import re
from pathlib import Path

import pytest
from django.test import Client
from django.urls import reverse

from istio_checker.yamlsource import MAX_TEXT_BYTES
from lessons.models import ConfigExample, Course, Lesson

CORPUS = Path(__file__).parent / "istio_corpus"
SEED_DR = (CORPUS / "30-seed-destination-rule.yaml").read_text()
JASON = (CORPUS / "02-reviews-jason-v2.yaml").read_text()
LAB = "/lab/"
JSON_URL = "/lab/check.json"


def test_urls_are_named():
    assert reverse("lab") == LAB and reverse("lab-check-json") == JSON_URL


# --- the page ---------------------------------------------------------------------------------


def test_page_opens_with_a_checked_sample_and_a_trace(client):
    response = client.get(LAB)
    assert response.status_code == 200
    html = response.content.decode()
    assert 'name="config"' in html and "kind: VirtualService" in html
    assert 'name="csrfmiddlewaretoken"' in html
    assert ">Check</button>" in html
    assert 'hx-trigger="input changed delay:500ms' in html and 'hx-post="/lab/"' in html
    assert "No problems found." in html
    assert "Rule [0] (jason-sees-v2) matches" in html  # the sample request is traced
    assert "css/lab.css" in html and "js/lab.js" in html


def test_gutter_numbers_every_line_of_the_sample(client):
    html = client.get(LAB).content.decode()
    gutter = re.search(r'<ol id="lab-gutter"[^>]*>(.*?)</ol>', html, re.S).group(1)
    editor = re.search(r"<textarea[^>]*lab-textarea[^>]*>\n?(.*?)</textarea>", html, re.S)
    textarea = editor.group(1)
    assert gutter.count("<li") == textarea.count("\n") + 1


def test_without_javascript_check_posts_the_form_and_returns_the_full_page():
    browser = Client(enforce_csrf_checks=True)
    page = browser.get(LAB)
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.content.decode()).group(1)
    response = browser.post(LAB, {"csrfmiddlewaretoken": token, "config": SEED_DR, "host": ""})
    assert response.status_code == 200
    html = response.content.decode()
    assert html.startswith("<!doctype html>")
    assert "1 error, 1 warning, 0 notes." in html
    assert "`circuitBreaker` is not a field of TrafficPolicy." in html
    assert "outlierDetection" in html  # the hint
    assert 'class="mark mark-error" title="error: `circuitBreaker`' in html  # gutter marker
    assert "Enter a host" in html  # no host, so no trace
    assert "kind: DestinationRule" in html  # the learner's text comes back in the editor


def test_the_page_post_needs_a_csrf_token():
    browser = Client(enforce_csrf_checks=True)
    assert browser.post(LAB, {"config": SEED_DR}).status_code == 403


def test_htmx_gets_the_results_partial_and_the_gutter_out_of_band(client):
    response = client.post(LAB, {"config": SEED_DR, "host": "reviews"}, HTTP_HX_REQUEST="true")
    html = response.content.decode()
    assert response.status_code == 200
    assert "<html" not in html and "<textarea" not in html  # the editor itself is never swapped
    assert html.lstrip().startswith('<div id="lab-results"')
    assert '<ol id="lab-gutter" class="lab-gutter" aria-hidden="true" hx-swap-oob="true">' in html
    assert "circuitBreaker" in html
    # the live region keeps its place in the page and gets the new count out of band
    summary = re.search(
        r'<span hx-swap-oob="innerHTML:#lab-summary">(.*?)</span></span>', html, re.S
    )
    assert summary and "1 error, 1 warning, 0 notes." in summary.group(1)
    assert 'id="lab-summary"' not in html
    assert response["Vary"] and "HX-Request" in response["Vary"]


def test_trace_through_the_page_shows_conditions_and_404(client):
    no_default = (CORPUS / "31-seed-virtual-service.yaml").read_text()
    html = client.post(LAB, {"config": no_default, "host": "reviews", "path": "/"}).content.decode()
    assert "404 NR" in html
    assert "headers.end-user" in html and "absent" in html


def test_invalid_request_fields_are_shown_and_the_yaml_is_still_checked(client):
    response = client.post(LAB, {"config": SEED_DR, "host": "bad host!", "method": "GET"})
    html = response.content.decode()
    assert "A host is a name such as reviews" in html
    assert "circuitBreaker" in html


@pytest.mark.parametrize(
    "config",
    [
        "",
        "{{{{",
        "\t\t- : :",
        '!!python/object/apply:os.system ["true"]',
        (CORPUS / "59-alias-bomb.yaml").read_text(),
        "x" * (MAX_TEXT_BYTES + 10),
        "\x00\x01binary",
    ],
)
def test_garbage_in_the_page_gives_problems_not_errors(client, config):
    for extra in ({}, {"HTTP_HX_REQUEST": "true"}):
        response = client.post(LAB, {"config": config, "host": "reviews"}, **extra)
        assert response.status_code == 200


def test_oversize_body_is_refused_without_a_server_error(client):
    response = client.post(LAB, {"config": "a" * (700 * 1024)})
    assert response.status_code in (400, 413)


def test_odd_query_strings_do_not_break_the_page(client):
    assert client.get(LAB, {"host": "x" * 5000, "junk": "\x00"}).status_code == 200
    assert client.put(LAB).status_code == 405


# --- opening an example ------------------------------------------------------------------------


@pytest.fixture
def example(db, mini_course):
    return ConfigExample.objects.select_related("section__lesson").first()


def test_open_in_lab_loads_the_example_and_suggests_its_host(client, example):
    html = client.get(LAB, {"example": example.pk}).content.decode()
    assert f"Loaded “{example.title}”" in html
    first_line = example.yaml_text.splitlines()[0]
    assert first_line.replace('"', "&quot;") in html
    assert 'name="host" value="' in html


def test_lesson_page_links_to_the_lab_for_each_example(client, example):
    lesson = example.section.lesson
    html = client.get(lesson.get_absolute_url()).content.decode()
    assert f'href="/lab/?example={example.pk}"' in html
    assert client.get(f"/lab/?example={example.pk}").status_code == 200


def test_examples_of_unpublished_lessons_are_not_opened(client, example):
    Lesson.objects.filter(pk=example.section.lesson_id).update(published=False)
    assert client.get(LAB, {"example": example.pk}).status_code == 404


def test_examples_of_unpublished_courses_are_not_opened(client, example):
    Course.objects.update(published=False)
    assert client.get(LAB, {"example": example.pk}).status_code == 404


def test_staff_may_open_a_draft_example(client, example, django_user_model):
    Lesson.objects.filter(pk=example.section.lesson_id).update(published=False)
    staff = django_user_model.objects.create_user("editor", password="pw-123456789", is_staff=True)
    client.force_login(staff)
    assert client.get(LAB, {"example": example.pk}).status_code == 200


@pytest.mark.django_db
@pytest.mark.parametrize("value", ["abc", "-1", "99999", "1e3", "", "9" * 30, "9" * 5000, "١٢"])
def test_unknown_examples_are_404(client, value):
    assert client.get(LAB, {"example": value}).status_code == 404


# --- the JSON endpoint ---------------------------------------------------------------------------


def test_json_lists_problems_with_the_documented_keys(client):
    response = client.post(JSON_URL, {"config": SEED_DR})
    assert response.status_code == 200
    data = response.json()
    assert data["trace"] is None
    assert [p["code"] for p in data["problems"]] == ["ML0013", "IST0106"]
    for problem in data["problems"]:
        assert set(problem) == {"severity", "code", "path", "line", "column", "message", "hint"}
        assert problem["severity"] in {"error", "warning", "info"}
    breaker = data["problems"][1]
    assert (breaker["path"], breaker["line"], breaker["column"]) == (
        "spec.trafficPolicy.circuitBreaker",
        13,
        5,
    )


def test_json_traces_when_a_host_is_given(client):
    data = client.post(
        JSON_URL,
        {
            "config": JASON,
            "host": "reviews",
            "path": "/reviews/1",
            "method": "get",
            "headers": "End-User: jason\nx-other: 1",
        },
    ).json()
    trace = data["trace"]
    assert trace["outcome"] == "route" and trace["matched_rule"] == 0
    assert trace["shares"][0]["subset"] == "v2" and trace["shares"][0]["percent"] == 100.0
    other = client.post(JSON_URL, {"config": JASON, "host": "reviews"}).json()["trace"]
    assert other["matched_rule"] == 1


def test_json_evaluates_a_pathological_regex_against_a_long_path(client):
    # Python's backtracking re needed minutes for this (188 s at 90 characters): one anonymous
    # request could pin a worker. RE2, the engine Envoy uses, answers at once.
    config = (
        "apiVersion: networking.istio.io/v1\nkind: VirtualService\nmetadata: {name: r}\n"
        "spec:\n  hosts: [reviews]\n  http:\n"
        "  - match: [{uri: {regex: '.*.*.*.*.*.*.*.*x'}}]\n"
        "    route: [{destination: {host: reviews}}]\n"
    )
    response = client.post(JSON_URL, {"config": config, "host": "reviews", "path": "/" + "a" * 90})
    assert response.status_code == 200
    trace = response.json()["trace"]
    assert trace["matched_rule"] is None and trace["outcome"] == "no_route"


def test_json_needs_no_csrf_token():
    strict = Client(enforce_csrf_checks=True)
    assert strict.post(JSON_URL, {"config": JASON}).status_code == 200


def test_json_missing_config_is_400(client):
    response = client.post(JSON_URL, {"host": "reviews"})
    assert response.status_code == 400 and "config" in response.json()["error"]
    not_a_form = client.post(JSON_URL, data='{"config": "a"}', content_type="application/json")
    assert not_a_form.status_code == 400 and "error" in not_a_form.json()


def test_json_invalid_request_field_is_400(client):
    response = client.post(JSON_URL, {"config": JASON, "host": "reviews", "method": "G E T"})
    assert response.status_code == 400
    assert "method" in response.json()["fields"]


def test_json_oversize_config_is_413(client):
    response = client.post(JSON_URL, {"config": "a" * (MAX_TEXT_BYTES + 1)})
    assert response.status_code == 413 and "256 KB" in response.json()["error"]


def test_json_oversize_body_is_413_before_it_is_read(client):
    response = client.post(JSON_URL, {"config": "a" * (2 * 1024 * 1024)})
    assert response.status_code == 413 and response["Content-Type"] == "application/json"


def test_json_refuses_get(client):
    assert client.get(JSON_URL).status_code == 405


@pytest.mark.parametrize(
    "config",
    ["", "::", "- a\n- b", "&a [*a]", "kind: VirtualService", "!!python/name:os.system", "\ufeff"],
)
def test_json_garbage_gives_200_with_problems(client, config):
    response = client.post(JSON_URL, {"config": config, "host": "reviews"})
    assert response.status_code == 200
    data = response.json()
    assert isinstance(data["problems"], list) and "trace" in data


BAD_TIMEOUT = """\
apiVersion: networking.istio.io/v1
kind: VirtualService
metadata:
  name: reviews
spec:
  hosts:
  - reviews
  http:
  - route:
    - destination:
        host: reviews
    timeout: 5
"""


def test_a_trace_of_a_config_with_errors_says_so_before_its_outcome(client):
    html = client.post(
        LAB, {"config": BAD_TIMEOUT, "host": "reviews", "path": "/"}
    ).content.decode()
    trace = html[html.index('id="lab-trace-title"') :]
    caveat = trace.index("lab-trace-caveat")
    assert "Fix the 1 error above first." in trace
    assert caveat < trace.index("lab-outcome")
    # The unreadable timeout is not described as "no timeout set".
    assert "No timeout is set" not in trace
    assert "The timeout &#x27;5&#x27; is not a duration Istio reads" in trace


def test_a_trace_of_a_valid_config_has_no_caveat(client):
    html = client.post(LAB, {"config": JASON, "host": "reviews", "path": "/"}).content.decode()
    assert "lab-trace-caveat" not in html and "lab-outcome" in html


def trace_section(html: str) -> str:
    return html[html.index('id="lab-trace-title"') :]


def test_yaml_that_cannot_be_read_is_not_traced_and_the_page_says_why(client):
    from lab.forms import SAMPLE_CONFIG

    typo = SAMPLE_CONFIG.replace("        subset: v1", "       subset: v1")
    assert typo != SAMPLE_CONFIG
    html = client.post(LAB, {"config": typo, "host": "reviews"}).content.decode()
    assert "YAML syntax error" in html
    trace = trace_section(html)
    assert "No VirtualService here routes" not in trace  # the opposite of the paste
    assert "lab-outcome" not in trace and "Fix the 1 error above first." not in trace
    assert "The trace waits until the YAML can be read" in trace
    assert "line 24" in trace
    assert "Enter a host" not in trace


def test_htmx_redraws_the_request_fields_errors_out_of_band(client):
    typed = {"config": JASON, "host": "reviews svc"}
    html = client.post(LAB, typed, HTTP_HX_REQUEST="true").content.decode()
    marked = re.search(
        r'<div class="field-errors" id="id_host-error" hx-swap-oob="true">(.*?)</div>', html, re.S
    )
    assert marked and "A host is a name such as reviews" in marked.group(1)
    assert "see the fields marked under the editor" in html
    fixed = {"config": JASON, "host": "reviews"}
    html = client.post(LAB, fixed, HTTP_HX_REQUEST="true").content.decode()
    # the mark goes again once the host is right
    assert '<div class="field-errors" id="id_host-error" hx-swap-oob="true"></div>' in html


def test_the_full_page_marks_the_wrong_field_in_the_same_place(client):
    html = client.post(LAB, {"config": JASON, "host": "reviews svc"}).content.decode()
    marked = re.search(r'<div class="field-errors" id="id_host-error">(.*?)</div>', html, re.S)
    assert marked and "A host is a name such as reviews" in marked.group(1)


def test_a_wrong_host_is_not_called_missing(client):
    html = client.post(LAB, {"config": JASON, "host": "reviews svc"}).content.decode()
    assert "The sample request has a mistake" in html
    assert "Enter a host" not in html
    html = client.post(LAB, {"config": JASON, "host": "  "}).content.decode()
    assert "Enter a host" in html and "The sample request has a mistake" not in html


def test_trace_texts_show_names_as_code(client):
    no_default = (CORPUS / "31-seed-virtual-service.yaml").read_text()
    html = client.post(LAB, {"config": no_default, "host": "reviews"}).content.decode()
    trace = trace_section(html)
    assert "Add a last rule without <code>match</code> as the default." in trace
    html = client.post(LAB, {"config": JASON, "host": "ratings"}).content.decode()
    trace = trace_section(html)
    assert "No VirtualService here routes <code>ratings</code>" in trace
    assert "`" not in trace


def test_trace_texts_keep_what_a_learner_typed_escaped(client):
    config = (
        "apiVersion: networking.istio.io/v1\nkind: VirtualService\nmetadata: {name: r}\n"
        "spec:\n  hosts: [reviews]\n  gateways: ['<b>gw</b>']\n"
        "  http:\n  - route: [{destination: {host: reviews}}]\n"
    )
    html = client.post(LAB, {"config": config, "host": "reviews"}).content.decode()
    note = re.search(r'<p class="lab-note">(.*?)</p>', html, re.S).group(1)
    assert "at gateway <code>&lt;b&gt;gw&lt;/b&gt;</code>" in note
    sent = {"config": config, "host": "reviews", "gateway": "<i>x</i>"}
    trace = trace_section(client.post(LAB, sent).content.decode())
    assert "gateway <code>&lt;i&gt;x&lt;/i&gt;</code>, so none of their rules apply" in trace
    assert "<i>" not in trace and "<b>" not in trace


def test_a_broken_example_does_not_ask_for_the_impossible(client, example):
    ConfigExample.objects.filter(pk=example.pk).update(broken=True, yaml_text=SEED_DR)
    html = client.get(LAB, {"example": example.pk}).content.decode()
    loaded = re.search(r'<p class="lab-loaded">(.*?)</p>', html, re.S).group(1)
    assert "Deliberately broken" in loaded
    # the checker's answer is already on the page, so do not tell the learner not to read it
    assert "before you read the checker" not in loaded
    assert "broken on purpose" in loaded
    assert 'class="lab-problems"' in html  # and it is indeed shown


REQUEST_FIELDS = ("host", "path", "method", "headers", "gateway")


def error_slot(html: str, field: str) -> tuple[str, str]:
    """The attributes and the contents of field `field`'s error slot."""
    slot = re.search(
        rf'<div class="field-errors" id="id_{field}-error"([^>]*)>(.*?)</div>', html, re.S
    )
    assert slot, f"no error slot for {field}"
    return slot.groups()


def input_tag(html: str, field: str) -> str:
    return re.search(rf'<(?:input|select|textarea)[^>]* id="id_{field}"[^>]*>', html).group(0)


@pytest.mark.parametrize(("host", "invalid"), [("reviews svc", True), ("reviews", False)])
def test_a_live_check_redraws_every_request_fields_slot_as_it_is_now(client, host, invalid):
    """htmx never swaps the inputs (the learner may be typing in one). site.js sets each input's
    aria-invalid from the slot it names, so every slot comes back, filled or emptied."""
    html = client.post(
        LAB, {"config": JASON, "host": host}, HTTP_HX_REQUEST="true"
    ).content.decode()
    assert not re.search(r"<(input|select)\b", html) and "<textarea" not in html
    for field in REQUEST_FIELDS:
        attributes, errors = error_slot(html, field)
        assert ' hx-swap-oob="true"' in attributes
        assert bool(errors.strip()) is (invalid and field == "host"), field


@pytest.mark.parametrize(("host", "invalid"), [("reviews svc", True), ("reviews", False)])
def test_each_request_input_names_its_slot_and_is_marked_as_drawn(client, host, invalid):
    html = client.post(LAB, {"config": JASON, "host": host}).content.decode()
    for field in REQUEST_FIELDS:
        tag = input_tag(html, field)
        assert f"id_{field}-error" in re.search(r'aria-describedby="([^"]*)"', tag).group(1)
        wrong = invalid and field == "host"
        assert ('aria-invalid="true"' in tag) is wrong, field
        assert bool(error_slot(html, field)[1].strip()) is wrong
    assert ("field field-host field-invalid" in html) is invalid


# --- why there is no trace (check.json's trace_skipped) ----------------------------------------


def typo_sample() -> str:
    """The lab's sample with one line indented a space short: YAML that cannot all be read."""
    from lab.forms import SAMPLE_CONFIG

    return SAMPLE_CONFIG.replace("        subset: v1", "       subset: v1")


def test_json_says_a_traced_request_was_not_skipped(client):
    data = client.post(JSON_URL, {"config": JASON, "host": "reviews"}).json()
    assert data["trace"]["outcome"] == "route"
    assert data["trace_skipped"] is None and data["trace_skipped_message"] is None


def test_json_without_a_host_says_no_host(client):
    data = client.post(JSON_URL, {"config": JASON, "path": "/reviews"}).json()
    assert data["trace"] is None
    assert data["trace_skipped"] == "no-host"
    assert "Send a `host`" in data["trace_skipped_message"]
    blank = client.post(JSON_URL, {"config": JASON, "host": "   "}).json()
    assert (blank["trace"], blank["trace_skipped"]) == (None, "no-host")


def test_json_with_yaml_that_cannot_be_read_says_unreadable_yaml(client):
    data = client.post(JSON_URL, {"config": typo_sample(), "host": "reviews"}).json()
    assert data["trace"] is None
    assert data["trace_skipped"] == "unreadable-yaml"
    message = data["trace_skipped_message"]
    assert message.startswith("The trace waits until the YAML can be read.")
    assert "The error at line 24 kept part of this text from being read" in message
    # the problem that stopped it is in the list, with the code the README names
    assert [p["line"] for p in data["problems"] if p["code"] == "ML0002"] == [24]


@pytest.mark.parametrize(
    ("config", "first_line"),
    [
        ("kind: VirtualService", 1),  # no apiVersion: not a resource
        ("- a\n- b", 1),  # a list, not a resource
        ("!!python/name:os.system", 1),  # a refused tag
        ("a: [1\nb: 2", 2),  # a syntax error
    ],
)
def test_json_names_unreadable_yaml_whatever_kept_it_from_being_read(client, config, first_line):
    data = client.post(JSON_URL, {"config": config, "host": "reviews"}).json()
    assert (data["trace"], data["trace_skipped"]) == (None, "unreadable-yaml")
    assert f"line {first_line}" in data["trace_skipped_message"]


def test_json_with_several_unreadable_documents_counts_them(client):
    config = "kind: VirtualService\n---\n- a\n"
    data = client.post(JSON_URL, {"config": config, "host": "reviews"}).json()
    assert data["trace_skipped"] == "unreadable-yaml"
    assert "2 errors (the first at line 1)" in data["trace_skipped_message"]


def test_json_gives_unreadable_yaml_before_no_host(client):
    """Both keep a trace away; the YAML is what to mend first (as on the page)."""
    data = client.post(JSON_URL, {"config": typo_sample()}).json()
    assert (data["trace"], data["trace_skipped"]) == (None, "unreadable-yaml")


def test_json_says_when_the_checker_itself_failed(client, monkeypatch):
    from istio_checker import lab

    def explode(_text):
        raise RuntimeError("boom")

    monkeypatch.setattr(lab, "load_resources", explode)
    response = client.post(JSON_URL, {"config": JASON, "host": "reviews"})
    assert response.status_code == 200
    data = response.json()
    assert (data["trace"], data["trace_skipped"]) == (None, "checker-failed")
    assert "failure has been logged" in data["trace_skipped_message"]
    assert "boom" not in response.content.decode()


@pytest.mark.parametrize("config", ["", "# only a comment", "apiVersion: v1\nkind: Service\n"])
def test_json_traces_a_text_without_routing_documents(client, config):
    """Nothing there routes the host, which is an answer: the request goes to the service as it
    is. The trace says so (outcome no_virtual_service) rather than being skipped."""
    data = client.post(JSON_URL, {"config": config, "host": "reviews"}).json()
    assert data["trace_skipped"] is None and data["trace_skipped_message"] is None
    assert data["trace"]["outcome"] == "no_virtual_service"


def test_the_page_says_why_the_checker_failed_trace_is_missing(client, monkeypatch):
    from istio_checker import lab

    monkeypatch.setattr(lab, "load_resources", lambda _text: 1 / 0)
    trace = trace_section(client.post(LAB, {"config": JASON, "host": "reviews"}).content.decode())
    assert "The trace waits until the checker can read this text." in trace
    assert "lab-outcome" not in trace and "Enter a host" not in trace


# --- documents the trace cannot read -----------------------------------------------------------

MISSPELLED = JASON.replace("kind: VirtualService", "kind: VirtualServce")


def test_the_trace_names_a_document_whose_kind_is_misspelled(client):
    assert MISSPELLED != JASON
    html = client.post(LAB, {"config": MISSPELLED, "host": "reviews"}).content.decode()
    trace = trace_section(html)
    left_out = re.search(r'<ul class="lab-left-out"[^>]*>(.*?)</ul>', trace, re.S)
    assert left_out, "the trace does not name the document it left out"
    assert (
        "Document 1 (<code>reviews</code>, line 2) is left out of this trace: its kind "
        "<code>VirtualServce</code> is not one the trace knows (did you mean "
        "<code>VirtualService</code>?)."
    ) in left_out.group(1)
    # before the outcome, and the caveat no longer promises what the config does "once fixed"
    assert trace.index("lab-left-out") < trace.index("lab-outcome")
    assert "without the document below, so fixing it can change the route" in trace
    assert "to show what it would do once fixed" not in trace
    assert "No VirtualService here routes <code>reviews</code>" in trace


def test_json_names_the_documents_left_out_of_the_trace(client):
    config = MISSPELLED.replace(
        "apiVersion: networking.istio.io/v1\nkind: DestinationRule",
        "apiVersion: networking.istio.io/v9\nkind: DestinationRule",
    )
    data = client.post(JSON_URL, {"config": config, "host": "reviews"}).json()
    assert data["trace_skipped"] is None
    trace = data["trace"]
    assert trace["outcome"] == "no_virtual_service"
    assert [
        (d["document"], d["item"], d["line"], d["kind"], d["name"], d["reason"])
        for d in trace["left_out"]
    ] == [
        (1, None, 2, "VirtualServce", "reviews", "unknown-kind"),
        (2, None, 25, "DestinationRule", "reviews", "unserved-api-version"),
    ]
    assert "not one the trace knows" in trace["left_out"][0]["message"]
    assert (
        "Istio does not serve DestinationRule as `networking.istio.io/v9`"
        in (trace["left_out"][1]["message"])
    )


def test_a_trace_with_nothing_left_out_lists_nothing(client):
    html = client.post(LAB, {"config": JASON, "host": "reviews"}).content.decode()
    assert "lab-left-out" not in html
    data = client.post(JSON_URL, {"config": JASON, "host": "reviews"}).json()
    assert data["trace"]["left_out"] == []


# --- the limit per client: the page's checks and check.json's, one count ----------------------

A_MINUTE_STARTS = 1_800_000_000.0  # a whole minute: 1_800_000_000 % 60 == 0
JASON_FORM = {"config": JASON, "host": "reviews"}


@pytest.fixture
def three_a_minute(settings, monkeypatch, db):
    from shared import rate_limit

    settings.MESHLEARN_LAB_CHECK_PER_MINUTE = 3
    clock = {"now": A_MINUTE_STARTS + 20}
    monkeypatch.setattr(rate_limit, "_now", lambda: clock["now"])
    return clock


def test_json_answers_429_beyond_the_limit_a_minute(client, three_a_minute):
    for _ in range(3):
        assert client.post(JSON_URL, JASON_FORM).status_code == 200
    refused = client.post(JSON_URL, JASON_FORM)
    assert refused.status_code == 429
    assert refused["Content-Type"] == "application/json"
    assert refused["Retry-After"] == "40"  # the minute's 40 s left
    assert refused.json() == {
        "error": "More than 3 checks a minute from your address; try again in 40 s.",
        "retry_after": 40,
    }
    three_a_minute["now"] += 39
    assert client.post(JSON_URL, JASON_FORM).status_code == 429
    three_a_minute["now"] += 1  # the next minute
    assert client.post(JSON_URL, JASON_FORM).status_code == 200


def test_the_limit_counts_each_address_apart(client, three_a_minute):
    for _ in range(3):
        client.post(JSON_URL, JASON_FORM, REMOTE_ADDR="203.0.113.7")
    assert client.post(JSON_URL, JASON_FORM, REMOTE_ADDR="203.0.113.7").status_code == 429
    assert client.post(JSON_URL, JASON_FORM, REMOTE_ADDR="203.0.113.8").status_code == 200


def test_the_limit_counts_the_client_behind_the_trusted_proxies(client, three_a_minute, settings):
    settings.AXES_IPWARE_META_PRECEDENCE_ORDER = ["HTTP_X_FORWARDED_FOR", "REMOTE_ADDR"]
    settings.AXES_IPWARE_PROXY_COUNT = 0  # one trusted proxy (see settings.py)
    proxy = {"REMOTE_ADDR": "10.0.0.2"}
    for _ in range(3):
        client.post(JSON_URL, JASON_FORM, HTTP_X_FORWARDED_FOR="203.0.113.7", **proxy)
    ada = client.post(JSON_URL, JASON_FORM, HTTP_X_FORWARDED_FOR="203.0.113.7", **proxy)
    assert ada.status_code == 429
    # what the client wrote further left is not trusted: it cannot pass for another learner
    forged = client.post(
        JSON_URL, JASON_FORM, HTTP_X_FORWARDED_FOR="198.51.100.1, 203.0.113.7", **proxy
    )
    assert forged.status_code == 429
    other = client.post(JSON_URL, JASON_FORM, HTTP_X_FORWARDED_FOR="203.0.113.8", **proxy)
    assert other.status_code == 200


def test_refused_requests_are_not_read(client, three_a_minute):
    for _ in range(3):
        client.post(JSON_URL, JASON_FORM)
    assert client.post(JSON_URL, {"config": "a" * (MAX_TEXT_BYTES + 1)}).status_code == 429
    assert client.post(JSON_URL, {"host": "no config"}).status_code == 429


def test_the_page_and_the_json_endpoint_share_one_count(client, three_a_minute):
    assert client.post(LAB, JASON_FORM, HTTP_HX_REQUEST="true").status_code == 200
    assert client.post(JSON_URL, JASON_FORM).status_code == 200
    assert client.post(LAB, JASON_FORM).status_code == 200
    assert client.post(JSON_URL, JASON_FORM).status_code == 429
    assert client.post(LAB, JASON_FORM, HTTP_HX_REQUEST="true").status_code == 429
    assert client.post(LAB, JASON_FORM).status_code == 429


def test_opening_the_page_is_not_counted(client, three_a_minute):
    for _ in range(5):
        assert client.get(LAB).status_code == 200
    for _ in range(3):
        assert client.post(LAB, JASON_FORM).status_code == 200


def test_a_page_over_the_limit_says_so_and_keeps_the_text_in_the_editor(client, three_a_minute):
    edited = JASON.replace("exact: jason", "exact: ada")
    for _ in range(3):
        client.post(LAB, JASON_FORM)
    refused = client.post(LAB, {"config": edited, "host": "reviews", "headers": "end-user: ada"})
    assert refused.status_code == 429 and refused["Retry-After"] == "40"
    html = refused.content.decode()
    assert html.startswith("<!doctype html>")
    assert (
        "More than 3 checks a minute came from your address, so this one was not run. Your "
        "text is kept in the editor: check it again in 40 s." in html
    )
    assert "Not checked: too many checks this minute." in html
    editor = re.search(r"<textarea[^>]*lab-textarea[^>]*>\n?(.*?)</textarea>", html, re.S)
    assert "exact: ada" in editor.group(1) and "exact: jason" not in editor.group(1)
    assert "end-user: ada" in html  # the request fields are kept too
    assert "Rule [0]" not in html and "lab-problem" not in html  # nothing was checked
    gutter = re.search(r'<ol id="lab-gutter"[^>]*>(.*?)</ol>', html, re.S).group(1)
    assert gutter.count("<li") == edited.count("\n") + 1 and "mark-" not in gutter


def test_a_live_check_over_the_limit_swaps_in_the_message(client, three_a_minute):
    for _ in range(3):
        client.post(LAB, JASON_FORM, HTTP_HX_REQUEST="true")
    refused = client.post(LAB, JASON_FORM, HTTP_HX_REQUEST="true")
    assert refused.status_code == 429 and refused["Retry-After"] == "40"
    html = refused.content.decode()
    assert html.lstrip().startswith('<div id="lab-results"') and "<textarea" not in html
    assert "Too many checks." in html and "check it again in 40 s" in html
    assert 'hx-swap-oob="innerHTML:#lab-summary">' in html
    assert "Not checked: too many checks this minute." in html


def test_the_lab_script_swaps_a_429_into_the_results():
    script = (Path(__file__).parent.parent / "static" / "js" / "lab.js").read_text()
    assert 'event.detail.xhr.status === 429 && event.detail.target.id === "lab-results"' in script
    assert "event.detail.shouldSwap = true;" in script and "event.detail.isError = false;" in script


def test_the_counts_live_in_the_database_without_redis(client, three_a_minute, settings):
    from shared.models import RequestCount

    assert settings.MESHLEARN_RATE_COUNTS == "database"
    client.post(LAB, JASON_FORM, REMOTE_ADDR="203.0.113.7")
    client.post(JSON_URL, JASON_FORM, REMOTE_ADDR="203.0.113.7")
    row = RequestCount.objects.get()
    assert (row.scope, row.client, row.window, row.count) == (
        "lab-check",
        "203.0.113.7",
        int(A_MINUTE_STARTS) // 60,
        2,
    )


def test_minutes_that_are_over_are_cleared_away(client, three_a_minute):
    from shared.models import RequestCount

    client.post(JSON_URL, JASON_FORM, REMOTE_ADDR="203.0.113.7")
    three_a_minute["now"] += 60
    client.post(JSON_URL, JASON_FORM, REMOTE_ADDR="203.0.113.8")
    assert RequestCount.objects.count() == 2  # the minute just over may still be counting
    three_a_minute["now"] += 60
    client.post(JSON_URL, JASON_FORM, REMOTE_ADDR="203.0.113.9")
    assert set(RequestCount.objects.values_list("client", flat=True)) == {
        "203.0.113.8",
        "203.0.113.9",
    }


def redis_available() -> bool:
    import socket

    try:
        with socket.create_connection(("127.0.0.1", 6379), timeout=1):
            return True
    except OSError:
        return False


@pytest.mark.skipif(not redis_available(), reason="needs Redis on 127.0.0.1:6379")
def test_with_redis_the_counts_live_in_redis(client, three_a_minute, settings):
    from shared.models import RequestCount

    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": "redis://127.0.0.1:6379/14",
            "KEY_PREFIX": f"labguard-{id(client)}",
        }
    }
    settings.MESHLEARN_RATE_COUNTS = "cache"
    from django.core.cache import cache

    cache.clear()
    for _ in range(3):
        assert client.post(JSON_URL, JASON_FORM).status_code == 200
    assert client.post(LAB, JASON_FORM).status_code == 429
    assert not RequestCount.objects.exists()
    assert cache.get(f"rate:lab-check:127.0.0.1:{int(A_MINUTE_STARTS) // 60}") == 4
    cache.clear()


def test_a_limit_of_zero_is_no_limit(client, three_a_minute, settings):
    settings.MESHLEARN_LAB_CHECK_PER_MINUTE = 0
    for _ in range(10):
        assert client.post(JSON_URL, JASON_FORM).status_code == 200


def test_the_limit_is_60_a_minute_unless_configured():
    from .conftest import run_python

    show = "import meshlearn.settings as s; print(s.MESHLEARN_LAB_CHECK_PER_MINUTE)"
    env = {"DJANGO_DEBUG": "1"}
    assert run_python(["-c", show], env).stdout.strip() == "60"
    configured = {**env, "MESHLEARN_LAB_CHECK_PER_MINUTE": "0"}
    assert run_python(["-c", show], configured).stdout.strip() == "0"


# --- a check stopped by its work budget -----------------------------------------------------


def unicode_regexes() -> str:
    """A small paste whose regexes compile to far more work than its size (istio_worst_shapes)."""
    from .istio_worst_shapes import expensive_regexes

    return expensive_regexes(40 * 1024).text


def test_a_partial_check_is_marked_on_the_page(client):
    html = client.post(LAB, {"config": unicode_regexes(), "host": "reviews"}).content.decode()
    assert "<strong>Partial check.</strong> This text needs more work than one check may do" in html
    assert "ML0007" in html and "The check stopped early" in html
    assert "The trace did not run: the check stopped early." in html
    assert "in the part checked." in html  # the summary's counts cover only that part
    live = client.post(
        LAB, {"config": unicode_regexes(), "host": "reviews"}, HTTP_HX_REQUEST="true"
    )
    assert "Partial check." in live.content.decode()


def test_a_partial_check_is_marked_in_json(client):
    data = client.post(JSON_URL, {"config": unicode_regexes(), "host": "reviews"}).json()
    assert data["partial"] is True
    assert data["partial_message"].startswith("The check stopped early")
    assert data["problems"][0]["code"] == "ML0007"
    assert data["problems"][0]["message"] == data["partial_message"]
    assert data["trace"] is None and data["trace_skipped"] == "check-stopped"
    complete = client.post(JSON_URL, JASON_FORM).json()
    assert complete["partial"] is False and complete["partial_message"] is None


def test_make_serve_gives_gunicorn_a_timeout_well_above_the_checkers_deadline():
    import subprocess

    from istio_checker.budget import MAX_SECONDS

    from .conftest import ROOT

    commands = subprocess.run(
        ["make", "-n", "serve"], cwd=ROOT, capture_output=True, text=True, check=True
    ).stdout
    gunicorn = [line for line in commands.splitlines() if "exec .venv/bin/gunicorn" in line]
    assert len(gunicorn) == 2  # behind a TLS proxy, and the plain-HTTP trial
    timeouts = {int(re.search(r"--timeout (\d+)", line).group(1)) for line in gunicorn}
    assert timeouts == {30} and 5 * MAX_SECONDS <= 30


def test_a_trace_through_many_rules_draws_the_first_fifty_and_the_match(client):
    rules = "".join(
        f"  - match: [{{uri: {{prefix: /r{i}}}}}]\n    route: [{{destination: {{host: r}}}}]\n"
        for i in range(60)
    )
    entries = "".join(f"    - destination: {{host: b{k}}}\n      weight: 1\n" for k in range(55))
    text = (
        "apiVersion: networking.istio.io/v1\nkind: VirtualService\nmetadata: {name: r}\n"
        f"spec:\n  hosts: [r]\n  http:\n{rules}  - route:\n{entries}"
    )
    form = {"config": text, "host": "r", "path": "/elsewhere"}
    html = client.post(LAB, form).content.decode()
    assert "Rule [49]" in html and "Rule [50]" not in html and "Rule [59]" not in html
    assert "10 more rules did not match either (not drawn here;" in html
    assert '<ol class="lab-rules" start="60">' in html and "Rule [60]</strong>" in html
    assert html.count('class="progress"') == 50
    assert "5 more destinations (not drawn here;" in html
    every = client.post(JSON_URL, form).json()["trace"]
    assert len(every["rules"]) == 61 and len(every["shares"]) == 55  # the JSON keeps them all


def test_a_rule_of_many_alternatives_draws_the_first_twenty_and_the_one_that_matched(client):
    blocks = "".join(f"    - uri: {{exact: /a{i}}}\n" for i in range(30))
    text = (
        "apiVersion: networking.istio.io/v1\nkind: VirtualService\nmetadata: {name: r}\n"
        f"spec:\n  hosts: [r]\n  http:\n  - match:\n{blocks}"
        "    route: [{destination: {host: r}}]\n"
    )
    html = client.post(LAB, {"config": text, "host": "r", "path": "/a25"}).content.decode()
    assert "Alternative 20 of 30: not all conditions hold" in html
    assert "Alternative 21 of 30" not in html
    assert "Alternative 26 of 30: all conditions hold" in html
    assert "9 more alternatives did not match (not drawn here)." in html
