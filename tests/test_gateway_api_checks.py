"""The Gateway API checks (istio_checker.gateway_api): what the CRDs and Istio refuse or do not
program, at the right path and line; valid configs check clean."""

import pytest

from istio_checker import validate

ROUTE = """\
apiVersion: gateway.networking.k8s.io/v1
kind: HTTPRoute
metadata: {name: web}
spec:
  parentRefs: [{name: edge}]
  rules:
"""
GATEWAY = """\
apiVersion: gateway.networking.k8s.io/v1
kind: Gateway
metadata: {name: edge}
spec:
  gatewayClassName: istio
  listeners:
"""
VALID = [
    GATEWAY + "  - {name: http, port: 80, protocol: HTTP, hostname: '*.example.com'}\n"
    "  - name: https\n    port: 443\n    protocol: HTTPS\n"
    "    tls: {certificateRefs: [{name: cert}]}\n",
    ROUTE + "  - matches:\n    - path: {type: PathPrefix, value: /api}\n"
    "      headers: [{name: x-user, type: RegularExpression, value: 'a.*'}]\n"
    "      queryParams: [{name: q, value: '1'}]\n      method: GET\n"
    "    filters:\n    - {type: URLRewrite, urlRewrite: {path: {type: ReplacePrefixMatch, "
    "replacePrefixMatch: /}}}\n"
    "    backendRefs: [{name: api, port: 8080, weight: 90}, {name: api-canary, port: 8080, "
    "weight: 10}]\n"
    "    timeouts: {request: 10s, backendRequest: 2s}\n",
    "apiVersion: gateway.networking.k8s.io/v1\nkind: GRPCRoute\nmetadata: {name: g}\nspec:\n"
    "  parentRefs: [{name: edge}]\n  rules:\n  - matches: [{method: {service: "
    "helloworld.Greeter, method: SayHello}}]\n"
    "    backendRefs: [{name: greeter, port: 50051}]\n",
    "apiVersion: gateway.networking.k8s.io/v1beta1\nkind: ReferenceGrant\nmetadata: {name: rg, "
    "namespace: backend}\n"
    "spec:\n  from: [{group: gateway.networking.k8s.io, kind: HTTPRoute, namespace: front}]\n"
    "  to: [{group: '', kind: Service}]\n",
]


@pytest.mark.parametrize("text", VALID)
def test_valid_configs_check_clean(text):
    found = [p for p in validate(text) if p.severity != "info" or p.code != "ML0013"]
    assert found == []


def test_v1beta1_is_served_with_a_note_pointing_to_the_gateway_api_docs():
    (problem,) = validate(VALID[3])
    assert (problem.code, problem.severity) == ("ML0013", "info")
    assert "gateway-api.sigs.k8s.io" in problem.hint and "istio.io/latest/blog" not in problem.hint


def test_a_gateway_api_gateway_is_not_checked_as_an_istio_gateway():
    text = VALID[0] + "---\n" + ROUTE + "  - backendRefs: [{name: web, port: 80}]\n"
    assert validate(text) == []


def only(text: str, code: str = "IST0106"):
    found = [p for p in validate(text) if p.code == code]
    assert len(found) == 1, found
    return found[0]


@pytest.mark.parametrize(
    ("rules", "path", "line", "words"),
    [
        (
            "  - matches: [{path: {type: PathPrefix, value: api}}]\n",
            "spec.rules[0].matches[0].path.value",
            7,
            "start it with `/`",
        ),
        (
            "  - matches: [{path: {type: Exact, value: /a//b}}]\n",
            "spec.rules[0].matches[0].path.value",
            7,
            "`//`",
        ),
        (
            "  - matches: [{path: {type: RegularExpression, value: '(?=x)'}}]\n",
            "spec.rules[0].matches[0].path.value",
            7,
            "RE2",
        ),
        (
            "  - matches: [{headers: [{name: 'bad header', value: x}]}]\n",
            "spec.rules[0].matches[0].headers[0].name",
            7,
            "header name",
        ),
        (
            "  - backendRefs: [{name: svc}]\n",
            "spec.rules[0].backendRefs[0].port",
            7,
            "needs a `port`",
        ),
        (
            "  - filters:\n    - {type: RequestRedirect, requestRedirect: {scheme: https}}\n    "
            "backendRefs: [{name: a, port: 80}]\n",
            "spec.rules[0].filters",
            8,
            "must not be used together with backendRefs",
        ),
        (
            "  - filters:\n    - {type: URLRewrite, urlRewrite: {path: {type: "
            "ReplacePrefixMatch, replacePrefixMatch: /x}}}\n",
            "spec.rules[0].filters",
            8,
            "exactly one match",
        ),
        (
            "  - filters:\n    - {type: RequestHeaderModifier}\n",
            "spec.rules[0].filters[0].requestHeaderModifier",
            8,
            "needs its settings",
        ),
        (
            "  - filters:\n    - {type: CORS, urlRewrite: {hostname: a}, cors: {}}\n",
            "spec.rules[0].filters[0].urlRewrite",
            8,
            "must not be set",
        ),
        (
            "  - timeouts: {request: 1s, backendRequest: 2s}\n",
            "spec.rules[0].timeouts.backendRequest",
            7,
            "cannot be longer",
        ),
        (
            "  - timeouts: {request: 1.5s}\n",
            "spec.rules[0].timeouts.request",
            7,
            "Gateway API duration",
        ),
        (
            "  - filters:\n    - {type: RequestMirror, requestMirror: {backendRef: {name: a, "
            "port: 1}, percent: 5, fraction: {numerator: 1}}}\n",
            "spec.rules[0].filters[0].requestMirror",
            8,
            "not both",
        ),
    ],
)
def test_http_route_rules_the_api_server_refuses(rules, path, line, words):
    problem = only(ROUTE + rules)
    assert (problem.path, problem.line, problem.severity) == (path, line, "error")
    assert words in problem.message


