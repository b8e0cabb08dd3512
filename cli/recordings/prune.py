"""Finding orphaned recordings (whose test is gone) and removing them safely."""

from __future__ import annotations

import os
import shutil
import subprocess
from dataclasses import dataclass, field
from typing import Any, Iterable, Protocol

from recordings.model import EmptyFile, NodeId, Recording
from recordings.live_tests import ALIVE, GONE, KEPT, PARAMETER_GONE, StaticIndex, Verdict


class Index(Protocol):
    def verdict(self, test: NodeId) -> Verdict: ...


@dataclass(frozen=True)
class Orphan:
    recording: Recording | EmptyFile
    reason: str

    @property
    def kind(self) -> str:
        """``parameter`` (the function lives, these parameters are no longer collected) or ``function``
        (the test function, its class or its file is gone)."""
        return "parameter" if self.reason.startswith(PARAMETER_GONE) else "function"


@dataclass(frozen=True)
class Kept:
    """A recording the plan cannot judge: this file's reason, and ``why``, what a summary line groups by."""

    recording: Recording | EmptyFile
    reason: str
    why: str = ""


@dataclass
class PrunePlan:
    orphans: list[Orphan] = field(default_factory=list)
    kept: list[Kept] = field(default_factory=list)  # undecidable, with the reason
    shared: int = 0
    total: int = 0
    test_files: int = 0  # distinct test files the recordings name
    missing_files: int = 0  # of those, how many do not exist under the root
    missing_example: tuple[str, str] | None = None  # (a missing test file, a recording naming it)
    not_judged: dict[str, int] = field(default_factory=dict)  # format -> files it cannot attribute to tests

    @property
    def bytes(self) -> int:
        return sum(o.recording.size for o in self.orphans)

    @property
    def fraction(self) -> float:
        return len(self.orphans) / self.total if self.total else 0.0

    def wrong_root(self, root: str) -> str | None:
        """Why the plan must not run when none of the test files the recordings name exists (a wrong
        root makes every recording look orphaned), or None."""
        if not self.test_files or self.missing_files != self.test_files:
            return None
        test_file, example = self.missing_example or ("?", "?")
        return (f"refusing to prune: none of the {self.test_files} test files the recordings name exists under "
                f"{root} (wrong --root?), e.g. {test_file} named by {example}")

    def too_large(self, max_fraction: float, force: bool) -> str | None:
        """Why the plan must not run when it would remove more than ``max_fraction`` of the corpus."""
        if self.fraction <= max_fraction or force:
            return None
        return (f"refusing to prune {self.fraction:.0%} of the corpus (more than --max-fraction {max_fraction:g}); "
                "check the source of truth, or pass --force")

    def refusal(self, root: str, max_fraction: float = 0.5, force: bool = False) -> str | None:
        """Why the plan must not be acted on, the guards every user of it applies (prune, ``ls --orphans``,
        ``stats``): a wrong root, then a plan over ``max_fraction`` of the corpus; None when it may."""
        wrong = self.wrong_root(root)
        if wrong:
            return wrong.removeprefix("refusing to prune: ")
        if self.orphans and self.too_large(max_fraction, force):
            return (f"{self.fraction:.0%} of the corpus would go (more than --max-fraction {max_fraction:g}); check "
                    "the source of truth")
        return None

    def kept_groups(self) -> list[tuple[str, list[Kept]]]:
        """Kept files grouped by why, largest group first: what the summary lines say."""
        groups: dict[str, list[Kept]] = {}
        for k in self.kept:
            groups.setdefault(k.why or k.reason, []).append(k)
        return sorted(groups.items(), key=lambda kv: (-len(kv[1]), kv[0]))

    def by_test(self) -> dict[str, list[Orphan]]:
        groups: dict[str, list[Orphan]] = {}
        for o in self.orphans:
            r = o.recording
            key = r.test.base if r.test else (r.test_id or f"(no test) {r.path}")
            groups.setdefault(key, []).append(o)
        return dict(sorted(groups.items()))

    def to_dict(self) -> dict[str, object]:
        return {
            "orphans": [
                {"id": o.recording.id, "path": o.recording.path, "test_id": o.recording.test_id,
                 "test": o.recording.test.base if o.recording.test else None, "kind": o.kind,
                 "reason": o.reason, "size": o.recording.size}
                for o in self.orphans
            ],
            "kept": [{"path": k.recording.path, "test_id": k.recording.test_id, "reason": k.reason,
                      "why": k.why or k.reason} for k in self.kept],
            "summary": {"recordings": self.total, "orphans": len(self.orphans), "tests": len(self.by_test()),
                        "bytes": self.bytes, "shared_skipped": self.shared, "kept_undecided": len(self.kept),
                        "function_orphans": sum(1 for o in self.orphans if o.kind == "function"),
                        "parameter_orphans": sum(1 for o in self.orphans if o.kind == "parameter"),
                        "not_judged": dict(self.not_judged)},
        }


