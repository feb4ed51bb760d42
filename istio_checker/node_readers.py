"""Readers of YAML nodes that tolerate any shape (a list where a map was meant, a missing
key), and a Problem placed at a node: shared by the rule checks and the routing trace."""

from __future__ import annotations

from .problems import Problem
from .yamlsource import Node


def items(node: Node | None) -> list[Node]:
    return node.items() if node is not None and node.is_seq else []


def texts(node: Node | None) -> list[str]:
    return [item.text() for item in items(node) if item.text() is not None]


def text(node: Node | None) -> str | None:
    return node.text() if node is not None else None


def problem_at(severity, code, path, node: Node, message, hint="") -> Problem:
    return Problem(severity, code, path, node.line, node.column, message, hint)
