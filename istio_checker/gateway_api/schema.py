"""Field tables of the Kubernetes Gateway API kinds Istio implements, in the vocabulary of
field_types.py, written from the Gateway API reference and its standard-channel CRDs.

Sources:
- Reference: https://gateway-api.sigs.k8s.io/reference/spec/
- CRDs: kubernetes-sigs/gateway-api v1.6.0, config/crd/standard/gateway.networking.k8s.io_
  {gateways,httproutes,grpcroutes,referencegrants}.yaml (read for the fields, enums, bounds
  and CEL rules; the tables here are our own).
- The release Istio builds against: istio/istio release-1.31 go.mod names
  sigs.k8s.io/gateway-api v1.6.0 (release-1.30: v1.5.1; 1.28 and 1.29: v1.4.1). That bundle
  serves Gateway, HTTPRoute and ReferenceGrant as v1 and v1beta1, GRPCRoute as v1 only.

Patterns, lengths and the CEL rules the CRDs carry are checked in rules.py; this module is
data only. Fields of the experimental channel that Istio reads (`retry`, `sessionPersistence`)
are accepted, so configs written for that channel are not refused.
"""

from __future__ import annotations

from ..field_types import (
    Anything,
    Boolean,
    Enum,
    Integer,
    KindSchema,
    ListOf,
    MapOf,
    Text,
    obj,
    req,
)

GROUP = "gateway.networking.k8s.io"
SPEC = "https://gateway-api.sigs.k8s.io/reference/spec/"
HTTP_ROUTE_DOC = "https://gateway-api.sigs.k8s.io/api-types/httproute/"
GATEWAY_DOC = "https://gateway-api.sigs.k8s.io/api-types/gateway/"
GRPC_ROUTE_DOC = "https://gateway-api.sigs.k8s.io/api-types/grpcroute/"
REFERENCE_GRANT_DOC = "https://gateway-api.sigs.k8s.io/api-types/referencegrant/"
ISTIO_GATEWAY_API = "https://istio.io/latest/docs/tasks/traffic-management/ingress/gateway-api/"

STR = Text()
STRS = ListOf(Text())
LABELS = MapOf(Text())
PORT = Integer(1, 65535)
HTTP_METHODS = ("GET", "HEAD", "POST", "PUT", "DELETE", "CONNECT", "OPTIONS", "TRACE", "PATCH")

LABEL_SELECTOR = obj(
    "LabelSelector",
    "https://kubernetes.io/docs/reference/kubernetes-api/common-definitions/label-selector/",
    {
        "matchLabels": LABELS,
        "matchExpressions": ListOf(
            obj(
                "LabelSelectorRequirement",
                "https://kubernetes.io/docs/reference/kubernetes-api/common-definitions/"
                "label-selector/",
                {"key": req(STR), "operator": req(STR), "values": STRS},
            )
        ),
    },
)


def _ref(name: str, anchor: str, *, namespace: bool = True, port: bool = False, **extra):
    fields = {"group": STR, "kind": STR, "name": req(STR)}
    if namespace:
        fields["namespace"] = STR
    if port:
        fields["port"] = PORT
    fields.update(extra)
    return obj(name, SPEC + anchor, fields)


