"""Walk one resource's YAML tree against its schema: unknown fields, wrong types, bad enums,
missing required fields, durations that are not durations, deprecated fields.

Schema findings carry IST0106 (istioctl's SchemaValidationError); deprecations carry ML0020.

The walk spends a step of the check's work budget per value. Paths are built already clipped to
what a problem shows (problems.clip): under a 100 KB key, each of a thousand problems would
otherwise carry its own 100 KB copy of it. The last part of a path, which messages name ("port
must be..."), is kept beside it, since the clipped path may have lost it.
"""

from __future__ import annotations

from . import problems as codes
from .budget import spend, spend_text
from .field_types import Anything, FieldType, ListOf, MapOf, Obj, PortKey, Text
from .node_readers import problem_at
from .problems import MAX_MESSAGE, MAX_PATH, Problem, clip
from .releases import field_problem
from .scalar_checks import Where, check_scalar, error, wrong_type
from .type_wording import list_hint, map_hint
from .unknown_fields import unknown_field
from .yamlsource import Node


def check_tree(node: Node, field_type: FieldType, path: str, out: list[Problem]) -> None:
    """Append the problems of `node` against `field_type`; `path` names `node` in messages."""
    _check(node, field_type, Where(clip(path, MAX_PATH), clip(_last(path), MAX_MESSAGE)), out)


def _check(node: Node, field_type: FieldType, where: Where, out: list[Problem]) -> None:
    spend()
    if node.is_scalar and node.value is None and not isinstance(field_type, Anything):
        return  # `field:` with nothing after it: Kubernetes treats null as unset
    if isinstance(field_type, Obj):
        _check_object(node, field_type, where, out)
    elif isinstance(field_type, ListOf):
        if not node.is_seq:
            out.append(wrong_type(node, where, "a list", list_hint(node)))
            return
        items = node.items()
        _check_count(node, len(items), field_type.min_items, field_type.max_items, where, out)
        seen: set = set()
        for index, item in enumerate(items):
            _check(item, field_type.item, where.index(index), out)
            if field_type.unique and item.is_scalar:
                spend_text(item.raw)
                if item.value in seen:
                    out.append(error(item, where.index(index), f"`{item.raw}` is listed twice."))
                seen.add(item.value)
    elif isinstance(field_type, MapOf):
        if not node.is_map:
            out.append(wrong_type(node, where, "a map of names to values", map_hint(node)))
            return
        entries = list(node.entries())
        if len(entries) < field_type.min_entries:
            out.append(error(node, where, f"{where.last} may not be an empty map."))
        for key, key_node, value in entries:
            child = where.key(key, where.message)
            if field_type.key is not None:
                _check_key(key, key_node, field_type.key, child, out)
            _check(value, field_type.value, child, out)
    elif not isinstance(field_type, Anything):
        check_scalar(node, field_type, where, out)


def _check_count(node, count, low, high, where: Where, out: list[Problem]) -> None:
    if count < low:
        wanted = "at least one entry" if low == 1 else f"at least {low} entries"
        out.append(error(node, where, f"{where.last} needs {wanted}."))
    elif high is not None and count > high:
        out.append(
            error(node, where, f"{where.last} may have at most {high} entries; it has {count}.")
        )


def _check_key(key: str, key_node: Node, wanted: Text | PortKey, where: Where, out) -> None:
    """A map key the CRD constrains: a port number (portLevelMtls) or a name of a pattern."""
    spend_text(key)
    if isinstance(wanted, PortKey):
        if not (key.isdigit() and len(key) <= 5 and 1 <= int(key) <= 65535):
            out.append(error(key_node, where, f"`{key}` is not a port number (1 to 65535)."))
        return
    scalar = Node("scalar", key_node.line, key_node.column, key, key)
    check_scalar(scalar, wanted, Where(where.path, "key", where.message), out)


def _check_object(node: Node, schema: Obj, where: Where, out: list[Problem]) -> None:
    if not node.is_map:
        out.append(wrong_type(node, where, f"a map of {schema.name} fields", map_hint(node)))
        return
    spend(len(schema.fields) // 8)  # the required fields and one-of groups looked up below
    _check_fields(node, schema, where, out)
    _check_required(node, schema, where, out)
    _check_one_of(node, schema, where.path, out)


def _check_fields(node: Node, schema: Obj, where: Where, out: list[Problem]) -> None:
    """Each field written: known, not deprecated, and of its type."""
    for key, key_node, value in node.entries():
        child = where.key(key, schema.name)
        child_path = child.path
        field = schema.fields.get(key)
        if field is None:
            out.append(unknown_field(key, key_node, value, schema, child_path))
            continue
        late = field_problem(schema.name, key, child_path, key_node.line, key_node.column)
        if late is not None:
            out.append(late)
        if field.alias_of:
            out.append(
                Problem(
                    "info",
                    codes.SNAKE_CASE_ALIAS,
                    child_path,
                    key_node.line,
                    key_node.column,
                    f"`{key}` is the old snake_case spelling of `{field.alias_of}`; Istio still "
                    "accepts it.",
                    f"Prefer `{field.alias_of}`, as Istio's reference writes it ({schema.doc}).",
                )
            )
        if field.deprecated:
            out.append(
                Problem(
                    "warning",
                    codes.DEPRECATED_FIELD,
                    child_path,
                    key_node.line,
                    key_node.column,
                    f"`{key}` is deprecated.",
                    f"{field.deprecated} ({schema.doc})",
                )
            )
        _check(value, field.type, child, out)


def _check_required(node: Node, schema: Obj, where: Where, out: list[Problem]) -> None:
    for key, field in schema.fields.items():
        present = node.get(key)
        if field.required and (present is None or (present.is_scalar and present.value is None)):
            out.append(
                problem_at(
                    "error",
                    codes.SCHEMA_VALIDATION_ERROR,
                    where.key(key).path,
                    node,
                    f"{schema.name} needs `{key}`, and it is missing here.",
                    f"See {schema.doc}",
                )
            )


def _check_one_of(node: Node, schema: Obj, path: str, out: list[Problem]) -> None:
    """Groups of fields of which at most one, or exactly one, may be set."""
    for group in schema.at_most_one + schema.exactly_one:
        present = [key for key in group if node.get(key) is not None]
        if len(present) > 1:
            out.append(
                problem_at(
                    "error",
                    codes.SCHEMA_VALIDATION_ERROR,
                    path,
                    node,
                    f"Only one of {_or(group)} may be set here; found {_and(present)}.",
                    f"See {schema.doc}",
                )
            )
    for group in schema.exactly_one:
        if not any(node.get(key) is not None for key in group):
            out.append(
                problem_at(
                    "error",
                    codes.SCHEMA_VALIDATION_ERROR,
                    path,
                    node,
                    f"{schema.name} needs one of {_or(group)}.",
                    f"See {schema.doc}",
                )
            )


def _last(path: str) -> str:
    return path.rsplit(".", 1)[-1] if path else ""


def _or(keys) -> str:
    names = [f"`{key}`" for key in keys]
    return ", ".join(names[:-1]) + " or " + names[-1] if len(names) > 1 else names[0]


def _and(keys) -> str:
    names = [f"`{key}`" for key in keys]
    return ", ".join(names[:-1]) + " and " + names[-1] if len(names) > 1 else names[0]
