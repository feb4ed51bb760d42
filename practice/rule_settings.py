"""What the rule a request matched does besides choosing destinations, read by meaning from a
VirtualService HTTP rule or an HTTPRoute rule, so that a route probe can compare either with
the task's expectations (route_probes.py). Pure Python: no Django.

VirtualService (https://istio.io/latest/docs/reference/config/networking/virtual-service/
#HTTPRoute): `fault` (abort / delay with `percentage`), `timeout`, `retries`, `redirect`,
`rewrite`, `mirror` with `mirrorPercentage` (all requests when unset) or `mirrors`, `headers`
on the rule or on each destination.
HTTPRoute (https://gateway-api.sigs.k8s.io/reference/spec/#httprouterule, as Istio converts it
in pilot/pkg/config/kube/gateway/conversion.go): `timeouts.request`, `retry`, and the filters
RequestRedirect, URLRewrite, RequestHeaderModifier / ResponseHeaderModifier (on the rule or on
each backendRef) and RequestMirror (`percent` or `fraction`, all requests when unset).
A header counts as set when the rule sets or adds it, or when every destination does.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from course_format.tasks import seconds
from istio_checker.budget import spend
from istio_checker.node_readers import items, text
from istio_checker.yamlsource import Node


@dataclass
class RuleSettings:
    abort: tuple[object, float | None] | None = None  # (status, percent)
    delay: tuple[float | None, float | None] | None = None  # (seconds, percent)
    timeout: float | None = None
    retries: dict | None = None  # attempts, per_try_timeout (seconds), retry_on (a set)
    redirect: dict = field(default_factory=dict)  # uri, authority
    rewrite: dict = field(default_factory=dict)  # uri, authority
    mirrors: list[tuple[str, str | None, float]] = field(default_factory=list)
    request_headers: dict = field(default_factory=dict)
    response_headers: dict = field(default_factory=dict)


def _number(node: Node | None) -> float | None:
    value = node.value if node is not None else None
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    return float(value)


def _seconds(node: Node | None) -> float | None:
    written = text(node)
    return seconds(written) if written else None


# --- VirtualService ---------------------------------------------------------------------------


def of_virtual_service_rule(rule: Node) -> RuleSettings:
    settings = RuleSettings(timeout=_seconds(rule.get("timeout")))
    fault = rule.get("fault")
    if fault is not None:
        abort, delay = fault.get("abort"), fault.get("delay")
        if abort is not None:
            status = abort.get("httpStatus")
            settings.abort = (status.value if status is not None else None, _fault_percent(abort))
        if delay is not None:
            settings.delay = (_seconds(delay.get("fixedDelay")), _fault_percent(delay))
    retries = rule.get("retries")
    if retries is not None:
        attempts = retries.get("attempts")
        settings.retries = {
            "attempts": attempts.value if attempts is not None else None,
            "per_try_timeout": _seconds(retries.get("perTryTimeout")),
            "retry_on": _parts(text(retries.get("retryOn"))),
        }
    for part, into in (("redirect", settings.redirect), ("rewrite", settings.rewrite)):
        node = rule.get(part)
        if node is not None:
            into.update({"uri": text(node.get("uri")), "authority": text(node.get("authority"))})
    single = rule.get("mirror")
    if single is not None:
        settings.mirrors.append(_mirror(single, rule.get("mirrorPercentage")))
    for entry in items(rule.get("mirrors")):
        spend()
        if entry.get("destination") is not None:
            settings.mirrors.append(_mirror(entry.get("destination"), entry.get("percentage")))
    destinations = [entry.get("headers") for entry in items(rule.get("route")) if entry.is_map]
    for direction in ("request", "response"):
        merged = _common([_vs_headers(headers, direction) for headers in destinations])
        merged.update(_vs_headers(rule.get("headers"), direction))
        setattr(settings, f"{direction}_headers", merged)
    return settings


def _fault_percent(part: Node) -> float | None:
    """`percentage.value`, or the old integer `percent`; None when neither is written."""
    percentage = part.get("percentage")
    value = _number(percentage.get("value")) if percentage is not None else None
    return value if value is not None else _number(part.get("percent"))


def _mirror(destination: Node, percentage: Node | None) -> tuple[str, str | None, float]:
    value = _number(percentage.get("value")) if percentage is not None else None
    host = text(destination.get("host")) or ""
    return host, text(destination.get("subset")), 100.0 if value is None else value


def _vs_headers(headers: Node | None, direction: str) -> dict:
    part = headers.get(direction) if headers is not None else None
    values = {}
    for operation in ("add", "set"):  # `set` wins over `add` for the same header
        found = part.get(operation) if part is not None else None
        for name, _, value in found.entries() if found is not None else ():
            spend()
            values[name.lower()] = text(value)
    return values


def _common(per_destination: list[dict]) -> dict:
    """The headers every destination sets to the same value."""
    if not per_destination:
        return {}
    first, *rest = per_destination
    return {k: v for k, v in first.items() if all(other.get(k) == v for other in rest)}


def _parts(written: str | None) -> set[str]:
    return {part.strip() for part in (written or "").split(",")} - {""}


# --- HTTPRoute --------------------------------------------------------------------------------


def of_http_route_rule(rule: Node) -> RuleSettings:
    timeouts = rule.get("timeouts")
    settings = RuleSettings(timeout=_seconds(timeouts.get("request")) if timeouts else None)
    retry = rule.get("retry")
    if retry is not None:
        attempts = retry.get("attempts")
        codes = [str(code.value) for code in items(retry.get("codes"))]
        settings.retries = {
            "attempts": attempts.value if attempts is not None else None,
            "per_try_timeout": _seconds(timeouts.get("backendRequest")) if timeouts else None,
            "retry_on": set(codes),
        }
    filters = [entry for entry in items(rule.get("filters")) if entry.is_map]
    for entry in filters:
        spend()
        _http_filter(entry, settings)
    backends = [
        [entry for entry in items(backend.get("filters")) if entry.is_map]
        for backend in items(rule.get("backendRefs"))
        if backend.is_map
    ]
    for direction in ("request", "response"):
        merged = _common([_route_headers(found, direction) for found in backends])
        merged.update(_route_headers(filters, direction))
        setattr(settings, f"{direction}_headers", merged)
    return settings


def _http_filter(entry: Node, settings: RuleSettings) -> None:
    redirect, rewrite = entry.get("requestRedirect"), entry.get("urlRewrite")
    for node, into in ((redirect, settings.redirect), (rewrite, settings.rewrite)):
        if node is not None:
            path = node.get("path")
            uri = None
            if path is not None:
                uri = text(path.get("replaceFullPath")) or text(path.get("replacePrefixMatch"))
            into.update({"uri": uri, "authority": text(node.get("hostname"))})
    mirror = entry.get("requestMirror")
    if mirror is not None:
        backend = mirror.get("backendRef")
        host = text(backend.get("name")) if backend is not None else ""
        settings.mirrors.append((host or "", None, _mirror_percent(mirror)))


def _mirror_percent(mirror: Node) -> float:
    percent = _number(mirror.get("percent"))
    if percent is not None:
        return percent
    fraction = mirror.get("fraction")
    if fraction is not None:
        numerator = _number(fraction.get("numerator")) or 0.0
        denominator = _number(fraction.get("denominator")) or 100.0
        return numerator / denominator * 100 if denominator else 0.0
    return 100.0


def _route_headers(filters: list[Node], direction: str) -> dict:
    key = "requestHeaderModifier" if direction == "request" else "responseHeaderModifier"
    values = {}
    for entry in filters:
        modifier = entry.get(key)
        for operation in ("add", "set"):
            found = modifier.get(operation) if modifier is not None else None
            for header in items(found):
                spend()
                name = text(header.get("name"))
                if name:
                    values[name.lower()] = text(header.get("value"))
    return values
