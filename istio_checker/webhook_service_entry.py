"""A ServiceEntry (and a WorkloadEntry, whose message its endpoints share) as istiod's
validating webhook refuses it: `*` as a host, host syntax, addresses that are not IPs or CIDRs,
CIDR addresses with DNS resolution, duplicate port names and numbers, endpoints with `NONE`,
endpoint addresses and ports the resolution does not allow, DYNAMIC_DNS without wildcards.

Written from istio/istio `pkg/config/validation/validation.go` (ValidateServiceEntry,
validateWorkloadEntry, ValidateUnixAddress) and the CRD's CEL rules in istio/api
(`kubernetes/customresourcedefinitions.gen.yaml`: "hostname cannot be wildcard", "CIDR
addresses are allowed only for NONE/STATIC resolution types", "Address is required", "UDS may
not include ports"). Resolution left out is NONE, as in the API. Each check is linear.
"""

from __future__ import annotations

from collections.abc import Iterator

from .budget import spend
from .node_readers import items, text
from .problems import Problem
from .schema import SE
from .webhook_hosts import host_problem, is_cidr, is_ip, is_label
from .webhook_virtual_service import error
from .yamlsource import Node

_DNS = ("DNS", "DNS_ROUND_ROBIN")
_DYNAMIC_PROTOCOLS = ("HTTP", "TLS", "GRPC", "HTTP2")


def check_service_entry(spec: Node) -> Iterator[Problem]:
    resolution = text(spec.get("resolution")) or "NONE"
    yield from _hosts(spec, resolution)
    yield from _addresses(spec, resolution)
    port_names = yield from _ports(spec, resolution)
    yield from _endpoints(spec, resolution, port_names)


def _hosts(spec: Node, resolution: str) -> Iterator[Problem]:
    hosts = [item for item in items(spec.get("hosts")) if item.text() is not None]
    for index, item in enumerate(hosts):
        spend()
        host = item.text()
        path = f"spec.hosts[{index}]"
        if host == "*":
            yield error(
                path,
                item,
                "A ServiceEntry host cannot be `*`.",
                "Name the external hosts, or `*.example.com`.",
            )
        elif (why := host_problem(host)) is not None:
            yield error(
                path, item, f"`{host}` is not a valid host: {why}.", f"See {SE}#ServiceEntry"
            )
        elif resolution == "DYNAMIC_DNS" and not host.startswith("*"):
            yield error(
                path,
                item,
                "With `resolution: DYNAMIC_DNS` every host must be a wildcard (`*.example.com`).",
            )
        elif resolution in _DNS and not items(spec.get("endpoints")) and host.startswith("*"):
            yield error(
                path,
                item,
                f"With `resolution: {resolution}` and no endpoints, the hosts are looked up in "
                "DNS, so they cannot be wildcards.",
                "Use `resolution: NONE` (or DYNAMIC_DNS) for a wildcard, or add endpoints.",
            )


def _endpoints(spec: Node, resolution: str, port_names: set[str]) -> Iterator[Problem]:
    endpoints = items(spec.get("endpoints"))
    if endpoints and resolution in ("NONE", "DYNAMIC_DNS"):
        yield error(
            "spec.endpoints",
            spec.key_node("endpoints"),
            f"A ServiceEntry with `resolution: {resolution}` cannot list endpoints"
            + (
                " (NONE is the default when `resolution` is left out)."
                if resolution == "NONE"
                else "."
            ),
            "Use `resolution: STATIC` for IP endpoints or `DNS` for host names.",
        )
        return
    if resolution == "DNS_ROUND_ROBIN" and len(endpoints) > 1:
        yield error(
            "spec.endpoints",
            spec.key_node("endpoints"),
            "DNS_ROUND_ROBIN takes at most one endpoint.",
        )
    for index, endpoint in enumerate(endpoints):
        spend()
        if endpoint.is_map:
            yield from workload_entry_problems(
                endpoint,
                f"spec.endpoints[{index}]",
                fqdn_ok=resolution in _DNS,
                port_names=port_names,
            )


