"""A VirtualService as istiod's validating webhook refuses it, beyond its field schema: host
syntax and duplicates, gateway references, TCP and TLS rules without a route, retry policies,
`:authority` set twice, header operations, redirects and rewrites that do nothing, empty
string matches, fault injection Istio does not support, delegates with gateways.

Written from istio/istio `pkg/config/validation/validation.go` (ValidateVirtualService,
validateTCPRoute, validateTLSRoute, validateHTTPRedirect, validateHTTPRewrite,
validateHTTPFaultInjection, validateGatewayNames, validateStringMatch),
`pkg/config/validation/virtualservice.go` (validateHTTPRoute, validateAuthorityRewrite,
validateHTTPRouteMatchRequest) and `pkg/config/validation/agent/validation.go`
(ValidateHTTPRetry). The checks already made by virtual_service_rules.py (an HTTP rule with no
action or two, `*` for the mesh, weights) are not repeated here. Each is linear in the spec.
"""

from __future__ import annotations

from collections.abc import Iterator

from . import problems as codes
from .budget import spend, spend_text
from .node_readers import items, problem_at, text
from .problems import Problem
from .schema import VS
from .webhook_hosts import HostOverlaps, gateway_reference_problem, host_problem, is_ip, is_label
from .yamlsource import Node

ENVOY_RETRY_ON = (
    "https://www.envoyproxy.io/docs/envoy/latest/configuration/http/http_filters/"
    "router_filter#x-envoy-retry-on"
)
# The retryOn policies istiod accepts besides status codes (agent/validation.go,
# supportedRetryOnPolicies): Envoy's x-envoy-retry-on and x-envoy-retry-grpc-on values.
RETRY_ON = frozenset(
    {
        "5xx", "gateway-error", "reset", "reset-before-request", "connect-failure",
        "retriable-4xx", "refused-stream", "retriable-status-codes", "retriable-headers",
        "envoy-ratelimited", "http3-post-connect-failure",
        "cancelled", "deadline-exceeded", "internal", "resource-exhausted", "unavailable",
    }
)  # fmt: skip
# istiod accepts a number only if Go's net/http knows its status text (net/http/status.go).
KNOWN_STATUS = frozenset(
    [100, 101, 102, 103, *range(200, 209), 226, 300, 301, 302, 303, 304, 305, 307, 308]
    + [*range(400, 419), 421, 422, 423, 424, 425, 426, 428, 429, 431, 451]
    + [*range(500, 509), 510, 511]
)


def error(path: str, node: Node, message: str, hint: str = "") -> Problem:
    return problem_at("error", codes.SCHEMA_VALIDATION_ERROR, path, node, message, hint)


def check_virtual_service(spec: Node) -> Iterator[Problem]:
    hosts_node = spec.get("gateways")
    gateways = [item for item in items(hosts_node) if item.text() is not None]
    delegate = not items(spec.get("hosts"))
    bound_to_gateway = any(g.text() != "mesh" for g in gateways)
    yield from _hosts(spec, bound_to_gateway)
    for index, gateway in enumerate(gateways):
        yield from _gateway_reference(gateway, f"spec.gateways[{index}]")
    if delegate and spec.get("hosts") is not None:
        for name in ("gateways", "tls", "tcp"):
            if items(spec.get(name)):
                yield error(
                    f"spec.{name}",
                    spec.key_node(name),
                    f"A delegate VirtualService (no hosts) may not have `{name}`.",
                    f"A delegate only gets HTTP requests its parent hands over. See {VS}#Delegate",
                )
    for index, rule in enumerate(items(spec.get("http"))):
        spend()
        if rule.is_map:
            yield from _http_rule(rule, f"spec.http[{index}]")
    for protocol in ("tcp", "tls"):
        for index, rule in enumerate(items(spec.get(protocol))):
            spend()
            if not rule.is_map:
                continue
            path = f"spec.{protocol}[{index}]"
            if not items(rule.get("route")):
                yield error(
                    f"{path}.route",
                    rule,
                    f"A {protocol.upper()} rule needs a `route` with at least one destination.",
                    f"See {VS}#{'TCPRoute' if protocol == 'tcp' else 'TLSRoute'}",
                )
            for match_index, match in enumerate(items(rule.get("match"))):
                for g_index, gateway in enumerate(items(match.get("gateways"))):
                    yield from _gateway_reference(
                        gateway, f"{path}.match[{match_index}].gateways[{g_index}]"
                    )


