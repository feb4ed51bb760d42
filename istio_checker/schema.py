"""Field schemas of the Istio resources the lab checks, written from Istio's API reference.

Sources (one per kind; each `Obj` below carries the anchor of its message on that page):
- VirtualService   https://istio.io/latest/docs/reference/config/networking/virtual-service/
- DestinationRule  https://istio.io/latest/docs/reference/config/networking/destination-rule/
- Gateway          https://istio.io/latest/docs/reference/config/networking/gateway/
- ServiceEntry     https://istio.io/latest/docs/reference/config/networking/service-entry/
- Sidecar          https://istio.io/latest/docs/reference/config/networking/sidecar/
- PeerAuthentication     https://istio.io/latest/docs/reference/config/security/peer_authentication/
- AuthorizationPolicy    https://istio.io/latest/docs/reference/config/security/authorization-policy/
- RequestAuthentication  https://istio.io/latest/docs/reference/config/security/request_authentication/
- API versions: networking.istio.io/v1 is GA since Istio 1.22
  (https://istio.io/latest/blog/2024/v1-apis/); security.istio.io/v1 serves AuthorizationPolicy
  and RequestAuthentication since 1.17 and PeerAuthentication since 1.22.

The field set follows the current API (Istio 1.26-1.27): fields that newer releases added
(e.g. `retryIgnorePreviousHosts`, `backoff`, `retryBudget`, `warmup`) are accepted so that valid
configs are never refused; deprecated fields are accepted with a warning naming the replacement.
The same messages serve all served versions (v1, v1beta1, v1alpha3), as in Istio itself.

This module is data only: the tables, written in the vocabulary of field_types.py.
"""

from __future__ import annotations

from .field_types import (  # noqa: F401  (re-exported: the vocabulary the tables use)
    Anything,
    Boolean,
    Duration,
    Enum,
    Field,
    FieldType,
    Integer,
    KindSchema,
    ListOf,
    MapOf,
    Number,
    Obj,
    PortKey,
    Regex,
    Text,
    alias,
    obj,
    old,
    req,
)
from .schema_common import (  # noqa: F401  (re-exported: older imports read them from here)
    BOOL,
    DURATION,
    DURATION_1MS,
    LABELS,
    LABELS_SELECTOR_FIELDS,
    NON_EMPTY,
    PERCENT,
    POLICY_TARGET,
    POLICY_TARGETS,
    PORT,
    PROTOCOLS,
    STR,
    STRS,
    TYPE,
    UINT,
    WORKLOAD_ENTRY,
    WORKLOAD_MATCH_LABELS,
)
from .schema_extensions import TELEMETRY, TM, WASM_PLUGIN, WP
from .schema_workloads import (
    EF,
    ENVOY_FILTER,
    PC,
    PROXY_CONFIG,
    WEG,
    WG,
    WORKLOAD_ENTRY_SPEC,
    WORKLOAD_GROUP,
)

VS = "https://istio.io/latest/docs/reference/config/networking/virtual-service/"
DR = "https://istio.io/latest/docs/reference/config/networking/destination-rule/"
GW = "https://istio.io/latest/docs/reference/config/networking/gateway/"
SE = "https://istio.io/latest/docs/reference/config/networking/service-entry/"
SC = "https://istio.io/latest/docs/reference/config/networking/sidecar/"
PA = "https://istio.io/latest/docs/reference/config/security/peer_authentication/"
AP = "https://istio.io/latest/docs/reference/config/security/authorization-policy/"
RA = "https://istio.io/latest/docs/reference/config/security/request_authentication/"
V1_BLOG = "https://istio.io/latest/blog/2024/v1-apis/"


# --- VirtualService -------------------------------------------------------------------------

