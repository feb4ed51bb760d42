"""A field that the schema does not know: the problem it gets, with the most useful hint we
can give (a known mistake, a camelCase or case slip, a close spelling, else the fields there are).
"""

from __future__ import annotations

import difflib
import re

from . import problems as codes
from .budget import spend, spend_text
from .field_types import Obj
from .problems import Problem
from .yamlsource import Node

DR_CIRCUIT_BREAKING = "https://istio.io/latest/docs/tasks/traffic-management/circuit-breaking/"

# Fields people write that Istio has never had (or has removed), with what to write instead.
# Keyed by (message name or "*", field name).
_KNOWN_MISTAKES: dict[tuple[str, str], str] = {
    ("TrafficPolicy", "circuitBreaker"): (
        "Istio has no `circuitBreaker` field (it belonged to the pre-2018 DestinationPolicy "
        "API). Circuit breaking is `connectionPool` (limits on connections and pending "
        "requests) plus `outlierDetection` (ejecting hosts that keep failing); see "
        + DR_CIRCUIT_BREAKING
    ),
    ("HTTPRouteDestination", "subset"): "`subset` goes inside `destination`, next to `host`.",
    ("HTTPRouteDestination", "host"): "`host` goes inside `destination`.",
    ("Destination", "weight"): (
        "`weight` belongs to the route entry, beside `destination` (same indentation), "
        "not inside it."
    ),
    ("Destination", "name"): "The service is named by `host` (the v1alpha1 `name` is gone).",
    ("HTTPRetry", "timeout"): "The per-attempt timeout is `perTryTimeout`; the overall one is "
    "`timeout` on the HTTP route.",
    ("HTTPRoute", "websocketUpgrade"): "Removed: WebSocket upgrades work without configuration.",
    ("HTTPRoute", "appendHeaders"): "Removed: use `headers.request.set` or `headers.request.add`.",
    ("HTTPRoute", "appendRequestHeaders"): "Removed: use `headers.request.add`.",
    ("HTTPRoute", "removeRequestHeaders"): "Removed: use `headers.request.remove`.",
    ("HTTPRoute", "appendResponseHeaders"): "Removed: use `headers.response.add`.",
    ("HTTPRoute", "removeResponseHeaders"): "Removed: use `headers.response.remove`.",
    (
        "HTTPRoute",
        "destination",
    ): "Put destinations in a `route:` list: `route: [{destination: …}]`.",
    ("HTTPRoute", "uri"): "`uri` is a match condition: put it under `match:`.",
    ("HTTPRoute", "headers_match"): "Header conditions go under `match:`.",
    (
        "HTTPRoute",
        "precedence",
    ): "Rules are tried top to bottom; the v1alpha1 `precedence` is gone.",
    ("HTTPRoute", "weight"): "`weight` goes on each entry of `route:`, beside `destination`.",
    ("HTTPRoute", "subset"): "`subset` goes inside `route[].destination`.",
    (
        "VirtualService",
        "subsets",
    ): "Subsets are defined in a DestinationRule, not a VirtualService.",
    ("VirtualService", "host"): "A VirtualService takes a list: `hosts: [reviews]`.",
    ("VirtualService", "route"): "Routes go inside a rule: `http: [{route: […]}]`.",
    ("VirtualService", "match"): "Matches go inside a rule: `http: [{match: […], route: […]}]`.",
    ("DestinationRule", "hosts"): "A DestinationRule takes one `host` (a string), not a list.",
    ("DestinationRule", "loadBalancer"): "Put it under `trafficPolicy:`.",
    ("DestinationRule", "connectionPool"): "Put it under `trafficPolicy:`.",
    ("DestinationRule", "outlierDetection"): "Put it under `trafficPolicy:`.",
    ("DestinationRule", "tls"): "Put it under `trafficPolicy:`.",
    ("DestinationRule", "circuitBreaker"): (
        "Istio has no `circuitBreaker`; write `trafficPolicy.connectionPool` and "
        "`trafficPolicy.outlierDetection` instead (" + DR_CIRCUIT_BREAKING + ")."
    ),
    ("Subset", "version"): "Subsets select pods by `labels:`, e.g. `labels: {version: v1}`.",
    ("OutlierDetection", "consecutive5xx"): "The field is `consecutive5xxErrors`.",
    ("PeerAuthentication", "mode"): "Write `mtls: {mode: STRICT}`.",
    ("AuthorizationPolicy", "from"): "`from`, `to` and `when` go inside an entry of `rules:`.",
    ("AuthorizationPolicy", "to"): "`from`, `to` and `when` go inside an entry of `rules:`.",
    ("Rule", "source"): "Write `from: [{source: {…}}]`.",
    ("Rule", "operation"): "Write `to: [{operation: {…}}]`.",
}


def unknown_field(key: str, key_node: Node, value: Node, schema: Obj, path: str) -> Problem:
    spend_text(key)
    spend(len(schema.fields))  # the close matches looked for among them
    known = sorted(schema.fields)
    hint = _KNOWN_MISTAKES.get((schema.name, key), "")
    if key == "circuitBreaker" and value.get("consecutiveErrors") is not None:
        hint += (
            " Its `consecutiveErrors` (deprecated since Istio 1.5; it counted 502, 503 and 504)"
            " becomes `outlierDetection.consecutiveGatewayErrors`, or"
            " `outlierDetection.consecutive5xxErrors` to count every 5xx."
        )
    if not hint:
        camel = re.sub(r"_([a-z0-9])", lambda m: m.group(1).upper(), key)
        same_case = {name.lower(): name for name in known}
        if camel != key and camel in schema.fields:
            hint = f"Did you mean `{camel}`? Istio fields are written in camelCase."
        elif key.lower() in same_case:
            hint = f"Did you mean `{same_case[key.lower()]}`? Field names are case-sensitive."
        else:
            close = difflib.get_close_matches(key, known, n=1, cutoff=0.6)
            if close:
                hint = f"Did you mean `{close[0]}`?"
    fields = ", ".join(known) if len(known) <= 16 else ", ".join(known[:16]) + ", …"
    hint = (hint + " " if hint else "") + f"{schema.name} fields: {fields}. See {schema.doc}"
    return Problem(
        "error",
        codes.SCHEMA_VALIDATION_ERROR,
        path,
        key_node.line,
        key_node.column,
        f"`{key}` is not a field of {schema.name}.",
        hint,
    )
