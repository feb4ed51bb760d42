"""Host names as Istio compares them: short names, FQDNs and `*.` wildcards.

On Kubernetes a short name such as `reviews` is read as `reviews.<namespace of the rule>.svc.
cluster.local` (https://istio.io/latest/docs/reference/config/networking/virtual-service/
#VirtualService, "Note for Kubernetes users"). With no namespace in the pasted YAML we treat a
short name and an FQDN that starts with it as the same service.
"""

from __future__ import annotations

CLUSTER_SUFFIX = ".svc.cluster.local"


def strip_port(host: str) -> tuple[str, int | None]:
    host = host.strip().lower()
    if host.startswith("["):  # [ipv6]:port
        end = host.find("]")
        rest = host[end + 1 :]
        port = int(rest[1:]) if rest.startswith(":") and rest[1:].isdigit() else None
        return host[: end + 1], port
    name, sep, port = host.rpartition(":")
    if sep and port.isdigit() and name:
        return name, int(port)
    return host, None


def canonical(host: str, namespace: str = "") -> str:
    host = host.strip().lower().rstrip(".")
    if host and "." not in host and host != "*" and namespace:
        return f"{host}.{namespace}{CLUSTER_SUFFIX}"
    return host


def same_service(a: str, b: str, namespace_a: str = "", namespace_b: str = "") -> bool:
    """Do two host names name the same service (short names allowed)?"""
    a, b = canonical(a, namespace_a), canonical(b, namespace_b)
    if a == b:
        return True
    return _short(a) == _short(b) and ("." not in a or "." not in b)


def _short(host: str) -> str:
    return host.split(".", 1)[0]


def match_rank(pattern: str, host: str) -> int:
    """How specifically `pattern` (a VirtualService or Gateway host) covers `host`:
    0 = not at all, 1 = `*`, 2 = a `*.` wildcard, 3 = short name / FQDN, 4 = exact."""
    pattern = pattern.strip().lower().rstrip(".")
    host = host.strip().lower().rstrip(".")
    if pattern == host:
        return 4
    if pattern == "*":
        return 1
    if pattern.startswith("*."):
        suffix = pattern[1:]
        if host.endswith(suffix) and len(host) > len(suffix):
            return 2
        if host.startswith("*.") and host.endswith(suffix):
            return 2  # a narrower wildcard inside a wider one
        return 0
    if same_service(pattern, host):
        return 3
    return 0


def covers(gateway_host: str, virtual_service_host: str) -> bool:
    """Does a Gateway server host (optionally `namespace/host`) admit a VirtualService host?"""
    _, _, host = gateway_host.rpartition("/")
    host = host.strip().lower()
    vs_host = virtual_service_host.strip().lower()
    if host == "*" or host == vs_host:
        return True
    if host.startswith("*."):
        suffix = host[1:]
        return vs_host.endswith(suffix) and len(vs_host) > len(suffix)
    return False


def gateway_name(reference: str, namespace: str = "") -> tuple[str, str]:
    """`ns/name` or `name` → (namespace, name); the namespace defaults to the referrer's."""
    ns, sep, name = reference.strip().partition("/")
    return (ns, name) if sep else (namespace, ns)