STRING_MATCH = obj(
    "StringMatch",
    VS + "#StringMatch",
    {"exact": STR, "prefix": STR, "regex": Regex()},
    exactly_one=(("exact", "prefix", "regex"),),
)
# Header and query-parameter matches may be empty: then only the presence is checked.
OPTIONAL_STRING_MATCH = obj(
    "StringMatch",
    VS + "#StringMatch",
    {"exact": STR, "prefix": STR, "regex": Regex()},
    at_most_one=(("exact", "prefix", "regex"),),
)
PORT_SELECTOR = obj("PortSelector", VS + "#PortSelector", {"number": PORT})
DESTINATION = obj(
    "Destination", VS + "#Destination", {"host": req(STR), "subset": STR, "port": PORT_SELECTOR}
)
HEADER_OPERATIONS = obj(
    "Headers.HeaderOperations",
    VS + "#Headers-HeaderOperations",
    {"set": LABELS, "add": LABELS, "remove": STRS},
)
HEADERS = obj(
    "Headers", VS + "#Headers", {"request": HEADER_OPERATIONS, "response": HEADER_OPERATIONS}
)
HTTP_MATCH = obj(
    "HTTPMatchRequest",
    VS + "#HTTPMatchRequest",
    {
        "name": STR,
        "uri": STRING_MATCH,
        "scheme": STRING_MATCH,
        "method": STRING_MATCH,
        "authority": STRING_MATCH,
        "headers": MapOf(OPTIONAL_STRING_MATCH),
        "port": PORT,
        "sourceLabels": LABELS,
        "gateways": STRS,
        "queryParams": MapOf(OPTIONAL_STRING_MATCH),
        "ignoreUriCase": BOOL,
        "withoutHeaders": MapOf(OPTIONAL_STRING_MATCH),
        "sourceNamespace": STR,
        "statPrefix": STR,
    },
)
HTTP_ROUTE_DESTINATION = obj(
    "HTTPRouteDestination",
    VS + "#HTTPRouteDestination",
    {"destination": req(DESTINATION), "weight": UINT, "headers": HEADERS},
)
ROUTE_DESTINATION = obj(
    "RouteDestination", VS + "#RouteDestination", {"destination": req(DESTINATION), "weight": UINT}
)
PERCENT_VALUE = obj("Percent", VS + "#Percent", {"value": Number(0, 100)})
HTTP_REDIRECT = obj(
    "HTTPRedirect",
    VS + "#HTTPRedirect",
    {
        "uri": STR,
        "authority": STR,
        "port": PORT,
        "derivePort": Enum(("FROM_PROTOCOL_DEFAULT", "FROM_REQUEST_PORT")),
        "scheme": STR,
        "redirectCode": Integer(300, 399),
        "prefixRewrite": STR,
    },
    at_most_one=(("port", "derivePort"), ("uri", "prefixRewrite")),
)
HTTP_DIRECT_RESPONSE = obj(
    "HTTPDirectResponse",
    VS + "#HTTPDirectResponse",
    {
        "status": req(Integer(200, 599)),
        "body": obj(
            "HTTPBody",
            VS + "#HTTPBody",
            {"string": STR, "bytes": STR},
            at_most_one=(("string", "bytes"),),
        ),
    },
)
DELEGATE = obj("Delegate", VS + "#Delegate", {"name": STR, "namespace": STR})
HTTP_REWRITE = obj(
    "HTTPRewrite",
    VS + "#HTTPRewrite",
    {
        "uri": STR,
        "authority": STR,
        "uriRegexRewrite": obj(
            "RegexRewrite", VS + "#RegexRewrite", {"match": Regex(), "rewrite": STR}
        ),
    },
    at_most_one=(("uri", "uriRegexRewrite"),),
)
HTTP_RETRY = obj(
    "HTTPRetry",
    VS + "#HTTPRetry",
    {
        "attempts": UINT,
        "perTryTimeout": DURATION_1MS,
        "retryOn": STR,
        "retryRemoteLocalities": BOOL,
        "retryIgnorePreviousHosts": BOOL,
        "backoff": DURATION_1MS,
    },
)
FAULT_DELAY = obj(
    "HTTPFaultInjection.Delay",
    VS + "#HTTPFaultInjection-Delay",
    {
        "fixedDelay": DURATION_1MS,
        "exponentialDelay": DURATION_1MS,
        "percentage": PERCENT_VALUE,
        "percent": old(PERCENT, "Use `percentage: {value: …}` instead of the integer `percent`."),
    },
    at_most_one=(("fixedDelay", "exponentialDelay"),),
)
FAULT_ABORT = obj(
    "HTTPFaultInjection.Abort",
    VS + "#HTTPFaultInjection-Abort",
    {
        "httpStatus": Integer(200, 599),
        "grpcStatus": STR,
        "http2Error": STR,
        "percentage": PERCENT_VALUE,
    },
    exactly_one=(("httpStatus", "grpcStatus", "http2Error"),),
)
HTTP_FAULT = obj(
    "HTTPFaultInjection", VS + "#HTTPFaultInjection", {"delay": FAULT_DELAY, "abort": FAULT_ABORT}
)
CORS_POLICY = obj(
    "CorsPolicy",
    VS + "#CorsPolicy",
    {
        "allowOrigins": ListOf(STRING_MATCH),
        "allowOrigin": old(STRS, "Use `allowOrigins` (a list of exact/prefix/regex matches)."),
        "allowMethods": STRS,
        "allowHeaders": STRS,
        "exposeHeaders": STRS,
        "maxAge": DURATION_1MS,
        "allowCredentials": BOOL,
        "unmatchedPreflights": Enum(("UNSPECIFIED", "FORWARD", "IGNORE")),
    },
)
HTTP_MIRROR_POLICY = obj(
    "HTTPMirrorPolicy",
    VS + "#HTTPMirrorPolicy",
    {"destination": req(DESTINATION), "percentage": PERCENT_VALUE},
)
HTTP_ROUTE = obj(
    "HTTPRoute",
    VS + "#HTTPRoute",
    {
        "name": STR,
        "match": ListOf(HTTP_MATCH),
        "route": ListOf(HTTP_ROUTE_DESTINATION),
        "redirect": HTTP_REDIRECT,
        "directResponse": HTTP_DIRECT_RESPONSE,
        "delegate": DELEGATE,
        "rewrite": HTTP_REWRITE,
        "timeout": DURATION,
        "retries": HTTP_RETRY,
        "fault": HTTP_FAULT,
        "mirror": DESTINATION,
        "mirrors": ListOf(HTTP_MIRROR_POLICY),
        "mirrorPercent": old(UINT, "Use `mirrorPercentage: {value: …}`."),
        "mirror_percent": old(UINT, "Use `mirrorPercentage: {value: …}`."),
        "mirrorPercentage": PERCENT_VALUE,
        "corsPolicy": CORS_POLICY,
        "headers": HEADERS,
    },
)
TLS_MATCH = obj(
    "TLSMatchAttributes",
    VS + "#TLSMatchAttributes",
    {
        "sniHosts": req(STRS),
        "destinationSubnets": STRS,
        "port": PORT,
        "sourceLabels": LABELS,
        "gateways": STRS,
        "sourceNamespace": STR,
    },
)
L4_MATCH = obj(
    "L4MatchAttributes",
    VS + "#L4MatchAttributes",
    {
        "destinationSubnets": STRS,
        "port": PORT,
        "sourceLabels": LABELS,
        "gateways": STRS,
        "sourceNamespace": STR,
        "sourceSubnet": old(STR, "`sourceSubnet` is deprecated and no longer applied."),
    },
)
VIRTUAL_SERVICE = obj(
    "VirtualService",
    VS + "#VirtualService",
    {
        "hosts": STRS,
        "gateways": STRS,
        "http": ListOf(HTTP_ROUTE),
        "tls": ListOf(
            obj(
                "TLSRoute",
                VS + "#TLSRoute",
                {"match": req(ListOf(TLS_MATCH)), "route": ListOf(ROUTE_DESTINATION)},
            )
        ),
        "tcp": ListOf(
            obj(
                "TCPRoute",
                VS + "#TCPRoute",
                {"match": ListOf(L4_MATCH), "route": ListOf(ROUTE_DESTINATION)},
            )
        ),
        "exportTo": STRS,
    },
)


