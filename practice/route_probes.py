"""A task's `route` probe: a request through the router (istio_checker.routing) and what the
learner's config must make of it (docs/practice.md#route). Pure Python: no Django.

The trace says which rule matches and where the request goes; this module adds what the trace
alone does not judge, because a task has pods and the lab does not:
- a destination subset must be defined by a DestinationRule for its host and select at least one
  of the task's pods of that service, else Envoy has no endpoint and answers 503 (response flags
  NC / UH: https://istio.io/latest/docs/ops/common-problems/network-issues/#503-errors-after-setting-destination-rule);
- a request through a gateway needs a Gateway of that name whose `selector` matches one of the
  task's workloads (the gateway's pods) and a server on its port, else it never reaches a
  gateway; when no server there accepts the host, or no route bound to the gateway takes it,
  the gateway answers 404 itself, which a task may expect (`outcome: not_accepted`,
  `status: 404`) (https://istio.io/latest/docs/reference/config/networking/gateway/);
- a rule that aborts every request (abort fault at 100 percent) sends none to a destination;
- the matched rule's settings (fault, timeout, retries, redirect, rewrite, mirror, headers) are
  read from the VirtualService rule the trace matched, by meaning: durations as seconds,
  `retryOn` as a set (https://istio.io/latest/docs/reference/config/networking/virtual-service/).

Every lookup spends the running work budget; each is linear in the config.
"""

from __future__ import annotations

import dataclasses
import re

from course_format.tasks import WorkloadData, seconds
from istio_checker.budget import spend
from istio_checker.hosts import same_service
from istio_checker.node_readers import items
from istio_checker.routing import Request, RouteDecision, route

from .gateway_probes import NOT_ACCEPTED, at_gateway, gateway_refuses, not_accepted, selects
from .rule_settings import RuleSettings, of_http_route_rule, of_virtual_service_rule

_REQUEST_FIELDS = {f.name for f in dataclasses.fields(Request)}
_ARRIVES = re.compile(r"the path (?:\S+ )?becomes (\S+?)(?:,?\s|\.?$)")


def run(probe: dict, config) -> tuple:
    """(passed, what the grader saw), or with a third item: a note for the learner that
    says what the mesh does without giving the answer away."""
    request_spec, expect = probe["request"], probe["expect"]
    task = config.task
    host = str(request_spec["host"])
    port = request_spec.get("port")
    gateway = request_spec.get("gateway")
    if gateway == "mesh":  # the mesh is not a Gateway resource: sidecar to sidecar
        gateway = None
    if gateway:
        refused = gateway_refuses(config, str(gateway), host, port)
        if refused.startswith(NOT_ACCEPTED):
            return not_accepted(expect, refused)
        if refused:
            return False, refused
    source = task.workload(request_spec["from"]) if "from" in request_spec else None
    request = _request(request_spec, host, port, gateway, source)
    decision = route(config.resources, request, config.loaded.left_out)
    if gateway:
        decision = at_gateway(decision)
    return judge(decision, expect, config)


def _request(spec: dict, host: str, port, gateway, source: WorkloadData | None) -> Request:
    values = {
        "host": host,
        "path": str(spec.get("path", "/")),
        "method": str(spec.get("method", "GET")),
        "headers": {str(k).lower(): str(v) for k, v in (spec.get("headers") or {}).items()},
        "port": port,
        # A mesh request is not routed by VirtualServices bound only to gateways.
        "gateway": str(gateway) if gateway else "mesh",
    }
    # From branch authz-mtls (EVALUATORS_API.md): the router decides sourceLabels and
    # sourceNamespace when it is told the caller; an older router reports them unknown.
    if source is not None and "source_labels" in _REQUEST_FIELDS:
        values["source_labels"] = dict(source.labels)
        values["source_namespace"] = source.namespace
    return Request(**values)


# --- the expectations ------------------------------------------------------------------------


