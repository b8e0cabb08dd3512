"""Which test a cassette belongs to, proven from the project's code, or left unknown.

The question is turned around: for every test of the project, where would its cassettes go? The
answer follows pytest-recording's rules (``<module folder>/cassettes/<module>/[Class.]test[params]``
with ``<>?%*:|"'/\\`` replaced by ``-``, ``.yaml`` unless a serializer says otherwise) or pytest-vcr's
(``<module folder>/cassettes/[Class.]test[params].yaml``), changed by whatever the project defines:
``vcr_cassette_dir``, ``default_cassette_name``, ``vcr_cassette_name`` and ``vcr_config`` fixtures,
``@pytest.mark.default_cassette``, extra names in ``@pytest.mark.vcr(...)``, vcrpy's ``use_cassette``
with a literal path. A fixture is evaluated only when its body can be computed exactly
(:mod:`.fixtures`); the definition pytest would use is the one read (the module's own, else the
nearest ``conftest.py``, else a plugin the configuration loads).

Each test *claims* the cassettes it would use. When a fixture cannot be computed, the claim is
weaker but still exact where it can be: a test whose folder is unknown claims its name anywhere; a
test whose name is unknown claims its whole folder; an overridden ``vcr`` fixture, a
``pytest_recording_configure`` hook that does more than register matchers, or a ``vcr_config`` that
cannot be followed claims everything. Each weak claim carries a :class:`Doubt` (what, and
``file:line``).

A cassette is then judged (:meth:`ProjectNaming.judge`):

* claimed exactly: its test is alive;
* claimed weakly (a doubt covers it): kept, with the doubt, which a summary names once;
* a name the recorder could not have given (the function part does not match ``python_functions``,
  a class part not ``python_classes``): kept, "not named by the recorder";
* otherwise no test of the project would use it: an orphan, with the test its name points to
  (file, class, function or parameter gone), or "no test has this name" where the folder is shared
  by tests whose folder is computed at run time.
"""

from __future__ import annotations

import ast
import fnmatch
import hashlib
import os
import re
from dataclasses import dataclass, field
from typing import Any, Iterator

from recordings.formats.vcr.fixtures import (ConfigNaming, Evaluator, TestContext, Unknown, config_naming,
                                            module_imports)
from recordings.pyast import dotted_name
from recordings.testsource.config import PytestConfig, read_config
from recordings.testsource.modules import dynamic_anywhere

RECORDING, PYTEST_VCR = "pytest-recording", "pytest-vcr"
FORBIDDEN = '<>?%*:|"\'/\\'  # pytest-recording replaces these by "-" in a default name
MAX_NAME = 255  # pytest-recording shortens longer names to prefix...md5
_REPLACED = str.maketrans({c: "-" for c in FORBIDDEN})
SUFFIXES = (".yaml.gz", ".yml.gz", ".json.gz", ".yaml", ".yml", ".json")
SKIP_DIRS = frozenset({".git", ".hg", ".svn", ".venv", "venv", "node_modules", "__pycache__", ".tox", ".nox",
                       ".mypy_cache", ".pytest_cache", ".ruff_cache", "site-packages", "build", "dist",
                       ".eggs", "cassettes", "recordings"})
# plugins known not to name cassettes (a plugin the configuration loads may define the naming fixtures)
HARMLESS_PLUGINS = frozenset({
    "pytester", "pytest_asyncio", "asyncio", "anyio", "xdist", "xdist.plugin", "pytest_xdist", "pytest_cov", "cov",
    "pytest_mock", "mock", "pytest_timeout", "timeout", "pytest_rerunfailures", "rerunfailures", "randomly",
    "pytest_randomly", "pytest_django", "django", "pytest_benchmark", "benchmark", "hypothesis",
    "hypothesis.extra.pytestplugin", "syrupy", "inline_snapshot", "pytest_dotenv", "dotenv", "pytest_env", "env",
    "pytest_freezer", "freezegun", "pytest_freezegun", "respx", "pytest_httpx", "pytest_httpserver", "pytest_socket",
    "pytest_subtests", "subtests", "pytest_recording", "recording", "pytest_vcr", "vcr", "pytest_examples",
    "pytest_pretty", "pretty", "sugar", "pytest_sugar", "pytest_order", "order", "pytest_split", "split",
    "pytest_retry", "retry", "flaky", "pytest_icdiff", "icdiff", "doctest", "unittest", "logging", "capture",
    "cacheprovider", "warnings", "faulthandler", "recordings.pytest_plugin", "recordings",
})


@dataclass(frozen=True)
class Doubt:
    """Why a claim is not exact: a fixture or call whose value is computed at run time, and where."""

    reason: str
    where: str  # file:line (relative to the pytest rootdir)

    def text(self) -> str:
        return f"{self.reason} ({self.where})"


@dataclass(eq=False)
class TestDef:
    __test__ = False

    classes: tuple[str, ...]
    function: str
    params: list[str] | None  # literal parameter ids; [] when not parametrized; None when unknown
    extra: list[str] = field(default_factory=list)  # @pytest.mark.vcr("x.yaml") names (on it, its classes, pytestmark)
    default_mark: str | None = None  # @pytest.mark.default_cassette("x")
    vcrpy: list[str] = field(default_factory=list)  # literal use_cassette(...) paths in its body or decorators
    doubts: list[Doubt] = field(default_factory=list)  # cassettes it names in a way that is not literal


@dataclass(eq=False)
class ModuleInfo:
    """What one Python file says about cassettes: its tests, its fixtures, its hooks."""

    path: str
    rel: str  # relative to the rootdir, with '/'
    tree: ast.Module | None
    error: str | None = None
    imports: dict[str, str] = field(default_factory=dict)
    fixtures: dict[str, ast.FunctionDef | ast.AsyncFunctionDef] = field(default_factory=dict)
    class_fixtures: dict[str, int] = field(default_factory=dict)  # naming fixtures defined inside a class
    tests: list[TestDef] = field(default_factory=list)
    any_name: list[Doubt] = field(default_factory=list)  # names that may be made at run time
    class_any: dict[str, Doubt] = field(default_factory=dict)  # Class -> why its tests are not all seen
    hook: ast.FunctionDef | ast.AsyncFunctionDef | None = None  # pytest_recording_configure
    plugins: list[str] = field(default_factory=list)  # pytest_plugins
    marks_dynamically: bool = False  # a hook adds vcr marks to collected items


