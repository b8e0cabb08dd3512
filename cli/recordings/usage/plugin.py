"""The pytest plugin that logs which recording files each test opens (``pytest --recordings-usage DIR``).

Registered as the ``recordings`` entry point of ``pytest11``: pytest loads it wherever this package is
installed, and it does nothing unless ``--recordings-usage DIR`` or ``RECORDINGS_USAGE_DIR=DIR`` asks. Then
each process (every xdist worker, and the controller) writes ``DIR/usage-<run>-<worker>-<pid>.jsonl``:

* ``run``: the run id (one for all workers), the worker, the rootdir, the command-line arguments, and every
  option that narrowed the selection (``-k``, ``-m``, ``--lf``, ``--deselect``, ``--ignore``, node ids or
  paths given, ``-x``);
* ``collected``: the node ids collected and those deselected, and the modules that failed to collect or
  were skipped while collecting;
* one ``test`` line as each test ends: its node id, its outcome (passed, failed, skipped, xfailed, xpassed,
  error), the recording files it opened (with ``read`` or ``write``, and whether each existed), each
  cassette vcrpy loaded with how many of its recorded interactions were played, and the recording it
  missed when the recorder said so;
* ``session``: files opened outside any test (collection, session-scoped fixtures);
* ``end``: the exit status, and whether the session stopped early.

Lines are appended and flushed as they happen, so a log cut short by a crash has no ``end`` line: the
evidence treats such a process as incomplete.
"""

from __future__ import annotations

import os
import re
import socket
import time
import uuid
from typing import Any

import orjson
import pytest

from recordings.usage import ENV_DIR, ENV_RUN, FORMAT_VERSION

_MISS = re.compile(r"Recording not found for request hash:?\s*([0-9a-f]{8,64})", re.I)
_VCR_MISS = re.compile(r"Can't overwrite existing cassette \(['\"]?(.+?)['\"]?\) in your current record mode")


def pytest_addoption(parser: Any) -> None:
    group = parser.getgroup("recordings", "recording usage (recordings prune --used)")
    group.addoption("--recordings-usage", metavar="DIR", default=None,
                    help=f"log which recording files each test opens into DIR, for `recordings prune --used DIR` "
                         f"(or set {ENV_DIR})")


def pytest_configure(config: Any) -> None:
    target = config.getoption("--recordings-usage", default=None) or os.environ.get(ENV_DIR)
    if not target:
        return
    recorder = UsageLog(config, os.path.abspath(target))
    config.pluginmanager.register(recorder, "recordings-usage-log")
    if config.pluginmanager.hasplugin("xdist"):
        config.pluginmanager.register(_XdistRun(recorder), "recordings-usage-xdist")


class _XdistRun:
    """Gives every xdist worker the controller's run id, so their logs count as one run."""

    def __init__(self, log: UsageLog) -> None:
        self.log = log

    @pytest.hookimpl(optionalhook=True)
    def pytest_configure_node(self, node: Any) -> None:
        node.workerinput["recordings_usage_run"] = self.log.run


