"""The practice grader (practice/grading.py): every probe kind, judged by behaviour (any config
that does the right thing passes), the grader's own rules (a subset must select a pod; a gateway
must select a pod and accept the host), and one bounded work budget for the whole grading."""

import pytest

from istio_checker.budget import WorkBudget
from practice.grading import NOT_CHECKED, grade
from tests.practice_tasks import make_task, route_check

DR = """\
apiVersion: networking.istio.io/v1
kind: DestinationRule
metadata: {name: reviews, namespace: bookinfo}
spec:
  host: reviews
  subsets:
  - {name: v1, labels: {version: v1}}
  - {name: v2, labels: {version: v2}}
  - {name: v3, labels: {version: v3}}
"""


def vs(http: str, hosts: str = "[reviews]", extra: str = "") -> str:
    body = "\n".join("  " + line for line in http.strip("\n").splitlines())
    return (
        "apiVersion: networking.istio.io/v1\nkind: VirtualService\n"
        "metadata: {name: reviews, namespace: bookinfo}\n"
        f"spec:\n  hosts: {hosts}\n{extra}  http:\n{body}\n---\n{DR}"
    )


def passes(expect: dict, config: str, request: dict | None = None) -> bool:
    task = make_task([route_check(request or {"host": "reviews"}, expect)])
    result = grade(task, config)
    return result.checks[0].passed


CANARY = vs("""
- route:
  - destination: {host: reviews, subset: v1}
    weight: 90
  - destination: {host: reviews, subset: v2}
    weight: 10
""")


# --- route ------------------------------------------------------------------------------------


def test_share_is_compared_within_the_tolerance():
    assert passes({"share": {"v1": 90, "v2": 10}}, CANARY)
    assert not passes({"share": {"v1": 80, "v2": 20}}, CANARY)
    assert passes({"share": {"v1": 80, "v2": 20}, "tolerance": 10}, CANARY)
    assert not passes({"share": {"v1": 100}}, CANARY)  # v2's 10% is not allowed


def test_any_config_with_the_same_behaviour_passes():
    """Weights 9 and 1 split like 90 and 10: the text differs, the behaviour does not."""
    nine_to_one = CANARY.replace("weight: 90", "weight: 9").replace("weight: 10", "weight: 1")
    assert passes({"share": {"v1": 90, "v2": 10}}, nine_to_one)


def test_destination_and_subset_and_outcome():
    one = vs("- route:\n  - destination: {host: reviews.bookinfo.svc.cluster.local, subset: v2}")
    assert passes({"outcome": "route", "destination": "reviews", "subset": "v2"}, one)
    assert not passes({"subset": "v1"}, one)
    assert not passes({"destination": "ratings"}, one)


def test_no_route_answers_404():
    only_jason = vs("""
- match:
  - headers:
      end-user: {exact: jason}
  route:
  - destination: {host: reviews, subset: v2}
""")
    assert passes({"outcome": "no_route", "status": 404}, only_jason)
    jason = {"host": "reviews", "headers": {"end-user": "jason"}}
    assert passes({"subset": "v2"}, only_jason, jason)


def test_source_labels_are_decided_for_a_request_from_a_workload():
    by_source = vs("""
- match:
  - sourceLabels: {app: productpage}
  route:
  - destination: {host: reviews, subset: v2}
- route:
  - destination: {host: reviews, subset: v1}
""")
    assert passes({"subset": "v2"}, by_source, {"host": "reviews", "from": "productpage-v1"})
    assert passes({"subset": "v1"}, by_source, {"host": "reviews", "from": "reviews-v1"})


def test_abort_fault_and_the_status_it_answers():
    abort = vs("""
- fault:
    abort:
      httpStatus: 503
      percentage: {value: 100}
  route:
  - destination: {host: reviews, subset: v1}
""")
    assert passes({"fault": {"abort": 503, "percent": 100}, "status": 503}, abort)
    assert not passes({"fault": {"abort": 500}}, abort)
    assert not passes({"fault": {"delay": "5s"}}, abort)


