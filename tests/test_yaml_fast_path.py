"""Course files parse with PyYAML's C parser where present (course_format/yaml_events.py), and
the result is the pure, bounded loader's: the same data, each path's line, the `key: |` values,
and for anything it refuses (depth, aliases, duplicate keys, bad YAML) the same error at the
same line. Linear: a file of many aliases or deep nesting is refused, not expanded."""

from pathlib import Path

import pytest
import yaml

from course_format import yaml_events
from course_format.yamlfile import (
    MAX_ALIAS_NODES,
    MAX_DEPTH,
    ContentError,
    parse_yaml,
    parse_yaml_pure,
)

ROOT = Path(__file__).resolve().parent.parent
COURSE_FILES = sorted((ROOT / "content").rglob("*.yaml")) + sorted(
    (ROOT / "tests" / "fixtures").rglob("*.yaml")
)

pytestmark = pytest.mark.skipif(yaml_events.C_LOADER is None, reason="PyYAML without libyaml")


@pytest.mark.parametrize("path", COURSE_FILES, ids=lambda p: p.name)
def test_the_c_parser_reads_every_course_file_as_the_pure_loader_does(path):
    text = path.read_text()
    fast = yaml_events.parse_fast(text, path.name)
    assert fast is not None, "fell back to the pure loader"
    pure = parse_yaml_pure(text, path.name)
    assert fast.data == pure.data
    assert fast.lines == pure.lines
    assert fast.literal_blocks == pure.literal_blocks


ANCHORS = """\
base: &base
  title: Shared
  body: |
    two
    lines
lessons:
  - *base
  - slug: x
    body: *base
"""


def test_anchors_aliases_and_merge_keys_agree():
    fast = yaml_events.parse_fast(ANCHORS, "a.yaml")
    pure = parse_yaml_pure(ANCHORS, "a.yaml")
    assert fast is not None
    assert (fast.data, fast.lines, fast.literal_blocks) == (
        pure.data,
        pure.lines,
        pure.literal_blocks,
    )


def deep(levels: int) -> str:
    return "a: " + "[" * levels + "1" + "]" * levels + "\n"


def many_aliases(count: int) -> str:
    items = ", ".join(["x"] * 100)
    aliases = "\n".join("  - *big" for _ in range(count))
    return f"big: &big [{items}]\nuses:\n{aliases}\n"


@pytest.mark.parametrize(
    "text",
    [
        "a: 1\na: 2\n",  # a duplicate key
        "a: [1, 2\n",  # invalid YAML
        deep(MAX_DEPTH + 5),
        many_aliases(MAX_ALIAS_NODES // 100 + 5),
        "a: &x [*x]\n",  # an alias inside what it names
        "--- 1\n--- 2\n",  # two documents
        "? [complex, key]\n: value\n",
        "base: &b {title: T}\nx:\n  <<: *b\n  slug: s\n",  # a merge key: the pure loader's
    ],
    ids=[
        "duplicate",
        "invalid",
        "deep",
        "aliases",
        "recursive",
        "documents",
        "complex-key",
        "merge",
    ],
)
def test_what_the_pure_loader_refuses_is_refused_alike(text):
    try:
        expected = parse_yaml_pure(text, "f.yaml")
    except ContentError as error:
        with pytest.raises(ContentError) as caught:
            parse_yaml(text, "f.yaml")
        assert (str(caught.value), caught.value.line) == (str(error), error.line)
    else:
        assert parse_yaml(text, "f.yaml").data == expected.data


def test_depth_just_inside_the_bound_is_read_by_the_c_parser():
    text = deep(MAX_DEPTH - 2)
    assert yaml_events.parse_fast(text, "f.yaml") is not None
    assert yaml_events.parse_fast(deep(MAX_DEPTH + 1), "f.yaml") is None


# The C path builds the data from the events itself (no node tree): every scalar type and tag
# safe_load knows, anchors shared by their aliases, keys that are not strings.
SCALARS = """\
plain: text
quoted: "1"
single: 'yes'
int: 42
octal: 0o17
old_octal: 017
hex: 0x1F
sexagesimal: 1:30
float: 1.5e3
inf: .inf
nan_is_a_string_here: nanx
bools: [yes, No, on, OFF, true, False]
nulls: [~, null, ]
empty:
date: 2026-12-07
time: 2026-12-07 15:55:00+01:00
binary: !!binary aGVsbG8=
tagged: !!str 123
forced_int: !!int "7"
float_tag: !!float 3
1: a number key
true: a bool key
2026-01-01: a date key
folded: >
  two
  lines
literal: |
  kept
   as is
shared: &s {a: [1, 2]}
again: *s
scalar_anchor: &n 5
scalar_again: *n
nested:
  - - deep: [1, {x: y}]
"""


@pytest.mark.parametrize(
    "text",
    [SCALARS, "", "just a string\n", "- 1\n- two\n", "{}\n", "[]\n", "key: !!set {a, b}\n"],
    ids=["scalars", "empty", "string", "list", "map", "sequence", "explicit-collection-tag"],
)
def test_the_data_built_from_events_is_what_safe_load_builds(text):
    fast = yaml_events.parse_fast(text, "f.yaml")
    expected = yaml.safe_load(text)
    if text.startswith("key: !!set"):
        assert fast is None  # left to the pure loader
        assert parse_yaml(text, "f.yaml").data == expected
        return
    assert fast is not None
    assert fast.data == expected
    assert repr(fast.data) == repr(expected)  # types too: 1 and True and 1.0 are == in Python
    if text == SCALARS:
        assert fast.data["again"] is fast.data["shared"]  # an alias is the anchor's value
        assert fast.data == parse_yaml_pure(text, "f.yaml").data


def test_a_generated_course_file_reads_as_safe_load_reads_it(tmp_path):
    import sys

    sys.path.insert(0, str(ROOT / "bench"))
    from big_course import write_course

    text = write_course(tmp_path, 30, single_file=True).read_text()
    fast = yaml_events.parse_fast(text, "generated.yaml")
    assert fast is not None and fast.data == yaml.safe_load(text)
    assert len(fast.data["lessons"]) == 30
