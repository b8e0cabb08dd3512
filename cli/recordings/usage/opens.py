"""Catching the recording files a process opens, with ``sys.addaudithook`` (Python's ``open`` audit event
fires for ``open()``, ``io.open``, ``os.open`` and ``pathlib``, in every thread, before the file is opened,
so a recording that does not exist is seen too: a replay miss).

A hook cannot be removed once added, so one hook per process reads a module-level :class:`Tracker`; with
no tracker it returns at its first comparison.
"""

from __future__ import annotations

import os
import sys
import threading
from typing import Any, Callable

from recordings.usage import FOLDERS, SUFFIXES

_MARKS = tuple(f"{os.sep}{name}{os.sep}" for name in FOLDERS)
_NAMES = (".json", ".yaml", ".yml", ".gz", *SUFFIXES)
_WRITE_FLAGS = os.O_WRONLY | os.O_RDWR | os.O_CREAT | os.O_APPEND | os.O_TRUNC


class Tracker:
    """The recording files opened in this process, by owner (a test's node id, or None outside tests)."""

    def __init__(self) -> None:
        self.owner: str | None = None
        self.opened: dict[str | None, dict[str, str]] = {}  # owner -> {absolute path: "read" | "write"}
        self.on_new: Callable[[str, str], None] | None = None  # called for each file first seen (or first written)
        self._lock = threading.Lock()

    def note(self, path: str, write: bool) -> None:
        with self._lock:
            files = self.opened.setdefault(self.owner, {})
            before = files.get(path)
            after = "write" if write or before == "write" else "read"
            if before != after:
                files[path] = after
                if self.on_new is not None:
                    self.on_new(path, after)

    def take(self, owner: str | None) -> dict[str, str]:
        """The files ``owner`` opened, forgotten here."""
        with self._lock:
            return self.opened.pop(owner, {})


TRACKER: Tracker | None = None
_INSTALLED = False


def _hook(event: str, args: tuple[Any, ...]) -> None:
    # called for every audited event of the process (hundreds per test: id(), imports, ...): one comparison
    if event == "open" and TRACKER is not None:
        _opened(args)


def _opened(args: tuple[Any, ...]) -> None:
    try:
        path = args[0]
        if isinstance(path, int):  # a file descriptor: opened already
            return
        path = os.fsdecode(path)
        if not path.endswith(_NAMES):
            return
        rooted = path if path.startswith(os.sep) else os.sep + path
        if not any(m in rooted for m in _MARKS):
            return
        mode, flags = args[1], args[2] if len(args) > 2 else 0
        write = (isinstance(mode, str) and any(c in mode for c in "wax+")) or \
            (mode is None and isinstance(flags, int) and bool(flags & _WRITE_FLAGS))
        if TRACKER is not None:
            TRACKER.note(os.path.abspath(path), write)
    except Exception:  # noqa: BLE001 - an audit hook must never break the program it watches
        return


def start() -> Tracker:
    """Track this process's opens from now on (the hook is added once, whatever the number of calls)."""
    global TRACKER, _INSTALLED
    if TRACKER is None:
        TRACKER = Tracker()
    if not _INSTALLED:
        sys.addaudithook(_hook)
        _INSTALLED = True
    return TRACKER


def stop() -> None:
    global TRACKER
    TRACKER = None
