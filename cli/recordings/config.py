"""The ``[tool.recordings]`` table of a project's pyproject.toml.

::

    [tool.recordings]
    python = ".venv/bin/python"        # prune --collect runs pytest with it
    recording_dir = "tests/integration/common"  # the recorder's base folder (explain)
    placeholders = ["MYCO-FAKE-*"]     # values that stand in for a credential (globs, any case): validate
                                       # never reports them, scrub keeps them

    [tool.recordings.providers]        # the project's own hosts: host or host:port = provider
    "localhost:8000" = "vllm"

    [tool.recordings.scrub]            # normalize on cassettes
    remove = ["x-trace-id"]            # response headers removed besides the volatile ones
    keep = ["date"]                    # volatile headers to keep
    placeholder = "<redacted>"         # what credential values become
    ignore = ["name"]                  # rule ids never reported
    severity = { bytes = "error" }     # rule id -> error | warning

    [[tool.recordings.overrides]]      # per path glob, relative to pyproject.toml
    paths = ["tests/integration/legacy/**"]
    ignore = ["hash"]
    severity = { normalized = "error" }
"""

from __future__ import annotations

import os
import sys
from dataclasses import dataclass, field
from fnmatch import fnmatchcase
from typing import Any

from recordings.errors import RecordingsError

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - exercised on 3.10 only
    import tomli as tomllib

SEVERITIES = ("error", "warning")


class ConfigError(RecordingsError):
    pass


@dataclass(frozen=True)
class Override:
    paths: tuple[str, ...]
    ignore: frozenset[str] = frozenset()
    severity: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class Config:
    root: str | None = None
    ignore: frozenset[str] = frozenset()
    severity: dict[str, str] = field(default_factory=dict)
    overrides: tuple[Override, ...] = ()
    python: str | None = None  # the interpreter `prune --collect` runs pytest with
    recording_dir: str | None = None  # the recorder's base folder (explain's shared fallback)
    scrub: dict[str, Any] = field(default_factory=dict)  # [tool.recordings.scrub]: remove, keep, placeholder
    placeholders: tuple[str, ...] = ()  # the project's own placeholder values (globs)

    def _matching(self, path: str) -> list[Override]:
        if not self.overrides:
            return []
        rel = os.path.relpath(os.path.abspath(path), self.root or os.getcwd()).replace(os.sep, "/")
        return [o for o in self.overrides if any(fnmatchcase(rel, g) for g in o.paths)]

    def resolve(self, path: str, rule: str, severity: str) -> str | None:
        """The severity of ``rule`` for ``path``, or None when it is ignored there."""
        if rule in self.ignore:
            return None
        severity = self.severity.get(rule, severity)
        for o in self._matching(path):
            if rule in o.ignore:
                return None
            severity = o.severity.get(rule, severity)
        return severity


def _severities(value: Any, where: str, known: set[str]) -> dict[str, str]:
    if value is None:
        return {}
    if not isinstance(value, dict):
        raise ConfigError(f"{where}: severity must be a table of rule = \"error\" | \"warning\"")
    for rule, sev in value.items():
        if rule not in known:
            raise ConfigError(f"{where}: unknown rule {rule!r}")
        if sev not in SEVERITIES:
            raise ConfigError(f"{where}: severity of {rule!r} must be \"error\" or \"warning\"")
    return dict(value)


def _ids(value: Any, where: str, known: set[str]) -> frozenset[str]:
    if value is None:
        return frozenset()
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise ConfigError(f"{where}: ignore must be a list of rule ids")
    for v in value:
        if v not in known:
            raise ConfigError(f"{where}: unknown rule {v!r}")
    return frozenset(value)


def find_pyproject(start: str) -> str | None:
    """The ``pyproject.toml`` of the project ``start`` belongs to (its root, found in one place:
    :func:`recordings.project.find_project_root`), or None."""
    from recordings.project import find_project_root

    candidate = os.path.join(find_project_root(start).path, "pyproject.toml")
    return candidate if os.path.isfile(candidate) else None


def _project_settings(providers: dict[str, str], placeholders: list[str]) -> None:
    """The settings every command reads wherever it runs (this process and its workers): the project's
    host map and its placeholders (one setting for validate and scrub)."""
    from recordings.placeholders import use_project_patterns
    from recordings.providers import use_project_map

    use_project_patterns(placeholders)
    use_project_map(providers)


