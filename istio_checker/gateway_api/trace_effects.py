"""What the winning HTTPRoute rule does with the request: its filters and weighted backends.

As Istio converts them (istio/istio pilot/pkg/config/kube/gateway/conversion.go,
convertHTTPRoute, createRedirectFilter, createRewriteFilter, buildHTTPDestination):
- RequestRedirect answers the client (302 unless `statusCode` says otherwise); without `port`
  the request's port is kept, or with `scheme` the scheme's default port.
- URLRewrite changes the host (`hostname`) and path (ReplaceFullPath, or ReplacePrefixMatch for
  the matched PathPrefix) of the request sent on.
- RequestHeaderModifier / ResponseHeaderModifier set, add and remove headers; RequestMirror
  sends a copy (all, `percent`, or `fraction`) and ignores the answer.
- Backends share the requests by `weight` (default 1). A rule whose weights add up to 0, or
  with no backendRefs and no redirect, is answered 500 by Envoy (the Gateway API spec; Istio
  programs a direct response).
"""

from __future__ import annotations

from ..budget import spend
from ..match_conditions import Sample
from ..node_readers import items, text, texts
from ..route_decision import Effect, RouteDecision, Share
from ..yamlsource import Node
from .schema import SPEC
from .trace_conditions import segment_prefix

MAX_NAMED = 20


def apply_rule(candidate, sample: Sample, decision: RouteDecision) -> None:
    rule = candidate.rule
    where = candidate.label
    filters = [f for f in items(rule.get("filters")) if f.is_map]
    redirect = next(
        (f.get("requestRedirect") for f in filters if f.get("requestRedirect") is not None), None
    )
    for entry in filters:
        spend()
        decision.effects.extend(_filter_effects(entry, candidate, sample))
    decision.effects.extend(_timeouts(rule.get("timeouts")))
    if redirect is not None and redirect.is_map:
        code = redirect.get("statusCode")
        decision.outcome = "redirect"
        decision.status = code.value if code is not None and isinstance(code.value, int) else 302
        location = _location(redirect, candidate, sample)
        decision.summary = (
            f"{where} wins: Envoy answers {decision.status} and redirects to {location}."
        )
        return
    decision.shares = _shares(rule, candidate.route)
    total = sum(share.weight for share in decision.shares)
    if total == 0:
        decision.outcome, decision.status = "direct_response", 500
        decision.shares = []
        decision.summary = (
            f"{where} wins but has no backend with a weight above 0, so Envoy answers 500 "
            "(the Gateway API asks for 500 when no backend can take the request)."
        )
        return
    decision.outcome = "route"
    named = [
        f"{share.percent:g}% to {share.host}" + (f" port {share.port}" if share.port else "")
        for share in decision.shares[:MAX_NAMED]
    ]
    if len(decision.shares) > MAX_NAMED:
        named.append(f"and {len(decision.shares) - MAX_NAMED} more backends")
    decision.summary = f"{where} wins: " + "; ".join(named) + "."


def _shares(rule: Node, route) -> list[Share]:
    backends = [b for b in items(rule.get("backendRefs")) if b.is_map]
    weights = []
    for backend in backends:
        spend()
        weight = backend.get("weight")
        weights.append(
            weight.value
            if weight is not None and isinstance(weight.value, int) and weight.value >= 0
            else 1
        )
    total = sum(weights)
    shares = []
    for backend, weight in zip(backends, weights, strict=True):
        name = text(backend.get("name")) or "(unnamed)"
        namespace = text(backend.get("namespace"))
        kind = text(backend.get("kind")) or "Service"
        port = backend.get("port")
        notes = [] if kind == "Service" else [f"A {kind} backend, not a Service."]
        if items(backend.get("filters")):
            notes.append("This backend has its own filters, applied only to requests sent to it.")
        shares.append(
            Share(
                host=f"{name}.{namespace}" if namespace and namespace != route.namespace else name,
                subset=None,
                port=port.value if port is not None and isinstance(port.value, int) else None,
                weight=weight,
                percent=round(100 * weight / total, 2) if total else 0.0,
                notes=notes,
            )
        )
    return shares


