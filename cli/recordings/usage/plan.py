"""Which recordings the logged test runs prove unused (the core of ``recordings prune --used DIR``).

A recording some test opened (or tried to) is used. Of the others, one is prunable only on proof:

* its test is known (the test id a recording names; the test a cassette's proven naming, or its name,
  points to): the test's module was covered by a run (see :mod:`.evidence`), and the test is either gone
  from that run's collection or passed without opening it. A test that did not pass (failed, error,
  skipped, xfailed) keeps it: it may stop before it opens its recordings;
* no test is known: every test module of the project was covered, some test opened a file in its folder,
  and every test that did not pass belongs to a module whose tests opened files only in other folders.

Anything else is kept, with the reason; a summary line names each reason once.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from typing import Any

from recordings.usage.evidence import PASSED, Evidence


@dataclass
class UseVerdict:
    status: str  # used | unused | kept
    reason: str = ""
    why: str = ""


@dataclass
class UseIndex:
    """The evidence of a folder of logs, asked about one recording file at a time."""

    evidence: Evidence
    root: str
    opened: dict[str, list[str]] = field(default_factory=dict)
    folders: dict[str, set[str]] = field(default_factory=dict)  # folder -> modules whose tests opened files there
    covered: dict[str, set[str]] = field(default_factory=dict)
    not_covered: dict[str, str] = field(default_factory=dict)
    outcomes: dict[str, set[str]] = field(default_factory=dict)
    missing_modules: list[str] = field(default_factory=list)  # test modules of the project no run covered

    def __post_init__(self) -> None:
        ev = self.evidence
        self.opened = ev.opened()
        self.covered, self.not_covered = ev.covered()
        self.outcomes = ev.outcomes()
        for p in ev.processes:
            for t in p.tests:
                module = ev.key(p.rootdir, t.nodeid).split("::", 1)[0]
                for path in t.files:
                    self.folders.setdefault(os.path.dirname(path), set()).add(module)
            for path in p.session_files:
                self.folders.setdefault(os.path.dirname(path), set()).add("(session)")
        self.missing_modules = [m for m in self._project_modules() if m not in self.covered]
        self._sanitized = {_sanitized(k): k for tests in self.covered.values() for k in tests}

    def _project_modules(self) -> list[str]:
        """Every test module (``python_files`` defining a test) under the rootdirs the logs ran in."""
        from recordings.testsource.config import read_config
        from recordings.testsource.modules import defines_tests

        out = []
        for rootdir in sorted(self.evidence.rootdirs() or {self.root}):
            config = read_config(rootdir)
            for dirpath, dirnames, filenames in os.walk(rootdir):
                dirnames[:] = sorted(d for d in dirnames if not d.startswith(".") and d not in (
                    "node_modules", "__pycache__", "venv", "site-packages", "build", "dist"))
                for f in sorted(filenames):
                    if f.endswith(".py") and config.collects_file(f):
                        path = os.path.join(dirpath, f)
                        if defines_tests(path, config):
                            out.append(os.path.normpath(path))
        return out

    def _test_key(self, test_id: str) -> str | None:
        """A recording's test id as a logged test's key (absolute module path::rest), when its module is known."""
        module, sep, rest = test_id.partition("::")
        for base in sorted(self.evidence.rootdirs()) + [self.root]:
            path = os.path.normpath(os.path.join(base, module))
            if path in self.covered or path in self.not_covered or os.path.isfile(path):
                return path + sep + rest
        return None

    def verdict(self, path: str, test_id: str | None) -> UseVerdict:
        path = os.path.abspath(path)
        if path in self.opened:
            return UseVerdict("used")
        if test_id:
            key = self._test_key(test_id)
            if key is not None:
                return self._by_test(key, test_id)
        return self._by_folder(path)

    def _by_test(self, key: str, test_id: str) -> UseVerdict:
        module = key.split("::", 1)[0]
        rel = os.path.relpath(module, self.root)
        if module not in self.covered:
            why = self.not_covered.get(module, "no run collected it")
            return UseVerdict("kept", f"no log covers its test's module {rel} ({why})",
                              f"no log covers the test's module ({why.split(' (')[0]})")
        tests = self.covered[module]
        found = key if key in tests else self._sanitized.get(_sanitized(key))
        if found is None:
            return UseVerdict("unused", f"unused: its test {test_id} is no longer collected (the module ran whole)")
        outcomes = self.outcomes.get(found, set())
        failing = sorted(o for o in outcomes if o not in PASSED)
        if failing or not outcomes:
            what = ", ".join(failing) or "did not run"
            return UseVerdict("kept", f"its test {test_id} did not pass ({what}): it may not have reached it",
                              "its test did not pass: it may not have reached it")
        return UseVerdict("unused", f"unused: its test {test_id} passed without opening it")

    def _by_folder(self, path: str) -> UseVerdict:
        folder = os.path.dirname(path)
        reached = self.folders.get(folder)
        if not reached:
            return UseVerdict("kept", "no logged test opened anything in its folder",
                              "no logged test opened anything in its folder")
        if self.missing_modules:
            m = os.path.relpath(self.missing_modules[0], self.root)
            return UseVerdict("kept", f"no test is known to own it, and {len(self.missing_modules)} test modules "
                                      f"were not run whole by the logs (e.g. {m})",
                              "no test is known to own it, and not every test module was run whole by the logs")
        for key, outcomes in self.outcomes.items():
            if all(o in PASSED for o in outcomes):
                continue
            module = key.split("::", 1)[0]
            elsewhere = [f for f, mods in self.folders.items() if module in mods]
            if not elsewhere or folder in elsewhere:
                return UseVerdict("kept", f"no test is known to own it, and {os.path.relpath(module, self.root)} has a "
                                          "test that did not pass and may use this folder",
                                  "no test is known to own it, and a test that did not pass may use its folder")
        return UseVerdict("unused", "unused: no test opened it, every test module ran whole, and every test that "
                                    "opens files in its folder passed")


def _sanitized(key: str) -> str:
    """A test key with pytest-recording's replacements in its parameters (a cassette name spells them so)."""
    from recordings.testsource.params import sanitized

    head, bracket, rest = key.partition("[")
    if not bracket:
        return key
    return head + "[" + sanitized(rest[:-1]) + "]"


def describe(evidence: Evidence) -> str:
    runs = evidence.runs()
    processes = len(evidence.processes)
    return (f"usage logs in {evidence.folder} ({len(evidence.logs)} log{'s' if len(evidence.logs) != 1 else ''}, "
            f"{len(runs)} run{'s' if len(runs) != 1 else ''}, {processes} process{'es' if processes != 1 else ''})")


def interactions_report(evidence: Evidence) -> list[dict[str, Any]]:
    """Cassettes with recorded interactions no use played (most played in one use, recorded)."""
    out = []
    for path, (played, total) in sorted(evidence.interactions().items()):
        if total and played < total:
            out.append({"path": path, "played": played, "interactions": total})
    return out
