"""The order in which an HTTPRoute's matches are tried: the Gateway API's "most specific match
wins", not a VirtualService's first match.

The Gateway API (https://gateway-api.sigs.k8s.io/reference/spec/#httprouterule) gives
precedence, across every rule of every route on one hostname, to the match with
1. an Exact path match, 2. the longest PathPrefix, 3. a method match, 4. the most header
matches, 5. the most query parameter matches; remaining ties go to the oldest route (creation
time), then the route first by "namespace/name", then the rule and match written first.

Istio implements it in istio/istio pilot/pkg/config/kube/gateway/conversion.go (sortHTTPRoutes,
getURIRank, getURILength; sortRoutesByCreationTime): Exact before PathPrefix before
RegularExpression, then the longer value (a regex by its length), then a method, then headers,
then query parameters, in a stable sort of the routes ordered by creation time, namespace and
name. A match without `path` gets the CRD's default, PathPrefix `/`, as does a rule without
`matches`. The lab reads creation time from `metadata.creationTimestamp` when the text has it.
"""

from __future__ import annotations

from dataclasses import dataclass

from ..node_readers import items, text
from ..yamlsource import Node

PATH_RANK = {"Exact": 3, "PathPrefix": 2, "RegularExpression": 1}


@dataclass(frozen=True)
class Key:
    """How specific one match is; a higher key is tried first."""

    path_type: str
    path_value: str
    method: str | None
    headers: int
    query_params: int

    @property
    def sort_key(self) -> tuple[int, int, int, int, int]:
        length = (
            len(self.path_value.rstrip("/") or "/")
            if self.path_type == "PathPrefix"
            else len(self.path_value)
        )
        return (
            PATH_RANK.get(self.path_type, 0),
            length,
            self.method is not None,
            self.headers,
            self.query_params,
        )

    def describe(self) -> str:
        parts = [f"{self.path_type} `{self.path_value}`"]
        if self.method:
            parts.append(f"method {self.method}")
        if self.headers:
            parts.append(f"{self.headers} header match{'es' if self.headers > 1 else ''}")
        if self.query_params:
            parts.append(f"{self.query_params} query match{'es' if self.query_params > 1 else ''}")
        return ", ".join(parts)


def key_of(match: Node | None) -> Key:
    """The precedence key of one match (None: the defaulted match of a rule without matches)."""
    path = match.get("path") if match is not None and match.is_map else None
    path_type = text(path.get("type")) if path is not None and path.is_map else None
    value = text(path.get("value")) if path is not None and path.is_map else None
    return Key(
        path_type or "PathPrefix",
        value if value is not None else "/",
        text(match.get("method")) if match is not None and match.is_map else None,
        len(items(match.get("headers"))) if match is not None and match.is_map else 0,
        len(items(match.get("queryParams"))) if match is not None and match.is_map else 0,
    )


def why_ahead(winner: Key, other: Key) -> str:
    """The first criterion on which `winner` beats `other`, in words ("" on a tie)."""
    if PATH_RANK.get(winner.path_type, 0) != PATH_RANK.get(other.path_type, 0):
        return f"{_a(winner.path_type)} path comes before {_a(other.path_type)} path"
    if winner.sort_key[1] != other.sort_key[1]:
        return f"its path `{winner.path_value}` is longer than `{other.path_value}`"
    if (winner.method is None) != (other.method is None):
        return "it also matches the method"
    if winner.headers != other.headers:
        return f"it has more header matches ({winner.headers} against {other.headers})"
    if winner.query_params != other.query_params:
        counts = f"{winner.query_params} against {other.query_params}"
        return f"it has more query parameter matches ({counts})"
    return ""


def _a(word: str) -> str:
    return ("an " if word[:1] in "AEIOU" else "a ") + word