def judge(decision: RouteDecision, expect: dict, config) -> tuple:
    outcome = decision.outcome
    shares = [(s.host, s.subset, s.percent, s.labels) for s in decision.shares]
    if outcome == "no_virtual_service":  # the service as it is: all of its pods
        outcome, shares = "route", [(decision.host, None, 100.0, None)]
    seen = f"{outcome}: {decision.summary}"
    if outcome == "delegate_missing":
        return False, seen
    rule, namespace = matched_rule(decision, config)
    aborted = _all_aborted(decision, rule)
    if aborted and any(key in expect for key in ("destination", "subset", "share")):
        return False, f"{aborted}; the trace says {seen}", ABORTED_NOTE
    checks = [
        ("outcome", lambda: expect["outcome"] == outcome),
        ("destination", lambda: _all_to(shares, expect["destination"], namespace)),
        ("subset", lambda: _all_subset(shares, expect["subset"])),
        ("share", lambda: _shares_hold(shares, expect["share"], expect.get("tolerance", 0))),
        ("status", lambda: _status(decision, rule) == expect["status"]),
        ("fault", lambda: _fault_holds(rule, expect["fault"])),
        ("timeout", lambda: rule is not None and rule.timeout == seconds(expect["timeout"])),
        ("retries", lambda: _retries_hold(rule, expect["retries"])),
        ("redirect", lambda: _redirect_holds(decision, rule, expect["redirect"])),
        ("rewrite", lambda: _rewrite_holds(decision, rule, expect["rewrite"])),
        ("mirror", lambda: _mirror_holds(rule, expect["mirror"], namespace)),
        ("request_headers_set", lambda: _headers_hold(rule, "request", expect)),
        ("response_headers_set", lambda: _headers_hold(rule, "response", expect)),
    ]
    for key, holds in checks:
        spend()
        if key in expect and not holds():
            return False, f"expected {key} does not hold; the trace says {seen}"
    if outcome == "route":
        empty = _subset_without_pods(shares, namespace, config.task.workloads)
        if empty:
            return False, empty
    return True, seen


def matched_rule(decision: RouteDecision, config) -> tuple[RuleSettings | None, str]:
    """What the rule the trace matched does (the last matched rule it tried: a delegate's rule
    comes after its parent's; an HTTPRoute's is found by its match's line), and the namespace
    of the route it is in."""
    matched = [rule for rule in decision.rules if rule.matched]
    if not matched:
        return None, ""
    line = matched[-1].line
    kind = "HTTPRoute" if decision.route_kind == "HTTPRoute" else "VirtualService"
    for resource in config.resources:
        if resource.kind != kind or resource.spec is None:
            continue
        for rule in items(resource.spec.get("http" if kind == "VirtualService" else "rules")):
            spend()
            if kind == "VirtualService" and rule.line == line:
                return of_virtual_service_rule(rule), resource.namespace
            if kind == "HTTPRoute" and line in {
                rule.line,
                *(m.line for m in items(rule.get("matches"))),
            }:
                return of_http_route_rule(rule), resource.namespace
    return None, ""


def _all_to(shares, destination: str, namespace: str) -> bool:
    live = [share for share in shares if share[2] > 0]
    return bool(live) and all(
        same_service(host, str(destination), namespace, namespace) for host, *_ in live
    )


def _all_subset(shares, subset: str) -> bool:
    live = [share for share in shares if share[2] > 0]
    return bool(live) and all(share[1] == str(subset) for share in live)


def _shares_hold(shares, wanted: dict, tolerance: float) -> bool:
    """Each subset's (or host's, for destinations without a subset) percent of the requests,
    within `tolerance` points; a destination the task does not name must get at most that."""
    wanted = {str(key): value for key, value in wanted.items()}  # `{1: 50}` names subset "1"
    actual: dict[str, float] = {}
    for host, subset, percent, _ in shares:
        key = subset or next((k for k in wanted if same_service(k, host)), host)
        actual[key] = actual.get(key, 0.0) + percent
    keys = set(actual) | set(wanted)
    return all(
        abs(actual.get(key, 0.0) - float(wanted.get(key, 0))) <= tolerance + 1e-9 for key in keys
    )


def _subset_without_pods(shares, namespace: str, workloads: list[WorkloadData]) -> str:
    for host, subset, percent, labels in shares:
        if not subset or percent <= 0:
            continue
        if labels is None:
            return f"no DestinationRule here defines subset {subset} of {host}: Envoy answers 503"
        service = host.split(".", 1)[0]
        host_namespace = host.split(".")[1] if host.count(".") >= 2 else namespace
        pods = [
            w
            for w in workloads
            if w.service == service and (not host_namespace or w.namespace == host_namespace)
        ]
        if not any(w.service for w in workloads):  # the task names no services: all its pods
            pods = list(workloads)
        wanted = {key: value for key, value in labels.items() if key != "…"}
        if not any(selects(wanted, pod.labels) for pod in pods):
            return (
                f"subset {subset} of {host} selects none of the task's pods: no pod would "
                "receive the requests (Envoy answers 503, flag UH)"
            )
    return ""


def _status(decision: RouteDecision, rule: RuleSettings | None) -> int | None:
    """The status the caller sees when the mesh answers itself: the trace's (no route,
    redirect, direct response), or an abort fault's when it aborts every request."""
    if decision.status is not None:
        return decision.status
    if rule is not None and rule.abort is not None and rule.abort[1] == 100:
        return rule.abort[0]
    return None


