"""IST0109 ConflictingMeshGatewayVirtualServiceHosts (error), as `istioctl analyze` finds it
(istio/istio pkg/config/analysis/analyzers/virtualservice/conflictingmeshgatewayhosts.go):
two VirtualServices that apply to the sidecars (no `gateways`, or `mesh` among them) route the
same host, seen from the same namespaces. Which of them a sidecar uses is undefined.

As istioctl reads them:
- a host without a dot (and not a wildcard) is short for `<host>.<namespace>.svc.cluster.local`,
  the namespace being the VirtualService's, or `default` when the text gives none (istioctl
  analyze puts such files in the default namespace); a dotted host is taken as written;
- `exportTo` scopes a VirtualService: none or `*` is every namespace, `.` its own; two
  VirtualServices clash when they share a scope, or one of them is exported everywhere;
- each VirtualService in a clash gets one message (istioctl: one per VirtualService).

Left out: istioctl also matches a scoped host against a wildcard host exported everywhere;
here hosts clash only when their names are equal (fewer findings, never a false one). A
VirtualService exported to no namespace (`~`) is visible to no sidecar and is skipped.

Linear: one dictionary entry per host and scope, and each VirtualService looks at no more than
the first few entries of a key to name the others.
"""

from __future__ import annotations

from .. import problems as codes
from ..budget import spend, spend_text
from ..node_readers import items, texts
from ..problems import MAX_MESSAGE, Problem, clip
from ..resources import Resource
from ..schema import VS

SOURCE = "istio/istio pkg/config/analysis/analyzers/virtualservice/conflictingmeshgatewayhosts.go"
DEFAULT_NAMESPACE = "default"
EVERYWHERE = "*"
_NAMED = 3  # other VirtualServices named in one message

Entries = list[tuple[Resource, int]]  # (VirtualService, line of its host)


def fqdn(host: str, namespace: str) -> str:
    """A VirtualService host as istioctl's ConvertHostToFQDN reads it."""
    spend_text(host)
    host = host.strip().lower()
    if not host.startswith("*") and "." not in host:
        return f"{host}.{namespace}.svc.cluster.local"
    return host


def export_scopes(resource: Resource, namespace: str) -> set[str]:
    """The namespaces a resource is exported to (`*`: all), as istioctl's exportTo reading."""
    export_to = texts(resource.spec.get("exportTo"))
    if not export_to or EVERYWHERE in export_to:
        return {EVERYWHERE}
    return {namespace if scope == "." else scope for scope in export_to if scope != "~"}


def applies_to_mesh(vs: Resource) -> bool:
    gateways = texts(vs.spec.get("gateways"))
    return not gateways or "mesh" in gateways


def _add(table: dict, key, vs: Resource, line: int) -> None:
    entries = table.setdefault(key, [])
    if not entries or entries[-1][0] is not vs:  # one entry per VirtualService and key
        entries.append((vs, line))


def check_mesh_host_conflicts(virtual_services: list[Resource]) -> list[Problem]:
    by_scope: dict[tuple[str, str], Entries] = {}  # (scope, fqdn) -> VirtualServices
    scoped: dict[str, Entries] = {}  # fqdn -> VirtualServices exported to some namespaces
    claims = []
    for vs in virtual_services:
        if not applies_to_mesh(vs):
            continue
        namespace = vs.namespace or DEFAULT_NAMESPACE
        scopes = export_scopes(vs, namespace)
        for item in items(vs.spec.get("hosts")):
            spend()
            host = item.text()
            if not host:
                continue
            name = fqdn(host, namespace)
            for scope in scopes:
                _add(by_scope, (scope, name), vs, item.line)
                if scope != EVERYWHERE:
                    _add(scoped, name, vs, item.line)
            claims.append((vs, item, name, scopes))
    out = []
    reported: set[int] = set()
    for vs, item, name, scopes in claims:
        if id(vs) in reported:
            continue
        for scope in scopes:
            spend()
            shared = by_scope.get((scope, name), [])
            if scope == EVERYWHERE:
                others = shared[: _NAMED + 1] + scoped.get(name, [])[: _NAMED + 1]
            else:
                others = shared[: _NAMED + 1] + by_scope.get((EVERYWHERE, name), [])[: _NAMED + 1]
            others = [entry for entry in others if entry[0] is not vs]
            if others:
                reported.add(id(vs))
                out.append(_conflict(vs, item, name, others))
                break
    return out


def _conflict(vs: Resource, item, name: str, others: Entries) -> Problem:
    shown = ", ".join(
        f"{clip(other.name or '(unnamed)', MAX_MESSAGE)} (line {line})"
        for other, line in others[:_NAMED]
    )
    more = " and others" if len(others) > _NAMED else ""
    return Problem(
        "error",
        codes.CONFLICTING_MESH_GATEWAY_HOSTS,
        "spec.hosts",
        item.line,
        item.column,
        f"`{clip(item.text(), MAX_MESSAGE)}` (`{clip(name, MAX_MESSAGE)}`) is also routed for "
        f"the sidecars by VirtualService {shown}{more}; a sidecar uses only one of them, and "
        "which one is undefined.",
        "Merge them into one VirtualService per host, or bind the others to Gateways, or "
        f"scope them apart with `exportTo`. See {VS}#VirtualService ({SOURCE})",
    )
