"""name: a 64-hex request hash, or models-<hash>-<digest8>; legacy 12-hex names warn."""

from __future__ import annotations

import re
from typing import Iterator

from recordings.checks import FileContext, Finding
from recordings.names import stem

ID = "name"
SEVERITY = "error"
SUMMARY = "a 64-hex hash or models-<hash>-<digest8>; legacy 12-hex names (plain or models-) warn"

FULL = re.compile(r"^[0-9a-f]{64}$")
MODELS = re.compile(r"^models-[0-9a-f]{64}-[0-9a-f]{8}$")
LEGACY = re.compile(r"^[0-9a-f]{12}$")
LEGACY_MODELS = re.compile(r"^models-[0-9a-f]{12}-[0-9a-f]{8}$")  # written until 2025-10


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