NAMING_FIXTURES = ("vcr_cassette_dir", "default_cassette_name", "vcr_cassette_name", "vcr_config", "vcr")


def _is_fixture(fn: ast.FunctionDef | ast.AsyncFunctionDef) -> str | None:
    """The fixture name a function defines, or None when it is not a fixture."""
    for dec in fn.decorator_list:
        name = dotted_name(dec)
        if name == "fixture" or name.endswith(".fixture"):
            if isinstance(dec, ast.Call):
                for k in dec.keywords:
                    if k.arg == "name" and isinstance(k.value, ast.Constant) and isinstance(k.value.value, str):
                        return k.value.value
            return fn.name
    return None


def _strings(call: ast.AST) -> tuple[list[str], bool]:
    """The literal string arguments of a mark or call, and whether some argument was not literal."""
    if not isinstance(call, ast.Call):
        return [], False
    out, computed = [], False
    for a in call.args:
        if isinstance(a, ast.Constant) and isinstance(a.value, str):
            out.append(a.value)
        else:
            computed = True
    return out, computed


class _Reader:
    """Reads one module's tests and what names their cassettes."""

    def __init__(self, info: ModuleInfo, config: PytestConfig) -> None:
        self.info, self.config = info, config
        self.calls_vcrpy = True

    def where(self, node: ast.AST) -> str:
        return f"{self.info.rel}:{getattr(node, 'lineno', 1)}"

    def marks(self, decorators: list[ast.expr]) -> tuple[list[str], list[Doubt], str | None]:
        extra, doubts, default = [], [], None
        for dec in decorators:
            name = dotted_name(dec)
            if name.endswith("mark.vcr"):
                names, computed = _strings(dec)
                extra += names
                if computed:
                    doubts.append(Doubt("@pytest.mark.vcr with a computed cassette name", self.where(dec)))
                if isinstance(dec, ast.Call) and any(k.arg in ("cassette_library_dir", "path_transformer",
                                                                "serializer") for k in dec.keywords):
                    doubts.append(Doubt("@pytest.mark.vcr changes the cassette path", self.where(dec)))
            elif name.endswith("mark.default_cassette"):
                names, computed = _strings(dec)
                if names and not computed:
                    default = names[0]
                else:
                    doubts.append(Doubt("@pytest.mark.default_cassette with a computed name", self.where(dec)))
            elif name.endswith("use_cassette"):
                names, computed = _strings(dec)
                if names:
                    extra += []  # a vcrpy decorator: a path, read below
                if computed or not names:
                    doubts.append(Doubt("use_cassette with a computed path", self.where(dec)))
        return extra, doubts, default

    def uses(self, fn: ast.AST) -> tuple[list[str], list[Doubt]]:
        """vcrpy ``use_cassette`` paths inside a function (decorators and body)."""
        paths: list[str] = []
        doubts: list[Doubt] = []
        if not self.calls_vcrpy:
            return paths, doubts
        for node in ast.walk(fn):
            if isinstance(node, ast.Call) and dotted_name(node.func).endswith("use_cassette"):
                names, computed = _strings(node)
                paths += names
                if computed or not names:
                    doubts.append(Doubt("use_cassette with a computed path", self.where(node)))
        return paths, doubts

    def read(self, generated: bool, source: bytes) -> None:
        from recordings.testsource.params import parametrize_ids

        info, tree = self.info, self.info.tree
        assert tree is not None
        info.imports = module_imports(tree)
        module_extra: list[str] = []
        module_doubts: list[Doubt] = []
        module_default: str | None = None
        for node in tree.body:
            if isinstance(node, ast.Assign) and any(isinstance(t, ast.Name) and t.id == "pytestmark"
                                                    for t in node.targets):
                values = node.value.elts if isinstance(node.value, (ast.List, ast.Tuple)) else [node.value]
                extra, doubts, default = self.marks(list(values))
                module_extra += extra
                module_doubts += doubts
                module_default = default or module_default
                generated = generated or any(dotted_name(v).endswith("parametrize") for v in values)
            if isinstance(node, ast.Assign) and any(isinstance(t, ast.Name) and t.id == "pytest_plugins"
                                                    for t in node.targets):
                value = node.value
                items = value.elts if isinstance(value, (ast.List, ast.Tuple)) else [value]
                for item in items:
                    if isinstance(item, ast.Constant) and isinstance(item.value, str):
                        info.plugins.append(item.value)
                    else:
                        info.any_name.append(Doubt("pytest_plugins names a plugin by a computed value",
                                                   self.where(item)))
        for reason in dynamic_anywhere(tree, source):
            info.any_name.append(Doubt(reason, info.rel))
        self.calls_vcrpy = b"use_cassette" in source  # else no test body needs walking for one
        if b"add_marker" in source:
            for sub in ast.walk(tree):
                if isinstance(sub, ast.Call) and isinstance(sub.func, ast.Attribute) and \
                        sub.func.attr == "add_marker" and "vcr" in ast.unparse(sub):
                    info.marks_dynamically = True

        def visit(body: list[ast.stmt], classes: tuple[str, ...], extra: list[str], doubts: list[Doubt],
                  default: str | None, parametrized: bool = False) -> None:
            for node in body:
                if isinstance(node, ast.ClassDef):
                    if classes == () and not self.config.collects_class(node.name):
                        self._helpers(node)
                        continue
                    if classes and not self.config.collects_class(node.name):
                        self._helpers(node)
                        continue
                    cls_extra, cls_doubts, cls_default = self.marks(node.decorator_list)
                    for base in node.bases:
                        name = dotted_name(base)
                        if name not in ("object", "") and not self._local_class(name):
                            info.class_any.setdefault(node.name, Doubt(
                                f"class {node.name} inherits from {name}, whose tests are not read", self.where(node)))
                    for dec in node.decorator_list:
                        name = dotted_name(dec)
                        if name and not name.startswith(("pytest.mark", "mark.", "dataclass")):
                            info.class_any.setdefault(node.name, Doubt(
                                f"class {node.name} has decorator @{name}, which may add tests", self.where(node)))
                    if any(k.arg == "metaclass" for k in node.keywords):
                        info.class_any.setdefault(node.name, Doubt(f"class {node.name} has a metaclass",
                                                                   self.where(node)))
                    for sub in node.body:
                        if isinstance(sub, (ast.FunctionDef, ast.AsyncFunctionDef)) and \
                                _is_fixture(sub) in NAMING_FIXTURES:
                            info.class_fixtures[_is_fixture(sub) or sub.name] = sub.lineno
                    class_params = any(dotted_name(d).endswith("parametrize") for d in node.decorator_list)
                    visit(node.body, (*classes, node.name), extra + cls_extra, doubts + cls_doubts,
                          cls_default or default, parametrized or class_params)
                elif isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
                    fixture = _is_fixture(node)
                    if fixture is not None:
                        if not classes:
                            info.fixtures.setdefault(fixture, node)
                        self._helpers(node)
                        continue
                    if node.name == "pytest_recording_configure" and not classes:
                        info.hook = node
                        continue
                    if not self.config.collects_function(node.name):
                        self._helpers(node)
                        continue
                    fn_extra, fn_doubts, fn_default = self.marks(node.decorator_list)
                    vcrpy, use_doubts = self.uses(node)
                    params = parametrize_ids(node, generated or parametrized)
                    info.tests.append(TestDef(classes, node.name, params, extra + fn_extra, fn_default or default,
                                              vcrpy, doubts + fn_doubts + use_doubts))
                elif isinstance(node, (ast.Import, ast.ImportFrom)):
                    for alias in node.names:
                        name = alias.asname or alias.name.split(".")[0]
                        if alias.name == "*":
                            info.any_name.append(Doubt(f"'from {getattr(node, 'module', '')} import *' may bring "
                                                       "tests in", self.where(node)))
                        elif self.config.collects_function(name):
                            info.tests.append(TestDef(classes, name, None))  # an imported test: any parameters
                        elif self.config.collects_class(name) and not classes:
                            info.class_any.setdefault(name, Doubt(f"class {name} is imported, its tests are not read",
                                                                  self.where(node)))
                elif isinstance(node, (ast.Assign, ast.AnnAssign)):
                    targets = node.targets if isinstance(node, ast.Assign) else [node.target]
                    for t in targets:
                        for n in ast.walk(t):
                            if isinstance(n, ast.Name) and (self.config.collects_function(n.id) or
                                                            self.config.collects_class(n.id)):
                                info.any_name.append(Doubt(f"{n.id} is assigned, not defined", self.where(node)))
                elif isinstance(node, (ast.If, ast.Try, ast.With, ast.For, ast.While)):
                    inner = [*node.body, *getattr(node, "orelse", []), *getattr(node, "finalbody", [])]
                    for handler in getattr(node, "handlers", []) or []:
                        inner += handler.body
                    visit(inner, classes, extra, doubts, default, parametrized)
                else:
                    self._helpers(node)

        visit(tree.body, (), module_extra, module_doubts, module_default)

    def _local_class(self, name: str) -> bool:
        tree = self.info.tree
        return tree is not None and any(isinstance(n, ast.ClassDef) and n.name == name for n in tree.body)

    def _helpers(self, node: ast.AST) -> None:
        """A computed use_cassette in a helper or fixture: the module may use any cassette."""
        if not self.calls_vcrpy:
            return
        for sub in ast.walk(node):
            if isinstance(sub, ast.Call) and dotted_name(sub.func).endswith("use_cassette"):
                names, computed = _strings(sub)
                if computed or not names:
                    self.info.any_name.append(Doubt("use_cassette with a computed path outside a test",
                                                    self.where(sub)))


