"""Which test a cassette belongs to, by pytest-recording's rules (and plain vcrpy's).

* Default: ``<module folder>/cassettes/<module>/[Class.]test[params].yaml`` belongs to
  ``<module>.py::[Class::]test[params]`` (characters pytest-recording replaced by ``-`` stay ``-``).
* ``vcr_cassette_dir`` and ``default_cassette_name`` fixtures that return a static value (in the
  test module or a ``conftest.py``): a cassette in that folder belongs to the test of its name in the
  modules the fixture covers.
* Named explicitly, read statically from the test module with :mod:`ast`: ``@pytest.mark.vcr("x.yaml")``
  on a test or its class, a module's ``pytestmark = pytest.mark.vcr("x.yaml")``, and plain vcrpy's
  ``use_cassette("path/x.yaml")`` (as a decorator or a ``with``) inside a test. An explicit name wins.
"""

from __future__ import annotations

import ast
import functools
import os

from recordings.pyast import dotted_name, parse_module


def _literal_names(call: ast.AST) -> list[str]:
    if not isinstance(call, ast.Call):
        return []
    return [a.value for a in call.args if isinstance(a, ast.Constant) and isinstance(a.value, str)]


def _vcr_names(decorators: list[ast.expr]) -> list[str]:
    names = []
    for dec in decorators:
        attr = dotted_name(dec)  # a call's name, or the bare decorator's
        if attr.endswith("mark.vcr") or attr.endswith("use_cassette"):
            names += _literal_names(dec)
    return names


def _uses_in_body(fn: ast.AST) -> list[str]:
    """``use_cassette("x.yaml")`` calls inside a function (``with`` blocks and nested calls)."""
    names = []
    for node in ast.walk(fn):
        if isinstance(node, ast.Call) and dotted_name(node.func).endswith("use_cassette"):
            names += _literal_names(node)
    return names


@functools.lru_cache(maxsize=256)
def explicit_names(module_path: str) -> dict[str, str]:
    """cassette file name (no folder, no suffix) → the test id that names it, from one test module."""
    tree = parse_module(module_path)
    if tree is None:
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


def _static_path(node: ast.AST, module_path: str) -> str | None:
    """A folder a fixture returns, when it is static: a string literal (from the project root),
    ``os.path.join(...)`` of literals and ``os.path.dirname(__file__)``, or ``Path(__file__).parent / "x"``."""
    here = os.path.dirname(os.path.abspath(module_path))
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return node.value
    if isinstance(node, ast.Call) and dotted_name(node.func) == "str" and node.args:
        return _static_path(node.args[0], module_path)
    if isinstance(node, ast.Call) and dotted_name(node.func) in ("os.path.dirname", "os.path.abspath") and node.args:
        inner = node.args[0]
        if isinstance(inner, ast.Name) and inner.id == "__file__":
            return here
        return _static_path(inner, module_path)
    if isinstance(node, ast.Attribute) and node.attr == "parent":
        value = node.value
        if isinstance(value, ast.Call) and dotted_name(value.func) in ("Path", "pathlib.Path") and value.args and \
                isinstance(value.args[0], ast.Name) and value.args[0].id == "__file__":
            return here
    if isinstance(node, ast.Call) and dotted_name(node.func) == "os.path.join":
        parts = [_static_path(a, module_path) for a in node.args]
        return None if any(p is None for p in parts) else os.path.join(*parts)  # type: ignore[arg-type]
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Div):
        left, right = _static_path(node.left, module_path), _static_path(node.right, module_path)
        return None if left is None or right is None else os.path.join(left, right)
    return None


@functools.lru_cache(maxsize=256)
def fixture_overrides(module_path: str) -> tuple[str | None, str | None]:
    """(the folder ``vcr_cassette_dir`` returns, the name ``default_cassette_name`` returns) when a module
    or conftest.py defines them statically (one ``return`` of a static value), else None for each."""
    tree = parse_module(module_path)
    if tree is None:
        return None, None
    found: dict[str, str | None] = {}
    for node in tree.body:
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)) and \
                node.name in ("vcr_cassette_dir", "default_cassette_name"):
            returns = [n.value for n in ast.walk(node) if isinstance(n, ast.Return) and n.value is not None]
            found[node.name] = _static_path(returns[0], module_path) if len(returns) == 1 else None
    return found.get("vcr_cassette_dir"), found.get("default_cassette_name")