def _hosts(spec: Node, bound_to_gateway: bool) -> Iterator[Problem]:
    overlaps = HostOverlaps()
    for index, item in enumerate(items(spec.get("hosts"))):
        host = item.text()
        path = f"spec.hosts[{index}]"
        if host is None or is_ip(host) or (host == "*" and not bound_to_gateway):
            continue  # `*` for the mesh is refused by virtual_service_rules.py already
        if bound_to_gateway and host.startswith("outbound_"):
            continue  # the SNI form `outbound_.<port>_._.<host>` istiod allows on gateways
        why = host_problem(host) if host != "*" else None
        if why is not None:
            yield error(
                path, item, f"`{host}` is not a valid host: {why}.", f"See {VS}#VirtualService"
            )
            continue
        twin = overlaps.add(host.lower().rstrip("."))
        if twin:
            yield error(
                path,
                item,
                f"The hosts `{twin}` and `{host}` overlap; istiod refuses duplicate hosts in one "
                "VirtualService.",
                "Keep the wider one, or split the hosts over two VirtualServices.",
            )


def _gateway_reference(item: Node, path: str) -> Iterator[Problem]:
    name = item.text()
    if name is None:
        return
    why = gateway_reference_problem(name)
    if why is not None:
        yield error(
            path,
            item,
            f"`{name}` is not a gateway reference istiod accepts: {why}.",
            "Write `mesh`, `<gateway name>` or `<namespace>/<gateway name>`. "
            f"See {VS}#VirtualService",
        )


def _http_rule(rule: Node, path: str) -> Iterator[Problem]:
    yield from _retries(rule.get("retries"), f"{path}.retries")
    yield from _authority(rule, path)
    yield from _header_operations(rule.get("headers"), f"{path}.headers")
    yield from _redirect(rule.get("redirect"), f"{path}.redirect", rule)
    yield from _rewrite(rule.get("rewrite"), f"{path}.rewrite")
    fault = rule.get("fault")
    if fault is not None and fault.is_map:
        if fault.get("abort") is None and fault.get("delay") is None:
            yield error(f"{path}.fault", fault, "A fault needs an `abort`, a `delay` or both.")
        for part, key in (("abort", "http2Error"), ("delay", "exponentialDelay")):
            inner = fault.get(part)
            if inner is not None and inner.is_map and inner.get(key) is not None:
                yield error(
                    f"{path}.fault.{part}.{key}",
                    inner.key_node(key),
                    f"Istio does not support `{key}` yet; istiod refuses it.",
                )
    for index, match in enumerate(items(rule.get("match"))):
        if match.is_map:
            yield from _match(match, f"{path}.match[{index}]")


def _match(match: Node, path: str) -> Iterator[Problem]:
    for field in ("scheme", "method", "authority"):
        yield from _empty_string_match(match.get(field), f"{path}.{field}", prefix_too=True)
    yield from _empty_string_match(match.get("uri"), f"{path}.uri", prefix_too=False)
    for field in ("headers", "queryParams"):
        conditions = match.get(field)
        for name, _, condition in (
            conditions.entries() if conditions is not None and conditions.is_map else ()
        ):
            yield from _empty_string_match(condition, f"{path}.{field}.{name}", prefix_too=True)
    namespace = text(match.get("sourceNamespace"))
    if namespace is not None and not is_label(namespace):
        yield error(
            f"{path}.sourceNamespace",
            match.get("sourceNamespace"),
            f"`{namespace}` is not a namespace name (lowercase letters, digits and `-`).",
        )
    for index, gateway in enumerate(items(match.get("gateways"))):
        yield from _gateway_reference(gateway, f"{path}.gateways[{index}]")


def _empty_string_match(node: Node | None, path: str, prefix_too: bool) -> Iterator[Problem]:
    if node is None or not node.is_map:
        return
    for kind in ("prefix", "regex") if prefix_too else ("regex",):
        value = node.get(kind)
        if value is not None and value.value == "":
            yield error(
                f"{path}.{kind}",
                value,
                f"An empty `{kind}` match is refused by istiod.",
                "Leave the condition out to match any value.",
            )


def _retries(retries: Node | None, path: str) -> Iterator[Problem]:
    if retries is None or not retries.is_map:
        return
    attempts = retries.get("attempts")
    if attempts is not None and attempts.value == 0:
        policy = [
            k
            for k in ("perTryTimeout", "retryOn", "retryRemoteLocalities")
            if retries.get(k) is not None
        ]
        if policy:
            yield error(
                f"{path}.attempts",
                attempts,
                f"`attempts: 0` turns retries off, yet this policy sets `{policy[0]}`.",
                "Give a number of attempts, or remove the rest of the policy.",
            )
    retry_on = retries.get("retryOn")
    value = retry_on.value if retry_on is not None else None
    if not isinstance(value, str) or not value:
        return
    spend_text(value)
    for policy in value.split(","):
        if policy in RETRY_ON or (
            policy.isdigit() and len(policy) == 3 and int(policy) in KNOWN_STATUS
        ):
            continue
        spaced = policy != policy.strip() and (
            policy.strip() in RETRY_ON or policy.strip().isdigit()
        )
        yield error(
            f"{path}.retryOn",
            retry_on,
            f"`{policy}` is not a retryOn policy istiod accepts."
            if not policy.isdigit()
            else f"`{policy}` is not an HTTP status code.",
            ("Write the values without spaces around the commas. " if spaced else "")
            + f"Envoy's policies ({', '.join(sorted(RETRY_ON)[:6])}, …) or HTTP status codes. "
            f"See {ENVOY_RETRY_ON}",
        )


