"""References inside a route, as the Gateway API CRDs constrain them: parentRefs (the Gateway
or, for the mesh, the Service a route attaches to) and backendRefs (where it sends requests).

Sources: ParentReference and BackendRef in https://gateway-api.sigs.k8s.io/reference/spec/ and
the CEL rules of kubernetes-sigs/gateway-api v1.6.0 config/crd/standard/ (sectionName when a
parent is named twice; a port for every Service backend).
"""

from __future__ import annotations

from dataclasses import dataclass

from ..budget import spend
from ..node_readers import items, text
from ..problems import Problem
from ..yamlsource import Node
from . import strings as s

MAX_PARENT_REFS = 32


@dataclass(frozen=True)
class ParentRef:
    group: str
    kind: str
    name: str
    namespace: str  # "" means the route's own namespace
    section: str
    port: int | None
    node: Node

    @property
    def is_service(self) -> bool:
        """A mesh (GAMMA) parent: the route applies to requests to this Service."""
        return self.group == "" and self.kind == "Service"


def parent_refs(node: Node | None) -> list[ParentRef]:
    found = []
    for ref in items(node):
        if not ref.is_map:
            continue
        group = ref.get("group")
        port = ref.get("port")
        found.append(
            ParentRef(
                "gateway.networking.k8s.io" if group is None else text(group) or "",
                text(ref.get("kind")) or "Gateway",
                text(ref.get("name")) or "",
                text(ref.get("namespace")) or "",
                text(ref.get("sectionName")) or "",
                port.value if port is not None and isinstance(port.value, int) else None,
                ref,
            )
        )
    return found


def check_parent_refs(node: Node | None, where: str, out: list[Problem]) -> None:
    refs = parent_refs(node)
    by_parent: dict[tuple, list[ParentRef]] = {}
    for index, (ref, raw) in enumerate(
        zip(refs, [r for r in items(node) if r.is_map], strict=True)
    ):
        spend()
        at = f"{where}[{index}]"
        _check_names(raw, at, out)
        by_parent.setdefault((ref.group, ref.kind, ref.name, ref.namespace), []).append(ref)
    for same in by_parent.values():
        if len(same) < 2:
            continue
        sections = [ref.section for ref in same]
        if "" in sections:
            out.append(
                s.bad(
                    same[1].node,
                    where,
                    f"`{same[0].name}` is named twice as a parent; each reference then needs a "
                    "`sectionName`.",
                    "Name the listeners (sectionName) the route attaches to, one reference each.",
                )
            )
        elif len(set(sections)) < len(sections):
            out.append(
                s.bad(
                    same[1].node,
                    where,
                    f"`{same[0].name}` is named twice with the same sectionName.",
                )
            )


def _check_names(raw: Node, at: str, out: list[Problem]) -> None:
    s.check_format(raw.get("group"), s.GROUP_NAME, f"{at}.group", out)
    s.check_format(raw.get("kind"), s.KIND_NAME, f"{at}.kind", out)
    s.check_format(raw.get("name"), s.OBJECT_NAME, f"{at}.name", out)
    s.check_format(raw.get("namespace"), s.NAMESPACE, f"{at}.namespace", out)
    s.check_format(raw.get("sectionName"), s.SECTION_NAME, f"{at}.sectionName", out)


def check_backend_ref(ref: Node, where: str, out: list[Problem]) -> None:
    _check_names(ref, where, out)
    group, kind = text(ref.get("group")) or "", text(ref.get("kind")) or "Service"
    if (
        group == ""
        and kind == "Service"
        and ref.get("port") is None
        and ref.get("name") is not None
    ):
        out.append(
            s.bad(
                ref,
                f"{where}.port",
                f"The backend Service `{text(ref.get('name'))}` needs a `port`.",
                "A Service backend names the Service port to send to "
                "(https://gateway-api.sigs.k8s.io/reference/spec/#backendref).",
            )
        )
