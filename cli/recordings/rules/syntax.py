"""syntax: UTF-8, valid JSON, an object at the top.

The reading itself decides it: the runner reads each file once, and a file that cannot be read
becomes this rule's finding through :func:`unreadable`; a file that was read passes.
"""

from __future__ import annotations

from typing import Iterator

from recordings.rules.types import FileContext, Finding

ID = "syntax"
SEVERITY = "error"
SUMMARY = "UTF-8, valid JSON, an object at the top"
SCOPE = "file"


def unreadable(path: str, reason: str) -> Finding:
    """The finding for a file the reader refused, with the reader's one-line reason."""
    return Finding(path, ID, SEVERITY, reason)


def check(ctx: FileContext) -> Iterator[Finding]:
    """A file that reached the rules was read whole: nothing more to say."""
    return iter(())
