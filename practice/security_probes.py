"""A task's `authz` and `mtls` probes: Istio's AuthorizationPolicy evaluation and mutual TLS
decision (istio_checker.authorization and istio_checker.mtls, EVALUATORS_API.md) for a request
between the task's workloads. Pure Python: no Django.

Semantics are the evaluators': CUSTOM, then DENY, then ALLOW
(https://istio.io/latest/docs/concepts/security/#authorization-policies), and PeerAuthentication
with the client's DestinationRule `tls` (https://istio.io/latest/docs/concepts/security/
#peer-authentication). This module only turns a probe into their requests and compares.
"""

from __future__ import annotations

from course_format.tasks import WorkloadData

try:  # the evaluators come from branch authz-mtls; without them these probes cannot pass
    from istio_checker.authorization import AccessRequest, Caller, authorize
    from istio_checker.mtls import connection
    from istio_checker.workloads import Workload
except ImportError:  # pragma: no cover - only before the evaluators are merged
    authorize = connection = None


class NotAvailable(Exception):
    """The evaluator this probe needs is not in this checker."""


def workload(data: WorkloadData):
    return Workload(
        name=data.name,
        namespace=data.namespace,
        labels=dict(data.labels),
        service_account=data.service_account,
        ip=data.ip,
        sidecar=data.sidecar,
        service=data.service,
        ports=tuple(data.ports),
    )


def caller_of(request: dict, task) -> object:
    if "from" in request:  # its principal and namespace only with a sidecar (mTLS carries them)
        return Caller.of(workload(task.workload(request["from"])))
    source = request.get("source") or {}
    return Caller(
        principal=source.get("principal"),
        namespace=source.get("namespace"),
        ip=source.get("ip"),
        jwt_claims=source.get("jwt_claims"),
        invalid_jwt=bool(source.get("invalid_jwt", False)),
    )


def run_authz(probe: dict, config) -> tuple[bool, str]:
    if authorize is None:
        raise NotAvailable("AuthorizationPolicy evaluation")
    request, expect = probe["request"], probe["expect"]
    task = config.task
    access = AccessRequest(
        caller=caller_of(request, task),
        workload=workload(task.workload(request["to"])),
        path=str(request.get("path", "/")),
        method=str(request.get("method", "GET")),
        port=request.get("port"),
        headers={str(k).lower(): str(v) for k, v in (request.get("headers") or {}).items()},
    )
    decision = authorize(config.resources, access)
    seen = f"{decision.decision} ({decision.policy or 'no policy'}): {decision.reason}"
    if decision.decision != expect["decision"]:
        return False, seen
    if "policy" in expect and decision.policy != expect["policy"]:
        return False, seen
    if "status" in expect and decision.status != expect["status"]:
        return False, seen
    return True, seen


def run_mtls(probe: dict, config) -> tuple[bool, str]:
    if connection is None:
        raise NotAvailable("mutual TLS evaluation")
    task = config.task
    decision = connection(
        config.resources,
        workload(task.workload(probe["from"])),
        workload(task.workload(probe["to"])),
        port=probe.get("port"),
    )
    seen = f"{decision.outcome}: {decision.reason}"
    return decision.outcome == probe["expect"], seen