def apply_project_settings(start: str = ".") -> None:
    """Read only the settings every command honours (``providers``, ``placeholders``) from the project's
    ``[tool.recordings]`` and apply them; ConfigError when they are malformed. Cheaper than
    :func:`load_config`: no rule id is checked, so the rule registry is not imported."""
    path = find_pyproject(start)
    table: Any = None
    if path is not None:
        try:
            with open(path, "rb") as fh:
                table = tomllib.load(fh).get("tool", {}).get("recordings")
        except (OSError, tomllib.TOMLDecodeError) as exc:
            raise ConfigError(f"{path}: {exc}") from None
    if not isinstance(table, dict):
        _project_settings({}, [])
        return
    _project_settings(_providers(table, f"{path} [tool.recordings]"), _placeholders(table, f"{path} [tool.recordings]"))


def _providers(table: dict[str, Any], where: str) -> dict[str, str]:
    providers = table.get("providers") or {}
    if not isinstance(providers, dict) or not all(isinstance(k, str) and isinstance(v, str) and v
                                                  for k, v in providers.items()):
        raise ConfigError(f"{where}.providers: a table of host (or host:port) = provider name")
    return providers


def _placeholders(table: dict[str, Any], where: str) -> list[str]:
    placeholders = table.get("placeholders") or []
    if not isinstance(placeholders, list) or not all(isinstance(p, str) and p for p in placeholders):
        raise ConfigError(f"{where}: placeholders must be a list of globs (e.g. \"MYCO-FAKE-*\")")
    return placeholders


def load_config(known_rules: set[str] | None = None, start: str = ".", path: str | None = None) -> Config:
    """``[tool.recordings]`` of the corpus's project root (from ``start``), or of ``path`` when given.

    ``known_rules``: the rule ids ``ignore`` and ``severity`` may name (default: the registry's,
    imported only when the table names rules)."""
    path = path or find_pyproject(start)
    if path is None:
        _project_settings({}, [])
        return Config()
    try:
        with open(path, "rb") as fh:
            data = tomllib.load(fh)
    except (OSError, tomllib.TOMLDecodeError) as exc:
        raise ConfigError(f"{path}: {exc}") from None
    table = data.get("tool", {}).get("recordings")
    if table is None:
        _project_settings({}, [])
        return Config(root=os.path.dirname(path))
    where = f"{path} [tool.recordings]"
    if known_rules is None and ("overrides" in table or "ignore" in table or "severity" in table):
        from recordings.rules import RULES

        known_rules = set(RULES)
    known = known_rules or set()
    overrides = []
    for i, o in enumerate(table.get("overrides") or []):
        w = f"{where} overrides[{i}]"
        paths = o.get("paths")
        if not isinstance(paths, list) or not paths or not all(isinstance(p, str) for p in paths):
            raise ConfigError(f"{w}: paths must be a non-empty list of globs")
        overrides.append(Override(tuple(paths), _ids(o.get("ignore"), w, known),
                                  _severities(o.get("severity"), w, known)))
    python = table.get("python")
    if python is not None and (not isinstance(python, str) or not python):
        raise ConfigError(f"{where}: python must be the path or name of an interpreter")
    if python and not os.path.isabs(python) and os.sep in python:  # relative to pyproject.toml
        python = os.path.join(os.path.dirname(os.path.abspath(path)), python)
    scrub = table.get("scrub") or {}
    if not isinstance(scrub, dict) or any(
            k not in ("remove", "keep", "placeholder") for k in scrub) or not all(
            isinstance(scrub.get(k, []), list) and all(isinstance(x, str) for x in scrub.get(k, []))
            for k in ("remove", "keep")) or not isinstance(scrub.get("placeholder", ""), str):
        raise ConfigError(f"{where}.scrub: remove and keep are lists of header names, placeholder a string")
    recording_dir = table.get("recording_dir")
    if recording_dir is not None and (not isinstance(recording_dir, str) or not recording_dir):
        raise ConfigError(f"{where}: recording_dir must be a folder")
    placeholders = _placeholders(table, where)
    _project_settings(_providers(table, where), placeholders)
    return Config(
        root=os.path.dirname(os.path.abspath(path)),
        python=python,
        recording_dir=recording_dir,
        scrub=dict(scrub),
        ignore=_ids(table.get("ignore"), where, known),
        severity=_severities(table.get("severity"), where, known),
        overrides=tuple(overrides),
        placeholders=tuple(placeholders),
    )
