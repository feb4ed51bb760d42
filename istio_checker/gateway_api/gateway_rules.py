"""The rules of a Gateway API Gateway and ReferenceGrant beyond their field tables: the CRDs'
CEL rules (errors, IST0106: the API server refuses them) and what Istio does with a listener it
cannot program (warnings: Istio accepts the Gateway and marks the listener in its status).

Sources: kubernetes-sigs/gateway-api v1.6.0 config/crd/standard/gateway.networking.k8s.io_
gateways.yaml (CEL on spec.listeners), istio/istio pilot/pkg/config/kube/gateway/conversion.go
(listenerProtocolToIstio: HTTP, HTTPS, TLS, TCP, and HBONE on waypoints; UDP is not supported)
and pkg/config/constants/constants.go (the gateway classes Istio manages).
"""

from __future__ import annotations

from ..budget import spend
from ..node_readers import items, problem_at, text
from ..problems import Problem
from ..yamlsource import Node
from . import strings as s

ISTIO_CLASSES = ("istio", "istio-waypoint", "istio-remote", "istio-east-west")
ISTIO_PROTOCOLS = ("HTTP", "HTTPS", "TLS", "TCP", "HBONE")
NOT_PROGRAMMED = "ML0030"  # Istio accepts the resource but cannot program this part of it
MAX_LISTENERS = 64
_GATEWAY_DOC = "https://istio.io/latest/docs/tasks/traffic-management/ingress/gateway-api/"


def check_gateway(spec: Node, out: list[Problem]) -> None:
    class_name = spec.get("gatewayClassName")
    if class_name is not None and text(class_name) and text(class_name) not in ISTIO_CLASSES:
        out.append(
            problem_at(
                "info",
                NOT_PROGRAMMED,
                "spec.gatewayClassName",
                class_name,
                f"Istio manages Gateways of class {', '.join(ISTIO_CLASSES)}; "
                f"`{text(class_name)}` is left to another controller.",
                f"Use `gatewayClassName: istio` for an Istio ingress gateway. See {_GATEWAY_DOC}",
            )
        )
    listeners = [entry for entry in items(spec.get("listeners")) if entry.is_map]
    if spec.get("listeners") is not None and spec.get("listeners").is_seq and not listeners:
        out.append(
            s.bad(spec.get("listeners"), "spec.listeners", "A Gateway needs at least one listener.")
        )
    if len(listeners) > MAX_LISTENERS:
        out.append(
            s.bad(
                spec.get("listeners"),
                "spec.listeners",
                f"A Gateway has at most {MAX_LISTENERS} listeners.",
            )
        )
    names: set[str] = set()
    combos: set[tuple] = set()
    for index, listener in enumerate(listeners):
        spend()
        at = f"spec.listeners[{index}]"
        name = s.check_format(listener.get("name"), s.SECTION_NAME, f"{at}.name", out)
        s.check_format(listener.get("hostname"), s.HOSTNAME, f"{at}.hostname", out)
        if name is not None and name in names:
            out.append(
                s.bad(listener.get("name"), f"{at}.name", f"Listener name `{name}` is used twice.")
            )
        names.add(name or "")
        combo = (
            text(listener.get("port")),
            text(listener.get("protocol")),
            text(listener.get("hostname")),
        )
        if combo in combos:
            out.append(
                s.bad(
                    listener,
                    at,
                    "Two listeners have the same port, protocol and hostname; each must differ.",
                )
            )
        combos.add(combo)
        _check_listener(listener, text(class_name) or "", at, out)