def _authority(rule: Node, path: str) -> Iterator[Problem]:
    """The authority may be rewritten in one place only (validateAuthorityRewrite)."""
    rewrite = rule.get("rewrite")
    setters = []
    if rewrite is not None and rewrite.is_map and text(rewrite.get("authority")):
        setters.append((f"{path}.rewrite.authority", rewrite.key_node("authority")))
    request = rule.get("headers").get("request") if rule.get("headers") is not None else None
    for operation in ("set", "add"):
        headers = request.get(operation) if request is not None else None
        for name, key_node, _ in (
            headers.entries() if headers is not None and headers.is_map else ()
        ):
            if name.lower() in (":authority", "host"):
                setters.append((f"{path}.headers.request.{operation}.{name}", key_node))
    for where, node in setters[1:]:
        yield error(
            where,
            node,
            "The authority (Host header) is set twice in this rule; istiod refuses that.",
            f"It is already set at {setters[0][0]}. Keep one.",
        )


def _header_operations(headers: Node | None, path: str) -> Iterator[Problem]:
    if headers is None or not headers.is_map:
        return
    for side in ("request", "response"):
        operations = headers.get(side)
        if operations is None or not operations.is_map:
            continue
        for operation in ("set", "add", "remove"):
            node = operations.get(operation)
            if node is None:
                continue
            names = (
                [(n, k) for n, k, _ in node.entries()]
                if node.is_map
                else [(i.text(), i) for i in items(node)]
            )
            for name, key_node in names:
                if not isinstance(name, str):
                    continue
                spend_text(name)
                authority_ok = side == "request" and operation != "remove"
                lower = name.lower()
                if (
                    name == ""
                    or (lower == "host" and not authority_ok)
                    or (name.startswith(":") and not (authority_ok and lower == ":authority"))
                ):
                    yield error(
                        f"{path}.{side}.{operation}.{name}",
                        key_node,
                        f"istiod refuses the header `{name}` here: pseudo-headers (`:…`) and "
                        "Host cannot be changed this way.",
                        "Change the authority with `rewrite.authority`.",
                    )


def _redirect(redirect: Node | None, path: str, rule: Node) -> Iterator[Problem]:
    if redirect is None or not redirect.is_map:
        return
    if not any(
        redirect.get(k) is not None
        for k in ("uri", "prefixRewrite", "authority", "port", "derivePort", "scheme")
    ):
        yield error(
            path,
            redirect,
            "A redirect must change one of `uri`, `prefixRewrite`, `authority`, `scheme`, `port`.",
            f"See {VS}#HTTPRedirect",
        )
    scheme = text(redirect.get("scheme"))
    if scheme is not None and scheme not in ("http", "https"):
        yield error(
            f"{path}.scheme", redirect.get("scheme"), 'A redirect scheme is "http" or "https".'
        )
    if redirect.get("prefixRewrite") is not None:
        for index, match in enumerate(items(rule.get("match"))):
            uri = match.get("uri") if match.is_map else None
            if uri is not None and uri.is_map and uri.get("prefix") is None:
                yield error(
                    f"{path}.prefixRewrite",
                    redirect.key_node("prefixRewrite"),
                    f"`prefixRewrite` needs every URI match to be a prefix; match[{index}] is not.",
                )


def _rewrite(rewrite: Node | None, path: str) -> Iterator[Problem]:
    if rewrite is None or not rewrite.is_map:
        return
    if not any(rewrite.get(k) is not None for k in ("uri", "uriRegexRewrite", "authority")):
        yield error(path, rewrite, "A rewrite must change `uri`, `uriRegexRewrite` or `authority`.")
    regex = rewrite.get("uriRegexRewrite")
    if (
        regex is not None
        and regex.is_map
        and (regex.get("match") is None or regex.get("rewrite") is None)
    ):
        yield error(
            f"{path}.uriRegexRewrite",
            regex,
            "`uriRegexRewrite` needs both `match` and `rewrite`.",
            f"See {VS}#RegexRewrite",
        )
