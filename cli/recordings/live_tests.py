"""Which tests are alive: the three sources of truth ``prune``, ``ls --orphans`` and ``stats`` use.

* :class:`StaticIndex` reads test files with :mod:`ast` (no import, no pytest);
  it is conservative: when a name may be produced dynamically, the test is
  taken to exist and the reason is kept.
* :func:`collect_node_ids` runs ``pytest --collect-only -q`` in a subprocess.
* :func:`read_manifest` reads node ids, one per line.

Each answers :meth:`verdict` for a recording's test id: alive, gone (with the
reason), or kept (with the reason it could not be decided).
"""

from __future__ import annotations

import ast
import re
import os
import subprocess
import sys
from dataclasses import dataclass
from typing import Any, Iterable

from recordings.model import NodeId
from recordings.testsource.modules import Scope, dynamic_anywhere, scan_body, scope_from_json, scope_to_json

ALIVE = "alive"
GONE = "gone"
KEPT = "kept"  # undecidable: kept, with a reason


@dataclass(frozen=True)
class Verdict:
    status: str  # alive | gone | kept
    reason: str = ""
    why: str = ""  # what the summary line groups kept files by, when it is not the reason itself


#: what the summary groups recordings by when their test file is there but says nothing of its tests
UNTRUSTED_EMPTY = "empty or missing from a checkout"
UNTRUSTED_UNKNOWN = "could not be checked"


class StaticIndex:
    """Tests known from reading the test files under a project root.

    With a :class:`~recordings.cache.Cache`, a test file is parsed again only when it changed.
    """

    def __init__(self, root: str, cache: Any = None, force: bool = False) -> None:
        from recordings.presence import Checker

        self.root = os.path.abspath(root)
        self.cache = cache
        self.force = force  # an empty test file, or one a sparse checkout left out, is judged as it is
        self.files = Checker(self.root)
        self._modules: dict[str, Scope | Verdict] = {}  # relative file -> scope, or the verdict of all its tests

    def count_test_files(self) -> int:
        """Test modules under the root, as the project's pytest configuration names them (``python_files``)."""
        from recordings.testsource.config import read_config

        config = read_config(self.root)
        n = 0
        for _dirpath, dirnames, filenames in os.walk(self.root):
            dirnames[:] = [d for d in dirnames if d not in (".git", ".venv", "venv", "node_modules", "__pycache__")]
            n += sum(1 for f in filenames if f.endswith(".py") and config.collects_file(f))
        return n

    def _module(self, rel: str) -> Scope | Verdict:
        if rel in self._modules:
            return self._modules[rel]
        found = self._presence(rel)
        if found is not None:
            self._modules[rel] = found
            return found
        path = os.path.join(self.root, rel)
        st = None
        if self.cache is not None:
            from recordings.cache import stat_or_none

            st = stat_or_none(path)
            cached = self.cache.get(path, "test-scope", st)
            if cached is not None:
                result_cached = Verdict(KEPT, cached) if isinstance(cached, str) else scope_from_json(cached)
                self._modules[rel] = result_cached
                return result_cached
        try:
            with open(path, "rb") as fh:
                source = fh.read()
            tree = ast.parse(source, filename=rel)
        except SyntaxError as exc:
            result: Scope | str = f"{rel} does not parse (line {exc.lineno})"
        except (OSError, ValueError) as exc:
            result = f"{rel} could not be read ({exc})"
        else:
            result = Scope(set(), {}, [], [])
            scan_body(tree.body, result)
            for reason in dynamic_anywhere(tree, source):
                if reason not in result.dynamic:
                    result.dynamic.append(reason)
        if self.cache is not None:
            self.cache.put(path, "test-scope", st, result if isinstance(result, str) else scope_to_json(result))
        mod: Scope | Verdict = Verdict(KEPT, result) if isinstance(result, str) else result
        self._modules[rel] = mod
        return mod

    def _presence(self, rel: str) -> Verdict | None:
        """The verdict of every test of a file that is not there to read, or None (read it): gone only when
        its absence is proven."""
        from recordings.presence import ABSENT, EMPTY, PRESENT, SPARSE

        state = self.files.state(os.path.join(self.root, rel))
        if state.status == PRESENT or (state.status == EMPTY and self.force):
            return None  # an empty file, forced, is read as it is: a module without tests
        if state.status == ABSENT or (state.status == SPARSE and self.force):
            return Verdict(GONE, "file gone")
        if state.status in (EMPTY, SPARSE):
            return Verdict(KEPT, f"{state.reason}: kept unless --force", UNTRUSTED_EMPTY)
        return Verdict(KEPT, f"{state.reason}: kept", UNTRUSTED_UNKNOWN)

    def verdict(self, test: NodeId) -> Verdict:
        mod = self._module(test.file)
        if isinstance(mod, Verdict):
            return mod
        scope = mod
        for cls in test.classes:
            inner = scope.classes.get(cls)
            if inner is None:
                why = scope.dynamic or mod.dynamic
                if why:
                    return Verdict(KEPT, f"class {cls} not found, but {why[0]}")
                return Verdict(GONE, "class gone")
            scope = inner
        if test.function in scope.functions:
            return Verdict(ALIVE)
        why = scope.dynamic or mod.dynamic
        if why:
            return Verdict(KEPT, f"function {test.function} not found, but {why[0]}")
        return Verdict(GONE, "function gone" if not test.classes else "method gone")


