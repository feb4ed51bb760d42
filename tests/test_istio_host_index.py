"""The host indexes (istio_checker/host_index.py) give exactly the answers of the pairwise
comparisons they replace (`hosts.same_service`, `hosts.covers`, host by host against a list),
on random hosts drawn to collide: short names, FQDNs, `*.` wildcards, `namespace/` prefixes,
trailing dots, odd case and spaces. No database."""

from dataclasses import dataclass, field

from hypothesis import given, settings
from hypothesis import strategies as st

from istio_checker.host_index import (
    DestinationRuleIndex,
    GatewayHosts,
    asked_host,
    frozen,
)
from istio_checker.hosts import covers, same_service

LABELS = ("a", "b", "reviews", "ns1", "svc", "cluster", "local", "A", "")
NAMESPACES = ["", "ns1", "ns2"]


@st.composite
def hosts(draw, labels: tuple[str, ...] = LABELS) -> str:
    labels = draw(st.lists(st.sampled_from(labels), min_size=1, max_size=4))
    host = ".".join(labels)
    if draw(st.booleans()):
        host = draw(st.sampled_from(["*.", "*", ""])) + host
    if draw(st.integers(0, 5)) == 0:
        host = draw(st.sampled_from(["ns1/", "*/", "ns2/"])) + host
    return draw(st.sampled_from(["", " ", "."])) * draw(st.integers(0, 1)) + host


@dataclass(eq=False)
class Owner:
    name: str
    namespace: str = ""
    subsets: list = field(default_factory=list)
    host: str = ""


@settings(max_examples=300, deadline=None)
@given(
    st.lists(
        st.tuples(hosts(), st.sampled_from(NAMESPACES), st.lists(st.sampled_from("uvwxyz"))),
        max_size=12,
    ),
    st.lists(st.tuples(hosts(), st.sampled_from(NAMESPACES)), max_size=12),
)
def test_destination_rules_for_a_host_are_those_a_pairwise_scan_finds(rules, asked):
    drs = [
        Owner(f"dr{i}", namespace, [(name, f"{name}@{i}") for name in names], host)
        for i, (host, namespace, names) in enumerate(rules)
    ]
    index = DestinationRuleIndex(drs, lambda dr: dr.host, lambda dr: dr.subsets)
    for host, namespace in asked:
        matching = [
            dr for dr in drs if dr.host and same_service(dr.host, host, dr.namespace, namespace)
        ]
        defined: dict[str, str] = {}
        for dr in matching:
            for name, subset in dr.subsets:
                defined.setdefault(name, subset)
        found = index.for_host(host, namespace)
        assert found.first is (matching[0] if matching else None)
        assert bool(found) is bool(matching)
        for name in "uvwxyz":
            assert found.subset(name) == defined.get(name)
        assert found.names(600) == ", ".join(sorted(defined))


@settings(max_examples=300, deadline=None)
@given(st.lists(hosts(), max_size=15), st.lists(hosts(), max_size=15))
def test_gateway_hosts_admit_what_a_pairwise_covers_admits(server_hosts, asked):
    index = GatewayHosts(server_hosts)
    for host in asked:
        expected = any(covers(g, host) or covers(host, g) for g in server_hosts)
        assert index.admit(asked_host(host)) is expected, (server_hosts, host)


def test_frozen_values_are_equal_exactly_when_the_values_are():
    values = [{}, [], (), {"a": 1}, {"a": 1.0}, {"a": True}, {"a": [1]}, {"a": (1,)}, [1], 1, "1"]
    for left in values:
        for right in values:
            assert (frozen(left) == frozen(right)) is (left == right), (left, right)
