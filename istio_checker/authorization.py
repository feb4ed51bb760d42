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

from .authz_rules import Facts, rule_matches
from .budget import running, spend_text
from .node_readers import items, text
from .request_authentication import authenticate
from .resources import Resource, load_resources
from .workloads import ROOT_NAMESPACE, Workload, policy_scope, qualified_name

# https://istio.io/latest/docs/tasks/security/authorization/authz-dry-run/
DRY_RUN_ANNOTATION = "istio.io/dry-run"
ACTIONS = ("ALLOW", "DENY", "AUDIT", "CUSTOM")


@dataclass(frozen=True)
class Caller:
    principal: str | None = None
    namespace: str | None = None
    ip: str | None = None
    jwt_claims: Mapping[str, object] | None = None  # claims of a token that verifies; None: none
    invalid_jwt: bool = False  # a token that fails verification

    @classmethod
    def of(cls, workload: Workload, **token) -> Caller:
        """A workload as the caller: its principal only when it has a sidecar (a peer without
        one sends plaintext, so the server sees no certificate and no namespace from it)."""
        if not workload.sidecar:
            return cls(ip=workload.ip, **token)
        return cls(workload.principal, workload.namespace, workload.ip, **token)


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
            *_NOBODY,
            f"`{workload.name}` has no sidecar, so nothing enforces AuthorizationPolicy or "
            "RequestAuthentication there: the request is allowed.",
        )
    authn = authenticate(resources, workload, caller.jwt_claims, caller.invalid_jwt, root_namespace)
    if authn.rejected_by is not None:
        return AuthzDecision(
            "deny", 401, authn.rejected_by, None, None, authn.rejected_line, authn.rejection
        )
    facts = _facts(request, authn.request_principal, authn.claims)
    notes = list(authn.notes)
    if caller.namespace and not caller.principal:
        notes.append(
            "The caller has no mTLS principal. Istio reads the source namespace from the peer's "
            "certificate, so a plaintext caller has none; here the namespace given is used as "
            "if it came with one."
        )
    by_action = _applying(resources, workload, root_namespace, facts, notes)
    custom = next(iter(_matches(by_action["CUSTOM"], facts)), None)
    decision = _decide(by_action, facts, workload, custom)
    if custom is not None:
        decision.custom = qualified_name(custom.resource)
        if decision.action != "CUSTOM":
            decision.reason += (
                f" `{decision.custom}` (CUSTOM) sends it to the external authorizer first; "
                "this assumes the authorizer allows it."
            )
    decision.audited_by = [qualified_name(m.resource) for m in _matches(by_action["AUDIT"], facts)]
    decision.notes = notes
    return decision


_NOBODY = (None, None, None, None, None)  # status, policy, action, rule, line: no policy decided


def _applying(
    resources: list[Resource],
    workload: Workload,
    root_namespace: str,
    facts: Facts,
    notes: list[str],
) -> dict[str, list[Resource]]:
    """The enforcing policies that apply to `workload`, by action. Dry-run policies only add a
    note when they match (Istio turns them into shadow rules)."""
    by_action: dict[str, list[Resource]] = {action: [] for action in ACTIONS}
    dry_runs: list[Resource] = []
    for resource in resources:
        if resource.kind != "AuthorizationPolicy":
            continue
        scope = policy_scope(resource, workload, root_namespace)
        if scope.note:
            notes.append(f"`{qualified_name(resource)}` does not apply: {scope.note}.")
        if scope.applies and _dry_run(resource):
            dry_runs.append(resource)
        elif scope.applies and _action(resource) in by_action:
            by_action[_action(resource)].append(resource)
    for match in _matches(dry_runs, facts):
        notes.append(
            f"`{qualified_name(match.resource)}` is a dry run: its rule {match.rule + 1} matches, "
            f"but it does not {_action(match.resource)} the request."
        )
    return by_action


def _decide(
    by_action: dict[str, list[Resource]], facts: Facts, workload: Workload, custom: _Match | None
) -> AuthzDecision:
    """DENY, then ALLOW (CUSTOM was asked first and is assumed to allow)."""
    deny = next(iter(_matches(by_action["DENY"], facts)), None)
    if deny is not None:
        return _decided("deny", 403, "DENY", deny, "matches the request: 403.")
    allows = by_action["ALLOW"]
    if not allows and custom is not None:
        return _decided(
            "allow",
            None,
            "CUSTOM",
            custom,
            "sends the request to the external authorizer; if it allows, no DENY matches and "
            "no ALLOW policy applies to the workload, so the request is allowed.",
        )
    if not allows:
        return AuthzDecision(
            "allow",
            *_NOBODY,
            f"No DENY policy matches and no ALLOW policy applies to `{workload.name}`, so the "
            "request is allowed.",
        )
    allow = next(iter(_matches(allows, facts)), None)
    if allow is not None:
        return _decided("allow", None, "ALLOW", allow, "matches the request.")
    names = ", ".join(f"`{qualified_name(r)}`" for r in allows)
    return AuthzDecision(
        "deny",
        403,
        *_NOBODY[1:],
        f"ALLOW policies apply to `{workload.name}` ({names}) but none of their rules matches "
        "the request: 403.",
    )


def _decided(decision: str, status: int | None, action: str, match: _Match, said: str):
    name = qualified_name(match.resource)
    reason = f"Rule {match.rule + 1} of {action} policy `{name}` {said}"
    return AuthzDecision(decision, status, name, action, match.rule, match.line, reason)


def _action(resource: Resource) -> str:
    spec = resource.spec
    action = text(spec.get("action")) if spec is not None else None
    return action or "ALLOW"


def _facts(request: AccessRequest, request_principal: str | None, claims) -> Facts:
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
    return Facts(
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


def _matches(policies: list[Resource], facts: Facts):
    """Every (policy, first matching rule) in order; a generator, so the first is found
    without evaluating the rest."""
    for resource in policies:
        rules = items(resource.spec.get("rules")) if resource.spec is not None else []
        for index, rule in enumerate(rules):
            if rule_matches(rule, facts):
                yield _Match(resource, index, rule.line)
                break


def _dry_run(resource: Resource) -> bool:
    metadata = resource.root.get("metadata")
    annotations = metadata.get("annotations") if metadata is not None else None
    value = annotations.get(DRY_RUN_ANNOTATION) if annotations is not None else None
    return value is not None and str(value.value).lower() == "true"