def read_module(path: str, config: PytestConfig, base: str | None = None) -> ModuleInfo:
    """One Python file read for naming; ``base`` is what its path is shown relative to."""
    from recordings.testsource.params import generated

    rel = os.path.relpath(path, base or config.rootdir).replace(os.sep, "/")
    try:
        with open(path, "rb") as fh:
            source = fh.read()
        tree = ast.parse(source)
    except SyntaxError as exc:
        return ModuleInfo(path, rel, None, f"{rel} does not parse (line {exc.lineno})")
    except (OSError, ValueError) as exc:
        return ModuleInfo(path, rel, None, f"{rel} could not be read ({exc})")
    info = ModuleInfo(path, rel, tree)
    _Reader(info, config).read(generated(path, source, config.rootdir), source)
    return info


def skim_module(path: str, source: bytes, config: PytestConfig, base: str) -> ModuleInfo:
    """A test module that never names a cassette (no ``vcr`` or ``cassette`` in it, so no test of it uses one
    unless a conftest marks it), read for its test names only (not parsed). Its tests claim their default
    names with any parameters, so a cassette named after one is never judged gone; the text is trusted only
    to keep files."""
    from recordings.testsource.modules import test_names

    rel = os.path.relpath(path, base).replace(os.sep, "/")
    info = ModuleInfo(path, rel, None)  # no vcr in it: names it may make at run time use no cassette either
    info.tests = [TestDef(classes, name, None) for classes, name in test_names(source, config)]
    return info


# --- the naming scheme of a module --------------------------------------------------------------


@dataclass
class Scheme:
    """Where one plugin puts a module's cassettes: the folder and the name function, or the doubts."""

    plugin: str
    folder: str | None  # absolute
    folder_doubt: Doubt | None
    name_fixture: tuple[ast.FunctionDef | ast.AsyncFunctionDef, ModuleInfo] | None  # an evaluable override
    name_doubt: Doubt | None
    suffix: str
    library: str | None  # vcr_config's cassette_library_dir (replaces the folder)
    blockers: list[Doubt]  # nothing about this module's cassettes can be told


def default_name(plugin: str, test: TestDef, param: str | None, suffix: str) -> str:
    node = test.function + (f"[{param}]" if param is not None else "")
    name = f"{test.classes[-1]}.{node}" if test.classes else node
    if plugin == RECORDING:
        name = name.translate(_REPLACED)
        if len(name) + len(suffix) > MAX_NAME:
            digest = hashlib.md5(name.encode()).hexdigest()
            name = f"{name[: MAX_NAME - len(suffix) - len(digest) - 3]}...{digest}"
    return name


def ensure_suffix(path: str, suffix: str) -> str:
    return path if path.endswith(suffix) else path + suffix


