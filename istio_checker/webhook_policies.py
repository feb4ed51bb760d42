"""The security policies, Telemetry, WasmPlugin, EnvoyFilter and WorkloadEntry as istiod's
validating webhook and their CRDs' CEL rules refuse them, beyond the field schemas.

Written from istio/istio `pkg/config/validation/validation.go` (validatePolicyTargetReference,
ValidateAuthorizationPolicy, validateTelemetry*, validateWasmPluginURL, validateWasmPluginVMConfig),
`pkg/config/validation/envoyfilter/envoyfilter.go` (ValidateEnvoyFilter) and the CEL rules in
istio/api `kubernetes/customresourcedefinitions.gen.yaml` ("cross namespace referencing is not
currently supported", "Cannot set serviceAccounts with namespaces or principals", "only support
waypointMatch when context is WAYPOINT", "value must be set when operation is UPSERT", "value
may only be set when valueFrom is INLINE"). The checks of rules.py (CUSTOM needs a provider,
portLevelMtls needs a selector) are not repeated. Each is linear in the spec.
"""

from __future__ import annotations

from collections.abc import Iterator

from .budget import spend
from .node_readers import items, text
from .problems import Problem
from .schema import AP
from .schema_extensions import TM, WP
from .schema_workloads import EF
from .webhook_service_entry import workload_entry_problems
from .webhook_virtual_service import error
from .yamlsource import Node

_LISTENER_CLASS = ("LISTENER", "FILTER_CHAIN", "NETWORK_FILTER", "HTTP_FILTER")
_ROUTE_CLASS = ("ROUTE_CONFIGURATION", "VIRTUAL_HOST", "HTTP_ROUTE")
_MATCH_KINDS = ("listener", "routeConfiguration", "cluster")  # `waypoint`: checked above


def target_refs(spec: Node) -> Iterator[Problem]:
    refs = [("spec.targetRef", spec.get("targetRef"))]
    refs += [(f"spec.targetRefs[{i}]", ref) for i, ref in enumerate(items(spec.get("targetRefs")))]
    for path, ref in refs:
        namespace = ref.get("namespace") if ref is not None and ref.is_map else None
        if namespace is not None and text(namespace):
            yield error(
                f"{path}.namespace",
                namespace,
                "A policy can only target resources in its own namespace; leave `namespace` out.",
            )


def check_authorization_policy(spec: Node) -> Iterator[Problem]:
    yield from target_refs(spec)
    action = text(spec.get("action")) or "ALLOW"
    rules = spec.get("rules")
    if action in ("DENY", "CUSTOM") and not items(rules):
        yield error(
            "spec.rules",
            spec,
            f"A {action} policy without rules never matches, so istiod refuses it as meaningless.",
            f"Add `rules:`; `rules: [{{}}]` matches every request. See {AP}#Rule",
        )
    for index, rule in enumerate(items(rules)):
        spend()
        if rule.is_map:
            yield from _rule(rule, f"spec.rules[{index}]")


def _rule(rule: Node, path: str) -> Iterator[Problem]:
    for field, inner in (("from", "source"), ("to", "operation")):
        node = rule.get(field)
        if node is not None and node.is_seq and not items(node):
            yield error(
                f"{path}.{field}", node, f"`{field}` may not be an empty list; leave it out."
            )
        for index, entry in enumerate(items(node)):
            part = entry.get(inner) if entry.is_map else None
            where = f"{path}.{field}[{index}].{inner}"
            if part is None or (part.is_map and not any(True for _ in part.entries())):
                yield error(where, part or entry, f"`{inner}` may not be empty.", f"See {AP}#Rule")
            elif inner == "source" and part.is_map:
                accounts = part.get("serviceAccounts") or part.get("notServiceAccounts")
                others = [
                    k
                    for k in ("principals", "notPrincipals", "namespaces", "notNamespaces")
                    if part.get(k) is not None
                ]
                if accounts is not None and others:
                    yield error(
                        where,
                        part,
                        f"`serviceAccounts` cannot be combined with `{others[0]}` in one source.",
                        "Service accounts already name the namespace; split the rule in two.",
                    )
    for index, condition in enumerate(items(rule.get("when"))):
        if (
            condition.is_map
            and condition.get("values") is None
            and condition.get("notValues") is None
        ):
            yield error(
                f"{path}.when[{index}]",
                condition,
                "A `when` condition needs `values` or `notValues`.",
                f"See {AP}#Condition",
            )