def _addresses(spec: Node, resolution: str) -> Iterator[Problem]:
    addresses = [item for item in items(spec.get("addresses")) if item.text() is not None]
    if addresses and resolution == "DYNAMIC_DNS":
        yield error(
            "spec.addresses",
            spec.key_node("addresses"),
            "`addresses` cannot be set with `resolution: DYNAMIC_DNS`.",
        )
    for index, item in enumerate(addresses):
        address = item.text()
        path = f"spec.addresses[{index}]"
        if not (is_ip(address) or ("/" in address and is_cidr(address))):
            yield error(path, item, f"`{address}` is not an IP address or a CIDR block.")
        elif "/" in address and resolution not in ("NONE", "STATIC"):
            yield error(
                path,
                item,
                f"A CIDR block cannot be used with `resolution: {resolution}`: CIDR addresses "
                "are allowed only with NONE or STATIC.",
            )


def _ports(spec: Node, resolution: str):
    """The problems of `ports` (yielded); returns the set of port names (for endpoints)."""
    names: set[str] = set()
    numbers: set[int] = set()
    for index, port in enumerate(items(spec.get("ports"))):
        spend()
        if not port.is_map:
            continue
        path = f"spec.ports[{index}]"
        name, number = port.get("name"), port.get("number")
        if text(name) is not None:
            if text(name) in names:
                yield error(f"{path}.name", name, f"The port name `{text(name)}` is used twice.")
            elif not is_label(text(name)):
                yield error(
                    f"{path}.name",
                    name,
                    f"`{text(name)}` is not a valid port name (letters, digits and `-`).",
                )
            names.add(text(name))
        if number is not None and isinstance(number.value, int):
            if number.value in numbers:
                yield error(
                    f"{path}.number", number, f"The port number {number.value} is used twice."
                )
            numbers.add(number.value)
        protocol = (text(port.get("protocol")) or "TCP").upper()
        if resolution == "DYNAMIC_DNS" and protocol not in _DYNAMIC_PROTOCOLS:
            yield error(
                f"{path}.protocol",
                port.get("protocol") or port,
                "`resolution: DYNAMIC_DNS` supports only HTTP, TLS, GRPC and HTTP2 ports.",
            )
    return names


def workload_entry_problems(
    entry: Node, path: str, fqdn_ok: bool = True, port_names: set[str] | None = None
) -> Iterator[Problem]:
    """A WorkloadEntry or a ServiceEntry endpoint (validateWorkloadEntry and the CRD's CEL)."""
    address = text(entry.get("address")) or ""
    ports = entry.get("ports")
    if not address and entry.get("network") is None:
        yield error(f"{path}.address", entry, "An endpoint needs an `address` (or a `network`).")
    elif address.startswith("unix://"):
        socket = address.removeprefix("unix://")
        if not socket.startswith(("/", "@")) or socket.endswith("/"):
            yield error(
                f"{path}.address",
                entry.get("address"),
                "A unix:// address must be an absolute socket path (or an abstract `@` socket).",
            )
        if ports is not None:
            yield error(f"{path}.ports", ports, "A unix:// endpoint may not list ports.")
    elif address and not is_ip(address):
        why = host_problem(address, wildcard=False) if fqdn_ok else "it is not an IP address"
        if why is not None:
            yield error(
                f"{path}.address",
                entry.get("address"),
                f"`{address}` is not a valid endpoint address: {why}.",
                "" if fqdn_ok else "Host names need `resolution: DNS`.",
            )
    if port_names is None or ports is None or not ports.is_map:
        return
    for name, key_node, _ in ports.entries():
        if name not in port_names:
            yield error(
                f"{path}.ports.{name}",
                key_node,
                f"The endpoint port `{name}` is not one of the ServiceEntry's port names.",
                f"Its ports: {', '.join(sorted(port_names)) or 'none'}.",
            )