def test_delay_fault_compares_durations_by_meaning():
    delay = vs("""
- fault:
    delay:
      fixedDelay: 5s
      percentage: {value: 10}
  route:
  - destination: {host: reviews, subset: v1}
""")
    assert passes({"fault": {"delay": "5000ms", "percent": 10}}, delay)
    assert not passes({"fault": {"delay": "5s", "percent": 100}}, delay)
    assert not passes({"status": 503}, delay)


def test_timeout():
    timeout = vs("- timeout: 10s\n  route:\n  - destination: {host: reviews, subset: v1}")
    assert passes({"timeout": "10s"}, timeout)
    assert passes({"timeout": "10000ms"}, timeout)
    assert not passes({"timeout": "5s"}, timeout)
    assert not passes({"timeout": "10s"}, CANARY)


def test_retries_compare_retry_on_as_a_set():
    retries = vs("""
- retries:
    attempts: 3
    perTryTimeout: 2s
    retryOn: 5xx,connect-failure
  route:
  - destination: {host: reviews, subset: v1}
""")
    assert passes({"retries": {"attempts": 3, "per_try_timeout": "2s"}}, retries)
    assert passes({"retries": {"retry_on": "connect-failure,5xx"}}, retries)
    assert not passes({"retries": {"attempts": 2}}, retries)
    assert not passes({"retries": {"retry_on": "5xx"}}, retries)


def test_redirect():
    redirect = vs(
        "- redirect:\n    uri: /v2\n    authority: new.example.com\n    redirectCode: 302"
    )
    assert passes(
        {"outcome": "redirect", "redirect": {"uri": "/v2", "authority": "new.example.com"}},
        redirect,
    )
    assert passes({"redirect": {"code": 302}, "status": 302}, redirect)
    assert not passes({"redirect": {"code": 301}}, redirect)
    assert not passes({"redirect": {"uri": "/v2"}}, CANARY)


def test_rewrite():
    rewrite = vs("""
- match:
  - uri: {prefix: /api}
  rewrite: {uri: /}
  route:
  - destination: {host: reviews, subset: v1}
""")
    request = {"host": "reviews", "path": "/api/books"}
    assert passes({"rewrite": {"uri": "/"}}, rewrite, request)
    assert not passes({"rewrite": {"uri": "/v1"}}, rewrite, request)


def test_mirror():
    mirror = vs("""
- route:
  - destination: {host: reviews, subset: v1}
  mirror: {host: reviews, subset: v2}
  mirrorPercentage: {value: 50}
""")
    assert passes({"mirror": {"host": "reviews", "subset": "v2", "percent": 50}}, mirror)
    assert passes({"mirror": {"host": "reviews"}}, mirror)
    assert not passes({"mirror": {"host": "reviews", "percent": 100}}, mirror)
    assert not passes({"mirror": {"host": "ratings"}}, mirror)


def test_headers_set_on_the_request_and_the_response():
    headers = vs("""
- headers:
    request:
      set: {x-canary: "true"}
  route:
  - destination: {host: reviews, subset: v2}
    headers:
      response:
        add: {x-served-by: v2}
""")
    assert passes({"request_headers_set": {"X-Canary": "true"}}, headers)
    assert passes({"response_headers_set": {"x-served-by": "v2"}}, headers)
    assert not passes({"request_headers_set": {"x-canary": "false"}}, headers)
    assert not passes({"response_headers_set": {"x-other": "1"}}, headers)


def test_a_subset_that_selects_no_pod_fails_the_probe():
    """Subset v3 exists in the DestinationRule but no pod of reviews has version v3: Envoy has
    no endpoint for it (503 UH), whatever the expectation says."""
    v3 = vs("- route:\n  - destination: {host: reviews, subset: v3}")
    assert not passes({"subset": "v3"}, v3)
    undefined = vs("- route:\n  - destination: {host: reviews, subset: v9}")
    assert not passes({"subset": "v9"}, undefined)
    task = make_task([route_check({"host": "reviews"}, {"subset": "v3"})])
    assert "no pod would receive" in grade(task, v3).checks[0].detail