def plan(recordings: Iterable[Recording | EmptyFile], index: Index | None, root: str | None = None,
         by_use: Any = None, force: bool = False) -> PrunePlan:
    """Which recordings are orphans under ``index``. With ``root``, a recording whose folder lies
    outside it (links resolved) is kept, and the test files the recordings name are counted.

    A format that finds its files' tests itself (cassettes: its test attribution) judges them; the others
    are judged by the test id they record. With ``by_use`` (:class:`recordings.usage.plan.UseIndex`), the
    logged test runs decide instead, for every format that takes part in prune."""
    from recordings.formats import format_for_file
    from recordings.project import inside

    result = PrunePlan()
    sessions: dict[str, Any] = {}  # format name -> its test attribution for this plan
    files: dict[str, bool] = {}
    planned: set[str] = set()
    roots: dict[str, str | None] = {}
    folders_inside: dict[str, bool] = {}
    for r in recordings:
        if r.path in planned:  # a file of several recordings (a cassette) is judged once
            continue
        planned.add(r.path)
        result.total += 1
        fmt = format_for_file(r.path)
        if not fmt.attributes_tests:
            result.not_judged[fmt.name] = result.not_judged.get(fmt.name, 0) + 1
            continue
        if fmt.name not in sessions:
            sessions[fmt.name] = fmt.test_attribution()
        attribution = sessions[fmt.name]
        if r.shared and attribution is None:
            result.shared += 1
            continue
        if root is not None:
            folder = os.path.dirname(r.path)
            if folder not in folders_inside:  # asked once per folder here; remove() asks again per file
                folders_inside[folder] = inside(r.path, root)
            if not folders_inside[folder]:
                result.kept.append(Kept(r, f"outside the project root {root} (reached through a link?)",
                                        "outside the project root (reached through a link?)"))
                continue
            own = _own_root(os.path.dirname(r.path), roots, root)
            if own is not None and os.path.normpath(own) != os.path.normpath(os.path.abspath(root)):
                result.kept.append(Kept(r, f"belongs to the project at {own} (its own pyproject.toml or .git): "
                                           "prune it with --root there",
                                        f"belongs to the project at {own} (its own pyproject.toml or .git): prune "
                                        "it with --root there"))
                continue
        if by_use is not None:
            v = by_use.verdict(r.path, r.test_id)
            if v.status == "unused":
                result.orphans.append(Orphan(r, v.reason))
            elif v.status == "kept":
                result.kept.append(Kept(r, v.reason, v.why))
            continue
        if attribution is not None:
            if root is None:
                result.kept.append(Kept(r, "no project root to read its tests from"))
                continue
            _judge_by_format(result, r, attribution, root, index, force)
            continue
        if r.test is None:
            result.kept.append(Kept(r, f"test_id {r.test_id!r} is not a pytest node id",
                                    "the test_id is not a pytest node id"))
            continue
        if root is not None and r.test.file not in files:
            files[r.test.file] = os.path.lexists(os.path.join(root, r.test.file))  # a name there, even a bad link
            if not files[r.test.file] and result.missing_example is None:
                result.missing_example = (r.test.file, r.path)
        assert index is not None  # without by_use, a source of truth is given
        v = index.verdict(r.test)
        if v.status == GONE:
            result.orphans.append(Orphan(r, v.reason))
        elif v.status == KEPT:
            result.kept.append(Kept(r, v.reason, v.why or _why(v.reason)))
        else:
            assert v.status == ALIVE
    _count_untrusted(result)
    result.test_files = len(files)
    result.missing_files = sum(1 for exists in files.values() if not exists)
    return result


def _count_untrusted(result: PrunePlan) -> None:
    """One summary line for the recordings whose test files are empty, left out of a checkout or cannot be
    checked: it says how many test files."""
    import dataclasses

    from recordings.live_tests import UNTRUSTED_EMPTY, UNTRUSTED_UNKNOWN

    for why, verb, tail in ((UNTRUSTED_EMPTY, ("is", "are"), "pass --force to judge them"),
                            (UNTRUSTED_UNKNOWN, ("", ""), "never judged")):
        files = {k.recording.test.file for k in result.kept if k.why == why and k.recording.test}
        if files:
            n = len(files)
            said = " ".join(w for w in (f"{n} test file{'s' if n != 1 else ''}", verb[n != 1], why) if w)
            text = f"{said} (e.g. {sorted(files)[0]}): their recordings are kept, {tail}"
            result.kept = [dataclasses.replace(k, why=text) if k.why == why else k for k in result.kept]


def _why(reason: str) -> str:
    """What kept recordings are grouped by: the reason without the test's own name (``function x not
    found, but names are assigned through globals()`` → ``names are assigned through globals()``)."""
    head, sep, tail = reason.partition(" not found, but ")
    return tail if sep else reason


