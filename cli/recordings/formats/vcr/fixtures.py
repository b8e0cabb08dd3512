"""Evaluating the fixtures that name cassettes, exactly or not at all.

A project changes where its cassettes go with fixtures (``vcr_cassette_dir``, ``vcr_cassette_name``,
``default_cassette_name``, ``vcr_config``). Their bodies are read with :mod:`ast` and evaluated
only when every step is known: string literals and f-strings, ``__file__``, the test's module path
and name (``request.fspath``, ``request.path``, ``request.node.fspath``, ``request.module.__file__``,
``request.module.__name__``), the test's name (``request.node.name``, ``request.function.__name__``,
``request.cls.__name__``), ``os.path`` functions, ``pathlib.Path`` arithmetic and straight-line
assignments to local names. Anything else (a branch, a loop, a call to other code, an environment
variable) raises :class:`Unknown` with the line that stops it: the fixture's value is unknown.
"""

from __future__ import annotations

import ast
import os
from dataclasses import dataclass
from typing import Any

from recordings.pyast import dotted_name


class Unknown(Exception):
    """A fixture whose value cannot be computed exactly: why, and where (``file:line``)."""

    def __init__(self, reason: str, where: str) -> None:
        super().__init__(f"{reason} ({where})")
        self.reason = reason
        self.where = where


@dataclass(frozen=True)
class TestContext:
    """What a fixture may read about the test it serves (module-scoped fixtures: the module only)."""

    __test__ = False

    module_path: str  # absolute path of the test module
    module_name: str  # its __name__ as pytest imports it
    node_name: str | None = None  # test[params]
    function: str | None = None
    cls: str | None = None  # the innermost class


class PathValue(str):
    """A ``pathlib.Path`` or py.path value: a string that knows path attributes."""


_PATH_CALLS = ("Path", "pathlib.Path", "PurePath", "pathlib.PurePath", "py.path.local")
_JOIN = ("os.path.join", "posixpath.join", "path.join")
_DIRNAME = ("os.path.dirname", "path.dirname")
_SAME = ("os.path.abspath", "os.path.realpath", "os.path.normpath", "os.fspath", "str", "path.abspath",
         "path.realpath")
_HARMLESS_CALLS = ("os.makedirs", "os.mkdir", "makedirs")  # side effects only: the value does not change
_REQUEST_MODULE = ("fspath", "path")


def _resolve(name: str, imports: dict[str, str]) -> str:
    """A dotted name with the module's import aliases resolved (``join`` from os.path → os.path.join)."""
    head, _, rest = name.partition(".")
    full = imports.get(head)
    if full is None:
        return name
    return f"{full}.{rest}" if rest else full


def module_imports(tree: ast.Module) -> dict[str, str]:
    """alias → the dotted name it stands for, from a module's top-level imports."""
    out: dict[str, str] = {}
    for node in tree.body:
        if isinstance(node, ast.Import):
            for a in node.names:
                out[a.asname or a.name.split(".")[0]] = a.name if a.asname else a.name.split(".")[0]
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            for a in node.names:
                out[a.asname or a.name] = f"{node.module}.{a.name}"
    # "from os import path" gives path → os.path; "import os.path" gives os → os
    return out


