"""Errors the core raises. Each carries a one-line reason fit for a user."""

from __future__ import annotations


class RecordingsError(Exception):
    """Base class for every error the core reports to a user."""


class LoadError(RecordingsError):
    """A file could not be read as a recording. ``reason`` is one line."""

    def __init__(self, path: str, reason: str) -> None:
        super().__init__(f"{path}: {reason}")
        self.path = path
        self.reason = reason


class NotARecording(LoadError):
    """A file that reads (valid JSON or YAML) but does not have its recorder's shape. ``keys``: its top-level
    keys, when it is a mapping: a mapping with none of any recorder's keys is a file of no known format (a
    transcript kept beside the cassettes), left out with a note rather than reported as broken."""

    def __init__(self, path: str, reason: str, keys: tuple[str, ...] | None = None) -> None:
        super().__init__(path, reason)
        self.keys = keys


class LookupFailed(RecordingsError):
    """An id, prefix or name did not resolve to exactly one recording."""

    def __init__(self, message: str, candidates: tuple[str, ...] = ()) -> None:
        super().__init__(message)
        self.candidates = candidates


class ChangedOnDisk(RecordingsError):
    """A file about to be replaced is no longer the one that was read (another process rewrote it)."""

    def __init__(self, path: str) -> None:
        super().__init__(f"{path}: changed on disk since it was read")
        self.path = path