def split_stem(path: str) -> tuple[str, str]:
    """(the file name without its suffix, the suffix) of a cassette path."""
    name = os.path.basename(path)
    for s in SUFFIXES:
        if name.endswith(s):
            return name[: -len(s)], s
    stem, ext = os.path.splitext(name)
    return stem, ext


class ProjectNaming:
    """Every test module of a pytest project and the cassettes its tests claim."""

    def __init__(self, root: str) -> None:
        self.root = os.path.abspath(root)
        self.config = read_config(self.root)
        self.rootdir = self.config.rootdir
        deps = self.config.dependencies
        self.plugins = [p for p in (RECORDING, PYTEST_VCR) if p in deps] or [RECORDING, PYTEST_VCR]
        self._infos: dict[str, ModuleInfo] = {}
        self.modules: list[ModuleInfo] = []
        self.exact: dict[tuple[str, str], list[str]] = {}  # (folder, stem) -> test ids
        self.patterns: dict[str, GlobIndex] = {}  # folder -> globs of stems, each with its test id
        self.names_anywhere: dict[str, list[tuple[str, Doubt]]] = {}  # stem -> (test id, doubt)
        self.patterns_anywhere = GlobIndex()  # globs of stems, each with (test id, doubt)
        self.folder_any: dict[str, list[Doubt]] = {}  # folder -> doubts
        self.anywhere: list[Doubt] = []
        self.folders: dict[str, list[ModuleInfo]] = {}  # a known cassette folder -> the modules that write there
        self.unknown_folders: list[ModuleInfo] = []  # modules whose folder is computed at run time
        self.unreadable: list[str] = []  # test folders and files that could not be read, with the reason
        self._files: Any = None  # a presence.Checker, made when an orphan verdict needs one
        self._schemes: dict[tuple[str, str], Scheme] = {}  # (module path, plugin) -> its naming, read once
        self._build()

    # --- reading the project ---

    def _info(self, path: str) -> ModuleInfo:
        info = self._infos.get(path)
        if info is None:
            info = self._infos[path] = read_module(path, self.config, self.root)
        return info

    def _unreadable(self, exc: OSError) -> None:
        where = os.path.relpath(exc.filename, self.root).replace(os.sep, "/") if exc.filename else "?"
        self.unreadable.append(f"{where}: {exc.strerror or type(exc).__name__}")

    def _python_files(self) -> Iterator[str]:
        for dirpath, dirnames, filenames in os.walk(self.root, onerror=self._unreadable):
            dirnames[:] = sorted(d for d in dirnames if d not in SKIP_DIRS and not d.startswith("."))
            for f in sorted(filenames):
                if f.endswith(".py"):
                    yield os.path.join(dirpath, f)

    def _build(self) -> None:
        conftests: list[str] = []
        read: list[str] = []  # parsed with ast: they may name cassettes
        skimmed: list[tuple[str, bytes]] = []  # other test modules: only their test names are read
        for path in self._python_files():
            name = os.path.basename(path)
            if name == "conftest.py":
                conftests.append(path)
                continue
            try:
                with open(path, "rb") as fh:
                    source = fh.read()
            except OSError as exc:
                if exc.filename is None:
                    exc.filename = path
                self._unreadable(exc)
                continue
            lower = source.lower()
            if b"vcr" in lower or b"cassette" in lower:
                read.append(path)
            elif self.config.collects_file(name):
                skimmed.append((path, source))
        marking = {os.path.dirname(c) for c in conftests if self._info(c).marks_dynamically}
        for c in conftests:
            info = self._info(c)
            if info.hook is not None:
                doubt = self._hook_doubt(info)
                if doubt:
                    self.anywhere.append(doubt)
        for path, source in skimmed:
            if any(path.startswith(d + os.sep) for d in marking):
                read.append(path)  # a conftest marks its tests with vcr at run time: read it whole
            else:  # it never names a cassette; its tests still claim their default names
                info = skim_module(path, source, self.config, self.root)
                self.modules.append(info)
                self._claim(info)
        for path in sorted(read):
            info = self._info(path)
            self.modules.append(info)
            self._claim(info)

    def _hook_doubt(self, info: ModuleInfo) -> Doubt | None:
        """A pytest_recording_configure hook changes naming unless it only registers matchers."""
        hook = info.hook
        assert hook is not None
        vcr = hook.args.args[0].arg if hook.args.args else "vcr"
        names = [a.arg for a in hook.args.args]
        vcr = "vcr" if "vcr" in names else vcr
        for i, stmt in enumerate(hook.body):
            if isinstance(stmt, ast.Pass) or (i == 0 and isinstance(stmt, ast.Expr) and
                                              isinstance(stmt.value, ast.Constant)):
                continue
            if isinstance(stmt, ast.Expr) and isinstance(stmt.value, ast.Call) and \
                    isinstance(stmt.value.func, ast.Attribute) and stmt.value.func.attr == "register_matcher" and \
                    isinstance(stmt.value.func.value, ast.Name) and stmt.value.func.value.id == vcr:
                continue
            return Doubt("pytest_recording_configure changes how cassettes are read or named",
                         f"{info.rel}:{stmt.lineno}")
        return None

    # --- fixtures as pytest resolves them ---

    def _definition(self, module: ModuleInfo, name: str) -> tuple[Any, ModuleInfo | None] | Doubt | None:
        """The fixture ``name`` that applies to ``module``: (function, where it is defined), a Doubt when it
        cannot be known, or None for the plugin's own."""
        if name in module.class_fixtures:
            return Doubt(f"fixture {name} is defined in a class", f"{module.rel}:{module.class_fixtures[name]}")
        if name in module.fixtures:
            return module.fixtures[name], module
        chain = [self._info(c) for c in reversed(self.config.conftests(os.path.dirname(module.path)))]
        for conf in chain:
            if conf.error:
                return Doubt(f"conftest.py does not parse: {conf.error}", conf.rel)
            if name in conf.fixtures:
                return conf.fixtures[name], conf
        for plugin in [p for conf in chain for p in conf.plugins] + module.plugins + list(self.config.plugins):
            found = self._plugin(plugin)
            if isinstance(found, Doubt):
                return found
            if found is not None and name in found.fixtures:
                return found.fixtures[name], found
        return None

    def _plugin(self, dotted: str) -> ModuleInfo | Doubt | None:
        if dotted in HARMLESS_PLUGINS or dotted.split(".")[0] in ("_pytest", "pytest"):
            return None
        rel = dotted.replace(".", os.sep)
        for base in (self.rootdir, os.path.join(self.rootdir, "src"), self.root):
            for candidate in (os.path.join(base, rel + ".py"), os.path.join(base, rel, "__init__.py")):
                if os.path.isfile(candidate):
                    return self._info(candidate)
        return Doubt(f"the pytest configuration loads plugin {dotted}, which is not in the project and may name "
                     "cassettes", self.config.inifile and os.path.relpath(self.config.inifile, self.rootdir) or dotted)

    def _module_name(self, module: ModuleInfo) -> str:
        rel = os.path.relpath(module.path, self.rootdir)
        if self.config.import_mode == "importlib":
            return rel[:-3].replace(os.sep, ".")
        parts = [os.path.basename(module.path)[:-3]]
        d = os.path.dirname(module.path)
        while os.path.isfile(os.path.join(d, "__init__.py")) and os.path.dirname(d) != d:
            parts.append(os.path.basename(d))
            d = os.path.dirname(d)
        return ".".join(reversed(parts))

    def _context(self, module: ModuleInfo, test: TestDef | None = None, param: str | None = None) -> TestContext:
        if test is None:
            return TestContext(module.path, self._module_name(module))
        node = test.function + (f"[{param}]" if param is not None else "")
        return TestContext(module.path, self._module_name(module), node, test.function,
                           test.classes[-1] if test.classes else None)

    def _evaluate(self, fn: Any, where: ModuleInfo, module: ModuleInfo, ctx: TestContext,
                  known: dict[str, Any] | None = None) -> Any:
        return Evaluator(fn, where.path, where.imports, known).value(ctx)

    def _doubt(self, exc: Unknown) -> Doubt:
        file, _, line = exc.where.rpartition(":")
        return Doubt(exc.reason, f"{os.path.relpath(file, self.root).replace(os.sep, '/')}:{line}")

    def scheme(self, module: ModuleInfo, plugin: str) -> Scheme:
        """How ``plugin`` names the cassettes of ``module``'s tests (folder, name, suffix), or what stops it."""
        key = (module.path, plugin)
        known = self._schemes.get(key)
        if known is None:
            known = self._schemes[key] = self._scheme(module, plugin)
        return known

    def _scheme(self, module: ModuleInfo, plugin: str) -> Scheme:
        blockers: list[Doubt] = []
        vcr = self._definition(module, "vcr")
        if isinstance(vcr, Doubt):
            blockers.append(vcr)
        elif vcr is not None:
            blockers.append(Doubt("fixture vcr is overridden", f"{vcr[1].rel if vcr[1] else '?'}:{vcr[0].lineno}"))
        # the folder
        folder: str | None = None
        folder_doubt: Doubt | None = None
        found = self._definition(module, "vcr_cassette_dir")
        here = os.path.dirname(module.path)
        stem = os.path.basename(module.path)[:-3]
        if isinstance(found, Doubt):
            folder_doubt = found
        elif found is None:
            folder = os.path.join(here, "cassettes", stem) if plugin == RECORDING else os.path.join(here, "cassettes")
        else:
            try:
                value = self._evaluate(found[0], found[1] or module, module, self._context(module))
                folder = _absolute(str(value), self.rootdir)
            except Unknown as exc:
                folder_doubt = self._doubt(exc)
        # vcr_config
        suffix, library = ".yaml", None
        config = self._definition(module, "vcr_config")
        if isinstance(config, Doubt):
            blockers.append(config)
        elif config is not None:
            fn, where = config
            known = {"vcr_cassette_dir": folder} if folder is not None else {}
            try:
                naming: ConfigNaming = config_naming(fn, (where or module).path, (where or module).imports,
                                                     self._context(module), known)
            except Unknown as exc:
                blockers.append(self._doubt(exc))
            else:
                if naming.serializer and plugin == RECORDING:
                    suffix = "." + naming.serializer
                if naming.serializer and plugin == PYTEST_VCR:
                    pass  # pytest-vcr keeps its .yaml path_transformer whatever the serializer
                if naming.suffix:
                    suffix = naming.suffix
                if isinstance(naming.library_dir, Unknown):  # e.g. the vcr_cassette_dir that was not computed
                    folder, folder_doubt = None, folder_doubt or self._doubt(naming.library_dir)
                elif naming.library_dir is not None:
                    library = _absolute(str(naming.library_dir), self.rootdir)
        # the name
        name_fixture = None
        name_doubt: Doubt | None = None
        found = self._definition(module, "default_cassette_name" if plugin == RECORDING else "vcr_cassette_name")
        if isinstance(found, Doubt):
            name_doubt = found
        elif found is not None:
            name_fixture = (found[0], found[1] or module)
        return Scheme(plugin, library or folder, folder_doubt if library is None else None, name_fixture, name_doubt,
                      suffix, library, blockers)

    def _name(self, scheme: Scheme, module: ModuleInfo, test: TestDef, param: str | None) -> str:
        """The default cassette name of a test (Unknown when an override cannot be computed)."""
        if test.default_mark is not None and scheme.plugin == RECORDING:
            return test.default_mark
        if scheme.name_fixture is not None:
            fn, where = scheme.name_fixture
            return str(Evaluator(fn, where.path, where.imports).value(self._context(module, test, param)))
        return default_name(scheme.plugin, test, param, scheme.suffix)

    # --- claims ---

    def _test_id(self, module: ModuleInfo, test: TestDef, param: str | None) -> str:
        rel = os.path.relpath(module.path, self.root).replace(os.sep, "/")
        return "::".join((rel, *test.classes, test.function)) + (f"[{param}]" if param is not None else "")

    def _claim(self, module: ModuleInfo) -> None:
        if module.error:
            self.anywhere.append(Doubt(module.error, module.rel))
            return
        for plugin in self.plugins:
            scheme = self.scheme(module, plugin)
            if scheme.blockers:
                self.anywhere.extend(scheme.blockers)
                continue
            if scheme.folder is not None:
                self.folders.setdefault(scheme.folder, []).append(module)
            elif module.tree is not None and not any(m is module for m in self.unknown_folders):
                self.unknown_folders.append(module)  # a module that names cassettes (a skimmed one never does)
            for doubt in module.any_name:
                self._claim_any(scheme, doubt)
            for test in module.tests:
                for doubt in test.doubts:
                    self._claim_any(scheme, doubt)
                # not parametrized: its plain name; unknown parameters: the plain name and any [params]
                params: list[str | None] = [None] if test.params == [] else \
                    list(test.params) if test.params is not None else [None, "\x00"]
                for param in params:
                    test_id = self._test_id(module, test, None if param == "\x00" else param)
                    try:
                        name = self._name(scheme, module, test, param)
                    except Unknown as exc:
                        self._claim_any(scheme, self._doubt(exc))
                        continue
                    if scheme.name_doubt is not None and test.default_mark is None:
                        self._claim_any(scheme, scheme.name_doubt)
                        continue
                    self._claim_name(scheme, name, test_id, pattern=param == "\x00")
                for extra in test.extra:
                    path = extra if os.path.isabs(extra) else (os.path.join(scheme.folder, extra)
                                                               if scheme.folder else None)
                    test_id = self._test_id(module, test, None)
                    if path is None:
                        self.names_anywhere.setdefault(split_stem(extra)[0], []).append(
                            (test_id, scheme.folder_doubt or Doubt("unknown folder", module.rel)))
                    else:
                        self.exact.setdefault((os.path.dirname(path), split_stem(path)[0]), []).append(test_id)
                for used in test.vcrpy:
                    self.names_anywhere.setdefault(split_stem(used)[0], []).append(
                        (self._test_id(module, test, None), Doubt(f"use_cassette({used!r})", module.rel)))

    def _claim_any(self, scheme: Scheme, doubt: Doubt) -> None:
        if scheme.folder is None:
            self.anywhere.append(doubt)
        else:
            self.folder_any.setdefault(scheme.folder, []).append(doubt)

    def _claim_name(self, scheme: Scheme, name: str, test_id: str, pattern: bool) -> None:
        # a pattern is an fnmatch glob: brackets are literal, the unknown parameters any text
        stem = split_stem(ensure_suffix(name, scheme.suffix))[0] if not pattern else \
            name.replace("[", "[[]").replace("\x00", "*")
        if scheme.folder is not None:
            if pattern:
                self.patterns.setdefault(scheme.folder, GlobIndex()).add(stem, test_id)
            else:
                self.exact.setdefault((scheme.folder, stem), []).append(test_id)
        else:
            doubt = scheme.folder_doubt or Doubt("unknown folder", test_id)
            if pattern:
                self.patterns_anywhere.add(stem, (test_id, doubt))
            else:
                self.names_anywhere.setdefault(stem, []).append((test_id, doubt))

    # --- judging one cassette ---

    def producible(self, stem: str) -> bool:
        """Whether a default name could be this stem: ``[Class.]function[params]`` as the configuration
        collects them (or a shortened ``prefix...md5``)."""
        head, bracket, rest = stem.partition("[")
        if bracket and not rest.endswith("]"):
            return False
        parts = head.split(".")
        if len(parts) > 2 or not all(p.isidentifier() for p in parts):
            return False
        if len(parts) == 2 and not self.config.collects_class(parts[0]):
            return False
        return self.config.collects_function(parts[-1])

    def judge(self, path: str, force: bool = False) -> "Judgement":
        """What the naming proves of one cassette. An orphan verdict stands only when every test path could be
        read and the module it rests on is there and not empty (or proven absent); else the cassette is kept.
        ``force``: an empty module, or one a sparse checkout left out, is judged as it is."""
        judged = self._judge(path)
        if judged.status != "orphan":
            return judged
        if self.unreadable:
            n = len(self.unreadable)
            text = (f"{n} test path{'s' if n != 1 else ''} could not be read (e.g. {self.unreadable[0]}): a test "
                    "there may use it")
            return Judgement("kept", judged.test_id, text, text)
        if judged.module is None:
            return judged
        from recordings.presence import ABSENT, EMPTY, PRESENT, SPARSE, Checker

        if self._files is None:
            self._files = Checker(self.root)
        state = self._files.state(judged.module)
        if state.status in (PRESENT, ABSENT) or (force and state.status in (EMPTY, SPARSE)):
            return judged
        if state.status in (EMPTY, SPARSE):
            return Judgement("kept", judged.test_id, f"{state.reason}: kept unless --force",
                             "its test module is empty or missing from a checkout: kept unless --force")
        return Judgement("kept", judged.test_id, f"{state.reason}: kept", f"{state.reason}: kept")

    def _judge(self, path: str) -> "Judgement":
        path = os.path.abspath(path)
        folder, (stem, _suffix) = os.path.dirname(path), split_stem(path)
        owners = self.exact.get((folder, stem))
        if owners:
            return Judgement("alive", owners[0])
        index = self.patterns.get(folder)
        test_id = index.match(stem) if index is not None else None
        if test_id is not None:
            params = stem.partition("[")[2][:-1]
            return Judgement("kept", test_id, f"parameters [{params}] cannot be checked: the test's parametrize "
                                              "is not literal (or parameters come from fixtures): kept",
                             "parameters cannot be checked: the test's parametrize is not literal (or parameters "
                             "come from fixtures)")
        if self.anywhere:
            d = self.anywhere[0]
            return Judgement("kept", None, d.text(), f"{d.reason} ({d.where}): nothing can be told about cassettes "
                                                     "statically")
        if folder in self.folder_any:
            d = self.folder_any[folder][0]
            return Judgement("kept", None, d.text(), f"{d.reason} ({d.where}): any name in its folder may be used")
        named = self.names_anywhere.get(stem)
        if named:
            test_id, d = named[0]
            return Judgement("kept", test_id, f"may belong to {test_id}: {d.text()}",
                             f"{d.reason} ({d.where}): cassettes are judged by name only, and these are named "
                             "after tests that exist")
        anywhere = self.patterns_anywhere.match(stem)
        if anywhere is not None:
            test_id, d = anywhere
            return Judgement("kept", test_id, f"may belong to {test_id}: {d.text()}",
                             f"{d.reason} ({d.where}): cassettes are judged by name only, and these are "
                             "named after tests that exist")
        if not self.producible(stem):
            return Judgement("kept", None, f"{stem!r} is not a name the recorder gives a test",
                             "not named by the recorder (no [Class.]test[params] name that "
                             f"{'/'.join(self.plugins)} gives a test): written by other code")
        return self._orphan(folder, stem)

    def _orphan(self, folder: str, stem: str) -> "Judgement":
        head, bracket, rest = stem.partition("[")
        parts = head.split(".")
        cls, function = (parts[0] if len(parts) == 2 else None), parts[-1]
        params = rest[:-1] if bracket else None
        writers = self.folders.get(folder, [])
        default_module = self._default_module(folder)
        if writers:
            module = next((m for m in writers if m.path == default_module), writers[0])
            for m in writers:
                if m.any_name:
                    d = m.any_name[0]
                    return Judgement("kept", None, f"function {function} not found, but {d.reason} ({d.where})",
                                     f"{d.reason} ({d.where})")
                if cls is not None and cls in m.class_any:
                    d = m.class_any[cls]
                    return Judgement("kept", None, f"{cls}.{function} not found, but {d.reason} ({d.where})",
                                     f"{d.reason} ({d.where})")
            reason = self._gone(module, cls, function, params)
            test_id = self._label(module, cls, function, params)
            return Judgement("orphan", test_id, reason, module=module.path)
        if self.unknown_folders:  # modules that may write anywhere: none of them has a test of this name
            return Judgement("orphan", None, f"no test is named {stem}: {self._unknown_folders_text()} have no "
                                             "test of this name")
        if default_module is not None and not os.path.lexists(default_module):
            rel = os.path.relpath(default_module, self.root).replace(os.sep, "/")
            return Judgement("orphan", "::".join((rel, *([cls] if cls else []), function)) +
                             (f"[{params}]" if params is not None else ""), "file gone", module=default_module)
        return Judgement("kept", None, "no test's naming puts a cassette in this folder",
                         "no test's naming puts a cassette in this folder: written by other code")

    def _unknown_folders_text(self) -> str:
        """``the 58 test modules whose cassette folder vcr_cassette_dir (conftest.py:381) computes at run time``."""
        n = len(self.unknown_folders)
        doubts = {d.text() for m in self.unknown_folders for p in self.plugins
                  for d in (self.scheme(m, p).folder_doubt,) if d is not None}
        why = f" ({sorted(doubts)[0]})" if len(doubts) == 1 else ""
        return f"the {n} test module{'s' if n != 1 else ''} whose cassette folder is computed at run time{why}"

    def _default_module(self, folder: str) -> str | None:
        """The module pytest-recording's default layout gives this folder (``<d>/cassettes/<m>`` → ``<d>/<m>.py``)."""
        parent = os.path.dirname(folder)
        if os.path.basename(parent) == "cassettes" and RECORDING in self.plugins:
            return os.path.join(os.path.dirname(parent), os.path.basename(folder) + ".py")
        return None

    def _label(self, module: ModuleInfo, cls: str | None, function: str, params: str | None) -> str:
        rel = os.path.relpath(module.path, self.root).replace(os.sep, "/")
        classes: tuple[str, ...] = ()
        if cls is not None:  # the class path of a nested class, when the module has it
            classes = next((t.classes for t in module.tests if t.classes and t.classes[-1] == cls), (cls,))
        return "::".join((rel, *classes, function)) + (f"[{params}]" if params is not None else "")

    def _gone(self, module: ModuleInfo, cls: str | None, function: str, params: str | None) -> str:
        same = [t for t in module.tests if t.function == function and (t.classes[-1:] == ((cls,) if cls else ()))]
        if same:
            test = same[0]
            if params is not None and test.params:
                return f"parameter no longer collected: [{params}] is not among the literal parametrize values"
            if params is None and test.params:
                return f"its test is parametrized now: its cassettes are named {function}[…]"
            scheme = self.scheme(module, self.plugins[0])
            try:
                now = self._name(scheme, module, test, params)
            except Unknown:
                now = "another name"
            return f"its test uses another cassette name now ({now})"
        if cls is not None:
            if any(cls in t.classes for t in module.tests):
                return "method gone"
            return "class gone"
        return "function gone"

    def doubts(self) -> list[Doubt]:
        """Every doubt, once, in the order found."""
        seen: dict[Doubt, None] = {}
        for d in self.anywhere:
            seen.setdefault(d, None)
        for ds in self.folder_any.values():
            for d in ds:
                seen.setdefault(d, None)
        for items in self.names_anywhere.values():
            for _t, d in items:
                seen.setdefault(d, None)
        return list(seen)