class Evaluator:
    """Evaluates one fixture function for a :class:`TestContext`."""

    def __init__(self, fn: ast.FunctionDef | ast.AsyncFunctionDef, file: str, imports: dict[str, str],
                 known: dict[str, Any] | None = None) -> None:
        self.fn, self.file, self.imports = fn, file, imports
        self.known = known or {}  # other fixtures' values this one may take as parameters

    def where(self, node: ast.AST) -> str:
        return f"{self.file}:{getattr(node, 'lineno', self.fn.lineno)}"

    def unknown(self, node: ast.AST, reason: str) -> Unknown:
        return Unknown(reason, self.where(node))

    def value(self, ctx: TestContext) -> Any:
        env: dict[str, Any] = {}
        params = [a.arg for a in (*self.fn.args.posonlyargs, *self.fn.args.args, *self.fn.args.kwonlyargs)]
        for p in params:
            if p == "request":
                env[p] = _REQUEST
            elif p in self.known:
                env[p] = self.known[p]
            else:
                env[p] = _Opaque(p)
        body = self.fn.body
        for i, stmt in enumerate(body):
            if i == 0 and isinstance(stmt, ast.Expr) and isinstance(stmt.value, ast.Constant) and \
                    isinstance(stmt.value.value, str):
                continue  # docstring
            if isinstance(stmt, ast.Pass):
                continue
            if _returns(stmt):
                value = _returned(stmt)
                if value is None:
                    raise self.unknown(stmt, "returns nothing")
                return self.expr(value, env, ctx)
            if isinstance(stmt, ast.Assign) and len(stmt.targets) == 1 and isinstance(stmt.targets[0], ast.Name):
                env[stmt.targets[0].id] = self.expr(stmt.value, env, ctx)
                continue
            if isinstance(stmt, ast.AnnAssign) and isinstance(stmt.target, ast.Name) and stmt.value is not None:
                env[stmt.target.id] = self.expr(stmt.value, env, ctx)
                continue
            if isinstance(stmt, ast.Expr) and isinstance(stmt.value, ast.Call) and self._harmless(stmt.value):
                continue
            what = _STATEMENTS.get(type(stmt).__name__, f"a {type(stmt).__name__.lower()} statement")
            raise self.unknown(stmt, f"{self.fn.name} is computed at run time ({what})")
        raise self.unknown(self.fn, f"{self.fn.name} returns nothing")

    def _harmless(self, call: ast.Call) -> bool:
        name = _resolve(dotted_name(call.func), self.imports)
        return name in _HARMLESS_CALLS or (isinstance(call.func, ast.Attribute) and call.func.attr == "mkdir")

    def expr(self, node: ast.expr, env: dict[str, Any], ctx: TestContext) -> Any:
        if isinstance(node, ast.Constant) and isinstance(node.value, str):
            return node.value
        if isinstance(node, ast.JoinedStr):
            parts = []
            for v in node.values:
                if isinstance(v, ast.Constant):
                    parts.append(str(v.value))
                elif isinstance(v, ast.FormattedValue) and v.format_spec is None and v.conversion in (-1, 115):
                    parts.append(str(self._known(self.expr(v.value, env, ctx), v)))
                else:
                    raise self.unknown(node, "an f-string with a format")
            return "".join(parts)
        if isinstance(node, ast.Name):
            if node.id in env:
                return self._known(env[node.id], node)
            if node.id == "__file__":
                return PathValue(self.file)
            raise self.unknown(node, f"{node.id} is not known here")
        if isinstance(node, ast.Attribute):
            base = self.expr(node.value, env, ctx) if not isinstance(node.value, ast.Name) or \
                node.value.id in env or node.value.id == "__file__" else None
            if base is _REQUEST or isinstance(base, _RequestPart):
                return self._request(base, node, ctx)
            if isinstance(base, str):
                return self._path_attr(base, node)
            raise self.unknown(node, f"{dotted_name(node) or 'an attribute'} is not known here")
        if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Div):
            left, right = self.expr(node.left, env, ctx), self.expr(node.right, env, ctx)
            return PathValue(os.path.join(left, right))
        if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Add):
            left, right = self.expr(node.left, env, ctx), self.expr(node.right, env, ctx)
            if isinstance(left, str) and isinstance(right, str):
                return str(left) + str(right)
        if isinstance(node, ast.Subscript) and isinstance(node.value, ast.Attribute) and node.value.attr == "parents":
            base = self.expr(node.value.value, env, ctx)
            index = node.slice
            if isinstance(base, str) and isinstance(index, ast.Constant) and isinstance(index.value, int):
                path = str(base)
                for _ in range(index.value + 1):
                    path = os.path.dirname(path)
                return PathValue(path)
        if isinstance(node, ast.Call):
            return self._call(node, env, ctx)
        raise self.unknown(node, f"{type(node).__name__} expression")

    def _known(self, value: Any, node: ast.AST) -> Any:
        if isinstance(value, _Opaque):
            raise self.unknown(node, f"fixture {value.name} is not known here")
        return value

    def _call(self, node: ast.Call, env: dict[str, Any], ctx: TestContext) -> Any:
        if node.keywords:
            raise self.unknown(node, "a call with keyword arguments")
        func = node.func
        name = _resolve(dotted_name(func), self.imports)
        if isinstance(func, ast.Attribute) and not name.startswith(("os.", "pathlib.", "posixpath.", "py.")) and \
                name not in _JOIN + _DIRNAME + _SAME:
            base = self.expr(func.value, env, ctx)
            args = [self.expr(a, env, ctx) for a in node.args]
            return self._method(base, func.attr, args, node)
        if name not in _JOIN + _DIRNAME + _SAME + _PATH_CALLS + ("os.path.basename",):
            raise self.unknown(node, f"call to {name or 'a function'}()")
        args = [self.expr(a, env, ctx) for a in node.args]
        if any(not isinstance(a, str) for a in args):
            raise self.unknown(node, f"{name}() of an unknown value")
        if name in _JOIN and args:
            return os.path.join(*args)
        if name in _DIRNAME and len(args) == 1:
            return os.path.dirname(args[0])
        if name in ("os.path.basename",) and len(args) == 1:
            return os.path.basename(args[0])
        if name in _SAME and len(args) == 1:
            return PathValue(args[0]) if isinstance(args[0], PathValue) else str(args[0])
        if name in _PATH_CALLS and len(args) >= 1:
            return PathValue(os.path.join(*args))
        raise self.unknown(node, f"call to {name or 'a function'}()")

    def _method(self, base: Any, attr: str, args: list[Any], node: ast.AST) -> Any:
        if isinstance(base, _RequestPart) and base.kind == "fspath" and attr == "dirpath" and not args:
            return PathValue(os.path.dirname(base.path))
        if not isinstance(base, str) or any(not isinstance(a, str) for a in args):
            raise self.unknown(node, f".{attr}() of an unknown value")
        if attr in ("joinpath", "join") and isinstance(base, PathValue):
            return PathValue(os.path.join(base, *args))
        if attr in ("resolve", "absolute") and not args:
            return PathValue(base)
        if attr == "dirpath" and not args and isinstance(base, PathValue):
            return PathValue(os.path.dirname(base))
        if attr == "replace" and len(args) == 2 and not isinstance(base, PathValue):
            return str(base).replace(args[0], args[1])
        if attr in ("lower", "upper", "strip") and not args and not isinstance(base, PathValue):
            return getattr(str(base), attr)()
        if attr == "with_suffix" and len(args) == 1 and isinstance(base, PathValue):
            return PathValue(os.path.splitext(base)[0] + args[0])
        raise self.unknown(node, f".{attr}()")

    def _path_attr(self, base: str, node: ast.Attribute) -> Any:
        attr = node.attr
        if attr in ("parent", "dirname"):
            return PathValue(os.path.dirname(base))
        if attr in ("name", "basename"):
            return os.path.basename(base)
        if attr in ("stem", "purebasename"):
            return os.path.splitext(os.path.basename(base))[0]
        if attr in ("suffix", "ext"):
            return os.path.splitext(base)[1]
        if attr == "strpath":
            return str(base)
        raise self.unknown(node, f".{attr} of a path")

    def _request(self, base: Any, node: ast.Attribute, ctx: TestContext) -> Any:
        attr = node.attr
        kind = "request" if base is _REQUEST else base.kind
        if kind in ("request", "node") and attr in _REQUEST_MODULE:
            return PathValue(ctx.module_path)
        if kind == "request" and attr in ("node", "module", "function", "cls"):
            return _RequestPart(attr, ctx.module_path)
        if kind == "module" and attr == "__file__":
            return ctx.module_path
        if kind == "module" and attr == "__name__":
            return ctx.module_name
        if kind == "node" and attr == "name" and ctx.node_name is not None:
            return ctx.node_name
        if kind == "node" and attr == "originalname" and ctx.function is not None:
            return ctx.function
        if kind == "function" and attr == "__name__" and ctx.function is not None:
            return ctx.function
        if kind == "cls" and attr == "__name__" and ctx.cls is not None:
            return ctx.cls
        raise self.unknown(node, f"request.{'' if kind == 'request' else kind + '.'}{attr} is not known here")


