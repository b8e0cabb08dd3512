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
