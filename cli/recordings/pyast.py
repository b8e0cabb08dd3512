"""Reading test modules statically: small helpers over :mod:`ast` that several readers share."""

from __future__ import annotations

import ast


def dotted_name(node: ast.AST) -> str:
    """``pytest.mark.vcr`` for the expression ``pytest.mark.vcr`` (a call: the name it calls); ``""``
    for anything that is not a plain dotted name."""
    if isinstance(node, ast.Call):
        node = node.func
    parts = []
    while isinstance(node, ast.Attribute):
        parts.append(node.attr)
        node = node.value
    if isinstance(node, ast.Name):
        parts.append(node.id)
    return ".".join(reversed(parts))


def parse_module(path: str) -> ast.Module | None:
    """A Python file's tree, or None when it cannot be read or does not parse."""
    try:
        with open(path, "rb") as fh:
            return ast.parse(fh.read())
    except (OSError, SyntaxError, ValueError):
        return None
