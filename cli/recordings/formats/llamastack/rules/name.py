"""name: a 64-hex request hash, or models-<hash>-<digest8>; legacy 12-hex names warn."""

from __future__ import annotations

from typing import Iterator

from recordings.rules.types import FileContext, Finding
from recordings.names import FULL, LEGACY, LEGACY_MODELS, MODELS, stem

ID = "name"
SEVERITY = "error"
SUMMARY = "a 64-hex hash or models-<hash>-<digest8>; legacy 12-hex names (plain or models-) warn"
SCOPE = "file"

LEGACY_NOTE = "legacy 12-hex name"


def check(ctx: FileContext) -> Iterator[Finding]:
    s = stem(ctx.path)
    if not ctx.path.endswith(".json"):
        yield ctx.finding((ID, SEVERITY), "a recording file name ends in .json")
    elif FULL.match(s) or MODELS.match(s):
        return
    elif LEGACY.match(s) or LEGACY_MODELS.match(s):
        yield Finding(ctx.path, ID, "warning",
                      f"{LEGACY_NOTE}: the current recorder names files by the full 64-hex hash")
    else:
        yield ctx.finding((ID, SEVERITY),
                          f"{s!r} is not a request hash: replay never looks a recording up by this name")
