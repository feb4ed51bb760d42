"""Indexes that answer the checks' host questions without comparing every host with every other.

The checks across resources ask, for each host, "which DestinationRules are for this host?"
(IST0101, the trace) and "does this Gateway serve this host?" (IST0132). Asked host by host
against a list, those are quadratic: two VirtualServices of a few thousand hosts each cost
about a minute. Here every answer is a few dictionary lookups, one per way two hosts can match
under `hosts.same_service` and `hosts.covers`, so each check is linear in the hosts (plus the
dots of each host, for `*.` wildcards). The answers are exactly those of the pairwise
comparisons; tests/test_istio_host_index.py checks them against the pairwise versions on
random hosts. IST0109 and IST0145 compare host names as istioctl does, exactly (after
resolving short names), so a dictionary keyed by the name answers them
(analyzers/mesh_hosts.py, analyzers/conflicting_gateways.py); `frozen` makes their keys.
"""

from __future__ import annotations

import heapq
from bisect import bisect_right
from collections.abc import Iterable, Iterator
from typing import Any

from .budget import spend, spend_text
from .hosts import CLUSTER_SUFFIX

# --- small helpers --------------------------------------------------------------------------


def service_name(host: str, namespace: str = "") -> str:
    """hosts.canonical: the name `same_service` compares (a short name gets its namespace)."""
    spend_text(host)
    host = host.strip().lower().rstrip(".")
    if host and "." not in host and host != "*" and namespace:
        return f"{host}.{namespace}{CLUSTER_SUFFIX}"
    return host


def _short(name: str) -> str:
    return name.split(".", 1)[0]


def _dot_suffixes(text: str, lengths: set[int], longest: int) -> Iterator[str]:
    """The endings of `text` that start at a dot after its first character (as `*.x` wildcards
    match them), shortest first, only of the given lengths. A dot-heavy 100 KB host is walked
    once; only endings of a length some wildcard has are sliced out."""
    end = len(text)
    dot = end
    while True:
        dot = text.rfind(".", 1, dot)
        if dot < 1:
            return
        spend()
        length = end - dot
        if length > longest:
            return
        if length in lengths:
            yield text[dot:]


# --- DestinationRules by host ---------------------------------------------------------------


class _RuleGroup:
    """The DestinationRules under one index key, with their subsets merged (first one wins)."""

    def __init__(self) -> None:
        self.rules: list[tuple[int, Any]] = []
        self.subsets: dict[str, tuple[int, Any]] = {}
        self._names: list[str] | None = None

    def add(self, order: int, rule: Any, subsets: Iterable[tuple[str, Any]]) -> None:
        self.rules.append((order, rule))
        for name, subset in subsets:
            spend()
            self.subsets.setdefault(name, (order, subset))
        self._names = None

    @property
    def names(self) -> list[str]:
        if self._names is None:
            spend(len(self.subsets))
            self._names = sorted(self.subsets)
        return self._names


class RulesForHost:
    """The DestinationRules for one host (those whose `host` names the same service): the
    first of them, and each subset name's subset from the first of them defining it."""

    def __init__(self, groups: list[_RuleGroup]):
        self._groups = groups
        firsts = [group.rules[0] for group in groups if group.rules]
        self.first = min(firsts, key=lambda entry: entry[0])[1] if firsts else None

    def __bool__(self) -> bool:
        return self.first is not None

    def subset(self, name: str) -> Any | None:
        found = [group.subsets[name] for group in self._groups if name in group.subsets]
        return min(found, key=lambda entry: entry[0])[1] if found else None

    def names(self, limit: int) -> str:
        """The subset names, sorted and comma-separated, cut past `limit` characters."""
        shown: list[str] = []
        length = 0
        previous = None
        for name in heapq.merge(*(group.names for group in self._groups)):
            if name == previous:
                continue
            spend_text(name)
            shown.append(name)
            previous = name
            length += len(name) + 2
            if length > limit + 2:  # the answer shows `limit` characters at most
                break
        return ", ".join(shown)


