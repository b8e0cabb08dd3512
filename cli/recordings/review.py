"""Reviewing a re-record file by file (the core of ``recordings review``): the recordings that differ between
a git revision and the working tree, and what accepting or rejecting each one does.

Accepting keeps the working tree's bytes. Rejecting gives the file back its bytes at the revision: written
atomically beside it (a temp file in the same folder, then ``os.replace``), only while the file still holds
the bytes the review showed; a file the revision did not have is deleted, under the same check. A file whose
folder lies outside the project root, or that is a symbolic link, is never written through.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from typing import Any

from recordings.corpus_diff import UNCHANGED, FileDiff

KEPT, RESTORED, DELETED, SKIPPED, REFUSED = "kept", "restored", "deleted", "skipped", "refused"


@dataclass
class Item:
    diff: FileDiff
    shown: dict[str, str | None]  # working-tree path -> sha256 of the bytes the review showed (None: absent)

    @property
    def paths(self) -> list[str]:
        return [p for p in dict.fromkeys((self.diff.old, self.diff.new)) if p]


def _digest(path: str) -> str | None:
    """:func:`recordings.collisions.fingerprint`, or None for a file that is not there."""
    from recordings.collisions import fingerprint

    try:
        return fingerprint(path)
    except FileNotFoundError:
        return None


def changes(root: str, base: str) -> tuple[list[Item], Any]:
    """Every recording that differs between ``base`` and the working tree under ``root`` (the CorpusDiff too)."""
    from recordings.corpus_diff import diff_corpora
    from recordings.sources import FolderSource, GitSource

    old, new = GitSource(root, base), FolderSource(root)
    try:
        result = diff_corpora(old, new)
    finally:
        old.close()
        new.close()
    items = []
    for f in result.files:
        if f.status == UNCHANGED:
            continue
        shown = {p: _digest(os.path.join(root, p)) for p in dict.fromkeys((f.old, f.new)) if p}
        items.append(Item(f, shown))
    return items, result


def matches(item: Item, pattern: str) -> bool:
    from recordings.sources import path_matches

    return any(path_matches(p, pattern) for p in item.paths)


def reject(item: Item, root: str, base: str) -> tuple[str, str]:
    """Give the recording back its state at ``base``: (RESTORED | DELETED | REFUSED, what was done or why not)."""
    from recordings.errors import ChangedOnDisk
    from recordings.jsonbytes import atomic_write
    from recordings.project import inside
    from recordings.sources import SourceError, read_blob

    f = item.diff
    done = []
    for rel in item.paths:
        path = os.path.join(root, rel)
        if not inside(path, root) or os.path.islink(path):
            return REFUSED, f"{rel}: outside the project root or a symbolic link: left alone"
        if _digest(path) != item.shown.get(rel):
            return REFUSED, f"{rel}: changed since it was shown: left alone"
    if f.old is not None:  # the revision had it: its bytes come back
        try:
            data = read_blob(root, base, f.old)
        except SourceError as exc:
            return REFUSED, str(exc)
        path = os.path.join(root, f.old)
        current = None
        if os.path.exists(path):
            with open(path, "rb") as fh:
                current = fh.read()
        os.makedirs(os.path.dirname(path), exist_ok=True)
        try:
            atomic_write(path, data, unchanged_from=current)
        except ChangedOnDisk:
            return REFUSED, f"{f.old}: changed while it was restored: left alone"
        done.append(f"restored {f.old}")
    if f.new is not None and f.new != f.old:  # the revision did not have it under this name
        os.unlink(os.path.join(root, f.new))
        done.append(f"deleted {f.new}")
    return (RESTORED if f.old is not None else DELETED), "; ".join(done)
