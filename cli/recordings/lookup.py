"""Resolving what a user typed (a hash, a unique prefix, a file name or a path) to one file."""

from __future__ import annotations

import os

from recordings.discovery import discover
from recordings.errors import LookupFailed
from recordings.names import hash_of_name, stem

MIN_PREFIX = 4


def matching(ref_stem: str, files: list[str]) -> list[str]:
    """The files a hash, a name or a unique prefix names: an exact stem wins; otherwise every file whose
    stem, or whose request hash (``models-<hash>-…``), starts with ``ref_stem``. The one rule every
    command (``show``, ``diff``, ``explain``) resolves what a user typed with."""
    exact = [f for f in files if stem(f) == ref_stem]
    if exact:
        return exact
    return [f for f in files if stem(f).startswith(ref_stem) or hash_of_name(stem(f)).startswith(ref_stem)]


def resolve(ref: str, root: str = ".") -> str:
    """The one recording file ``ref`` names under ``root``.

    Raises :class:`LookupFailed` when nothing or more than one file matches;
    ``candidates`` lists the matches of an ambiguous prefix.
    """
    if os.path.sep in ref or ref.endswith(".json"):
        if os.path.lexists(ref):
            return ref
    ref_stem = ref[:-5] if ref.endswith(".json") else ref
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