FUNCTION_GONE = "test function gone"
PARAMETER_GONE = "parameter no longer collected"


def split_params(node_id: str) -> tuple[str, str | None]:
    """``file::func[params]`` -> (``file::func``, ``params``)."""
    head, sep, _ = node_id.partition("[")
    if not sep or not node_id.endswith("]"):
        return node_id, None
    return head, node_id[len(head) + 1:-1]


class NodeIdIndex:
    """Tests known as node ids (from pytest collection or a manifest), checked against the source.

    The rule, so that a partial collection (some CI configurations only) never deletes a live test:

    * a node id in the list is alive;
    * a test whose **function** is not in the list is gone only when the source agrees (the file,
      class or function is not there: "test function gone"); when the source still defines it, it is
      kept ("not collected with these arguments");
    * a test whose function is collected but whose **parameters** are not ("parameter no longer
      collected") is gone only when the list is *complete*: it covers every configuration
      (``--complete``, or ``--matrix`` over the whole CI matrix). Otherwise it is kept, with the reason;
    * with a complete list, a function pytest does not collect is gone even when the source cannot
      tell (names made dynamically);
    * a test in a module that pytest skipped or could not import is kept: unknown, never gone.
    """

    def __init__(self, node_ids: Iterable[str], source: str, static: "StaticIndex | None" = None,
                 complete: bool = False, skipped: dict[str, str] | None = None) -> None:
        self.ids = {n.strip() for n in node_ids if n.strip()}
        self.functions = {split_params(n)[0] for n in self.ids}
        # a cassette's name carries its parameters with pytest-recording's replacements (/ → -)
        from recordings.testsource.params import sanitized

        self.sanitized = {f"{base}[{sanitized(params)}]" for base, params in map(split_params, self.ids)
                          if params is not None}
        self.source = source
        self.static = static
        self.complete = complete
        self.skipped = skipped or {}

    def verdict(self, test: NodeId) -> Verdict:
        if test.node_id in self.ids or test.node_id in self.sanitized:
            return Verdict(ALIVE)
        listed = "collected" if self.source == "collect" else "in the manifest"
        skip = self.skipped.get(test.file)
        if skip is not None:
            return Verdict(KEPT, f"module {test.file} was skipped at collection ({skip}): unknown, not gone")
        if test.base in self.functions:
            if self.complete:
                return Verdict(GONE, PARAMETER_GONE)
            return Verdict(KEPT, f"parameters [{test.params}] are not {listed} by these configurations, but the "
                                 "function is; pass --complete (or --matrix) when they cover every configuration")
        static = self.static.verdict(test) if self.static is not None else Verdict(KEPT, "")
        if static.status == GONE:
            return Verdict(GONE, f"{FUNCTION_GONE} ({static.reason})")
        if self.complete:
            return Verdict(GONE, f"{FUNCTION_GONE} (not {listed})")
        if static.status == ALIVE:
            return Verdict(KEPT, f"not {listed} with these arguments, but the source still defines it")
        return Verdict(KEPT, f"not {listed}; {static.reason}" if static.reason else f"not {listed}")


