"""The pieces every Istio field table shares: scalar types with the CRDs' limits, workload
selectors, policy target references and the WorkloadEntry message (ServiceEntry endpoints,
WorkloadEntry and WorkloadGroup's template all use it). Data only, in field_types' vocabulary.

Limits (lengths, patterns, item counts) are the ones the CRDs Istio generates carry: istio/api
`kubernetes/customresourcedefinitions.gen.yaml` (release-1.31), read and written out here.
"""

from __future__ import annotations

from .field_types import Boolean, Duration, Enum, Integer, ListOf, MapOf, Text, obj, req

TYPE = "https://istio.io/latest/docs/reference/config/type/workload-selector/"
WE = "https://istio.io/latest/docs/reference/config/networking/workload-entry/"

STR = Text()
NON_EMPTY = Text(min_length=1)
STRS = ListOf(Text())
LABELS = MapOf(Text())
BOOL = Boolean()
UINT = Integer(minimum=0)
PORT = Integer(1, 65535)
PERCENT = Integer(0, 100)
DURATION = Duration()
DURATION_1MS = Duration(minimum_seconds=0.001)  # the reference says "MUST BE >=1ms"

PROTOCOLS = Enum(
    ("HTTP", "HTTPS", "GRPC", "GRPC-WEB", "HTTP2", "MONGO", "MYSQL", "REDIS", "TCP", "TLS", "UDP"),
    case_insensitive=True,
    unknown_severity="warning",
)

# Selectors: the CRDs refuse `*` in label keys and values, empty keys, values over 63 chars.
_NO_WILDCARD = r"[^*]*"
_NO_WILDCARD_WORDS = "a selector cannot use the wildcard `*`"
SELECTOR_LABELS = MapOf(
    Text(max_length=63, pattern=_NO_WILDCARD, pattern_wording=_NO_WILDCARD_WORDS),
    key=Text(min_length=1, pattern=_NO_WILDCARD, pattern_wording=_NO_WILDCARD_WORDS),
)
WORKLOAD_MATCH_LABELS = obj(
    "WorkloadSelector", TYPE + "#WorkloadSelector", {"matchLabels": SELECTOR_LABELS}
)
# The older networking selector (`labels:`) of Sidecar, ServiceEntry and EnvoyFilter.
LABELS_SELECTOR_FIELDS = {
    "labels": MapOf(Text(max_length=63, pattern=_NO_WILDCARD, pattern_wording=_NO_WILDCARD_WORDS))
}

_DNS_SUBDOMAIN = r"[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*"
POLICY_TARGET = obj(
    "PolicyTargetReference",
    TYPE + "#PolicyTargetReference",
    {
        "group": Text(
            max_length=253,
            pattern=_DNS_SUBDOMAIN,
            pattern_wording="an API group is lowercase DNS labels, e.g. gateway.networking.k8s.io",
        ),
        "kind": req(
            Text(
                min_length=1,
                max_length=63,
                pattern=r"[a-zA-Z][-a-zA-Z0-9]*",
                pattern_wording="a kind starts with a letter, e.g. Gateway",
            )
        ),
        "name": req(Text(min_length=1, max_length=253)),
        "namespace": STR,  # must be empty: webhook_policies.py says so
    },
)
POLICY_TARGETS = ListOf(POLICY_TARGET, max_items=16)

# A port name as the CRDs allow it in WorkloadEntry.ports keys: a DNS label under 63 chars.
PORT_NAME_KEY = Text(
    max_length=62,
    pattern=r"[a-zA-Z0-9]([-a-zA-Z0-9]*[a-zA-Z0-9])?",
    pattern_wording="a port name is letters, digits and inner dashes",
)
WORKLOAD_ENTRY_FIELDS = {
    "address": Text(max_length=256),
    "ports": MapOf(PORT, key=PORT_NAME_KEY),
    "labels": LABELS,
    "network": Text(max_length=2048),
    "locality": Text(max_length=2048),
    "weight": UINT,
    "serviceAccount": Text(max_length=253),
}
WORKLOAD_ENTRY = obj("WorkloadEntry", WE + "#WorkloadEntry", WORKLOAD_ENTRY_FIELDS)