def _judge_by_format(result: PrunePlan, r: Recording | EmptyFile, attribution: Any, root: str,
                     index: Index | None, force: bool = False) -> None:
    """A file whose format finds its test (a cassette by its name and the project's fixtures)."""
    import dataclasses

    from recordings.nodeid import try_parse_node_id

    judged = attribution.judge(r.path, root, force)
    test = try_parse_node_id(judged.test_id) if judged.test_id else None
    if judged.test_id != r.test_id:
        r = dataclasses.replace(r, test_id=judged.test_id, test=test)
    if judged.status == "orphan":
        result.orphans.append(Orphan(r, judged.reason))
    elif judged.status == "kept":
        result.kept.append(Kept(r, judged.reason, judged.why))
    elif test is not None and index is not None and not isinstance(index, StaticIndex):  # a collection or manifest
        v = index.verdict(test)
        if v.status == GONE:
            result.orphans.append(Orphan(r, v.reason))
        elif v.status == KEPT:
            result.kept.append(Kept(r, v.reason, _why(v.reason)))


def _own_root(folder: str, roots: dict[str, str | None], root: str) -> str | None:
    """The project a recording's folder belongs to (nearest pyproject.toml or .git), or None (none). A
    nested pyproject.toml whose tests the root's pytest configuration runs (its testpaths reach into it,
    as in a uv workspace) belongs to the root's project."""
    folder = os.path.abspath(folder)
    if folder not in roots:
        from recordings.project import find_project_root, runs_tests_of

        found = find_project_root(folder)
        own = None if found.guessed else found.path
        if own is not None and own != os.path.abspath(root) and runs_tests_of(root, own):
            own = os.path.abspath(root)
        roots[folder] = own
    return roots[folder]


def git_status(root: str, paths: list[str]) -> tuple[bool, set[str]]:
    """(inside a git work tree, the given paths git does not track)."""
    try:
        inside = subprocess.run(["git", "rev-parse", "--is-inside-work-tree"], cwd=root, capture_output=True,
                                encoding="utf-8", errors="surrogateescape").stdout.strip() == "true"
    except OSError:
        return False, set()
    if not inside or not paths:
        return inside, set()
    absolute = [os.path.abspath(p) for p in paths]
    proc = subprocess.run(["git", "ls-files", "-z", "--", *absolute], cwd=root, capture_output=True)
    # ls-files prints paths relative to its working directory
    base = os.path.abspath(root)
    tracked = {os.path.normpath(os.path.join(base, p)) for p in os.fsdecode(proc.stdout).split("\0") if p}
    return True, {p for p, a in zip(paths, absolute) if os.path.normpath(a) not in tracked}


def trash_destination(path: str, trash: str, root: str) -> str:
    """Where ``path`` goes in ``trash``: its path relative to ``root``, never an existing file.

    A name already taken (a second orphan of the same name, an earlier run's copy) gets
    ``.1``, ``.2``… before its extension.
    """
    rel = os.path.relpath(os.path.abspath(path), os.path.abspath(root))
    if rel == os.pardir or rel.startswith(os.pardir + os.sep):  # outside the root: keep the whole path
        rel = os.path.join("_outside_root", os.path.abspath(path).lstrip(os.sep))
    dest = os.path.join(trash, rel)
    stem, ext = os.path.splitext(dest)
    n = 0
    while os.path.lexists(dest):
        n += 1
        dest = f"{stem}.{n}{ext}"
    return dest


def _move_no_overwrite(path: str, dest: str) -> None:
    """Move ``path`` to ``dest``; fails (FileExistsError) rather than replace anything at ``dest``."""
    os.makedirs(os.path.dirname(dest), exist_ok=True)
    try:
        os.link(path, dest, follow_symlinks=False)  # fails if dest exists: never overwrites
    except OSError as exc:
        if isinstance(exc, FileExistsError):
            raise
        # another file system, or no hard links: copy into a new file (O_EXCL), then remove
        if os.path.islink(path):
            os.symlink(os.readlink(path), dest)
        else:
            with open(path, "rb") as src, open(dest, "xb") as out:
                shutil.copyfileobj(src, out)
            shutil.copymode(path, dest)
    os.unlink(path)


def remove(orphans: list[Orphan], trash: str | None, root: str) -> list[tuple[str, str]]:
    """Delete (or move into ``trash``) each orphan; returns (path, error) for the ones that failed."""
    return remove_paths([o.recording.path for o in orphans], trash, root)


def remove_paths(paths: list[str], trash: str | None, root: str) -> list[tuple[str, str]]:
    """Delete (or move into ``trash``) each file; returns (path, error) for the ones that failed.

    A file whose folder (links resolved) is outside ``root`` is never touched; a symlinked recording
    is removed as a link, its target left alone; the trash never overwrites a file.
    """
    from recordings.project import inside

    failed = []
    for path in paths:
        if not inside(path, root):
            failed.append((path, f"outside the project root {root} (through a link?): left alone"))
            continue
        try:
            if trash:
                _move_no_overwrite(path, trash_destination(path, trash, root))
            else:
                os.unlink(path)
        except OSError as exc:
            failed.append((path, exc.strerror or str(exc)))
    return failed
