"""The import graph of ``cli/recordings``, read with ``ast`` (imports inside functions counted too): no
module may import itself back through others, and each layer imports only the layers below it.

model ← formats ← core (loading, rules, normalizer, prune, diff, stats…) ← output ← commands. The only
cycle allowed is typer's command registration (``recordings.commands`` imports each command module, which
imports the ``app`` back).
"""

from __future__ import annotations

import ast
from pathlib import Path

from tests.conftest import ROOT

PACKAGE = ROOT / "cli" / "recordings"


def _modules() -> dict[str, Path]:
    out = {}
    for path in sorted(PACKAGE.rglob("*.py")):
        rel = path.relative_to(PACKAGE.parent).with_suffix("")
        parts = list(rel.parts)
        if parts[-1] == "__init__":
            parts.pop()
        out[".".join(parts)] = path
    return out


def import_graph() -> dict[str, set[str]]:
    """module -> the modules of the package it imports (at the top or inside a function)."""
    modules = _modules()
    graph: dict[str, set[str]] = {m: set() for m in modules}
    for name, path in modules.items():
        for node in ast.walk(ast.parse(path.read_text())):
            targets: list[str] = []
            if isinstance(node, ast.Import):
                targets = [a.name for a in node.names]
            elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
                targets = [f"{node.module}.{a.name}" if f"{node.module}.{a.name}" in modules else node.module
                           for a in node.names]
            for t in targets:
                while t and t not in modules:  # import recordings.x.y: the deepest module named
                    t = t.rpartition(".")[0]
                if t and t != name:
                    graph[name].add(t)
    return graph


def _registration(a: str, b: str) -> bool:
    return {a, b} & {"recordings.commands"} != set() and all(m.startswith("recordings.commands") for m in (a, b))


def _cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected components of more than one module (Tarjan), less typer's registration edges."""
    edges = {a: {b for b in bs if not _registration(a, b)} for a, bs in graph.items()}
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on: set[str] = set()
    out: list[list[str]] = []
    counter = [0]

    def visit(v: str) -> None:
        index[v] = low[v] = counter[0]
        counter[0] += 1
        stack.append(v)
        on.add(v)
        for w in sorted(edges[v]):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            comp = []
            while True:
                w = stack.pop()
                on.discard(w)
                comp.append(w)
                if w == v:
                    break
            if len(comp) > 1:
                out.append(sorted(comp))

    import sys

    sys.setrecursionlimit(10000)
    for v in sorted(edges):
        if v not in index:
            visit(v)
    return out


def test_no_import_cycles():
    assert _cycles(import_graph()) == []


def layer(module: str) -> int:
    """0 the model and what it is made of; 1 the recorders' adapters; 2 the core; 3 output; 4 commands."""
    rest = module.removeprefix("recordings.")
    if rest.startswith("commands") or module == "recordings.__main__":
        return 4
    if rest.startswith("output"):
        return 3
    if rest.startswith("formats"):
        return 1
    if rest in BASE or rest.startswith(("testsource", "protocols")) or module == "recordings":
        return 0
    return 2


# what the model and the adapters are built on: no module here imports a recorder, the core, output or commands
BASE = {"model", "errors", "shapes", "names", "nodeid", "pyast", "jsonbytes", "streams", "bodies", "headers",
        "placeholders", "files", "rewrite", "summary", "providers", "project", "presence", "rules.types",
        "rules.bytescan"}


def test_each_layer_imports_only_the_layers_below():
    graph = import_graph()
    wrong = sorted(f"{a} (layer {layer(a)}) imports {b} (layer {layer(b)})" for a, bs in graph.items() for b in bs
                   if layer(b) > layer(a) and not (layer(a) == 1 and b in FORMAT_RULE_KIT))
    assert wrong == []


# a recorder's own validation rules live in its folder and use the rule kit (findings, the rule context, the
# shared byte pass) and the protocol readers; nothing else of the core
FORMAT_RULE_KIT = {"recordings.rules.types", "recordings.rules.bytescan"}


def test_only_commands_import_typer():
    for name, path in _modules().items():
        if layer(name) == 4:
            continue
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, (ast.Import, ast.ImportFrom)):
                names = [a.name for a in node.names] if isinstance(node, ast.Import) else [node.module or ""]
                assert not any(n.split(".")[0] in ("typer", "click") for n in names), name


def test_every_recorder_folder_is_registered_and_implements_the_interface():
    """A recorder is a folder under formats/; the registry lists each one, and each is a Recorder."""
    from pathlib import Path

    import recordings.formats as formats
    from recordings.formats.interface import Recorder

    folders = sorted(p.name for p in Path(formats.__file__).parent.iterdir()
                     if p.is_dir() and (p / "__init__.py").is_file())
    registered = formats.FORMATS
    assert sorted(type(f).__module__.rsplit(".", 1)[-1] for f in registered) == folders
    for f in registered:
        assert isinstance(f, Recorder)
        assert formats.named(f.name) is f
        for alias in f.aliases:
            assert formats.named(alias) is f
