"""AuthorizationPolicy and RequestAuthentication evaluation (istio_checker.authorization): the
order CUSTOM, DENY, ALLOW; scopes; every rule field; `when` conditions; JWT 401s; the budget."""

import math

import pytest

from istio_checker import validate
from istio_checker.authorization import AccessRequest, Caller, authorize, authorize_text
from istio_checker.budget import OutOfBudget, WorkBudget, running
from istio_checker.resources import load_resources
from istio_checker.workloads import Workload

REVIEWS = Workload(
    "reviews-v1",
    namespace="bookinfo",
    labels={"app": "reviews", "version": "v1"},
    service="reviews",
    ip="10.8.0.21",
    ports=(9080,),
)
PRODUCTPAGE = Caller(
    principal="cluster.local/ns/bookinfo/sa/bookinfo-productpage",
    namespace="bookinfo",
    ip="10.8.0.11",
)
STRANGER = Caller(principal="cluster.local/ns/other/sa/default", namespace="other", ip="10.9.0.5")


def policy(name: str, spec: str, namespace: str = "bookinfo", annotations: str = "") -> str:
    meta = f"{{name: {name}, namespace: {namespace}{annotations}}}"
    body = "\n".join("  " + line for line in spec.strip("\n").splitlines())
    return (
        f"apiVersion: security.istio.io/v1\nkind: AuthorizationPolicy\nmetadata: {meta}\n"
        f"spec:\n{body}\n---\n"
    )


def request_authn(name: str, spec: str, namespace: str = "bookinfo") -> str:
    body = "\n".join("  " + line for line in spec.strip("\n").splitlines())
    return (
        "apiVersion: security.istio.io/v1\nkind: RequestAuthentication\n"
        f"metadata: {{name: {name}, namespace: {namespace}}}\nspec:\n{body}\n---\n"
    )


def ask(
    text: str,
    caller: Caller = PRODUCTPAGE,
    workload: Workload = REVIEWS,
    accepted: bool = True,
    **kwargs,
):
    errors = [p for p in validate(text) if p.severity == "error"] if text and accepted else []
    assert not errors, errors  # the configs here are ones istiod accepts
    return authorize_text(text, AccessRequest(caller=caller, workload=workload, **kwargs))


ALLOW_PRODUCTPAGE = policy(
    "allow-productpage",
    """
action: ALLOW
rules:
- from:
  - source:
      principals: [cluster.local/ns/bookinfo/sa/bookinfo-productpage]
""",
)


# --- the order and the defaults -------------------------------------------------------------


def test_no_policy_allows_and_says_so():
    decision = ask("")
    assert (decision.decision, decision.status, decision.policy) == ("allow", None, None)
    assert "no ALLOW policy applies" in decision.reason


def test_allow_policy_allows_the_named_principal_and_denies_others():
    allowed = ask(ALLOW_PRODUCTPAGE)
    assert (allowed.decision, allowed.policy, allowed.action, allowed.rule) == (
        "allow",
        "bookinfo/allow-productpage",
        "ALLOW",
        0,
    )
    assert allowed.line == 7
    denied = ask(ALLOW_PRODUCTPAGE, caller=STRANGER)
    assert (denied.decision, denied.status, denied.policy) == ("deny", 403, None)
    assert "bookinfo/allow-productpage" in denied.reason


def test_deny_wins_over_allow():
    text = ALLOW_PRODUCTPAGE + policy(
        "deny-delete", "action: DENY\nrules:\n- to:\n  - operation: {methods: [DELETE]}"
    )
    decision = ask(text, method="DELETE")
    assert (decision.decision, decision.status, decision.policy, decision.action) == (
        "deny",
        403,
        "bookinfo/deny-delete",
        "DENY",
    )
    assert ask(text, method="GET").policy == "bookinfo/allow-productpage"


def test_allow_with_no_rules_denies_everything_and_empty_rule_allows_everything():
    assert ask(policy("allow-nothing", "action: ALLOW")).decision == "deny"
    assert ask(policy("allow-nothing", "{}")).decision == "deny"
    everything = ask(policy("allow-all", "action: ALLOW\nrules:\n- {}"), caller=STRANGER)
    assert (everything.decision, everything.policy) == ("allow", "bookinfo/allow-all")