ABORTED_NOTE = "(Every request this check sends is aborted by a fault: none reaches a service.)"


def _all_aborted(decision: RouteDecision, rule: RuleSettings | None) -> str:
    """Why no request arrives anywhere ("" when some do): the matched rule aborts them all
    (an abort fault at 100 percent answers before any destination is picked,
    https://istio.io/latest/docs/reference/config/networking/virtual-service/#HTTPFaultInjection-Abort)."""
    if decision.outcome != "route" or rule is None or rule.abort is None:
        return ""
    if rule.abort[1] != 100:
        return ""
    return f"every request is aborted with {rule.abort[0]} (abort fault, 100 percent)"


def _injects(found: tuple | None) -> bool:
    """A fault that touches some requests: written, and not at 0 percent."""
    return found is not None and found[1] != 0


def _fault_holds(rule: RuleSettings | None, wanted: dict | str) -> bool:
    if wanted == "none":  # no abort and no delay on this request's rule
        return rule is None or not (_injects(rule.abort) or _injects(rule.delay))
    if rule is None:
        return False
    if "abort" in wanted:
        found = rule.abort
        if found is None or found[0] != wanted["abort"]:
            return False
    else:
        found = rule.delay
        if found is None or found[0] is None or found[0] != seconds(wanted["delay"]):
            return False
    return "percent" not in wanted or found[1] == float(wanted["percent"])


def _retries_hold(rule: RuleSettings | None, wanted: dict) -> bool:
    retries = rule.retries if rule is not None else None
    if retries is None:
        return False
    if "attempts" in wanted and retries["attempts"] != wanted["attempts"]:
        return False
    if "per_try_timeout" in wanted and retries["per_try_timeout"] != seconds(
        wanted["per_try_timeout"]
    ):
        return False
    if "retry_on" in wanted:
        expected = {part.strip() for part in str(wanted["retry_on"]).split(",")} - {""}
        if retries["retry_on"] != expected:
            return False
    return True


def _fields_hold(found: dict, wanted: dict) -> bool:
    """uri and authority of a redirect or rewrite, as written (a redirect's path replaces the
    request's; a rewrite's uri replaces the matched prefix)."""
    return bool(found) and all(
        found.get(key) == str(wanted[key]) for key in ("uri", "authority") if key in wanted
    )


def _rewrite_holds(decision: RouteDecision, rule: RuleSettings | None, wanted: dict) -> bool:
    """`uri`/`authority`: the rule's rewrite as written; `path`: the path the request arrives
    with, as the trace works it out (a prefix match's rewrite keeps the rest of the path; a
    regex rewrite substitutes; without a rewrite the path is unchanged)."""
    written = {key: wanted[key] for key in ("uri", "authority") if key in wanted}
    if written and not _fields_hold(rule.rewrite if rule else {}, written):
        return False
    if "path" not in wanted:
        return bool(written)
    return arrival_path(decision) == str(wanted["path"])


def arrival_path(decision: RouteDecision) -> str | None:
    """The path the destination receives, from the trace's rewrite effect."""
    if decision.outcome != "route":
        return None
    for effect in decision.effects:
        spend()
        if effect.kind == "rewrite":
            found = _ARRIVES.search(effect.text)
            if found:
                return found.group(1)
    return decision.path


def _redirect_holds(decision: RouteDecision, rule: RuleSettings | None, wanted: dict) -> bool:
    if decision.outcome != "redirect" or rule is None:
        return False
    if not _fields_hold(rule.redirect, {k: v for k, v in wanted.items() if k != "code"} or {}):
        return False
    return "code" not in wanted or decision.status == wanted["code"]


def _mirror_holds(rule: RuleSettings | None, wanted: dict, namespace: str) -> bool:
    for host, subset, percent in rule.mirrors if rule is not None else ():
        spend()
        if not host or not same_service(host, str(wanted["host"]), namespace, namespace):
            continue
        if "subset" in wanted and subset != str(wanted["subset"]):
            continue
        if "percent" in wanted and percent != float(wanted["percent"]):
            continue
        return True
    return False


def _headers_hold(rule: RuleSettings | None, direction: str, expect: dict) -> bool:
    """Every header the task names is set (or added) to its value on the way."""
    if rule is None:
        return False
    found = getattr(rule, f"{direction}_headers")
    wanted = expect[f"{direction}_headers_set"]
    return all(found.get(str(name).lower()) == str(value) for name, value in wanted.items())
