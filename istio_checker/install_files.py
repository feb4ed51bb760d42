"""Install files (IstioOperator) in the lab: istioctl reads them, istiod never serves them."""

from __future__ import annotations

from . import problems as codes
from .field_types import KindSchema
from .problems import Problem
from .structure import check_tree
from .yamlsource import Node


def check_install_kind(root: Node, schema: KindSchema, out: list[Problem]) -> None:
    """An install file (IstioOperator): istioctl reads it, istiod never serves it, so it is
    noted, not refused, and its `spec` is checked against the top-level fields only
    (install_schema.py)."""
    kind_node = root.get("kind")
    version = _text(root.get("apiVersion")).rpartition("/")[2]
    if version not in schema.versions:
        version_node = root.get("apiVersion")
        served = ", ".join(f"{schema.group}/{v}" for v in schema.versions)
        out.append(
            Problem(
                "error",
                codes.UNKNOWN_API_VERSION,
                "apiVersion",
                version_node.line,
                version_node.column,
                f"istioctl does not read {schema.kind} as `{_text(version_node)}`.",
                f"Write `apiVersion: {served}`.",
            )
        )
    out.append(
        Problem(
            "info",
            codes.UNKNOWN_KIND,
            "kind",
            kind_node.line,
            kind_node.column,
            f"{schema.kind} is an install file for `istioctl install -f`, not a resource "
            "istiod serves; the lab checks its top-level spec fields only.",
        )
    )
    spec = root.get("spec")
    if spec is not None and not (spec.is_scalar and spec.value is None):
        check_tree(spec, schema.spec, "spec", out)


def _text(node: Node | None) -> str | None:
    return node.text() if node is not None else None
