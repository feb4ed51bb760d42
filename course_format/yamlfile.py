"""Read a YAML file safely and remember where every value came from.

Course files are written by hand, so a mistake must be reported by file and line. PyYAML's safe
loader builds the data; a walk over the same node tree records each path's line and catches
duplicate keys, which the loader alone would silently let the last one win. No Django here.

The loader is yaml.SafeLoader (the same safe types) with two bounds while it composes: how deep
collections nest (PyYAML composes recursively: a few hundred levels raised RecursionError) and
how many nodes aliases may add (a 2.5 KB file of anchors and aliases stood for 22,500 quiz
choices, each of which became a database row).
"""

from dataclasses import dataclass, field
from pathlib import Path

import yaml

# The largest course file read, and so the largest the admin's import takes (one file holds
# the whole course there). An import costs 0.5-0.7 s of CPU and ~7.5 MB of a worker's memory per
# MB of course (measured, docs/authoring.md): 16 MB is 7.5-11 s and ~120 MB, inside gunicorn's
# 30 s timeout (Makefile) when the worker gets half a core, and holds a 500-lesson course of
# 30 KB lessons (the shipped ones average 25 KB; the generated bench course is 3 MB). It was
# 2 MB (about 180 lessons) while each row was saved alone and PyYAML composed a node tree.
MAX_FILE_BYTES = 16 * 1024 * 1024
# A course nests about 8 levels (course, quizzes, a quiz, questions, a question, choices, ...).
MAX_DEPTH = 50
# Nodes that aliases may add in all. Hand-written course files rarely use aliases at all; the
# shipped course uses none.
MAX_ALIAS_NODES = 10_000

Path_ = tuple[str | int, ...]


class ContentError(Exception):
    """A problem in a content file, located by file, line and key path."""

    def __init__(self, file: str, message: str, line: int | None = None, path: Path_ = ()):
        self.file, self.message, self.line, self.path = file, message, line, path
        super().__init__(str(self))

    def __str__(self) -> str:
        where = self.file + (f":{self.line}" if self.line else "")
        key = format_path(self.path)
        return f"{where}: {key + ': ' if key else ''}{self.message}"


def format_path(path: Path_) -> str:
    out = ""
    for part in path:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else part)
    return out


@dataclass
class YamlDocument:
    file: str
    data: object
    lines: dict[Path_, int] = field(default_factory=dict)
    literal_blocks: set[Path_] = field(default_factory=set)  # values written `key: |`

    def line(self, path: Path_) -> int | None:
        """The line of `path`, or of its nearest parent that has one."""
        while path:
            if path in self.lines:
                return self.lines[path]
            path = path[:-1]
        return self.lines.get(())

    def error(self, path: Path_, message: str) -> ContentError:
        return ContentError(self.file, message, self.line(path), path)


def read_yaml(path: Path, display_name: str | None = None) -> YamlDocument:
    name = display_name or str(path)
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise ContentError(name, f"cannot read the file ({exc.strerror or exc})") from exc
    if len(raw) > MAX_FILE_BYTES:
        raise ContentError(name, f"the file is larger than {MAX_FILE_BYTES // 1024} KB")
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise ContentError(name, "the file is not UTF-8 text") from exc
    return parse_yaml(text, name)


class BoundExceeded(yaml.composer.ComposerError):
    """Valid YAML, refused for its depth or what its aliases expand to."""


class BoundedSafeLoader(yaml.SafeLoader):
    """yaml.SafeLoader that refuses collections nested deeper than MAX_DEPTH, and aliases
    that would add more than MAX_ALIAS_NODES nodes once expanded, while it composes."""

    def __init__(self, stream) -> None:
        super().__init__(stream)
        self.depth = 0
        self.alias_nodes = 0
        self.expanded: dict[int, int] = {}  # id(node): the nodes it stands for, aliases expanded

    def compose_node(self, parent, index):
        if self.check_event(yaml.AliasEvent):
            mark = self.peek_event().start_mark
            node = super().compose_node(parent, index)
            size = self.expanded.get(id(node))
            if size is None:  # the anchor is still being composed: a structure inside itself
                raise BoundExceeded(
                    None, None, "an alias refers to a collection that contains it", mark
                )
            self.alias_nodes += size
            if self.alias_nodes > MAX_ALIAS_NODES:
                raise BoundExceeded(
                    None,
                    None,
                    f"aliases here expand to more than {MAX_ALIAS_NODES:,} values in all; "
                    "write the repeated parts out instead",
                    mark,
                )
            return node
        self.depth += 1
        if self.depth > MAX_DEPTH:
            mark = self.peek_event().start_mark
            raise BoundExceeded(
                None, None, f"lists and mappings nest more than {MAX_DEPTH} levels deep", mark
            )
        try:
            node = super().compose_node(parent, index)
        finally:
            self.depth -= 1
        self.expanded[id(node)] = 1 + sum(self.expanded[id(child)] for child in _children(node))
        return node


def _children(node: yaml.Node) -> list[yaml.Node]:
    if isinstance(node, yaml.MappingNode):
        return [part for pair in node.value for part in pair]
    if isinstance(node, yaml.SequenceNode):
        return node.value
    return []


def parse_yaml(text: str, name: str) -> YamlDocument:
    """The document with each path's line. PyYAML's C parser first (yaml_events.py); the pure,
    bounded loader when it is missing or the file needs a precise error."""
    from .yaml_events import parse_fast  # it imports this module's bounds

    fast = parse_fast(text, name)
    if fast is not None:
        return fast
    return parse_yaml_pure(text, name)


def parse_yaml_pure(text: str, name: str) -> YamlDocument:
    try:
        loader = BoundedSafeLoader(text)
        try:
            node = loader.get_single_node()
            data = loader.construct_document(node) if node is not None else None
        finally:
            loader.dispose()
    except BoundExceeded as exc:
        raise ContentError(name, exc.problem, exc.problem_mark.line + 1) from exc
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark else None
        problem = " ".join(filter(None, [exc.context, exc.problem]))
        raise ContentError(name, f"invalid YAML: {problem}", line) from exc
    except yaml.YAMLError as exc:
        raise ContentError(name, f"invalid YAML: {exc}") from exc
    document = YamlDocument(name, data)
    if node is not None:
        _record_lines(node, (), document, set())
    return document


def _record_lines(node: yaml.Node, path: Path_, doc: YamlDocument, seen: set[int]) -> None:
    doc.lines.setdefault(path, node.start_mark.line + 1)
    if isinstance(node, yaml.ScalarNode) and node.style == "|":
        doc.literal_blocks.add(path)
    if id(node) in seen:  # an alias: its lines were recorded where it was defined
        return
    seen.add(id(node))
    if isinstance(node, yaml.MappingNode):
        keys: set[str] = set()
        for key_node, value_node in node.value:
            key = str(key_node.value)
            if key in keys:
                raise ContentError(
                    doc.file,
                    f"the key '{key}' appears twice",
                    key_node.start_mark.line + 1,
                    path,
                )
            keys.add(key)
            doc.lines[(*path, key)] = key_node.start_mark.line + 1
            _record_lines(value_node, (*path, key), doc, seen)
    elif isinstance(node, yaml.SequenceNode):
        for index, item in enumerate(node.value):
            _record_lines(item, (*path, index), doc, seen)
