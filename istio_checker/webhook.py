"""The rules of istiod's validating webhook and of the CRDs' CEL expressions that a field
schema cannot express, per kind: what `kubectl apply` refuses although every field is known.

Each kind's rules live in a webhook_*.py module with the Istio source it follows; this module
only picks them. Findings are IST0106 errors (istioctl's SchemaValidationError), placed at the
value they are about. Pure Python, no Django; every rule is linear in the resource.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator

from .problems import Problem
from .resources import Resource
from .webhook_networking import check_destination_rule, check_gateway, check_sidecar
from .webhook_policies import (
    check_authorization_policy,
    check_envoy_filter,
    check_telemetry,
    check_wasm_plugin,
    check_workload_entry,
    check_workload_group,
    target_refs,
)
from .webhook_service_entry import check_service_entry
from .webhook_virtual_service import check_virtual_service
from .yamlsource import Node

_BY_KIND: dict[str, Callable[[Node], Iterator[Problem]]] = {
    "VirtualService": check_virtual_service,
    "DestinationRule": check_destination_rule,
    "Gateway": check_gateway,
    "ServiceEntry": check_service_entry,
    "Sidecar": check_sidecar,
    "WorkloadEntry": check_workload_entry,
    "WorkloadGroup": check_workload_group,
    "EnvoyFilter": check_envoy_filter,
    "AuthorizationPolicy": check_authorization_policy,
    "RequestAuthentication": target_refs,
    "Telemetry": check_telemetry,
    "WasmPlugin": check_wasm_plugin,
}


def check_webhook(resource: Resource) -> list[Problem]:
    spec = resource.spec
    check = _BY_KIND.get(resource.kind)
    return list(check(spec)) if spec is not None and check is not None else []
