"""A project's pytest configuration, read as pytest reads it: which files, classes and functions it
collects, which plugins it loads, and up to which folder ``conftest.py`` files apply.

pytest looks for its configuration file upwards from the folder it runs in: the first
``pytest.ini``, ``.pytest.ini``, ``pyproject.toml`` with ``[tool.pytest.ini_options]``, ``tox.ini``
with ``[pytest]`` or ``setup.cfg`` with ``[tool:pytest]``. That file's folder is the rootdir, and
``conftest.py`` files are read from a test's folder up to it (``confcutdir``). Names are collected
when they match ``python_files`` (default ``test_*.py *_test.py``), ``python_classes`` (``Test``)
and ``python_functions`` (``test``): each pattern is a name prefix, or a glob when it holds a glob
character.
"""

from __future__ import annotations

import configparser
import sys
import os
import shlex
from dataclasses import dataclass, field
from fnmatch import fnmatchcase

DEFAULT_FILES = ("test_*.py", "*_test.py")
DEFAULT_CLASSES = ("Test",)
DEFAULT_FUNCTIONS = ("test",)


@dataclass(frozen=True)
class PytestConfig:
    """What decides which tests exist and which conftest.py files apply."""

    inifile: str | None  # the configuration file pytest uses, or None (defaults)
    rootdir: str  # absolute: the inifile's folder (or the folder the search began in)
    python_files: tuple[str, ...] = DEFAULT_FILES
    python_classes: tuple[str, ...] = DEFAULT_CLASSES
    python_functions: tuple[str, ...] = DEFAULT_FUNCTIONS
    testpaths: tuple[str, ...] = ()
    addopts: tuple[str, ...] = ()
    plugins: tuple[str, ...] = ()  # modules named by -p in addopts (not the no: ones)
    import_mode: str = "prepend"
    noconftest: bool = False
    dependencies: frozenset[str] = field(default_factory=frozenset)  # test plugins the project declares
    # folder -> its conftest chain, asked once per folder of a run (the files do not change under it)
    _chains: dict[str, list[str]] = field(default_factory=dict, compare=False, hash=False, repr=False)

    @property
    def confcutdir(self) -> str:
        for i, arg in enumerate(self.addopts):
            if arg.startswith("--confcutdir="):
                return _absolute(arg.split("=", 1)[1], self.rootdir)
            if arg == "--confcutdir" and i + 1 < len(self.addopts):
                return _absolute(self.addopts[i + 1], self.rootdir)
        return self.rootdir

    def collects_file(self, name: str) -> bool:
        return any(fnmatchcase(name, pattern) for pattern in self.python_files)

    def collects_class(self, name: str) -> bool:
        return _matches(name, self.python_classes)

    def collects_function(self, name: str) -> bool:
        return _matches(name, self.python_functions)

    def conftests(self, folder: str) -> list[str]:
        """The ``conftest.py`` files that apply to tests in ``folder``, outermost first."""
        if self.noconftest:
            return []
        folder = os.path.abspath(folder)
        known = self._chains.get(folder)
        if known is None:
            known = self._chains[folder] = self._conftests(folder)
        return list(known)

    def _conftests(self, folder: str) -> list[str]:
        stop = self.confcutdir
        chain = []
        d = folder
        while True:
            candidate = os.path.join(d, "conftest.py")
            if os.path.isfile(candidate):
                chain.append(candidate)
            if d == stop or os.path.dirname(d) == d or not (d + os.sep).startswith(stop.rstrip(os.sep) + os.sep):
                break
            d = os.path.dirname(d)
        return chain[::-1]


def _absolute(path: str, base: str) -> str:
    return os.path.normpath(path if os.path.isabs(path) else os.path.join(base, path))


def _matches(name: str, patterns: tuple[str, ...]) -> bool:
    for pattern in patterns:
        if any(c in pattern for c in "*?["):
            if fnmatchcase(name, pattern):
                return True
        elif name.startswith(pattern):
            return True
    return False


def _words(value: object) -> tuple[str, ...]:
    if isinstance(value, list):
        return tuple(str(v) for v in value)
    if isinstance(value, str):
        return tuple(value.split())
    return ()