GATEWAY = """\
apiVersion: networking.istio.io/v1
kind: Gateway
metadata: {name: bookinfo-gateway, namespace: bookinfo}
spec:
  selector: {istio: ingressgateway}
  servers:
  - port: {number: 80, name: http, protocol: HTTP}
    hosts: [bookinfo.example.com]
---
"""
BOUND = vs(
    "- route:\n  - destination: {host: reviews, subset: v1}",
    hosts="[bookinfo.example.com]",
    extra="  gateways: [bookinfo-gateway]\n",
)
THROUGH = {"host": "bookinfo.example.com", "gateway": "bookinfo/bookinfo-gateway", "port": 80}


def test_through_a_gateway_that_selects_a_pod_and_accepts_the_host():
    assert passes({"outcome": "route", "subset": "v1"}, GATEWAY + BOUND, THROUGH)


def test_a_gateway_selector_that_matches_no_pod_fails():
    wrong = GATEWAY.replace("istio: ingressgateway", "istio: ingress") + BOUND
    assert not passes({"outcome": "route"}, wrong, THROUGH)


def test_a_host_the_gateway_does_not_accept_fails():
    other = GATEWAY.replace("[bookinfo.example.com]", "[shop.example.com]") + BOUND
    assert not passes({"outcome": "route"}, other, THROUGH)
    assert not passes({"outcome": "route"}, GATEWAY + BOUND, {**THROUGH, "port": 443})


def test_a_missing_gateway_fails_and_a_mesh_request_ignores_gateway_rules():
    assert not passes({"outcome": "route"}, BOUND, THROUGH)
    mesh = {"host": "bookinfo.example.com"}
    assert passes({"outcome": "not_applicable"}, GATEWAY + BOUND, mesh)


def test_behaviour_is_not_judged_on_yaml_that_could_not_all_be_read():
    broken = CANARY + "\n---\nkind: [unclosed\n"
    task = make_task([route_check({"host": "reviews"}, {"share": {"v1": 90, "v2": 10}})])
    result = grade(task, broken)
    assert not result.passed
    assert "First fix the YAML: line" in result.checks[0].message


# --- valid ------------------------------------------------------------------------------------


def test_valid_fails_with_the_first_problems_and_their_lines():
    task = make_task([{"name": "Istio accepts it", "valid": {}}])
    assert grade(task, CANARY).passed
    bad = CANARY.replace("weight: 90", "weight: ninety")
    result = grade(task, bad)
    assert not result.passed
    assert result.checks[0].message.startswith("line ")
    assert not grade(task, "").passed  # nothing to accept


def test_valid_with_warnings_false_fails_on_a_warning():
    warned = vs("- route:\n  - destination: {host: reviews, subset: v1}").replace(
        "networking.istio.io/v1\nkind: VirtualService",
        "networking.istio.io/v1alpha3\nkind: VirtualService",
    )
    lenient = make_task([{"name": "ok", "valid": {}}])
    strict = make_task([{"name": "ok", "valid": {"warnings": False}}])
    assert grade(lenient, warned).passed
    assert not grade(strict, warned).passed


# --- resource ---------------------------------------------------------------------------------

OUTLIER = """\
apiVersion: networking.istio.io/v1
kind: DestinationRule
metadata: {name: reviews-cb, namespace: bookinfo}
spec:
  host: reviews.bookinfo.svc.cluster.local
  exportTo: ["."]
  trafficPolicy:
    outlierDetection:
      consecutive5xxErrors: 5
      baseEjectionTime: 30s
---
apiVersion: v1
kind: Namespace
metadata:
  name: bookinfo
  labels: {istio.io/rev: canary}
"""


def resource(select: dict, expect: list | None = None, count: int | None = None) -> bool:
    probe = {"select": select}
    if expect is not None:
        probe["expect"] = expect
    if count is not None:
        probe["count"] = count
    task = make_task([{"name": "r", "resource": probe, "fail": "Not there."}])
    return grade(task, OUTLIER).passed