class UsageLog:
    def __init__(self, config: Any, folder: str) -> None:
        from recordings.usage import opens

        self.config = config
        workerinput = getattr(config, "workerinput", None)
        self.worker = workerinput.get("workerid") if workerinput else None
        self.run = (workerinput or {}).get("recordings_usage_run") or os.environ.get(ENV_RUN) or uuid.uuid4().hex
        self.controller = workerinput is None and _distributed(config)
        os.makedirs(folder, exist_ok=True)
        name = f"usage-{self.run}-{self.worker or ('controller' if self.controller else 'main')}-{os.getpid()}.jsonl"
        self.path = os.path.join(folder, name)
        self._fh = open(self.path, "ab")
        self.tracker = opens.start()
        self.cassettes: list[Any] = []  # vcrpy cassettes loaded while the current test runs
        self.outcomes: dict[str, str] = {}
        self.misses: list[str] = []
        self.deselected: list[str] = []
        self.collect_errors: dict[str, str] = {}
        self.collect_skipped: dict[str, str] = {}
        self.selected: list[str] = []
        self._write({"kind": "run", "version": FORMAT_VERSION, "run": self.run, "worker": self.worker,
                     "controller": self.controller, "pid": os.getpid(), "host": socket.gethostname(),
                     "time": time.time(), "rootdir": str(config.rootpath),
                     "invocation_dir": str(config.invocation_params.dir),
                     "args": [str(a) for a in config.args], "narrowing": _narrowing(config)})
        self._patch_vcrpy()

    # --- writing ---

    def _write(self, record: dict[str, Any]) -> None:
        # buffered: a log cut short by a crash lacks its end line whatever else it holds, and counts for nothing
        self._fh.write(orjson.dumps(record, option=orjson.OPT_APPEND_NEWLINE))

    # --- vcrpy: how many recorded interactions each cassette played ---

    def _patch_vcrpy(self) -> None:
        import importlib.util

        if importlib.util.find_spec("vcr") is None:
            return
        try:
            from vcr.cassette import Cassette
        except Exception:  # noqa: BLE001 - a broken vcrpy install: opens are still logged
            return
        original = Cassette._load
        if getattr(original, "_recordings_usage", False):
            return
        log = self

        def _load(cassette: Any, *args: Any, **kwargs: Any) -> Any:
            try:
                return original(cassette, *args, **kwargs)
            finally:
                log.cassettes.append(cassette)

        _load._recordings_usage = True  # type: ignore[attr-defined]
        Cassette._load = _load

    def _cassette_counts(self) -> list[dict[str, Any]]:
        out = []
        for c in self.cassettes:
            data = getattr(c, "data", [])
            recorded = getattr(c, "_loaded_count", None)
            recorded = len(data) if not isinstance(recorded, int) else recorded
            plays = getattr(c, "play_counts", {})
            played = sum(1 for i, n in plays.items() if n and isinstance(i, int) and i < recorded)
            path = getattr(c, "_path", None)
            out.append({"path": os.path.abspath(str(path)) if path else None, "interactions": recorded,
                        "played": played})
        self.cassettes = []
        return out

    # --- collection ---

    @pytest.hookimpl(trylast=True)
    def pytest_collectreport(self, report: Any) -> None:
        if report.failed:
            self.collect_errors[report.nodeid or "."] = _short(report.longreprtext)
        elif report.skipped and report.nodeid:
            self.collect_skipped[report.nodeid] = _short(report.longreprtext)

    def pytest_deselected(self, items: list[Any]) -> None:
        self.deselected += [i.nodeid for i in items]

    @pytest.hookimpl(trylast=True)
    def pytest_collection_finish(self, session: Any) -> None:
        self.selected = [i.nodeid for i in session.items]
        self._write({"kind": "collected", "selected": self.selected, "deselected": self.deselected,
                     "errors": self.collect_errors, "skipped_modules": self.collect_skipped})
        self._session_files()

    # --- tests ---

    @pytest.hookimpl(hookwrapper=True)
    def pytest_runtest_protocol(self, item: Any, nextitem: Any) -> Any:
        self._session_files()
        self.tracker.owner = item.nodeid
        self.cassettes, self.misses = [], []
        self.outcomes.pop(item.nodeid, None)
        try:
            yield
        finally:
            self.tracker.owner = None
            files = self.tracker.take(item.nodeid)
            self._write({"kind": "test", "nodeid": item.nodeid, "outcome": self.outcomes.pop(item.nodeid, "error"),
                         "files": _files(files), "cassettes": self._cassette_counts(), "misses": self.misses})

    def pytest_runtest_logreport(self, report: Any) -> None:
        nodeid, previous = report.nodeid, self.outcomes.get(report.nodeid)
        xfail = hasattr(report, "wasxfail")
        if report.when == "call":
            outcome = ("xfailed" if report.skipped else "xpassed") if xfail else report.outcome
        elif report.failed:
            outcome = "error"
        elif report.skipped:
            outcome = "xfailed" if xfail else "skipped"
        else:
            outcome = previous or "passed"
        if previous in ("error", "failed") and outcome == "passed":
            outcome = previous
        self.outcomes[nodeid] = "error" if previous == "error" else outcome
        if report.failed:
            text = getattr(report, "longreprtext", "") or ""
            self.misses += [f"hash {m}" for m in _MISS.findall(text)]
            self.misses += [os.path.abspath(m) for m in _VCR_MISS.findall(text)]

    def _session_files(self) -> None:
        files = self.tracker.take(None)
        if files:
            self._write({"kind": "session", "files": _files(files)})

    @pytest.hookimpl(trylast=True)
    def pytest_sessionfinish(self, session: Any, exitstatus: Any) -> None:
        self._session_files()
        stopped = bool(getattr(session, "shouldstop", False) or getattr(session, "shouldfail", False))
        # under xdist a worker runs only its share: whether every selected test ran is told across the run's logs
        self._write({"kind": "end", "exitstatus": int(exitstatus), "stopped_early": stopped, "time": time.time()})
        self._fh.flush()

    def pytest_unconfigure(self, config: Any) -> None:
        from recordings.usage import opens

        opens.stop()
        try:
            self._fh.close()
        except OSError:
            pass


def _files(opened: dict[str, str]) -> list[dict[str, Any]]:
    """The log's form of opened files: path, read or write, and whether the file is there now."""
    return [{"path": p, "mode": m, "exists": os.path.exists(p)} for p, m in sorted(opened.items())]


def _distributed(config: Any) -> bool:
    """Whether this process is an xdist controller that hands tests to workers."""
    try:
        return bool(config.getoption("dist", "no") != "no" or config.getoption("numprocesses", None))
    except (ValueError, AttributeError):
        return False


def _narrowing(config: Any) -> dict[str, Any]:
    """Every option that makes the run cover less than every collected test."""
    option = config.option
    out: dict[str, Any] = {}
    for key, name in (("keyword", "-k"), ("markexpr", "-m"), ("lf", "--lf"), ("stepwise", "--sw"),
                      ("deselect", "--deselect"), ("ignore", "--ignore"), ("ignore_glob", "--ignore-glob")):
        value = getattr(option, key, None)
        if value:
            out[name] = value
    source = getattr(getattr(config, "args_source", None), "name", "ARGS")
    if source == "ARGS":  # arguments the user gave (not testpaths, not the folder pytest ran in)
        given = [str(a) for a in config.args]
        nodeids = [a for a in given if "::" in a]
        if nodeids:
            out["node ids"] = nodeids
        paths = [a for a in given if "::" not in a]
        if paths:
            out["paths"] = paths
    return out


def _short(text: str) -> str:
    lines = [line for line in (text or "").strip().splitlines() if line.strip()]
    return lines[-1][:300] if lines else ""
