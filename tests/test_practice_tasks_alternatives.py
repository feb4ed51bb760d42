"""The shipped security, troubleshooting and installation tasks grade behaviour, not text: a
different config that does the same thing passes, and a plausible wrong fix fails (issue 24).
Each case edits the task's reference solution in one place, so it stays readable."""

from pathlib import Path

import pytest

from course_format.tasks import read_task_file
from course_format.yamlfile import read_yaml
from practice.grading import grade

from .conftest import SHIPPED_COURSE

TASK_FILES = ("security.yaml", "troubleshooting.yaml", "installation.yaml")


def _tasks() -> dict:
    tasks = {}
    for name in TASK_FILES:
        for task in read_task_file(read_yaml(Path(SHIPPED_COURSE / "tasks" / name))):
            tasks[task.slug] = task
    return tasks


TASKS = _tasks()

# (task, text in its solution, replacement, passes?, why)
CASES = [
    (
        "finance-strict-mtls-metrics-port",
        "mode: PERMISSIVE",
        "mode: DISABLE",
        True,
        "DISABLE on the metrics port also lets the scraper in",
    ),
    (
        "finance-strict-mtls-metrics-port",
        "  name: default\n  namespace: finance",
        "  name: default\n  namespace: monitoring",
        False,
        "strict only for the ledger leaves the rest of finance permissive",
    ),
    (
        "mesh-wide-strict-mtls",
        "namespace: istio-system",
        "namespace: warehouse",
        False,
        "a namespace policy is not the mesh-wide default",
    ),
    (
        "vault-only-checkout-may-call",
        'principals: ["cluster.local/ns/shop/sa/checkout"]',
        'namespaces: ["shop"]',
        False,
        "the whole shop namespace is more than checkout",
    ),
    (
        "deny-admin-deletes",
        'paths: ["/admin/*"]',
        'paths: ["/admin/cache"]',
        False,
        "only one admin path is blocked",
    ),
    (
        "deny-admin-deletes",
        'methods: ["DELETE"]\n            paths: ["/admin/*"]',
        'methods: ["DELETE"]\n            paths: ["/admin/*", "/admin"]',
        True,
        "also blocking /admin itself is still right",
    ),
    (
        "clinic-default-deny",
        "apiVersion: security.istio.io/v1\nkind: AuthorizationPolicy\nmetadata:\n"
        "  name: allow-nothing\n  namespace: clinic\nspec: {}\n---\n",
        "",
        False,
        "without allow-nothing, billing accepts everyone",
    ),
    (
        "reports-api-jwt-admins",
        'requestPrincipals: ["https://sso.northwind.example/*"]',
        'requestPrincipals: ["*"]',
        True,
        "any verified token's principal is enough here",
    ),
    (
        "reports-api-jwt-admins",
        '      when:\n        - key: request.auth.claims[groups]\n          values: ["admins"]\n',
        "",
        False,
        "every token holder gets in",
    ),
    (
        "orders-strict-and-client-tls",
        "    tls:\n      mode: ISTIO_MUTUAL\n",
        "",
        True,
        "without a tls block, auto mTLS picks mutual TLS",
    ),
    (
        "orders-strict-and-client-tls",
        "mode: ISTIO_MUTUAL",
        "mode: SIMPLE",
        False,
        "one-way TLS is not the mesh's mutual TLS",
    ),
    (
        "backend-namespace-isolation",
        'namespaces: ["frontend", "backend"]',
        'namespaces: ["frontend"]',
        False,
        "api can no longer call db-proxy",
    ),
    (
        "cart-canary-subset-matches-no-pods",
        "version: v2",
        "version: v1",
        False,
        "a canary subset that selects the old pods",
    ),
    (
        "search-beta-missing-default-route",
        "    - route:\n        - destination:\n            host: search\n            subset: v1",
        "    - match:\n        - uri:\n            prefix: /\n      route:\n"
        "        - destination:\n            host: search\n            subset: v1",
        True,
        "a prefix / match is a default route too",
    ),
    (
        "helm-gateway-selector-matches-nothing",
        "istio: ingress",
        "app: istio-ingress",
        True,
        "any label of the new gateway pods selects them",
    ),
    (
        "gateway-missing-api-host",
        "        - www.tickets.example\n        - api.tickets.example",
        '        - "*.tickets.example"',
        True,
        "a wildcard server host accepts both names",
    ),
    (
        "two-virtualservices-one-host",
        "      timeout: 2s\n      route:\n        - destination:\n"
        "            host: catalog\n            subset: v1\n          weight: 90\n"
        "        - destination:\n            host: catalog\n            subset: v2\n"
        "          weight: 10",
        "      timeout: 2s\n      route:\n        - destination:\n            host: catalog\n"
        "            subset: v1",
        False,
        "searches lose the canary split",
    ),
    (
        "payroll-deny-shadows-allow",
        'namespaces: ["hr"]\n    - from',
        'namespaces: ["hr", "compliance"]\n    - from',
        False,
        "the auditor may write salaries",
    ),
    (
        "strict-namespace-client-tls-disable",
        "    mode: STRICT",
        "    mode: PERMISSIVE",
        False,
        "weakening the server lets plaintext in",
    ),
    (
        "strict-namespace-client-tls-disable",
        "    tls:\n      mode: ISTIO_MUTUAL\n",
        "",
        True,
        "without a tls block, auto mTLS picks mutual TLS",
    ),
    (
        "recommender-misspelled-match",
        "exact: gold",
        "regex: gold",
        True,
        "a regex match for gold behaves the same",
    ),
    (
        "canary-upgrade-with-revision-tags",
        "revision: 1-31-2",
        "revision: 1.31.2",
        False,
        "revision names cannot contain dots",
    ),
    (
        "canary-upgrade-with-revision-tags",
        "    istio.io/rev: prod-canary",
        "    istio.io/rev: prod-canary\n    istio-injection: enabled",
        False,
        "istio-injection would win over the tag",
    ),
    (
        "production-profile-keeps-egress",
        "  components:\n",
        "  components:\n    ingressGateways:\n      - name: istio-ingressgateway\n"
        "        enabled: true\n",
        True,
        "naming the ingress gateway explicitly changes nothing",
    ),
    (
        "ambient-install-and-enrol",
        "        app: orders-migrate\n        istio.io/dataplane-mode: none",
        "        app: orders-migrate",
        False,
        "the migration pods would be captured",
    ),
    (
        "registry-only-outbound-traffic",
        "location: MESH_EXTERNAL",
        "location: MESH_INTERNAL",
        False,
        "the card processor has no sidecar",
    ),
    (
        "storefront-sidecar-injection",
        "istio-injection: enabled",
        "istio-injection: disabled",
        False,
        "the webhook selects only the value enabled",
    ),
    (
        "storefront-sidecar-injection",
        'app: schema-migrate\n        sidecar.istio.io/inject: "false"',
        "app: schema-migrate",
        False,
        "the Job's pods would get a sidecar",
    ),
]