def read_manifest(path: str) -> list[str]:
    with open(path, encoding="utf-8") as fh:
        return [line.strip() for line in fh if line.strip() and not line.startswith("#")]


class CollectError(Exception):
    pass


def project_python(root: str, configured: str | None = None) -> str:
    """The interpreter that runs the project's tests: ``--python``/``python =`` in the config, else the
    active virtual environment, else ``.venv``/``venv`` in the project root, else this tool's own."""
    if configured:
        return configured if os.sep in configured else (shutil_which(configured) or configured)
    candidates = []
    venv = os.environ.get("VIRTUAL_ENV")
    if venv:
        candidates.append(os.path.join(venv, "bin", "python"))
    candidates += [os.path.join(root, d, "bin", "python") for d in (".venv", "venv")]
    for c in candidates:
        if os.path.isfile(c) and os.access(c, os.X_OK):
            return c
    return sys.executable


def shutil_which(name: str) -> str | None:
    import shutil

    return shutil.which(name)


@dataclass
class Collection:
    ids: list[str]
    skipped: dict[str, str]  # test file -> why pytest skipped it at collection


def collect_node_ids(root: str, extra_args: list[str], python: str | None = None) -> Collection:
    """Node ids from ``pytest --collect-only -q`` run in ``root``; raises CollectError on failure.

    Modules skipped at collection (``pytest.importorskip``, a module-level ``pytest.skip``) are
    reported in ``skipped``, read from pytest's ``-rs`` summary.
    """
    argv = [python or sys.executable, "-m", "pytest", "--collect-only", "-q", "-rs", "-p", "no:cacheprovider",
            *extra_args]
    try:
        proc = subprocess.run(argv, cwd=root, capture_output=True, encoding="utf-8", errors="surrogateescape")
    except OSError as exc:
        raise CollectError(f"could not run pytest with {argv[0]}: {exc.strerror or exc}") from None
    ids = [line.strip() for line in proc.stdout.splitlines() if "::" in line and not line.startswith(("=", " "))
           and not line.startswith("SKIPPED")]
    skipped: dict[str, str] = {}
    for line in proc.stdout.splitlines():
        m = _SKIPPED.match(line)
        if m:
            skipped[m.group(1).replace(os.sep, "/")] = m.group(2).strip()
    if proc.returncode not in (0, 5) or (proc.returncode == 0 and not ids and not skipped):
        tail = (proc.stdout + proc.stderr).strip().splitlines()[-3:]
        raise CollectError(f"pytest --collect-only exited {proc.returncode}: " + " | ".join(tail))
    if not ids:
        raise CollectError("pytest collected no tests")
    return Collection(ids, skipped)


_SKIPPED = re.compile(r"^SKIPPED \[\d+\] ([^:]+\.py)(?::\d+)?: (.*)$")


def read_matrix(path: str) -> list[list[str]]:
    """Collection argument sets from a Llama Stack ``ci_matrix.json``: one per distinct
    (suite, setup, stack_config) entry found anywhere in it (``default``, named groups, schedules)."""
    import json

    with open(path, encoding="utf-8") as fh:
        data = json.load(fh)
    entries: list[dict[str, Any]] = []

    def walk(node: Any) -> None:
        if isinstance(node, dict):
            if "suite" in node or "setup" in node:
                entries.append(node)
                return
            for v in node.values():
                walk(v)
        elif isinstance(node, list):
            for v in node:
                walk(v)

    walk(data)
    sets: list[list[str]] = []
    for e in entries:
        args = [f"--{k.replace('_', '-')}={e[k]}" for k in ("suite", "setup", "stack_config")
                if isinstance(e.get(k), str) and e[k]]
        if args and args not in sets:
            sets.append(args)
    return sets


