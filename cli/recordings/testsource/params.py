"""The parameter ids a test has when its ``@pytest.mark.parametrize`` is all literals.

pytest names a parametrized test ``test[id]``: the value itself for strings, numbers, booleans and
None, ``pytest.param(..., id="x")``'s id, ``ids=[...]`` when given, several arguments joined by ``-``.
Only one literal ``parametrize`` decorator is read; anything else (stacked decorators, computed
values, ``ids=`` a function, parametrized fixtures, ``pytest_generate_tests`` in the module or a
conftest above it) makes the ids unknown: None, and no cassette is judged by its parameters.
"""

from __future__ import annotations

import ast
import functools
import os
from typing import Any

from recordings.pyast import dotted_name

FORBIDDEN = '<>?%*:|"\'/\\'  # pytest-recording replaces these by "-" in cassette names


def _id_of(value: ast.expr) -> str | None:
    if isinstance(value, ast.Constant) and isinstance(value.value, str):
        return value.value.encode("unicode_escape").decode("ascii") or None  # pytest escapes non-ASCII ids
    if isinstance(value, ast.Constant) and (value.value is None or isinstance(value.value, (int, float, bool))):
        return str(value.value)
    if isinstance(value, ast.UnaryOp) and isinstance(value.op, ast.USub) and isinstance(value.operand, ast.Constant):
        inner = _id_of(value.operand)
        return None if inner is None else "-" + inner
    return None


def _param_ids(call: ast.Call) -> list[str] | None:
    if len(call.args) < 2:
        return None
    names = call.args[0]
    multi = isinstance(names, ast.Constant) and isinstance(names.value, str) and "," in names.value or \
        isinstance(names, (ast.List, ast.Tuple))
    values = call.args[1]
    if not isinstance(values, (ast.List, ast.Tuple)):
        return None
    explicit = next((k.value for k in call.keywords if k.arg == "ids"), None)
    if explicit is not None:
        if not isinstance(explicit, (ast.List, ast.Tuple)):
            return None
        ids = [_id_of(e) for e in explicit.elts]
        return None if any(i is None for i in ids) or len(ids) != len(values.elts) else [str(i) for i in ids]
    out = []
    for v in values.elts:
        if isinstance(v, ast.Call) and dotted_name(v.func).endswith("param"):
            given = next((k.value for k in v.keywords if k.arg == "id"), None)
            if given is not None:
                pid = _id_of(given)
                if pid is None:
                    return None
                out.append(pid)
                continue
            parts = [_id_of(a) for a in v.args]
        elif multi and isinstance(v, (ast.Tuple, ast.List)):
            parts = [_id_of(e) for e in v.elts]
        else:
            parts = [_id_of(v)]
        if any(p is None for p in parts):
            return None
        out.append("-".join(str(p) for p in parts))
    return out if len(set(out)) == len(out) else None  # pytest suffixes duplicates by a rule that varies


def _generated(folder: str, root: str) -> bool:
    """Whether a conftest.py from ``folder`` up to ``root`` generates or parametrizes tests."""
    d = os.path.abspath(folder)
    root = os.path.abspath(root)
    while True:
        conftest = os.path.join(d, "conftest.py")
        try:
            with open(conftest, encoding="utf-8", errors="replace") as fh:
                text = fh.read()
            if "pytest_generate_tests" in text or "params=" in text:
                return True
        except OSError:
            pass
        if d == root or os.path.dirname(d) == d:
            return False
        d = os.path.dirname(d)


@functools.lru_cache(maxsize=256)
def module_ids(path: str, root: str) -> dict[str, list[str] | None]:
    """``[Class::]function`` → its literal parameter ids (None: unknown) for one test module."""
    try:
        with open(path, "rb") as fh:
            source = fh.read()
        tree = ast.parse(source)
    except (OSError, SyntaxError, ValueError):
        return {}
    unknown_everywhere = b"pytest_generate_tests" in source or b"params=" in source or \
        _generated(os.path.dirname(path), root)
    out: dict[str, list[str] | None] = {}

    def visit(body: list[ast.stmt], prefix: str) -> None:
        for node in body:
            if isinstance(node, ast.ClassDef):
                visit(node.body, f"{prefix}{node.name}::")
            elif isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
                marks = [d for d in node.decorator_list if isinstance(d, ast.Call)
                         and dotted_name(d.func).endswith("parametrize")]
                if not marks:
                    continue
                ids = None if unknown_everywhere or len(marks) != 1 else _param_ids(marks[0])
                out[prefix + node.name] = ids

    visit(tree.body, "")
    return out


def sanitized(param_id: str) -> str:
    return "".join("-" if c in FORBIDDEN else c for c in param_id)


def parameter_verdict(test: Any, root: str) -> tuple[bool, str] | None:
    """(alive, reason) judged from literal parameters, or None when the literal ids are unknown."""
    if test.params is None:
        return None
    ids = module_ids(os.path.join(root, test.file), os.path.abspath(root)).get(
        "::".join((*test.classes, test.function)))
    if ids is None:
        return None
    if test.params in ids or test.params in {sanitized(i) for i in ids}:
        return True, ""
    return False, f"parameter [{test.params}] is not among the literal parametrize values"


def parametrize_ids(fn: ast.FunctionDef | ast.AsyncFunctionDef, unknown: bool = False) -> list[str] | None:
    """The ids of a test function's literal ``parametrize``: ``[]`` when it is not parametrized, None when its
    ids cannot be read (``unknown``: something else in the module or a conftest may parametrize it)."""
    marks = [d for d in fn.decorator_list if isinstance(d, ast.Call) and dotted_name(d.func).endswith("parametrize")]
    if unknown:
        return None
    if not marks:
        return []
    return _param_ids(marks[0]) if len(marks) == 1 else None


def generated(path: str, source: bytes, root: str) -> bool:
    """Whether tests of the module at ``path`` may get parameters the module does not show:
    ``pytest_generate_tests`` or parametrized fixtures (``params=``) in it or in a conftest.py above it."""
    return b"pytest_generate_tests" in source or b"params=" in source or _generated(os.path.dirname(path), root)
