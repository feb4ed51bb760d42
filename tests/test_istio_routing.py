"""The routing trace (`istio_checker.trace`): which rule a sample request matches, and why."""

from pathlib import Path

import pytest

from istio_checker import Request, parse_headers, trace
from istio_checker.matchers import check_regex

CORPUS = Path(__file__).parent / "istio_corpus"


def corpus(name: str) -> str:
    return (CORPUS / f"{name}.yaml").read_text()


def vs(rules: str, extra: str = "") -> str:
    return (
        "apiVersion: networking.istio.io/v1\nkind: VirtualService\nmetadata: {name: api}\n"
        f"spec:\n  hosts: [api]\n  http:\n{rules}{extra}"
    )


# --- the Bookinfo classics ------------------------------------------------------------------


def test_jason_goes_to_v2_and_the_condition_says_why():
    decision = trace(
        corpus("02-reviews-jason-v2"), Request(host="reviews", headers={"end-user": "jason"})
    )
    assert decision.outcome == "route" and decision.matched_rule == 0
    (share,) = decision.shares
    assert (share.host, share.subset, share.percent, share.labels) == (
        "reviews",
        "v2",
        100.0,
        {"version": "v2"},
    )
    (condition,) = decision.rules[0].blocks[0].conditions
    assert (condition.field, condition.expected, condition.actual, condition.matched) == (
        "headers.end-user",
        'exact "jason"',
        '"jason"',
        True,
    )


def test_everyone_else_falls_through_to_the_default_rule():
    decision = trace(
        corpus("02-reviews-jason-v2"), Request(host="reviews", headers={"end-user": "maria"})
    )
    assert decision.matched_rule == 1
    assert [rule.matched for rule in decision.rules] == [False, True]
    assert decision.rules[1].catch_all
    assert decision.shares[0].subset == "v1"


def test_seed_virtual_service_answers_404_nr_for_everyone_but_jason():
    decision = trace(corpus("31-seed-virtual-service"), Request(host="reviews"))
    assert (decision.outcome, decision.status, decision.response_flag) == ("no_route", 404, "NR")
    assert decision.rules[0].blocks[0].conditions[0].actual == "absent"


def test_weights_become_percentages():
    decision = trace(corpus("03-reviews-weights-80-20"), Request(host="reviews"))
    assert [(s.subset, s.percent) for s in decision.shares] == [("v1", 80.0), ("v3", 20.0)]
    uneven = trace(corpus("35-weights-not-100"), Request(host="reviews"))
    assert [s.percent for s in uneven.shares] == [77.8, 22.2]


def test_fault_injection_is_reported_for_jason_only():
    text = corpus("04-ratings-delay-for-jason")
    jason = trace(text, Request(host="ratings", headers={"end-user": "jason"}))
    (fault,) = [e for e in jason.effects if e.kind == "fault"]
    assert "7s" in fault.text and "100%" in fault.text
    other = trace(text, Request(host="ratings"))
    assert not [e for e in other.effects if e.kind == "fault"]


def test_abort_says_the_request_never_arrives():
    decision = trace(
        corpus("05-ratings-abort-for-jason"), Request(host="ratings", headers={"end-user": "jason"})
    )
    (fault,) = [e for e in decision.effects if e.kind == "fault"]
    assert "500" in fault.text and "never reach" in fault.text


def test_retries_and_timeout_are_listed_and_defaults_explained():
    decision = trace(corpus("14-retries-and-timeout"), Request(host="details"))
    texts = {e.kind: e.text for e in decision.effects}
    assert "10s" in texts["timeout"]
    assert "up to 3 retries" in texts["retries"] and "2s" in texts["retries"]
    default = trace(corpus("01-reviews-all-v1"), Request(host="reviews"))
    sources = {e.kind: e.source for e in default.effects}
    assert sources["retries"].endswith("#retries") and sources["timeout"].endswith("#timeouts")


def test_redirect_rewrite_and_direct_response():
    text = corpus("15-redirect-rewrite-direct")
    redirect = trace(text, Request(host="productpage", path="/old-products"))
    assert (redirect.outcome, redirect.status) == ("redirect", 301)
    assert "http://productpage/api/v1/products" in redirect.summary
    rewrite = trace(text, Request(host="productpage", path="/v2/items/1"))
    assert any("/items/1" in e.text for e in rewrite.effects if e.kind == "rewrite")
    direct = trace(text, Request(host="productpage", path="/healthz"))
    assert (direct.outcome, direct.status) == ("direct_response", 200)
    assert '"ok"' in direct.summary


