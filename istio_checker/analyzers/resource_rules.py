"""`istioctl analyze` findings about one resource at a time, decidable from its own text:

- IST0128 / IST0129 NoServerCertificateVerification (destination / port level): a
  DestinationRule with TLS mode SIMPLE or MUTUAL and no `caCertificates` (unless it selects a
  workload and names a `credentialName`) — istio/istio pkg/config/analysis/analyzers/
  destinationrule/ca-certificates.go. istioctl gives a warning; the lab gives an info, because
  since Istio 1.20 the proxy verifies such a server against the system's CA certificates
  (VERIFY_CERTIFICATE_AT_CLIENT on by default, istio/istio releasenotes/notes/
  enable-verify-certificate-at-client.yaml), so "the server is not verified" would teach a
  wrong rule on a current mesh.
- IST0151-IST0154 EnvoyFilter patch operations (istio/istio pkg/config/analysis/analyzers/
  envoyfilter/envoyfilter.go): ADD or REMOVE on ROUTE_CONFIGURATION / HTTP_ROUTE is ignored
  (errors); REPLACE only on HTTP_FILTER, NETWORK_FILTER or VIRTUAL_HOST (error); a relative
  operation (INSERT_BEFORE/AFTER, REPLACE, REMOVE) without `priority` may apply in an
  unexpected order: istioctl warns, the lab gives an info, as the order matters only when the
  filter it is placed against comes from another EnvoyFilter, and inserting before one of
  Envoy's own filters (the router) is the common, valid use. istioctl's IST0155 variant (the
  same, with a proxyVersion match elsewhere) is reported as IST0151.
- IST0134 ServiceEntryAddressesRequired: a TCP port (or one without protocol) in a
  ServiceEntry without `addresses` (serviceentry/protocoladdresses.go). istioctl skips it when
  the mesh config turns on address auto-allocation, which is cluster state: an info.
- IST0157 InvalidTelemetryProvider: an `accessLogging` entry with no providers is ignored when
  the mesh config names no default access-log provider (telemetry/providers.go). The mesh
  config is cluster state, so the lab gives an info that says so.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

from .. import problems as codes
from ..budget import spend
from ..node_readers import items, text
from ..node_readers import problem_at as _problem
from ..problems import Problem
from ..resources import Resource
from ..schema import DR
from ..yamlsource import Node

EF_SOURCE = "istio/istio pkg/config/analysis/analyzers/envoyfilter/envoyfilter.go"
TLS_SOURCE = "istio/istio pkg/config/analysis/analyzers/destinationrule/ca-certificates.go"
TELEMETRY_SOURCE = "istio/istio pkg/config/analysis/analyzers/telemetry/providers.go"
SE_SOURCE = "istio/istio pkg/config/analysis/analyzers/serviceentry/protocoladdresses.go"
SE_DOC = "https://istio.io/latest/docs/reference/config/networking/service-entry/"
EF_DOC = "https://istio.io/latest/docs/reference/config/networking/envoy-filter/"

_ROUTE_LEVEL = {"ROUTE_CONFIGURATION", "HTTP_ROUTE"}
_REPLACEABLE = {"HTTP_FILTER", "NETWORK_FILTER", "VIRTUAL_HOST"}
_RELATIVE = {"INSERT_BEFORE", "INSERT_AFTER", "REPLACE", "REMOVE"}


def check_resource_rules(resources: list[Resource]) -> list[Problem]:
    out = []
    for resource in resources:
        check = _BY_KIND.get(resource.kind)
        if check is not None and resource.spec is not None:
            spend()
            out.extend(check(resource.spec))
    return out


# --- DestinationRule TLS without caCertificates ---------------------------------------------


def _client_tls(spec: Node) -> Iterable[tuple[str, Node, bool]]:
    policy = spec.get("trafficPolicy")
    if policy is None or not policy.is_map:
        return
    tls = policy.get("tls")
    if tls is not None and tls.is_map:
        yield "spec.trafficPolicy.tls", tls, False
    for index, port in enumerate(items(policy.get("portLevelSettings"))):
        spend()
        tls = port.get("tls") if port.is_map else None
        if tls is not None and tls.is_map:
            yield f"spec.trafficPolicy.portLevelSettings[{index}].tls", tls, True


def _check_destination_rule(spec: Node) -> list[Problem]:
    out = []
    selects = spec.get("workloadSelector") is not None
    for path, tls, port_level in _client_tls(spec):
        mode = text(tls.get("mode"))
        if mode not in ("SIMPLE", "MUTUAL") or text(tls.get("caCertificates")):
            continue
        if text(tls.get("credentialName")) and selects:
            continue
        code = (
            codes.NO_SERVER_CERT_VERIFICATION_PORT
            if port_level
            else codes.NO_SERVER_CERT_VERIFICATION
        )
        out.append(
            _problem(
                "info",
                code,
                path,
                tls,
                f"TLS mode {mode} without `caCertificates`: istioctl analyze warns ({code}) "
                "that no CA is set to verify the server. Since Istio 1.20 the proxy then "
                "verifies it against the system's CA certificates, which suits public servers.",
                "For a server whose certificate a private CA signs, set `caCertificates` to "
                f"that CA's file. See {DR}#ClientTLSSettings ({TLS_SOURCE})",
            )
        )
    return out


# --- EnvoyFilter patch operations ------------------------------------------------------------


def _check_envoy_filter(spec: Node) -> list[Problem]:
    out = []
    priority = spec.get("priority")
    has_priority = priority is not None and priority.value not in (None, 0)
    for index, patch_entry in enumerate(items(spec.get("configPatches"))):
        spend()
        patch = patch_entry.get("patch") if patch_entry.is_map else None
        if patch is None or not patch.is_map:
            break  # istioctl stops at the first entry without a patch
        operation = text(patch.get("operation")) or ""
        apply_to = text(patch_entry.get("applyTo")) or ""
        path = f"spec.configPatches[{index}]"
        where = patch.get("operation") or patch_entry
        if operation in ("ADD", "REMOVE") and apply_to in _ROUTE_LEVEL:
            code = (
                codes.ENVOY_FILTER_ADD_MISUSED
                if operation == "ADD"
                else codes.ENVOY_FILTER_REMOVE_MISUSED
            )
            out.append(
                _problem(
                    "error",
                    code,
                    f"{path}.patch.operation",
                    where,
                    f"The {operation} operation is ignored when applyTo is {apply_to}.",
                    f"Use MERGE to change a route configuration or route. See {EF_DOC} "
                    f"({EF_SOURCE})",
                )
            )
            continue
        if operation == "REPLACE" and apply_to not in _REPLACEABLE:
            out.append(
                _problem(
                    "error",
                    codes.ENVOY_FILTER_REPLACE_MISUSED,
                    f"{path}.patch.operation",
                    where,
                    f"REPLACE is valid only for HTTP_FILTER, NETWORK_FILTER and VIRTUAL_HOST, "
                    f"not {apply_to or 'a patch without applyTo'}.",
                    f"Use MERGE, or REMOVE and ADD. See {EF_DOC} ({EF_SOURCE})",
                )
            )
            continue
        if operation in _RELATIVE and not has_priority:
            out.append(
                _problem(
                    "info",
                    codes.ENVOY_FILTER_RELATIVE_OPERATION,
                    f"{path}.patch.operation",
                    where,
                    f"{operation} is placed relative to another filter, and this EnvoyFilter "
                    "has no `priority`: if the filter it is placed against comes from another "
                    "EnvoyFilter applied later, this patch may not apply.",
                    f"Set `priority` to order EnvoyFilters explicitly. See {EF_DOC} ({EF_SOURCE})",
                )
            )
    return out


# --- Telemetry access logging without providers ---------------------------------------------


def _check_telemetry(spec: Node) -> list[Problem]:
    out = []
    for index, entry in enumerate(items(spec.get("accessLogging"))):
        spend()
        if not entry.is_map:
            continue
        disabled = entry.get("disabled")
        if disabled is not None and disabled.value is True:
            continue
        if items(entry.get("providers")):
            continue
        out.append(
            _problem(
                "info",
                codes.INVALID_TELEMETRY_PROVIDER,
                f"spec.accessLogging[{index}]",
                entry,
                "This access-logging entry names no provider, so it uses the mesh's default "
                "access-log providers; if the mesh config sets none "
                "(`meshConfig.defaultProviders.accessLogging`), istioctl analyze warns "
                "(IST0157) and the entry is ignored.",
                "Name a provider, e.g. `providers: [{name: envoy}]`. See "
                "https://istio.io/latest/docs/reference/config/telemetry/ "
                f"({TELEMETRY_SOURCE})",
            )
        )
    return out


# --- ServiceEntry TCP ports without addresses -------------------------------------------------


def _check_service_entry(spec: Node) -> list[Problem]:
    if items(spec.get("addresses")):
        return []
    out = []
    for index, port in enumerate(items(spec.get("ports"))):
        spend()
        protocol = (text(port.get("protocol")) or "").upper() if port.is_map else None
        if protocol not in ("", "TCP"):
            continue
        out.append(
            _problem(
                "info",
                codes.SERVICE_ENTRY_ADDRESSES_REQUIRED,
                f"spec.ports[{index}]",
                port,
                f"A {protocol or 'TCP'} port and no `addresses`: the proxy can tell this "
                "service's TCP traffic from other traffic on the port only by its address. "
                "istioctl analyze warns (IST0134) unless the mesh allocates addresses itself "
                "(DNS proxying with auto-allocation, a mesh config setting).",
                "Add `addresses:` (a virtual IP), or enable address auto-allocation. "
                f"See {SE_DOC} ({SE_SOURCE})",
            )
        )
    return out


_BY_KIND: dict[str, Callable[[Node], list[Problem]]] = {
    "ServiceEntry": _check_service_entry,
    "DestinationRule": _check_destination_rule,
    "EnvoyFilter": _check_envoy_filter,
    "Telemetry": _check_telemetry,
}
