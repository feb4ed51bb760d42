"""Is the connection from one workload to another mutual TLS, plaintext, or refused?

The server side: the effective PeerAuthentication mode of the server workload
(https://istio.io/latest/docs/reference/config/security/peer_authentication/ and
https://istio.io/latest/docs/concepts/security/#peer-authentication), composed as istiod does
in pilot/pkg/security/authn/policy_applier.go (ComposePeerAuthentication): the mesh policy
(root namespace, no selector), then the namespace policy (no selector), then the workload
policy (a selector, not in the root namespace), each overriding the one before unless its mode
is UNSET (it then inherits); `portLevelMtls` of the workload policy last, UNSET inheriting the
workload's mode. No policy: PERMISSIVE. When two policies share a level istiod takes the oldest;
here, the first in the text.

The client side: the TLS settings of the DestinationRule for the server's host, as the client's
sidecar applies them (https://istio.io/latest/docs/reference/config/networking/destination-rule/#ClientTLSSettings):
a subset's `portLevelSettings`, the subset's `tls`, the top-level `portLevelSettings`, then the
top-level `tls`, the first one set winning (subset settings override the top level's, as
istiod merges them). The DestinationRule looked up first is the one in the client's namespace,
then the server's, then the root namespace's (https://istio.io/latest/docs/ops/best-practices/traffic-management/#cross-namespace-configuration),
an exact host before a wildcard. None sets `tls`: auto mTLS
(https://istio.io/latest/docs/tasks/security/authentication/authn-policy/#auto-mutual-tls).
istiod's pilot/pkg/networking/core/cluster_tls.go (buildUpstreamTLSSettings) sends Istio mTLS
only when the server's mode is not DISABLE, and only to endpoints labelled `tlsMode: istio`,
i.e. with a sidecar; to the others the client sends plaintext.

Outcomes: Istio mTLS to a sidecar in STRICT or PERMISSIVE is `mutual`; plaintext to a sidecar
in PERMISSIVE or DISABLE, or to a workload without a sidecar, is `plaintext`; plaintext to
STRICT, Istio mTLS to DISABLE or to a workload without a sidecar are `refused` (the
handshake or the application fails: Envoy answers 503). DestinationRule SIMPLE or MUTUAL
originate TLS with the app's own certificates: the workloads here serve plaintext (their
sidecar does the TLS), so these are `refused` too. A client without a sidecar sends plaintext.

The port given is both the Service port (DestinationRule `portLevelSettings`) and the
container port (`portLevelMtls`): the workloads here expose the same number. Pure Python, no
Django; spends the check's work budget.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field

from .budget import running, spend
from .node_readers import items, text, texts
from .resources import Resource, load_resources
from .workloads import ROOT_NAMESPACE, Workload, labels_match, namespace_of, qualified_name
from .yamlsource import Node

STRICT, PERMISSIVE, DISABLE, UNSET = "STRICT", "PERMISSIVE", "DISABLE", "UNSET"
ISTIO_MUTUAL, SIMPLE, MUTUAL, AUTO = "ISTIO_MUTUAL", "SIMPLE", "MUTUAL", "auto"
CLUSTER_SUFFIX = ".svc.cluster.local"


@dataclass
class MtlsDecision:
    outcome: str  # "mutual" | "plaintext" | "refused"
    server_mode: str  # STRICT | PERMISSIVE | DISABLE (effective, after inheritance)
    client_mode: str  # ISTIO_MUTUAL | DISABLE | SIMPLE | MUTUAL | auto
    peer_authentication: str | None  # "namespace/name" that set server_mode (None: default)
    destination_rule: str | None  # "namespace/name" that set client_mode (None: auto mTLS)
    reason: str
    notes: list[str] = field(default_factory=list)

    def as_dict(self) -> dict:
        return asdict(self)


def connection_text(
    text_: object, client: Workload, server: Workload, port: int | None = None
) -> MtlsDecision:
    with running():
        return connection(load_resources(text_).resources, client, server, port)


def connection(
    resources: list[Resource],
    client: Workload,
    server: Workload,
    port: int | None = None,
    root_namespace: str = ROOT_NAMESPACE,
    subset: str | None = None,
) -> MtlsDecision:
    with running():
        if port is None and len(server.ports) == 1:
            port = server.ports[0]
        server_mode, pa = server_mode_of(resources, server, port, root_namespace)
        client_mode, dr, notes = _client_mode(
            resources, client, server, port, root_namespace, subset
        )
        outcome, why = _outcome(client, server, client_mode, server_mode)
        said_server = (
            f"from PeerAuthentication `{pa}`" if pa else "as no PeerAuthentication sets it"
        )
        said_client = f"from DestinationRule `{dr}`" if dr else "as no DestinationRule sets `tls`"
        if not client.sidecar:
            said_client = "as it has no sidecar"
        reason = (
            f"{why} (client: {client_mode} {said_client}; server: {server_mode} {said_server})."
        )
        return MtlsDecision(outcome, server_mode, client_mode, pa, dr, reason, notes)


def server_mode_of(
    resources: list[Resource], server: Workload, port: int | None, root_namespace: str
) -> tuple[str, str | None]:
    """The effective PeerAuthentication mode at `port` of `server`, and the policy that set it."""
    mesh = namespace = workload = None
    for resource in resources:
        if resource.kind != "PeerAuthentication":
            continue
        spend()
        spec = resource.spec
        selector = spec.get("selector") if spec is not None else None
        labels = selector.get("matchLabels") if selector is not None else None
        selected = labels is not None and labels.is_map and bool(labels.value)
        ns = namespace_of(resource)
        if not selected:
            if ns == root_namespace:
                mesh = mesh or resource
            elif ns == server.namespace:
                namespace = namespace or resource
        elif (
            ns != root_namespace
            and ns == server.namespace
            and workload is None
            and labels_match(labels, server.labels)
        ):
            workload = resource
    mode, setter = PERMISSIVE, None
    for level in (mesh, namespace, workload):
        level_mode = _mode(level.spec.get("mtls") if level and level.spec else None)
        if level is not None and level_mode != UNSET:
            mode, setter = level_mode, qualified_name(level)
    if workload is not None and workload.spec is not None and port is not None:
        port_levels = workload.spec.get("portLevelMtls")
        for key, _, value in port_levels.entries() if port_levels is not None else ():
            spend()
            if key.strip() == str(port):
                port_mode = _mode(value)
                if port_mode != UNSET:
                    mode, setter = port_mode, qualified_name(workload)
    return mode, setter


def _mode(mtls: Node | None) -> str:
    mode = text(mtls.get("mode")) if mtls is not None else None
    return mode if mode in (STRICT, PERMISSIVE, DISABLE) else UNSET


def _client_mode(
    resources: list[Resource],
    client: Workload,
    server: Workload,
    port: int | None,
    root_namespace: str,
    subset: str | None,
) -> tuple[str, str | None, list[str]]:
    if not client.sidecar:
        return DISABLE, None, [f"`{client.name}` has no sidecar: it sends plaintext."]
    rule = _destination_rule(resources, client, server, root_namespace)
    if rule is None:
        return AUTO, None, []
    spec = rule.spec
    levels: list[Node | None] = []
    if subset is not None:
        for entry in items(spec.get("subsets")):
            if text(entry.get("name")) == subset:
                levels.append(entry.get("trafficPolicy"))
    levels.append(spec.get("trafficPolicy"))
    for policy in levels:
        if policy is None or not policy.is_map:
            continue
        for setting in items(policy.get("portLevelSettings")):
            spend()
            number = setting.get("port").get("number") if setting.get("port") else None
            if port is not None and number is not None and number.value == port:
                mode = _tls_mode(setting.get("tls"))
                if mode:
                    return mode, qualified_name(rule), []
        mode = _tls_mode(policy.get("tls"))
        if mode:
            return mode, qualified_name(rule), []
    note = f"DestinationRule `{qualified_name(rule)}` sets no `tls` for this port: auto mTLS."
    return AUTO, None, [note]


def _tls_mode(tls: Node | None) -> str | None:
    mode = text(tls.get("mode")) if tls is not None else None
    return mode if mode in (ISTIO_MUTUAL, DISABLE, SIMPLE, MUTUAL) else None


def _destination_rule(
    resources: list[Resource], client: Workload, server: Workload, root_namespace: str
) -> Resource | None:
    """The DestinationRule the client's sidecar uses for the server's Service, if any."""
    if not server.service:
        return None
    fqdn = f"{server.service}.{server.namespace}{CLUSTER_SUFFIX}"
    best: tuple[int, int, int] | None = None
    chosen = None
    order = {client.namespace: 0, server.namespace: 1, root_namespace: 2}
    for position, resource in enumerate(resources):
        if resource.kind != "DestinationRule" or resource.spec is None:
            continue
        spend()
        ns = namespace_of(resource)
        if ns not in order or not _visible(resource, ns, client):
            continue
        selector = resource.spec.get("workloadSelector")
        if selector is not None and not labels_match(selector.get("matchLabels"), client.labels):
            continue
        host = _fqdn(text(resource.spec.get("host")) or "", ns)
        rank = 0 if host == fqdn else 1 if _wildcard_covers(host, fqdn) else None
        if rank is None:
            continue
        key = (order[ns], rank, position)
        if best is None or key < best:
            best, chosen = key, resource
    return chosen


def _visible(resource: Resource, namespace: str, client: Workload) -> bool:
    export_to = texts(resource.spec.get("exportTo"))
    if not export_to or "*" in export_to:
        return True
    return client.namespace in export_to or ("." in export_to and namespace == client.namespace)


def _fqdn(host: str, namespace: str) -> str:
    """A DestinationRule's short host is a Service of its own namespace."""
    host = host.strip().lower()
    if "*" in host or host.endswith(CLUSTER_SUFFIX):
        return host
    if "." not in host:
        return f"{host}.{namespace}{CLUSTER_SUFFIX}"
    if host.count(".") == 1:  # name.namespace
        return host + CLUSTER_SUFFIX
    if host.endswith(".svc"):
        return host + ".cluster.local"
    return host