def test_resource_present_and_equals():
    select = {"kind": "DestinationRule", "host": "reviews"}
    detection = ["spec", "trafficPolicy", "outlierDetection"]
    assert resource(select, [{"path": detection, "present": True}])
    assert not resource(select, [{"path": [*detection, "interval"], "present": True}])
    assert resource(select, [{"path": [*detection, "interval"], "present": False}])
    assert resource(select, [{"path": ["spec", "exportTo"], "equals": ["."]}])
    assert not resource(select, [{"path": ["spec", "exportTo"], "equals": ["*"]}])
    assert resource(select, [{"path": ["spec", "exportTo", 0], "equals": "."}])


def test_resource_at_most_at_least_with_numbers_and_durations():
    select = {"kind": "DestinationRule", "host": "reviews"}
    errors = ["spec", "trafficPolicy", "outlierDetection", "consecutive5xxErrors"]
    ejection = ["spec", "trafficPolicy", "outlierDetection", "baseEjectionTime"]
    assert resource(select, [{"path": errors, "at_most": 5}])
    assert not resource(select, [{"path": errors, "at_most": 4}])
    assert resource(select, [{"path": ejection, "at_least": "30s"}])
    assert resource(select, [{"path": ejection, "at_most": "1m"}])
    assert not resource(select, [{"path": ejection, "at_least": "31s"}])


def test_resource_one_of_and_kinds_the_checker_does_not_read():
    select = {"kind": "Namespace", "apiVersion": "v1", "name": "bookinfo"}
    label = ["metadata", "labels", "istio.io/rev"]
    assert resource(select, [{"path": label, "one_of": ["canary", "1-31"]}])
    assert not resource(select, [{"path": label, "one_of": ["stable"]}])


def test_resource_count_and_selection():
    assert resource({"kind": "DestinationRule"}, count=1)
    assert not resource({"kind": "DestinationRule"}, count=2)
    assert resource({"kind": "DestinationRule", "host": "ratings"}, count=0)
    assert resource({"kind": "DestinationRule", "apiVersion": "networking.istio.io"}, count=1)
    assert resource({"kind": "DestinationRule", "namespace": "other"}, count=0)


# --- authz and mtls ---------------------------------------------------------------------------

POLICIES = """\
apiVersion: security.istio.io/v1
kind: AuthorizationPolicy
metadata: {name: reviews-viewer, namespace: bookinfo}
spec:
  selector:
    matchLabels: {app: reviews}
  action: ALLOW
  rules:
  - from:
    - source:
        principals: ["cluster.local/ns/bookinfo/sa/bookinfo-productpage"]
    to:
    - operation:
        methods: ["GET"]
---
apiVersion: security.istio.io/v1
kind: AuthorizationPolicy
metadata: {name: deny-admin, namespace: bookinfo}
spec:
  selector:
    matchLabels: {app: reviews}
  action: DENY
  rules:
  - to:
    - operation:
        paths: ["/admin*"]
"""


def authz(request: dict, expect: dict) -> bool:
    task = make_task(
        [{"name": "a", "authz": {"request": request, "expect": expect}, "fail": "No."}]
    )
    return grade(task, POLICIES).passed


def test_authz_allow_by_principal_and_deny_shadowing_allow():
    productpage = {"from": "productpage-v1", "to": "reviews-v1", "path": "/reviews/1"}
    assert authz(productpage, {"decision": "allow", "policy": "bookinfo/reviews-viewer"})
    assert authz({**productpage, "method": "POST"}, {"decision": "deny", "status": 403})
    admin = {**productpage, "path": "/admin/x"}
    assert authz(admin, {"decision": "deny", "policy": "bookinfo/deny-admin"})
    assert not authz(admin, {"decision": "allow"})
    stranger = {"source": {"principal": "cluster.local/ns/other/sa/x"}, "to": "reviews-v2"}
    assert authz(stranger, {"decision": "deny"})


MTLS = """\
apiVersion: security.istio.io/v1
kind: PeerAuthentication
metadata: {name: default, namespace: bookinfo}
spec:
  mtls: {mode: STRICT}
"""


