"""Field tables of the networking kinds that describe workloads and proxies: WorkloadEntry,
WorkloadGroup, EnvoyFilter and ProxyConfig. Data only, in field_types' vocabulary.

Sources (each `obj` carries the anchor of its message on that page):
- WorkloadEntry  https://istio.io/latest/docs/reference/config/networking/workload-entry/
- WorkloadGroup  https://istio.io/latest/docs/reference/config/networking/workload-group/
- EnvoyFilter    https://istio.io/latest/docs/reference/config/networking/envoy-filter/
- ProxyConfig    https://istio.io/latest/docs/reference/config/networking/proxy-config/
Limits from the CRDs (istio/api `kubernetes/customresourcedefinitions.gen.yaml`, release-1.31).
EnvoyFilter's `patch.value` is free-form Envoy configuration: Istio's webhook turns it into
Envoy's own types, which a text check cannot do, so only its shape (a map) is checked here.
"""

from __future__ import annotations

from .field_types import Anything, Enum, Integer, ListOf, MapOf, Text, obj, req
from .schema_common import (
    LABELS,
    LABELS_SELECTOR_FIELDS,
    NON_EMPTY,
    POLICY_TARGETS,
    PORT,
    STR,
    UINT,
    WORKLOAD_ENTRY_FIELDS,
    WORKLOAD_MATCH_LABELS,
)

WEG = "https://istio.io/latest/docs/reference/config/networking/workload-entry/"
WG = "https://istio.io/latest/docs/reference/config/networking/workload-group/"
EF = "https://istio.io/latest/docs/reference/config/networking/envoy-filter/"
PC = "https://istio.io/latest/docs/reference/config/networking/proxy-config/"

WORKLOAD_ENTRY_SPEC = obj("WorkloadEntry", WEG + "#WorkloadEntry", WORKLOAD_ENTRY_FIELDS)

# --- WorkloadGroup --------------------------------------------------------------------------

_SECONDS = Integer(minimum=0)
READINESS_PROBE = obj(
    "ReadinessProbe",
    WG + "#ReadinessProbe",
    {
        "initialDelaySeconds": _SECONDS,
        "timeoutSeconds": _SECONDS,
        "periodSeconds": _SECONDS,
        "successThreshold": _SECONDS,
        "failureThreshold": _SECONDS,
        "httpGet": obj(
            "HTTPHealthCheckConfig",
            WG + "#HTTPHealthCheckConfig",
            {
                "path": STR,
                "port": req(PORT),
                "host": STR,
                "scheme": Enum(("HTTP", "HTTPS")),
                "httpHeaders": ListOf(
                    obj(
                        "HTTPHeader",
                        WG + "#HTTPHeader",
                        {
                            "name": Text(
                                pattern=r"[-_A-Za-z0-9]+",
                                pattern_wording="a header name is letters, digits, `-` and `_`",
                            ),
                            "value": STR,
                        },
                    )
                ),
            },
        ),
        "tcpSocket": obj(
            "TCPHealthCheckConfig",
            WG + "#TCPHealthCheckConfig",
            {"host": STR, "port": req(PORT)},
        ),
        "exec": obj(
            "ExecHealthCheckConfig",
            WG + "#ExecHealthCheckConfig",
            {"command": req(ListOf(NON_EMPTY, min_items=1))},
        ),
        "grpc": obj(
            "GrpcHealthCheckConfig",
            WG + "#GrpcHealthCheckConfig",
            {"port": PORT, "service": STR},
        ),
    },
    at_most_one=(("httpGet", "tcpSocket", "exec", "grpc"),),
)
WORKLOAD_GROUP = obj(
    "WorkloadGroup",
    WG + "#WorkloadGroup",
    {
        "metadata": obj(
            "WorkloadGroup.ObjectMeta",
            WG + "#WorkloadGroup-ObjectMeta",
            {"labels": MapOf(STR), "annotations": MapOf(STR)},
        ),
        "template": req(obj("WorkloadEntry", WEG + "#WorkloadEntry", WORKLOAD_ENTRY_FIELDS)),
        "probe": READINESS_PROBE,
    },
)

# --- EnvoyFilter ----------------------------------------------------------------------------