def _returns(stmt: ast.stmt) -> bool:
    """A ``return`` or a ``yield`` statement (a yield fixture's value)."""
    return isinstance(stmt, ast.Return) or (isinstance(stmt, ast.Expr) and isinstance(stmt.value, ast.Yield))


def _returned(stmt: ast.stmt) -> ast.expr | None:
    if isinstance(stmt, ast.Return):
        return stmt.value
    if isinstance(stmt, ast.Expr) and isinstance(stmt.value, ast.Yield):
        return stmt.value.value
    return None


_STATEMENTS = {"For": "a for loop", "AsyncFor": "a for loop", "While": "a while loop", "If": "a condition",
               "Try": "a try block", "With": "a with block", "Expr": "a call whose value is dropped",
               "Raise": "a raise", "Assign": "an assignment it cannot follow", "Import": "an import",
               "ImportFrom": "an import"}


class _Request:
    pass


_REQUEST = _Request()


@dataclass(frozen=True)
class _RequestPart:
    kind: str  # node | module | function | cls | fspath
    path: str


@dataclass(frozen=True)
class _Opaque:
    name: str


# --- vcr_config: only the keys that change where a cassette goes ---------------------------------

NAMING_KEYS = ("cassette_library_dir", "path_transformer", "serializer")
# func_path_generator is read by vcrpy only when use_cassette() gets no path; both plugins always pass one