def mtls(source: str, target: str, outcome: str, config: str = MTLS) -> bool:
    probe = {"from": source, "to": target, "expect": outcome}
    task = make_task([{"name": "m", "mtls": probe, "fail": "No."}])
    return grade(task, config).passed


def test_mtls_mutual_refused_and_plaintext():
    assert mtls("productpage-v1", "reviews-v1", "mutual")
    assert mtls("legacy", "reviews-v1", "refused")  # no sidecar: plaintext to a STRICT server
    assert not mtls("legacy", "reviews-v1", "mutual")
    assert mtls("productpage-v1", "legacy", "plaintext")  # the server has no sidecar


# --- one budget, bounded ----------------------------------------------------------------------


def big_config(copies: int) -> str:
    return "\n---\n".join(
        vs("- route:\n  - destination: {host: reviews, subset: v1}").replace(
            "name: reviews,", f"name: reviews-{n},"
        )
        for n in range(copies)
    )


def test_a_huge_config_is_bounded_by_one_budget():
    task = make_task(
        [
            {"name": "valid", "valid": {}},
            route_check({"host": "reviews"}, {"subset": "v1"}, name="route"),
        ]
    )
    budget = WorkBudget(max_steps=5_000)
    result = grade(task, big_config(200), budget)
    assert result.partial and not result.passed
    assert NOT_CHECKED in [check.message for check in result.checks]
    assert budget.steps <= 5_000 + 1  # stopped at the limit, not after


def test_grading_steps_grow_linearly_with_the_config():
    task = make_task(
        [
            {"name": "valid", "valid": {}},
            route_check({"host": "reviews"}, {"subset": "v1"}, name="route"),
        ]
    )
    # 10 and 40 copies: 20 and 80 documents, under the checker's 100 documents.
    small, large = grade(task, big_config(10)), grade(task, big_config(40))
    assert not small.partial and not large.partial
    assert large.steps < 4 * small.steps * 1.25  # four times the text: about four times the work


def test_a_config_of_the_largest_size_allowed_stays_within_the_default_budget():
    rules = "".join(
        f"- match:\n  - headers:\n      user: {{exact: u{n}}}\n  route:\n"
        f"  - destination: {{host: reviews, subset: v2}}\n"
        for n in range(2200)
    )
    config = vs(rules + "- route:\n  - destination: {host: reviews, subset: v1}")
    assert 200 * 1024 < len(config) <= 256 * 1024
    task = make_task([route_check({"host": "reviews"}, {"subset": "v1"})])
    budget = WorkBudget()
    result = grade(task, config, budget)
    # An answer, never a stall: here the checker refuses so many values before any trace.
    assert result.checks[0].passed or result.checks[0].message
    assert budget.steps <= budget.max_steps + 1


@pytest.mark.parametrize("text", [None, b"\xff\xfe", "\x00", "- - -", "{"])
def test_any_text_grades_without_raising(text):
    task = make_task(
        [{"name": "v", "valid": {}}, route_check({"host": "reviews"}, {"subset": "v1"})]
    )
    result = grade(task, text)
    assert not result.passed and len(result.checks) == 2


# --- the same expectations on Gateway API routes ---------------------------------------------

HTTP_ROUTE = """\
apiVersion: gateway.networking.k8s.io/v1
kind: HTTPRoute
metadata: {name: reviews, namespace: bookinfo}
spec:
  parentRefs:
  - {group: "", kind: Service, name: reviews, port: 9080}
  rules:
  - matches:
    - path: {type: PathPrefix, value: /api}
    filters:
    - type: URLRewrite
      urlRewrite:
        path: {type: ReplacePrefixMatch, replacePrefixMatch: /}
    - type: RequestHeaderModifier
      requestHeaderModifier:
        set: [{name: x-canary, value: "true"}]
    - type: RequestMirror
      requestMirror:
        backendRef: {name: reviews-shadow, port: 9080}
        percent: 50
    backendRefs:
    - {name: reviews-v2, port: 9080}
    timeouts: {request: 10s}
  - matches:
    - path: {type: PathPrefix, value: /old}
    filters:
    - type: RequestRedirect
      requestRedirect:
        hostname: new.example.com
        path: {type: ReplaceFullPath, replaceFullPath: /v2}
        statusCode: 301
  - backendRefs:
    - {name: reviews-v1, port: 9080}
"""
API = {"host": "reviews", "path": "/api/books", "port": 9080}


