"""Field tables of Telemetry (telemetry.istio.io) and WasmPlugin (extensions.istio.io).
Data only, in field_types' vocabulary.

Sources (each `obj` carries the anchor of its message on that page):
- Telemetry   https://istio.io/latest/docs/reference/config/telemetry/
- WasmPlugin  https://istio.io/latest/docs/reference/config/proxy_extensions/wasm-plugin/
Limits from the CRDs (istio/api `kubernetes/customresourcedefinitions.gen.yaml`, release-1.31).
"""

from __future__ import annotations

from .field_types import Anything, Enum, Integer, ListOf, MapOf, Number, Text, obj, req
from .schema_common import (
    BOOL,
    DURATION_1MS,
    NON_EMPTY,
    POLICY_TARGET,
    POLICY_TARGETS,
    PORT,
    STR,
    WORKLOAD_MATCH_LABELS,
)

TM = "https://istio.io/latest/docs/reference/config/telemetry/"
WP = "https://istio.io/latest/docs/reference/config/proxy_extensions/wasm-plugin/"

_MODE = Enum(("CLIENT_AND_SERVER", "CLIENT", "SERVER"))
PROVIDERS = ListOf(obj("ProviderRef", TM + "#ProviderRef", {"name": req(NON_EMPTY)}))
SELECTION = obj("WorkloadMode", TM + "#WorkloadMode", {"mode": _MODE})

_TAG_VALUE = obj("Tracing.Literal", TM + "#Tracing-Literal", {"value": req(NON_EMPTY)})
CUSTOM_TAG = obj(
    "Tracing.CustomTag",
    TM + "#Tracing-CustomTag",
    {
        "literal": _TAG_VALUE,
        "environment": obj(
            "Tracing.Environment",
            TM + "#Tracing-Environment",
            {"name": req(NON_EMPTY), "defaultValue": STR},
        ),
        "header": obj(
            "Tracing.RequestHeader",
            TM + "#Tracing-RequestHeader",
            {"name": req(NON_EMPTY), "defaultValue": STR},
        ),
        "formatter": obj("Tracing.Formatter", TM + "#Tracing-Formatter", {"value": req(NON_EMPTY)}),
    },
    at_most_one=(("literal", "environment", "header", "formatter"),),
)
TRACING = obj(
    "Tracing",
    TM + "#Tracing",
    {
        "match": SELECTION,
        "providers": PROVIDERS,
        "randomSamplingPercentage": Number(0, 100),
        "disableSpanReporting": BOOL,
        "customTags": MapOf(CUSTOM_TAG),
        "useRequestIdForTraceSampling": BOOL,
        "enableIstioTags": BOOL,
        "disableContextPropagation": BOOL,
    },
)
METRICS = obj(
    "Metrics",
    TM + "#Metrics",
    {
        "providers": PROVIDERS,
        "overrides": ListOf(
            obj(
                "MetricsOverrides",
                TM + "#MetricsOverrides",
                {
                    "match": obj(
                        "MetricSelector",
                        TM + "#MetricSelector",
                        {
                            "metric": Enum(
                                (
                                    "ALL_METRICS",
                                    "REQUEST_COUNT",
                                    "REQUEST_DURATION",
                                    "REQUEST_SIZE",
                                    "RESPONSE_SIZE",
                                    "TCP_OPENED_CONNECTIONS",
                                    "TCP_CLOSED_CONNECTIONS",
                                    "TCP_SENT_BYTES",
                                    "TCP_RECEIVED_BYTES",
                                    "GRPC_REQUEST_MESSAGES",
                                    "GRPC_RESPONSE_MESSAGES",
                                )
                            ),
                            "customMetric": NON_EMPTY,
                            "mode": _MODE,
                        },
                        at_most_one=(("metric", "customMetric"),),
                    ),
                    "disabled": BOOL,
                    "tagOverrides": MapOf(
                        obj(
                            "MetricsOverrides.TagOverride",
                            TM + "#MetricsOverrides-TagOverride",
                            {"operation": Enum(("UPSERT", "REMOVE")), "value": STR},
                        )
                    ),
                },
            )
        ),
        "reportingInterval": DURATION_1MS,
    },
)
ACCESS_LOGGING = obj(
    "AccessLogging",
    TM + "#AccessLogging",
    {
        "match": SELECTION,
        "providers": PROVIDERS,
        "disabled": BOOL,
        "filter": obj("AccessLogging.Filter", TM + "#AccessLogging-Filter", {"expression": STR}),
    },
)
TELEMETRY = obj(
    "Telemetry",
    TM + "#Telemetry",
    {
        "selector": WORKLOAD_MATCH_LABELS,
        "targetRef": POLICY_TARGET,
        "targetRefs": POLICY_TARGETS,
        "tracing": ListOf(TRACING),
        "metrics": ListOf(METRICS),
        "accessLogging": ListOf(ACCESS_LOGGING),
    },
    at_most_one=(("selector", "targetRef", "targetRefs"),),  # the CRD's CEL rule
)

# --- WasmPlugin -----------------------------------------------------------------------------

WASM_PLUGIN = obj(
    "WasmPlugin",
    WP + "#WasmPlugin",
    {
        "selector": WORKLOAD_MATCH_LABELS,
        "targetRef": POLICY_TARGET,
        "targetRefs": POLICY_TARGETS,
        "url": req(NON_EMPTY),  # its scheme: webhook_workloads.py
        "sha256": Text(
            pattern=r"[a-f0-9]{64}",
            pattern_wording="sha256 is 64 lowercase hexadecimal digits",
        ),
        "imagePullPolicy": Enum(("UNSPECIFIED_POLICY", "IfNotPresent", "Always")),
        "imagePullSecret": Text(min_length=1, max_length=253),
        "pluginConfig": Anything(),
        "pluginName": Text(min_length=1, max_length=256),
        "phase": Enum(("UNSPECIFIED_PHASE", "AUTHN", "AUTHZ", "STATS")),
        "priority": Integer(),
        "failStrategy": Enum(("FAIL_CLOSE", "FAIL_OPEN", "FAIL_RELOAD")),
        "vmConfig": obj(
            "VmConfig",
            WP + "#VmConfig",
            {
                "env": ListOf(
                    obj(
                        "EnvVar",
                        WP + "#EnvVar",
                        {
                            "name": req(Text(min_length=1, max_length=256)),
                            "valueFrom": Enum(("INLINE", "HOST")),
                            "value": Text(max_length=2048),
                        },
                    ),
                    max_items=256,
                )
            },
        ),
        "match": ListOf(
            obj(
                "WasmPlugin.TrafficSelector",
                WP + "#WasmPlugin-TrafficSelector",
                {
                    "mode": Enum(("UNDEFINED", "CLIENT", "SERVER", "CLIENT_AND_SERVER")),
                    "ports": ListOf(
                        obj("PortSelector", WP + "#PortSelector", {"number": req(PORT)})
                    ),
                },
            )
        ),
        "type": Enum(("UNSPECIFIED_PLUGIN_TYPE", "HTTP", "NETWORK")),
        "verificationKey": STR,
    },
    at_most_one=(("selector", "targetRef", "targetRefs"),),  # the CRD's CEL rule
)
