"""The conditions of one `match` block, held against a sample request.

Within a block every condition must hold (AND)
(https://istio.io/latest/docs/reference/config/networking/virtual-service/#HTTPMatchRequest).
Conditions that depend on facts a sample request does not carry (the calling workload's
labels or namespace when the request does not give them, an unknown port) are reported as
"unknown" and do not match. Given, `sourceLabels` needs every pair among the caller's labels and
`sourceNamespace` the caller's namespace exactly (same reference page).
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property
from urllib.parse import parse_qs

from .budget import spend, spend_text
from .matchers import evaluate
from .node_readers import texts
from .route_decision import Condition, Request
from .yamlsource import Node


@dataclass
class Sample:
    request: Request
    host: str
    port: int | None
    path: str
    query: str
    gateway: str

    @cached_property  # read for every condition: parsed once per trace
    def params(self) -> dict[str, str]:
        parsed = parse_qs(self.query, keep_blank_values=True)
        return {name: values[0] for name, values in parsed.items()}

    @cached_property
    def headers(self) -> dict[str, str]:
        return {str(k).lower(): str(v) for k, v in self.request.headers.items()}


def match_conditions(block: Node, sample: Sample) -> list[Condition]:
    """Every condition of `block`, in the order Istio's reference lists the fields."""
    return [
        *_request_line(block, sample),
        *_header_conditions(block, sample),
        *_query_conditions(block, sample),
        *_port_and_gateway(block, sample),
        *_source_conditions(block, sample.request),
    ]


def _request_line(block: Node, sample: Sample) -> list[Condition]:
    """uri, scheme, method and authority: one string match each."""
    found = []
    ignore_case = (
        block.get("ignoreUriCase") is not None and block.get("ignoreUriCase").value is True
    )
    singles = (
        ("uri", sample.path),
        ("scheme", sample.request.scheme),
        ("method", (sample.request.method or "GET").upper()),
        ("authority", sample.request.host),
    )
    for key, actual in singles:
        condition = block.get(key)
        if condition is not None:
            spend()
            result = evaluate(condition.plain(), actual, ignore_case and key == "uri")
            note = result.note or (" (case ignored)" if ignore_case and key == "uri" else "")
            found.append(
                Condition(key, result.expected, _show(actual), result.matched, note.strip())
            )
    return found


def _header_conditions(block: Node, sample: Sample) -> list[Condition]:
    """`headers` must match; `withoutHeaders` must not."""
    found = []
    headers = sample.headers
    for field_name, negate in (("headers", False), ("withoutHeaders", True)):
        wanted = block.get(field_name)
        for name, _, condition in wanted.entries() if wanted is not None else ():
            spend_text(name)
            actual = headers.get(name.lower())
            result = evaluate(condition.plain(), actual)
            matched = result.matched
            if negate and matched is not None:
                matched = not matched
            expected = ("not " if negate else "") + result.expected
            found.append(
                Condition(f"{field_name}.{name}", expected, _show(actual), matched, result.note)
            )
    return found


def _query_conditions(block: Node, sample: Sample) -> list[Condition]:
    found = []
    params = block.get("queryParams")
    for name, _, condition in params.entries() if params is not None else ():
        spend_text(name)
        actual = sample.params.get(name)
        result = evaluate(condition.plain(), actual)
        found.append(
            Condition(
                f"queryParams.{name}", result.expected, _show(actual), result.matched, result.note
            )
        )
    return found


def _port_and_gateway(block: Node, sample: Sample) -> list[Condition]:
    found = []
    port = block.get("port")
    if port is not None:
        if sample.port is None:
            found.append(
                Condition(
                    "port", str(port.raw), "unknown", None, "the sample request names no port"
                )
            )
        else:
            found.append(
                Condition("port", str(port.raw), str(sample.port), port.value == sample.port)
            )
    gateways = texts(block.get("gateways"))
    if gateways:
        found.append(
            Condition("gateways", " or ".join(gateways), sample.gateway, sample.gateway in gateways)
        )
    return found


def _source_conditions(block: Node, request: Request) -> list[Condition]:
    """The calling workload's labels and namespace: decided when the request gives them."""
    found = []
    known = {"sourceLabels": request.source_labels, "sourceNamespace": request.source_namespace}
    for key in ("sourceLabels", "sourceNamespace"):
        wanted = block.get(key)
        if wanted is None:
            continue
        expected = _show_plain(wanted.plain())
        actual = known[key]
        if actual is None:
            found.append(
                Condition(
                    key,
                    expected,
                    "unknown",
                    None,
                    "depends on the calling workload, which this sample request does not name",
                )
            )
        elif key == "sourceLabels":
            matched = True
            for name, _, value in wanted.entries():
                spend_text(name)
                matched = matched and actual.get(name) == value.text()
            found.append(Condition(key, expected, _show_plain(dict(actual)), matched))
        else:
            found.append(Condition(key, expected, _show(actual), wanted.text() == actual))
    return found


def _show(value: str | None) -> str:
    return "absent" if value is None else f'"{value}"'


def _show_plain(value: object) -> str:
    if isinstance(value, dict):
        return ", ".join(f"{k}={v}" for k, v in value.items())
    return str(value)