def test_gateway_bound_virtual_service_is_traced_at_its_gateway():
    text = corpus("06-bookinfo-gateway-no-default")
    decision = trace(text, Request(host="bookinfo.example.com", path="/static/logo.png"))
    assert decision.gateway == "bookinfo-gateway" and decision.outcome == "route"
    assert decision.rules[0].blocks[1].matched  # the /static prefix, the second alternative
    assert decision.shares[0].port == 9080
    assert trace(text, Request(host="bookinfo.example.com", path="/admin")).status == 404
    elsewhere = trace(text, Request(host="bookinfo.example.com", gateway="mesh"))
    assert elsewhere.outcome == "not_applicable"


def test_unknown_host_is_passed_through():
    decision = trace(corpus("02-reviews-jason-v2"), Request(host="ratings"))
    assert decision.outcome == "no_virtual_service" and decision.status is None


def test_short_name_fqdn_and_port_in_the_host():
    text = corpus("03-reviews-weights-80-20")  # written with the FQDN
    assert trace(text, Request(host="reviews:9080")).outcome == "route"
    assert trace(text, Request(host="reviews.bookinfo.svc.cluster.local")).outcome == "route"


def test_missing_subset_is_explained_with_503_nc():
    decision = trace(
        corpus("32-seed-pair-missing-subset"),
        Request(host="reviews", headers={"end-user": "jason"}),
    )
    assert any("503" in note and "NC" in note for note in decision.shares[0].notes)


def test_destination_rule_policy_shows_on_the_share():
    text = corpus("02-reviews-jason-v2").replace(
        "  host: reviews\n  subsets:",
        "  host: reviews\n  trafficPolicy:\n    connectionPool: {tcp: {maxConnections: 1}}\n"
        "    outlierDetection: {consecutive5xxErrors: 3}\n  subsets:",
    )
    notes = " ".join(trace(text, Request(host="reviews")).shares[0].notes)
    assert "1 connections" in notes and "3 5xx errors" in notes


@pytest.mark.parametrize(
    ("outlier", "says", "never"),
    [
        ("{}", "5 5xx errors in a row", "gateway"),  # the documented default
        ("{consecutiveGatewayErrors: 4}", "4 gateway errors (502, 503, 504)", "5xx errors"),
        # The deprecated field counted 502, 503 and 504 only: gateway errors, not every 5xx.
        ("{consecutiveErrors: 7}", "7 gateway errors (502, 503, 504)", "5xx errors"),
        ("{consecutive5xxErrors: 2, consecutiveGatewayErrors: 1}", "2 5xx errors or 1 gateway", ""),
    ],
)
def test_outlier_detection_note_names_what_is_counted(outlier, says, never):
    text = corpus("02-reviews-jason-v2").replace(
        "  host: reviews\n  subsets:",
        f"  host: reviews\n  trafficPolicy:\n    outlierDetection: {outlier}\n  subsets:",
    )
    notes = " ".join(trace(text, Request(host="reviews")).shares[0].notes)
    assert says in notes
    assert not never or never not in notes


# --- each kind of condition -----------------------------------------------------------------


@pytest.mark.parametrize(
    ("match", "request_kwargs", "expected"),
    [
        ("uri: {exact: /a}", {"path": "/a"}, True),
        ("uri: {exact: /a}", {"path": "/a/b"}, False),
        ("uri: {exact: /a}", {"path": "/a?x=1"}, True),  # the query string is not part of the uri
        ("uri: {prefix: /api}", {"path": "/api/v1"}, True),
        ("uri: {prefix: /API}", {"path": "/api/v1"}, False),
        ("{uri: {prefix: /API}, ignoreUriCase: true}", {"path": "/api/v1"}, True),
        ("uri: {regex: '/v[0-9]+/.*'}", {"path": "/v2/items"}, True),
        ("uri: {regex: '/v[0-9]+'}", {"path": "/v2/items"}, False),  # RE2 must match it all
        ("method: {exact: POST}", {"method": "post"}, True),
        ("method: {exact: POST}", {"method": "GET"}, False),
        ("authority: {prefix: api.example}", {"host": "api.example.com"}, True),
        ("headers: {x-canary: {}}", {"headers": {"X-Canary": ""}}, True),  # presence only
        ("headers: {x-canary: {}}", {}, False),
        (
            "headers: {cookie: {regex: '.*user=jason.*'}}",
            {"headers": {"cookie": "a=1; user=jason"}},
            True,
        ),
        ("withoutHeaders: {x-debug: {exact: '1'}}", {"headers": {"x-debug": "1"}}, False),
        ("withoutHeaders: {x-debug: {exact: '1'}}", {}, True),
        ("queryParams: {version: {exact: v2}}", {"path": "/items?version=v2"}, True),
        ("queryParams: {version: {exact: v2}}", {"path": "/items?version=v1"}, False),
        ("port: 9080", {"host": "api:9080"}, True),
        ("port: 9080", {"host": "api:8080"}, False),
        ("scheme: {exact: https}", {"scheme": "https"}, True),
        ("{uri: {prefix: /}, method: {exact: GET}}", {"method": "DELETE"}, False),
    ],
)
def test_match_conditions(match, request_kwargs, expected):
    text = vs(f"  - match:\n    - {match}\n    route: [{{destination: {{host: special}}}}]\n")
    request = Request(**{"host": "api", **request_kwargs})
    decision = trace(text, request)
    assert (decision.outcome == "route") is expected
    assert decision.rules[0].matched is expected


