"""Selecting recordings by test, model, endpoint, suite, provider, kind and flags."""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass

from recordings.model import Recording


MATCHING_RULE = (
    "A filter matches the whole value, or a whole part of it, where parts are separated by "
    "/ : . [ ] = , ( ) or spaces: --model gpt-4o matches gpt-4o and openai/gpt-4o but not gpt-4o-mini; "
    "--suite responses matches responses but not openresponses; --test test_chat matches "
    "…/test_chat.py::test_x and …::test_chat[params]. With * or ? the pattern is a glob over the whole "
    "value. Brackets are always literal, so test ids with [params] can be pasted as they are."
)
_SEPARATORS = "/:.[]=,() \t"


@functools.lru_cache(maxsize=64)
def _compile(pattern: str) -> "re.Pattern[str]":
    if "*" in pattern or "?" in pattern:
        body = "".join(".*" if c == "*" else "." if c == "?" else re.escape(c) for c in pattern)
        return re.compile(f"(?s:{body})\\Z")
    sep = re.escape(_SEPARATORS)
    return re.compile(f"(?:^|(?<=[{sep}])){re.escape(pattern)}(?=[{sep}]|$)")


def text_matches(pattern: str, value: str | None) -> bool:
    """Whether ``value`` matches ``pattern`` under :data:`MATCHING_RULE`."""
    if value is None:
        return False
    if pattern == value:
        return True
    compiled = _compile(pattern)
    if "*" in pattern or "?" in pattern:
        return compiled.match(value) is not None
    return compiled.search(value) is not None


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
    recorder: str | None = None  # a recorder's name (``ogx``, ``vcr``, ``har``): the one that reads the file

    def __call__(self, r: Recording) -> bool:
        if self.recorder is not None:
            from recordings.formats import format_for_file

            if format_for_file(r.path).name != self.recorder:
                return False
        if self.test is not None and not text_matches(self.test, r.test_id):
            return False
        if self.model is not None and not text_matches(self.model, r.model):
            return False
        if self.endpoint is not None and not text_matches(self.endpoint, r.endpoint):
            return False
        if self.suite is not None and not text_matches(self.suite, r.suite):
            return False
        if self.provider is not None and not text_matches(self.provider, r.provider):
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