def test_deny_with_no_rules_matches_nothing_and_deny_all_denies():
    # The lab's checker flags it (IST0106), but were it applied, it would match nothing.
    assert ask(policy("deny-none", "action: DENY"), accepted=False).decision == "allow"
    assert ask(policy("deny-all", "action: DENY\nrules:\n- {}")).status == 403


def test_custom_is_reported_and_evaluation_goes_on_as_if_the_provider_allowed():
    custom = policy(
        "ext",
        "action: CUSTOM\nprovider: {name: opa}\nrules:\n- to:\n  - operation: {paths: [/admin*]}",
    )
    alone = ask(custom, path="/admin/users")
    assert (alone.decision, alone.action, alone.policy, alone.custom) == (
        "allow",
        "CUSTOM",
        "bookinfo/ext",
        "bookinfo/ext",
    )
    deny = policy("deny-admin", "action: DENY\nrules:\n- to:\n  - operation: {paths: [/admin*]}")
    denied = ask(custom + deny, path="/admin/users")
    assert (denied.policy, denied.custom) == ("bookinfo/deny-admin", "bookinfo/ext")
    assert "external authorizer" in denied.reason
    assert ask(custom, path="/public").custom is None


def test_audit_never_decides_but_is_listed():
    audit = policy("audit-all", "action: AUDIT\nrules:\n- {}")
    decision = ask(audit + ALLOW_PRODUCTPAGE, caller=STRANGER)
    assert decision.decision == "deny"
    assert decision.audited_by == ["bookinfo/audit-all"]


def test_dry_run_policy_does_not_enforce():
    dry = policy(
        "deny-all-dry",
        "action: DENY\nrules:\n- {}",
        annotations=', annotations: {"istio.io/dry-run": "true"}',
    )
    decision = ask(dry)
    assert decision.decision == "allow"
    assert any("dry run" in note for note in decision.notes)
    dry_allow = policy(
        "allow-nothing-dry",
        "action: ALLOW\nrules:\n- from:\n  - source: {namespaces: [nowhere]}",
        annotations=', annotations: {"istio.io/dry-run": "true"}',
    )
    # A dry-run ALLOW does not make the workload deny what it does not match.
    assert ask(dry_allow).decision == "allow"


def test_workload_without_sidecar_enforces_nothing():
    bare = Workload("legacy", namespace="bookinfo", labels={"app": "reviews"}, sidecar=False)
    decision = ask(policy("deny-all", "action: DENY\nrules:\n- {}"), workload=bare)
    assert decision.decision == "allow" and "no sidecar" in decision.reason


# --- which policies apply -------------------------------------------------------------------


def test_root_namespace_policy_applies_mesh_wide_and_other_namespaces_do_not():
    deny_all = "action: DENY\nrules:\n- {}"
    assert ask(policy("mesh-deny", deny_all, namespace="istio-system")).status == 403
    assert ask(policy("elsewhere", deny_all, namespace="shop")).decision == "allow"


def test_selector_picks_workloads_in_its_namespace_and_root_selector_everywhere():
    deny_v1 = "selector:\n  matchLabels: {version: v1}\naction: DENY\nrules:\n- {}"
    deny_v2 = "selector:\n  matchLabels: {version: v2}\naction: DENY\nrules:\n- {}"
    assert ask(policy("v1", deny_v1)).status == 403
    assert ask(policy("v2", deny_v2)).decision == "allow"
    assert ask(policy("root-v1", deny_v1, namespace="istio-system")).status == 403
    assert ask(policy("other-v1", deny_v1, namespace="shop")).decision == "allow"


def test_policy_without_namespace_is_in_default():
    text = (
        "apiVersion: security.istio.io/v1\nkind: AuthorizationPolicy\nmetadata: {name: x}\n"
        "spec: {action: DENY, rules: [{}]}\n"
    )
    assert ask(text).decision == "allow"
    in_default = Workload("a", namespace="default")
    assert ask(text, workload=in_default).policy == "default/x"