# --- DestinationRule ------------------------------------------------------------------------

TCP_SETTINGS = obj(
    "ConnectionPoolSettings.TCPSettings",
    DR + "#ConnectionPoolSettings-TCPSettings",
    {
        "maxConnections": UINT,
        "connectTimeout": DURATION_1MS,
        "tcpKeepalive": obj(
            "ConnectionPoolSettings.TCPSettings.TcpKeepalive",
            DR + "#ConnectionPoolSettings-TCPSettings-TcpKeepalive",
            {"probes": UINT, "time": DURATION, "interval": DURATION},
        ),
        "maxConnectionDuration": DURATION_1MS,
        "idleTimeout": DURATION,
    },
)
HTTP_SETTINGS = obj(
    "ConnectionPoolSettings.HTTPSettings",
    DR + "#ConnectionPoolSettings-HTTPSettings",
    {
        "http1MaxPendingRequests": UINT,
        "http2MaxRequests": UINT,
        "maxRequestsPerConnection": UINT,
        "maxRetries": UINT,
        "idleTimeout": DURATION,
        "h2UpgradePolicy": Enum(("DEFAULT", "DO_NOT_UPGRADE", "UPGRADE")),
        "useClientProtocol": BOOL,
        "maxConcurrentStreams": UINT,
        "http2KeepAlive": obj(
            "ConnectionPoolSettings.HTTPSettings.HTTP2KeepAlive",
            DR + "#ConnectionPoolSettings-HTTPSettings-HTTP2KeepAlive",
            {"interval": DURATION_1MS, "timeout": DURATION_1MS},
        ),
    },
)
CONNECTION_POOL = obj(
    "ConnectionPoolSettings",
    DR + "#ConnectionPoolSettings",
    {"tcp": TCP_SETTINGS, "http": HTTP_SETTINGS},
)
OUTLIER_DETECTION = obj(
    "OutlierDetection",
    DR + "#OutlierDetection",
    {
        "splitExternalLocalOriginErrors": BOOL,
        "consecutiveLocalOriginFailures": UINT,
        "consecutiveGatewayErrors": UINT,
        "consecutive5xxErrors": UINT,
        "interval": DURATION_1MS,
        "baseEjectionTime": DURATION_1MS,
        "maxEjectionPercent": PERCENT,
        "minHealthPercent": PERCENT,
        "outlierDetectionHttpErrorCodes": ListOf(Integer(100, 599)),
        "consecutiveErrors": old(
            UINT,
            "`consecutiveErrors` is deprecated since Istio 1.5: use `consecutive5xxErrors` "
            "(5xx responses) or `consecutiveGatewayErrors` (502, 503, 504).",
        ),
    },
)
CLIENT_TLS = obj(
    "ClientTLSSettings",
    DR + "#ClientTLSSettings",
    {
        "mode": Enum(("DISABLE", "SIMPLE", "MUTUAL", "ISTIO_MUTUAL")),
        "clientCertificate": STR,
        "privateKey": STR,
        "caCertificates": STR,
        "credentialName": STR,
        "subjectAltNames": STRS,
        "sni": STR,
        "insecureSkipVerify": BOOL,
        "caCrl": STR,
    },
)
CONSISTENT_HASH = obj(
    "LoadBalancerSettings.ConsistentHashLB",
    DR + "#LoadBalancerSettings-ConsistentHashLB",
    {
        "httpHeaderName": STR,
        "httpCookie": obj(
            "LoadBalancerSettings.ConsistentHashLB.HTTPCookie",
            DR + "#LoadBalancerSettings-ConsistentHashLB-HTTPCookie",
            {
                "name": req(STR),
                "path": STR,
                "ttl": DURATION,
                "attributes": ListOf(
                    obj(
                        "LoadBalancerSettings.ConsistentHashLB.HTTPCookie.Attribute",
                        DR + "#LoadBalancerSettings-ConsistentHashLB-HTTPCookie",
                        {"name": req(STR), "value": STR},
                    )
                ),
            },
        ),
        "useSourceIp": BOOL,
        "httpQueryParameterName": STR,
        "ringHash": obj(
            "LoadBalancerSettings.ConsistentHashLB.RingHash",
            DR + "#LoadBalancerSettings-ConsistentHashLB-RingHash",
            {"minimumRingSize": UINT},
        ),
        "maglev": obj(
            "LoadBalancerSettings.ConsistentHashLB.MagLev",
            DR + "#LoadBalancerSettings-ConsistentHashLB-MagLev",
            {"tableSize": UINT},
        ),
        "minimumRingSize": old(UINT, "Use `ringHash.minimumRingSize`."),
    },
    at_most_one=(("httpHeaderName", "httpCookie", "useSourceIp", "httpQueryParameterName"),),
)
LOCALITY_LB = obj(
    "LocalityLoadBalancerSetting",
    DR + "#LocalityLoadBalancerSetting",
    {
        "distribute": ListOf(
            obj(
                "LocalityLoadBalancerSetting.Distribute",
                DR + "#LocalityLoadBalancerSetting-Distribute",
                {"from": STR, "to": MapOf(UINT)},
            )
        ),
        "failover": ListOf(
            obj(
                "LocalityLoadBalancerSetting.Failover",
                DR + "#LocalityLoadBalancerSetting-Failover",
                {"from": STR, "to": STR},
            )
        ),
        "failoverPriority": STRS,
        "enabled": BOOL,
    },
)
ZONE_AWARE_LB = obj(
    "ZoneAwareLoadBalancerSetting",
    DR + "#ZoneAwareLoadBalancerSetting",
    {
        "enabled": BOOL,
        "failover": LOCALITY_LB.fields["failover"],
        "failoverPriority": STRS,
        "minClusterSize": Integer(minimum=1),
    },
)
LOAD_BALANCER = obj(
    "LoadBalancerSettings",
    DR + "#LoadBalancerSettings",
    {
        "simple": Enum(
            ("UNSPECIFIED", "RANDOM", "PASSTHROUGH", "ROUND_ROBIN", "LEAST_REQUEST", "LEAST_CONN"),
            deprecated={"LEAST_CONN": "LEAST_CONN is deprecated; use LEAST_REQUEST."},
        ),
        "consistentHash": CONSISTENT_HASH,
        "localityLbSetting": LOCALITY_LB,
        "zoneAwareLbSetting": ZONE_AWARE_LB,
        "warmupDurationSecs": old(DURATION, "Use `warmup: {duration: …}`."),
        "warmup": obj(
            "WarmupConfiguration",
            DR + "#WarmupConfiguration",
            {
                "duration": req(DURATION_1MS),
                "minimumPercent": Number(0, 100),
                # istiod refuses only aggression <= 0 (pkg/config/validation/validation.go,
                # validateLoadBalancer); the CRD sets no minimum.
                "aggression": Number(above=0),
            },
        ),
    },
    at_most_one=(("simple", "consistentHash"), ("localityLbSetting", "zoneAwareLbSetting")),
)
PORT_TRAFFIC_POLICY = obj(
    "TrafficPolicy.PortTrafficPolicy",
    DR + "#TrafficPolicy-PortTrafficPolicy",
    {
        "port": PORT_SELECTOR,
        "loadBalancer": LOAD_BALANCER,
        "connectionPool": CONNECTION_POOL,
        "outlierDetection": OUTLIER_DETECTION,
        "tls": CLIENT_TLS,
    },
)
TRAFFIC_POLICY = obj(
    "TrafficPolicy",
    DR + "#TrafficPolicy",
    {
        "loadBalancer": LOAD_BALANCER,
        "connectionPool": CONNECTION_POOL,
        "outlierDetection": OUTLIER_DETECTION,
        "tls": CLIENT_TLS,
        "portLevelSettings": ListOf(PORT_TRAFFIC_POLICY),
        "tunnel": obj(
            "TrafficPolicy.TunnelSettings",
            DR + "#TrafficPolicy-TunnelSettings",
            {
                "protocol": Enum(("CONNECT", "POST")),
                "targetHost": req(STR),
                "targetPort": req(PORT),
            },
        ),
        "proxyProtocol": obj(
            "TrafficPolicy.ProxyProtocol",
            DR + "#TrafficPolicy-ProxyProtocol",
            {"version": Enum(("V1", "V2"))},
        ),
        "retryBudget": obj(
            "TrafficPolicy.RetryBudget",
            DR + "#TrafficPolicy-RetryBudget",
            {
                "percent": Number(0, 100),
                "minRetryConcurrency": UINT,
                "budgetInterval": DURATION_1MS,
            },
        ),
    },
)
DESTINATION_RULE = obj(
    "DestinationRule",
    DR + "#DestinationRule",
    {
        "host": req(NON_EMPTY),
        "trafficPolicy": TRAFFIC_POLICY,
        "subsets": ListOf(
            obj(
                "Subset",
                DR + "#Subset",
                {"name": req(NON_EMPTY), "labels": LABELS, "trafficPolicy": TRAFFIC_POLICY},
            )
        ),
        "exportTo": STRS,
        "workloadSelector": WORKLOAD_MATCH_LABELS,
    },
)


