"""The HTTPRoute trace (istio_checker.gateway_api.trace): one test per matching rule and per
step of the Gateway API's precedence order, and the answer the lab and /lab/check.json show."""

import pytest

from istio_checker import Request, trace
from tests.test_gateway_api_checks import GATEWAY as GATEWAY_HEAD

GATEWAY = GATEWAY_HEAD + '  - {name: http, port: 80, protocol: HTTP, hostname: "*.example.com"}\n'


def route(rules: str, name: str = "web", hostnames: str = "", extra: str = "") -> str:
    return (
        f"---\napiVersion: gateway.networking.k8s.io/v1\nkind: HTTPRoute\n"
        f"metadata: {{name: {name}{extra}}}\nspec:\n  parentRefs: [{{name: edge}}]\n"
        f"{hostnames}  rules:\n{rules}"
    )


def backend(name: str) -> str:
    return f"    backendRefs: [{{name: {name}, port: 80}}]\n"


def go(text: str, path: str = "/", host: str = "shop.example.com", **request) -> object:
    return trace(GATEWAY + text, Request(host=host, path=path, **request))


def winner(decision) -> str:
    return decision.shares[0].host if decision.shares else decision.outcome


# --- path matching --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("path", "expected"),
    [
        ("/shop", "prefix"),
        ("/shop/", "prefix"),
        ("/shop/cart", "prefix"),
        ("/shopping", "no_route"),
    ],
)
def test_path_prefix_matches_whole_segments(path, expected):
    text = route("  - matches: [{path: {type: PathPrefix, value: /shop/}}]\n" + backend("prefix"))
    decision = go(text, path)
    assert winner(decision) == expected
    assert decision.rules[0].blocks[0].conditions[0].field == "path"


@pytest.mark.parametrize(("path", "expected"), [("/login", "exact"), ("/login/", "no_route")])
def test_exact_path_compares_the_whole_path(path, expected):
    text = route("  - matches: [{path: {type: Exact, value: /login}}]\n" + backend("exact"))
    assert winner(go(text, path)) == expected


@pytest.mark.parametrize(("path", "expected"), [("/v2/items", "re"), ("/v2/items/x", "no_route")])
def test_regular_expression_must_match_the_whole_path(path, expected):
    text = route(
        "  - matches: [{path: {type: RegularExpression, value: '/v[0-9]+/items'}}]\n"
        + backend("re")
    )
    assert winner(go(text, path)) == expected


def test_the_query_string_is_not_part_of_the_path():
    text = route("  - matches: [{path: {type: Exact, value: /search}}]\n" + backend("s"))
    assert winner(go(text, "/search?q=mesh")) == "s"


# --- headers, query parameters, method --------------------------------------------------------


def test_header_names_are_case_insensitive_and_values_exact():
    text = route("  - matches: [{headers: [{name: End-User, value: jason}]}]\n" + backend("v2"))
    assert winner(go(text, headers={"end-user": "jason"})) == "v2"
    assert winner(go(text, headers={"end-user": "Jason"})) == "no_route"
    absent = go(text)
    assert absent.rules[0].blocks[0].conditions[1].actual == "(absent)"


def test_header_regular_expression():
    text = route(
        "  - matches: [{headers: [{name: x-tier, type: RegularExpression, value: "
        "'gold|silver'}]}]\n" + backend("vip")
    )
    assert winner(go(text, headers={"x-tier": "silver"})) == "vip"
    assert winner(go(text, headers={"x-tier": "goldish"})) == "no_route"


def test_query_parameter_names_are_case_sensitive():
    text = route("  - matches: [{queryParams: [{name: debug, value: '1'}]}]\n" + backend("dbg"))
    assert winner(go(text, "/?debug=1")) == "dbg"
    assert winner(go(text, "/?DEBUG=1")) == "no_route"


def test_method_match():
    text = route("  - matches: [{method: POST}]\n" + backend("writer"))
    assert winner(go(text, method="POST")) == "writer"
    assert winner(go(text, method="GET")) == "no_route"