_FILTER_MATCH = obj(
    "EnvoyFilter.ListenerMatch.FilterMatch",
    EF + "#EnvoyFilter-ListenerMatch-FilterMatch",
    {
        "name": STR,
        "subFilter": obj(
            "EnvoyFilter.ListenerMatch.SubFilterMatch",
            EF + "#EnvoyFilter-ListenerMatch-SubFilterMatch",
            {"name": STR},
        ),
    },
)
LISTENER_MATCH = obj(
    "EnvoyFilter.ListenerMatch",
    EF + "#EnvoyFilter-ListenerMatch",
    {
        "portNumber": UINT,
        "portName": STR,
        "filterChain": obj(
            "EnvoyFilter.ListenerMatch.FilterChainMatch",
            EF + "#EnvoyFilter-ListenerMatch-FilterChainMatch",
            {
                "name": STR,
                "sni": STR,
                "transportProtocol": STR,
                "applicationProtocols": STR,
                "filter": _FILTER_MATCH,
                "destinationPort": UINT,
            },
        ),
        "listenerFilter": STR,
        "name": STR,
    },
)
ROUTE_CONFIGURATION_MATCH = obj(
    "EnvoyFilter.RouteConfigurationMatch",
    EF + "#EnvoyFilter-RouteConfigurationMatch",
    {
        "portNumber": UINT,
        "portName": STR,
        "gateway": STR,
        "vhost": obj(
            "EnvoyFilter.RouteConfigurationMatch.VirtualHostMatch",
            EF + "#EnvoyFilter-RouteConfigurationMatch-VirtualHostMatch",
            {
                "name": STR,
                "domainName": STR,
                "route": obj(
                    "EnvoyFilter.RouteConfigurationMatch.RouteMatch",
                    EF + "#EnvoyFilter-RouteConfigurationMatch-RouteMatch",
                    {
                        "name": STR,
                        "action": Enum(("ANY", "ROUTE", "REDIRECT", "DIRECT_RESPONSE")),
                    },
                ),
            },
        ),
        "name": STR,
    },
)
CLUSTER_MATCH = obj(
    "EnvoyFilter.ClusterMatch",
    EF + "#EnvoyFilter-ClusterMatch",
    {"portNumber": UINT, "service": STR, "subset": STR, "name": STR},
)
WAYPOINT_MATCH = obj(
    "EnvoyFilter.WaypointMatch",
    EF + "#EnvoyFilter-WaypointMatch",
    {
        "filter": _FILTER_MATCH,
        "route": obj(
            "EnvoyFilter.WaypointMatch.RouteMatch",
            EF + "#EnvoyFilter-WaypointMatch-RouteMatch",
            {"name": STR},
        ),
        "portNumber": PORT,
    },
)
OBJECT_MATCH = obj(
    "EnvoyFilter.EnvoyConfigObjectMatch",
    EF + "#EnvoyFilter-EnvoyConfigObjectMatch",
    {
        "context": Enum(("ANY", "SIDECAR_INBOUND", "SIDECAR_OUTBOUND", "GATEWAY", "WAYPOINT")),
        "proxy": obj(
            "EnvoyFilter.ProxyMatch",
            EF + "#EnvoyFilter-ProxyMatch",
            {"proxyVersion": STR, "metadata": LABELS},
        ),
        "listener": LISTENER_MATCH,
        "routeConfiguration": ROUTE_CONFIGURATION_MATCH,
        "cluster": CLUSTER_MATCH,
        "waypoint": WAYPOINT_MATCH,  # only with context WAYPOINT (webhook_workloads.py)
    },
    at_most_one=(("listener", "routeConfiguration", "cluster", "waypoint"),),
)
PATCH = obj(
    "EnvoyFilter.Patch",
    EF + "#EnvoyFilter-Patch",
    {
        "operation": Enum(
            (
                "INVALID",
                "MERGE",
                "ADD",
                "REMOVE",
                "INSERT_BEFORE",
                "INSERT_AFTER",
                "INSERT_FIRST",
                "REPLACE",
                "MERGE_AND_REPLACE_LIST",
            )
        ),
        "value": MapOf(Anything()),
        "filterClass": Enum(("UNSPECIFIED", "AUTHN", "AUTHZ", "STATS")),
    },
)
ENVOY_FILTER = obj(
    "EnvoyFilter",
    EF + "#EnvoyFilter",
    {
        "workloadSelector": obj(
            "WorkloadSelector", EF + "#WorkloadSelector", LABELS_SELECTOR_FIELDS
        ),
        "targetRefs": POLICY_TARGETS,
        "configPatches": ListOf(
            obj(
                "EnvoyFilter.EnvoyConfigObjectPatch",
                EF + "#EnvoyFilter-EnvoyConfigObjectPatch",
                {
                    "applyTo": Enum(
                        (
                            "INVALID",
                            "LISTENER",
                            "FILTER_CHAIN",
                            "NETWORK_FILTER",
                            "HTTP_FILTER",
                            "ROUTE_CONFIGURATION",
                            "VIRTUAL_HOST",
                            "HTTP_ROUTE",
                            "CLUSTER",
                            "EXTENSION_CONFIG",
                            "BOOTSTRAP",
                            "LISTENER_FILTER",
                        )
                    ),
                    "match": OBJECT_MATCH,
                    "patch": PATCH,
                },
            )
        ),
        "priority": Integer(),
    },
    at_most_one=(("workloadSelector", "targetRefs"),),  # the CRD's CEL rule
)

# --- ProxyConfig ----------------------------------------------------------------------------

PROXY_CONFIG = obj(
    "ProxyConfig",
    PC + "#ProxyConfig",
    {
        "selector": WORKLOAD_MATCH_LABELS,
        "concurrency": Integer(minimum=0),
        "environmentVariables": MapOf(Text(max_length=2048)),
        "image": obj(
            "ProxyImage",
            PC + "#ProxyImage",
            {"imageType": STR},
        ),
    },
)