@pytest.mark.parametrize(
    "slug, old, new, passes, why", CASES, ids=[f"{c[0]}: {c[4]}" for c in CASES]
)
def test_an_edited_solution_is_graded_by_what_it_does(slug, old, new, passes, why):
    task = TASKS[slug]
    assert task.solution.count(old) == 1, "the edit must name one place in the solution"
    result = grade(task, task.solution.replace(old, new))
    failed = [check.name for check in result.checks if not check.passed]
    assert result.passed is passes, (why, failed)


def test_every_task_of_these_files_has_an_edited_case():
    assert set(TASKS) == {case[0] for case in CASES}


# --- the tasks that worked around the grader's gaps now grade behaviour ---------------------

ALL_TASKS = {
    task.slug: task
    for name in ("traffic.yaml", "resilience.yaml", *TASK_FILES)
    for task in read_task_file(read_yaml(Path(SHIPPED_COURSE / "tasks" / name)))
}
FOLLOW_UP_CASES = [
    (
        "storefront-ingress-gateway",
        "    hosts:\n    - shop.example.com\n---",
        '    hosts:\n    - "*"\n---',
        True,
        "a wildcard server: other hosts still find no route (404)",
    ),
    (
        "storefront-ingress-gateway",
        "  hosts:\n  - shop.example.com\n  gateways:",
        "  hosts:\n  - shop.example.com\n  - admin.example.com\n  gateways:",
        True,
        "a VirtualService host the gateway does not accept is not served",
    ),
    (
        "catalog-legacy-path-rewrite",
        "prefix: /api/v1/products\n    rewrite:\n      uri: /products",
        "prefix: /api/v1/\n    rewrite:\n      uri: /",
        True,
        "another prefix that leaves the same path",
    ),
    (
        "catalog-legacy-path-rewrite",
        "uri: /products\n",
        "uri: /products/\n",
        False,
        "/products//42 is not /products/42",
    ),
    (
        "inventory-delay-for-qa-user",
        "  - name: everyone-else\n",
        "  - name: everyone-else\n    fault:\n      delay:\n        fixedDelay: 1s\n"
        "        percentage:\n          value: 5\n",
        False,
        "everyone else is delayed too, now and then",
    ),
    (
        "shipping-abort-for-chaos-bot",
        "  - name: all-traffic\n",
        "  - name: all-traffic\n    fault:\n      abort:\n        httpStatus: 503\n"
        "        percentage:\n          value: 1\n",
        False,
        "customers are aborted now and then",
    ),
    (
        "ratings-game-day-faults",
        "value: 10\n",
        "value: 100\n",
        False,
        "an abort for every request: no request reaches ratings",
    ),
    (
        "cart-canary-subset-matches-no-pods",
        "    - name: stable\n      labels:\n        version: v1\n"
        "    - name: canary\n      labels:\n        version: v2\n",
        "    - name: canary\n      labels:\n        version: v2\n"
        "    - name: stable\n      labels:\n        version: v1\n",
        True,
        "the subsets in another order",
    ),
    (
        "storefront-sidecar-injection",
        'sidecar.istio.io/inject: "false"',
        "sidecar.istio.io/inject: false",
        False,
        "a bare YAML boolean is not a label value",
    ),
]


