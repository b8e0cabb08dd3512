"""What a test module defines, read with :mod:`ast` (never imported): its test functions and classes,
nested classes and inherited tests, and every reason it may make test names at run time that the
source does not show (names assigned or imported, ``globals()``, ``setattr``, ``exec``, metaclasses,
class decorators, base classes from elsewhere). A reader that cannot see a name says why.
"""

from __future__ import annotations

import ast
import re
from dataclasses import dataclass
from typing import Any

from recordings.pyast import dotted_name


@dataclass
class Scope:
    """Names defined in a module or a class body."""

    functions: set[str]
    classes: dict[str, "Scope"]
    dynamic: list[str]  # reasons this scope may hold names we cannot see
    bases: list[str]  # class bases (for classes)


_decorator_name = dotted_name


_NAMESPACE_CALLS = ("globals", "locals", "vars")


def scan_class(node: ast.ClassDef, scope: Scope) -> Scope:
    inner = Scope(set(), {}, [], [_decorator_name(b) for b in node.bases])
    scan_body(node.body, inner)
    for kw in node.keywords:
        if kw.arg == "metaclass":
            inner.dynamic.append(f"class {node.name} has a metaclass ({_decorator_name(kw.value) or '?'}), "
                                 "which may add tests")
    for dec in node.decorator_list:
        name = _decorator_name(dec)
        if name and not name.startswith(("pytest.mark", "mark.", "dataclass")):
            inner.dynamic.append(f"class {node.name} has decorator @{name}, which may add tests")
    for base in inner.bases:
        if base in ("object", ""):
            continue
        local = scope.classes.get(base)
        if local is not None:  # a base class from this module: its tests are inherited
            inner.functions |= local.functions
            for name, cls in local.classes.items():
                inner.classes.setdefault(name, cls)
            inner.dynamic.extend(local.dynamic)
        else:
            inner.dynamic.append(f"class {node.name} inherits from {base}, whose tests are not read")
    return inner


def scan_body(body: list[ast.stmt], scope: Scope) -> None:
    """Collect the functions and classes a module or class body defines, and why it may hold more."""
    for node in body:
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            scope.functions.add(node.name)
        elif isinstance(node, ast.ClassDef):
            scope.classes[node.name] = scan_class(node, scope)
        elif isinstance(node, (ast.Assign, ast.AnnAssign, ast.AugAssign)):
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            for t in targets:
                if isinstance(t, ast.Subscript) and _decorator_name(t.value) in _NAMESPACE_CALLS:
                    scope.dynamic.append("names are assigned through globals()")
                if isinstance(t, ast.Attribute) and isinstance(t.value, ast.Name):
                    owner = scope.classes.get(t.value.id)
                    if owner is not None and t.attr.startswith("test"):
                        owner.functions.add(t.attr)  # TestC.test_x = ... after the class
                        owner.dynamic.append(f"{t.value.id}.{t.attr} is assigned after the class")
                for name in _target_names(t):
                    if name.startswith(("test", "Test")):
                        scope.dynamic.append(f"{name} is assigned, not defined")
                        scope.functions.add(name)
        elif isinstance(node, (ast.Import, ast.ImportFrom)):
            for alias in node.names:
                name = alias.asname or alias.name.split(".")[0]
                if alias.name == "*":
                    scope.dynamic.append(f"'from {getattr(node, 'module', '')} import *' may bring tests in")
                elif name.startswith(("test", "Test")):
                    scope.dynamic.append(f"{name} is imported")
                    scope.functions.add(name)
        elif isinstance(node, (ast.If, ast.Try, ast.With, ast.For, ast.While)):
            # definitions under control flow still count; their existence may vary
            for sub in ("body", "orelse", "finalbody"):
                scan_body(getattr(node, sub, []) or [], scope)
            for handler in getattr(node, "handlers", []) or []:
                scan_body(handler.body, scope)
        elif isinstance(node, ast.Expr) and isinstance(node.value, ast.Call):
            name = _decorator_name(node.value)
            if name.endswith(("setattr", "exec")) or name in _NAMESPACE_CALLS:
                scope.dynamic.append(f"module calls {name}(), which may define tests")


# a module whose source matches none of these cannot make test names at run time: its tree is not walked
# (the builtins called by their own name, not as a method: monkeypatch.setattr(...) is not one)
DYNAMIC = re.compile(rb"(?<![.\w])(?:globals|vars|locals|setattr|exec|type)\s*\("
                      rb"|\bTest\w*\s*\.\s*test\w*\s*[:=]")

