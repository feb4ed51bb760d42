"""The config lab's access check (issue 24): the caller and called-workload fields of the page
and of /lab/check.json, the `authorization` answer, and the refusals of bad input."""

import json
import math
import re

import pytest
from django.test import Client

from istio_checker.authorization import AccessRequest, Caller
from istio_checker.budget import MAX_STEPS, WorkBudget
from istio_checker.lab import check_config
from istio_checker.workloads import Workload
from istio_checker.yamlsource import MAX_TEXT_BYTES

LAB = "/lab/"
JSON_URL = "/lab/check.json"

POLICIES = """\
apiVersion: security.istio.io/v1
kind: AuthorizationPolicy
metadata: {name: deny-delete, namespace: bookinfo}
spec:
  action: DENY
  rules:
  - to:
    - operation: {methods: [DELETE]}
---
apiVersion: security.istio.io/v1
kind: AuthorizationPolicy
metadata: {name: productpage-only, namespace: bookinfo}
spec:
  selector:
    matchLabels: {app: reviews}
  action: ALLOW
  rules:
  - from:
    - source:
        principals: [cluster.local/ns/bookinfo/sa/bookinfo-productpage]
  - from:
    - source:
        requestPrincipals: [https://issuer.example.com/alice]
---
apiVersion: security.istio.io/v1
kind: RequestAuthentication
metadata: {name: jwt, namespace: bookinfo}
spec:
  jwtRules:
  - issuer: https://issuer.example.com
"""
PRODUCTPAGE = "cluster.local/ns/bookinfo/sa/bookinfo-productpage"


def check_json(client, **fields):
    data = {"config": POLICIES, "host": "reviews", "path": "/reviews/1", "method": "GET"}
    data.update(fields)
    return client.post(JSON_URL, data)


@pytest.mark.django_db
def test_json_allows_the_named_principal_with_the_deciding_policy_and_rule(client):
    response = check_json(
        client,
        source_principal=PRODUCTPAGE,
        namespace="bookinfo",
        workload_labels="app=reviews\nversion=v1",
    )
    assert response.status_code == 200
    answer = response.json()["authorization"]
    assert {k: answer[k] for k in ("decision", "policy", "rule")} == {
        "decision": "allow",
        "policy": "bookinfo/productpage-only",
        "rule": 0,
    }
    assert "productpage-only" in answer["reason"]
    assert response.json()["trace"] is not None  # the route trace is still there


@pytest.mark.django_db
def test_json_denies_another_principal_and_delete_for_everyone(client):
    other = check_json(
        client,
        source_principal="cluster.local/ns/shop/sa/cart",
        namespace="bookinfo",
        workload_labels="app=reviews",
    ).json()["authorization"]
    assert (other["decision"], other["status"], other["policy"]) == ("deny", 403, None)
    delete = check_json(
        client,
        method="DELETE",
        source_principal=PRODUCTPAGE,
        namespace="bookinfo",
        workload_labels="app=reviews",
    ).json()["authorization"]
    assert (delete["decision"], delete["policy"], delete["rule"]) == (
        "deny",
        "bookinfo/deny-delete",
        0,
    )


@pytest.mark.django_db
def test_json_jwt_claims_give_a_request_principal_and_a_foreign_issuer_is_401(client):
    alice = json.dumps({"iss": "https://issuer.example.com", "sub": "alice"})
    answer = check_json(
        client, jwt_claims=alice, namespace="bookinfo", workload_labels="app=reviews"
    ).json()["authorization"]
    assert (answer["decision"], answer["rule"]) == ("allow", 1)
    evil = json.dumps({"iss": "https://evil.example.com", "sub": "alice"})
    rejected = check_json(
        client, jwt_claims=evil, namespace="bookinfo", workload_labels="app=reviews"
    ).json()["authorization"]
    assert (rejected["decision"], rejected["status"], rejected["policy"]) == (
        "deny",
        401,
        "bookinfo/jwt",
    )


@pytest.mark.django_db
def test_json_authorization_is_null_without_a_workload(client):
    body = check_json(client, source_principal=PRODUCTPAGE).json()
    assert body["authorization"] is None and body["authorization_skipped"] is None


@pytest.mark.django_db
def test_json_source_namespace_decides_a_route_source_namespace_match(client):
    config = (
        "apiVersion: networking.istio.io/v1\nkind: VirtualService\nmetadata: {name: r}\n"
        "spec:\n  hosts: [reviews]\n  http:\n  - match:\n    - sourceNamespace: shop\n"
        "    route: [{destination: {host: reviews, subset: v2}}]\n"
        "  - route: [{destination: {host: reviews, subset: v1}}]\n"
    )
    trace = check_json(client, config=config, source_namespace="shop").json()["trace"]
    assert trace["shares"][0]["subset"] == "v2"
    trace = check_json(client, config=config).json()["trace"]
    assert trace["shares"][0]["subset"] == "v1"


STRICT = """\
apiVersion: security.istio.io/v1
kind: PeerAuthentication
metadata: {name: default, namespace: bookinfo}
spec:
  mtls: {mode: STRICT}
---
apiVersion: networking.istio.io/v1
kind: DestinationRule
metadata: {name: reviews, namespace: front}
spec:
  host: reviews.bookinfo.svc.cluster.local
  trafficPolicy:
    tls: {mode: DISABLE}
"""


@pytest.mark.django_db
def test_json_mtls_between_the_caller_and_the_workload_when_both_are_workloads(client):
    both = {"namespace": "bookinfo", "workload_labels": "app=reviews"}
    mutual = check_json(client, config=STRICT, source_namespace="bookinfo", **both).json()
    assert (mutual["mtls"]["outcome"], mutual["mtls"]["server_mode"]) == ("mutual", "STRICT")
    refused = check_json(client, config=STRICT, source_namespace="front", **both).json()["mtls"]
    assert (refused["outcome"], refused["destination_rule"]) == ("refused", "front/reviews")
    assert check_json(client, config=STRICT, **both).json()["mtls"] is None  # no caller workload


