"""The effects a matched HTTP rule has besides choosing a destination: timeout, retries,
fault injection, rewrite, mirroring, header changes and CORS
(https://istio.io/latest/docs/reference/config/networking/virtual-service/#HTTPRoute)."""

from __future__ import annotations

from .durations import describe_seconds, parse_duration
from .match_conditions import Sample
from .node_readers import items, text
from .route_decision import Effect
from .schema import VS
from .yamlsource import Node

CONCEPTS = "https://istio.io/latest/docs/concepts/traffic-management/"


def rule_effects(rule: Node, sample: Sample) -> list[Effect]:
    """What `rule` does besides routing, in a fixed order: timeout and retries always (with
    Istio's defaults when unset), then each other setting the rule carries."""
    return [
        _timeout(rule),
        _retries(rule),
        *_faults(rule),
        *_rewrite(rule, sample),
        *_mirrors(rule),
        *_header_and_cors(rule),
    ]


def _timeout(rule: Node) -> Effect:
    timeout = text(rule.get("timeout"))
    seconds = parse_duration(timeout) if timeout else None
    if seconds is not None:
        return Effect(
            "timeout",
            f"Timeout {describe_seconds(seconds)}: if the answer (retries included) takes "
            "longer, Envoy gives up and answers 504.",
            VS + "#HTTPRoute",
        )
    if timeout:  # written, but not a duration: the checker reports it as an error
        return Effect(
            "timeout",
            f"The timeout {timeout!r} is not a duration Istio reads (such as 5s or 250ms): "
            "Istio refuses the resource, so no timeout of this rule applies.",
            VS + "#HTTPRoute",
        )
    return Effect(
        "timeout",
        "No timeout is set, and HTTP requests have none by default.",
        CONCEPTS + "#timeouts",
    )


def _retries(rule: Node) -> Effect:
    retries = rule.get("retries")
    if retries is None or not retries.is_map:
        return Effect(
            "retries",
            "No retry policy: Istio's default applies, retrying a failed request twice.",
            CONCEPTS + "#retries",
        )
    attempts = retries.get("attempts")
    count = attempts.value if attempts is not None and isinstance(attempts.value, int) else None
    if count == 0:
        return Effect("retries", "Retries are switched off (attempts: 0).", VS + "#HTTPRetry")
    parts = [f"up to {count} retries" if count is not None else "retries"]
    if text(retries.get("perTryTimeout")):
        parts.append(f"each attempt limited to {text(retries.get('perTryTimeout'))}")
    if text(retries.get("retryOn")):
        parts.append(f"on {text(retries.get('retryOn'))}")
    return Effect("retries", "Retries: " + ", ".join(parts) + ".", VS + "#HTTPRetry")


def _faults(rule: Node) -> list[Effect]:
    effects = []
    fault = rule.get("fault")
    if fault is None or not fault.is_map:
        return effects
    delay = fault.get("delay")
    if delay is not None and delay.is_map:
        amount = text(delay.get("fixedDelay")) or text(delay.get("exponentialDelay")) or "?"
        effects.append(
            Effect(
                "fault",
                f"Fault injection: a delay of {amount} for {_percent(delay)} of requests.",
                VS + "#HTTPFaultInjection-Delay",
            )
        )
    abort = fault.get("abort")
    if abort is not None and abort.is_map:
        what = next(
            (
                f"{label} {node.raw}"
                for label, node in (
                    ("HTTP status", abort.get("httpStatus")),
                    ("gRPC status", abort.get("grpcStatus")),
                    ("HTTP/2 error", abort.get("http2Error")),
                )
                if node is not None
            ),
            "an error",
        )
        effects.append(
            Effect(
                "fault",
                f"Fault injection: {_percent(abort)} of requests are aborted with {what}; "
                "they never reach the destination.",
                VS + "#HTTPFaultInjection-Abort",
            )
        )
    return effects


def _rewrite(rule: Node, sample: Sample) -> list[Effect]:
    rewrite = rule.get("rewrite")
    if rewrite is None or not rewrite.is_map:
        return []
    return [Effect("rewrite", _rewrite_text(rewrite, rule, sample), VS + "#HTTPRewrite")]


def _mirrors(rule: Node) -> list[Effect]:
    effects = []
    mirrors = [rule.get("mirror")] + [
        entry.get("destination") for entry in items(rule.get("mirrors"))
    ]
    for mirror in mirrors:
        if mirror is not None and mirror.is_map and text(mirror.get("host")):
            subset = text(mirror.get("subset"))
            effects.append(
                Effect(
                    "mirror",
                    f"A copy of the request goes to {text(mirror.get('host'))}"
                    + (f" subset {subset}" if subset else "")
                    + "; its answer is ignored.",
                    VS + "#HTTPMirrorPolicy",
                )
            )
    return effects


def _header_and_cors(rule: Node) -> list[Effect]:
    effects = []
    if rule.get("headers") is not None:
        effects.append(
            Effect(
                "headers", "Request or response headers are changed on the way.", VS + "#Headers"
            )
        )
    if rule.get("corsPolicy") is not None:
        effects.append(
            Effect("cors", "A CORS policy answers browser preflight requests.", VS + "#CorsPolicy")
        )
    return effects


def _percent(fault_part: Node) -> str:
    percentage = fault_part.get("percentage")
    value = percentage.get("value") if percentage is not None else None
    if (
        value is not None
        and isinstance(value.value, int | float)
        and not isinstance(value.value, bool)
    ):
        return f"{value.value:g}%"
    old_percent = fault_part.get("percent")
    if old_percent is not None and isinstance(old_percent.value, int):
        return f"{old_percent.value}%"
    return "an unspecified share (set percentage.value)"


def _rewrite_text(rewrite: Node, rule: Node, sample: Sample) -> str:
    from .matchers import check_regex

    parts = []
    new_uri = text(rewrite.get("uri"))
    if new_uri is not None:
        prefix = _matched_prefix(rule, sample)
        rewritten = new_uri + sample.path[len(prefix) :] if prefix is not None else new_uri
        parts.append(f"the path becomes {rewritten}")
    regex_rewrite = rewrite.get("uriRegexRewrite")
    if regex_rewrite is not None and text(regex_rewrite.get("match")) is not None:
        check = check_regex(text(regex_rewrite.get("match")))
        replacement = text(regex_rewrite.get("rewrite")) or ""
        if check.pattern is not None:
            try:
                parts.append(f"the path becomes {check.pattern.sub(replacement, sample.path)}")
            except (IndexError, ValueError):  # a bad group reference, a dangling backslash
                parts.append("the path is rewritten by a regex")
    authority = text(rewrite.get("authority"))
    if authority:
        parts.append(f"the Host header becomes {authority}")
    return "Rewrite before forwarding: " + (", ".join(parts) or "nothing") + "."


def _matched_prefix(rule: Node, sample: Sample) -> str | None:
    """The uri prefix that matched, which `rewrite.uri` replaces (else the whole path)."""
    for block in items(rule.get("match")):
        uri = block.get("uri")
        prefix = text(uri.get("prefix")) if uri is not None else None
        if prefix is not None and sample.path.startswith(prefix):
            return prefix
    return None