def test_matches_of_one_rule_are_alternatives_and_conditions_all_must_hold():
    text = route(
        "  - matches:\n    - {path: {type: Exact, value: /a}, method: GET}\n"
        "    - {path: {type: Exact, value: /b}}\n" + backend("ab")
    )
    assert winner(go(text, "/a", method="GET")) == "ab"
    assert winner(go(text, "/a", method="PUT")) == "no_route"
    assert winner(go(text, "/b", method="PUT")) == "ab"


# --- precedence: most specific first, not first written ---------------------------------------


def test_exact_path_beats_a_prefix_written_before_it():
    text = route(
        "  - matches: [{path: {type: PathPrefix, value: /api}}]\n"
        + backend("prefix")
        + "  - matches: [{path: {type: Exact, value: /api/login}}]\n"
        + backend("exact")
    )
    decision = go(text, "/api/login")
    assert winner(decision) == "exact" and decision.matched_rule == 0
    assert "rules[1]" in decision.rules[0].name
    assert any("an Exact path comes before a PathPrefix path" in note for note in decision.notes)


def test_longer_prefix_beats_shorter():
    text = route(
        "  - matches: [{path: {type: PathPrefix, value: /}}]\n"
        + backend("root")
        + "  - matches: [{path: {type: PathPrefix, value: /api/v1}}]\n"
        + backend("v1")
    )
    decision = go(text, "/api/v1/items")
    assert winner(decision) == "v1"
    assert any("longer than" in note for note in decision.notes)


def test_prefix_beats_regular_expression():
    text = route(
        "  - matches: [{path: {type: RegularExpression, value: '/.*'}}]\n"
        + backend("re")
        + "  - matches: [{path: {type: PathPrefix, value: /}}]\n"
        + backend("prefix")
    )
    assert winner(go(text, "/x")) == "prefix"


def test_method_then_headers_then_query_parameters_break_ties():
    rules = (
        "  - matches: [{queryParams: [{name: a, value: '1'}]}]\n"
        + backend("query")
        + "  - matches: [{headers: [{name: h, value: '1'}]}]\n"
        + backend("header")
        + "  - matches: [{method: GET}]\n"
        + backend("method")
        + "  - matches: [{path: {value: /}}]\n"
        + backend("plain")
    )
    text = route(rules)
    everything = {"headers": {"h": "1"}, "method": "GET"}
    assert winner(go(text, "/?a=1", **everything)) == "method"
    assert winner(go(text, "/?a=1", headers={"h": "1"}, method="PUT")) == "header"
    assert winner(go(text, "/?a=1", method="PUT")) == "query"
    assert winner(go(text, "/", method="PUT")) == "plain"
    order = [rule.why for rule in go(text, "/", method="PUT").rules]
    assert order[:3] == [
        "PathPrefix `/`, method GET",
        "PathPrefix `/`, 1 header match",
        "PathPrefix `/`, 1 query match",
    ]


def test_a_catch_all_written_first_does_not_hide_a_header_rule():
    text = route(
        backend("v1").replace("    backendRefs", "  - backendRefs")
        + "  - matches: [{headers: [{name: end-user, value: jason}]}]\n"
        + backend("v2")
    )
    assert winner(go(text, headers={"end-user": "jason"})) == "v2"
    assert winner(go(text)) == "v1"


def test_ties_across_routes_go_to_the_older_then_by_name():
    same = "  - matches: [{path: {type: PathPrefix, value: /}}]\n"
    older = route(
        same + backend("b-old"), name="b", extra=", creationTimestamp: '2024-01-01T00:00:00Z'"
    )
    newer = route(
        same + backend("a-new"), name="a", extra=", creationTimestamp: '2025-01-01T00:00:00Z'"
    )
    assert winner(go(newer + older)) == "b-old"
    unstamped = route(same + backend("by-name-a"), name="a") + route(
        same + backend("by-name-b"), name="b"
    )
    assert winner(go(unstamped)) == "by-name-a"


# --- hostnames and parents ----------------------------------------------------------------------


def test_the_most_specific_hostname_takes_the_request_even_when_its_rules_do_not_match():
    exact = route(
        "  - matches: [{path: {type: Exact, value: /only}}]\n" + backend("exact"),
        name="exact",
        hostnames="  hostnames: [shop.example.com]\n",
    )
    wildcard = route(
        backend("wild").replace("    backendRefs", "  - backendRefs"),
        name="wild",
        hostnames="  hostnames: ['*.example.com']\n",
    )
    assert winner(go(exact + wildcard, "/only")) == "exact"
    assert winner(go(exact + wildcard, "/other")) == "no_route"
    assert winner(go(exact + wildcard, "/other", host="cart.example.com")) == "wild"


