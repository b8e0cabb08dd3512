"""Colliding recordings: several files of one folder whose requests hash to one name (the core of
``recordings dedupe``, and a line of ``stats`` and ``validate --summary``).

Replay looks a request up by that name, so it reads at most one file of the group: the one that has the
name, if any. The others are never read. For each group the plan keeps the file whose name is right, or
else the newest (by its last commit when git tracks it unchanged, else by its modification time); when the
newest cannot be told apart, it keeps them all and says why.
"""

from __future__ import annotations

import hashlib
import os
import subprocess
from dataclasses import dataclass, field
from typing import Any, Mapping


@dataclass
class Collision:
    name: str  # the path replay reads for these requests
    files: tuple[str, ...]  # every file whose request hashes to it, sorted
    keep: str | None = None  # None: undecided, every file kept
    why: str = ""
    digests: dict[str, str] = field(default_factory=dict)  # sha256 of each file to remove, when planned

    @property
    def remove(self) -> list[str]:
        return [f for f in self.files if f != self.keep] if self.keep is not None else []

    def to_dict(self) -> dict[str, Any]:
        return {"name": self.name, "files": list(self.files), "keep": self.keep, "why": self.why,
                "remove": self.remove}


def find_collisions(targets: Mapping[str, str]) -> list[Collision]:
    """Groups of two or more files that hash to one name; ``targets``: file -> the path its request hashes
    to (itself when its name is right). Sorted by name."""
    groups: dict[str, list[str]] = {}
    for path, target in targets.items():
        groups.setdefault(os.path.normpath(target), []).append(path)
    return [Collision(name, tuple(sorted(paths))) for name, paths in sorted(groups.items()) if len(paths) > 1]


def git_ages(paths: list[str], root: str) -> dict[str, float]:
    """The last commit time of each path git tracks and that is unchanged in the work tree."""
    from recordings.prune import git_status

    inside, untracked = git_status(root, paths)
    if not inside:
        return {}
    tracked = [p for p in paths if p not in untracked]
    if not tracked:
        return {}
    changed_proc = subprocess.run(["git", "diff", "--name-only", "-z", "HEAD", "--",
                                   *[os.path.abspath(p) for p in tracked]], cwd=root, capture_output=True)
    top = subprocess.run(["git", "rev-parse", "--show-toplevel"], cwd=root, capture_output=True).stdout
    top_dir = os.fsdecode(top.strip())
    changed = {os.path.normpath(os.path.join(top_dir, p)) for p in os.fsdecode(changed_proc.stdout).split("\0") if p}
    ages = {}
    for p in tracked:
        if os.path.normpath(os.path.abspath(p)) in changed:
            continue
        proc = subprocess.run(["git", "log", "-1", "--format=%ct", "--", os.path.abspath(p)], cwd=root,
                              capture_output=True, text=True)
        if proc.returncode == 0 and proc.stdout.strip().isdigit():
            ages[p] = float(proc.stdout.strip())
    return ages


def decide(collisions: list[Collision], root: str) -> None:
    """Choose, for each group, the file to keep and say why."""
    from datetime import datetime, timezone

    undecided = [c for c in collisions if not any(os.path.normpath(f) == c.name for f in c.files)]
    ages = git_ages([f for c in undecided for f in c.files], root) if undecided else {}
    for c in collisions:
        right = next((f for f in c.files if os.path.normpath(f) == c.name), None)
        if right is not None:
            c.keep, c.why = right, "its name is its request's hash: the one replay reads"
            continue
        dated = []
        for f in c.files:
            if f in ages:
                dated.append((ages[f], f, "last commit"))
                continue
            try:
                dated.append((os.lstat(f).st_mtime, f, "modified"))
            except OSError:
                dated = []
                break
        dated.sort(reverse=True)
        if not dated:
            c.why = "a file of the group cannot be read: all kept"
        elif len(dated) > 1 and int(dated[0][0]) == int(dated[1][0]):
            c.why = (f"none has the right name and the newest cannot be told apart ({dated[0][2]} at the same "
                     "second): all kept; compare them with `recordings diff`")
        else:
            when = datetime.fromtimestamp(dated[0][0], timezone.utc).strftime("%Y-%m-%d %H:%M:%S UTC")
            c.keep = dated[0][1]
            c.why = (f"the newest ({dated[0][2]} {when}); none has the right name: `recordings normalize "
                     f"--rehash` then renames it to {os.path.basename(c.name)}")


def fingerprint(path: str) -> str:
    """The sha256 of a file's bytes: what a plan records of a file it will act on, to check it again before
    acting (OSError when the file cannot be read)."""
    with open(path, "rb") as f:
        return hashlib.sha256(f.read()).hexdigest()


def plan(targets: Mapping[str, str], root: str) -> list[Collision]:
    """The colliding groups with the file each keeps, and a digest of every file it would remove (checked
    again before removing: a file changed since is left alone)."""
    groups = find_collisions(targets)
    decide(groups, root)
    for c in groups:
        for f in c.remove:
            try:
                c.digests[f] = fingerprint(f)
            except OSError:
                pass
    return groups


def remove(groups: list[Collision], trash: str | None, root: str) -> tuple[list[str], list[tuple[str, str]]]:
    """Remove every file the plan removes: (removed, [(path, why not)]). A file whose bytes changed since the
    plan, whose kept file is gone, or whose folder lies outside ``root`` is left alone."""
    from recordings.prune import remove_paths

    ready, failed = [], []
    for c in groups:
        if c.keep is None:
            continue
        if not os.path.isfile(c.keep):
            failed += [(f, f"the file it duplicates, {c.keep}, is gone: left alone") for f in c.remove]
            continue
        for f in c.remove:
            try:
                same = f in c.digests and fingerprint(f) == c.digests[f]
            except OSError as exc:
                failed.append((f, exc.strerror or str(exc)))
                continue
            if not same:
                failed.append((f, "changed since the plan: left alone"))
                continue
            ready.append(f)
    failed += remove_paths(ready, trash, root)
    gone = {p for p, _ in failed}
    return [p for p in ready if p not in gone], failed