def _filter_effects(entry: Node, candidate, sample: Sample) -> list[Effect]:
    kind = text(entry.get("type")) or ""
    source = SPEC + "#httproutefilter"
    if kind in ("RequestHeaderModifier", "ResponseHeaderModifier"):
        modifier = entry.get(kind[0].lower() + kind[1:])
        which = "request" if kind.startswith("Request") else "response"
        return [Effect("headers", f"{kind}: {_header_ops(modifier)} on the {which}.", source)]
    if kind == "URLRewrite":
        return [
            Effect("rewrite", _rewrite_text(entry.get("urlRewrite"), candidate, sample), source)
        ]
    if kind == "RequestMirror":
        mirror = entry.get("requestMirror")
        backend = mirror.get("backendRef") if mirror is not None and mirror.is_map else None
        name = text(backend.get("name")) if backend is not None and backend.is_map else None
        share = _mirror_share(mirror)
        return [
            Effect(
                "mirror",
                f"RequestMirror: a copy of {share} goes to {name or '(unnamed)'}; "
                "its answer is ignored.",
                source,
            )
        ]
    if kind == "CORS":
        return [
            Effect(
                "cors", "CORS: Envoy answers preflight requests and adds the CORS headers.", source
            )
        ]
    if kind == "ExtensionRef":
        return [
            Effect(
                "policy", "ExtensionRef: an implementation-specific filter (not traced).", source
            )
        ]
    return []


def _header_ops(modifier: Node | None) -> str:
    if modifier is None or not modifier.is_map:
        return "nothing"
    parts = []
    for operation in ("set", "add"):
        for header in items(modifier.get(operation)):
            if header.is_map:
                parts.append(f"{operation} {text(header.get('name'))}: {text(header.get('value'))}")
    parts += [f"remove {name}" for name in texts(modifier.get("remove"))]
    return "; ".join(parts[:MAX_NAMED]) or "nothing"


def _mirror_share(mirror: Node | None) -> str:
    if mirror is None or not mirror.is_map:
        return "every request"
    percent, fraction = mirror.get("percent"), mirror.get("fraction")
    if percent is not None:
        return f"{text(percent)}% of requests"
    if fraction is not None and fraction.is_map:
        bottom = text(fraction.get("denominator")) or "100"
        return f"{text(fraction.get('numerator'))}/{bottom} of requests"
    return "every request"


def _new_path(path_modifier: Node | None, candidate, sample: Sample) -> str:
    """The path after a ReplaceFullPath or ReplacePrefixMatch modifier (the request's if none)."""
    if path_modifier is None or not path_modifier.is_map:
        return sample.path
    if text(path_modifier.get("type")) == "ReplaceFullPath":
        return text(path_modifier.get("replaceFullPath")) or "/"
    prefix = candidate.key.path_value.rstrip("/")
    replacement = text(path_modifier.get("replacePrefixMatch")) or ""
    if candidate.key.path_type != "PathPrefix" or not segment_prefix(prefix or "/", sample.path):
        return sample.path
    rest = sample.path[len(prefix) :]
    joined = replacement.rstrip("/") + rest if rest else replacement
    return joined if joined.startswith("/") else "/" + joined


def _rewrite_text(rewrite: Node | None, candidate, sample: Sample) -> str:
    if rewrite is None or not rewrite.is_map:
        return "URLRewrite: nothing to rewrite."
    parts = []
    if text(rewrite.get("hostname")):
        parts.append(f"the Host header becomes {text(rewrite.get('hostname'))}")
    if rewrite.get("path") is not None:
        parts.append(
            f"the path {sample.path} becomes {_new_path(rewrite.get('path'), candidate, sample)}"
        )
    return (
        "URLRewrite: "
        + (" and ".join(parts) or "nothing to rewrite")
        + " before the request is sent on."
    )


def _location(redirect: Node, candidate, sample: Sample) -> str:
    scheme = text(redirect.get("scheme"))
    host = text(redirect.get("hostname")) or sample.host
    port = redirect.get("port")
    if port is not None and isinstance(port.value, int):
        port_part = f":{port.value}"
    elif scheme is None and sample.port:
        port_part = f":{sample.port}"  # no scheme, no port: the request's port is kept
    else:
        port_part = ""
    path = _new_path(redirect.get("path"), candidate, sample)
    return f"{scheme or sample.request.scheme}://{host}{port_part}{path}"


def _timeouts(timeouts: Node | None) -> list[Effect]:
    if timeouts is None or not timeouts.is_map:
        return []
    source = SPEC + "#httproutetimeouts"
    found = []
    request, backend = text(timeouts.get("request")), text(timeouts.get("backendRequest"))
    if request and request != "0s":
        found.append(
            Effect(
                "timeout",
                f"Timeout: Envoy answers 504 if the whole request takes longer than {request}.",
                source,
            )
        )
    if backend and backend != "0s":
        found.append(
            Effect("timeout", f"Timeout: each try to a backend may take at most {backend}.", source)
        )
    return found
