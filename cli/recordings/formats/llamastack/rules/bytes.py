"""bytes: the file is byte-identical to json.dumps(obj, indent=2) plus a newline."""

from __future__ import annotations

from typing import Iterator

from recordings.rules.types import FileContext, Finding
from recordings.jsonbytes import canonical_bytes

ID = "bytes"
SEVERITY = "warning"
SUMMARY = "the file is byte-identical to json.dumps(obj, indent=2) + newline"
SCOPE = "file"


def check(ctx: FileContext) -> Iterator[Finding]:
    want = canonical_bytes(ctx.doc)
    if want == ctx.raw:
        return
    line = 1 + want[: _first_difference(want, ctx.raw)].count(b"\n")
    yield ctx.finding((ID, SEVERITY), f"not in canonical form (first difference on line {line}); "
                                 "`recordings normalize` rewrites it")


def _first_difference(a: bytes, b: bytes) -> int:
    n = min(len(a), len(b))
    lo = 0
    # compare in blocks first, then byte by byte
    step = 4096
    while lo + step <= n and a[lo:lo + step] == b[lo:lo + step]:
        lo += step
    while lo < n and a[lo] == b[lo]:
        lo += 1
    return lo