def test_repeated_filters_and_redirect_with_rewrite():
    text = ROUTE + (
        "  - filters:\n"
        "    - {type: RequestHeaderModifier, requestHeaderModifier: {remove: [a]}}\n"
        "    - {type: RequestHeaderModifier, requestHeaderModifier: {remove: [b]}}\n"
    )
    assert "cannot be repeated" in only(text).message
    both = ROUTE + (
        "  - filters:\n    - {type: RequestRedirect, requestRedirect: {scheme: https}}\n"
        "    - {type: URLRewrite, urlRewrite: {hostname: a.example.com}}\n"
    )
    assert "cannot be used together" in only(both).message


def test_parent_named_twice_needs_section_names():
    text = (
        ROUTE.replace("[{name: edge}]", "[{name: edge}, {name: edge}]")
        + "  - backendRefs: [{name: a, port: 80}]\n"
    )
    assert "needs a `sectionName`" in only(text).message
    fixed = text.replace(
        "[{name: edge}, {name: edge}]",
        "[{name: edge, sectionName: a}, {name: edge, sectionName: b}]",
    )
    assert validate(fixed) == []


def test_hostname_formats():
    text = (
        ROUTE.replace("  rules:\n", "  hostnames: ['Shop.example.com', 'a.*.com']\n  rules:\n")
        + "  - backendRefs: [{name: a, port: 80}]\n"
    )
    found = [p.path for p in validate(text) if p.code == "IST0106"]
    assert found == ["spec.hostnames[0]", "spec.hostnames[1]"]


def test_too_many_matches_in_one_route():
    rules = "".join("  - matches: [" + ", ".join(["{method: GET}"] * 9) + "]\n" for _ in range(15))
    assert "at most 128" in only(ROUTE + rules).message


@pytest.mark.parametrize(
    ("listeners", "severity", "words"),
    [
        (
            "  - {name: a, port: 80, protocol: HTTP}\n  - {name: a, port: 81, protocol: HTTP}\n",
            "error",
            "used twice",
        ),
        (
            "  - {name: a, port: 80, protocol: HTTP}\n  - {name: b, port: 80, protocol: HTTP}\n",
            "error",
            "same port, protocol and hostname",
        ),
        (
            "  - {name: a, port: 80, protocol: HTTP, tls: {mode: Terminate}}\n",
            "error",
            "must not have `tls`",
        ),
        (
            "  - {name: a, port: 9000, protocol: TCP, hostname: a.example.com}\n",
            "error",
            "must not have a hostname",
        ),
        ("  - {name: a, port: 443, protocol: TLS}\n", "error", "needs `tls.mode`"),
        (
            "  - {name: a, port: 443, protocol: HTTPS, tls: {mode: Passthrough}}\n",
            "error",
            "must be Terminate",
        ),
        (
            "  - {name: a, port: 443, protocol: HTTPS, tls: {mode: Terminate}}\n",
            "error",
            "certificateRefs",
        ),
        ("  - {name: a, port: 443, protocol: HTTPS}\n", "warning", "no certificate"),
        ("  - {name: a, port: 53, protocol: UDP}\n", "warning", "does not support"),
        ("  - {name: a, port: 80, protocol: http}\n", "warning", "Did you mean HTTP"),
        ("  - {name: a, port: 15008, protocol: HBONE}\n", "warning", "only for waypoints"),
    ],
)
def test_gateway_listener_rules(listeners, severity, words):
    found = [p for p in validate(GATEWAY + listeners) if words in p.message]
    assert len(found) == 1 and found[0].severity == severity, validate(GATEWAY + listeners)
    assert found[0].line >= 7 and found[0].path.startswith("spec.listeners[")


