"""Finding orphaned recordings (whose test is gone) and removing them safely."""

from __future__ import annotations

import os
import shutil
import subprocess
from dataclasses import dataclass, field
from typing import Iterable, Protocol

from recordings.model import Recording, TestId
from recordings.tests_index import ALIVE, GONE, KEPT, Verdict


class Index(Protocol):
    def verdict(self, test: TestId) -> Verdict: ...


@dataclass(frozen=True)
class Orphan:
    recording: Recording
    reason: str


@dataclass
class PrunePlan:
    orphans: list[Orphan] = field(default_factory=list)
    kept: list[tuple[Recording, str]] = field(default_factory=list)  # undecidable, with the reason
    shared: int = 0
    total: int = 0

    @property
    def bytes(self) -> int:
        return sum(o.recording.size for o in self.orphans)

    @property
    def fraction(self) -> float:
        return len(self.orphans) / self.total if self.total else 0.0

    def by_test(self) -> dict[str, list[Orphan]]:
        groups: dict[str, list[Orphan]] = {}
        for o in self.orphans:
            key = o.recording.test.base if o.recording.test else (o.recording.test_id or "?")
            groups.setdefault(key, []).append(o)
        return dict(sorted(groups.items()))

    def to_dict(self) -> dict[str, object]:
        return {
            "orphans": [
                {"id": o.recording.id, "path": o.recording.path, "test_id": o.recording.test_id,
                 "test": o.recording.test.base if o.recording.test else None, "reason": o.reason,
                 "size": o.recording.size}
                for o in self.orphans
            ],
            "kept": [{"path": r.path, "test_id": r.test_id, "reason": why} for r, why in self.kept],
            "summary": {"recordings": self.total, "orphans": len(self.orphans), "tests": len(self.by_test()),
                        "bytes": self.bytes, "shared_skipped": self.shared, "kept_undecided": len(self.kept)},
        }


def plan(recordings: Iterable[Recording], index: Index) -> PrunePlan:
    result = PrunePlan()
    for r in recordings:
        result.total += 1
        if r.shared:
            result.shared += 1
            continue
        if r.test is None:
            result.kept.append((r, f"test_id {r.test_id!r} is not a pytest node id"))
            continue
        v = index.verdict(r.test)
        if v.status == GONE:
            result.orphans.append(Orphan(r, v.reason))
        elif v.status == KEPT:
            result.kept.append((r, v.reason))
        else:
            assert v.status == ALIVE
    return result


def find_root(start: str) -> str:
    """The project root: the nearest folder up from ``start`` with pyproject.toml or .git."""
    d = os.path.abspath(start if os.path.isdir(start) else os.path.dirname(start) or ".")
    while True:
        if os.path.exists(os.path.join(d, "pyproject.toml")) or os.path.exists(os.path.join(d, ".git")):
            return d
        parent = os.path.dirname(d)
        if parent == d:
            return os.path.abspath(start if os.path.isdir(start) else ".")
        d = parent


def git_status(root: str, paths: list[str]) -> tuple[bool, set[str]]:
    """(inside a git work tree, the given paths git does not track)."""
    try:
        inside = subprocess.run(["git", "rev-parse", "--is-inside-work-tree"], cwd=root, capture_output=True,
                                text=True).stdout.strip() == "true"
    except OSError:
        return False, set()
    if not inside or not paths:
        return inside, set()
    absolute = [os.path.abspath(p) for p in paths]
    proc = subprocess.run(["git", "ls-files", "-z", "--", *absolute], cwd=root, capture_output=True)
    # ls-files prints paths relative to its working directory
    base = os.path.abspath(root)
    tracked = {os.path.normpath(os.path.join(base, p)) for p in proc.stdout.decode().split("\0") if p}
    return True, {p for p, a in zip(paths, absolute) if os.path.normpath(a) not in tracked}


def remove(orphans: list[Orphan], trash: str | None, root: str) -> list[tuple[str, str]]:
    """Delete (or move into ``trash``) each orphan; returns (path, error) for the ones that failed."""
    failed = []
    for o in orphans:
        path = o.recording.path
        try:
            if trash:
                rel = os.path.relpath(os.path.abspath(path), root)
                if rel.startswith(".."):
                    rel = os.path.basename(path)
                dest = os.path.join(trash, rel)
                os.makedirs(os.path.dirname(dest), exist_ok=True)
                shutil.move(path, dest)
            else:
                os.unlink(path)
        except OSError as exc:
            failed.append((path, exc.strerror or str(exc)))
    return failed