PARENT_REF = _ref("ParentReference", "#parentreference", port=True, sectionName=STR)
HEADER = obj("HTTPHeader", SPEC + "#httpheader", {"name": req(STR), "value": req(STR)})
HEADER_FILTER = obj(
    "HTTPHeaderFilter",
    SPEC + "#httpheaderfilter",
    {"set": ListOf(HEADER), "add": ListOf(HEADER), "remove": STRS},
)
PATH_MODIFIER = obj(
    "HTTPPathModifier",
    SPEC + "#httppathmodifier",
    {
        "type": req(Enum(("ReplaceFullPath", "ReplacePrefixMatch"))),
        "replaceFullPath": STR,
        "replacePrefixMatch": STR,
    },
)
BACKEND_REF_FIELDS = {"group": STR, "kind": STR, "name": req(STR), "namespace": STR, "port": PORT}
MIRROR = obj(
    "HTTPRequestMirrorFilter",
    SPEC + "#httprequestmirrorfilter",
    {
        "backendRef": req(
            obj("BackendObjectReference", SPEC + "#backendobjectreference", BACKEND_REF_FIELDS)
        ),
        "percent": Integer(0, 100),
        "fraction": obj(
            "Fraction",
            SPEC + "#fraction",
            {"numerator": req(Integer(0)), "denominator": Integer(1)},
        ),
    },
)
EXTENSION_REF = obj(
    "LocalObjectReference",
    SPEC + "#localobjectreference",
    {"group": req(STR), "kind": req(STR), "name": req(STR)},
)
REDIRECT = obj(
    "HTTPRequestRedirectFilter",
    SPEC + "#httprequestredirectfilter",
    {
        "scheme": Enum(("http", "https")),
        "hostname": STR,
        "path": PATH_MODIFIER,
        "port": PORT,
        "statusCode": Integer(301, 308),  # the enum 301, 302, 303, 307, 308: rules.py
    },
)
URL_REWRITE = obj(
    "HTTPURLRewriteFilter", SPEC + "#httpurlrewritefilter", {"hostname": STR, "path": PATH_MODIFIER}
)
CORS = obj(
    "HTTPCORSFilter",
    SPEC + "#httpcorsfilter",
    {
        "allowOrigins": STRS,
        "allowCredentials": Boolean(),
        "allowMethods": ListOf(Enum((*HTTP_METHODS, "*"))),
        "allowHeaders": STRS,
        "exposeHeaders": STRS,
        "maxAge": Integer(1),
    },
)
HTTP_FILTER_TYPES = (
    "RequestHeaderModifier",
    "ResponseHeaderModifier",
    "RequestMirror",
    "RequestRedirect",
    "URLRewrite",
    "ExtensionRef",
    "CORS",
)
# Each filter type and the field that must hold its settings (and no other filter's).
FILTER_FIELDS = {
    "RequestHeaderModifier": "requestHeaderModifier",
    "ResponseHeaderModifier": "responseHeaderModifier",
    "RequestMirror": "requestMirror",
    "RequestRedirect": "requestRedirect",
    "URLRewrite": "urlRewrite",
    "ExtensionRef": "extensionRef",
    "CORS": "cors",
}
HTTP_FILTER = obj(
    "HTTPRouteFilter",
    SPEC + "#httproutefilter",
    {
        "type": req(Enum(HTTP_FILTER_TYPES)),
        "requestHeaderModifier": HEADER_FILTER,
        "responseHeaderModifier": HEADER_FILTER,
        "requestMirror": MIRROR,
        "requestRedirect": REDIRECT,
        "urlRewrite": URL_REWRITE,
        "extensionRef": EXTENSION_REF,
        "cors": CORS,
    },
)
GRPC_FILTER_TYPES = (
    "ResponseHeaderModifier",
    "RequestHeaderModifier",
    "RequestMirror",
    "ExtensionRef",
)
GRPC_FILTER = obj(
    "GRPCRouteFilter",
    SPEC + "#grpcroutefilter",
    {
        "type": req(Enum(GRPC_FILTER_TYPES)),
        "requestHeaderModifier": HEADER_FILTER,
        "responseHeaderModifier": HEADER_FILTER,
        "requestMirror": MIRROR,
        "extensionRef": EXTENSION_REF,
    },
)
VALUE_MATCH_TYPES = Enum(("Exact", "RegularExpression"))
HEADER_MATCH = obj(
    "HTTPHeaderMatch",
    SPEC + "#httpheadermatch",
    {"type": VALUE_MATCH_TYPES, "name": req(STR), "value": req(STR)},
)
QUERY_MATCH = obj(
    "HTTPQueryParamMatch",
    SPEC + "#httpqueryparammatch",
    {"type": VALUE_MATCH_TYPES, "name": req(STR), "value": req(STR)},
)
PATH_MATCH = obj(
    "HTTPPathMatch",
    SPEC + "#httppathmatch",
    {"type": Enum(("Exact", "PathPrefix", "RegularExpression")), "value": STR},
)
HTTP_MATCH = obj(
    "HTTPRouteMatch",
    SPEC + "#httproutematch",
    {
        "path": PATH_MATCH,
        "headers": ListOf(HEADER_MATCH),
        "queryParams": ListOf(QUERY_MATCH),
        "method": Enum(HTTP_METHODS),
    },
)
TIMEOUTS = obj(
    "HTTPRouteTimeouts", SPEC + "#httproutetimeouts", {"request": STR, "backendRequest": STR}
)
HTTP_BACKEND_REF = obj(
    "HTTPBackendRef",
    SPEC + "#httpbackendref",
    {**BACKEND_REF_FIELDS, "weight": Integer(0, 1_000_000), "filters": ListOf(HTTP_FILTER)},
)
HTTP_RULE = obj(
    "HTTPRouteRule",
    SPEC + "#httprouterule",
    {
        "name": STR,
        "matches": ListOf(HTTP_MATCH),
        "filters": ListOf(HTTP_FILTER),
        "backendRefs": ListOf(HTTP_BACKEND_REF),
        "timeouts": TIMEOUTS,
        "retry": Anything(),  # experimental channel (HTTPRouteRetry)
        "sessionPersistence": Anything(),  # experimental channel
    },
)
HTTP_ROUTE = obj(
    "HTTPRouteSpec",
    SPEC + "#httproutespec",
    {"parentRefs": ListOf(PARENT_REF), "hostnames": STRS, "rules": ListOf(HTTP_RULE)},
)

