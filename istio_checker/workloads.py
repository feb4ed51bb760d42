"""The pods a probe talks about, and which security policies apply to one of them.

A policy applies to a workload by where it lives and what it selects
(https://istio.io/latest/docs/concepts/security/#authorization-policies, "Policy target", and
https://istio.io/latest/docs/reference/config/type/workload-selector/):

- in the root namespace (istio-system by default) without a selector: every workload of the mesh;
- in the workload's namespace without a selector (or with empty `matchLabels`): every workload
  of that namespace;
- with `selector.matchLabels`: the workloads whose labels hold every pair, in the policy's
  namespace, or in any namespace when the policy sits in the root namespace (AuthorizationPolicy
  and RequestAuthentication; a PeerAuthentication with a selector in the root namespace is
  ignored, pilot/pkg/security/authn/policy_applier.go ComposePeerAuthentication);
- with `targetRef`/`targetRefs` (https://istio.io/latest/docs/reference/config/type/workload-selector/#PolicyTargetReference):
  a `Gateway` of the Gateway API is its deployed pods, which Istio labels
  `gateway.networking.k8s.io/gateway-name: <name>` in the Gateway's namespace; the other kinds
  (Service, ServiceEntry, GatewayClass) attach the policy to a waypoint proxy of ambient mode,
  never to a sidecar, so here they apply to no workload and say so.

A resource without `metadata.namespace` is taken to be in `default`, as `kubectl apply` without
`-n` would put it. Pure Python, no Django.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from .budget import spend
from .node_readers import items, text
from .resources import Resource
from .yamlsource import Node

ROOT_NAMESPACE = "istio-system"
GATEWAY_NAME_LABEL = "gateway.networking.k8s.io/gateway-name"


@dataclass(frozen=True)
class Workload:
    name: str
    namespace: str = "default"
    labels: Mapping[str, str] = field(default_factory=dict)
    service_account: str | None = None  # None = "default"
    ip: str | None = None
    sidecar: bool = True
    service: str | None = None  # the Kubernetes Service selecting it (short name)
    ports: tuple[int, ...] = ()

    @property
    def principal(self) -> str:
        """Its SPIFFE identity without `spiffe://`, as AuthorizationPolicy `principals` name it
        (https://istio.io/latest/docs/concepts/security/#istio-identity)."""
        return f"cluster.local/ns/{self.namespace}/sa/{self.service_account or 'default'}"


def namespace_of(resource: Resource) -> str:
    return resource.namespace or "default"


def qualified_name(resource: Resource) -> str:
    return f"{namespace_of(resource)}/{resource.name or '(unnamed)'}"


def labels_match(match_labels: Node | None, labels: Mapping[str, str]) -> bool:
    """Every pair of `matchLabels` is among `labels` (an empty map selects everything)."""
    for key, _, value in match_labels.entries() if match_labels is not None else ():
        spend()
        if labels.get(key) != text(value):
            return False
    return True


@dataclass(frozen=True)
class Scope:
    applies: bool
    level: str  # "mesh", "namespace", "workload" (a selector or a targetRef)
    note: str = ""  # why it does not apply although it names the workload's scope


def policy_scope(
    resource: Resource,
    workload: Workload,
    root_namespace: str = ROOT_NAMESPACE,
    root_selector_is_mesh_wide: bool = True,
) -> Scope:
    """Does `resource` (AuthorizationPolicy, RequestAuthentication or PeerAuthentication)
    apply to `workload`, and at which level."""
    spend()
    spec = resource.spec
    namespace = namespace_of(resource)
    in_root = namespace == root_namespace
    if spec is None:  # `spec: {}` or none: like no selector
        applies = in_root or namespace == workload.namespace
        return Scope(applies, "mesh" if in_root else "namespace")
    targets = _target_refs(spec)
    if targets:
        return _target_scope(targets, namespace, workload)
    selector = spec.get("selector")
    match_labels = selector.get("matchLabels") if selector is not None else None
    has_labels = match_labels is not None and match_labels.is_map and bool(match_labels.value)
    if not has_labels:
        if in_root:
            return Scope(True, "mesh")
        return Scope(namespace == workload.namespace, "namespace")
    if in_root and not root_selector_is_mesh_wide:
        return Scope(False, "workload", "a selector in the root namespace is ignored")
    if not in_root and namespace != workload.namespace:
        return Scope(False, "workload")
    return Scope(labels_match(match_labels, workload.labels), "workload")


def _target_refs(spec: Node) -> list[Node]:
    found = [node for node in items(spec.get("targetRefs")) if node.is_map]
    single = spec.get("targetRef")
    if single is not None and single.is_map:
        found.append(single)
    return found


def _target_scope(targets: list[Node], namespace: str, workload: Workload) -> Scope:
    notes = []
    for target in targets:
        spend()
        kind, name = text(target.get("kind")), text(target.get("name"))
        if kind == "Gateway":
            if workload.namespace == namespace and workload.labels.get(GATEWAY_NAME_LABEL) == name:
                return Scope(True, "workload")
        else:
            notes.append(
                f"its targetRef to {kind or 'a resource'} `{name}` attaches it to a waypoint "
                "proxy (ambient mode), not to a sidecar"
            )
    return Scope(False, "workload", "; ".join(notes))
