"""hash: the request hash recomputed with the format's rules equals the file name."""

from __future__ import annotations

from typing import Iterator

from recordings.rules.types import FileContext, Finding
from recordings.names import FULL, LEGACY, LEGACY_MODELS, MODELS, hash_of_name, names_hash, stem
from recordings.formats.llamastack.hashing import request_hash
from recordings.model import Kind
from recordings.files import has_big_integer

ID = "hash"
SEVERITY = "warning"
SUMMARY = "the request hash recomputed with the recorder's rules equals the file name"
SCOPE = "file"


def computed_hash(ctx: FileContext) -> str | None:
    """The request hash of this file (None for file processors, which have no hash rule)."""
    def compute() -> str | None:
        r = ctx.recording
        if r is None or r.kind is Kind.FILE_PROCESSOR:
            return None
        try:
            return request_hash(r.kind, ctx.doc["request"], r.test_id)
        except (TypeError, ValueError, RecursionError):
            return None
    return ctx.cached("hash", compute)


def exact_hash(ctx: FileContext) -> str | None:
    """The request hash from an exact reading of the file (only asked when the fast one disagrees)."""
    from recordings.errors import LoadError
    from recordings.files import exact_document

    r = ctx.recording
    if r is None:
        return None
    try:
        doc = exact_document(ctx.path, ctx.raw)
        return request_hash(r.kind, doc["request"], r.test_id)
    except (LoadError, KeyError, TypeError, ValueError, RecursionError):
        return None


def check(ctx: FileContext) -> Iterator[Finding]:
    s = stem(ctx.path)
    if not (FULL.match(s) or MODELS.match(s) or LEGACY.match(s) or LEGACY_MODELS.match(s)):
        return  # the name rule reports it
    h = computed_hash(ctx)
    if h is None:
        return
    if names_hash(s, h):
        return
    if has_big_integer(ctx.raw):  # orjson read an integer past 64 bits as a float: decide on an exact reading
        h = exact_hash(ctx) or h
    if names_hash(s, h):
        return
    yield ctx.finding((ID, SEVERITY), f"replay will not find this recording: its request hashes to {h[:12]}…, "
                                      f"not {hash_of_name(s)[:12]}… (recorded under older rules or renamed)")