def test_a_gateway_of_another_class_is_left_to_its_controller():
    text = GATEWAY.replace("istio", "nginx") + "  - {name: a, port: 80, protocol: HTTP}\n"
    (problem,) = validate(text)
    assert (problem.severity, problem.path) == ("info", "spec.gatewayClassName")


def test_schema_errors_use_the_gateway_api_tables():
    text = ROUTE + "  - backendRefs: [{name: a, port: 80, weight: -1}]\n    matchs: []\n"
    paths = sorted(p.path for p in validate(text) if p.code == "IST0106")
    assert paths == ["spec.rules[0].backendRefs[0].weight", "spec.rules[0].matchs"]


def test_unknown_gateway_api_kinds_are_named_not_refused():
    text = (
        "apiVersion: gateway.networking.k8s.io/v1\nkind: GatewayClass\nmetadata: {name: "
        "istio}\nspec: {controllerName: x}\n"
    )
    (problem,) = validate(text)
    assert problem.severity == "info" and "Gateway API" in problem.message


# --- across resources ---------------------------------------------------------------------------


def test_section_name_that_names_no_listener():
    text = (
        VALID[0]
        + "---\n"
        + ROUTE.replace("{name: edge}", "{name: edge, sectionName: grpc}")
        + "  - backendRefs: [{name: a, port: 80}]\n"
    )
    problem = only(text, "ML0030")
    assert "NoMatchingParent" in problem.message and problem.path == "spec.parentRefs[0]"


def test_route_from_another_namespace_is_not_allowed_by_default():
    gateway = VALID[0].replace("{name: edge}", "{name: edge, namespace: infra}")
    route = ROUTE.replace("{name: web}", "{name: web, namespace: shop}").replace(
        "{name: edge}", "{name: edge, namespace: infra}"
    )
    text = gateway + "---\n" + route + "  - backendRefs: [{name: a, port: 80}]\n"
    assert "NotAllowedByListeners" in only(text, "ML0030").message
    opened = text.replace(
        "protocol: HTTP, hostname",
        "protocol: HTTP, allowedRoutes: {namespaces: {from: All}}, hostname",
    )
    assert [p for p in validate(opened) if p.code == "ML0030"] == []


def test_hostnames_that_meet_no_listener():
    route = ROUTE.replace("  rules:\n", "  hostnames: [shop.other.org]\n  rules:\n")
    text = (
        GATEWAY
        + "  - {name: http, port: 80, protocol: HTTP, hostname: '*.example.com'}\n---\n"
        + route
        + "  - backendRefs: [{name: a, port: 80}]\n"
    )
    assert "NoMatchingListenerHostname" in only(text, "ML0030").message


def test_cross_namespace_backend_needs_a_reference_grant():
    route = (
        ROUTE.replace("{name: web}", "{name: web, namespace: front}")
        + "  - backendRefs: [{name: api, namespace: backend, port: 80}]\n"
    )
    problem = only(route, "ML0030")
    assert "RefNotPermitted" in problem.message and problem.line == 7
    assert [p for p in validate(route + "---\n" + VALID[3]) if p.code == "ML0030"] == []


# --- any shape: never an exception ---------------------------------------------------------------

ODD_VALUES = ("~", "[]", "{}", "-1", "true", "1.5", "'*'", "'/a//b'", "{type: RegularExpression}")


def _mutations(text: str):
    """`text` with one value at a time replaced by an odd one (a list, a map, null, -1...)."""
    lines = text.splitlines()
    for number, line in enumerate(lines):
        if ": " not in line or line.rstrip().endswith(":"):
            continue
        key = line.split(": ", 1)[0]
        for odd in ODD_VALUES:
            yield "\n".join([*lines[:number], f"{key}: {odd}", *lines[number + 1 :]]) + "\n"


def test_odd_values_anywhere_give_problems_not_exceptions():
    from istio_checker import Request
    from istio_checker.lab import check_config

    text = "---\n".join(VALID[:3])
    count = 0
    for mutated in _mutations(text):
        result = check_config(mutated, Request(host="shop.example.com", path="/api/x"))
        assert result.trace_skipped != "checker-failed", mutated
        count += 1
    assert count > 100


def test_a_misspelled_gateway_api_kind_is_an_error_with_the_right_name():
    text = (
        ROUTE.replace("kind: HTTPRoute", "kind: HttpRoute")
        + "  - backendRefs: [{name: a, port: 80}]\n"
    )
    (problem,) = validate(text)
    assert (problem.severity, problem.line, problem.path) == ("error", 2, "kind")
    assert "`HTTPRoute`" in problem.hint