def test_route_hostnames_outside_the_listener_hostname_serve_nothing():
    text = route(
        backend("x").replace("    backendRefs", "  - backendRefs"),
        hostnames="  hostnames: [shop.other.org]\n",
    )
    decision = go(text, host="shop.other.org")
    assert (decision.outcome, decision.status) == ("no_route", 404)
    assert any("does not attach" in note for note in decision.notes)


def test_wildcard_hostname_does_not_match_the_bare_domain():
    text = route(backend("x").replace("    backendRefs", "  - backendRefs"))
    assert winner(go(text, host="example.com")) == "no_route"
    assert winner(go(text, host="a.b.example.com")) == "x"


def test_a_mesh_route_applies_to_its_service_by_any_of_its_names():
    text = (
        "apiVersion: gateway.networking.k8s.io/v1\nkind: HTTPRoute\nmetadata: {name: r, "
        "namespace: shop}\n"
        "spec:\n  parentRefs: [{group: '', kind: Service, name: reviews, port: 9080}]\n"
        "  rules:\n  - backendRefs: [{name: reviews-v1, port: 9080}]\n"
    )
    for host in ("reviews", "reviews.shop", "reviews.shop.svc.cluster.local"):
        decision = trace(text, Request(host=host))
        assert (decision.gateway, winner(decision)) == ("mesh", "reviews-v1"), host
    assert trace(text, Request(host="ratings")).outcome == "no_virtual_service"


# --- backends and filters -----------------------------------------------------------------------


def test_weights_become_percentages_and_zero_weight_everywhere_is_500():
    text = route(
        "  - backendRefs:\n    - {name: a, port: 80, weight: 3}\n    - {name: b, port: 80, "
        "weight: 1}\n"
    )
    assert [(s.host, s.percent) for s in go(text).shares] == [("a", 75.0), ("b", 25.0)]
    zero = route("  - backendRefs:\n    - {name: a, port: 80, weight: 0}\n")
    decision = go(zero)
    assert (decision.outcome, decision.status) == ("direct_response", 500)


def test_redirect_with_replace_prefix_match():
    text = route(
        "  - matches: [{path: {type: PathPrefix, value: /old}}]\n    filters:\n"
        "    - type: RequestRedirect\n      requestRedirect:\n        scheme: https\n"
        "        statusCode: 301\n        path: {type: ReplacePrefixMatch, replacePrefixMatch: "
        "/new}\n"
    )
    decision = go(text, "/old/page")
    assert (decision.outcome, decision.status) == ("redirect", 301)
    assert "https://shop.example.com/new/page" in decision.summary


def test_rewrite_mirror_and_header_filters_are_effects():
    text = route(
        "  - matches: [{path: {type: PathPrefix, value: /v1}}]\n    filters:\n"
        "    - {type: URLRewrite, urlRewrite: {path: {type: ReplacePrefixMatch, "
        "replacePrefixMatch: /}}}\n"
        "    - {type: RequestMirror, requestMirror: {backendRef: {name: shadow, port: 80}, "
        "percent: 10}}\n"
        "    - {type: RequestHeaderModifier, requestHeaderModifier: {set: [{name: x-a, value: "
        "'1'}]}}\n"
        "    - {type: ResponseHeaderModifier, responseHeaderModifier: {remove: [server]}}\n"
        + backend("api")
    )
    effects = [(effect.kind, effect.text) for effect in go(text, "/v1/items").effects]
    texts = dict(effects[:2])
    assert "the path /v1/items becomes /items" in texts["rewrite"]
    assert "a copy of 10% of requests goes to shadow" in texts["mirror"]
    assert [text for kind, text in effects if kind == "headers"] == [
        "RequestHeaderModifier: set x-a: 1 on the request.",
        "ResponseHeaderModifier: remove server on the response.",
    ]


