"""Running ``normalize`` over a corpus: plan every file, find rename conflicts, write atomically.

:class:`NormalizeRun` is the core of ``recordings normalize``: the command parses options, iterates
:meth:`NormalizeRun.plans` to print what happens to each file as it happens, and reads the
result and exit code from :attr:`NormalizeRun.result`. Which fields change, how a file is planned
and written, is the format's (:mod:`recordings.formats.llamastack.normalization`).
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from typing import Any, Iterator

from recordings.model import Problem
from recordings.rewrite import FilePlan, apply_plan, writable

__all__ = ["FilePlan", "apply_plan", "writable", "NormalizeRun", "NormalizeResult", "plan_file"]


def plan_file(path: str, extended: bool, rehash: bool, keep_bytes: bool,
              options: dict[str, Any] | None = None) -> FilePlan:
    """What normalizing ``path`` would do, as its format decides (a format without normalization: unchanged).
    ``options`` (``[tool.recordings.scrub]``) go to formats that scrub."""
    from recordings.formats import format_for_file

    fmt = format_for_file(path)
    if fmt.normalization is None:
        return FilePlan(path, "unchanged")
    plan: FilePlan = fmt.normalization.plan_file(path, extended, rehash, keep_bytes, options)
    return plan


EXIT_CLEAN, EXIT_FINDINGS = 0, 1


@dataclass
class NormalizeResult:
    mode: str  # check | diff | write
    files: int
    plans: list[FilePlan] = field(default_factory=list)  # every file that is not unchanged
    totals: dict[str, int] = field(default_factory=dict)  # changed field -> count
    problems: list[Problem] = field(default_factory=list)
    temps_removed: list[str] = field(default_factory=list)
    temps_left: list[tuple[str, str]] = field(default_factory=list)
    failed: bool = False
    skipped: int = 0  # files the format will not rewrite (a cassette of an unknown style)
    foreign: list[str] = field(default_factory=list)  # files of no known format: left out

    @property
    def changed(self) -> list[FilePlan]:
        return [p for p in self.plans if p.status == "change"]

    @property
    def exit_code(self) -> int:
        if self.mode != "write" and self.changed:
            return EXIT_FINDINGS  # --check and --diff: something would change
        # a file that needs scrubbing and is not rewritten (its style is unknown) still holds what it should not
        return EXIT_FINDINGS if self.failed or self.skipped else EXIT_CLEAN

    def to_dict(self) -> dict[str, Any]:
        return {"mode": self.mode, "files": [p.to_dict() for p in self.plans],
                "summary": {"files": self.files, "changed": len(self.changed), "fields": self.totals},
                "problems": [p.to_dict() for p in self.problems], "stale_temps_removed": self.temps_removed}


class NormalizeRun:
    """One run over ``files``: ``mode`` is ``check`` (write nothing), ``diff`` (keep the bytes of each
    change to show them, write nothing) or ``write``."""

    def __init__(self, files: list[str], *, mode: str, extended: bool = False, rehash: bool = False,
                 cache: Any = None, problems: list[Problem] | None = None, stale_temps: list[str] | None = None,
                 options: dict[str, Any] | None = None, root: str | None = None):
        self.files, self.mode, self.extended, self.rehash, self.cache = files, mode, extended, rehash, cache
        self.root = root  # no file whose folder (links resolved) lies outside it is ever written
        self.options = options or {}
        self.result = NormalizeResult(mode, len(files), problems=list(problems or []))
        self.result.failed = bool(problems)
        self.stale_temps = stale_temps or []
        import orjson

        scrub = orjson.dumps(self.options, option=orjson.OPT_SORT_KEYS).decode()
        self.section = f"normalize:{int(extended)}:{int(rehash)}:{scrub}"  # cached per option set

    def clean_temps(self) -> None:
        """Remove temp files of killed rewrites that no running process owns (never in check/diff)."""
        from recordings.jsonbytes import remove_stale_temps

        if self.mode == "write":
            self.result.temps_removed, self.result.temps_left = remove_stale_temps(self.stale_temps)

    def _planned(self) -> Iterator[FilePlan]:
        from recordings.cache import cached_map, stat_or_none

        cache = self.cache
        if self.mode == "check":  # no bytes needed here: plan on every core, cached
            yield from cached_map(_PlanCheck(self.extended, self.rehash, self.options), self.files, self.section,
                                  _encode_plan, _decode_plan, cache)
            return
        for path in self.files:  # bytes are needed in this process: plan serially to keep memory flat
            st = stat_or_none(path)
            cached = cache.get(path, self.section, st) if cache is not None else None
            if cached is not None and cached[0] == "unchanged":
                yield FilePlan(path, "unchanged")
                continue
            plan = plan_file(path, self.extended, self.rehash, True, self.options)
            if plan.status == "unchanged" and cache is not None:
                cache.put(path, self.section, st, _encode_plan(plan))
            yield plan
        if cache is not None:
            cache.save()

    def plans(self) -> Iterator[FilePlan]:
        """Each file's plan, after it was applied (in ``write`` mode); unchanged files too.

        A plan's ``new_bytes``/``old_bytes`` are kept until the caller moves on (for ``--diff``).
        """
        result = self.result
        collisions = rename_collisions(self.files, self.extended, self.cache) if self.rehash else {}
        for plan in self._planned():
            if plan.status == "problem" and plan.keys is not None:
                from recordings.formats import of_no_known_format

                if of_no_known_format(plan.keys):
                    plan.status = "foreign"
                    result.foreign.append(plan.path)
            if plan.status == "change" and plan.new_path and len(collisions.get(plan.new_path, ())) > 1:
                others = [os.path.basename(p) for p in collisions[plan.new_path] if p != plan.path]
                plan.status = "conflict"
                plan.reason = (f"would be renamed to {os.path.basename(plan.new_path)}, as would "
                               f"{', '.join(others[:3])}{' …' if len(others) > 3 else ''}: all left alone (same "
                               "request, so replay can use only one: compare them with `recordings diff`, keep one, "
                               "delete the others, then rerun)")
            if plan.status == "change" and self.root is not None:
                self._contain(plan, self.root)
            if plan.status == "change" and self.mode == "write":
                self._write(plan)
            if plan.status == "change":  # counted once written (or, without writing, as what would change)
                for k, n in plan.changes.items():
                    result.totals[k] = result.totals.get(k, 0) + n
            if plan.status in ("problem", "conflict", "read-only", "link", "changed", "outside"):
                result.failed = True
            if plan.status == "skipped":
                result.skipped += 1
            if plan.status != "unchanged":
                result.plans.append(plan)
            yield plan
            plan.new_bytes = plan.old_bytes = None

    @staticmethod
    def _contain(plan: FilePlan, root: str) -> None:
        """A file reached through a link out of the project is never written (as prune never removes one)."""
        from recordings.project import inside

        for target in (plan.path, plan.new_path):
            if target and not inside(target, root):
                plan.status = "outside"
                plan.reason = (f"lies outside the project root {root} (reached through a link): never written; "
                               "normalize it from its own project")
                return

    @staticmethod
    def _write(plan: FilePlan) -> None:
        if not writable(plan.path):  # decided when writing: --check still says what would change
            plan.status, plan.reason = "read-only", "file or folder is read-only: left alone"
            return
        from recordings.errors import ChangedOnDisk

        try:
            apply_plan(plan)
        except ChangedOnDisk:
            plan.status, plan.reason = "changed", ("changed on disk since it was read (another process rewrote "
                                                   "it?): left alone; run normalize again")
        except OSError as exc:
            plan.status, plan.reason = "problem", f"could not write: {exc.strerror or exc}"


def rename_collisions(files: list[str], extended: bool, cache: Any) -> dict[str, list[str]]:
    """target path -> every file --rehash would rename to it (a first pass, before anything is written)."""
    from recordings.cache import cached_map

    targets: dict[str, list[str]] = {}
    for plan in cached_map(_PlanCheck(extended, True), files, f"normalize:{int(extended)}:1", _encode_plan,
                           _decode_plan, cache):
        if plan.status in ("change", "conflict") and plan.new_path:
            targets.setdefault(plan.new_path, []).append(plan.path)
    return targets


def _encode_plan(plan: FilePlan) -> list[Any] | None:
    """Only plans that depend on the file alone are cached (not renames, conflicts or problems)."""
    if plan.status in ("unchanged", "change") and not plan.new_path:
        return [plan.status, plan.changes]
    return None


def _decode_plan(path: str, value: list[Any]) -> FilePlan:
    return FilePlan(path, value[0], dict(value[1]))


class _PlanCheck:
    """A picklable per-file planner that keeps no bytes."""

    def __init__(self, extended: bool, rehash: bool, options: dict[str, Any] | None = None) -> None:
        self.extended, self.rehash, self.options = extended, rehash, options or {}

    def __call__(self, path: str) -> FilePlan:
        return plan_file(path, self.extended, self.rehash, False, self.options)