@pytest.mark.django_db
def test_json_source_labels_decide_a_route_source_labels_match(client):
    config = (
        "apiVersion: networking.istio.io/v1\nkind: VirtualService\nmetadata: {name: r}\n"
        "spec:\n  hosts: [reviews]\n  http:\n  - match:\n    - sourceLabels: {app: tester}\n"
        "    route: [{destination: {host: reviews, subset: v2}}]\n"
        "  - route: [{destination: {host: reviews, subset: v1}}]\n"
    )
    trace = check_json(client, config=config, source_labels="app=tester").json()["trace"]
    assert trace["shares"][0]["subset"] == "v2"
    trace = check_json(client, config=config, source_labels="app=other").json()["trace"]
    assert trace["shares"][0]["subset"] == "v1"


@pytest.mark.django_db
def test_json_unreadable_yaml_skips_authorization_and_says_why(client):
    body = check_json(
        client, config="kind: [unclosed", namespace="bookinfo", workload_labels="app=reviews"
    ).json()
    assert body["authorization"] is None and body["authorization_skipped"] == "unreadable-yaml"


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("jwt_claims", "{not json"),
        ("jwt_claims", "[1, 2]"),
        ("jwt_claims", "[" * 3000 + "]" * 3000),
        (
            "jwt_claims",
            json.dumps({"a": {"b": {"c": {"d": {"e": {"f": {"g": {"h": {"i": 1}}}}}}}}}),
        ),
        ("jwt_claims", json.dumps({"groups": list(range(300))})),
        ("jwt_claims", "x" * 5000),
        ("workload_labels", "app=reviews\nversion"),
        ("workload_labels", "bad key=x"),
        ("workload_labels", "\n".join(f"k{i}=v" for i in range(65))),
        ("source_labels", "app"),
        ("namespace", "Book_Info"),
        ("source_namespace", "-x"),
        ("source_ip", "10.0.0.300"),
        ("source_principal", "cluster.local/ns/a b"),
    ],
)
def test_json_refuses_bad_fields_with_400_and_the_field_named(client, field, value):
    response = check_json(client, **{"namespace": "bookinfo", field: value})
    assert response.status_code == 400
    assert field in response.json()["fields"]


@pytest.mark.django_db
def test_page_post_without_javascript_shows_the_decision():
    browser = Client(enforce_csrf_checks=True)
    page = browser.get(LAB).content.decode()
    assert 'name="workload_labels"' in page and 'name="jwt_claims"' in page
    assert "Who may call it: AuthorizationPolicy" in page
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)
    response = browser.post(
        LAB,
        {
            "csrfmiddlewaretoken": token,
            "config": POLICIES,
            "host": "reviews",
            "path": "/",
            "method": "DELETE",
            "source_principal": PRODUCTPAGE,
            "namespace": "bookinfo",
            "workload_labels": "app=reviews",
        },
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert "access-deny" in html and "403 denied" in html
    assert "<code>bookinfo/deny-delete</code>, rule [0]" in html


@pytest.mark.django_db
def test_htmx_check_answers_with_the_decision_and_field_errors(client):
    response = client.post(
        LAB,
        {"config": POLICIES, "host": "reviews", "namespace": "bookinfo", "workload_labels": "app"},
        headers={"HX-Request": "true"},
    )
    html = response.content.decode()
    assert response.status_code == 200 and not html.startswith("<!doctype")
    assert 'id="id_workload_labels-error"' in html and "has no “=”" in html
    assert "access-" not in html  # no decision while a field is wrong
    ok = client.post(
        LAB,
        {
            "config": POLICIES,
            "host": "reviews",
            "source_principal": PRODUCTPAGE,
            "source_namespace": "bookinfo",
            "namespace": "bookinfo",
            "workload_labels": "app=reviews",
        },
        headers={"HX-Request": "true"},
    ).content.decode()
    assert "access-allow" in ok and "bookinfo/productpage-only" in ok
    assert 'class="lab-mtls mtls-mutual"' in ok and "Auto mTLS sends Istio mTLS" in ok


def test_a_lab_sized_list_of_policies_is_authorized_within_the_budget():
    # As many policies and rules as the lab reads (100 documents, 20 000 YAML values): 594 rules.
    rule = (
        "  - from:\n    - source: {{principals: ['*/sa/nobody{n}'], notNamespaces: [x{n}]}}\n"
        "    to:\n    - operation: {{paths: ['/api/{{*}}/items/{{**}}'], methods: [GET]}}\n"
        "    when:\n    - {{key: 'request.headers[x-id]', values: ['{n}*']}}\n"
    )
    documents = [
        "apiVersion: security.istio.io/v1\nkind: AuthorizationPolicy\n"
        f"metadata: {{name: p{d}, namespace: bookinfo}}\nspec:\n  action: ALLOW\n  rules:\n"
        + "".join(rule.format(n=f"{d}-{r}") for r in range(6))
        for d in range(99)
    ]
    text = "---\n".join(documents)
    assert len(text) < MAX_TEXT_BYTES
    access = AccessRequest(
        caller=Caller(principal="cluster.local/ns/shop/sa/cart"),
        workload=Workload("reviews-v1", namespace="bookinfo"),
        path="/api/7/items/a/b",
        headers={"x-id": "1"},
    )
    result = check_config(text, access=access, budget=WorkBudget(max_seconds=math.inf))
    assert not result.partial and result.authorization_skipped is None
    assert result.authorization.status == 403  # no principal `nobody*` matches
    assert result.steps < MAX_STEPS // 2