def test_match_blocks_are_alternatives():
    text = vs(
        "  - match:\n    - uri: {prefix: /a}\n    - uri: {prefix: /b}\n"
        "    route: [{destination: {host: x}}]\n"
    )
    decision = trace(text, Request(host="api", path="/b/1"))
    assert [block.matched for block in decision.rules[0].blocks] == [False, True]


def test_conditions_the_sample_cannot_know_do_not_match():
    text = vs(
        "  - match:\n    - sourceLabels: {app: productpage}\n"
        "    route: [{destination: {host: x}}]\n"
        "  - route: [{destination: {host: y}}]\n"
    )
    decision = trace(text, Request(host="api"))
    (condition,) = decision.rules[0].blocks[0].conditions
    assert condition.matched is None and "calling workload" in condition.note
    assert decision.shares[0].host == "y"


def test_unknown_port_is_unknown():
    text = vs("  - match:\n    - port: 9080\n    route: [{destination: {host: x}}]\n")
    condition = trace(text, Request(host="api")).rules[0].blocks[0].conditions[0]
    assert condition.matched is None and condition.actual == "unknown"


@pytest.mark.parametrize("regex", ["(a+)+$", ".*.*.*.*.*.*.*.*x"])
def test_catastrophic_regex_is_evaluated_the_re2_way_and_returns(regex):
    # Both take Python's backtracking re minutes on such a path; RE2, like Envoy, is linear.
    rule = f"  - match:\n    - uri: {{regex: '{regex}'}}\n"
    text = vs(rule + "    route: [{destination: {host: x}}]\n")
    assert type(check_regex(regex).pattern).__module__ == "re2"  # linear: no backtracking
    decision = trace(text, Request(host="api", path="/" + "a" * 1990 + "!"))
    condition = decision.rules[0].blocks[0].conditions[0]
    assert condition.matched is False


def test_delegation_follows_the_delegate():
    text = (
        vs("  - match: [{uri: {prefix: /reviews}}]\n    delegate: {name: reviews-routes}\n")
        + "---\napiVersion: networking.istio.io/v1\nkind: VirtualService\n"
        "metadata: {name: reviews-routes}\nspec:\n  http:\n"
        "  - route: [{destination: {host: reviews, subset: v3}}]\n"
    )
    decision = trace(text, Request(host="api", path="/reviews/1"))
    assert decision.outcome == "route" and decision.shares[0].subset == "v3"
    assert "reviews-routes" in decision.virtual_service
    missing = trace(text.split("---")[0], Request(host="api", path="/reviews/1"))
    assert missing.outcome == "delegate_missing"


def test_as_dict_is_plain_data():
    decision = trace(corpus("02-reviews-jason-v2"), Request(host="reviews"))
    data = decision.as_dict()
    assert data["outcome"] == "route" and data["shares"][0]["subset"] == "v1"
    assert isinstance(data["rules"][0]["blocks"], list)


def test_parse_headers():
    assert parse_headers("End-User: jason\nx-b:  two words \nno colon here\n: empty name") == {
        "end-user": "jason",
        "x-b": "two words",
    }
    assert parse_headers(None) == {}


@pytest.mark.parametrize("garbage", [None, "", "[", "- 1\n- 2", "!!python/name:os.system", "a: *x"])
def test_trace_never_raises_on_garbage(garbage):
    decision = trace(garbage, Request(host="reviews"))
    assert decision.outcome == "no_virtual_service"


def test_trace_tolerates_mistyped_virtual_services():
    text = corpus("38-wrong-types")  # hosts is text, route a map, a quoted port
    decision = trace(text, Request(host="ratings"))
    assert decision.outcome == "no_virtual_service"
    fixed = text.replace("hosts: ratings", "hosts: [ratings]")
    decision = trace(fixed, Request(host="ratings", path="/v1/x"))
    assert decision.matched_rule == 0 and decision.shares == []


# --- documents the trace cannot read --------------------------------------------------------


