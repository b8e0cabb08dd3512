"""Reading the usage logs of a folder (every CI job and shard) into what the runs prove.

A *run* is every process that shares a run id (an xdist controller and its workers, or one plain
process). A run *covers* a test module when the module was collected without error, every test of it
that was collected was also selected and ran (no ``-k``, ``-m``, ``--deselect`` or ``--lf`` left one
out, no node id on the command line picked some of it), and every process of the run wrote its end
line. Only a covered module speaks for the recordings of its tests.
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass, field
from typing import Any

PASSED = ("passed", "xpassed")


@dataclass
class TestRun:
    """One test as one process ran it."""

    __test__ = False

    nodeid: str
    outcome: str
    files: dict[str, dict[str, Any]]  # absolute path -> {"mode": read|write, "exists": bool}
    cassettes: list[dict[str, Any]]  # {"path", "interactions", "played"}
    misses: list[str]


@dataclass
class Process:
    log: str
    run: str
    worker: str | None
    controller: bool
    rootdir: str
    invocation_dir: str
    narrowing: dict[str, Any]
    selected: list[str] = field(default_factory=list)
    deselected: list[str] = field(default_factory=list)
    collect_errors: dict[str, str] = field(default_factory=dict)
    skipped_modules: dict[str, str] = field(default_factory=dict)
    tests: list[TestRun] = field(default_factory=list)
    session_files: dict[str, dict[str, Any]] = field(default_factory=dict)
    ended: bool = False
    stopped_early: bool = False
    collected_seen: bool = False
    server: bool = False  # a process that is not pytest (recordings.usage.track): its files are used by the run


def _module(rootdir: str, nodeid: str) -> str:
    """The absolute path of the test module a node id lives in."""
    return os.path.normpath(os.path.join(rootdir, nodeid.split("::", 1)[0]))


@dataclass
class Evidence:
    folder: str
    logs: list[str] = field(default_factory=list)
    processes: list[Process] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)  # lines or files that could not be read

    # --- what was opened ---

    def opened(self) -> dict[str, list[str]]:
        """Every file opened (absolute path) → the tests that opened it (``(session)`` outside a test)."""
        out: dict[str, list[str]] = {}
        for p in self.processes:
            for t in p.tests:
                for path in t.files:
                    out.setdefault(path, []).append(t.nodeid)
            for path in p.session_files:
                out.setdefault(path, []).append("(session)")
        return out

    def misses(self) -> list[tuple[str, str]]:
        """(test, what it looked for) for every recording a test tried to open that did not exist, and every
        miss a recorder reported."""
        out = []
        for p in self.processes:
            for t in p.tests:
                out += [(t.nodeid, path) for path, f in t.files.items()
                        if not f.get("exists") and f.get("mode") != "write"]
                out += [(t.nodeid, m) for m in t.misses]
        return sorted(set(out))

    def interactions(self) -> dict[str, tuple[int, int]]:
        """Cassette path → (most interactions played in one use, interactions recorded)."""
        out: dict[str, tuple[int, int]] = {}
        for p in self.processes:
            for t in p.tests:
                for c in t.cassettes:
                    path = c.get("path")
                    if not isinstance(path, str):
                        continue
                    played, total = int(c.get("played") or 0), int(c.get("interactions") or 0)
                    best = out.get(path)
                    if best is None or played > best[0]:
                        out[path] = (played, max(total, best[1] if best else 0))
        return out

    # --- what was run ---

    def outcomes(self) -> dict[str, set[str]]:
        """Test (absolute module path::rest) → every outcome it had in any run."""
        out: dict[str, set[str]] = {}
        for p in self.processes:
            for t in p.tests:
                out.setdefault(self.key(p.rootdir, t.nodeid), set()).add(t.outcome)
        return out

    @staticmethod
    def key(rootdir: str, nodeid: str) -> str:
        module, sep, rest = nodeid.partition("::")
        return os.path.normpath(os.path.join(rootdir, module)) + sep + rest

    def runs(self) -> dict[str, list[Process]]:
        out: dict[str, list[Process]] = {}
        for p in self.processes:
            out.setdefault(p.run, []).append(p)
        return out

    def covered(self) -> tuple[dict[str, set[str]], dict[str, str]]:
        """(module → the tests collected in it, for every module some run covered; module → why a run that
        collected it did not cover it)."""
        covered: dict[str, set[str]] = {}
        why: dict[str, str] = {}
        for run, procs in self.runs().items():
            workers = [p for p in procs if not p.controller and not p.server]
            ended = all(p.ended for p in procs if not p.server) and bool(workers)
            items: dict[str, set[str]] = {}
            selected: set[str] = set()
            ran: set[str] = set()
            picked: set[str] = set()
            errors: set[str] = set()
            for p in workers:
                for nodeid in p.selected + p.deselected:
                    items.setdefault(_module(p.rootdir, nodeid), set()).add(self.key(p.rootdir, nodeid))
                selected |= {self.key(p.rootdir, n) for n in p.selected}
                ran |= {self.key(p.rootdir, t.nodeid) for t in p.tests}
                for arg in p.narrowing.get("node ids", []):  # relative to where pytest was started
                    picked.add(_module(p.invocation_dir, arg))
                errors |= {_module(p.rootdir, n) for n in p.collect_errors}
                errors |= {_module(p.rootdir, n) for n in p.skipped_modules}
            stopped = any(p.stopped_early for p in procs)
            for module, tests in items.items():
                reason = None
                if not ended:
                    reason = f"run {run[:8]} did not finish (a process has no end line)"
                elif stopped:
                    reason = f"run {run[:8]} stopped early (-x or --maxfail)"
                elif module in picked:
                    reason = f"run {run[:8]} picked some of its tests by node id"
                elif module in errors:
                    reason = f"run {run[:8]} could not collect it whole"
                elif not tests <= selected:
                    reason = f"run {run[:8]} deselected some of its tests (-k, -m, --deselect or --lf)"
                elif not (tests & selected) <= ran:
                    reason = f"run {run[:8]} did not run all of its selected tests"
                if reason is None:
                    covered.setdefault(module, set()).update(tests)
                else:
                    why.setdefault(module, reason)
        for module in covered:
            why.pop(module, None)
        return covered, why

    def rootdirs(self) -> set[str]:
        return {p.rootdir for p in self.processes if not p.server}


def read_evidence(folder: str) -> Evidence:
    """Every ``*.jsonl`` log in ``folder`` (not below it). A line that is not a JSON object, or a log of another
    format version, is named in ``problems`` and skipped."""
    from recordings.usage import FORMAT_VERSION

    ev = Evidence(os.path.abspath(folder))
    try:
        names = sorted(n for n in os.listdir(folder) if n.endswith(".jsonl"))
    except OSError as exc:
        ev.problems.append(f"{folder}: cannot list: {exc.strerror or exc}")
        return ev
    for name in names:
        path = os.path.join(folder, name)
        proc: Process | None = None
        try:
            with open(path, encoding="utf-8", errors="replace") as fh:
                lines = fh.read(256 << 20).splitlines()
        except OSError as exc:
            ev.problems.append(f"{path}: cannot read: {exc.strerror or exc}")
            continue
        ev.logs.append(path)
        for n, line in enumerate(lines, 1):
            if not line.strip():
                continue
            try:
                record = json.loads(line)
            except ValueError:
                ev.problems.append(f"{path}:{n}: not JSON (a log cut short?)")
                continue
            if not isinstance(record, dict):
                continue
            kind = record.get("kind")
            if kind == "run":
                if record.get("version") != FORMAT_VERSION:
                    ev.problems.append(f"{path}: written by another version of the plugin ({record.get('version')})")
                    proc = None
                    break
                proc = Process(path, str(record.get("run")), record.get("worker"), bool(record.get("controller")),
                               str(record.get("rootdir")), str(record.get("invocation_dir") or record.get("rootdir")),
                               dict(record.get("narrowing") or {}), server=bool(record.get("server")))
                ev.processes.append(proc)
            elif proc is None:
                continue
            elif kind == "collected":
                proc.collected_seen = True
                proc.selected = list(record.get("selected") or [])
                proc.deselected = list(record.get("deselected") or [])
                proc.collect_errors = dict(record.get("errors") or {})
                proc.skipped_modules = dict(record.get("skipped_modules") or {})
            elif kind == "test":
                files = {f["path"]: f for f in record.get("files") or [] if isinstance(f, dict) and "path" in f}
                proc.tests.append(TestRun(str(record.get("nodeid")), str(record.get("outcome")), files,
                                          list(record.get("cassettes") or []), list(record.get("misses") or [])))
            elif kind == "session" or kind == "process":
                for f in record.get("files") or []:
                    if isinstance(f, dict) and "path" in f:
                        proc.session_files[f["path"]] = f
            elif kind == "end":
                proc.ended = True
                proc.stopped_early = bool(record.get("stopped_early"))
    return ev
