"""Whether a test file is there, proven: the one answer prune trusts before it calls a test gone.

A file is **absent** only when the system says so (``ENOENT``) and every folder from it up to the nearest
one that exists can be listed: a folder that cannot be read, a dangling or looping link, or any other
error is **unknown**, with the reason, and its recordings are kept. A file that is there but empty
(0 bytes), or that git's sparse checkout left out of the working tree, is **empty** or **sparse**: it
says nothing about the tests it held, so prune keeps their recordings unless told otherwise (``--force``).
"""

from __future__ import annotations

import os
import stat
import subprocess
from dataclasses import dataclass, field

PRESENT = "present"
ABSENT = "absent"
UNKNOWN = "unknown"
EMPTY = "empty"
SPARSE = "sparse"


@dataclass(frozen=True)
class State:
    status: str  # present | absent | unknown | empty | sparse
    reason: str | None = None


def _rel(path: str, root: str) -> str:
    try:
        return os.path.relpath(path, root).replace(os.sep, "/")
    except ValueError:
        return path


def _error(exc: OSError) -> str:
    return exc.strerror or type(exc).__name__


def _resolved(path: str, st: os.stat_result, root: str) -> os.stat_result | State:
    """What a link points to (its stat), or why it cannot be told; anything else as it is."""
    if not stat.S_ISLNK(st.st_mode):
        return st
    try:
        return os.stat(path)
    except OSError as exc:
        return State(UNKNOWN, f"{_rel(path, root)} is a symbolic link that does not resolve ({_error(exc)})")


def _folder_state(folder: str, root: str) -> State:
    """Why a file under ``folder`` is proven absent, or why it cannot be told."""
    d = folder
    top = os.path.abspath(root)
    while True:
        try:
            st = os.lstat(d)
        except FileNotFoundError:
            parent = os.path.dirname(d)
            if parent == d or not (os.path.abspath(d) + os.sep).startswith(top + os.sep):
                return State(UNKNOWN, f"{_rel(d, root)} does not exist, nor does the project folder above it")
            d = parent
            continue
        except OSError as exc:
            return State(UNKNOWN, f"folder {_rel(d, root)} cannot be checked ({_error(exc)})")
        target = _resolved(d, st, root)
        if isinstance(target, State):
            return target
        if not stat.S_ISDIR(target.st_mode):
            return State(ABSENT)  # a file where a folder would be: nothing can be below it
        if not os.access(d, os.R_OK | os.X_OK):
            return State(UNKNOWN, f"folder {_rel(d, root)} cannot be read (permission denied)")
        return State(ABSENT)


@dataclass
class Checker:
    """Test-file states under one project root (git's sparse-checkout list read once, when first needed)."""

    root: str
    _sparse: set[str] | None = field(default=None, repr=False)
    _seen: dict[str, State] = field(default_factory=dict, repr=False)

    def state(self, path: str) -> State:
        path = os.path.abspath(path)
        found = self._seen.get(path)
        if found is None:
            found = self._seen[path] = self._state(path)
        return found

    def _state(self, path: str) -> State:
        rel = _rel(path, self.root)
        try:
            st = os.lstat(path)
        except FileNotFoundError:
            folder = _folder_state(os.path.dirname(path), self.root)
            if folder.status != ABSENT:
                return folder
            if rel in self.sparse_paths():
                return State(SPARSE, f"{rel} is left out of this checkout (git sparse checkout)")
            return State(ABSENT)
        except OSError as exc:  # no search permission on a folder above it, a name too long…
            return State(UNKNOWN, f"{rel} cannot be checked ({_error(exc)})")
        target = _resolved(path, st, self.root)
        if isinstance(target, State):
            return target
        st = target
        if not stat.S_ISREG(st.st_mode):
            return State(UNKNOWN, f"{rel} is not a regular file")
        if not os.access(path, os.R_OK):
            return State(UNKNOWN, f"{rel} cannot be read (permission denied)")
        if st.st_size == 0:
            return State(EMPTY, f"{rel} is empty (0 bytes)")
        return State(PRESENT)

    def sparse_paths(self) -> set[str]:
        """Files git tracks but keeps out of the working tree (skip-worktree), relative to the root."""
        if self._sparse is None:
            self._sparse = set()
            try:
                out = subprocess.run(["git", "-C", self.root, "ls-files", "-t", "-z", "--", "."],
                                     capture_output=True, timeout=60, check=False).stdout
            except (OSError, subprocess.SubprocessError):
                out = b""
            for entry in out.split(b"\0"):
                if entry[:2] == b"S ":
                    self._sparse.add(os.fsdecode(entry[2:]))
        return self._sparse