@dataclass(frozen=True)
class ConfigNaming:
    """What a ``vcr_config`` fixture says about naming: each naming key it sets, and to what."""

    library_dir: Any = None  # a path, or None when not set
    suffix: str | None = None  # from path_transformer=VCR.ensure_suffix(...) or serializer=...
    serializer: str | None = None


def config_naming(fn: ast.FunctionDef | ast.AsyncFunctionDef, file: str, imports: dict[str, str],
                  ctx: TestContext, known: dict[str, Any]) -> ConfigNaming:
    """The naming keys of a ``vcr_config`` fixture's dict, or :class:`Unknown` when the dict cannot be
    followed exactly (built elsewhere, updated from another value, a naming key set under a condition)."""
    ev = Evaluator(fn, file, imports, known)
    keys: dict[str, Any] = {}
    tracked: set[str] = set()
    params = [a.arg for a in (*fn.args.posonlyargs, *fn.args.args, *fn.args.kwonlyargs)]
    env: dict[str, Any] = {p: (_REQUEST if p == "request" else known.get(p, _Opaque(p))) for p in params}

    def dict_keys(node: ast.expr) -> dict[str, ast.expr]:
        if isinstance(node, ast.Dict):
            out = {}
            for k, v in zip(node.keys, node.values):
                if k is None:
                    raise ev.unknown(node, "a vcr_config dict built from another dict (**)")
                if not isinstance(k, ast.Constant) or not isinstance(k.value, str):
                    raise ev.unknown(node, "a vcr_config key that is not a literal")
                out[k.value] = v
            return out
        if isinstance(node, ast.Call) and dotted_name(node.func) == "dict" and not node.args:
            if any(k.arg is None for k in node.keywords):
                raise ev.unknown(node, "a vcr_config dict built from another dict (**)")
            return {k.arg: k.value for k in node.keywords if k.arg}
        raise ev.unknown(node, "a vcr_config that is not a dict literal")

    def take(items: dict[str, ast.expr], conditional: bool, node: ast.AST) -> None:
        for k, v in items.items():
            if k in NAMING_KEYS:
                if conditional:
                    raise ev.unknown(node, f"vcr_config sets {k} under a condition")
                keys[k] = v

    def walk(body: list[ast.stmt], conditional: bool) -> ast.expr | None:
        for stmt in body:
            if isinstance(stmt, ast.Expr) and isinstance(stmt.value, ast.Constant):
                continue
            if _returns(stmt):
                value = _returned(stmt)
                if isinstance(value, ast.Name) and value.id in tracked:
                    return value
                if value is None:
                    raise ev.unknown(stmt, "vcr_config returns nothing")
                take(dict_keys(value), conditional, stmt)
                return value
            if isinstance(stmt, ast.Assign) and len(stmt.targets) == 1:
                target = stmt.targets[0]
                if isinstance(target, ast.Name):
                    take(dict_keys(stmt.value), conditional, stmt)
                    tracked.add(target.id)
                    continue
                if isinstance(target, ast.Subscript) and isinstance(target.value, ast.Name) and \
                        target.value.id in tracked:
                    key = target.slice
                    if not isinstance(key, ast.Constant) or not isinstance(key.value, str):
                        raise ev.unknown(stmt, "a vcr_config key that is not a literal")
                    take({key.value: stmt.value}, conditional, stmt)
                    continue
            if isinstance(stmt, ast.Expr) and isinstance(stmt.value, ast.Call) and \
                    isinstance(stmt.value.func, ast.Attribute) and isinstance(stmt.value.func.value, ast.Name) and \
                    stmt.value.func.value.id in tracked and stmt.value.func.attr == "update":
                call = stmt.value
                if len(call.args) == 1 and not call.keywords:
                    take(dict_keys(call.args[0]), conditional, stmt)
                else:
                    take({k.arg: k.value for k in call.keywords if k.arg}, conditional, stmt)
                    if any(k.arg is None for k in call.keywords):
                        raise ev.unknown(stmt, "vcr_config updated from another dict (**)")
                continue
            if isinstance(stmt, ast.If):
                walk(stmt.body, True)
                walk(stmt.orelse, True)
                continue
            if isinstance(stmt, ast.Pass):
                continue
            raise ev.unknown(stmt, f"{type(stmt).__name__.lower()} statement in vcr_config")
        return None

    if walk(fn.body, False) is None:
        raise ev.unknown(fn, "vcr_config returns nothing")
    out = ConfigNaming()
    if "cassette_library_dir" in keys:  # a value that cannot be computed is kept as the Unknown that says why
        try:
            out = ConfigNaming(library_dir=ev.expr(keys["cassette_library_dir"], env, ctx))
        except Unknown as exc:
            out = ConfigNaming(library_dir=exc)
    serializer = None
    if "serializer" in keys:
        node = keys["serializer"]
        if not isinstance(node, ast.Constant) or not isinstance(node.value, str):
            raise ev.unknown(node, "vcr_config's serializer is not a literal")
        serializer = node.value
    suffix = None
    if "path_transformer" in keys:
        node = keys["path_transformer"]
        if isinstance(node, ast.Call) and dotted_name(node.func).endswith("ensure_suffix") and len(node.args) == 1 \
                and isinstance(node.args[0], ast.Constant) and isinstance(node.args[0].value, str):
            suffix = node.args[0].value
        else:
            raise ev.unknown(node, "vcr_config's path_transformer is not VCR.ensure_suffix(\"…\")")
    return ConfigNaming(out.library_dir, suffix, serializer)