class GlobIndex:
    """Globs of cassette stems with what each stands for, found for a stem without trying them all: each is
    filed under its literal start (what comes before its first wildcard), and a stem is matched only against
    the globs whose literal start it begins with (crewAI: 355,000 fnmatch calls became a few hundred)."""

    def __init__(self) -> None:
        self._by_start: dict[str, list[tuple[int, str, Any]]] = {}
        self._lengths: list[int] = []
        self._added = 0

    def add(self, glob: str, payload: Any) -> None:
        start = re.split(r"[*?\[]", glob, maxsplit=1)[0]
        bucket = self._by_start.setdefault(start, [])
        if not bucket:
            self._lengths = sorted({*self._lengths, len(start)})
        bucket.append((self._added, glob, payload))
        self._added += 1

    def __bool__(self) -> bool:
        return bool(self._by_start)

    def match(self, stem: str) -> Any:
        """The payload of the first glob (in the order added) that matches ``stem``, or None."""
        best: tuple[int, Any] | None = None
        for n in self._lengths:
            if n > len(stem):
                break
            for seq, glob, payload in self._by_start.get(stem[:n], ()):
                if (best is None or seq < best[0]) and fnmatch.fnmatchcase(stem, glob):
                    best = (seq, payload)
                    break
        return best[1] if best is not None else None


