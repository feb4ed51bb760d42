"""Would Istio let this request through? AuthorizationPolicy evaluation for one request to one
workload, as the workload's sidecar does it.

The order (https://istio.io/latest/docs/concepts/security/#implicit-enablement and
https://istio.io/latest/docs/reference/config/security/authorization-policy/):

1. RequestAuthentication first (request_authentication.py): a rejected token is a 401 and no
   policy runs.
2. CUSTOM policies. We cannot know what an external authorizer answers, so a matching CUSTOM
   policy is named in the answer (`custom`, and the reason) and evaluation goes on **as if the
   provider allowed**: the answer is then what DENY and ALLOW decide, which is what a learner
   can change in the mesh's own config. When nothing else decides, the CUSTOM policy is given
   as the deciding one ("allowed if the provider allows").
3. DENY policies: any matching rule denies (403).
4. ALLOW policies: when none applies to the workload, the request is allowed; when some apply,
   one matching rule allows and no match denies (403).
AUDIT policies never decide; matching ones are listed in `audited_by`. A policy annotated
`istio.io/dry-run: "true"` is evaluated but does not enforce (`notes` says what it would do).
A workload without a sidecar enforces nothing: every request is allowed.

A rule matches when all its parts match: some `from` source, some `to` operation, and every
`when` condition; within a source or an operation every field given must match (one value of
a field is enough; a `not` field matches when none of its values does). `rules: [{}]` matches
every request; a policy without rules matches none (an ALLOW without rules thus denies all:
"allow-nothing"), as the reference says of `rules`. Empty lists (`principals: []`) count as
not set, as istiod skips them (pilot/pkg/security/authz/model/model.go).

The facts of the request: the source principal and namespace (from the peer's mTLS
certificate; `Caller.namespace` when given, else the `ns/<namespace>` part of the principal),
the source IP (also used as `remote.ip` / `remoteIpBlocks`: no proxy in front), the request
principal and claims of a verified token, the host (the request's, else the workload's
Service), the port (the request's, else the workload's only port: unknown otherwise, so
`ports` do not match and `notPorts` do), method, path and headers. `connection.sni` is unknown
here (no TLS from the client app): `values` on it do not match.

Everything is spent against the check's work budget: one step per value compared, linear in the
policies' text. Pure Python, no Django. Learned from pilot/pkg/security/authz/model/model.go,
generator.go and matcher/*.go of istio/istio (not copied).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import asdict, dataclass, field

from .authz_values import any_ip_in, any_matches, any_matches_any, path_matches
from .budget import running, spend, spend_text
from .node_readers import items, text, texts
from .request_authentication import authenticate, claim_list, claim_text
from .resources import Resource, load_resources
from .workloads import ROOT_NAMESPACE, Workload, policy_scope, qualified_name
from .yamlsource import Node

DRY_RUN_ANNOTATION = (
    "istio.io/dry-run"  # https://istio.io/latest/docs/tasks/security/authorization/authz-dry-run/
)
ACTIONS = ("ALLOW", "DENY", "AUDIT", "CUSTOM")
MAX_CLAIM_DEPTH = 10


@dataclass(frozen=True)
class Caller:
    principal: str | None = None
    namespace: str | None = None
    ip: str | None = None
    jwt_claims: Mapping[str, object] | None = None  # claims of a token that verifies; None: none
    invalid_jwt: bool = False  # a token that fails verification


@dataclass(frozen=True)
class AccessRequest:
    caller: Caller
    workload: Workload
    path: str = "/"
    method: str = "GET"
    port: int | None = None
    host: str | None = None
    headers: Mapping[str, str] = field(default_factory=dict)


@dataclass
class AuthzDecision:
    decision: str  # "allow" | "deny"
    status: int | None  # None when allowed; 403 denied by a policy; 401 token rejected
    policy: str | None  # "namespace/name" of the deciding policy
    action: str | None  # "CUSTOM" | "DENY" | "ALLOW" | None
    rule: int | None  # 0-based index into that policy's spec.rules
    line: int | None  # line of that rule (or of the policy) in the text
    reason: str
    custom: str | None = None  # a matching CUSTOM policy: the provider's answer is assumed allow
    audited_by: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    def as_dict(self) -> dict:
        return asdict(self)


@dataclass
class _Facts:
    principal: str | None
    namespace: str | None
    ip: str | None
    request_principal: str | None
    claims: Mapping[str, object] | None
    host: str | None
    port: int | None
    method: str
    path: str
    headers: dict[str, str]
    destination_ip: str | None


@dataclass
class _Match:
    resource: Resource
    rule: int
    line: int


def authorize_text(text_: object, request: AccessRequest) -> AuthzDecision:
    """Parse `text_` and authorize `request` against it (raises budget.OutOfBudget past the
    check's work budget)."""
    with running():
        return authorize(load_resources(text_).resources, request)


def authorize(
    resources: list[Resource], request: AccessRequest, root_namespace: str = ROOT_NAMESPACE
) -> AuthzDecision:
    with running():
        return _authorize(resources, request, root_namespace)


def _authorize(
    resources: list[Resource], request: AccessRequest, root_namespace: str
) -> AuthzDecision:
    workload, caller = request.workload, request.caller
    if not workload.sidecar:
        return AuthzDecision(
            "allow",
            None,
            None,
            None,
            None,
            None,
            f"`{workload.name}` has no sidecar, so nothing enforces AuthorizationPolicy or "
            "RequestAuthentication there: the request is allowed.",
        )
    authn = authenticate(resources, workload, caller.jwt_claims, caller.invalid_jwt, root_namespace)
    if authn.rejected_by is not None:
        return AuthzDecision(
            "deny", 401, authn.rejected_by, None, None, authn.rejected_line, authn.rejection
        )
    facts = _facts(request, authn.request_principal, authn.claims)
    by_action: dict[str, list[Resource]] = {action: [] for action in ACTIONS}
    notes = list(authn.notes)
    for resource in resources:
        if resource.kind != "AuthorizationPolicy":
            continue
        scope = policy_scope(resource, workload, root_namespace)
        if scope.note:
            notes.append(f"`{qualified_name(resource)}` does not apply: {scope.note}.")
        if scope.applies:
            action = _action(resource)
            if action in by_action:
                by_action[action].append(resource)
    audited = [qualified_name(m.resource) for m in _matches(by_action["AUDIT"], facts, notes)]
    custom = next(iter(_matches(by_action["CUSTOM"], facts, notes)), None)
    custom_name = qualified_name(custom.resource) if custom else None
    custom_said = (
        f" `{custom_name}` (CUSTOM) sends it to the external authorizer first; this assumes "
        "the authorizer allows it."
        if custom
        else ""
    )
    deny = next(iter(_matches(by_action["DENY"], facts, notes)), None)
    if deny is not None:
        name = qualified_name(deny.resource)
        return AuthzDecision(
            "deny",
            403,
            name,
            "DENY",
            deny.rule,
            deny.line,
            f"Rule {deny.rule + 1} of DENY policy `{name}` matches the request: 403.{custom_said}",
            custom_name,
            audited,
            notes,
        )
    allows = by_action["ALLOW"]
    if not allows:
        if custom is not None:
            return AuthzDecision(
                "allow",
                None,
                custom_name,
                "CUSTOM",
                custom.rule,
                custom.line,
                f"Rule {custom.rule + 1} of CUSTOM policy `{custom_name}` sends the request to "
                "the external authorizer; if it allows, no DENY matches and no ALLOW policy "
                "applies to the workload, so the request is allowed.",
                custom_name,
                audited,
                notes,
            )
        return AuthzDecision(
            "allow",
            None,
            None,
            None,
            None,
            None,
            f"No DENY policy matches and no ALLOW policy applies to `{workload.name}`, so the "
            f"request is allowed.{custom_said}",
            custom_name,
            audited,
            notes,
        )
    allow = next(iter(_matches(allows, facts, notes)), None)
    if allow is not None:
        name = qualified_name(allow.resource)
        return AuthzDecision(
            "allow",
            None,
            name,
            "ALLOW",
            allow.rule,
            allow.line,
            f"Rule {allow.rule + 1} of ALLOW policy `{name}` matches the request.{custom_said}",
            custom_name,
            audited,
            notes,
        )
    names = ", ".join(f"`{qualified_name(r)}`" for r in allows)
    return AuthzDecision(
        "deny",
        403,
        None,
        None,
        None,
        None,
        f"ALLOW policies apply to `{workload.name}` ({names}) but none of their rules matches "
        f"the request: 403.{custom_said}",
        custom_name,
        audited,
        notes,
    )


def _action(resource: Resource) -> str:
    spec = resource.spec
    action = text(spec.get("action")) if spec is not None else None
    return action or "ALLOW"


def _facts(request: AccessRequest, request_principal: str | None, claims) -> _Facts:
    caller, workload = request.caller, request.workload
    namespace = caller.namespace
    if namespace is None and caller.principal:
        _, found, rest = caller.principal.partition("/ns/")
        namespace = rest.partition("/")[0] if found else None
    port = request.port
    if port is None and len(workload.ports) == 1:
        port = workload.ports[0]
    headers = {str(k).lower(): str(v) for k, v in request.headers.items()}
    for value in headers.values():
        spend_text(value)
    return _Facts(
        principal=caller.principal,
        namespace=namespace,
        ip=caller.ip,
        request_principal=request_principal,
        claims=claims,
        host=request.host or workload.service,
        port=port,
        method=(request.method or "GET").upper(),
        path=request.path or "/",
        headers=headers,
        destination_ip=workload.ip,
    )


def _matches(policies: list[Resource], facts: _Facts, notes: list[str]):
    """Every (policy, first matching rule) in order; a generator, so the first is found
    without evaluating the rest. Dry-run policies are noted, never yielded."""
    for resource in policies:
        rules = items(resource.spec.get("rules")) if resource.spec is not None else []
        for index, rule in enumerate(rules):
            if _rule_matches(rule, facts):
                match = _Match(resource, index, rule.line)
                if _dry_run(resource):
                    notes.append(
                        f"`{qualified_name(resource)}` is a dry run: rule {index + 1} matches, "
                        f"but it does not {_action(resource)} the request."
                    )
                    break
                yield match
                break


def _dry_run(resource: Resource) -> bool:
    metadata = resource.root.get("metadata")
    annotations = metadata.get("annotations") if metadata is not None else None
    value = annotations.get(DRY_RUN_ANNOTATION) if annotations is not None else None
    return value is not None and str(value.value).lower() == "true"


def _rule_matches(rule: Node, facts: _Facts) -> bool:
    spend()
    if not rule.is_map:
        return False
    sources = items(rule.get("from"))
    if sources and not any(_source_matches(s.get("source"), facts) for s in sources):
        return False
    operations = items(rule.get("to"))
    if operations and not any(_operation_matches(o.get("operation"), facts) for o in operations):
        return False
    return all(_condition_holds(condition, facts) for condition in items(rule.get("when")))


def _field(node: Node | None, key: str, match) -> bool:
    """A positive field: unset or empty, or one of its values matches."""
    values = texts(node.get(key)) if node is not None else []
    return not values or match(values)


def _not_field(node: Node | None, key: str, match) -> bool:
    values = texts(node.get(key)) if node is not None else []
    return not values or not match(values)


def _source_matches(source: Node | None, f: _Facts) -> bool:
    spend()
    if source is None or not source.is_map:
        return True
    checks = (
        ("principals", lambda v: any_matches(v, f.principal)),
        ("requestPrincipals", lambda v: any_matches(v, f.request_principal)),
        ("namespaces", lambda v: any_matches(v, f.namespace)),
        ("ipBlocks", lambda v: any_ip_in(v, f.ip)),
        ("remoteIpBlocks", lambda v: any_ip_in(v, f.ip)),
    )
    return _all_fields(source, checks)


def _all_fields(node: Node, checks) -> bool:
    for key, match in checks:
        if not _field(node, key, match):
            return False
        negative = "not" + key[0].upper() + key[1:]
        if not _not_field(node, negative, match):
            return False
    return True


def _operation_matches(operation: Node | None, f: _Facts) -> bool:
    spend()
    if operation is None or not operation.is_map:
        return True
    port = None if f.port is None else str(f.port)
    checks = (
        ("hosts", lambda v: any_matches(v, f.host, ignore_case=True)),
        ("ports", lambda v: port is not None and port in v),
        ("methods", lambda v: any_matches(v, f.method)),
        ("paths", lambda v: any(path_matches(p, f.path) for p in v)),
    )
    return _all_fields(operation, checks)


def _condition_holds(condition: Node, f: _Facts) -> bool:
    """`when`: the key's fact matches one of `values` (if any) and none of `notValues`."""
    spend()
    key = text(condition.get("key")) or ""
    spend_text(key)
    match = _condition_matcher(key, f)
    if match is None:  # an attribute Istio does not know: istiod refuses the policy
        return False
    values, not_values = texts(condition.get("values")), texts(condition.get("notValues"))
    if values and not match(values):
        return False
    return not (not_values and match(not_values))


def _condition_matcher(key: str, f: _Facts):
    """What `values` of `key` are compared with (attributes of
    https://istio.io/latest/docs/reference/config/security/conditions/)."""
    simple = {
        "source.principal": f.principal,
        "source.namespace": f.namespace,
        "request.auth.principal": f.request_principal,
        "request.auth.presenter": claim_text(_claim(f.claims, ["azp"])),
        "connection.sni": None,
    }
    if key in simple:
        value = simple[key]
        return lambda v: any_matches(v, value)
    if key in ("source.ip", "remote.ip"):
        return lambda v: any_ip_in(v, f.ip)
    if key == "destination.ip":
        return lambda v: any_ip_in(v, f.destination_ip)
    if key == "destination.port":
        return lambda v: f.port is not None and str(f.port) in v
    if key == "request.auth.audiences":
        return lambda v: any_matches_any(v, claim_list(_claim(f.claims, ["aud"])))
    if key == "source.serviceAccount":  # <namespace>/<service account>
        account = _service_account(f.principal)
        return lambda v: any_matches(v, account)
    if key.startswith("request.headers[") and key.endswith("]"):
        header = f.headers.get(key[len("request.headers[") : -1].lower())
        return lambda v: any_matches(v, header)
    if key.startswith("request.auth.claims[") and key.endswith("]"):
        path = _claim_path(key[len("request.auth.claims") :])
        if path is None:
            return None
        claim = _claim(f.claims, path)
        return lambda v: any_matches_any(v, claim_list(claim))
    return None


def _claim_path(brackets: str) -> list[str] | None:
    """`[a][b]` → ["a", "b"] (nested claims); None when not that shape."""
    names = brackets[1:-1].split("][")
    if (
        not names
        or len(names) > MAX_CLAIM_DEPTH
        or any(not n or "[" in n or "]" in n for n in names)
    ):
        return None
    return names


def _claim(claims: Mapping[str, object] | None, path: list[str]) -> object:
    value: object = claims
    for name in path:
        spend()
        if not isinstance(value, Mapping):
            return None
        value = value.get(name)
    return value


def _service_account(principal: str | None) -> str | None:
    if not principal or "/ns/" not in principal or "/sa/" not in principal:
        return None
    rest = principal.partition("/ns/")[2]
    namespace, _, account = rest.partition("/sa/")
    return f"{namespace}/{account}"