def test_a_misspelled_kind_is_named_not_silently_dropped():
    text = corpus("02-reviews-jason-v2").replace("kind: VirtualService", "kind: VirtualServce")
    decision = trace(text, Request(host="reviews", headers={"end-user": "jason"}))
    assert decision.outcome == "no_virtual_service"  # its route is indeed missing
    (left,) = decision.left_out
    assert (left.document, left.item, left.line, left.kind, left.name, left.reason) == (
        1,
        None,
        2,
        "VirtualServce",
        "reviews",
        "unknown-kind",
    )
    assert "did you mean `VirtualService`?" in left.message
    assert decision.as_dict()["left_out"][0]["reason"] == "unknown-kind"


@pytest.mark.parametrize(
    ("kind", "api_version", "named"),
    [
        ("virtualservice", "networking.istio.io/v1", True),  # case matters to Kubernetes
        ("DestinatonRule", "networking.istio.io/v1", True),
        ("Routing", "networking.istio.io/v1", True),  # an Istio group, a kind it has not
        ("VirtualService", "networking.istio.io/v2", True),  # a version Istio does not serve
        ("VirtualService", "networking.k8s.io/v1", True),  # another API group
        ("Gatway", "networking.istio.io/v1", False),  # Gateways are not read by the trace
        ("PeerAuthentication", "security.istio.io/v2", False),  # nor is this kind
        ("Deployment", "apps/v1", False),  # not Istio's: skipped, and said so, by the checker
        ("Telemetry", "telemetry.istio.io/v1", False),  # Istio's, not checked field by field
    ],
)
def test_which_documents_the_trace_names_as_left_out(kind, api_version, named):
    text = (
        vs("  - route: [{destination: {host: api}}]\n")
        + f"---\napiVersion: {api_version}\nkind: {kind}\nmetadata: {{name: other}}\nspec: {{}}\n"
    )
    decision = trace(text, Request(host="api"))
    assert decision.outcome == "route"  # the readable document still routes
    assert [(d.document, d.line, d.name) for d in decision.left_out] == (
        [(2, 9, "other")] if named else []
    )


def test_a_left_out_item_of_a_list_is_named_by_its_position_in_it():
    text = (
        "apiVersion: v1\nkind: List\nitems:\n"
        "- {apiVersion: networking.istio.io/v1, kind: DestinationRule, metadata: {name: a},"
        " spec: {host: api}}\n"
        "- apiVersion: networking.istio.io/v1\n  kind: VirtualServices\n  spec: {hosts: [api]}\n"
    )
    (left,) = trace(text, Request(host="api")).left_out
    assert (left.document, left.item, left.line, left.name) == (1, 2, 5, "")
    assert left.message.startswith("Document 1, item 2 of its list (line 5) is left out")


@pytest.mark.parametrize("spec", ["spc:\n  hosts: [api]\n", "spec: [hosts, api]\n", ""])
def test_a_virtual_service_without_a_spec_map_is_named(spec):
    text = (
        "apiVersion: networking.istio.io/v1\nkind: VirtualService\nmetadata: {name: api}\n" + spec
    )
    decision = trace(text, Request(host="api"))
    assert decision.outcome == "no_virtual_service"
    (left,) = decision.left_out
    assert (left.document, left.line, left.kind, left.name, left.reason) == (
        1,
        1,
        "VirtualService",
        "api",
        "no-spec",
    )
    assert "has no `spec` map" in left.message


# --- the calling workload, when the request names it (issue 24) -----------------------------

SOURCE_RULES = (
    "  - match:\n    - sourceLabels: {app: productpage, version: v1}\n"
    "    route: [{destination: {host: from-productpage}}]\n"
    "  - match:\n    - sourceNamespace: shop\n"
    "    route: [{destination: {host: from-shop}}]\n"
    "  - route: [{destination: {host: everyone}}]\n"
)


@pytest.mark.parametrize(
    ("labels", "namespace", "host"),
    [
        ({"app": "productpage", "version": "v1", "extra": "x"}, "bookinfo", "from-productpage"),
        ({"app": "productpage", "version": "v2"}, "bookinfo", "everyone"),
        ({"app": "productpage"}, "shop", "from-shop"),
        ({}, "bookinfo", "everyone"),
    ],
)
def test_source_labels_and_namespace_decide_when_given(labels, namespace, host):
    request = Request(host="api", source_labels=labels, source_namespace=namespace)
    decision = trace(vs(SOURCE_RULES), request)
    assert decision.shares[0].host == host
    first = decision.rules[0].blocks[0].conditions[0]
    assert first.matched is (host == "from-productpage")


def test_source_namespace_given_without_labels_leaves_labels_unknown():
    request = Request(host="api", source_namespace="shop")
    decision = trace(vs(SOURCE_RULES), request)
    assert decision.rules[0].blocks[0].conditions[0].matched is None
    assert decision.shares[0].host == "from-shop"