def _wildcard_covers(pattern: str, host: str) -> bool:
    return pattern == "*" or (pattern.startswith("*.") and host.endswith(pattern[1:]))


def _outcome(
    client: Workload, server: Workload, client_mode: str, server_mode: str
) -> tuple[str, str]:
    if client_mode == AUTO:
        if not server.sidecar:
            return "plaintext", f"`{server.name}` has no sidecar, so auto mTLS sends plaintext"
        if server_mode == DISABLE:
            return "plaintext", "The server's mTLS is DISABLE, so auto mTLS sends plaintext"
        return (
            "mutual",
            f"Auto mTLS sends Istio mTLS and `{server.name}` ({server_mode}) accepts it",
        )
    if client_mode == ISTIO_MUTUAL:
        if not server.sidecar:
            return (
                "refused",
                f"The client sends Istio mTLS but `{server.name}` has no sidecar to end it",
            )
        if server_mode == DISABLE:
            return (
                "refused",
                f"The client sends Istio mTLS but `{server.name}` accepts only plaintext",
            )
        return (
            "mutual",
            f"The client sends Istio mTLS and `{server.name}` ({server_mode}) accepts it",
        )
    if client_mode == DISABLE:
        sender = (
            f"`{client.name}` has no sidecar and sends plaintext"
            if not client.sidecar
            else "The client sends plaintext (DestinationRule tls DISABLE)"
        )
        if server.sidecar and server_mode == STRICT:
            return "refused", f"{sender}, but `{server.name}` requires mTLS (STRICT)"
        return "plaintext", f"{sender}, and `{server.name}` accepts it"
    return "refused", (
        f"The client originates TLS ({client_mode}) with the app's own certificates, which "
        f"`{server.name}` (plaintext app, Istio's certificates at its sidecar) does not accept"
    )