def test_target_ref_gateway_selects_the_gateway_pods_and_service_refs_do_not_apply():
    gateway_pod = Workload(
        "gw",
        namespace="bookinfo",
        labels={"gateway.networking.k8s.io/gateway-name": "public"},
    )
    deny = "targetRefs:\n- {group: gateway.networking.k8s.io, kind: Gateway, name: public}\n"
    deny += "action: DENY\nrules:\n- {}"
    assert ask(policy("gw-deny", deny), workload=gateway_pod).status == 403
    assert ask(policy("gw-deny", deny)).decision == "allow"
    svc = "targetRef: {kind: Service, group: '', name: reviews}\naction: DENY\nrules:\n- {}"
    decision = ask(policy("svc-deny", svc))
    assert decision.decision == "allow"
    assert any("waypoint" in note for note in decision.notes)


# --- from.source ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("source", "caller", "matched"),
    [
        ("principals: ['*']", PRODUCTPAGE, True),
        ("principals: ['*']", Caller(), False),
        ("principals: ['cluster.local/ns/bookinfo/*']", PRODUCTPAGE, True),
        ("principals: ['*/sa/bookinfo-productpage']", PRODUCTPAGE, True),
        ("principals: ['*/sa/other']", PRODUCTPAGE, False),
        ("notPrincipals: ['*/sa/bookinfo-productpage']", PRODUCTPAGE, False),
        ("notPrincipals: ['*/sa/bookinfo-productpage']", STRANGER, True),
        ("namespaces: [bookinfo]", PRODUCTPAGE, True),
        ("namespaces: [bookinfo]", STRANGER, False),
        ("notNamespaces: [bookinfo]", STRANGER, True),
        ("namespaces: [book*]", PRODUCTPAGE, True),
        ("ipBlocks: [10.8.0.0/16]", PRODUCTPAGE, True),
        ("ipBlocks: [10.8.0.0/16]", STRANGER, False),
        ("ipBlocks: [10.8.0.11]", PRODUCTPAGE, True),
        ("notIpBlocks: [10.8.0.0/16]", STRANGER, True),
        ("remoteIpBlocks: [10.9.0.0/24]", STRANGER, True),
        ("notRemoteIpBlocks: [10.9.0.0/24]", STRANGER, False),
        ("principals: []", STRANGER, True),  # an empty list is not set
        ("{principals: ['*'], namespaces: [other]}", PRODUCTPAGE, False),  # AND of fields
        ("requestPrincipals: ['*']", PRODUCTPAGE, False),  # no token
    ],
)
def test_source_fields(source, caller, matched):
    source = source if source.startswith("{") else "{" + source + "}"
    text = policy("allow", f"action: ALLOW\nrules:\n- from:\n  - source: {source}")
    assert (ask(text, caller=caller).decision == "allow") is matched


def test_namespace_comes_from_the_principal_when_not_given():
    caller = Caller(principal="cluster.local/ns/shop/sa/cart")
    text = policy("allow", "action: ALLOW\nrules:\n- from:\n  - source: {namespaces: [shop]}")
    assert ask(text, caller=caller).decision == "allow"


def test_a_namespace_without_a_principal_is_used_and_the_answer_says_so():
    text = policy("allow", "action: ALLOW\nrules:\n- from:\n  - source: {namespaces: [shop]}")
    decision = ask(text, caller=Caller(namespace="shop"))
    assert decision.decision == "allow"
    assert any("no mTLS principal" in note for note in decision.notes)
    assert not ask(text, caller=Caller(principal="cluster.local/ns/shop/sa/x")).notes


def test_several_sources_are_or():
    text = policy(
        "allow",
        "action: ALLOW\nrules:\n- from:\n  - source: {namespaces: [shop]}\n"
        "  - source: {namespaces: [other]}",
    )
    assert ask(text, caller=STRANGER).decision == "allow"
    assert ask(text).decision == "deny"