class SourceError(Exception):
    """The source of truth cannot be used: one line for the user, and the exit code (1 or 2)."""

    def __init__(self, message: str, exit_code: int = 1) -> None:
        super().__init__(message)
        self.exit_code = exit_code


@dataclass(frozen=True)
class SourceOptions:
    """Which source of truth to use (what ``prune``'s options say; ``ls --orphans`` and ``stats`` use
    the default, static one)."""

    collect: bool = False
    collect_args: tuple[str, ...] = ()
    extra: tuple[str, ...] = ()  # pytest arguments after --
    manifest: str | None = None
    matrix: str | None = None
    complete: bool = False
    python: str | None = None
    force: bool = False  # judge the tests of empty test files, and of files a sparse checkout left out


def build_index(root: str, options: SourceOptions = SourceOptions(), cache: Any = None) -> tuple[Any, str]:
    """(index, a description of it) for ``root``; the one index builder ``prune``, ``ls --orphans`` and
    ``stats`` share. Raises :class:`SourceError` when the source is unusable (no tests, a failed
    collection, an unreadable manifest)."""
    static = StaticIndex(root, cache, options.force)
    complete, collect = options.complete, options.collect or bool(options.collect_args)
    if options.manifest:
        manifest = options.manifest
        try:
            ids = read_manifest(manifest)
        except (OSError, UnicodeDecodeError) as exc:
            raise SourceError(f"cannot read manifest {manifest}: {getattr(exc, 'strerror', None) or exc}", 2) from None
        if not ids:
            raise SourceError(f"refusing to prune: manifest {manifest} lists no tests")
        return (NodeIdIndex(ids, "manifest", static, complete),
                f"manifest {manifest} ({len(ids)} node ids{', complete' if complete else ''})")
    sets: list[list[str]] = []
    if options.matrix:
        try:
            sets = read_matrix(options.matrix)
        except (OSError, ValueError) as exc:
            raise SourceError(f"cannot read matrix {options.matrix}: {getattr(exc, 'strerror', None) or exc}",
                              2) from None
        if not sets:
            raise SourceError(f"refusing to prune: matrix {options.matrix} has no suite/setup entries")
        tests_dir = os.path.relpath(os.path.dirname(os.path.abspath(options.matrix)), root)
        sets = [[tests_dir, *s] for s in sets]
        complete = collect = True  # the whole CI matrix covers every configuration
    elif collect:
        sets = [a.split() for a in options.collect_args] or [[]]
    if collect:
        python = options.python
        if python is None:
            from recordings.config import ConfigError, load_config

            try:
                python = load_config(None, root).python
            except ConfigError as exc:
                raise SourceError(str(exc), 2) from None
        interpreter = project_python(root, python)
        ids_all: list[str] = []  # node ids over every configuration
        skipped: dict[str, str] = {}
        for args in sets:
            try:
                got = collect_node_ids(root, args + list(options.extra), interpreter)
            except CollectError as exc:
                raise SourceError(f"refusing to prune: {exc}") from None
            ids_all += got.ids
            for f, why in got.skipped.items():
                skipped.setdefault(f, why)
        what = f"{len(sets)} configuration{'s' if len(sets) != 1 else ''}"
        return (NodeIdIndex(ids_all, "collect", static, complete, skipped),
                f"pytest collection in {root} with {interpreter} ({what}, {len(set(ids_all))} node ids"
                f"{', complete' if complete else ''})")
    if static.count_test_files() == 0:
        raise SourceError(f"refusing to prune: no test files under {root} (wrong --root?)")
    return static, f"test files under {root}"
