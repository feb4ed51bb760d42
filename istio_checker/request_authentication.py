"""RequestAuthentication: which JSON Web Tokens a workload's sidecar verifies, before any
AuthorizationPolicy runs (https://istio.io/latest/docs/reference/config/security/request_authentication/
and https://istio.io/latest/docs/concepts/security/#authentication-policies).

What this module decides for one request (the token itself is given as already checked:
`Caller.jwt_claims` holds the claims of a token that verifies, `Caller.invalid_jwt` marks one
that does not):

- no RequestAuthentication applies to the workload: its sidecar has no JWT filter, so a token
  (valid or not) is not read at all: the request goes on without a request principal;
- one applies and the token fails verification: 401, before authorization;
- one applies and the token's `iss` is not the `issuer` of any of their `jwtRules`: 401 too.
  istiod asks Envoy's jwt_authn for "one of the providers, or no token at all"
  (pilot/pkg/security/authn/policy_applier.go: requires_any of the provider and allow_missing),
  and a token no provider knows is not a missing one: Envoy answers 401 "Jwt issuer is not
  configured" (seen in istio/istio#40718 and #48244). A rule with `audiences` also needs the
  token's `aud` to hold one of them (401 otherwise);
- a token that passes: its request principal is `<iss>/<sub>` and its claims feed
  `request.auth.*` in AuthorizationPolicy;
- no token: authentication passes, with no request principal (to require one, an
  AuthorizationPolicy needs `requestPrincipals: ["*"]`).

Pure Python, no Django.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from .budget import spend
from .node_readers import items, text, texts
from .resources import Resource
from .workloads import Workload, policy_scope, qualified_name


@dataclass
class Authenticated:
    rejected_by: str | None = None  # the RequestAuthentication (ns/name) behind a 401
    rejected_line: int | None = None
    rejection: str = ""  # the sentence saying why
    request_principal: str | None = None
    claims: Mapping[str, object] | None = None  # None: no verified token
    notes: list[str] = field(default_factory=list)


def authenticate(
    resources: list[Resource],
    workload: Workload,
    jwt_claims: Mapping[str, object] | None,
    invalid_jwt: bool,
    root_namespace: str,
) -> Authenticated:
    applying = [
        r
        for r in resources
        if r.kind == "RequestAuthentication" and policy_scope(r, workload, root_namespace).applies
    ]
    result = Authenticated()
    if not applying:
        if invalid_jwt or jwt_claims is not None:
            result.notes.append(
                "No RequestAuthentication applies to this workload, so its sidecar does not read "
                "the token: the request has no request principal."
            )
        return result
    names = ", ".join(f"`{qualified_name(r)}`" for r in applying)
    if invalid_jwt:
        result.rejected_by, result.rejected_line = (
            qualified_name(applying[0]),
            applying[0].root.line,
        )
        result.rejection = (
            f"The token fails verification, and {names} makes this workload's sidecar verify "
            "tokens: 401 before any AuthorizationPolicy runs."
        )
        return result
    if jwt_claims is not None:
        _verify(applying, jwt_claims, names, result)
    return result


def _verify(
    applying: list[Resource], jwt_claims: Mapping[str, object], names: str, result: Authenticated
) -> None:
    """A token that verifies: its issuer (and audience) must be one a jwtRule accepts."""
    issuer = claim_text(jwt_claims.get("iss"))
    rules = [
        (resource, rule)
        for resource in applying
        for rule in items(resource.spec.get("jwtRules") if resource.spec is not None else None)
    ]
    accepting = [(r, rule) for r, rule in rules if _spent(text(rule.get("issuer")) == issuer)]
    if not accepting:
        _reject(result, applying[0])
        result.rejection = (
            f"The token's issuer `{issuer or '(none)'}` is not an issuer of {names}: "
            "the sidecar rejects it with 401 before any AuthorizationPolicy runs."
        )
        return
    token_audiences = claim_list(jwt_claims.get("aud"))
    for _resource, rule in accepting:
        wanted = texts(rule.get("audiences"))
        if not wanted or set(wanted) & set(token_audiences):
            subject = claim_text(jwt_claims.get("sub")) or ""
            result.request_principal = f"{issuer}/{subject}"
            result.claims = jwt_claims
            return
    resource = accepting[0][0]
    _reject(result, resource)
    result.rejection = (
        f"The token's audience is not one that `{qualified_name(resource)}` accepts for issuer "
        f"`{issuer}`: 401 before any AuthorizationPolicy runs."
    )


def _reject(result: Authenticated, resource: Resource) -> None:
    result.rejected_by, result.rejected_line = qualified_name(resource), resource.root.line


def _spent(value: bool) -> bool:
    spend()
    return value


def claim_text(value: object) -> str | None:
    if value is None or isinstance(value, dict | list):
        return None
    if isinstance(value, bool):  # JSON spells them lowercase
        return "true" if value else "false"
    return str(value)


def claim_list(value: object) -> list[str]:
    if isinstance(value, list):
        return [t for t in (claim_text(v) for v in value) if t is not None]
    single = claim_text(value)
    return [single] if single is not None else []