def test_http_route_settings_are_read_like_a_virtual_services():
    assert passes({"outcome": "route", "destination": "reviews-v2"}, HTTP_ROUTE, API)
    assert passes({"timeout": "10000ms"}, HTTP_ROUTE, API)
    assert not passes({"timeout": "5s"}, HTTP_ROUTE, API)
    assert passes({"rewrite": {"uri": "/"}}, HTTP_ROUTE, API)
    assert passes({"request_headers_set": {"x-canary": "true"}}, HTTP_ROUTE, API)
    assert not passes({"response_headers_set": {"x-canary": "true"}}, HTTP_ROUTE, API)
    assert passes({"mirror": {"host": "reviews-shadow", "percent": 50}}, HTTP_ROUTE, API)
    assert not passes({"mirror": {"host": "reviews-shadow", "percent": 100}}, HTTP_ROUTE, API)


def test_http_route_redirect_and_the_default_rule():
    old = {"host": "reviews", "path": "/old/x", "port": 9080}
    redirect = {"uri": "/v2", "authority": "new.example.com", "code": 301}
    assert passes({"outcome": "redirect", "status": 301, "redirect": redirect}, HTTP_ROUTE, old)
    assert not passes({"redirect": {"code": 302}}, HTTP_ROUTE, old)
    other = {"host": "reviews", "path": "/", "port": 9080}
    assert passes({"destination": "reviews-v1"}, HTTP_ROUTE, other)
    assert not passes({"timeout": "10s"}, HTTP_ROUTE, other)


def test_source_namespace_is_decided_for_a_request_from_a_workload():
    by_namespace = vs("""
- match:
  - sourceNamespace: legacy
  route:
  - destination: {host: reviews, subset: v1}
- route:
  - destination: {host: reviews, subset: v2}
""")
    assert passes({"subset": "v1"}, by_namespace, {"host": "reviews", "from": "legacy"})
    assert passes({"subset": "v2"}, by_namespace, {"host": "reviews", "from": "productpage-v1"})
    # Without a caller the condition is unknown and does not match: the default rule.
    assert passes({"subset": "v2"}, by_namespace)


GATEWAY_API = """\
apiVersion: gateway.networking.k8s.io/v1
kind: Gateway
metadata: {name: bookinfo-gw, namespace: bookinfo}
spec:
  gatewayClassName: istio
  listeners:
  - {name: http, port: 80, protocol: HTTP, hostname: bookinfo.example.com}
---
apiVersion: gateway.networking.k8s.io/v1
kind: HTTPRoute
metadata: {name: bookinfo, namespace: bookinfo}
spec:
  parentRefs: [{name: bookinfo-gw}]
  hostnames: [bookinfo.example.com]
  rules:
  - backendRefs: [{name: productpage, port: 9080}]
"""


def test_through_a_gateway_api_gateway_its_listeners_decide():
    expect = {"outcome": "route", "destination": "productpage"}
    through = {"host": "bookinfo.example.com", "gateway": "bookinfo/bookinfo-gw", "port": 80}
    assert passes(expect, GATEWAY_API, through)
    assert not passes(expect, GATEWAY_API, {**through, "host": "other.example.com"})
    assert passes({"outcome": "no_route", "status": 404}, GATEWAY_API, {**through, "host": "x.io"})
    assert not passes(expect, GATEWAY_API, {**through, "gateway": "bookinfo/other-gw"})


# --- issue 24 follow-ups: gaps the task writers found -------------------------------------------


