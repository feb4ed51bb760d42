"""A task's `resource` probe: expectations on the config's documents where behaviour cannot
say it (an outlier detection policy for a host, an `exportTo` scope, install options), as
docs/practice.md#resource describes them. Pure Python: no Django.

Documents are selected by kind, and optionally apiVersion (or its group), name, namespace and
host; a document without `metadata.namespace` matches any namespace (it goes where it is
applied, `kubectl apply -n`). The probe passes when one selected document meets every item
(and, with `count`, exactly that many are selected). Values are compared by meaning within
their YAML type: durations as seconds ("30s" == "0.5m"), numbers as numbers (5 == 5.0), text as
text; a boolean equals only a boolean, and text never equals a number or a boolean, because
Kubernetes reads them differently (a label value must be a string: `inject: false` is refused,
https://kubernetes.io/docs/concepts/overview/working-with-objects/labels/#syntax-and-character-set).
A path element `{name: canary}` picks the first list item whose `name` equals that (any key
and scalar value), so reordering a list does not fail a correct config.
"""

from __future__ import annotations

from course_format.tasks import seconds
from istio_checker.budget import spend
from istio_checker.hosts import same_service
from istio_checker.node_readers import text, texts
from istio_checker.yamlsource import Node

_MISSING = object()


def run(probe: dict, config) -> tuple[bool, str]:
    select = probe["select"]
    selected = [root for root in config.documents() if _selected(root, select)]
    if "count" in probe and len(selected) != probe["count"]:
        return False, f"{len(selected)} {select['kind']} selected, {probe['count']} expected"
    wanted = probe.get("expect") or []
    if not wanted:
        return True, f"{len(selected)} selected"
    if not selected:
        return False, f"no {select['kind']} matches the selection"
    for root in selected:
        failed = next((item for item in wanted if not _holds(root, item)), None)
        if failed is None:
            return True, f"{_name(root)} meets every item"
    return False, f"no selected {select['kind']} meets every item (first: {_name(selected[0])})"


def _selected(root: Node, select: dict) -> bool:
    spend()
    if text(root.get("kind")) != str(select["kind"]):
        return False
    metadata = root.get("metadata")
    name = text(metadata.get("name")) if metadata is not None else None
    namespace = text(metadata.get("namespace")) if metadata is not None else None
    if "apiVersion" in select:
        api_version = text(root.get("apiVersion")) or ""
        wanted = str(select["apiVersion"])
        if api_version != wanted and api_version.split("/")[0] != wanted:
            return False
    if "name" in select and name != str(select["name"]):
        return False
    if "namespace" in select and namespace is not None and namespace != str(select["namespace"]):
        return False
    if "host" in select:
        spec = root.get("spec")
        hosts = [text(spec.get("host"))] + texts(spec.get("hosts")) if spec is not None else []
        wanted_ns = str(select.get("namespace", ""))
        if not any(
            host and same_service(host, str(select["host"]), namespace or "", wanted_ns)
            for host in hosts
        ):
            return False
    return True


def _name(root: Node) -> str:
    metadata = root.get("metadata")
    name = text(metadata.get("name")) if metadata is not None else None
    return f"{text(root.get('kind'))} {name or '(unnamed)'} (line {root.line})"


def _at(root: Node, path: list) -> object:
    """The value at `path` (keys, indexes and `{key: value}` list-item pickers) as plain data,
    or _MISSING."""
    node: Node | None = root
    for part in path:
        spend()
        if node is None:
            return _MISSING
        if isinstance(part, dict):
            node = _item_where(node, part)
        elif isinstance(part, int):
            entries = node.items()
            node = entries[part] if -len(entries) <= part < len(entries) and entries else None
        else:
            node = node.get(str(part))
    if node is None:
        return _MISSING
    return node.plain()


def _item_where(node: Node, picker: dict) -> Node | None:
    """The first map item of the list `node` whose keys hold the picker's values."""
    for entry in node.items() if node.is_seq else ():
        spend()
        if entry.is_map and all(
            (found := entry.get(str(key))) is not None and same_value(found.plain(), value)
            for key, value in picker.items()
        ):
            return entry
    return None


def _holds(root: Node, item: dict) -> bool:
    value = _at(root, item["path"])
    if "present" in item:
        return (value is not _MISSING and value is not None) == item["present"]
    if value is _MISSING:
        return False
    if "equals" in item:
        return same_value(value, item["equals"])
    if "one_of" in item:
        return any(same_value(value, option) for option in item["one_of"])
    bound = _amount(item.get("at_most", item.get("at_least")))
    amount = _amount(value)
    if bound is None or amount is None:
        return False
    return amount <= bound if "at_most" in item else amount >= bound


def _amount(value: object) -> float | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int | float):
        return float(value)
    if isinstance(value, str):
        duration = seconds(value.strip())
        if duration is not None:
            return duration
        try:
            return float(value)
        except ValueError:
            return None
    return None


def same_value(actual: object, wanted: object) -> bool:
    spend()
    if isinstance(actual, dict) and isinstance(wanted, dict):
        return actual.keys() == wanted.keys() and all(
            same_value(actual[key], wanted[key]) for key in actual
        )
    if isinstance(actual, list) and isinstance(wanted, list):
        return len(actual) == len(wanted) and all(
            same_value(a, w) for a, w in zip(actual, wanted, strict=True)
        )
    if isinstance(actual, dict | list) or isinstance(wanted, dict | list):
        return False
    if isinstance(actual, bool) or isinstance(wanted, bool):
        return actual is wanted  # `false` is not "false": a label value must be text
    if isinstance(actual, str) != isinstance(wanted, str):
        return False  # 1.31 (a number) is not "1.31" (text) to Kubernetes
    if actual == wanted:
        return True
    a, w = _amount(actual), _amount(wanted)
    if a is not None and w is not None:
        return a == w  # "30s" and "0.5m"; 5 and 5.0
    return str(actual) == str(wanted)
