"""DestinationRules, Gateways, ServiceEntries and Sidecars as istiod's validating webhook
refuses them, beyond their field schemas: host syntax, subset names, empty traffic policies,
duplicate port names and numbers, `namespace/host` forms, the ServiceEntry rules that tie hosts,
addresses, endpoints and resolution together, and the Sidecar's egress listeners.

Written from istio/istio `pkg/config/validation/validation.go` (ValidateDestinationRule,
validateTrafficPolicy, validateConnectionPool, validateLoadBalancer, ValidateGateway,
validateServer, validateServerPort, ValidateServiceEntry, ValidateSidecar) and the CEL rules
of the CRDs in istio/api (`kubernetes/customresourcedefinitions.gen.yaml`). The checks of
rules.py (duplicate subsets, TLS settings a server needs) are not repeated. Each is linear.
"""

from __future__ import annotations

from collections.abc import Iterator

from .budget import spend
from .node_readers import items, text
from .problems import Problem
from .schema import DR, GW, SC
from .webhook_hosts import host_problem, is_ip, is_label, namespace_host_problem
from .webhook_virtual_service import error
from .yamlsource import Node


def check_destination_rule(spec: Node) -> Iterator[Problem]:
    host = spec.get("host")
    value = text(host)
    if value and not is_ip(value) and (why := host_problem(value)) is not None:
        yield error("spec.host", host, f"`{value}` is not a valid host: {why}.", f"See {DR}")
    policies = [("spec.trafficPolicy", spec.get("trafficPolicy"))]
    for index, subset in enumerate(items(spec.get("subsets"))):
        spend()
        name = subset.get("name") if subset.is_map else None
        if text(name) and not is_label(text(name)):
            yield error(
                f"spec.subsets[{index}].name",
                name,
                f"`{text(name)}` is not a valid subset name: letters, digits and `-`, at most "
                "63 characters.",
                f"See {DR}#Subset",
            )
        if subset.is_map:
            policies.append((f"spec.subsets[{index}].trafficPolicy", subset.get("trafficPolicy")))
    for path, policy in policies:
        if policy is not None and policy.is_map:
            yield from _traffic_policy(policy, path)
            for index, level in enumerate(items(policy.get("portLevelSettings"))):
                if level.is_map:
                    yield from _traffic_policy(level, f"{path}.portLevelSettings[{index}]", True)


def _traffic_policy(policy: Node, path: str, port_level: bool = False) -> Iterator[Problem]:
    fields = [key for key, _, _ in policy.entries() if key != "port"]
    if not fields:
        yield error(
            path, policy, "An empty traffic policy is refused: give it at least one setting."
        )
    if port_level and policy.get("port") is None:
        yield error(
            f"{path}.port", policy, "A port-level traffic policy needs `port: {number: …}`."
        )
    if policy.get("tunnel") is not None and policy.get("proxyProtocol") is not None:
        yield error(path, policy, "`tunnel` and `proxyProtocol` cannot be set together.")
    pool = policy.get("connectionPool")
    if pool is not None and pool.is_map:
        if not any(True for _ in pool.entries()):
            yield error(f"{path}.connectionPool", pool, "An empty connectionPool is refused.")
        http = pool.get("http")
        if http is not None and http.is_map:
            if (
                text(http.get("h2UpgradePolicy")) == "UPGRADE"
                and http.get("useClientProtocol") is not None
                and http.get("useClientProtocol").value is True
            ):
                yield error(
                    f"{path}.connectionPool.http.useClientProtocol",
                    http.get("useClientProtocol"),
                    "`useClientProtocol: true` cannot be combined with `h2UpgradePolicy: UPGRADE`.",
                )
            keepalive = http.get("http2KeepAlive")
            if keepalive is not None and keepalive.is_map:
                for key in ("interval", "timeout"):
                    if keepalive.get(key) is None:
                        yield error(
                            f"{path}.connectionPool.http.http2KeepAlive.{key}",
                            keepalive,
                            f"`http2KeepAlive` needs `{key}`.",
                        )
    yield from _load_balancer(policy.get("loadBalancer"), f"{path}.loadBalancer")


def _load_balancer(balancer: Node | None, path: str) -> Iterator[Problem]:
    hashing = balancer.get("consistentHash") if balancer is not None and balancer.is_map else None
    if hashing is None or not hashing.is_map:
        return
    if hashing.get("minimumRingSize") is not None and (
        hashing.get("ringHash") is not None or hashing.get("maglev") is not None
    ):
        yield error(
            f"{path}.consistentHash",
            hashing,
            "Set `minimumRingSize` or `ringHash`/`maglev`, not both.",
        )
    maglev = hashing.get("maglev")
    size = maglev.get("tableSize") if maglev is not None and maglev.is_map else None
    whole = size is not None and isinstance(size.value, int) and not isinstance(size.value, bool)
    if whole and (size.value >= 5_000_011 or not _is_prime(size.value)):
        yield error(
            f"{path}.consistentHash.maglev.tableSize",
            size,
            "A maglev table size must be a prime number below 5000011 (e.g. 65537).",
        )
    cookie = hashing.get("httpCookie")
    seen: set[str] = set()
    for index, attribute in enumerate(
        items(cookie.get("attributes")) if cookie is not None and cookie.is_map else []
    ):
        name = text(attribute.get("name")) if attribute.is_map else None
        if name in seen:
            yield error(
                f"{path}.consistentHash.httpCookie.attributes[{index}].name",
                attribute.get("name"),
                f"The cookie attribute `{name}` is given twice.",
            )
        seen.add(name)