def test_a_host_the_gateway_does_not_accept_passes_when_404_is_expected():
    """Other host names are not served: the gateway answers 404 itself, a behaviour a task can
    expect (outcome not_accepted, status 404); a route expectation still fails."""
    elsewhere = {**THROUGH, "host": "admin.example.com"}
    assert passes({"status": 404}, GATEWAY + BOUND, elsewhere)
    assert passes({"outcome": "not_accepted", "status": 404}, GATEWAY + BOUND, elsewhere)
    assert not passes({"outcome": "not_accepted"}, GATEWAY + BOUND, THROUGH)  # it is accepted
    assert not passes({"status": 404, "destination": "reviews"}, GATEWAY + BOUND, elsewhere)
    assert not passes({"outcome": "route"}, GATEWAY + BOUND, elsewhere)
    # On a port no server listens on, nobody answers: no 404 either.
    assert not passes({"status": 404}, GATEWAY + BOUND, {**elsewhere, "port": 443})
    # A gateway whose selector matches no pod does not answer at all: no 404 to expect.
    wrong = GATEWAY.replace("istio: ingressgateway", "istio: ingress") + BOUND
    assert not passes({"status": 404}, wrong, elsewhere)
    # A wildcard server takes every host: not 404.
    star = GATEWAY.replace("[bookinfo.example.com]", '["*"]') + BOUND
    assert not passes({"outcome": "not_accepted"}, star, elsewhere)


ABORT_JASON = vs("""
- match:
  - headers:
      end-user: {exact: jason}
  fault:
    abort:
      httpStatus: 500
      percentage: {value: 100}
  route:
  - destination: {host: reviews, subset: v1}
- route:
  - destination: {host: reviews, subset: v1}
""")


def test_fault_none_says_this_request_is_neither_delayed_nor_aborted():
    jason = {"host": "reviews", "headers": {"end-user": "jason"}}
    assert passes({"fault": "none", "subset": "v1"}, ABORT_JASON)
    assert not passes({"fault": "none"}, ABORT_JASON, jason)
    assert not passes({"fault": "none"}, ABORT_JASON.replace("end-user: {exact: jason}", "{}"))
    zero = ABORT_JASON.replace("percentage: {value: 100}", "percentage: {value: 0}")
    assert passes({"fault": "none"}, zero, jason)  # at 0 percent it touches no request
    assert passes({"fault": "none"}, CANARY)


def test_a_request_aborted_every_time_reaches_no_destination():
    jason = {"host": "reviews", "headers": {"end-user": "jason"}}
    for expect in ({"destination": "reviews"}, {"subset": "v1"}, {"share": {"v1": 100}}):
        assert not passes(expect, ABORT_JASON, jason)
    assert passes({"fault": {"abort": 500, "percent": 100}, "status": 500}, ABORT_JASON, jason)
    task = make_task([route_check(jason, {"destination": "reviews"})])
    check = grade(task, ABORT_JASON).checks[0]
    assert "every request is aborted with 500" in check.detail
    assert check.message.startswith("Not yet. (Every request this check sends is aborted")
    half = ABORT_JASON.replace("percentage: {value: 100}", "percentage: {value: 50}")
    assert passes({"destination": "reviews", "subset": "v1"}, half, jason)  # half arrive


def test_rewrite_path_is_the_path_the_request_arrives_with():
    rewrite = vs("""
- match:
  - uri: {prefix: /api/v1/products}
  rewrite: {uri: /products}
  route:
  - destination: {host: reviews, subset: v1}
- route:
  - destination: {host: reviews, subset: v1}
""")
    old = {"host": "reviews", "path": "/api/v1/products/42"}
    assert passes({"rewrite": {"path": "/products/42"}}, rewrite, old)
    assert passes({"rewrite": {"path": "/products/42", "uri": "/products"}}, rewrite, old)
    assert not passes({"rewrite": {"path": "/products"}}, rewrite, old)
    # A regex rewrite that lands on the same path passes the same expectation.
    regex = rewrite.replace(
        "rewrite: {uri: /products}",
        'rewrite: {uriRegexRewrite: {match: "^/api/v1", rewrite: ""}}',
    )
    assert passes({"rewrite": {"path": "/products/42"}}, regex, old)
    # No rewrite: the request arrives with its own path.
    new = {"host": "reviews", "path": "/products/42"}
    assert passes({"rewrite": {"path": "/products/42"}}, rewrite, new)
    assert not passes({"rewrite": {"path": "/products/42"}}, CANARY, old)


