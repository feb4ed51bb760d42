"""Read pasted YAML safely, keeping the line and column of every key and value.

We never construct Python objects from the YAML: `yaml.compose_all` with the SafeLoader builds a
node graph (aliases stay shared nodes, tags stay strings), and we copy that graph into our own
small `Node` tree of at most MAX_NODES values. That limit is what defuses alias bombs ("billion
laughs"): an alias is walked again each time it is used, so a bomb reaches it within milliseconds
instead of expanding to gigabytes. Python tags (`!!python/object...`) and custom tags are
reported as problems and never resolved. The copy also spends the check's work budget
(budget.py), a step for each value and for each 64 characters of text, aliases included: a long
string aliased thousands of times stops the check instead of flooding the passes after it.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import yaml
from yaml.constructor import SafeConstructor

from . import problems as codes
from .budget import READING, OutOfBudget, StoppedAt, spend, spend_text
from .problems import Problem

MAX_TEXT_BYTES = 256 * 1024
MAX_NODES = 20_000  # far above any real Istio config, far below an alias bomb
MAX_DEPTH = 100
MAX_DOCUMENTS = 100

_YAML = "tag:yaml.org,2002:"
_SCALAR_TAGS = {f"{_YAML}{name}" for name in ("str", "int", "float", "bool", "null")}
_KEEP_AS_TEXT_TAGS = {f"{_YAML}timestamp", f"{_YAML}binary", f"{_YAML}value"}
_STR_TAG = f"{_YAML}str"
_MERGE_TAG = f"{_YAML}merge"
_MAP_TAG = f"{_YAML}map"
# LibYAML's composer is about three times faster and caps nesting at 1000 levels by itself;
# both loaders resolve tags the same (safe) way.
_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
_SEQ_TAG = f"{_YAML}seq"

# Used only to turn plain scalars ("80", "true", "1.5") into Python values; it never sees a
# mapping, sequence or non-standard tag.
_SCALARS = SafeConstructor()


@dataclass(eq=False)
class Node:
    """A YAML value with its position (1-based line and column)."""

    kind: str  # "map", "seq" or "scalar"
    line: int
    column: int
    value: (
        Any  # map: dict[str, tuple[Node, Node]]; seq: list[Node]; scalar: str/int/float/bool/None
    )
    raw: str = ""  # the scalar as written, for messages

    @property
    def is_map(self) -> bool:
        return self.kind == "map"

    @property
    def is_seq(self) -> bool:
        return self.kind == "seq"

    @property
    def is_scalar(self) -> bool:
        return self.kind == "scalar"

    def get(self, key: str) -> Node | None:
        if self.kind != "map":
            return None
        entry = self.value.get(key)
        return entry[1] if entry else None

    def key_node(self, key: str) -> Node | None:
        if self.kind != "map":
            return None
        entry = self.value.get(key)
        return entry[0] if entry else None

    def entries(self) -> Iterator[tuple[str, Node, Node]]:
        if self.kind == "map":
            for key, (key_node, value_node) in self.value.items():
                yield key, key_node, value_node

    def items(self) -> list[Node]:
        return list(self.value) if self.kind == "seq" else []

    def text(self) -> str | None:
        """The scalar as a string if it is one (numbers and booleans included), else None."""
        if self.kind != "scalar" or self.value is None:
            return None
        return self.value if isinstance(self.value, str) else self.raw

    def plain(self) -> Any:
        """Plain Python data (dicts, lists, scalars) for code that does not need positions."""
        if self.kind == "map":
            return {key: value.plain() for key, (_, value) in self.value.items()}
        if self.kind == "seq":
            return [item.plain() for item in self.value]
        return self.value


@dataclass
class Document:
    index: int  # 1-based position in the stream
    line: int
    root: Node | None


@dataclass
class ParseResult:
    documents: list[Document] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    stopped: StoppedAt | None = None  # the work budget ran out in this document


class _Refused(Exception):
    """Raised inside the copy when the node or depth limit is exceeded."""

    def __init__(self, problem: Problem):
        super().__init__(problem.message)
        self.problem = problem


def parse_documents(text: str) -> ParseResult:
    """Parse every `---`-separated document; never raises, whatever `text` holds."""
    result = ParseResult()
    if len(text.encode("utf-8", errors="replace")) > MAX_TEXT_BYTES:
        result.problems.append(too_large_problem())
        return result
    nodes_left = _NodesLeft()
    stream = yaml.compose_all(text, Loader=_LOADER)
    try:
        for index, ynode in enumerate(stream, start=1):
            if index > MAX_DOCUMENTS:
                result.problems.append(
                    Problem(
                        "error",
                        codes.YAML_TOO_COMPLEX,
                        "",
                        _line(ynode),
                        1,
                        f"More than {MAX_DOCUMENTS} documents; the rest were not checked.",
                    )
                )
                break
            if ynode is None:  # an empty document between two `---`
                continue
            try:
                root = _Copier(nodes_left, result.problems).copy(ynode, depth=0)
            except OutOfBudget as out:
                result.stopped = StoppedAt(READING, index, _line(ynode), str(out))
                break
            result.documents.append(Document(index, _line(ynode), root))
    except _Refused as refused:
        result.problems.append(refused.problem)
    except yaml.MarkedYAMLError as error:
        result.problems.append(_syntax_problem(error, text))
    except RecursionError:
        result.problems.append(
            Problem(
                "error",
                codes.YAML_TOO_COMPLEX,
                "",
                1,
                1,
                "Values are nested too deeply to check.",
            )
        )
    except (yaml.YAMLError, ValueError, TypeError, MemoryError) as error:
        result.problems.append(
            Problem("error", codes.YAML_SYNTAX, "", 1, 1, f"This is not valid YAML ({error}).")
        )
    return result


def too_large_problem() -> Problem:
    return Problem(
        "error",
        codes.INPUT_TOO_LARGE,
        "",
        1,
        1,
        f"The text is larger than {MAX_TEXT_BYTES // 1024} KB, so it was not checked.",
        "Paste one resource, or a few, at a time.",
    )


def _too_complex(ynode: yaml.Node, message: str, hint: str = "") -> _Refused:
    problem = Problem(
        "error", codes.YAML_TOO_COMPLEX, "", _line(ynode), _column(ynode), message, hint
    )
    return _Refused(problem)


class _NodesLeft:
    def __init__(self) -> None:
        self.left = MAX_NODES


class _Copier:
    def __init__(self, nodes_left: _NodesLeft, problems: list[Problem]):
        self.nodes_left = nodes_left
        self.problems = problems

    def copy(self, ynode: yaml.Node, depth: int) -> Node:
        spend()
        self.nodes_left.left -= 1
        if self.nodes_left.left < 0:
            raise _too_complex(
                ynode,
                f"This YAML expands to more than {MAX_NODES} values (often aliases "
                "that refer to aliases), so it was not checked.",
                "Write the values out instead of using anchors and aliases.",
            )
        if depth > MAX_DEPTH:
            message = f"Values are nested more than {MAX_DEPTH} levels deep, so it was not checked."
            raise _too_complex(ynode, message)
        tag = ynode.tag or ""
        if isinstance(ynode, yaml.MappingNode):
            if tag != _MAP_TAG:
                self._refuse_tag(ynode)  # and read it as empty, so no follow-up type errors
                return Node("scalar", _line(ynode), _column(ynode), None)
            return self._copy_map(ynode, depth)
        if isinstance(ynode, yaml.SequenceNode):
            if tag != _SEQ_TAG:
                self._refuse_tag(ynode)
                return Node("scalar", _line(ynode), _column(ynode), None)
            items = [self.copy(item, depth + 1) for item in ynode.value]
            return Node("seq", _line(ynode), _column(ynode), items)
        return self._copy_scalar(ynode)

    def _copy_scalar(self, ynode: yaml.Node) -> Node:
        raw = str(ynode.value)
        spend_text(raw)
        tag = ynode.tag or ""
        value: Any = raw
        if tag == _STR_TAG:
            pass  # the constructor would return the text as it is; skip the call
        elif tag in _SCALAR_TAGS:
            try:
                # Call the scalar constructor directly: construct_object() would cache every
                # node on the shared constructor forever.
                value = SafeConstructor.yaml_constructors[tag](_SCALARS, ynode)
            except (yaml.YAMLError, ValueError, OverflowError):
                value = raw  # e.g. an integer too long for Python's int() limit
        elif tag not in _KEEP_AS_TEXT_TAGS:
            self._refuse_tag(ynode)
            value = None
        return Node("scalar", _line(ynode), _column(ynode), value, raw)

    def _copy_map(self, ynode: yaml.MappingNode, depth: int) -> Node:
        entries: dict[str, tuple[Node, Node]] = {}
        merged: dict[str, tuple[Node, Node]] = {}
        for key_ynode, value_ynode in ynode.value:
            if not isinstance(key_ynode, yaml.ScalarNode):
                self.problems.append(
                    Problem(
                        "error",
                        codes.YAML_SYNTAX,
                        "",
                        _line(key_ynode),
                        _column(key_ynode),
                        "A map key must be a plain name, not a list or a map.",
                    )
                )
                continue
            if key_ynode.tag == _MERGE_TAG:  # `<<: *defaults`
                self._merge_into(merged, value_ynode, depth)
                continue
            key_node = self._copy_scalar(key_ynode)
            key = str(key_ynode.value)
            if key in entries:
                self.problems.append(
                    Problem(
                        "error",
                        codes.DUPLICATE_KEY,
                        "",
                        key_node.line,
                        key_node.column,
                        f"The key `{key}` appears twice in the same map.",
                        "Kubernetes refuses duplicate keys; keep one of them.",
                    )
                )
            entries[key] = (key_node, self.copy(value_ynode, depth + 1))
        for key, entry in merged.items():
            entries.setdefault(key, entry)
        return Node("map", _line(ynode), _column(ynode), entries)

    def _merge_into(self, merged: dict, value_ynode: yaml.Node, depth: int) -> None:
        sources = value_ynode.value if isinstance(value_ynode, yaml.SequenceNode) else [value_ynode]
        for source in sources:
            copied = self.copy(source, depth + 1)
            for key, key_node, value_node in copied.entries():
                merged.setdefault(key, (key_node, value_node))

    def _refuse_tag(self, ynode: yaml.Node) -> None:
        tag = ynode.tag or ""
        shown = "!!" + tag[len(_YAML) :] if tag.startswith(_YAML) else tag
        python = "python/" in tag
        self.problems.append(
            Problem(
                "error",
                codes.YAML_TAG_REFUSED,
                "",
                _line(ynode),
                _column(ynode),
                f"The YAML tag `{shown}` is not allowed"
                + (": it asks for a Python object to be built." if python else "."),
                "Istio resources are plain maps, lists and text; remove the tag.",
            )
        )


def _line(ynode: yaml.Node) -> int:
    return ynode.start_mark.line + 1 if ynode.start_mark else 1


def _column(ynode: yaml.Node) -> int:
    return ynode.start_mark.column + 1 if ynode.start_mark else 1


_SYNTAX_HINTS = (
    ("'\\t'", "YAML indentation must use spaces, not tab characters."),
    (
        "mapping values are not allowed",
        "A `key: value` line is indented wrongly, or a value contains `: `. Quote such values.",
    ),
    ("could not find expected ':'", "A line is missing the `:` after its key."),
    ("did not find expected key", "Check the indentation: items of one map line up exactly."),
    ("did not find expected '-' indicator", "List items (`- `) of one list must line up."),
    ("found undefined alias", "An `*alias` refers to an `&anchor` that is not defined above it."),
    ("found character that cannot start any token", "Quote values that start with @, ` or %."),
)


def _syntax_problem(error: yaml.MarkedYAMLError, text: str) -> Problem:
    mark = error.problem_mark or error.context_mark
    line = mark.line + 1 if mark else 1
    column = mark.column + 1 if mark else 1
    what = " ".join(part for part in (error.context, error.problem) if part) or "unreadable"
    hint = next((tip for needle, tip in _SYNTAX_HINTS if needle in what), "")
    lines = text.splitlines()
    if 0 < line <= len(lines) and "\t" in lines[line - 1][:column]:
        hint = _SYNTAX_HINTS[0][1]  # LibYAML does not name the tab, so look for it ourselves
    return Problem(
        "error", codes.YAML_SYNTAX, "", line, column, f"YAML syntax error: {what}.", hint
    )
