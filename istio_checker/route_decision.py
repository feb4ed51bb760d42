"""What a routing trace answers: the sample request it follows and the decision it reaches
(the rules it tried, the destinations' shares, the effects of the matched rule)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import asdict, dataclass, field

from .resources import LeftOut

MAX_HEADER_LINES = 100


@dataclass(frozen=True)
class Request:
    host: str
    path: str = "/"
    method: str = "GET"
    headers: Mapping[str, str] = field(default_factory=dict)
    scheme: str = "http"
    gateway: str | None = None  # None: work it out from the VirtualService's `gateways`
    port: int | None = None
    # The calling workload, when known (None: unknown, and sourceLabels / sourceNamespace
    # conditions are reported as unknown).
    source_labels: Mapping[str, str] | None = None
    source_namespace: str | None = None


def parse_headers(raw: object) -> dict[str, str]:
    """`Name: value` per line → {name (lowercase): value}; lines without a colon are ignored."""
    headers: dict[str, str] = {}
    if not isinstance(raw, str):
        return headers
    for line in raw.splitlines()[:MAX_HEADER_LINES]:
        name, sep, value = line.partition(":")
        if sep and name.strip() and len(line) <= 8192:
            headers[name.strip().lower()] = value.strip()
    return headers


@dataclass
class Condition:
    field: str
    expected: str
    actual: str
    matched: bool | None  # None: unknown for this sample request
    note: str = ""


@dataclass
class MatchBlock:
    index: int
    matched: bool
    conditions: list[Condition]


@dataclass
class RuleTrace:
    index: int
    name: str
    line: int
    matched: bool
    catch_all: bool
    blocks: list[MatchBlock]
    why: str = ""  # an HTTPRoute match: what sets its place in the Gateway API's order


@dataclass
class Share:
    host: str
    subset: str | None
    port: int | None
    weight: int
    percent: float
    labels: dict | None = None  # the subset's pod labels, when a DestinationRule here defines it
    notes: list[str] = field(default_factory=list)


@dataclass
class Effect:
    kind: str  # timeout, retries, fault, rewrite, mirror, headers, cors, policy
    text: str
    source: str


@dataclass
class RouteDecision:
    # route, redirect, direct_response, no_route, no_virtual_service, not_applicable or
    # delegate_missing
    outcome: str
    summary: str
    host: str
    path: str
    gateway: str = "mesh"
    status: int | None = None
    response_flag: str | None = None
    virtual_service: str | None = None
    virtual_service_line: int | None = None
    matched_rule: int | None = None
    rules: list[RuleTrace] = field(default_factory=list)
    shares: list[Share] = field(default_factory=list)
    effects: list[Effect] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    # Documents the trace could not read although they may have been meant for it (a misspelled
    # kind, say): the route they would make is missing from this decision.
    left_out: list[LeftOut] = field(default_factory=list)
    route_kind: str = "VirtualService"  # or HTTPRoute (gateway_api/trace.py)

    def as_dict(self) -> dict:
        return asdict(self)
