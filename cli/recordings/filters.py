"""Selecting recordings by test, model, endpoint, suite, provider, kind and flags."""

from __future__ import annotations

from dataclasses import dataclass

from recordings.model import Recording


def text_matches(pattern: str, value: str | None) -> bool:
    """A glob when the pattern has ``*`` or ``?``, else a substring match."""
    if value is None:
        return False
    if "*" in pattern or "?" in pattern:
        from fnmatch import fnmatchcase

        return fnmatchcase(value, pattern)
    return pattern in value


@dataclass(frozen=True)
class Filter:
    test: str | None = None
    model: str | None = None
    endpoint: str | None = None
    suite: str | None = None
    provider: str | None = None
    kind: str | None = None
    streaming: bool | None = None
    exceptions: bool = False

    def __call__(self, r: Recording) -> bool:
        if self.test is not None and not text_matches(self.test, r.test_id):
            return False
        if self.model is not None and not text_matches(self.model, r.model):
            return False
        if self.endpoint is not None and not text_matches(self.endpoint, r.endpoint):
            return False
        if self.suite is not None and not text_matches(self.suite, r.suite):
            return False
        if self.provider is not None and r.provider != self.provider:
            return False
        if self.kind is not None and r.kind.value != self.kind:
            return False
        if self.streaming is not None and r.streaming != self.streaming:
            return False
        if self.exceptions and r.exception is None and not (r.status is not None and r.status >= 400):
            return False
        return True


SORT_KEYS = {
    "path": lambda r: r.path,
    "id": lambda r: r.id,
    "suite": lambda r: (r.suite, r.path),
    "test": lambda r: (r.test_id or "", r.path),
    "endpoint": lambda r: (r.endpoint or "", r.path),
    "model": lambda r: (r.model or "", r.path),
    "provider": lambda r: (r.provider or "", r.path),
    "size": lambda r: (r.size, r.path),
    "chunks": lambda r: (r.chunks, r.path),
}
