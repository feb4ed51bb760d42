"""Which route would this request take? A walk through a VirtualService the way Envoy reads it.

Envoy tries HTTP rules top to bottom and uses the first that matches; within a rule the
`match` blocks are alternatives (OR) and the conditions inside one block must all hold (AND)
(https://istio.io/latest/docs/reference/config/networking/virtual-service/#HTTPRoute).
A request that no rule matches is answered by Envoy itself with 404 and the response flag NR
(https://istio.io/latest/docs/ops/common-problems/network-issues/).

Conditions that depend on facts a sample request does not carry (the calling workload's
labels or namespace, an unknown port) are reported as "unknown" and do not match.

The trace spends the check's work budget (budget.py) for each rule, condition and destination,
and looks DestinationRules up in an index, so it is linear in the VirtualService it walks.
What it repeats for every destination (a DestinationRule's name and settings, a subset's pod
labels) is clipped, so that a thousand destinations do not copy one long value a thousand times.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass, field
from functools import cached_property
from urllib.parse import parse_qs

from .budget import memo, running, spend, spend_text
from .crossrefs import destination_rule_index, subsets_for
from .durations import describe_seconds, parse_duration
from .hosts import gateway_name, match_rank, strip_port
from .matchers import evaluate
from .problems import clip
from .resources import LeftOut, Resource, load_resources
from .rules import is_catch_all, items, text, texts
from .schema import DR, VS
from .yamlsource import Node

CONCEPTS = "https://istio.io/latest/docs/concepts/traffic-management/"
MAX_HEADER_LINES = 100
MAX_QUOTED = 200  # characters of a name or setting quoted in each destination's notes
MAX_LABELS_SHOWN = 50  # pod labels shown per destination (a real subset has a handful)
MAX_SHARES_SUMMED_UP = 20  # destinations named in the one-line summary (`shares` has them all)


@dataclass(frozen=True)
class Request:
    host: str
    path: str = "/"
    method: str = "GET"
    headers: Mapping[str, str] = field(default_factory=dict)
    scheme: str = "http"
    gateway: str | None = None  # None: work it out from the VirtualService's `gateways`
    port: int | None = None


def parse_headers(raw: object) -> dict[str, str]:
    """`Name: value` per line → {name (lowercase): value}; lines without a colon are ignored."""
    headers: dict[str, str] = {}
    if not isinstance(raw, str):
        return headers
    for line in raw.splitlines()[:MAX_HEADER_LINES]:
        name, sep, value = line.partition(":")
        if sep and name.strip() and len(line) <= 8192:
            headers[name.strip().lower()] = value.strip()
    return headers


@dataclass
class Condition:
    field: str
    expected: str
    actual: str
    matched: bool | None  # None: unknown for this sample request
    note: str = ""


@dataclass
class MatchBlock:
    index: int
    matched: bool
    conditions: list[Condition]


@dataclass
class RuleTrace:
    index: int
    name: str
    line: int
    matched: bool
    catch_all: bool
    blocks: list[MatchBlock]


@dataclass
class Share:
    host: str
    subset: str | None
    port: int | None
    weight: int
    percent: float
    labels: dict | None = None  # the subset's pod labels, when a DestinationRule here defines it
    notes: list[str] = field(default_factory=list)


@dataclass
class Effect:
    kind: str  # timeout, retries, fault, rewrite, mirror, headers, cors, policy
    text: str
    source: str


@dataclass
class RouteDecision:
    # route, redirect, direct_response, no_route, no_virtual_service, not_applicable or
    # delegate_missing
    outcome: str
    summary: str
    host: str
    path: str
    gateway: str = "mesh"
    status: int | None = None
    response_flag: str | None = None
    virtual_service: str | None = None
    virtual_service_line: int | None = None
    matched_rule: int | None = None
    rules: list[RuleTrace] = field(default_factory=list)
    shares: list[Share] = field(default_factory=list)
    effects: list[Effect] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    # Documents the trace could not read although they may have been meant for it (a misspelled
    # kind, say): the route they would make is missing from this decision.
    left_out: list[LeftOut] = field(default_factory=list)

    def as_dict(self) -> dict:
        return asdict(self)


def trace(text_: object, request: Request) -> RouteDecision:
    """Parse `text_` and route `request` through it (raises budget.OutOfBudget past the
    check's work budget)."""
    with running():
        loaded = load_resources(text_)
        return route(loaded.resources, request, loaded.left_out)


def route(
    resources: list[Resource], request: Request, left_out: Sequence[LeftOut] = ()
) -> RouteDecision:
    """Route `request` through `resources`; `left_out` names the documents it could not read.
    Raises budget.OutOfBudget past the running check's work budget (or a fresh one's)."""
    with running():
        decision = _route(resources, request)
    decision.left_out = list(left_out)
    return decision


def _route(resources: list[Resource], request: Request) -> RouteDecision:
    host, host_port = strip_port(request.host or "")
    port = request.port or host_port
    path, _, query = (request.path or "/").partition("?")
    path = path or "/"
    virtual_services = [r for r in resources if r.kind == "VirtualService" and r.spec is not None]
    ranked = sorted(
        (
            (max((_rank(h, host) for h in texts(vs.spec.get("hosts"))), default=0), order, vs)
            for order, vs in enumerate(virtual_services)
        ),
        key=lambda entry: (-entry[0], entry[1]),
    )
    candidates = [vs for rank, _, vs in ranked if rank > 0]
    if not host or not candidates:
        return RouteDecision(
            outcome="no_virtual_service",
            summary=f"No VirtualService here routes `{host or '(no host)'}`: the request goes to "
            "that service as it is, spread over all its pods (no subsets, no rules).",
            host=host,
            path=path,
        )
    chosen, context, notes = _pick(candidates, request.gateway)
    if chosen is None:
        return RouteDecision(
            outcome="not_applicable",
            summary=f"The VirtualServices for `{host}` are not bound to gateway "
            f"`{request.gateway}`, so none of their rules apply there.",
            host=host,
            path=path,
            gateway=request.gateway or "mesh",
            notes=notes,
        )
    sample = _Sample(request, host, port, path, query, context)
    decision = RouteDecision(
        outcome="no_route",
        summary="",
        host=host,
        path=path,
        gateway=context,
        virtual_service=chosen.name or "(unnamed)",
        virtual_service_line=chosen.root.line,
        notes=notes,
    )
    _walk_rules(chosen, sample, resources, decision, depth=0)
    return decision


def _rank(pattern: str, host: str) -> int:
    spend_text(pattern)
    return match_rank(pattern, host)


def _pick(
    candidates: list[Resource], gateway: str | None
) -> tuple[Resource | None, str, list[str]]:
    notes = []
    if len(candidates) > 1:
        notes.append(
            f"{len(candidates)} VirtualServices match this host; the trace follows "
            f"{candidates[0].name or 'the first'} (the most specific host, then the first written)."
        )
    for vs in candidates:
        spend()
        bound = texts(vs.spec.get("gateways")) or ["mesh"]
        if gateway:
            wanted = gateway_name(gateway)[1]
            if any(g == gateway or gateway_name(g)[1] == wanted for g in bound):
                return vs, gateway, notes
            continue
        if "mesh" in bound:
            return vs, "mesh", notes
        notes.append(
            f"VirtualService {vs.name} applies only at gateway `{bound[0]}`, so the trace "
            "assumes the request arrives through it."
        )
        return vs, bound[0], notes
    return None, gateway or "mesh", notes


@dataclass
class _Sample:
    request: Request
    host: str
    port: int | None
    path: str
    query: str
    gateway: str

    @cached_property  # read for every condition: parsed once per trace
    def params(self) -> dict[str, str]:
        parsed = parse_qs(self.query, keep_blank_values=True)
        return {name: values[0] for name, values in parsed.items()}

    @cached_property
    def headers(self) -> dict[str, str]:
        return {str(k).lower(): str(v) for k, v in self.request.headers.items()}


def _walk_rules(
    vs: Resource, sample: _Sample, resources: list[Resource], decision: RouteDecision, depth: int
) -> None:
    rules = [rule for rule in items(vs.spec.get("http")) if rule.is_map]
    for index, rule in enumerate(rules):
        spend()
        traced = _trace_rule(index, rule, sample)
        decision.rules.append(traced)
        if traced.matched:
            decision.matched_rule = index if depth == 0 else decision.matched_rule
            _apply(rule, index, vs, sample, resources, decision, depth)
            return
    where = f"VirtualService {vs.name}" if vs.name else "The VirtualService"
    decision.outcome = "no_route"
    decision.status = 404
    decision.response_flag = "NR"
    decision.summary = (
        f"No rule of {where} matches this request, so Envoy answers 404 itself "
        "(response flag NR: no route). Add a last rule without `match` as the default."
    )


def _trace_rule(index: int, rule: Node, sample: _Sample) -> RuleTrace:
    name = text(rule.get("name")) or ""
    if is_catch_all(rule) and not items(rule.get("match")):
        return RuleTrace(index, name, rule.line, True, True, [])
    blocks = []
    for block_index, block in enumerate(items(rule.get("match"))):
        spend()
        conditions = _conditions(block, sample) if block.is_map else []
        matched = all(condition.matched is True for condition in conditions)
        blocks.append(MatchBlock(block_index, matched, conditions))
    return RuleTrace(
        index, name, rule.line, any(b.matched for b in blocks), is_catch_all(rule), blocks
    )


def _conditions(block: Node, sample: _Sample) -> list[Condition]:
    found: list[Condition] = []
    ignore_case = (
        block.get("ignoreUriCase") is not None and block.get("ignoreUriCase").value is True
    )
    singles = (
        ("uri", sample.path),
        ("scheme", sample.request.scheme),
        ("method", (sample.request.method or "GET").upper()),
        ("authority", sample.request.host),
    )
    for key, actual in singles:
        condition = block.get(key)
        if condition is not None:
            spend()
            result = evaluate(condition.plain(), actual, ignore_case and key == "uri")
            note = result.note or (" (case ignored)" if ignore_case and key == "uri" else "")
            found.append(
                Condition(key, result.expected, _show(actual), result.matched, note.strip())
            )
    headers = sample.headers
    for field_name, negate in (("headers", False), ("withoutHeaders", True)):
        wanted = block.get(field_name)
        for name, _, condition in wanted.entries() if wanted is not None else ():
            spend_text(name)
            actual = headers.get(name.lower())
            result = evaluate(condition.plain(), actual)
            matched = result.matched
            if negate and matched is not None:
                matched = not matched
            expected = ("not " if negate else "") + result.expected
            found.append(
                Condition(f"{field_name}.{name}", expected, _show(actual), matched, result.note)
            )
    params = block.get("queryParams")
    for name, _, condition in params.entries() if params is not None else ():
        spend_text(name)
        actual = sample.params.get(name)
        result = evaluate(condition.plain(), actual)
        found.append(
            Condition(
                f"queryParams.{name}", result.expected, _show(actual), result.matched, result.note
            )
        )
    port = block.get("port")
    if port is not None:
        if sample.port is None:
            found.append(
                Condition(
                    "port", str(port.raw), "unknown", None, "the sample request names no port"
                )
            )
        else:
            found.append(
                Condition("port", str(port.raw), str(sample.port), port.value == sample.port)
            )
    gateways = texts(block.get("gateways"))
    if gateways:
        found.append(
            Condition("gateways", " or ".join(gateways), sample.gateway, sample.gateway in gateways)
        )
    for key in ("sourceLabels", "sourceNamespace"):
        if block.get(key) is not None:
            found.append(
                Condition(
                    key,
                    _show_plain(block.get(key).plain()),
                    "unknown",
                    None,
                    "depends on the calling workload, which a sample request does not have",
                )
            )
    return found


def _apply(
    rule: Node,
    index: int,
    vs: Resource,
    sample: _Sample,
    resources: list[Resource],
    decision: RouteDecision,
    depth: int,
) -> None:
    where = f"Rule [{index}]" + (f" ({text(rule.get('name'))})" if text(rule.get("name")) else "")
    if rule.get("delegate") is not None and depth == 0:
        _delegate(rule, where, vs, sample, resources, decision)
        return
    decision.effects.extend(_effects(rule, sample))
    redirect = rule.get("redirect")
    direct = rule.get("directResponse")
    if redirect is not None and redirect.is_map:
        code = redirect.get("redirectCode")
        decision.outcome = "redirect"
        decision.status = code.value if code is not None and isinstance(code.value, int) else 301
        decision.summary = (
            f"{where} matches: Envoy answers {decision.status} and redirects to "
            f"{_location(redirect, sample)}."
        )
        return
    if direct is not None and direct.is_map:
        status = direct.get("status")
        body = direct.get("body")
        decision.outcome = "direct_response"
        decision.status = (
            status.value if status is not None and isinstance(status.value, int) else None
        )
        decision.summary = f"{where} matches: Envoy answers {decision.status} itself" + (
            f' with the body "{text(body.get("string"))}".'
            if body is not None and text(body.get("string"))
            else "."
        )
        return
    decision.shares = _shares(rule, vs, resources)
    decision.outcome = "route"
    named = [
        f"{share.percent:g}% to {clip(share.host, MAX_QUOTED)}"
        + (f" subset {clip(share.subset, MAX_QUOTED)}" if share.subset else "")
        for share in decision.shares[:MAX_SHARES_SUMMED_UP]
    ]
    if len(decision.shares) > MAX_SHARES_SUMMED_UP:
        named.append(f"and {len(decision.shares) - MAX_SHARES_SUMMED_UP} more destinations")
    decision.summary = f"{where} matches: " + "; ".join(named) + "."
    if not decision.shares:
        decision.summary = f"{where} matches but has no destination."


def _delegate(
    rule: Node,
    where: str,
    vs: Resource,
    sample: _Sample,
    resources: list[Resource],
    decision: RouteDecision,
) -> None:
    target = rule.get("delegate")
    name, namespace = text(target.get("name")), text(target.get("namespace")) or vs.namespace
    spend(len(resources))
    child = next(
        (
            r
            for r in resources
            if r.kind == "VirtualService"
            and r.spec is not None
            and r.name == name
            and (not namespace or not r.namespace or r.namespace == namespace)
        ),
        None,
    )
    if child is None:
        decision.outcome = "delegate_missing"
        decision.summary = (
            f"{where} matches and hands the request to VirtualService `{name}`, which is not in "
            "this text."
        )
        return
    decision.notes.append(f"{where} delegates to VirtualService {name}; its rules follow.")
    decision.virtual_service = f"{decision.virtual_service} → {name}"
    _walk_rules(child, sample, resources, decision, depth=1)


def _location(redirect: Node, sample: _Sample) -> str:
    scheme = text(redirect.get("scheme")) or sample.request.scheme
    authority = text(redirect.get("authority")) or sample.host
    port = redirect.get("port")
    uri = text(redirect.get("uri")) or sample.path
    port_part = f":{port.value}" if port is not None and isinstance(port.value, int) else ""
    return f"{scheme}://{authority}{port_part}{uri}"


def _shares(rule: Node, vs: Resource, resources: list[Resource]) -> list[Share]:
    rules_here = [r for r in resources if r.kind == "DestinationRule" and r.spec is not None]
    index = destination_rule_index(rules_here)
    entries = [entry for entry in items(rule.get("route")) if entry.is_map]
    spend(len(entries))
    weights = []
    for entry in entries:
        weight = entry.get("weight")
        value = weight.value if weight is not None else None
        weights.append(value if isinstance(value, int) and not isinstance(value, bool) else 0)
    total = sum(weights)
    shares = []
    for entry, weight in zip(entries, weights, strict=True):
        destination = entry.get("destination")
        if destination is None or not destination.is_map:
            continue
        host = text(destination.get("host")) or "(no host)"
        subset = text(destination.get("subset"))
        port_node = destination.get("port")
        port_number = port_node.get("number") if port_node is not None else None
        port = (
            port_number.value
            if port_number is not None and isinstance(port_number.value, int)
            else None
        )
        percent = 100.0 if len(entries) == 1 else round(weight / total * 100, 1) if total else 0.0
        share = Share(host, subset, port, weight, percent)
        drs = subsets_for(host, vs.namespace, index)
        if subset:
            defined = drs.subset(subset)
            if defined is not None:
                share.labels = _labels(defined)
            elif drs:
                share.notes.append(
                    f"Subset {subset} is not defined by DestinationRule "
                    f"{clip(drs.first.name, MAX_QUOTED)}: Envoy has no cluster for it and "
                    "answers 503 (response flag NC)."
                )
            else:
                share.notes.append(
                    f"No DestinationRule here defines subset {subset}; in the cluster one must, "
                    "or these requests fail with 503."
                )
        share.notes.extend(_policy_notes(drs.first, subset))
        if len(entries) > 1 and total == 0:
            share.notes.append("All weights are 0: Istio refuses this route.")
        shares.append(share)
    return shares


def _labels(subset: Node) -> dict:
    """A subset's pod labels, at most MAX_LABELS_SHOWN of them (each destination shows its own
    copy; the checker has already read them all)."""
    labels = subset.get("labels")
    if labels is None or not labels.is_map:
        return {}
    shown = {}
    for key, _, value in labels.entries():
        if len(shown) == MAX_LABELS_SHOWN:
            shown["…"] = f"and {len(labels.value) - MAX_LABELS_SHOWN} more"
            break
        spend()
        shown[clip(key, MAX_QUOTED)] = value.plain()
    return shown


def _policy_notes(dr: Resource | None, subset: str | None) -> list[str]:
    """What the DestinationRule does to traffic for this destination (subset settings win).
    Worked out once per DestinationRule and subset, however many destinations share them."""
    if dr is None:
        return []
    key = ("policy-notes", id(dr), subset)
    notes = memo().get(key)
    if notes is None:
        notes = memo()[key] = _policy_notes_of(dr, subset)
    return list(notes)


def _last_subset_policies(dr: Resource) -> dict[str, Node]:
    """Each subset name's trafficPolicy, from the last subset of that name that has one."""
    key = ("subset-policies", id(dr))
    policies = memo().get(key)
    if policies is None:
        policies = memo()[key] = {}
        for candidate in items(dr.spec.get("subsets")):
            spend()
            name = text(candidate.get("name"))
            if name and candidate.get("trafficPolicy") is not None:
                policies[name] = candidate.get("trafficPolicy")
    return policies


def _policy_notes_of(dr: Resource, subset: str | None) -> list[str]:
    spec = dr.spec
    policy = spec.get("trafficPolicy")
    if subset and subset in _last_subset_policies(dr):
        policy = _last_subset_policies(dr)[subset]
    if policy is None or not policy.is_map:
        return []
    notes = []
    balancer = policy.get("loadBalancer")
    if balancer is not None and text(balancer.get("simple")):
        notes.append(f"Load balancing: {clip(text(balancer.get('simple')), MAX_QUOTED)}.")
    pool = policy.get("connectionPool")
    if pool is not None and pool.is_map:
        limits = []
        for section, key, label in (
            ("tcp", "maxConnections", "connections"),
            ("http", "http1MaxPendingRequests", "pending requests"),
            ("http", "http2MaxRequests", "concurrent requests"),
        ):
            part = pool.get(section)
            value = part.get(key) if part is not None else None
            if value is not None and value.value is not None:
                limits.append(f"{clip(value.raw, MAX_QUOTED)} {label}")
        if limits:
            notes.append(
                "Circuit breaker limits: at most " + ", ".join(limits) + ". Once the "
                "connection and pending-request limits are full, Envoy refuses further requests "
                "with 503 (response flag UO)."
            )
    outlier = policy.get("outlierDetection")
    if outlier is not None and outlier.is_map:
        # The deprecated consecutiveErrors counted 502, 503 and 504 only: gateway errors.
        gateway = outlier.get("consecutiveGatewayErrors") or outlier.get("consecutiveErrors")
        any_5xx = outlier.get("consecutive5xxErrors")
        triggers = []
        if any_5xx is not None or gateway is None:
            count = clip(any_5xx.raw, MAX_QUOTED) if any_5xx is not None else "5"
            triggers.append(f"{count} 5xx errors")
        if gateway is not None:
            triggers.append(f"{clip(gateway.raw, MAX_QUOTED)} gateway errors (502, 503, 504)")
        ejection = clip(text(outlier.get("baseEjectionTime")) or "30s", MAX_QUOTED)
        notes.append(
            f"Outlier detection: a pod that returns {' or '.join(triggers)} in a row is "
            f"ejected for {ejection} (longer each time). See {DR}#OutlierDetection"
        )
    tls = policy.get("tls")
    if tls is not None and text(tls.get("mode")):
        notes.append(f"TLS to the destination: {clip(text(tls.get('mode')), MAX_QUOTED)}.")
    return notes


def _effects(rule: Node, sample: _Sample) -> list[Effect]:
    effects = []
    timeout = text(rule.get("timeout"))
    seconds = parse_duration(timeout) if timeout else None
    if seconds is not None:
        effects.append(
            Effect(
                "timeout",
                f"Timeout {describe_seconds(seconds)}: if the answer (retries included) takes "
                "longer, Envoy gives up and answers 504.",
                VS + "#HTTPRoute",
            )
        )
    elif timeout:  # written, but not a duration: the checker reports it as an error
        effects.append(
            Effect(
                "timeout",
                f"The timeout {timeout!r} is not a duration Istio reads (such as 5s or 250ms): "
                "Istio refuses the resource, so no timeout of this rule applies.",
                VS + "#HTTPRoute",
            )
        )
    else:
        effects.append(
            Effect(
                "timeout",
                "No timeout is set, and HTTP requests have none by default.",
                CONCEPTS + "#timeouts",
            )
        )
    retries = rule.get("retries")
    if retries is not None and retries.is_map:
        attempts = retries.get("attempts")
        count = attempts.value if attempts is not None and isinstance(attempts.value, int) else None
        if count == 0:
            effects.append(
                Effect("retries", "Retries are switched off (attempts: 0).", VS + "#HTTPRetry")
            )
        else:
            parts = [f"up to {count} retries" if count is not None else "retries"]
            if text(retries.get("perTryTimeout")):
                parts.append(f"each attempt limited to {text(retries.get('perTryTimeout'))}")
            if text(retries.get("retryOn")):
                parts.append(f"on {text(retries.get('retryOn'))}")
            effects.append(
                Effect("retries", "Retries: " + ", ".join(parts) + ".", VS + "#HTTPRetry")
            )
    else:
        effects.append(
            Effect(
                "retries",
                "No retry policy: Istio's default applies, retrying a failed request twice.",
                CONCEPTS + "#retries",
            )
        )
    fault = rule.get("fault")
    if fault is not None and fault.is_map:
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
    rewrite = rule.get("rewrite")
    if rewrite is not None and rewrite.is_map:
        effects.append(Effect("rewrite", _rewrite_text(rewrite, rule, sample), VS + "#HTTPRewrite"))
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


def _rewrite_text(rewrite: Node, rule: Node, sample: _Sample) -> str:
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


def _matched_prefix(rule: Node, sample: _Sample) -> str | None:
    """The uri prefix that matched, which `rewrite.uri` replaces (else the whole path)."""
    for block in items(rule.get("match")):
        uri = block.get("uri")
        prefix = text(uri.get("prefix")) if uri is not None else None
        if prefix is not None and sample.path.startswith(prefix):
            return prefix
    return None


def _show(value: str | None) -> str:
    return "absent" if value is None else f'"{value}"'


def _show_plain(value: object) -> str:
    if isinstance(value, dict):
        return ", ".join(f"{k}={v}" for k, v in value.items())
    return str(value)