def _test_in(module_path: str, name: str) -> str | None:
    """``[Class::]test[params]`` when the module defines the test a cassette name points to."""
    head, bracket, params = name.partition("[")
    parts = head.split(".")
    tree = parse_module(module_path)
    if tree is None:
        return None
    scope: list[ast.stmt] = tree.body
    for cls in parts[:-1]:
        found = next((n for n in scope if isinstance(n, ast.ClassDef) and n.name == cls), None)
        if found is None:
            return None
        scope = found.body
    if any(isinstance(n, (ast.FunctionDef, ast.AsyncFunctionDef)) and n.name == parts[-1] for n in scope):
        return f"{'::'.join(parts)}{bracket}{params}"
    return None


def _by_override(path: str, project_root: str) -> str | None:
    """A cassette in a folder some ``vcr_cassette_dir`` fixture returns: the test of that name in the
    modules the fixture covers (its own module, or every test module beside and below its conftest.py)."""
    from recordings.names import stem

    folder = os.path.dirname(os.path.abspath(path))
    name = stem(path)
    d = os.path.dirname(folder)
    while True:
        for module in _candidate_modules(d):
            cassette_dir, default_name = fixture_overrides(module)
            if cassette_dir is None:
                continue
            resolved = cassette_dir if os.path.isabs(cassette_dir) else os.path.join(project_root, cassette_dir)
            if os.path.normpath(resolved) != os.path.normpath(folder):
                continue
            scope = [module] if os.path.basename(module) != "conftest.py" else _test_modules(d)
            for test_module in scope:
                if default_name is not None and default_name == name:
                    test = _first_test(test_module)
                else:
                    test = explicit_names(test_module).get(name) or _test_in(test_module, name)
                if test:
                    rel = os.path.relpath(test_module, project_root).replace(os.sep, "/")
                    return f"{rel}::{test}"
        if os.path.normpath(d) == os.path.normpath(project_root) or os.path.dirname(d) == d:
            return None
        d = os.path.dirname(d)


_MODULES: dict[str, tuple[tuple[int, int], list[str]]] = {}


def _candidate_modules(d: str) -> list[str]:
    """The test modules and conftest.py of a folder, listed once per folder while the folder is
    unchanged (its mtime moves when an entry is added, removed or renamed)."""
    try:
        st = os.stat(d)
    except OSError:
        return []
    stamp = (st.st_mtime_ns, st.st_ino)
    hit = _MODULES.get(d)
    if hit is not None and hit[0] == stamp:
        return hit[1]
    modules = sorted(os.path.join(d, f) for f in _listdir(d)
                     if f.endswith(".py") and (f == "conftest.py" or f.startswith("test")))
    if len(_MODULES) > 4096:
        _MODULES.clear()
    _MODULES[d] = (stamp, modules)
    return modules


def _listdir(d: str) -> list[str]:
    try:
        return os.listdir(d)
    except OSError:
        return []


def _test_modules(folder: str) -> list[str]:
    out = []
    for dirpath, dirnames, filenames in os.walk(folder):
        dirnames[:] = [x for x in dirnames if not x.startswith(".") and x not in ("cassettes", "__pycache__")]
        out += [os.path.join(dirpath, f) for f in sorted(filenames) if f.startswith("test") and f.endswith(".py")]
    return sorted(out)


def _first_test(module_path: str) -> str | None:
    tree = parse_module(module_path)
    if tree is None:
        return None
    return next((n.name for n in tree.body if isinstance(n, (ast.FunctionDef, ast.AsyncFunctionDef))
                 and n.name.startswith("test")), None)


def test_id_of(path: str, project_root: str) -> str | None:
    """The pytest node id of the test that records into this cassette, or None when it cannot be told."""
    from recordings.names import stem

    overridden = _by_override(path, project_root)
    if overridden:
        return overridden
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
