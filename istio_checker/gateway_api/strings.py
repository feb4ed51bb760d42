"""The string formats the Gateway API CRDs enforce (OpenAPI `pattern`, `maxLength`), checked
where the learner wrote them. Written from the standard-channel CRDs of kubernetes-sigs/
gateway-api v1.6.0 (config/crd/standard/); the API server refuses a resource that breaks one,
so each finding is an error with IST0106, istioctl's SchemaValidationError.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from .. import problems as codes
from ..budget import spend_text
from ..node_readers import problem_at
from ..problems import MAX_MESSAGE, Problem, clip
from ..yamlsource import Node

_LABEL = r"[a-z0-9]([-a-z0-9]*[a-z0-9])?"
_SUBDOMAIN = rf"{_LABEL}(\.{_LABEL})*"


@dataclass(frozen=True)
class Format:
    what: str  # how a message names the format
    pattern: re.Pattern[str] | None
    max_length: int
    min_length: int = 1


HOSTNAME = Format(
    "a hostname (lowercase DNS labels, optionally `*.` first)",
    re.compile(rf"(\*\.)?{_SUBDOMAIN}"),
    253,
)
PRECISE_HOSTNAME = Format(
    "a hostname without wildcard (lowercase DNS labels)", re.compile(_SUBDOMAIN), 253
)
SECTION_NAME = Format("a lowercase DNS subdomain name", re.compile(_SUBDOMAIN), 253)
NAMESPACE = Format("a namespace name (a lowercase DNS label)", re.compile(_LABEL), 63)
GROUP_NAME = Format(
    "an API group (empty or a lowercase DNS subdomain)", re.compile(rf"|{_SUBDOMAIN}"), 253, 0
)
KIND_NAME = Format("a kind name", re.compile(r"[a-zA-Z]([-a-zA-Z0-9]*[a-zA-Z0-9])?"), 63)
OBJECT_NAME = Format("a name", None, 253)
HEADER_NAME = Format(
    "an HTTP header name (RFC 7230 token characters)",
    re.compile(r"[A-Za-z0-9!#$%&'*+\-.^_`|~]+"),
    256,
)
HEADER_VALUE = Format("a header value", None, 4096)
QUERY_VALUE = Format("a query parameter value", None, 1024)
PATH_VALUE = Format("a path", None, 1024, 0)
# Gateway API durations: 1 to 4 of number+unit, e.g. 10s, 1m30s (no fractions, no `us`).
DURATION = Format(
    "a Gateway API duration such as `10s` or `1m30s`",
    re.compile(r"([0-9]{1,5}(h|m|s|ms)){1,4}"),
    64,
)
# Characters an Exact or PathPrefix path may hold (RFC 3986 pchar, or percent-encoded).
PATH_CHARS = re.compile(r"(?:[-A-Za-z0-9/._~!$&'()*+,;=:@]|%[0-9a-fA-F]{2})+")


def check_format(node: Node | None, fmt: Format, path: str, out: list[Problem]) -> str | None:
    """The node's text if it has the format; else a problem is appended and None returned."""
    if node is None or not node.is_scalar or node.value is None:
        return None
    value = node.text() or ""
    spend_text(value)
    shown = clip(value, MAX_MESSAGE // 2)
    if len(value) < fmt.min_length:
        out.append(_bad(node, path, f"`{path.rsplit('.', 1)[-1]}` must not be empty."))
        return None
    if len(value) > fmt.max_length:
        out.append(
            _bad(node, path, f"`{shown}` is longer than the {fmt.max_length} characters allowed.")
        )
        return None
    if fmt.pattern is not None and not fmt.pattern.fullmatch(value):
        out.append(_bad(node, path, f"`{shown}` is not {fmt.what}."))
        return None
    return value


def _bad(node: Node, path: str, message: str) -> Problem:
    return problem_at(
        "error",
        codes.SCHEMA_VALIDATION_ERROR,
        path,
        node,
        message,
        "The Gateway API CRD refuses this value (https://gateway-api.sigs.k8s.io/reference/spec/).",
    )


def bad(node: Node, path: str, message: str, hint: str = "") -> Problem:
    """An error the CRD's schema or CEL rules give."""
    return problem_at("error", codes.SCHEMA_VALIDATION_ERROR, path, node, message, hint)