def _ini_table(path: str) -> dict[str, object] | None:
    """The pytest settings of a configuration file, or None when it holds none."""
    name = os.path.basename(path)
    try:
        if name == "pyproject.toml":
            if sys.version_info >= (3, 11):
                import tomllib
            else:  # pragma: no cover - exercised on 3.10 only
                import tomli as tomllib

            with open(path, "rb") as fh:
                data = tomllib.load(fh)
            tool = data.get("tool", {}).get("pytest")
            if not isinstance(tool, dict):
                return None
            table = tool.get("ini_options", tool)
            return dict(table) if isinstance(table, dict) else None
        parser = configparser.RawConfigParser()
        parser.read(path, encoding="utf-8")
        section = {"pytest.ini": "pytest", ".pytest.ini": "pytest", "tox.ini": "pytest",
                   "setup.cfg": "tool:pytest"}[name]
        if not parser.has_section(section):
            return {} if name in ("pytest.ini", ".pytest.ini") else None  # pytest.ini counts even when empty
        return {k: v for k, v in parser.items(section)}
    except (OSError, ValueError, KeyError, configparser.Error):
        return None


def find_inifile(start: str) -> tuple[str | None, dict[str, object]]:
    """The configuration file pytest would use when run in ``start``, and its pytest settings."""
    d = os.path.abspath(start)
    while True:
        for name in ("pytest.ini", ".pytest.ini", "pyproject.toml", "tox.ini", "setup.cfg"):
            candidate = os.path.join(d, name)
            if os.path.isfile(candidate):
                table = _ini_table(candidate)
                if table is not None:
                    return candidate, table
        parent = os.path.dirname(d)
        if parent == d:
            return None, {}
        d = parent


_PLUGIN_NAMES = {"pytest-recording": ("pytest-recording", "pytest_recording"),
                 "pytest-vcr": ("pytest-vcr", "pytest_vcr")}


def declared_plugins(root: str) -> frozenset[str]:
    """The VCR plugins (``pytest-recording``, ``pytest-vcr``) a project's dependency files name."""
    texts = []
    for name in ("pyproject.toml", "setup.cfg", "setup.py", "tox.ini", "requirements.txt", "requirements-dev.txt",
                 "requirements-test.txt", "dev-requirements.txt", "test-requirements.txt", "Pipfile", "uv.lock",
                 "poetry.lock"):
        try:
            with open(os.path.join(root, name), "rb") as fh:
                texts.append(fh.read(4 << 20).decode("utf-8", "replace").lower())
        except OSError:
            continue
    joined = "\n".join(texts)
    return frozenset(p for p, spellings in _PLUGIN_NAMES.items() if any(s in joined for s in spellings))


def read_config(start: str) -> PytestConfig:
    """The pytest configuration that applies to tests run from ``start`` (a project root)."""
    start = os.path.abspath(start)
    inifile, table = find_inifile(start)
    rootdir = os.path.dirname(inifile) if inifile else start
    addopts = table.get("addopts")
    try:
        opts = tuple(shlex.split(addopts)) if isinstance(addopts, str) else _words(addopts)
    except ValueError:
        opts = _words(addopts)
    plugins, import_mode, noconftest = [], "prepend", False
    for i, arg in enumerate(opts):
        value = None
        if arg == "-p" and i + 1 < len(opts):
            value = opts[i + 1]
        elif arg.startswith("-p") and len(arg) > 2:
            value = arg[2:]
        if value and not value.startswith("no:"):
            plugins.append(value)
        if arg.startswith("--import-mode="):
            import_mode = arg.split("=", 1)[1]
        elif arg == "--import-mode" and i + 1 < len(opts):
            import_mode = opts[i + 1]
        if arg == "--noconftest":
            noconftest = True
    deps = declared_plugins(rootdir) | declared_plugins(start)
    return PytestConfig(
        inifile=inifile, rootdir=rootdir,
        python_files=_words(table.get("python_files")) or DEFAULT_FILES,
        python_classes=_words(table.get("python_classes")) or DEFAULT_CLASSES,
        python_functions=_words(table.get("python_functions")) or DEFAULT_FUNCTIONS,
        testpaths=_words(table.get("testpaths")), addopts=opts, plugins=tuple(plugins), import_mode=import_mode,
        noconftest=noconftest, dependencies=deps)
