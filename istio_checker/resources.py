"""From YAML documents to Kubernetes resources: apiVersion, kind and metadata checked, the
Istio schema of the kind looked up. Both the checker and the routing trace start here.
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass, field

from . import problems as codes
from .budget import READING, OutOfBudget, StoppedAt
from .field_types import KindSchema
from .gateway_api.schema import GROUP as GATEWAY_API
from .gateway_api.schema import KINDS as GATEWAY_API_KINDS
from .gateway_api.schema import OTHER_KINDS
from .install_files import check_install_kind
from .install_schema import INSTALL_KINDS
from .problems import Problem
from .schema import KINDS, OBJECT_META, OLD_VERSION_SEVERITY, OTHER_ISTIO_KINDS
from .structure import check_tree
from .yamlsource import Node, parse_documents, too_large_problem

_TOP_LEVEL = ("apiVersion", "kind", "metadata", "spec", "status")
# The kinds the routing trace reads (routing.py): a document meant as one of these but not read
# as a resource is named in the trace, so a route it would have made is not silently missing.
TRACED_KINDS = ("VirtualService", "DestinationRule")


@dataclass
class Resource:
    """One Istio resource we have a schema for."""

    root: Node
    kind: str
    group: str
    version: str
    name: str
    namespace: str
    schema: KindSchema
    document: int = 0  # 1-based position among the text's `---`-separated documents

    @property
    def spec(self) -> Node | None:
        spec = self.root.get("spec")
        return spec if spec is not None and spec.is_map else None

    @property
    def label(self) -> str:
        return f"{self.kind} {self.name}" if self.name else self.kind

    def plain_spec(self) -> dict:
        spec = self.spec
        return spec.plain() if spec is not None else {}


@dataclass(frozen=True)
class LeftOut:
    """A document that may have been meant for the routing trace but that it cannot read: a kind
    Istio does not have (often a misspelled VirtualService), or a VirtualService or
    DestinationRule under an apiVersion Istio does not serve or without a `spec` map (a
    misspelled `spec:`). JSON-ready through `asdict`."""

    document: int  # 1-based position among the text's `---`-separated documents
    item: int | None  # 1-based position in the items of a `kind: List`, when it is one of them
    line: int
    kind: str
    name: str  # metadata.name, or ""
    reason: str  # "unknown-kind", "unserved-api-version" or "no-spec"
    message: str


@dataclass
class Loaded:
    resources: list[Resource] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    left_out: list[LeftOut] = field(default_factory=list)
    stopped: StoppedAt | None = None  # the work budget ran out before every document was read


def coerce_text(text: object) -> str:
    """Whatever arrives (bytes, None, numbers) becomes text we can parse."""
    if isinstance(text, str):
        return text
    if isinstance(text, bytes | bytearray):
        return bytes(text).decode("utf-8", errors="replace")
    return "" if text is None else str(text)


def load_resources(text: object) -> Loaded:
    loaded = Loaded()
    text = coerce_text(text)
    if len(text) > 4 * 1024 * 1024:  # do not even encode a huge paste to measure it
        loaded.problems.append(too_large_problem())
        return loaded
    text = text.lstrip("\ufeff")
    if not text.strip():
        loaded.problems.append(
            Problem("info", codes.NOTHING_TO_CHECK, "", 1, 1, "There is no YAML to check yet.")
        )
        return loaded
    parsed = parse_documents(text)
    loaded.problems.extend(parsed.problems)
    loaded.stopped = parsed.stopped
    for document in parsed.documents:
        root = document.root
        if root is None or (root.is_scalar and root.value is None):
            continue  # an empty document, e.g. only comments after `---`
        try:
            if root.is_map and root.get("kind") is not None and root.get("kind").text() == "List":
                items = (root.get("items") or Node("seq", root.line, 1, [])).items()
                for position, item in enumerate(items, start=1):
                    _load_one(item, loaded, (document.index, position))
            else:
                _load_one(root, loaded, (document.index, None))
        except OutOfBudget as out:
            loaded.stopped = StoppedAt(READING, document.index, root.line, str(out))
            break
    if not loaded.resources and not loaded.problems and loaded.stopped is None:
        loaded.problems.append(
            Problem("info", codes.NOTHING_TO_CHECK, "", 1, 1, "The text holds no YAML document.")
        )
    return loaded


def _load_one(root: Node, loaded: Loaded, position: tuple[int, int | None]) -> None:
    out = loaded.problems
    refused = _not_a_resource(root)
    if refused is not None:
        out.append(refused)
        return
    kind = _text(root.get("kind"))
    api_version = _text(root.get("apiVersion"))
    group, _, version = api_version.rpartition("/")
    schema = (GATEWAY_API_KINDS if group == GATEWAY_API else KINDS).get(kind)
    metadata = root.get("metadata")
    name = (_text(metadata.get("name")) or "" if metadata else "").strip()
    if schema is None:
        _refuse_unknown_kind(root, loaded, position, name)
        return
    if group != schema.group or version not in schema.versions:
        _refuse_unserved_version(root, loaded, position, schema, name)
        return
    if schema.versions[version]:
        out.append(_older_version(root, schema))
    _check_envelope(root, kind, out)
    resource = Resource(
        root=root,
        kind=kind,
        group=group,
        version=version,
        name=_text(metadata.get("name")) or "" if metadata else "",
        namespace=_text(metadata.get("namespace")) or "" if metadata else "",
        schema=schema,
        document=position[0],
    )
    loaded.resources.append(resource)
    if kind in TRACED_KINDS and resource.spec is None:  # e.g. `spc:`; the checker says so
        reason = f"this {kind} has no `spec` map for the trace to read"
        loaded.left_out.append(_left_out(position, root, kind, name, "no-spec", reason))


def _not_a_resource(root: Node) -> Problem | None:
    """The problem of a document that is not a map with `apiVersion` and `kind`, if it is not."""
    if not root.is_map:
        hint = "Separate resources with a line `---`, not a list." if root.is_seq else ""
        return Problem(
            "error",
            codes.NOT_A_RESOURCE,
            "",
            root.line,
            root.column,
            "A document should be one Kubernetes resource: a map with apiVersion, kind, "
            "metadata and spec.",
            hint,
        )
    kind = _text(root.get("kind"))
    api_version = _text(root.get("apiVersion"))
    if kind is not None and api_version is not None:
        return None
    missing = " and ".join(
        name for name, value in (("apiVersion", api_version), ("kind", kind)) if value is None
    )
    return Problem(
        "error",
        codes.NOT_A_RESOURCE,
        "",
        root.line,
        root.column,
        f"This document has no {missing}, so it is not a Kubernetes resource.",
        "Start each resource with e.g. `apiVersion: networking.istio.io/v1` and "
        "`kind: VirtualService`.",
    )


def _refuse_unknown_kind(
    root: Node, loaded: Loaded, position: tuple[int, int | None], name: str
) -> None:
    kind = _text(root.get("kind"))
    group = _text(root.get("apiVersion")).rpartition("/")[0]
    if kind in INSTALL_KINDS and group == INSTALL_KINDS[kind].group:
        check_install_kind(root, INSTALL_KINDS[kind], loaded.problems)
        return
    close = _close_kind(kind)
    problem = _unknown_kind(kind, group, root.get("kind"), close)
    loaded.problems.append(problem)
    if problem.severity == "error" and (close is None or close in TRACED_KINDS):
        guess = f" (did you mean `{close}`?)" if close else ""
        reason = f"its kind `{kind}` is not one the trace knows{guess}"
        loaded.left_out.append(_left_out(position, root, kind, name, "unknown-kind", reason))


def _refuse_unserved_version(
    root: Node, loaded: Loaded, position: tuple[int, int | None], schema: KindSchema, name: str
) -> None:
    kind = _text(root.get("kind"))
    api_version = _text(root.get("apiVersion"))
    group, _, _version = api_version.rpartition("/")
    version_node = root.get("apiVersion")
    if group != schema.group:
        message = f"{kind} belongs to the API group {schema.group}, not `{group or api_version}`."
        hint = f"Write `apiVersion: {schema.group}/v1`. See {schema.doc}"
    else:
        message = f"Istio does not serve {kind} as `{api_version}`."
        served = ", ".join(schema.group + "/" + v for v in schema.versions)
        hint = f"Served versions: {served}."
    loaded.problems.append(
        Problem(
            "error",
            codes.UNKNOWN_API_VERSION,
            "apiVersion",
            version_node.line,
            version_node.column,
            message,
            hint,
        )
    )
    if kind in TRACED_KINDS:
        reason = f"Istio does not serve {kind} as `{api_version}`"
        loaded.left_out.append(
            _left_out(position, root, kind, name, "unserved-api-version", reason)
        )


def _older_version(root: Node, schema: KindSchema) -> Problem:
    kind = _text(root.get("kind"))
    api_version = _text(root.get("apiVersion"))
    version = api_version.rpartition("/")[2]
    version_node = root.get("apiVersion")
    return Problem(
        OLD_VERSION_SEVERITY.get(version, "info"),
        codes.OLD_API_VERSION,
        "apiVersion",
        version_node.line,
        version_node.column,
        f"`{api_version}` is an older version of the {kind} API.",
        f"{schema.versions[version]} Prefer `{schema.group}/v1`. "
        f"See {schema.doc if schema.group == GATEWAY_API else 'https://istio.io/latest/blog/2024/v1-apis/'}",
    )


def _left_out(
    position: tuple[int, int | None], root: Node, kind: str, name: str, code: str, reason: str
) -> LeftOut:
    document, item = position
    where = f"Document {document}" + (f", item {item} of its list" if item else "")
    named = f"`{name}`, " if name else ""
    message = f"{where} ({named}line {root.line}) is left out of this trace: {reason}."
    return LeftOut(document, item, root.line, kind, name, code, message)


def _check_envelope(root: Node, kind: str, out: list[Problem]) -> None:
    for key, key_node, _ in root.entries():
        if key not in _TOP_LEVEL:
            close = difflib.get_close_matches(key, _TOP_LEVEL, n=1)
            hint = (
                f"Did you mean `{close[0]}`?"
                if close
                else f"{kind} settings go under `spec:`; the top level holds only "
                "apiVersion, kind, metadata and spec."
            )
            out.append(
                Problem(
                    "error",
                    codes.SCHEMA_VALIDATION_ERROR,
                    key,
                    key_node.line,
                    key_node.column,
                    f"`{key}` is not a top-level field of a Kubernetes resource.",
                    hint,
                )
            )
    metadata = root.get("metadata")
    if metadata is None or (
        metadata.is_map and metadata.get("name") is None and metadata.get("generateName") is None
    ):
        where = metadata or root
        out.append(
            Problem(
                "error",
                codes.SCHEMA_VALIDATION_ERROR,
                "metadata.name",
                where.line,
                where.column,
                f"This {kind} has no `metadata.name`; Kubernetes needs one.",
            )
        )
    if metadata is not None:
        check_tree(metadata, OBJECT_META, "metadata", out)
    spec = root.get("spec")
    missing = spec is None or (spec.is_scalar and spec.value is None)
    # An empty security policy still means something (e.g. mesh-wide defaults, allow-nothing).
    if missing and kind not in (
        "PeerAuthentication",
        "AuthorizationPolicy",
        "RequestAuthentication",
    ):
        out.append(
            Problem(
                "error",
                codes.SCHEMA_VALIDATION_ERROR,
                "spec",
                root.line,
                root.column,
                f"This {kind} has no `spec`, so it configures nothing.",
            )
        )


def _unknown_kind(kind: str, group: str, kind_node: Node, close: str | None) -> Problem:
    line, column = kind_node.line, kind_node.column
    if kind in OTHER_ISTIO_KINDS or (group == GATEWAY_API and kind in OTHER_KINDS):
        return Problem(
            "info",
            codes.UNKNOWN_KIND,
            "kind",
            line,
            column,
            f"{kind} is {'a Gateway API' if group == GATEWAY_API else 'an Istio'} resource the "
            "lab does not check field by field.",
        )
    if group == GATEWAY_API:  # the API server knows no such kind in this group
        known = [*GATEWAY_API_KINDS, *sorted(OTHER_KINDS)]
        near = difflib.get_close_matches(kind, known, n=1, cutoff=0.6)
        hint = f"Did you mean `{near[0]}`? Kinds are case-sensitive." if near else ""
        message = f"`{kind}` is not a kind of {GATEWAY_API}."
        return Problem("error", codes.UNKNOWN_KIND, "kind", line, column, message, hint)
    if close or group.endswith("istio.io"):
        return Problem(
            "error",
            codes.UNKNOWN_KIND,
            "kind",
            line,
            column,
            f"`{kind}` is not an Istio kind.",
            f"Did you mean `{close}`? Kinds are case-sensitive."
            if close
            else f"Known kinds: {', '.join(KINDS)}.",
        )
    return Problem(
        "info",
        codes.UNKNOWN_KIND,
        "kind",
        line,
        column,
        f"{kind} is not an Istio resource; the lab skips it.",
    )


def _close_kind(kind: str) -> str | None:
    """The Istio kind `kind` is probably a misspelling of, if any."""
    return {name.lower(): name for name in KINDS}.get(kind.lower()) or next(
        iter(difflib.get_close_matches(kind, list(KINDS), n=1, cutoff=0.75)), None
    )


def _text(node: Node | None) -> str | None:
    return node.text() if node is not None else None