def _is_prime(number: int) -> bool:
    """Trial division up to √n: n < 5000011, so at most ~1100 steps (counted)."""
    if number < 2:
        return False
    divisor = 2
    while divisor * divisor <= number:
        if number % divisor == 0:
            return False
        divisor += 1 if divisor == 2 else 2
    spend(divisor // 64)
    return True


def check_gateway(spec: Node) -> Iterator[Problem]:
    names: dict[str, str] = {}
    servers = spec.get("servers")
    if servers is not None and servers.is_seq and not items(servers):
        yield error(
            "spec.servers", servers, "A Gateway needs at least one server.", f"See {GW}#Gateway"
        )
    for index, server in enumerate(items(servers)):
        spend()
        if not server.is_map:
            continue
        path = f"spec.servers[{index}]"
        for h_index, host in enumerate(items(server.get("hosts"))):
            value = host.text()
            why = namespace_host_problem(value, gateway=True) if value is not None else None
            if why is not None:
                yield error(
                    f"{path}.hosts[{h_index}]",
                    host,
                    f"`{value}` is not a valid server host: {why}.",
                    f"See {GW}#Server",
                )
        port = server.get("port")
        name = port.get("name") if port is not None and port.is_map else None
        if text(name):
            if text(name) in names:
                yield error(
                    f"{path}.port.name",
                    name,
                    f"The port name `{text(name)}` is already used by {names[text(name)]}; "
                    "port names must be unique across a Gateway's servers.",
                )
            names.setdefault(text(name), path)
        target = port.get("targetPort") if port is not None and port.is_map else None
        if target is not None:
            yield error(
                f"{path}.port.targetPort",
                target,
                "`targetPort` has no effect on a Gateway; istiod refuses it.",
            )
        yield from _plain_port_tls(server, port, path)


def _plain_port_tls(server: Node, port: Node | None, path: str) -> Iterator[Problem]:
    protocol = (
        (text(port.get("protocol")) or "").upper() if port is not None and port.is_map else ""
    )
    tls = server.get("tls")
    if tls is None or not tls.is_map or protocol in ("HTTPS", "TLS", ""):
        return
    if protocol in ("HTTP", "HTTP2", "GRPC", "GRPC-WEB"):
        files = any(
            tls.get(k) is not None for k in ("caCertificates", "privateKey", "serverCertificate")
        )
        only_redirect = {k for k, _, _ in tls.entries()} <= {"httpsRedirect"}
        if only_redirect and not files:
            return
    yield error(
        f"{path}.tls",
        tls,
        f"A {protocol} server cannot have TLS settings (only `httpsRedirect` on plain HTTP).",
        f"Use protocol HTTPS or TLS for a server that terminates TLS. See {GW}#Server",
    )


def check_sidecar(spec: Node) -> Iterator[Problem]:
    if not (
        items(spec.get("ingress"))
        or items(spec.get("egress"))
        or spec.get("outboundTrafficPolicy") is not None
        or spec.get("inboundConnectionPool") is not None
    ):
        yield error(
            "spec",
            spec,
            "This Sidecar configures nothing; istiod refuses an empty one.",
            f"See {SC}#Sidecar",
        )
    ports: set[int] = set()
    for index, listener in enumerate(items(spec.get("ingress"))):
        port = listener.get("port") if listener.is_map else None
        yield from _listener_port(port, f"spec.ingress[{index}].port", ports)
    ports = set()
    egress = items(spec.get("egress"))
    catch_all_seen = False
    for index, listener in enumerate(egress):
        spend()
        if not listener.is_map:
            continue
        path = f"spec.egress[{index}]"
        port = listener.get("port")
        if port is None:
            if catch_all_seen:
                yield error(
                    path, listener, "Only one egress listener may leave out `port` (the catch-all)."
                )
            elif index != len(egress) - 1:
                yield error(
                    path,
                    listener,
                    "The egress listener without `port` (the catch-all) must be the last one.",
                )
            catch_all_seen = True
        else:
            yield from _listener_port(port, f"{path}.port", ports)
        hosts = listener.get("hosts")
        if hosts is not None and hosts.is_seq and not items(hosts):
            yield error(f"{path}.hosts", hosts, "An egress listener needs at least one host.")
        for h_index, host in enumerate(items(hosts)):
            value = host.text()
            why = namespace_host_problem(value, gateway=False) if value is not None else None
            if why is not None:
                yield error(
                    f"{path}.hosts[{h_index}]",
                    host,
                    f"`{value}` is not a valid egress host: {why}.",
                    f"See {SC}#IstioEgressListener",
                )


def _listener_port(port: Node | None, path: str, seen: set[int]) -> Iterator[Problem]:
    if port is None or not port.is_map:
        return
    if port.get("targetPort") is not None:
        yield error(
            f"{path}.targetPort",
            port.get("targetPort"),
            "`targetPort` has no effect on a Sidecar; istiod refuses it.",
        )
    number = port.get("number")
    value = number.value if number is not None else None
    if isinstance(value, int) and value:
        if value in seen:
            yield error(
                f"{path}.number",
                number,
                f"Port {value} is used by two listeners; ports must be unique.",
            )
        seen.add(value)