# --- Gateway --------------------------------------------------------------------------------

SERVER_TLS = obj(
    "ServerTLSSettings",
    GW + "#ServerTLSSettings",
    {
        "httpsRedirect": BOOL,
        "mode": Enum(
            (
                "PASSTHROUGH",
                "SIMPLE",
                "MUTUAL",
                "AUTO_PASSTHROUGH",
                "ISTIO_MUTUAL",
                "OPTIONAL_MUTUAL",
            )
        ),
        "serverCertificate": STR,
        "privateKey": STR,
        "caCertificates": STR,
        "caCrl": STR,
        "credentialName": STR,
        "credentialNames": ListOf(STR, min_items=1, max_items=2),
        "caCertCredentialName": STR,
        "insecureSkipVerify": BOOL,
        "tlsCertificates": ListOf(
            obj(
                "ServerTLSSettings.TLSCertificate",
                GW + "#ServerTLSSettings-TLSCertificate",
                {"serverCertificate": STR, "privateKey": STR, "caCertificates": STR},
            ),
            min_items=1,
            max_items=2,
        ),
        "subjectAltNames": STRS,
        "verifyCertificateSpki": STRS,
        "verifyCertificateHash": STRS,
        "minProtocolVersion": Enum(("TLS_AUTO", "TLSV1_0", "TLSV1_1", "TLSV1_2", "TLSV1_3")),
        "maxProtocolVersion": Enum(("TLS_AUTO", "TLSV1_0", "TLSV1_1", "TLSV1_2", "TLSV1_3")),
        "cipherSuites": STRS,
    },
    # The CRD's CEL rules: one way to name the certificates.
    at_most_one=(("credentialName", "credentialNames", "tlsCertificates"),),
)
GATEWAY_PORT = obj(
    "Port",
    GW + "#Port",
    {"number": req(PORT), "protocol": req(PROTOCOLS), "name": req(STR), "targetPort": PORT},
)
GATEWAY = obj(
    "Gateway",
    GW + "#Gateway",
    {
        "servers": req(
            ListOf(
                obj(
                    "Server",
                    GW + "#Server",
                    {
                        "port": req(GATEWAY_PORT),
                        "bind": STR,
                        "hosts": req(STRS),
                        "tls": SERVER_TLS,
                        "defaultEndpoint": STR,
                        "name": STR,
                    },
                )
            )
        ),
        "selector": LABELS,
    },
)


