"""IST0177 ConflictingServiceEntryProtocol (warning), as `istioctl analyze` finds it (istio/istio
pkg/config/analysis/analyzers/serviceentry/conflictingserviceentries.go): ServiceEntries that
give one host and port number different protocols, seen from the same namespaces (`exportTo`
as for VirtualServices: none or `*` is everywhere, `.` the entry's own namespace). The proxy can
build only one listener per port, so one of the protocols is lost. One message per
ServiceEntry, as istioctl gives. Linear: one dictionary entry per host, port and scope.
"""

from __future__ import annotations

from .. import problems as codes
from ..budget import spend
from ..node_readers import items, text
from ..problems import MAX_MESSAGE, Problem, clip
from ..resources import Resource
from .mesh_hosts import DEFAULT_NAMESPACE, EVERYWHERE, export_scopes

SOURCE = "istio/istio pkg/config/analysis/analyzers/serviceentry/conflictingserviceentries.go"
_MOST = 8  # protocols named in one message
SE_DOC = "https://istio.io/latest/docs/reference/config/networking/service-entry/"


class _Key:
    """The ServiceEntries of one (scope, host, port): their protocols and who they are."""

    def __init__(self) -> None:
        self.protocols: set[str] = set()
        self.entries: list[tuple[Resource, object]] = []  # (ServiceEntry, its host node)
        self.reported = False
        self._first: list[str] | None = None

    def first(self, most: int = _MOST) -> list[str]:
        """Its first protocols in alphabetical order, sorted once."""
        if self._first is None:
            spend(len(self.protocols))
            self._first = sorted(self.protocols)[: most + 1]
        return self._first


def check_service_entry_protocols(resources: list[Resource]) -> list[Problem]:
    keys: dict[tuple[str, str, int], _Key] = {}
    for se in resources:
        if se.kind != "ServiceEntry" or se.spec is None:
            continue
        scopes = export_scopes(se, se.namespace or DEFAULT_NAMESPACE)
        ports = [
            (port.get("number").value, text(port.get("protocol")).upper())
            for port in items(se.spec.get("ports"))
            # a port without a number or protocol is the schema check's to report
            if port.is_map
            and port.get("number") is not None
            and isinstance(port.get("number").value, int)
            and text(port.get("protocol"))
        ]
        for item in items(se.spec.get("hosts")):
            host = (item.text() or "").strip().lower()
            for number, protocol in ports:
                for scope in scopes:
                    spend()
                    key = keys.setdefault((scope, host, number), _Key())
                    key.protocols.add(protocol)
                    if not key.entries or key.entries[-1][0] is not se:
                        key.entries.append((se, item))
    out: list[Problem] = []
    reported: set[int] = set()
    for (scope, host, number), key in keys.items():
        spend()
        star = keys.get((EVERYWHERE, host, number)) if scope != EVERYWHERE else None
        theirs = star.protocols if star is not None else set()
        # Two or more protocols in all, without merging two large sets for every scope.
        if len(key.protocols) < 2 and len(theirs) < 2 and len(key.protocols | theirs) < 2:
            continue
        protocols = _shown(key, star)
        groups = [key] + ([star] if star is not None else [])
        for group in groups:
            if group.reported:
                continue
            group.reported = True
            for se, item in group.entries:
                if id(se) not in reported:
                    reported.add(id(se))
                    out.append(_conflict(se, item, host, number, protocols))
    return out


def _shown(key: _Key, star: _Key | None) -> str:
    """The first protocols in alphabetical order (a message shows a few)."""
    first = sorted({*key.first(), *(star.first() if star is not None else ())})
    return ", ".join(first[:_MOST]) + (", …" if len(first) > _MOST else "")


def _conflict(se: Resource, item, host: str, number, shown: str) -> Problem:
    return Problem(
        "warning",
        codes.CONFLICTING_SERVICE_ENTRY_PROTOCOL,
        "spec.hosts",
        item.line,
        item.column,
        f"ServiceEntries give `{clip(host, MAX_MESSAGE)}` port {clip(str(number), 40)} "
        f"different protocols ({clip(shown, MAX_MESSAGE)}); the proxy keeps only one.",
        f"Use one protocol for a host and port across ServiceEntries. See {SE_DOC} ({SOURCE})",
    )
