"""A planned rewrite of one recording file, and writing it atomically.

A recorder's normalization plans each file (:class:`FilePlan`: unchanged, change, conflict, problem…);
:func:`apply_plan` writes a change: a temp file in the same folder, then ``os.replace``, the mode kept
(:func:`recordings.jsonbytes.atomic_write`).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Callable


@dataclass
class FilePlan:
    """What normalizing one file does. ``new_bytes`` is kept only when asked for."""

    path: str
    status: str  # unchanged | change | conflict | problem | foreign | skipped | link; read-only | changed (writing)
    changes: dict[str, int] = field(default_factory=dict)
    new_path: str | None = None  # set when --rehash renames the file
    new_bytes: bytes | None = None
    old_bytes: bytes | None = None
    reason: str | None = None
    keys: tuple[str, ...] | None = None  # a problem file's top-level keys, when it is a mapping of another shape

    def to_dict(self) -> dict[str, object]:
        return {"path": self.path, "status": self.status, "changes": self.changes, "new_path": self.new_path,
                "reason": self.reason}



def writable(path: str) -> bool:
    """Whether a rewrite may replace ``path``: the owner-write bits of the file and of its folder are set
    (so root, whom the system lets write anywhere, leaves a read-only file or folder alone too), and both
    are writable."""
    import os

    folder = os.path.dirname(os.path.abspath(path))
    try:
        owner_can_write = bool(os.stat(path).st_mode & 0o200) and bool(os.stat(folder).st_mode & 0o200)
    except OSError:
        return False
    return owner_can_write and os.access(path, os.W_OK) and os.access(folder, os.W_OK)


def apply_plan(plan: FilePlan) -> None:
    """Write a planned change: atomic replace, then (for a rename) remove the old name. The file must still
    hold the bytes the plan was made from (``old_bytes``), checked just before it is replaced or removed:
    else :class:`~recordings.errors.ChangedOnDisk`, and nothing is written."""
    import os

    from recordings.errors import ChangedOnDisk
    from recordings.jsonbytes import atomic_write, still_reads

    if plan.status != "change" or plan.new_bytes is None or os.path.islink(plan.path):
        return
    if plan.new_path:
        if plan.old_bytes is not None and not still_reads(plan.path, plan.old_bytes):
            raise ChangedOnDisk(plan.path)
        if os.path.lexists(plan.new_path):  # identical content already there
            os.unlink(plan.path)
            return
        atomic_write(plan.new_path, plan.new_bytes, mode_from=plan.path)
        os.unlink(plan.path)
    else:
        atomic_write(plan.path, plan.new_bytes, unchanged_from=plan.old_bytes)


def problem_plan(path: str, exc: Exception) -> FilePlan:
    """The plan of a file that could not be read: a problem, with the top-level keys it has when it is a
    mapping of another shape (the normalizer leaves a file of no known format out, with a note)."""
    from recordings.errors import LoadError, NotARecording

    return FilePlan(path, "problem", reason=exc.reason if isinstance(exc, LoadError) else str(exc),
                    keys=exc.keys if isinstance(exc, NotARecording) else None)


def plan_scrub(path: str, parse: Callable[[str, bytes], Any], scrub: Callable[..., dict[str, int]],
               dumper: Callable[[Any, bytes], Callable[[Any], bytes] | None], options: dict[str, Any] | None,
               keep_bytes: bool, unknown_style: str) -> FilePlan:
    """What scrubbing one file would change: read and parse it, count what ``scrub`` would change (nothing:
    unchanged, decided without serializing), then rewrite only when ``dumper(doc, raw)`` gives a dump that
    reproduces the file's bytes in its own style (None: ``skipped``, with ``unknown_style``). A symlinked
    file is never written through (``link``)."""
    import os

    from recordings.errors import LoadError
    from recordings.files import read_bytes

    try:
        raw = read_bytes(path)
        doc = parse(path, raw)
    except LoadError as exc:
        return problem_plan(path, exc)
    counts = scrub(doc, options, apply=False)
    if not counts:
        return FilePlan(path, "unchanged")
    dump = dumper(doc, raw)
    if dump is None:
        return FilePlan(path, "skipped", counts, reason=unknown_style)
    plan = FilePlan(path, "change", counts)
    if os.path.islink(path):
        plan.status = "link"
        plan.reason = f"is a symbolic link to {os.path.realpath(path)}: never written through; scrub the target"
    if keep_bytes:
        scrub(doc, options)
        plan.new_bytes, plan.old_bytes = dump(doc), raw
    return plan