# --- ServiceEntry ---------------------------------------------------------------------------

SERVICE_ENTRY = obj(
    "ServiceEntry",
    SE + "#ServiceEntry",
    {
        "hosts": req(ListOf(STR, min_items=1, max_items=256)),
        "addresses": ListOf(STR, max_items=256),
        "ports": ListOf(
            obj(
                "ServicePort",
                SE + "#ServicePort",
                {"number": req(PORT), "protocol": PROTOCOLS, "name": req(STR), "targetPort": PORT},
            )
        ),
        "location": Enum(("MESH_EXTERNAL", "MESH_INTERNAL")),
        "resolution": Enum(("NONE", "STATIC", "DNS", "DNS_ROUND_ROBIN", "DYNAMIC_DNS")),
        "endpoints": ListOf(WORKLOAD_ENTRY, max_items=4096),
        "workloadSelector": obj(
            "WorkloadSelector", SE + "#WorkloadSelector", LABELS_SELECTOR_FIELDS
        ),
        "exportTo": STRS,
        "subjectAltNames": STRS,
    },
    at_most_one=(("workloadSelector", "endpoints"),),  # the CRD's CEL rule
)


# --- Sidecar --------------------------------------------------------------------------------

SIDECAR_PORT = obj(
    "SidecarPort",
    SC + "#SidecarPort",
    {"number": PORT, "protocol": PROTOCOLS, "name": STR, "targetPort": PORT},
)
CAPTURE_MODE = Enum(("DEFAULT", "IPTABLES", "NONE"))
SIDECAR = obj(
    "Sidecar",
    SC + "#Sidecar",
    {
        "workloadSelector": obj(
            "WorkloadSelector", SC + "#WorkloadSelector", LABELS_SELECTOR_FIELDS
        ),
        "ingress": ListOf(
            obj(
                "IstioIngressListener",
                SC + "#IstioIngressListener",
                {
                    "port": req(SIDECAR_PORT),
                    "bind": STR,
                    "captureMode": CAPTURE_MODE,
                    "defaultEndpoint": STR,
                    "tls": SERVER_TLS,
                    "connectionPool": CONNECTION_POOL,
                },
            )
        ),
        "egress": ListOf(
            obj(
                "IstioEgressListener",
                SC + "#IstioEgressListener",
                {
                    "port": SIDECAR_PORT,
                    "bind": STR,
                    "captureMode": CAPTURE_MODE,
                    "hosts": req(STRS),
                },
            )
        ),
        "inboundConnectionPool": CONNECTION_POOL,
        "outboundTrafficPolicy": obj(
            "OutboundTrafficPolicy",
            SC + "#OutboundTrafficPolicy",
            {"mode": Enum(("REGISTRY_ONLY", "ALLOW_ANY")), "egressProxy": DESTINATION},
        ),
    },
)