GRPC_METHOD_MATCH = obj(
    "GRPCMethodMatch",
    SPEC + "#grpcmethodmatch",
    {"type": VALUE_MATCH_TYPES, "service": STR, "method": STR},
)
GRPC_MATCH = obj(
    "GRPCRouteMatch",
    SPEC + "#grpcroutematch",
    {"method": GRPC_METHOD_MATCH, "headers": ListOf(HEADER_MATCH)},
)
GRPC_BACKEND_REF = obj(
    "GRPCBackendRef",
    SPEC + "#grpcbackendref",
    {**BACKEND_REF_FIELDS, "weight": Integer(0, 1_000_000), "filters": ListOf(GRPC_FILTER)},
)
GRPC_RULE = obj(
    "GRPCRouteRule",
    SPEC + "#grpcrouterule",
    {
        "name": STR,
        "matches": ListOf(GRPC_MATCH),
        "filters": ListOf(GRPC_FILTER),
        "backendRefs": ListOf(GRPC_BACKEND_REF),
        "sessionPersistence": Anything(),  # experimental channel
    },
)
GRPC_ROUTE = obj(
    "GRPCRouteSpec",
    SPEC + "#grpcroutespec",
    {"parentRefs": ListOf(PARENT_REF), "hostnames": STRS, "rules": ListOf(GRPC_RULE)},
)

SECRET_REF = _ref("SecretObjectReference", "#secretobjectreference")
OBJECT_REF = obj(
    "ObjectReference",
    SPEC + "#objectreference",
    {"group": req(STR), "kind": req(STR), "name": req(STR), "namespace": STR},
)
LISTENER_TLS = obj(
    "ListenerTLSConfig",
    SPEC + "#listenertlsconfig",
    {
        "mode": Enum(("Terminate", "Passthrough")),
        "certificateRefs": ListOf(SECRET_REF),
        "options": LABELS,
    },
)
ALLOWED_ROUTES = obj(
    "AllowedRoutes",
    SPEC + "#allowedroutes",
    {
        "namespaces": obj(
            "RouteNamespaces",
            SPEC + "#routenamespaces",
            {"from": Enum(("All", "Selector", "Same")), "selector": LABEL_SELECTOR},
        ),
        "kinds": ListOf(
            obj("RouteGroupKind", SPEC + "#routegroupkind", {"group": STR, "kind": req(STR)})
        ),
    },
)
LISTENER = obj(
    "Listener",
    SPEC + "#listener",
    {
        "name": req(STR),
        "hostname": STR,
        "port": req(PORT),
        "protocol": req(STR),  # HTTP, HTTPS, TLS, TCP, UDP or a domain-prefixed protocol
        "tls": LISTENER_TLS,
        "allowedRoutes": ALLOWED_ROUTES,
    },
)
GATEWAY = obj(
    "GatewaySpec",
    SPEC + "#gatewayspec",
    {
        "gatewayClassName": req(STR),
        "listeners": req(ListOf(LISTENER)),
        "addresses": ListOf(
            obj("GatewaySpecAddress", SPEC + "#gatewayspecaddress", {"type": STR, "value": STR})
        ),
        "infrastructure": obj(
            "GatewayInfrastructure",
            SPEC + "#gatewayinfrastructure",
            {
                "labels": LABELS,
                "annotations": LABELS,
                "parametersRef": obj(
                    "LocalParametersReference",
                    SPEC + "#localparametersreference",
                    {"group": req(STR), "kind": req(STR), "name": req(STR)},
                ),
            },
        ),
        "tls": Anything(),  # GatewayTLSConfig (frontend/backend client certificates)
        "allowedListeners": Anything(),  # ListenerSet attachment (experimental in 1.6)
    },
)

REFERENCE_GRANT = obj(
    "ReferenceGrantSpec",
    SPEC + "#referencegrantspec",
    {
        "from": req(
            ListOf(
                obj(
                    "ReferenceGrantFrom",
                    SPEC + "#referencegrantfrom",
                    {"group": req(STR), "kind": req(STR), "namespace": req(STR)},
                )
            )
        ),
        "to": req(
            ListOf(
                obj(
                    "ReferenceGrantTo",
                    SPEC + "#referencegrantto",
                    {"group": req(STR), "kind": req(STR), "name": STR},
                )
            )
        ),
    },
)

_V1BETA1 = (
    "Gateway API v1 (GA since v1.0, October 2023) is the current version; v1beta1 is still served."
)
_V1_AND_BETA = {"v1": "", "v1beta1": _V1BETA1}

KINDS: dict[str, KindSchema] = {
    schema.kind: schema
    for schema in (
        KindSchema("Gateway", GROUP, GATEWAY, GATEWAY_DOC, _V1_AND_BETA),
        KindSchema("HTTPRoute", GROUP, HTTP_ROUTE, HTTP_ROUTE_DOC, _V1_AND_BETA),
        KindSchema("GRPCRoute", GROUP, GRPC_ROUTE, GRPC_ROUTE_DOC, {"v1": ""}),
        KindSchema("ReferenceGrant", GROUP, REFERENCE_GRANT, REFERENCE_GRANT_DOC, _V1_AND_BETA),
    )
}
# Gateway API kinds Istio also reads that the lab does not check field by field.
OTHER_KINDS = frozenset(
    {
        "GatewayClass",
        "TCPRoute",
        "TLSRoute",
        "UDPRoute",
        "BackendTLSPolicy",
        "ListenerSet",
        "XListenerSet",
        "BackendTrafficPolicy",
        "XBackendTrafficPolicy",
    }
)
