"""bytes: the file is byte-identical to json.dumps(obj, indent=2) plus a newline."""

from __future__ import annotations

from typing import Iterator

from recordings.rules import bytescan
from recordings.rules.types import FileContext, Finding
from recordings.jsonbytes import FLOAT_SPELLINGS, canonical_bytes, first_difference, has_float_spellings, is_canonical

ID = "bytes"
SEVERITY = "warning"
SUMMARY = "the file is byte-identical to json.dumps(obj, indent=2) + newline"
SCOPE = "file"


# floats spelled the way orjson and Python disagree on, found in the pass the secrets rule shares
bytescan.register("float-spellings", FLOAT_SPELLINGS, lambda raw: raw if has_float_spellings(raw) else b"")


def check(ctx: FileContext) -> Iterator[Finding]:
    if is_canonical(ctx.raw, ctx.doc, bool(bytescan.scan_file(ctx)["float-spellings"])):
        return
    want = canonical_bytes(ctx.doc)
    line = 1 + want[: first_difference(want, ctx.raw)].count(b"\n")
    yield ctx.finding((ID, SEVERITY), f"not in canonical form (first difference on line {line}); "
                                      "`recordings normalize` rewrites it")