# --- to.operation -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("operation", "request_fields", "matched"),
    [
        ("methods: [GET, HEAD]", {"method": "GET"}, True),
        ("methods: [GET]", {"method": "POST"}, False),
        ("notMethods: [DELETE]", {"method": "GET"}, True),
        ("notMethods: [DELETE]", {"method": "DELETE"}, False),
        ("paths: [/reviews/1]", {"path": "/reviews/1"}, True),
        ("paths: [/reviews/1]", {"path": "/reviews/1?x=2"}, True),  # the query is not the path
        ("paths: ['/reviews/*']", {"path": "/reviews/7/x"}, True),
        ("paths: ['*/health']", {"path": "/api/health"}, True),
        ("paths: ['*']", {"path": "/"}, True),
        ("notPaths: ['/admin*']", {"path": "/admin/x"}, False),
        ("paths: ['/reviews/{*}']", {"path": "/reviews/7"}, True),
        ("paths: ['/reviews/{*}']", {"path": "/reviews/7/x"}, False),
        ("paths: ['/reviews/{*}']", {"path": "/reviews/"}, False),
        ("paths: ['/reviews/{*}/ratings']", {"path": "/reviews/7/ratings"}, True),
        ("paths: ['/reviews/{**}']", {"path": "/reviews/7/x/y"}, True),
        ("paths: ['/reviews/{**}']", {"path": "/reviewsx"}, False),
        ("paths: ['/files/{**}/x.txt']", {"path": "/files/a/b/x.txt"}, True),
        ("paths: ['/files/{**}/x.txt']", {"path": "/files/a/b/y.txt"}, False),
        ("ports: ['9080']", {}, True),  # the workload's only port
        ("ports: ['9080']", {"port": 8080}, False),
        ("notPorts: ['9080']", {"port": 8080}, True),
        ("hosts: [reviews]", {}, True),  # the workload's Service
        ("hosts: ['REVIEWS.bookinfo*']", {"host": "reviews.bookinfo.svc.cluster.local"}, True),
        ("hosts: ['*.example.com']", {"host": "reviews"}, False),
        ("notHosts: ['*.example.com']", {"host": "shop.example.com"}, False),
        ("{methods: [GET], paths: [/x]}", {"method": "GET", "path": "/y"}, False),
    ],
)
def test_operation_fields(operation, request_fields, matched):
    operation = operation if operation.startswith("{") else "{" + operation + "}"
    text = policy("allow", f"action: ALLOW\nrules:\n- to:\n  - operation: {operation}")
    assert (ask(text, **request_fields).decision == "allow") is matched


def test_rule_needs_from_and_to_and_the_second_rule_can_decide():
    text = policy(
        "allow",
        """
action: ALLOW
rules:
- from:
  - source: {namespaces: [bookinfo]}
  to:
  - operation: {methods: [POST]}
- to:
  - operation: {methods: [GET]}
""",
    )
    assert ask(text, method="POST").rule == 0
    assert ask(text, caller=STRANGER, method="POST").decision == "deny"
    decision = ask(text, caller=STRANGER, method="GET")
    assert (decision.decision, decision.rule) == ("allow", 1)


# --- when --------------------------------------------------------------------------------------

TOKEN = {
    "iss": "https://issuer.example.com",
    "sub": "alice",
    "aud": ["shop", "reviews"],
    "azp": "web",
    "groups": ["admins", "dev"],
    "org": {"team": {"name": "core"}},
    "verified": True,
}
JWT_RULES = "jwtRules:\n- issuer: https://issuer.example.com"
WITH_TOKEN = Caller(principal=PRODUCTPAGE.principal, ip="10.8.0.11", jwt_claims=TOKEN)