def _absolute(path: str, base: str) -> str:
    return os.path.normpath(path if os.path.isabs(path) else os.path.join(base, path))


@dataclass(frozen=True)
class Judgement:
    """What the project's naming says of one cassette: ``alive``, ``orphan`` or ``kept``."""

    status: str
    test_id: str | None
    reason: str = ""
    why: str = ""  # what a summary line groups kept cassettes by (the doubt, named once)
    module: str | None = None  # the test module an orphan verdict rests on (read, or proven absent)


_PROJECTS: dict[str, tuple[Any, ProjectNaming]] = {}


def naming_scope(root: str) -> str:
    """The folder whose tests are read for ``root``: the pytest rootdir above it when that configuration
    runs ``root``'s tests (no ``testpaths``, or one that reaches into ``root``: a workspace whose root
    conftest.py names every member's cassettes), else ``root`` itself."""
    root = os.path.abspath(root)
    config = read_config(root)
    if config.inifile is None or config.rootdir == root or not (root + os.sep).startswith(config.rootdir + os.sep):
        return root
    if not config.testpaths:
        return config.rootdir
    for p in config.testpaths:
        target = os.path.abspath(os.path.join(config.rootdir, p))
        if (target + os.sep).startswith(root + os.sep) or (root + os.sep).startswith(target + os.sep):
            return config.rootdir
    return root