# --- security.istio.io ----------------------------------------------------------------------

MTLS = obj(
    "PeerAuthentication.MutualTLS",
    PA + "#PeerAuthentication-MutualTLS",
    {"mode": Enum(("UNSET", "DISABLE", "PERMISSIVE", "STRICT"))},
)
PEER_AUTHENTICATION = obj(
    "PeerAuthentication",
    PA + "#PeerAuthentication",
    {
        "selector": WORKLOAD_MATCH_LABELS,
        "mtls": MTLS,
        "portLevelMtls": MapOf(MTLS, key=PortKey(), min_entries=1),  # the CRD's rules
    },
)
_SOURCE_LISTS = (
    "principals",
    "notPrincipals",
    "requestPrincipals",
    "notRequestPrincipals",
    "namespaces",
    "notNamespaces",
    "serviceAccounts",
    "notServiceAccounts",
    "ipBlocks",
    "notIpBlocks",
    "remoteIpBlocks",
    "notRemoteIpBlocks",
    "trustDomains",  # since 1.30 (releases.py)
    "notTrustDomains",
)
_OPERATION_LISTS = (
    "hosts",
    "notHosts",
    "ports",
    "notPorts",
    "methods",
    "notMethods",
    "paths",
    "notPaths",
)
AUTHORIZATION_POLICY = obj(
    "AuthorizationPolicy",
    AP + "#AuthorizationPolicy",
    {
        "selector": WORKLOAD_MATCH_LABELS,
        "targetRef": POLICY_TARGET,
        "targetRefs": POLICY_TARGETS,
        "rules": ListOf(
            obj(
                "Rule",
                AP + "#Rule",
                {
                    "from": ListOf(
                        obj(
                            "Rule.From",
                            AP + "#Rule-From",
                            {
                                "source": obj(
                                    "Source",
                                    AP + "#Source",
                                    {
                                        **dict.fromkeys(_SOURCE_LISTS, STRS),
                                        "serviceAccounts": ListOf(STR, max_items=16),
                                        "notServiceAccounts": ListOf(STR, max_items=16),
                                    },
                                )
                            },
                        )
                    ),
                    "to": ListOf(
                        obj(
                            "Rule.To",
                            AP + "#Rule-To",
                            {
                                "operation": obj(
                                    "Operation",
                                    AP + "#Operation",
                                    dict.fromkeys(_OPERATION_LISTS, STRS),
                                )
                            },
                        )
                    ),
                    "when": ListOf(
                        obj(
                            "Condition",
                            AP + "#Condition",
                            {"key": req(STR), "values": STRS, "notValues": STRS},
                        )
                    ),
                },
            ),
            max_items=512,
        ),
        "action": Enum(("ALLOW", "DENY", "AUDIT", "CUSTOM")),
        "provider": obj(
            "AuthorizationPolicy.ExtensionProvider",
            AP + "#AuthorizationPolicy-ExtensionProvider",
            {"name": STR},
        ),
    },
    at_most_one=(("selector", "targetRef", "targetRefs"),),
)
JWKS_URI = Text(
    min_length=1,
    max_length=2048,
    pattern=r"(?i:https?)://.*",
    pattern_wording="the JWKS URL must start with http:// or https://",
)
HEADER_NAME = Text(
    min_length=1,
    pattern=r"[-_A-Za-z0-9]+",
    pattern_wording="a header name is letters, digits, `-` and `_`",
)
REQUEST_AUTHENTICATION = obj(
    "RequestAuthentication",
    RA + "#RequestAuthentication",
    {
        "selector": WORKLOAD_MATCH_LABELS,
        "targetRef": POLICY_TARGET,
        "targetRefs": POLICY_TARGETS,
        "jwtRules": ListOf(
            obj(
                "JWTRule",
                RA + "#JWTRule",
                {
                    # The CRD: issuer and every name or claim at least one character.
                    "issuer": req(NON_EMPTY),
                    "audiences": ListOf(NON_EMPTY),
                    "jwksUri": JWKS_URI,
                    "jwks_uri": alias(JWKS_URI, "jwksUri"),
                    "jwks": NON_EMPTY,
                    "fromHeaders": ListOf(
                        obj("JWTHeader", RA + "#JWTHeader", {"name": req(NON_EMPTY), "prefix": STR})
                    ),
                    "fromParams": ListOf(NON_EMPTY),
                    "fromCookies": ListOf(NON_EMPTY),
                    "outputPayloadToHeader": STR,
                    "forwardOriginalToken": BOOL,
                    "outputClaimToHeaders": ListOf(
                        obj(
                            "ClaimToHeader",
                            RA + "#ClaimToHeader",
                            {"header": req(HEADER_NAME), "claim": req(NON_EMPTY)},
                        )
                    ),
                    "timeout": DURATION_1MS,
                    "spaceDelimitedClaims": ListOf(NON_EMPTY, max_items=64),  # since 1.28
                },
                at_most_one=(("jwksUri", "jwks_uri", "jwks"),),
            ),
            max_items=4096,
        ),
    },
    at_most_one=(("selector", "targetRef", "targetRefs"),),
)


