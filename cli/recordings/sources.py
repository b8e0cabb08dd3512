"""Where a corpus comes from: a folder on disk, or a git revision read with git itself.

A :class:`Source` lists its recording files (by path relative to a root) and
reads their bytes on demand. Revisions are read with ``git ls-tree`` and one
long-lived ``git cat-file --batch``: no checkout, no change to the work tree.
"""

from __future__ import annotations

import os
import subprocess
from dataclasses import dataclass

from recordings.discovery import discover
from recordings.formats import is_recording_path
from recordings.errors import RecordingsError
from recordings.model import Problem


class SourceError(RecordingsError):
    pass


@dataclass(frozen=True)
class Entry:
    rel: str  # path relative to the source's root, with '/'
    key: str  # what reads it: a file path, or a git object id


class Source:
    label: str

    def entries(self) -> list[Entry]:
        raise NotImplementedError

    def read(self, entry: Entry) -> bytes:
        raise NotImplementedError

    def close(self) -> None:
        pass


class FolderSource(Source):
    def __init__(self, root: str, limit: list[str] | None = None) -> None:
        self.root = os.path.abspath(root)
        self.label = root
        self.limit = limit or []
        self.problems: list[Problem] = []

    def entries(self) -> list[Entry]:
        targets = [os.path.join(self.root, p) for p in self.limit] or [self.root]
        found = discover(targets, "diff")
        self.problems = found.problems
        out = []
        for path in found.files:
            rel = os.path.relpath(os.path.abspath(path), self.root).replace(os.sep, "/")
            out.append(Entry(rel, path))
        return out

    def read(self, entry: Entry) -> bytes:
        from recordings.errors import LoadError
        from recordings.loader import read_bytes

        try:
            return read_bytes(entry.key)
        except LoadError as exc:  # callers report OSError per file
            raise OSError(exc.reason) from None


def git(root: str, *args: str) -> str:
    try:
        # paths are bytes to git: a name that is not UTF-8 comes back as the file system's own spelling
        proc = subprocess.run(["git", *args], cwd=root, capture_output=True, encoding="utf-8",
                              errors="surrogateescape")
    except OSError as exc:
        raise SourceError(f"cannot run git: {exc}") from None
    if proc.returncode != 0:
        raise SourceError(proc.stderr.strip().splitlines()[-1] if proc.stderr.strip() else f"git {args[0]} failed")
    return proc.stdout


def repo_top(root: str) -> str | None:
    try:
        proc = subprocess.run(["git", "rev-parse", "--show-toplevel"], cwd=root, capture_output=True,
                              encoding="utf-8", errors="surrogateescape")
    except OSError:
        return None
    return proc.stdout.strip() if proc.returncode == 0 else None


def is_revision(root: str, rev: str) -> bool:
    if repo_top(root) is None:
        return False
    proc = subprocess.run(["git", "rev-parse", "--verify", "--quiet", f"{rev}^{{commit}}"], cwd=root,
                          capture_output=True, text=True)
    return proc.returncode == 0


class GitSource(Source):
    """The recordings under ``root`` as they are at revision ``rev``."""

    def __init__(self, root: str, rev: str, limit: list[str] | None = None) -> None:
        top = repo_top(root)
        if top is None:
            raise SourceError(f"{root} is not in a git repository")
        if not is_revision(root, rev):
            raise SourceError(f"{rev!r} is not a revision of the repository at {top}")
        self.root = os.path.abspath(root)
        self.top = top
        self.rev = rev
        self.label = rev
        self.limit = limit or []
        self.problems: list[Problem] = []
        self._batch: subprocess.Popen | None = None

    def entries(self) -> list[Entry]:
        prefix = os.path.relpath(self.root, self.top).replace(os.sep, "/")
        prefix = "" if prefix == "." else prefix + "/"
        pathspecs = [prefix + p.rstrip("/") for p in self.limit] or ([prefix.rstrip("/")] if prefix else [])
        out = git(self.top, "ls-tree", "-r", "-z", "--full-tree", self.rev, "--", *pathspecs)
        entries = []
        for record in out.split("\0"):
            if not record:
                continue
            meta, _, path = record.partition("\t")
            mode, otype, oid = meta.split()
            if otype != "blob" or not is_recording_path(path, "diff"):
                continue
            if os.path.basename(path).startswith(".recordings-tmp-"):
                continue
            rel = path[len(prefix):] if prefix and path.startswith(prefix) else path
            entries.append(Entry(rel, oid))
        return sorted(entries, key=lambda e: e.rel)

    def read(self, entry: Entry) -> bytes:
        if self._batch is None:
            self._batch = subprocess.Popen(["git", "cat-file", "--batch"], cwd=self.top, stdin=subprocess.PIPE,
                                           stdout=subprocess.PIPE)
        assert self._batch.stdin and self._batch.stdout
        self._batch.stdin.write(entry.key.encode() + b"\n")
        self._batch.stdin.flush()
        header = self._batch.stdout.readline().split()
        if len(header) < 3 or header[1] != b"blob":
            raise OSError(f"git could not read {entry.rel} at {self.rev}")
        size = int(header[2])
        data = self._batch.stdout.read(size)
        self._batch.stdout.read(1)  # the newline after the object
        return data

    def close(self) -> None:
        if self._batch is not None:
            try:
                self._batch.stdin.close()  # type: ignore[union-attr]
                self._batch.wait(timeout=5)
            except (OSError, subprocess.TimeoutExpired):
                self._batch.kill()
            self._batch = None


def path_matches(rel: str, pattern: str) -> bool:
    """Whether ``rel`` is ``pattern``, lies below it, or matches it as a glob (``*`` and ``?`` cross folders)."""
    import fnmatch

    pattern = pattern.strip("/").replace(os.sep, "/")
    if any(c in pattern for c in "*?["):
        return fnmatch.fnmatchcase(rel, pattern) or fnmatch.fnmatchcase(rel, pattern + "/*")
    return rel == pattern or rel.startswith(pattern + "/")


class Limited(Source):
    """Another source's recordings whose paths match one of ``patterns`` (paths, or globs); ``matched`` says
    which patterns matched something."""

    def __init__(self, inner: Source, patterns: list[str]) -> None:
        self.inner, self.patterns = inner, patterns
        self.label = inner.label
        self.matched: set[str] = set()

    @property
    def problems(self) -> list[Problem]:
        return list(getattr(self.inner, "problems", []))

    def entries(self) -> list[Entry]:
        out = []
        for e in self.inner.entries():
            hits = [p for p in self.patterns if path_matches(e.rel, p)]
            if hits:
                self.matched.update(hits)
                out.append(e)
        return out

    def read(self, entry: Entry) -> bytes:
        return self.inner.read(entry)

    def close(self) -> None:
        self.inner.close()


def read_blob(root: str, rev: str, path: str) -> bytes:
    """The bytes of ``path`` (relative to ``root``) at revision ``rev``."""
    top = repo_top(root)
    if top is None:
        raise SourceError(f"{root} is not in a git repository")
    rel = os.path.relpath(os.path.abspath(os.path.join(root, path)), top).replace(os.sep, "/")
    proc = subprocess.run(["git", "cat-file", "blob", f"{rev}:{rel}"], cwd=top, capture_output=True)
    if proc.returncode != 0:
        raise SourceError(f"{rev}:{path}: {os.fsdecode(proc.stderr).strip() or 'not in that revision'}")
    return proc.stdout
