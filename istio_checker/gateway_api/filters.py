"""Route filters as the Gateway API CRDs constrain them (CEL rules on HTTPRouteFilter and
GRPCRouteFilter lists, kubernetes-sigs/gateway-api v1.6.0 config/crd/standard/): each filter's
settings sit in the one field its `type` names; a rule's filters do not repeat a header
modifier, redirect, rewrite or CORS filter; RequestRedirect and URLRewrite do not go together;
a mirror gives `percent` or `fraction`, not both.
"""

from __future__ import annotations

from ..budget import spend
from ..node_readers import items, text
from ..problems import Problem
from ..yamlsource import Node
from . import strings as s
from .refs import check_backend_ref
from .schema import FILTER_FIELDS

_NOT_REPEATED = (
    "RequestHeaderModifier",
    "ResponseHeaderModifier",
    "RequestRedirect",
    "URLRewrite",
    "CORS",
)
_REDIRECT_CODES = (301, 302, 303, 307, 308)
_FILTER_DOC = "https://gateway-api.sigs.k8s.io/reference/spec/#httproutefilter"


def check_filters(filters: Node | None, where: str, kind: str, out: list[Problem]) -> None:
    seen: dict[str, int] = {}
    for index, entry in enumerate(items(filters)):
        spend()
        if not entry.is_map:
            continue
        at = f"{where}[{index}]"
        kind_of = text(entry.get("type")) or ""
        seen[kind_of] = seen.get(kind_of, 0) + 1
        if seen[kind_of] == 2 and kind_of in _NOT_REPEATED:
            out.append(
                s.bad(entry, at, f"A {kind_of} filter cannot be repeated in one list of filters.")
            )
        _check_type_field(entry, kind_of, at, out)
        _check_settings(entry, at, out)
    if seen.get("RequestRedirect") and seen.get("URLRewrite"):
        out.append(
            s.bad(
                filters,
                where,
                "A RequestRedirect and a URLRewrite filter cannot be used together.",
                "A redirect answers the client; a rewrite changes the request sent on. Pick one.",
            )
        )


def _check_type_field(entry: Node, kind_of: str, at: str, out: list[Problem]) -> None:
    wanted = FILTER_FIELDS.get(kind_of)
    for field in FILTER_FIELDS.values():
        node = entry.get(field)
        if node is not None and field != wanted and kind_of:
            out.append(
                s.bad(
                    node,
                    f"{at}.{field}",
                    f"`{field}` must not be set in a filter of type {kind_of}.",
                    f"Each filter holds the settings of its own type only. {_FILTER_DOC}",
                )
            )
    if wanted and entry.get(wanted) is None:
        out.append(
            s.bad(
                entry,
                f"{at}.{wanted}",
                f"A filter of type {kind_of} needs its settings in `{wanted}`.",
            )
        )


def _check_settings(entry: Node, at: str, out: list[Problem]) -> None:
    for field in ("requestHeaderModifier", "responseHeaderModifier"):
        modifier = entry.get(field)
        if modifier is not None and modifier.is_map:
            for operation in ("set", "add"):
                for number, header in enumerate(items(modifier.get(operation))):
                    if header.is_map:
                        where = f"{at}.{field}.{operation}[{number}]"
                        s.check_format(header.get("name"), s.HEADER_NAME, f"{where}.name", out)
                        s.check_format(header.get("value"), s.HEADER_VALUE, f"{where}.value", out)
    mirror = entry.get("requestMirror")
    if mirror is not None and mirror.is_map:
        _check_mirror(mirror, f"{at}.requestMirror", out)
    for field in ("requestRedirect", "urlRewrite"):
        found = entry.get(field)
        if found is not None and found.is_map:
            s.check_format(found.get("hostname"), s.PRECISE_HOSTNAME, f"{at}.{field}.hostname", out)
            _check_path_modifier(found.get("path"), f"{at}.{field}.path", out)
    redirect = entry.get("requestRedirect")
    code = redirect.get("statusCode") if redirect is not None and redirect.is_map else None
    if code is not None and isinstance(code.value, int) and code.value not in _REDIRECT_CODES:
        out.append(
            s.bad(
                code,
                f"{at}.requestRedirect.statusCode",
                "A redirect's statusCode is one of 301, 302, 303, 307 or 308.",
            )
        )


def _check_mirror(mirror: Node, at: str, out: list[Problem]) -> None:
    backend = mirror.get("backendRef")
    if backend is not None and backend.is_map:
        check_backend_ref(backend, f"{at}.backendRef", out)
    if mirror.get("percent") is not None and mirror.get("fraction") is not None:
        out.append(s.bad(mirror, at, "A mirror gives `percent` or `fraction`, not both."))
    fraction = mirror.get("fraction")
    if fraction is not None and fraction.is_map:
        numerator, denominator = fraction.get("numerator"), fraction.get("denominator")
        top = numerator.value if numerator is not None else None
        bottom = denominator.value if denominator is not None else 100
        if isinstance(top, int) and isinstance(bottom, int) and top > bottom:
            out.append(
                s.bad(fraction, f"{at}.fraction", "The numerator must be at most the denominator.")
            )


def _check_path_modifier(path: Node | None, at: str, out: list[Problem]) -> None:
    if path is None or not path.is_map:
        return
    kind = text(path.get("type"))
    for field, wanted in (
        ("replaceFullPath", "ReplaceFullPath"),
        ("replacePrefixMatch", "ReplacePrefixMatch"),
    ):
        if kind == wanted and path.get(field) is None:
            out.append(
                s.bad(path, f"{at}.{field}", f"A path modifier of type {wanted} needs `{field}`.")
            )
        if path.get(field) is not None and kind != wanted:
            out.append(
                s.bad(path.get(field), f"{at}.{field}", f"`{field}` needs `type: {wanted}`.")
            )
