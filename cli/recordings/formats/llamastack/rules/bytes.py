"""bytes: the file is byte-identical to json.dumps(obj, indent=2) plus a newline."""

from __future__ import annotations

from typing import Iterator

from recordings.rules.types import FileContext, Finding
from recordings.jsonbytes import canonical_bytes, first_difference, is_canonical

ID = "bytes"
SEVERITY = "warning"
SUMMARY = "the file is byte-identical to json.dumps(obj, indent=2) + newline"
SCOPE = "file"


def check(ctx: FileContext) -> Iterator[Finding]:
    if is_canonical(ctx.raw, ctx.doc):
        return
    want = canonical_bytes(ctx.doc)
    line = 1 + want[: first_difference(want, ctx.raw)].count(b"\n")
    yield ctx.finding((ID, SEVERITY), f"not in canonical form (first difference on line {line}); "
                                      "`recordings normalize` rewrites it")