@pytest.mark.parametrize(
    ("condition", "caller", "fields", "matched"),
    [
        (
            "{key: 'request.headers[x-token]', values: [abc]}",
            PRODUCTPAGE,
            {"headers": {"X-Token": "abc"}},
            True,
        ),
        ("{key: 'request.headers[x-token]', values: ['*']}", PRODUCTPAGE, {}, False),
        ("{key: 'request.headers[x-token]', notValues: ['*']}", PRODUCTPAGE, {}, True),
        ("{key: source.ip, values: [10.8.0.0/24]}", PRODUCTPAGE, {}, True),
        ("{key: remote.ip, notValues: [10.8.0.0/24]}", PRODUCTPAGE, {}, False),
        ("{key: source.namespace, values: [bookinfo]}", PRODUCTPAGE, {}, True),
        ("{key: source.principal, values: ['*/sa/bookinfo-productpage']}", PRODUCTPAGE, {}, True),
        (
            "{key: source.serviceAccount, values: [bookinfo/bookinfo-productpage]}",
            PRODUCTPAGE,
            {},
            True,
        ),
        ("{key: destination.port, values: ['9080']}", PRODUCTPAGE, {}, True),
        ("{key: destination.port, notValues: ['9080']}", PRODUCTPAGE, {}, False),
        ("{key: destination.ip, values: [10.8.0.21]}", PRODUCTPAGE, {}, True),
        ("{key: connection.sni, values: ['*']}", PRODUCTPAGE, {}, False),
        (
            "{key: request.auth.principal, values: [https://issuer.example.com/alice]}",
            WITH_TOKEN,
            {},
            True,
        ),
        ("{key: request.auth.principal, values: ['*']}", PRODUCTPAGE, {}, False),
        ("{key: request.auth.audiences, values: [reviews]}", WITH_TOKEN, {}, True),
        ("{key: request.auth.audiences, values: [billing]}", WITH_TOKEN, {}, False),
        ("{key: request.auth.presenter, values: [web]}", WITH_TOKEN, {}, True),
        ("{key: 'request.auth.claims[groups]', values: [admins]}", WITH_TOKEN, {}, True),
        ("{key: 'request.auth.claims[groups]', values: [ops]}", WITH_TOKEN, {}, False),
        ("{key: 'request.auth.claims[groups]', notValues: [dev]}", WITH_TOKEN, {}, False),
        ("{key: 'request.auth.claims[org][team][name]', values: [core]}", WITH_TOKEN, {}, True),
        ("{key: 'request.auth.claims[org][team]', values: [core]}", WITH_TOKEN, {}, False),
        ("{key: 'request.auth.claims[verified]', values: ['true']}", WITH_TOKEN, {}, True),
        ("{key: 'request.auth.claims[]', values: [x]}", WITH_TOKEN, {}, False),
        ("{key: no.such.attribute, values: [x]}", PRODUCTPAGE, {}, False),
    ],
)
def test_when_conditions(condition, caller, fields, matched):
    text = request_authn("jwt", JWT_RULES) + policy(
        "allow", f"action: ALLOW\nrules:\n- when:\n  - {condition}"
    )
    assert (ask(text, caller=caller, **fields).decision == "allow") is matched


def test_every_when_condition_must_hold():
    text = policy(
        "allow",
        "action: ALLOW\nrules:\n- when:\n  - {key: source.namespace, values: [bookinfo]}\n"
        "  - {key: 'request.headers[x-a]', values: ['1']}",
    )
    assert ask(text, headers={"x-a": "1"}).decision == "allow"
    assert ask(text, headers={"x-a": "2"}).decision == "deny"


# --- RequestAuthentication and request principals ---------------------------------------------

REQUIRE_JWT = policy(
    "require-jwt", "action: ALLOW\nrules:\n- from:\n  - source: {requestPrincipals: ['*']}"
)


def test_valid_token_gives_the_request_principal_iss_slash_sub():
    text = request_authn("jwt", JWT_RULES) + policy(
        "alice",
        "action: ALLOW\nrules:\n- from:\n  - source:\n"
        "      requestPrincipals: [https://issuer.example.com/alice]",
    )
    assert ask(text, caller=WITH_TOKEN).decision == "allow"
    bob = Caller(jwt_claims={**TOKEN, "sub": "bob"})
    assert ask(text, caller=bob).status == 403


def test_invalid_token_is_401_before_authorization_when_a_request_authentication_applies():
    text = request_authn("jwt", JWT_RULES) + policy("allow-all", "action: ALLOW\nrules:\n- {}")
    decision = ask(text, caller=Caller(invalid_jwt=True))
    assert (decision.decision, decision.status, decision.policy) == ("deny", 401, "bookinfo/jwt")


def test_invalid_token_passes_unread_without_a_request_authentication():
    decision = ask(REQUIRE_JWT, caller=Caller(invalid_jwt=True))
    assert decision.status == 403  # no request principal, so requestPrincipals: ["*"] fails
    assert any("does not read the token" in note for note in decision.notes)
    assert ask("", caller=Caller(invalid_jwt=True)).decision == "allow"


def test_token_from_an_issuer_no_request_authentication_accepts_is_401():
    text = request_authn("jwt", JWT_RULES)
    other = Caller(jwt_claims={"iss": "https://evil.example.com", "sub": "x"})
    decision = ask(text, caller=other)
    assert decision.status == 401 and "evil.example.com" in decision.reason


