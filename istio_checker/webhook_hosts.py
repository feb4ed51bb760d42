"""Host names and references as istiod's validating webhook reads them: DNS-1123 labels, a
wildcard only as the leading label, `namespace/host` in Gateways and Sidecars, `namespace/name`
gateway references.

Written from istio/istio `pkg/config/validation/agent/validation.go` (ValidateWildcardDomain,
ValidateFQDN, ValidateNamespaceSlashWildcardHostname, ValidatePartialWildCard),
`pkg/config/labels/instance.go` (the label patterns) and
`pkg/config/validation/validation.go` (validateGatewayNames). Each function answers why a value
is refused, or None; every input is at most 255 characters before a pattern sees it, and each
pattern has one repetition, so a check costs time linear in the host.
"""

from __future__ import annotations

import ipaddress
import re

from .budget import CHARS_PER_STEP, spend

MAX_HOST = 255
_LABEL = re.compile(r"[a-zA-Z0-9](?:[-a-zA-Z0-9]*[a-zA-Z0-9])?")
# A leading label may be `*`, or a label that starts with `*` or `*-` (labels/instance.go).
_WILDCARD_LABEL = re.compile(r"\*|(?:\*|\*-)?[a-zA-Z0-9](?:[-a-zA-Z0-9]*[a-zA-Z0-9])?")


def is_label(value: str) -> bool:
    return len(value) <= 63 and _LABEL.fullmatch(value) is not None


def is_ip(value: str) -> bool:
    try:
        ipaddress.ip_address(value)
    except ValueError:
        return False
    return True


def is_cidr(value: str) -> bool:
    try:
        ipaddress.ip_network(value, strict=False)
    except ValueError:
        return False
    return True


def _labels_problem(host: str, labels: list[str]) -> str | None:
    if labels and labels[-1].isdigit():
        return f"its top-level domain `{labels[-1]}` is all digits"
    for index, label in enumerate(labels):
        if index == len(labels) - 1 and label == "":
            return None  # a trailing dot: `istio.io.`
        if not is_label(label):
            return _label_reason(label)
    return None


def _label_reason(label: str) -> str:
    if label == "":
        return "it has an empty label (two dots in a row, or a leading dot)"
    if "*" in label:
        return "a wildcard `*` may only be the whole first label, as in `*.example.com`"
    if len(label) > 63:
        return "a label is longer than 63 characters"
    bad = next((c for c in label if not (c.isascii() and (c.isalnum() or c == "-"))), None)
    if bad is not None:
        return f"`{bad}` is not allowed in a host name (letters, digits, `-` and `.` only)"
    return f"the label `{label}` starts or ends with `-`"


def host_problem(host: str, wildcard: bool = True) -> str | None:
    """Why `host` is not a valid (optionally wildcard-led) DNS name, or None. The schema walk
    spent a step on the value already; this counts its characters."""
    spend(len(host) // CHARS_PER_STEP)
    if not host:
        return "it is empty"
    if len(host) > MAX_HOST:
        return f"it is longer than {MAX_HOST} characters"
    first, _, rest = host.partition(".")
    if wildcard and "*" in first:
        if _WILDCARD_LABEL.fullmatch(first) is None or len(first) > 64:
            return "a wildcard `*` may only be the whole first label, as in `*.example.com`"
        return _labels_problem(host, rest.split(".")) if rest else None
    return _labels_problem(host, host.split("."))


def partial_wildcard(host: str) -> bool:
    """`*foo.com` or `a.*.com`: a `*` that is not `*` alone or a leading `*.` label."""
    return "*" in host and host != "*" and not (host.startswith("*.") and "*" not in host[2:])


def namespace_host_problem(value: str, gateway: bool) -> str | None:
    """A Gateway server host or Sidecar egress host: `namespace/dnsName` (Gateways may leave
    out the namespace). Short names are refused: only FQDNs or wildcards select services."""
    namespace, slash, host = value.partition("/")
    if not slash:
        if not gateway:
            return (
                "a Sidecar egress host is written `namespace/host`, e.g. `./*` or `istio-system/*`"
            )
        namespace, host = "", value
    elif not namespace or not host:
        return "the namespace and the host on either side of `/` may not be empty"
    elif gateway and namespace not in ("*", ".") and not is_label(namespace):
        return f"`{namespace}` is not a namespace name"
    elif not gateway:
        name = namespace.removeprefix("~")
        if name not in ("", "*", ".") and not is_label(name):
            return f"`{namespace}` is not a namespace name"
    if host != "*" and "." not in host:
        return f"`{host}` is a short name; write it in full, e.g. `{host}.<ns>.svc.cluster.local`"
    why = host_problem(host)
    if why is not None and not (gateway and is_ip(host)):
        return why
    if partial_wildcard(host):
        return "a partial wildcard is not allowed: use `*` alone or a leading `*.`"
    return None


def gateway_reference_problem(reference: str) -> str | None:
    """A VirtualService's gateway: `mesh`, `namespace/name`, or a name (an FQDN-like value)."""
    if reference == "mesh":
        return None
    namespace, slash, name = reference.partition("/")
    if not slash:
        why = host_problem(reference, wildcard=False)
        return None if why is None else f"`{reference}` is not a gateway name: {why}"
    if not namespace or not name:
        return "the namespace and the gateway name on either side of `/` may not be empty"
    if not is_label(namespace):
        return f"`{namespace}` is not a namespace name (lowercase letters, digits and `-`)"
    if not is_label(name):
        return f"`{name}` is not a gateway name (letters, digits and `-`; no dots after the `/`)"
    return None


class HostOverlaps:
    """Which earlier host a new one overlaps, as istiod's duplicate-host check sees it (a host
    name's `Matches` in istio/istio `pkg/config/host/name.go`: equal names, or a `*.suffix`
    wildcard that covers the other). The hosts go into a tree of their labels read right to
    left, so each host costs one walk of its labels: linear in the hosts, however many."""

    __slots__ = ("_root",)

    def __init__(self) -> None:
        self._root = _Labels()

    def add(self, host: str) -> str | None:
        """Record `host` (valid, lowercase, no trailing dot); the earlier host it overlaps."""
        spend(1 + len(host) // CHARS_PER_STEP)
        wildcard = host == "*" or host.startswith("*.")
        labels = [] if host == "*" else host[2:].split(".") if wildcard else host.split(".")
        node, twin = self._root, None
        for label in reversed(labels):
            twin = twin or node.wildcard  # `*.suffix` above covers this host
            node.below = node.below or host
            node = node.children.setdefault(label, _Labels())
        if wildcard:
            twin = twin or node.wildcard or node.below  # not node.name: `*.a` misses `a`
            node.wildcard = node.wildcard or host
        else:
            twin = twin or node.name
            node.name = node.name or host
        return twin


class _Labels:
    __slots__ = ("children", "name", "wildcard", "below")

    def __init__(self) -> None:
        self.children: dict[str, _Labels] = {}
        self.name = ""  # the host that ends here, e.g. `a.example.com`
        self.wildcard = ""  # the `*.` host whose suffix ends here
        self.below = ""  # a host that goes deeper than here (a wildcard here covers it)
