"""Resolving what a user typed (a hash, a unique prefix, a file name or a path) to one file."""

from __future__ import annotations

import os

from recordings.discovery import discover
from recordings.errors import LookupFailed

MIN_PREFIX = 4


def matching(ref_stem: str, files: list[str]) -> list[str]:
    """The files a hash, a name or a unique prefix names: an exact name wins; otherwise every file whose
    recorder says the prefix names it (OGX: the file's name or the request hash it carries). The one rule
    every command (``show``, ``diff``, ``explain``) resolves what a user typed with."""
    from recordings.formats import format_for_file

    recorders = {f: format_for_file(f) for f in files}
    exact = [f for f in files if recorders[f].exact(ref_stem, f)]
    if exact:
        return exact
    return [f for f in files if recorders[f].matches(ref_stem, f)]


def _suffixes() -> tuple[str, ...]:
    from recordings.formats import FORMATS

    return tuple(sorted({s for f in FORMATS for s in f.suffixes}, key=len, reverse=True))


def stem_of_ref(ref: str) -> str:
    """What a user typed without a recording suffix (``b77e.json`` → ``b77e``)."""
    return next((ref[: -len(s)] for s in _suffixes() if ref.endswith(s)), ref)


def resolve(ref: str, root: str = ".") -> str:
    """The one recording file ``ref`` names under ``root``.

    Raises :class:`LookupFailed` when nothing or more than one file matches;
    ``candidates`` lists the matches of an ambiguous prefix.
    """
    if os.path.sep in ref or ref.endswith(_suffixes()):
        if os.path.lexists(ref):
            return ref
    ref_stem = stem_of_ref(ref)  # a file name: its stem
    if len(ref_stem) < MIN_PREFIX:
        raise LookupFailed(f"{ref!r} is too short: give at least {MIN_PREFIX} characters of the hash")
    matches = matching(ref_stem, discover([root]).files)
    if len(matches) == 1:
        return matches[0]
    if not matches:
        raise LookupFailed(f"no recording matches {ref!r} under {root}")
    if len(matches) > 1:
        raise LookupFailed(f"{ref!r} is ambiguous: {len(matches)} recordings match", tuple(sorted(matches)))
    return matches[0]