def dynamic_anywhere(tree: ast.AST, source: bytes | None = None) -> list[str]:
    """Reasons a module may make test names at run time, found anywhere in it (helpers included). With the
    module's ``source``, a module that matches no :data:`DYNAMIC` token is decided without a walk.

    ``globals()``/``vars()``/``locals()`` written to or handed to other code (a read such as
    ``globals()["x"]`` or ``globals().get("x")`` makes nothing), the builtin ``setattr`` with a
    computed or test-like name (a method such as ``monkeypatch.setattr`` patches at run time, after
    collection), ``exec``, three-argument ``type(...)`` and attribute assignments of ``test…`` names on
    a class.
    """
    if source is not None and not DYNAMIC.search(source):
        return []
    reasons: list[str] = []
    parents: dict[ast.AST, ast.AST] = {}
    stack: list[ast.AST] = [tree]
    while stack:  # one walk in source order; a node's parent is known before the node is read
        node = stack.pop()
        children = list(ast.iter_child_nodes(node))
        for child in children:
            parents[child] = node
        stack.extend(reversed(children))
        if isinstance(node, ast.Call):
            name = _decorator_name(node.func)
            if name in _NAMESPACE_CALLS and isinstance(node.func, ast.Name):
                parent = parents.get(node)
                if isinstance(parent, ast.Subscript) and isinstance(parent.ctx, ast.Load):
                    continue  # globals()["x"]: a read
                if isinstance(parent, ast.Attribute):
                    if parent.attr in ("update", "setdefault", "__setitem__"):
                        reasons.append(f"module calls {name}().{parent.attr}(), which may define tests")
                    continue  # globals().get(...), .keys(), .items(): reads
                if isinstance(parent, ast.Subscript):
                    reasons.append(f"module uses {name}(), which may define tests")  # globals()[x] = ...
                    continue
                reasons.append(f"module hands {name}() to other code, which may define tests")
            elif isinstance(node.func, ast.Name) and name == "setattr":
                target = node.args[1] if len(node.args) >= 2 else None
                literal = isinstance(target, ast.Constant) and isinstance(target.value, str)
                if not literal or str(target.value).lower().startswith("test"):  # type: ignore[union-attr]
                    reasons.append("module calls setattr(), which may define tests")
            elif isinstance(node.func, ast.Name) and name == "exec":
                reasons.append("module calls exec(), which may define tests")
            elif name == "type" and len(node.args) == 3:
                reasons.append("module builds classes with type(), which may define tests")
        elif isinstance(node, (ast.Assign, ast.AnnAssign)):
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            for t in targets:
                # TestC.test_x = f adds a test to a class; obj.test_attr = 1 on an instance makes none
                if (isinstance(t, ast.Attribute) and t.attr.startswith("test") and isinstance(t.value, ast.Name)
                        and t.value.id.startswith("Test")):
                    reasons.append(f"{_decorator_name(t)} is assigned, which may define a test")
    unique: dict[str, None] = dict.fromkeys(reasons)
    return list(unique)


def _target_names(node: ast.expr) -> list[str]:
    if isinstance(node, ast.Name):
        return [node.id]
    if isinstance(node, (ast.Tuple, ast.List)):
        out = []
        for elt in node.elts:
            out.extend(_target_names(elt))
        return out
    return []


def scope_to_json(scope: Scope) -> dict:
    return {"f": sorted(scope.functions), "c": {k: scope_to_json(v) for k, v in scope.classes.items()},
            "d": scope.dynamic, "b": scope.bases}


def scope_from_json(data: dict) -> Scope:
    return Scope(set(data["f"]), {k: scope_from_json(v) for k, v in data["c"].items()}, list(data["d"]),
                  list(data["b"]))


_DEF = re.compile(rb"^([ \t]*)(?:async[ \t]+)?(def|class)[ \t]+([A-Za-z_]\w*)", re.M)


def test_names(source: bytes, config: Any) -> list[tuple[tuple[str, ...], str]]:
    """(classes, function) of every test a module's text defines, read by indentation (not parsed): cheap,
    and trusted only to keep files (a ``def`` inside a string counts too)."""
    out: list[tuple[tuple[str, ...], str]] = []
    stack: list[tuple[int, str]] = []  # (indentation, class name)
    for m in _DEF.finditer(source):
        indent = len(m.group(1).expandtabs(8))
        kind, name = m.group(2), m.group(3).decode()
        while stack and stack[-1][0] >= indent:
            stack.pop()
        if kind == b"class":
            stack.append((indent, name))
            continue
        classes = tuple(c for _, c in stack)
        if indent and not stack:
            continue  # a function inside a function: not a test
        if all(config.collects_class(c) for c in classes) and config.collects_function(name):
            out.append((classes, name))
    return out


def defines_tests(path: str, config: Any) -> bool:
    """Whether a Python file defines at least one test pytest would collect (see :func:`test_names`)."""
    try:
        with open(path, "rb") as fh:
            return bool(test_names(fh.read(), config))
    except OSError:
        return False
