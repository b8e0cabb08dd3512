"""Which request fields vcrpy matches a cassette's interactions on (``match_on``), as the project sets them.

Read from the ``vcr_config`` fixture of the nearest ``conftest.py`` (from the cassette's folder up to the
project root) when it spells ``match_on`` as a literal list: a ``"match_on": [...]`` entry of the dict it
returns, or a ``config["match_on"] = [...]`` assignment. With no ``vcr_config`` anywhere, vcrpy's default
applies. A ``vcr_config`` that is not read this way (built elsewhere, or from a variable) leaves the
fields unknown: nothing is claimed. Matchers the project registers itself (``region_agnostic_uri``) are
not read; the built-in ones beside them are.
"""

from __future__ import annotations

import ast
import os
from functools import lru_cache
from typing import Any
from urllib.parse import urlsplit

BUILTIN = ("method", "scheme", "host", "port", "path", "query", "body", "headers", "uri", "raw_body")
DEFAULT = ("method", "scheme", "host", "port", "path", "query")  # vcrpy's own


def match_on(cassette: str, root: str) -> tuple[str, ...] | None:
    """The built-in fields the project matches ``cassette``'s requests on, or None when that cannot be read."""
    folder = os.path.dirname(os.path.abspath(cassette))
    root = os.path.abspath(root)
    while True:
        found = _from_conftest(os.path.join(folder, "conftest.py"), _mtime(os.path.join(folder, "conftest.py")))
        if found != "absent":
            return found
        if folder == root or os.path.dirname(folder) == folder:
            return DEFAULT
        folder = os.path.dirname(folder)


def _mtime(path: str) -> float:
    try:
        return os.stat(path).st_mtime
    except OSError:
        return -1.0


@lru_cache(maxsize=256)
def _from_conftest(path: str, _mtime: float) -> Any:
    """``match_on`` of the ``vcr_config`` in this conftest.py; "absent" when it has none (or no file)."""
    try:
        with open(path, "rb") as fh:
            tree = ast.parse(fh.read())
    except (OSError, SyntaxError, ValueError):
        return "absent"
    fixtures = [n for n in ast.walk(tree) if isinstance(n, (ast.FunctionDef, ast.AsyncFunctionDef))
                and n.name == "vcr_config"]
    if not fixtures:
        return "absent"
    literal = None
    for node in ast.walk(fixtures[-1]):
        value = None
        if isinstance(node, ast.Dict):
            for k, v in zip(node.keys, node.values):
                if isinstance(k, ast.Constant) and k.value == "match_on":
                    value = v
        elif isinstance(node, ast.Assign) and any(
                isinstance(t, ast.Subscript) and isinstance(t.slice, ast.Constant) and t.slice.value == "match_on"
                for t in node.targets):
            value = node.value
        if value is not None:
            try:
                names = ast.literal_eval(value)
            except ValueError:
                return None  # set from something we do not read
            if not isinstance(names, (list, tuple)) or not all(isinstance(n, str) for n in names):
                return None
            literal = tuple(n for n in names if n in BUILTIN)
    return literal if literal is not None else DEFAULT


def fields(method: str, url: str, body: bytes | None, headers: dict[str, Any]) -> dict[str, Any]:
    """A request's value of each built-in matcher."""
    try:
        parts = urlsplit(url or "")
        port = parts.port
    except ValueError:
        parts, port = urlsplit(""), None
    default_port = {"http": 80, "https": 443}.get(parts.scheme)
    return {"method": (method or "").upper(), "scheme": parts.scheme, "host": parts.hostname,
            "port": port or default_port, "path": parts.path,
            "query": sorted(p for p in parts.query.split("&") if p), "body": body, "raw_body": body,
            "headers": {str(k).lower(): v for k, v in headers.items()}, "uri": url}


def changed(a: dict[str, Any], b: dict[str, Any], names: tuple[str, ...]) -> list[str]:
    return [n for n in names if a.get(n) != b.get(n)]