def project_naming(root: str, stamp: str | None = None) -> ProjectNaming:
    """The naming of the project ``root`` belongs to, built once per process while its files are unchanged
    (``stamp``: the project's :func:`_stamp`, when the caller took it already)."""
    scope = naming_scope(root)
    hit = _PROJECTS.get(scope)
    stamp = stamp or _stamp(scope)
    if hit is not None and hit[0] == stamp:
        return hit[1]
    naming = ProjectNaming(scope)
    if len(_PROJECTS) > 16:
        _PROJECTS.clear()
    _PROJECTS[scope] = (stamp, naming)
    return naming


def _stamp(root: str) -> str:
    """A digest of the path, size, mtime, inode and mode of every Python and configuration file of the project, and
    of every folder that could not be read: any edit, addition, removal or lost permission changes it. It is
    the same in every process (a run's naming can be recalled by the next run while it is unchanged)."""
    out = []
    unreadable: list[str] = []

    def failed(exc: OSError) -> None:
        unreadable.append(f"{exc.filename}: {exc.errno}")

    for dirpath, dirnames, filenames in os.walk(root, onerror=failed):
        dirnames[:] = [d for d in dirnames if d not in SKIP_DIRS and not d.startswith(".")]
        for f in filenames:
            if f.endswith((".py", ".toml", ".ini", ".cfg")):
                path = os.path.join(dirpath, f)
                try:
                    st = os.stat(path)
                except OSError as exc:
                    out.append(f"{path}\0{exc.errno}")
                    continue
                out.append(f"{path}\0{st.st_size}\0{st.st_mtime_ns}\0{st.st_ino}\0{st.st_mode}")
    digest = hashlib.blake2b(digest_size=16)
    for item in sorted(out) + sorted(unreadable):
        digest.update(item.encode("utf-8", "surrogateescape") + b"\n")
    return digest.hexdigest()