def _check_listener(listener: Node, class_name: str, at: str, out: list[Problem]) -> None:
    protocol = text(listener.get("protocol")) or ""
    tls = listener.get("tls")
    hostname = listener.get("hostname")
    if protocol in ("HTTP", "TCP", "UDP") and tls is not None:
        out.append(s.bad(tls, f"{at}.tls", f"A {protocol} listener must not have `tls`."))
    if protocol in ("TCP", "UDP") and hostname is not None:
        out.append(
            s.bad(hostname, f"{at}.hostname", f"A {protocol} listener must not have a hostname.")
        )
    mode = text(tls.get("mode")) if tls is not None and tls.is_map else None
    if protocol == "HTTPS" and mode not in (None, "", "Terminate"):
        out.append(
            s.bad(
                tls,
                f"{at}.tls.mode",
                "An HTTPS listener terminates TLS: its tls.mode must be Terminate.",
            )
        )
    if protocol == "TLS" and not mode:
        out.append(
            s.bad(
                listener,
                f"{at}.tls.mode",
                "A TLS listener needs `tls.mode` (Terminate or Passthrough).",
            )
        )
    options = tls.get("options") if tls is not None and tls.is_map else None
    has_options = options is not None and options.is_map and bool(options.value)
    terminates = tls is not None and tls.is_map and (mode or "Terminate") == "Terminate"
    if terminates and not items(tls.get("certificateRefs")) and not has_options:
        out.append(
            s.bad(
                tls,
                f"{at}.tls",
                "TLS termination needs `certificateRefs` (the Secret with the certificate) "
                "or `options`.",
            )
        )
    _istio_listener_warnings(listener, protocol, class_name, at, out)


def _istio_listener_warnings(
    listener: Node, protocol: str, class_name: str, at: str, out: list[Problem]
) -> None:
    """What Istio cannot program: an HTTPS listener without a certificate, a protocol it lacks."""
    if protocol == "HTTPS" and listener.get("tls") is None:
        out.append(
            problem_at(
                "warning",
                NOT_PROGRAMMED,
                f"{at}.tls",
                listener,
                "An HTTPS listener without `tls` has no certificate: Istio marks it invalid "
                "and serves nothing on it.",
                "Add tls.certificateRefs naming a Secret of type kubernetes.io/tls.",
            )
        )
    if protocol and protocol not in ISTIO_PROTOCOLS and "/" not in protocol:
        hint = f" Did you mean {protocol.upper()}?" if protocol.upper() in ISTIO_PROTOCOLS else ""
        out.append(
            problem_at(
                "warning",
                NOT_PROGRAMMED,
                f"{at}.protocol",
                listener.get("protocol"),
                f"Istio does not support listener protocol `{protocol}` (it supports "
                f"{', '.join(ISTIO_PROTOCOLS[:4])}, and HBONE on waypoints).{hint}",
                "istio/istio pilot/pkg/config/kube/gateway/conversion.go, listenerProtocolToIstio",
            )
        )
    elif protocol == "HBONE" and class_name not in ("istio-waypoint", "istio-east-west"):
        out.append(
            problem_at(
                "warning",
                NOT_PROGRAMMED,
                f"{at}.protocol",
                listener.get("protocol"),
                "Protocol HBONE is only for waypoints (gatewayClassName: istio-waypoint).",
            )
        )


def check_reference_grant(spec: Node, out: list[Problem]) -> None:
    for field in ("from", "to"):
        entries = spec.get(field)
        if entries is not None and entries.is_seq and not entries.items():
            out.append(
                s.bad(
                    entries,
                    f"spec.{field}",
                    f"A ReferenceGrant needs at least one `{field}` entry.",
                )
            )
        if len(items(entries)) > 16:
            out.append(
                s.bad(
                    entries, f"spec.{field}", f"A ReferenceGrant has at most 16 `{field}` entries."
                )
            )
        for index, entry in enumerate(items(entries)):
            if entry.is_map:
                at = f"spec.{field}[{index}]"
                s.check_format(entry.get("group"), s.GROUP_NAME, f"{at}.group", out)
                s.check_format(entry.get("kind"), s.KIND_NAME, f"{at}.kind", out)
                s.check_format(entry.get("namespace"), s.NAMESPACE, f"{at}.namespace", out)