def check_telemetry(spec: Node) -> Iterator[Problem]:
    yield from target_refs(spec)
    for index, metrics in enumerate(items(spec.get("metrics"))):
        for o_index, override in enumerate(
            items(metrics.get("overrides")) if metrics.is_map else []
        ):
            tags = override.get("tagOverrides") if override.is_map else None
            for name, _, tag in tags.entries() if tags is not None and tags.is_map else ():
                spend()
                if not tag.is_map:
                    continue
                path = f"spec.metrics[{index}].overrides[{o_index}].tagOverrides.{name}"
                operation = text(tag.get("operation")) or "UPSERT"
                value = tag.get("value")
                if operation == "UPSERT" and not text(value):
                    yield error(
                        path,
                        tag,
                        f"The tag `{name}` is upserted, so it needs a `value`.",
                        f"See {TM}",
                    )
                if operation == "REMOVE" and value is not None:
                    yield error(
                        f"{path}.value",
                        value,
                        f"The tag `{name}` is removed, so it takes no `value`.",
                    )


def check_wasm_plugin(spec: Node) -> Iterator[Problem]:
    yield from target_refs(spec)
    url = spec.get("url")
    value = text(url)
    if value:
        scheme, sep, _ = value.partition("://")
        if sep and scheme.lower() not in ("http", "https", "oci", "file"):
            yield error(
                "spec.url",
                url,
                f"`{scheme}://` is not a scheme WasmPlugin accepts: use oci, https, http or file.",
                f"See {WP}",
            )
    vm = spec.get("vmConfig")
    seen: set[str] = set()
    for index, env in enumerate(items(vm.get("env")) if vm is not None and vm.is_map else []):
        if not env.is_map:
            continue
        path = f"spec.vmConfig.env[{index}]"
        name = text(env.get("name"))
        if name in seen:
            yield error(f"{path}.name", env.get("name"), f"The variable `{name}` is set twice.")
        seen.add(name)
        if text(env.get("valueFrom")) == "HOST" and env.get("value") is not None:
            yield error(
                f"{path}.value",
                env.get("value"),
                "`value` may only be set when `valueFrom` is INLINE.",
            )


def check_envoy_filter(spec: Node) -> Iterator[Problem]:
    for index, patch in enumerate(items(spec.get("configPatches"))):
        spend()
        if patch.is_map:
            yield from _config_patch(patch, f"spec.configPatches[{index}]")


def _config_patch(patch: Node, path: str) -> Iterator[Problem]:
    match = patch.get("match")
    match = match if match is not None and match.is_map else None
    context = text(match.get("context")) if match is not None else None
    waypoint = match.get("waypoint") if match is not None else None
    if context == "WAYPOINT" and waypoint is None:
        yield error(
            f"{path}.match.waypoint",
            match,
            "`context: WAYPOINT` needs a `waypoint` match.",
            f"See {EF}#EnvoyFilter-WaypointMatch",
        )
    elif waypoint is not None and context != "WAYPOINT":
        yield error(
            f"{path}.match.waypoint",
            match.key_node("waypoint"),
            "A `waypoint` match only works with `context: WAYPOINT`.",
        )
    if context == "WAYPOINT":
        return  # istiod does not look further into waypoint patches yet (envoyfilter.go)
    apply_to = text(patch.get("applyTo"))
    body = patch.get("patch")
    if apply_to in (None, "INVALID"):
        yield error(
            f"{path}.applyTo",
            patch,
            "Each config patch needs `applyTo`.",
            f"See {EF}#EnvoyFilter-ApplyTo",
        )
        return
    operation = text(body.get("operation")) if body is not None and body.is_map else None
    if body is None or operation in (None, "INVALID"):
        yield error(
            f"{path}.patch.operation", body or patch, "Each config patch needs `patch.operation`."
        )
        return
    if operation != "REMOVE" and body.get("value") is None:
        yield error(f"{path}.patch.value", body, f"`operation: {operation}` needs a `value`.")
    kinds = [kind for kind in _MATCH_KINDS if match is not None and match.get(kind) is not None]
    wanted = (
        "listener"
        if apply_to in _LISTENER_CLASS
        else "routeConfiguration"
        if apply_to in _ROUTE_CLASS
        else "cluster"
        if apply_to == "CLUSTER"
        else None
    )
    if wanted is not None and kinds and wanted not in kinds:
        yield error(
            f"{path}.match.{kinds[0]}",
            match.key_node(kinds[0]),
            f"`applyTo: {apply_to}` needs a `{wanted}` match, not `{kinds[0]}`.",
        )


def check_workload_entry(spec: Node) -> Iterator[Problem]:
    yield from workload_entry_problems(spec, "spec")


def check_workload_group(spec: Node) -> Iterator[Problem]:
    template = spec.get("template")
    if template is not None and template.is_map:
        address = text(template.get("address")) or ""
        if address.startswith("unix://") and template.get("ports") is not None:
            yield error(
                "spec.template.ports",
                template.get("ports"),
                "A unix:// template may not list ports.",
            )
