"""Does one AuthorizationPolicy rule match a request? The `from` / `to` / `when` parts of
https://istio.io/latest/docs/reference/config/security/authorization-policy/#Rule and the
attributes of https://istio.io/latest/docs/reference/config/security/conditions/, held against
the facts of one request (`Facts`). authorization.py decides the order of the policies.

Learned from istio/istio pilot/pkg/security/authz/model/model.go (which `when` key becomes
which Envoy matcher) and generator.go (source.namespace from the principal, claims as lists);
nothing copied. Pure Python, no Django.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from .authz_values import any_ip_in, any_matches, any_matches_any, path_matches
from .budget import spend, spend_text
from .node_readers import items, text, texts
from .request_authentication import claim_list, claim_text
from .yamlsource import Node

MAX_CLAIM_DEPTH = 10


@dataclass
class Facts:
    """What a rule is compared with (absent facts are None)."""

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


def rule_matches(rule: Node, facts: Facts) -> bool:
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


def _source_matches(source: Node | None, f: Facts) -> bool:
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


def _operation_matches(operation: Node | None, f: Facts) -> bool:
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


def _condition_holds(condition: Node, f: Facts) -> bool:
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


def _condition_matcher(key: str, f: Facts):
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
