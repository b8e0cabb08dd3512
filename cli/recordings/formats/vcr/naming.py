"""Which test a cassette belongs to, by pytest-recording's rules (and plain vcrpy's).

* Default: ``<module folder>/cassettes/<module>/[Class.]test[params].yaml`` belongs to
  ``<module>.py::[Class::]test[params]`` (characters pytest-recording replaced by ``-`` stay ``-``).
* Named explicitly, read statically from the test module with :mod:`ast`: ``@pytest.mark.vcr("x.yaml")``
  on a test or its class, a module's ``pytestmark = pytest.mark.vcr("x.yaml")``, and plain vcrpy's
  ``use_cassette("path/x.yaml")`` (as a decorator or a ``with``) inside a test. An explicit name wins.
"""

from __future__ import annotations

import ast
import functools
import os


def _literal_names(call: ast.AST) -> list[str]:
    if not isinstance(call, ast.Call):
        return []
    return [a.value for a in call.args if isinstance(a, ast.Constant) and isinstance(a.value, str)]


def _attr(node: ast.AST) -> str:
    parts = []
    while isinstance(node, ast.Attribute):
        parts.append(node.attr)
        node = node.value
    if isinstance(node, ast.Name):
        parts.append(node.id)
    return ".".join(reversed(parts))


def _vcr_names(decorators: list[ast.expr]) -> list[str]:
    names = []
    for dec in decorators:
        target = dec.func if isinstance(dec, ast.Call) else dec
        attr = _attr(target)
        if attr.endswith("mark.vcr") or attr.endswith("use_cassette"):
            names += _literal_names(dec)
    return names


def _uses_in_body(fn: ast.AST) -> list[str]:
    """``use_cassette("x.yaml")`` calls inside a function (``with`` blocks and nested calls)."""
    names = []
    for node in ast.walk(fn):
        if isinstance(node, ast.Call) and _attr(node.func).endswith("use_cassette"):
            names += _literal_names(node)
    return names


@functools.lru_cache(maxsize=256)
def explicit_names(module_path: str) -> dict[str, str]:
    """cassette file name (no folder, no suffix) → the test id that names it, from one test module."""
    try:
        with open(module_path, "rb") as fh:
            tree = ast.parse(fh.read())
    except (OSError, SyntaxError, ValueError):
        return {}
    from recordings.names import stem

    module_marks = []
    for node in tree.body:
        if isinstance(node, ast.Assign) and any(isinstance(t, ast.Name) and t.id == "pytestmark" for t in node.targets):
            values = node.value.elts if isinstance(node.value, (ast.List, ast.Tuple)) else [node.value]
            module_marks += _vcr_names(values)
    found: dict[str, str] = {}

    def visit(body: list[ast.stmt], classes: list[str], inherited: list[str]) -> None:
        for node in body:
            if isinstance(node, ast.ClassDef):
                visit(node.body, [*classes, node.name], inherited + _vcr_names(node.decorator_list))
            elif isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)) and node.name.startswith("test"):
                test = "::".join([*classes, node.name])
                for name in inherited + _vcr_names(node.decorator_list) + _uses_in_body(node):
                    found.setdefault(stem(name), test)

    visit(tree.body, [], module_marks)
    return found


def test_id_of(path: str, project_root: str) -> str | None:
    """The pytest node id of the test that records into this cassette, or None when it cannot be told."""
    from recordings.names import stem

    folder = os.path.dirname(os.path.abspath(path))
    module = os.path.basename(folder)
    cassettes = os.path.dirname(folder)
    if os.path.basename(cassettes) != "cassettes":
        return None
    test_file = os.path.join(os.path.dirname(cassettes), module + ".py")
    rel = os.path.relpath(test_file, project_root).replace(os.sep, "/")
    name = stem(path)
    named = explicit_names(test_file).get(name)
    if named:
        return f"{rel}::{named}"
    head, bracket, params = name.partition("[")
    return f"{rel}::{'::'.join(head.split('.'))}{bracket}{params}"
