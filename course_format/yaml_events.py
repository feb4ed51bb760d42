"""The fast path of course_format/yamlfile.py: PyYAML's C parser (libyaml) where present.

The C loader builds the data 10-20 times faster than the pure-Python one, but its composer is
C code: the bounds (MAX_DEPTH, MAX_ALIAS_NODES) cannot be kept while it composes, and it hands
back no node tree to take lines from. So one pass over libyaml's *events* (still C-parsed) does
what the pure path's composer and node walk do: each path's line, the `key: |` values, duplicate
keys, the depth and alias bounds, and builds the data as it goes: each scalar resolved and
constructed by PyYAML's own safe resolver and constructor, one at a time. (The C loader, run
again for the data, composed the whole node tree first: 19 MB of memory per MB of course file,
most of what an import held; docs/authoring.md.)

Anything out of the ordinary (a bound exceeded, invalid YAML, several documents, a key that is
not a plain scalar, a merge key `<<`) returns None: the caller then parses again with the
pure, bounded loader, whose messages and lines are the reference. No Django here.
"""

import yaml

from .yamlfile import MAX_ALIAS_NODES, MAX_DEPTH, ContentError, YamlDocument

C_LOADER = getattr(yaml, "CSafeLoader", None)


# The scalar types yaml.safe_load builds; any other tag (an explicit !!set, !!omap or a local
# tag) is left to the pure loader.
_SCALAR_TAGS = {
    f"tag:yaml.org,2002:{name}"
    for name in ("null", "bool", "int", "float", "binary", "timestamp", "str")
}


class _Scalars(yaml.constructor.SafeConstructor, yaml.resolver.Resolver):
    """PyYAML's safe resolver and constructor, applied to one scalar event at a time: what the
    composer and yaml.safe_load do to a scalar node."""

    def __init__(self) -> None:
        yaml.constructor.SafeConstructor.__init__(self)
        yaml.resolver.Resolver.__init__(self)

    def value(self, event: yaml.ScalarEvent):
        """The scalar's value, or _UNUSUAL for a tag safe_load's scalars do not have."""
        tag = event.tag
        if tag is None or tag == "!":
            tag = self.resolve(yaml.ScalarNode, event.value, event.implicit)
        if tag not in _SCALAR_TAGS:
            return _UNUSUAL
        node = yaml.ScalarNode(tag, event.value, event.start_mark, event.end_mark, event.style)
        return self.yaml_constructors[tag](self, node)


_UNUSUAL = object()


class _Frame:
    __slots__ = (
        *("anchor", "data", "data_key", "expect_key", "index", "is_map", "key", "keys"),
        *("path", "size"),
    )

    def __init__(self, is_map: bool, path: tuple, anchor: str | None, data):
        self.is_map, self.path, self.anchor, self.data = is_map, path, anchor, data
        self.keys: set[str] = set()
        self.expect_key, self.key, self.data_key, self.index, self.size = True, None, None, 0, 1


class _Walk:
    def __init__(self, doc: YamlDocument):
        self.doc = doc
        self.stack: list[_Frame] = []
        self.sizes: dict[str, int] = {}  # anchor: the nodes it stands for, aliases expanded
        self.anchor_at: dict[str, tuple[int, str | None]] = {}  # anchor: (line, scalar style)
        self.open: set[str] = set()  # anchors of collections still being read
        self.alias_nodes = 0
        self.scalars = _Scalars()
        self.values: dict[str, object] = {}  # anchor: its value, which an alias shares
        self.root = None

    def _attach(self, value) -> None:
        """Put a node's value in its parent (the document, when it has none)."""
        if not self.stack:
            self.root = value
        elif self.stack[-1].is_map:
            self.stack[-1].data[self.stack[-1].data_key] = value
        else:
            self.stack[-1].data.append(value)

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
            value = self.scalars.value(event)
            if value is _UNUSUAL:
                return False
            if event.style == "|":
                self.doc.literal_blocks.add(path)
            if event.anchor is not None:
                self.sizes[event.anchor] = 1
                self.anchor_at[event.anchor] = (line, event.style)
                self.values[event.anchor] = value
            self._attach(value)
            self._done(1)
            return True
        if not event.implicit:  # an explicitly tagged collection (!!set, !!omap, ...)
            return False
        is_map = isinstance(event, yaml.MappingStartEvent)
        data = {} if is_map else []
        if event.anchor is not None:
            self.open.add(event.anchor)
            self.anchor_at[event.anchor] = (line, None)
            self.values[event.anchor] = data
        self._attach(data)  # filled as its nodes come
        self.stack.append(_Frame(is_map, path, event.anchor, data))
        return True

    def _key(self, event, line: int) -> bool:
        if not isinstance(event, yaml.ScalarEvent) or event.anchor is not None:
            return False
        if event.value == "<<" and event.implicit[0]:  # a merge key: the loader rewrites it
            return False
        top, key = self.stack[-1], event.value
        if key in top.keys:
            raise ContentError(self.doc.file, f"the key '{key}' appears twice", line, top.path)
        data_key = self.scalars.value(event)  # as safe_load makes it: `1:` is the number 1
        if data_key is _UNUSUAL:
            return False
        top.keys.add(key)
        self.doc.lines[(*top.path, key)] = line
        top.key, top.data_key, top.expect_key = key, data_key, False
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
        self._attach(self.values[anchor])
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
    except yaml.YAMLError:
        return None
    document.data = walk.root
    return document