def test_resource_booleans_and_text_are_compared_strictly():
    job = """\
apiVersion: batch/v1
kind: Job
metadata: {name: migrate}
spec:
  template:
    metadata:
      labels: {sidecar.istio.io/inject: %s, rev: %s}
"""
    label = ["spec", "template", "metadata", "labels", "sidecar.istio.io/inject"]
    rev = ["spec", "template", "metadata", "labels", "rev"]

    def holds(config: str, item: dict) -> bool:
        probe = {"select": {"kind": "Job"}, "expect": [item]}
        return grade(make_task([{"name": "r", "resource": probe, "fail": "No."}]), config).passed

    quoted, bare = job % ('"false"', '"1.31"'), job % ("false", "1.31")
    assert holds(quoted, {"path": label, "equals": "false"})
    assert not holds(bare, {"path": label, "equals": "false"})
    assert holds(bare, {"path": label, "equals": False})
    assert not holds(quoted, {"path": label, "equals": False})
    assert holds(quoted, {"path": rev, "one_of": ["1.31"]})
    assert not holds(bare, {"path": rev, "one_of": ["1.31"]})


def test_resource_path_picks_a_list_item_by_key():
    subsets = ["spec", "subsets"]

    def holds(path: list, equals) -> bool:
        probe = {
            "select": {"kind": "DestinationRule"},
            "expect": [{"path": path, "equals": equals}],
        }
        return grade(make_task([{"name": "r", "resource": probe, "fail": "No."}]), DR).passed

    assert holds([*subsets, {"name": "v2"}, "labels", "version"], "v2")
    assert holds([*subsets, {"name": "v3"}, "labels", "version"], "v3")
    assert not holds([*subsets, {"name": "v9"}, "labels", "version"], "v9")
    reordered = [*subsets, {"name": "v2"}, "labels", "version"]
    swapped = DR.replace("  - {name: v1, labels: {version: v1}}\n", "") + (
        "  - {name: v1, labels: {version: v1}}\n"
    )
    probe = {"select": {"kind": "DestinationRule"}, "expect": [{"path": reordered, "equals": "v2"}]}
    task = make_task([{"name": "r", "resource": probe, "fail": "No."}])
    assert grade(task, swapped).passed
    assert not holds(["spec", {"name": "v2"}], "v2")  # spec is a map, not a list


def test_a_host_the_gateway_accepts_but_no_route_binds_is_answered_404():
    """A sidecar sends a host without a VirtualService to the service as it is; a gateway has
    no route for it and answers 404 itself."""
    star = GATEWAY.replace("[bookinfo.example.com]", '["*"]') + BOUND
    elsewhere = {**THROUGH, "host": "admin.example.com"}
    assert passes({"outcome": "no_route", "status": 404}, star, elsewhere)
    assert not passes({"outcome": "route"}, star, elsewhere)
    unbound = GATEWAY.replace("[bookinfo.example.com]", '["*"]') + vs(
        "- route:\n  - destination: {host: reviews, subset: v1}", hosts="[bookinfo.example.com]"
    )
    assert passes({"outcome": "not_applicable", "status": 404}, unbound, THROUGH)


def test_valid_judges_an_install_file_alone():
    """An installation task's config may hold only an IstioOperator: `valid` checks it."""
    operator = (
        "apiVersion: install.istio.io/v1alpha1\nkind: IstioOperator\n"
        "metadata: {name: cp, namespace: istio-system}\nspec:\n  profile: default\n"
    )
    task = make_task([{"name": "v", "valid": {}}])
    assert grade(task, operator).passed
    assert not grade(task, operator.replace("profile:", "profiel:")).passed
    assert not grade(task, "apiVersion: v1\nkind: Namespace\nmetadata: {name: a}\n").passed