def test_audiences_of_the_jwt_rule_must_include_the_token_s():
    rules = "jwtRules:\n- issuer: https://issuer.example.com\n  audiences: [billing]"
    assert ask(request_authn("jwt", rules), caller=WITH_TOKEN).status == 401
    rules = "jwtRules:\n- issuer: https://issuer.example.com\n  audiences: [reviews]"
    assert ask(request_authn("jwt", rules), caller=WITH_TOKEN).decision == "allow"


def test_no_token_passes_authentication_but_has_no_request_principal():
    text = request_authn("jwt", JWT_RULES) + REQUIRE_JWT
    assert ask(text, caller=PRODUCTPAGE).status == 403
    assert ask(text, caller=WITH_TOKEN).decision == "allow"


def test_request_authentication_scope_follows_selector_and_root_namespace():
    selected = request_authn("jwt", "selector:\n  matchLabels: {app: ratings}\n" + JWT_RULES)
    assert ask(selected, caller=Caller(invalid_jwt=True)).decision == "allow"
    mesh = request_authn("jwt", JWT_RULES, namespace="istio-system")
    assert ask(mesh, caller=Caller(invalid_jwt=True)).status == 401


# --- the API shape and the budget -------------------------------------------------------------


def test_as_dict_has_the_agreed_keys():
    keys = set(ask(ALLOW_PRODUCTPAGE).as_dict())
    assert {"decision", "policy", "rule", "reason", "status", "action", "line"} <= keys


def test_authorize_takes_loaded_resources_and_a_root_namespace():
    resources = load_resources(
        policy("mesh-deny", "action: DENY\nrules:\n- {}", namespace="mesh-root")
    ).resources
    request = AccessRequest(caller=PRODUCTPAGE, workload=REVIEWS)
    assert authorize(resources, request).decision == "allow"
    assert authorize(resources, request, root_namespace="mesh-root").status == 403


def _many_policies(count: int) -> str:
    one = policy(
        "p{n}",
        "action: ALLOW\nrules:\n- from:\n  - source: {principals: ['*/sa/nobody{n}']}\n"
        "  to:\n  - operation: {paths: ['/a/{*}/b{n}'], methods: [GET]}",
    )
    return "".join(one.replace("{n}", str(n)) for n in range(count))


def test_steps_grow_linearly_with_the_policies_and_stay_in_budget():
    steps = []
    for count in (50, 100, 200):
        text = _many_policies(count)
        request = AccessRequest(caller=STRANGER, workload=REVIEWS, path="/a/x/b")
        with running(WorkBudget(max_seconds=math.inf)) as budget:
            resources = load_resources(text).resources
            before = budget.steps
            assert authorize(resources, request).status == 403
            steps.append(budget.steps - before)
    assert steps[1] <= 2.2 * steps[0] and steps[2] <= 2.2 * steps[1]
    assert steps[2] < 20_000


def test_a_budget_too_small_stops_the_evaluation():
    text = _many_policies(100)
    request = AccessRequest(caller=STRANGER, workload=REVIEWS)
    resources = load_resources(text).resources
    with pytest.raises(OutOfBudget), running(WorkBudget(max_steps=200, max_seconds=math.inf)):
        authorize(resources, request)


def test_a_workload_as_caller_has_a_principal_only_with_a_sidecar():
    text = policy("allow", "action: ALLOW\nrules:\n- from:\n  - source: {namespaces: [bookinfo]}")
    productpage = Workload("pp", namespace="bookinfo", service_account="bookinfo-productpage")
    caller = Caller.of(productpage)
    assert caller.principal == PRODUCTPAGE.principal and caller.namespace == "bookinfo"
    assert ask(text, caller=caller).decision == "allow"
    bare = Workload("curl", namespace="bookinfo", ip="10.8.0.99", sidecar=False)
    assert Caller.of(bare) == Caller(ip="10.8.0.99")
    assert ask(text, caller=Caller.of(bare)).status == 403
    with_token = Caller.of(productpage, jwt_claims={"iss": "x", "sub": "y"})
    assert with_token.jwt_claims == {"iss": "x", "sub": "y"}