def test_virtual_services_are_traced_first_and_http_routes_when_none_serves_the_host():
    vs = (
        "apiVersion: networking.istio.io/v1\nkind: VirtualService\nmetadata: {name: vs}\n"
        "spec:\n  hosts: [ratings]\n  http:\n  - route: [{destination: {host: ratings}}]\n---\n"
    )
    text = vs + GATEWAY + route(backend("web").replace("    backendRefs", "  - backendRefs"))
    assert trace(text, Request(host="ratings")).route_kind == "VirtualService"
    decision = trace(text, Request(host="shop.example.com"))
    assert (decision.route_kind, winner(decision)) == ("HTTPRoute", "web")


def test_many_routes_trace_within_the_budget():
    rules = "".join(
        f"  - matches: [{{path: {{type: PathPrefix, value: /p{index}}}}}]\n" + backend(f"b{index}")
        for index in range(16)
    )
    text = "".join(route(rules, name=f"r{number}") for number in range(60))
    decision = go(text, "/p15/x")
    assert winner(decision) == "b15" and len(decision.rules) >= 1


# --- in the lab -------------------------------------------------------------------------------


def test_check_json_and_the_page_show_an_http_route_trace(client):
    text = GATEWAY + route(
        "  - matches: [{path: {type: PathPrefix, value: /}}]\n"
        + backend("root")
        + "  - matches: [{path: {type: Exact, value: /login}}]\n"
        + backend("login")
    )
    form = {"config": text, "host": "shop.example.com", "path": "/login", "method": "GET"}
    data = client.post("/lab/check.json", form).json()
    assert data["problems"] == [] and data["trace_skipped"] is None
    trace_ = data["trace"]
    assert (trace_["route_kind"], trace_["matched_rule"], trace_["shares"][0]["host"]) == (
        "HTTPRoute",
        0,
        "login",
    )
    assert [rule["why"] for rule in trace_["rules"]] == ["Exact `/login`"]
    page = client.post("/lab/", form).content.decode()
    assert "HTTPRoute web" in page and "most-specific-first order: Exact" in page


# --- linear work: the costliest Gateway API shapes we know, counted in steps --------------------


def _gateway_api_paste(size: int) -> str:
    """A Gateway whose listeners grow with the text, and HTTPRoutes that each name 30 of them
    (sectionName) and hostnames: parents × listeners × hostnames is where quadratic work would
    hide. Long names fill the bytes within the reader's 100 documents and 20 000 values."""
    listeners = max(1, size // 2048)
    label = "listener-of-the-shop-gateway-number"
    head = GATEWAY_HEAD + "".join(
        f"  - {{name: {label}-{n}, port: {1000 + n % 3}, protocol: HTTP, "
        f"hostname: 'h{n}.example.com'}}\n"
        for n in range(listeners)
    )
    hosts = ", ".join(f"h{n}.example.com" for n in range(12))
    parts, index = [head], 0
    while sum(len(p) for p in parts) < size:
        refs = ", ".join(
            f"{{name: edge, sectionName: {label}-{n}}}" for n in range(min(listeners, 30))
        )
        parts.append(
            f"---\napiVersion: gateway.networking.k8s.io/v1\nkind: HTTPRoute\n"
            f"metadata: {{name: r{index}}}\nspec:\n  parentRefs: [{refs}]\n"
            f"  hostnames: [{hosts}, '*.example.com']\n  rules:\n"
            + "".join(
                f"  - matches: [{{path: {{type: PathPrefix, value: /p{k}}}, method: GET}}]\n"
                + backend(f"b{k}")
                for k in range(4)
            )
        )
        index += 1
    return "".join(parts)


def test_gateway_api_checks_and_trace_are_linear_and_within_the_budget():
    from istio_checker.budget import MAX_STEPS
    from istio_checker.lab import check_config

    def steps(size: int) -> int:
        result = check_config(
            _gateway_api_paste(size), Request(host="h0.example.com", path="/p3/x", port=1000)
        )
        assert not result.partial and result.decision is not None
        assert result.decision.outcome == "route"
        return result.steps

    quarter, whole = steps(60 * 1024), steps(240 * 1024)
    assert whole < MAX_STEPS
    assert 2 * quarter < whole <= 4.5 * quarter