class DestinationRuleIndex:
    """DestinationRules by the service their `host` names (`hosts.same_service`)."""

    def __init__(self, destination_rules: Iterable[Any], host_of, subsets_of):
        """`host_of(rule)`: its host text or None; `subsets_of(rule)`: (name, subset) pairs."""
        self._whole: dict[str, _RuleGroup] = {}
        self._first_label: dict[str, _RuleGroup] = {}
        for order, rule in enumerate(destination_rules):
            spend()
            host = host_of(rule)
            if not host:
                continue
            name = service_name(host, rule.namespace)
            subsets = list(subsets_of(rule))
            self._whole.setdefault(name, _RuleGroup()).add(order, rule, subsets)
            self._first_label.setdefault(_short(name), _RuleGroup()).add(order, rule, subsets)

    def for_host(self, host: str, namespace: str) -> RulesForHost:
        name = service_name(host, namespace)
        if "." not in name:
            groups = [self._first_label.get(name)]
        else:  # the rules for this name, and those for its first label written alone
            groups = [self._whole.get(name), self._whole.get(_short(name))]
        return RulesForHost([group for group in groups if group is not None])


# --- IST0132: does a Gateway serve this host? -------------------------------------------------


def _gateway_side(host: str) -> str:
    """How `hosts.covers` reads a Gateway host: without its `namespace/`, lowercase."""
    return host.rpartition("/")[2].strip().lower()


def _host_side(host: str) -> str:
    """How `hosts.covers` reads the host it is asked about."""
    return host.strip().lower()


def asked_host(host: str) -> tuple[str, str]:
    """`host` read both ways for `GatewayHosts.admit`: as the host asked about, and as a
    Gateway host (read once, however many Gateways it is asked of)."""
    spend_text(host)
    return _host_side(host), _gateway_side(host)


class GatewayHosts:
    """The hosts of some Gateway servers, to ask whether any of them and a VirtualService host
    admit each other (`hosts.covers` either way round)."""

    def __init__(self, hosts: Iterable[str]):
        self.any = False
        self._as_gateway: set[str] = set()  # each host read as a Gateway host
        self._as_host: set[str] = set()  # each host read as the asked host
        self._star = False
        self._wildcards: set[str] = set()  # "*.x.com" -> ".x.com"
        self._wildcard_lengths: set[int] = set()
        self._reversed: list[str] = []  # the hosts read as asked, reversed, sorted
        for host in hosts:
            spend_text(host)
            self.any = True
            gateway_side, host_side = _gateway_side(host), _host_side(host)
            self._as_gateway.add(gateway_side)
            self._as_host.add(host_side)
            if gateway_side == "*":
                self._star = True
            elif gateway_side.startswith("*."):
                self._wildcards.add(gateway_side[1:])
                self._wildcard_lengths.add(len(gateway_side) - 1)
            self._reversed.append(host_side[::-1])
        self._reversed.sort()
        self._longest = max(self._wildcard_lengths, default=0)

    def admit(self, host: tuple[str, str]) -> bool:
        """Does a host of these servers cover `host` (an `asked_host`), or `host` (read as a
        Gateway host) cover one of them?"""
        if not self.any:
            return False
        spend()
        asked, as_gateway = host
        if self._star or asked in self._as_gateway or as_gateway == "*":
            return True
        if as_gateway in self._as_host:
            return True
        if self._wildcards:
            for suffix in _dot_suffixes(asked, self._wildcard_lengths, self._longest):
                if suffix in self._wildcards:
                    return True
        if as_gateway.startswith("*."):  # a wildcard asked about: is a server host under it?
            ending = as_gateway[1:][::-1]
            after = bisect_right(self._reversed, ending)
            return after < len(self._reversed) and self._reversed[after].startswith(ending)
        return False


# --- hashable keys (IST0110, IST0145) ----------------------------------------------------------


def frozen(value: Any) -> Any:
    """A hashable stand-in equal exactly when the values are (maps, lists, scalars)."""
    if isinstance(value, dict):
        spend(len(value))
        return ("map", frozenset((key, frozen(item)) for key, item in value.items()))
    if isinstance(value, list | tuple):
        spend(len(value))
        return (type(value).__name__, tuple(frozen(item) for item in value))
    return value