@pytest.mark.parametrize(
    "slug, old, new, passes, why",
    FOLLOW_UP_CASES,
    ids=[f"{c[0]}: {c[4]}" for c in FOLLOW_UP_CASES],
)
def test_tasks_that_worked_around_the_grader_grade_behaviour(slug, old, new, passes, why):
    task = ALL_TASKS[slug]
    solution = task.solution
    assert solution.count(old) == 1, "the edit must name one place in the solution"
    result = grade(task, solution.replace(old, new))
    failed = [check.name for check in result.checks if not check.passed]
    assert result.passed is passes, (why, failed)


def test_the_chaos_drill_start_fails_because_every_customer_is_aborted():
    task = ALL_TASKS["shipping-abort-for-chaos-bot"]
    customer = next(c for c in grade(task, task.starting_config).checks if "customer" in c.name)
    assert not customer.passed
    assert "Every request this check sends is aborted" in customer.message


def test_a_bare_boolean_label_fails_with_a_message_that_says_why():
    task = ALL_TASKS["storefront-sidecar-injection"]
    edited = task.solution.replace('inject: "false"', "inject: false")
    messages = [c.message for c in grade(task, edited).checks if not c.passed]
    assert any("quote it" in message for message in messages)


def test_a_second_host_on_the_gateway_and_the_route_is_served_and_fails():
    task = ALL_TASKS["storefront-ingress-gateway"]
    both = task.solution.replace(
        "    - shop.example.com\n---", "    - shop.example.com\n    - admin.example.com\n---"
    ).replace(
        "  - shop.example.com\n  gateways",
        "  - shop.example.com\n  - admin.example.com\n  gateways",
    )
    result = grade(task, both)
    failed = [check.name for check in result.checks if not check.passed]
    assert failed == ["Other host names are not served"]
