"""The fast path of course_format/yamlfile.py: PyYAML's C parser (libyaml) where present.

The C loader builds the data 10-20 times faster than the pure-Python one, but its composer is
C code: the bounds (MAX_DEPTH, MAX_ALIAS_NODES) cannot be kept while it composes, and it hands
back no node tree to take lines from. So one pass over libyaml's *events* (still C-parsed) does
what the pure path's composer and node walk do: each path's line, the `key: |` values, duplicate
keys, the depth and alias bounds. Only then does the C loader build the data.

Anything out of the ordinary (a bound exceeded, invalid YAML, several documents, a key that is
not a plain scalar, a merge key `<<`) returns None: the caller then parses again with the
pure, bounded loader, whose messages and lines are the reference. No Django here.
"""

import yaml

from .yamlfile import MAX_ALIAS_NODES, MAX_DEPTH, ContentError, YamlDocument

C_LOADER = getattr(yaml, "CSafeLoader", None)


class _Frame:
    __slots__ = ("anchor", "expect_key", "index", "is_map", "key", "keys", "path", "size")

    def __init__(self, is_map: bool, path: tuple, anchor: str | None):
        self.is_map, self.path, self.anchor = is_map, path, anchor
        self.keys: set[str] = set()
        self.expect_key, self.key, self.index, self.size = True, None, 0, 1


class _Walk:
    def __init__(self, doc: YamlDocument):
        self.doc = doc
        self.stack: list[_Frame] = []
        self.sizes: dict[str, int] = {}  # anchor: the nodes it stands for, aliases expanded
        self.anchor_at: dict[str, tuple[int, str | None]] = {}  # anchor: (line, scalar style)
        self.open: set[str] = set()  # anchors of collections still being read
        self.alias_nodes = 0

    def _place(self) -> tuple | None:
        """The path of the node that starts now; None when it is a mapping's key."""
        if not self.stack:
            return ()
        top = self.stack[-1]
        if top.is_map:
            return None if top.expect_key else (*top.path, top.key)
        top.index += 1
        return (*top.path, top.index - 1)

    def _done(self, size: int) -> None:
        """A value node ended: its parent counts it and waits for its next key."""
        if self.stack:
            top = self.stack[-1]
            top.size += size
            if top.is_map:
                top.expect_key = True

    def node(self, event) -> bool:
        """Take one node event; False: leave it to the pure loader."""
        line = event.start_mark.line + 1
        if not isinstance(event, yaml.AliasEvent) and len(self.stack) + 1 > MAX_DEPTH:
            return False
        path = self._place()
        if path is None:
            return self._key(event, line)
        if isinstance(event, yaml.AliasEvent):
            return self._alias(event.anchor, path)
        self.doc.lines.setdefault(path, line)
        if isinstance(event, yaml.ScalarEvent):
            if event.style == "|":
                self.doc.literal_blocks.add(path)
            if event.anchor is not None:
                self.sizes[event.anchor] = 1
                self.anchor_at[event.anchor] = (line, event.style)
            self._done(1)
            return True
        if event.anchor is not None:
            self.open.add(event.anchor)
            self.anchor_at[event.anchor] = (line, None)
        self.stack.append(_Frame(isinstance(event, yaml.MappingStartEvent), path, event.anchor))
        return True

    def _key(self, event, line: int) -> bool:
        if not isinstance(event, yaml.ScalarEvent) or event.anchor is not None:
            return False
        if event.value == "<<" and event.implicit[0]:  # a merge key: the loader rewrites it
            return False
        top, key = self.stack[-1], event.value
        if key in top.keys:
            raise ContentError(self.doc.file, f"the key '{key}' appears twice", line, top.path)
        top.keys.add(key)
        self.doc.lines[(*top.path, key)] = line
        top.key, top.expect_key = key, False
        top.size += 1
        return True

    def _alias(self, anchor: str, path: tuple) -> bool:
        if anchor in self.open or anchor not in self.sizes:
            return False
        self.alias_nodes += self.sizes[anchor]
        if self.alias_nodes > MAX_ALIAS_NODES:
            return False
        line, style = self.anchor_at[anchor]
        self.doc.lines.setdefault(path, line)
        if style == "|":
            self.doc.literal_blocks.add(path)
        self._done(self.sizes[anchor])
        return True

    def end(self) -> None:
        frame = self.stack.pop()
        if frame.anchor is not None:
            self.open.discard(frame.anchor)
            self.sizes[frame.anchor] = frame.size
        self._done(frame.size)


NODE_EVENTS = (yaml.ScalarEvent, yaml.SequenceStartEvent, yaml.MappingStartEvent, yaml.AliasEvent)


def parse_fast(text: str, name: str) -> YamlDocument | None:
    """The document by the C parser, or None to parse it again with the pure loader."""
    if C_LOADER is None:
        return None
    document = YamlDocument(name, None)
    walk = _Walk(document)
    documents = 0
    try:
        for event in yaml.parse(text, Loader=C_LOADER):
            if isinstance(event, NODE_EVENTS):
                if not walk.node(event):
                    return None
            elif isinstance(event, yaml.SequenceEndEvent | yaml.MappingEndEvent):
                walk.end()
            elif isinstance(event, yaml.DocumentStartEvent):
                documents += 1
                if documents > 1:
                    return None
        document.data = yaml.load(text, Loader=C_LOADER)
    except yaml.YAMLError:
        return None
    return document
