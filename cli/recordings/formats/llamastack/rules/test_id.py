"""test-id: a well-formed pytest node id or null, in a folder replay looks in."""

from __future__ import annotations

import os
from typing import Iterator

from recordings.rules.types import FileContext, Finding
from recordings.nodeid import parse_node_id

ID = "test-id"
SEVERITY = "error"
SUMMARY = "a well-formed pytest node id or null; the file sits where replay looks for it"
SCOPE = "file"

SHARED_FALLBACK = "tests/integration/common/recordings"


def check(ctx: FileContext) -> Iterator[Finding]:
    rule = (ID, SEVERITY)
    test_id = ctx.doc.get("test_id")
    if test_id is None or ctx.recording is None:
        return
    if not isinstance(test_id, str) or not test_id:
        return  # schema reports the type
    tid = ctx.recording.test if ctx.recording.test_id == test_id else None  # parsed once, by the loader
    if tid is None:
        try:
            tid = parse_node_id(test_id)
        except ValueError as exc:
            yield ctx.finding(rule, f"malformed test_id {test_id!r}: {exc}", "test_id")
            return
    folder = os.path.dirname(os.path.abspath(ctx.path)).replace(os.sep, "/")
    if folder.endswith("/recordings/responses"):
        yield _legacy(ctx)
        return
    expected = os.path.dirname(tid.file).replace(os.sep, "/") + "/recordings"
    if folder.endswith("/" + expected) or folder == expected:
        return
    if folder.endswith("/" + SHARED_FALLBACK) or folder == SHARED_FALLBACK:
        return
    yield ctx.finding(rule, f"replay looks for this recording in {expected}/ (or the shared fallback "
                            f"{SHARED_FALLBACK}/), never where it sits", "test_id")


def _legacy(ctx: FileContext) -> Finding:
    return Finding(ctx.path, ID, "warning",
                   "legacy layout (recordings/responses/): the current recorder never looks here; "
                   "move it to the test's recordings/ folder", "test_id")