# --- the envelope every resource shares -----------------------------------------------------

OBJECT_META = obj(
    "ObjectMeta",
    "https://kubernetes.io/docs/reference/kubernetes-api/common-definitions/object-meta/",
    {
        "name": STR,
        "namespace": STR,
        "labels": LABELS,
        "annotations": LABELS,
        **dict.fromkeys(
            (
                "generateName",
                "uid",
                "resourceVersion",
                "generation",
                "creationTimestamp",
                "deletionTimestamp",
                "deletionGracePeriodSeconds",
                "finalizers",
                "ownerReferences",
                "managedFields",
                "selfLink",
            ),
            Anything(),
        ),
    },
)


_NETWORKING_OLD = {
    "v1": "",
    "v1beta1": "networking.istio.io/v1 is GA since Istio 1.22; v1beta1 is still served.",
    "v1alpha3": "networking.istio.io/v1 is GA since Istio 1.22; v1alpha3 is the oldest "
    "version still served.",
}
OLD_VERSION_SEVERITY = {"v1beta1": "info", "v1alpha3": "warning"}  # else "info"


KINDS: dict[str, KindSchema] = {
    schema.kind: schema
    for schema in (
        KindSchema("VirtualService", "networking.istio.io", VIRTUAL_SERVICE, VS, _NETWORKING_OLD),
        KindSchema("DestinationRule", "networking.istio.io", DESTINATION_RULE, DR, _NETWORKING_OLD),
        KindSchema("Gateway", "networking.istio.io", GATEWAY, GW, _NETWORKING_OLD),
        KindSchema("ServiceEntry", "networking.istio.io", SERVICE_ENTRY, SE, _NETWORKING_OLD),
        KindSchema("Sidecar", "networking.istio.io", SIDECAR, SC, _NETWORKING_OLD),
        KindSchema(
            "WorkloadEntry", "networking.istio.io", WORKLOAD_ENTRY_SPEC, WEG, _NETWORKING_OLD
        ),
        KindSchema("WorkloadGroup", "networking.istio.io", WORKLOAD_GROUP, WG, _NETWORKING_OLD),
        # EnvoyFilter is served only as v1alpha3 and ProxyConfig only as v1beta1 (their CRDs).
        KindSchema("EnvoyFilter", "networking.istio.io", ENVOY_FILTER, EF, {"v1alpha3": ""}),
        KindSchema("ProxyConfig", "networking.istio.io", PROXY_CONFIG, PC, {"v1beta1": ""}),
        KindSchema(
            "PeerAuthentication",
            "security.istio.io",
            PEER_AUTHENTICATION,
            PA,
            {
                "v1": "",
                "v1beta1": "security.istio.io/v1 serves PeerAuthentication since Istio 1.22.",
            },
        ),
        KindSchema(
            "AuthorizationPolicy",
            "security.istio.io",
            AUTHORIZATION_POLICY,
            AP,
            {
                "v1": "",
                "v1beta1": "security.istio.io/v1 serves AuthorizationPolicy since Istio 1.17.",
            },
        ),
        KindSchema(
            "RequestAuthentication",
            "security.istio.io",
            REQUEST_AUTHENTICATION,
            RA,
            {
                "v1": "",
                "v1beta1": "security.istio.io/v1 serves RequestAuthentication since Istio 1.17.",
            },
        ),
        KindSchema(
            "Telemetry",
            "telemetry.istio.io",
            TELEMETRY,
            TM,
            {"v1": "", "v1alpha1": "telemetry.istio.io/v1 serves Telemetry since Istio 1.22."},
        ),
        KindSchema("WasmPlugin", "extensions.istio.io", WASM_PLUGIN, WP, {"v1alpha1": ""}),
    )
}

# Istio kinds we recognise but do not check field by field: TrafficExtension (extensions.istio.io
# v1alpha1, new in the 1.30 CRDs: istio/api release-1.30) is valid, so it gets a note, not an error.
OTHER_ISTIO_KINDS: set[str] = {"TrafficExtension"}