class Session:
    """The naming of every project met during one run (a scan, a prune plan): each project is read, and
    checked for changes, once per session."""

    def __init__(self) -> None:
        self._projects: dict[str, ProjectNaming] = {}
        self._scopes: dict[str, str] = {}
        self._roots: dict[str, str] = {}
        # what an earlier run found (recall), and this run's tests of cassettes per project: scope ->
        # {"stamp": the project's files, "tests": {cassette path: test id or None}}
        self._recalled: dict[str, Any] = {}
        self._tests: dict[str, dict[str, Any]] = {}
        self._found_new = False  # a test worked out this run, not recalled: worth keeping

    def recall(self, known: Any) -> None:
        """The tests an earlier run found (what :meth:`known` gave it): used for a project whose files have not
        changed since, so that a repeat ``ls`` need not read its test modules again. Anything malformed is
        ignored. Only :meth:`test_of` uses them; a verdict (:meth:`judge`) is always worked out afresh."""
        if isinstance(known, dict):
            self._recalled = known

    def known(self) -> dict[str, Any] | None:
        """The tests this run found, per project, for :meth:`recall` (None when nothing new was found)."""
        if not self._found_new:
            return None
        merged = {**self._recalled, **self._tests}
        return dict(list(merged.items())[-16:])  # the projects of this run last: kept first

    def _scope(self, root: str) -> str:
        scope = self._scopes.get(root)
        if scope is None:
            scope = self._scopes[root] = naming_scope(root)
        return scope

    def _memo(self, root: str) -> dict[str, Any]:
        scope = self._scope(root)
        memo = self._tests.get(scope)
        if memo is None:
            stamp = _stamp(scope)
            earlier = self._recalled.get(scope)
            tests = earlier.get("tests") if isinstance(earlier, dict) and earlier.get("stamp") == stamp else None
            memo = self._tests[scope] = {"stamp": stamp, "tests": dict(tests) if isinstance(tests, dict) else {}}
        return memo

    def naming(self, root: str) -> ProjectNaming:
        scope = self._scope(root)
        found = self._projects.get(scope)
        if found is None:
            memo = self._tests.get(scope)  # its stamp, when test_of took it: the project is walked once a run
            found = self._projects[scope] = project_naming(scope, memo["stamp"] if memo else None)
        return found

    def judge(self, path: str, root: str, force: bool = False) -> Judgement:
        return self.naming(root).judge(path, force)

    def test_of(self, path: str) -> str | None:
        """The pytest node id of the test that uses this cassette (or used it: an orphan's gone test, when the
        proven naming names it), or a test that exists with its name; None otherwise (and for a project that
        cannot be read)."""
        from recordings.project import find_project_root

        folder = os.path.dirname(os.path.abspath(path))
        root = self._roots.get(folder)
        if root is None:  # from the folder above the cassette's; without a project, the cassettes' parent
            found = find_project_root(os.path.dirname(folder))
            if found.guessed:
                parts = folder.split(os.sep)
                if "cassettes" in parts:
                    last = len(parts) - 1 - parts[::-1].index("cassettes")
                    found = type(found)(os.sep.join(parts[:last]) or os.sep, None)
            root = self._roots[folder] = found.path
        try:
            memo = self._memo(root)
            tests = memo["tests"]
            key = os.path.abspath(path)
            if key in tests and (tests[key] is None or isinstance(tests[key], str)):
                return tests[key]
            test_id = self.judge(path, root).test_id
        except (OSError, ValueError, RecursionError):
            return None
        tests[key] = test_id
        self._found_new = True
        return test_id
