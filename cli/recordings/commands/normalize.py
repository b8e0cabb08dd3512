"""``recordings normalize``: put a corpus back into the recorder's normalized form."""

from __future__ import annotations

import os
import sys
from typing import List, Optional

import typer

from recordings.commands import app
from recordings.commands.common import (EXIT_CLEAN, EXIT_FINDINGS, NO_CACHE_HELP, Format, find, note, open_cache,
                                        report_problems)
from recordings.output.progress import track

# field counted by normalization -> how a summary names it, in the order summaries list them
LABELS = {"id": "ids", "created": "created", "created_at": "created_at", "durations": "durations",
          "mapping": "mapping folded", "response_id": "response_id", "create_time": "create_time",
          "date": "Date headers", "message_id": "message ids", "request_id": "request_id",
          "bytes": "reformatted", "renamed": "renamed"}
ONE_OFF = ("mapping", "bytes", "renamed")  # once per file: named without a count for a single file


def _describe(changes: dict[str, int]) -> str:
    """``13 ids, 1 created, mapping folded, renamed`` (one-off fields counted only in summaries)."""
    order = list(LABELS)
    parts = []
    for k, n in sorted(changes.items(), key=lambda kv: order.index(kv[0]) if kv[0] in LABELS else 99):
        label = LABELS.get(k, k)
        parts.append(label if k in ONE_OFF and n == 1 else f"{n} {label}")
    return ", ".join(parts)


@app.command("normalize")
def normalize_command(
    paths: Optional[List[str]] = typer.Argument(None, help="Recording files or folders (default: .)."),
    check: bool = typer.Option(False, "--check", help="Write nothing; exit 1 if any file would change."),
    diff: bool = typer.Option(False, "--diff", help="Show a unified diff of what would change; write nothing; "
                                                    "exit 1 if any file would change."),
    extended: bool = typer.Option(False, "--extended",
                                  help="Also normalize volatile fields of plain-dict bodies (Gemini "
                                       "response_id/create_time/Date, Anthropic msg_ ids). Off by default: the "
                                       "recorder leaves them."),
    rehash: bool = typer.Option(False, "--rehash", help="Rename files whose request hash differs from their name."),
    fmt: Format = typer.Option(Format.text, "--format", "-f", help="text or json."),
    no_cache: bool = typer.Option(False, "--no-cache", help=NO_CACHE_HELP),
    quiet: bool = typer.Option(False, "--quiet", "-q", help="No progress bar."),
) -> None:
    """Re-normalize response ids, timestamps and bytes; byte-exact, atomic, and idempotent."""
    from recordings.cache import cached_map, stat_or_none
    from recordings.jsonbytes import remove_stale_temps
    from recordings.output.terminal import visible
    from recordings.formats.llamastack.normalization import FilePlan, apply_plan, plan_file, writable
    from recordings.output.jsonout import write_json

    dry = check or diff
    found = find(paths)
    cleaned: list[str] = []
    if dry:  # write nothing: say it is there
        for tmp in found.stale_temps:
            sys.stderr.write(f"{visible(tmp)}: temp file of an interrupted or running rewrite (a normalize run "
                             "removes it once no process owns it)\n")
    else:
        cleaned, left = remove_stale_temps(found.stale_temps)
        for tmp, why in left:
            sys.stderr.write(f"{visible(tmp)}: temp file {why}\n")
    keep = not check or diff
    cache = open_cache(no_cache, paths)
    section = f"normalize:{int(extended)}:{int(rehash)}"

    def plans():
        if keep:  # bytes are needed in this process: plan serially to keep memory flat
            for path in found.files:
                st = stat_or_none(path)
                cached = cache.get(path, section, st)
                if cached is not None and cached[0] == "unchanged":
                    yield FilePlan(path, "unchanged")
                    continue
                plan = plan_file(path, extended, rehash, True)
                if plan.status == "unchanged":
                    cache.put(path, section, st, _encode_plan(plan))
                yield plan
            cache.save()
        else:
            yield from cached_map(_PlanCheck(extended, rehash), found.files, section, _encode_plan, _decode_plan,
                                  cache)

    results = []
    totals: dict[str, int] = {}
    failed = bool(found.problems)
    report_problems(found.problems)
    collisions = _rename_collisions(found.files, extended, cache) if rehash else {}
    for plan in track(plans(), len(found.files), "normalizing", quiet):
        if plan.status == "change" and plan.new_path and len(collisions.get(plan.new_path, ())) > 1:
            others = [os.path.basename(p) for p in collisions[plan.new_path] if p != plan.path]
            plan.status = "conflict"
            plan.reason = (f"would be renamed to {os.path.basename(plan.new_path)}, as would "
                           f"{', '.join(others[:3])}{' …' if len(others) > 3 else ''}: all left alone (same "
                           "request, so replay can use only one: compare them with `recordings diff`, keep one, "
                           "delete the others, then rerun)")
        if plan.status in ("problem", "conflict", "read-only", "link"):
            failed = True
            sys.stderr.write(f"{visible(plan.path)}: {visible(plan.reason or '')}\n")
        if plan.status == "change":
            for k, n in plan.changes.items():
                totals[k] = totals.get(k, 0) + n
            if diff:
                _show_diff(plan)
            elif not check and not writable(plan.path):  # --check and --diff still say what would change
                plan.status, plan.reason = "read-only", "file or folder is read-only: left alone"
                failed = True
                sys.stderr.write(f"{visible(plan.path)}: {visible(plan.reason or '')}\n")
            elif not check:
                try:
                    apply_plan(plan)
                except OSError as exc:
                    plan.status, plan.reason = "problem", f"could not write: {exc.strerror or exc}"
                    failed = True
                    sys.stderr.write(f"{visible(plan.path)}: {visible(plan.reason or '')}\n")
            if fmt is Format.text and not diff and plan.status == "change":
                target = f" -> {os.path.basename(plan.new_path)}" if plan.new_path else ""
                verb = "would change" if check else "normalized"
                sys.stdout.write(f"{visible(plan.path)}{visible(target)}: {verb}: {_describe(plan.changes)}\n")
        plan.new_bytes = plan.old_bytes = None
        if plan.status != "unchanged":
            results.append(plan)
    changed = [r for r in results if r.status == "change"]
    if fmt is Format.json:
        write_json({"mode": "check" if check else "diff" if diff else "write",
                    "files": [r.to_dict() for r in results],
                    "summary": {"files": len(found.files), "changed": len(changed), "fields": totals},
                    "problems": [p.to_dict() for p in found.problems],
                    "stale_temps_removed": cleaned})
    for tmp in cleaned:
        sys.stderr.write(f"{visible(tmp)}: removed a stale temp file from an interrupted run\n")
    verb = "would change" if dry else "changed"
    summary = f"{len(changed)} of {len(found.files)} file{'s' if len(found.files) != 1 else ''} {verb}"
    if totals:
        summary += f" ({_describe(totals)})"
    note(summary)
    if dry and changed:  # --check and --diff: something would change
        raise typer.Exit(EXIT_FINDINGS)
    raise typer.Exit(EXIT_FINDINGS if failed else EXIT_CLEAN)


def _rename_collisions(files: list[str], extended: bool, cache) -> dict[str, list[str]]:
    """target path -> every file --rehash would rename to it (a first pass, before anything is written)."""
    from recordings.cache import cached_map

    targets: dict[str, list[str]] = {}
    for plan in cached_map(_PlanCheck(extended, True), files, f"normalize:{int(extended)}:1", _encode_plan,
                           _decode_plan, cache):
        if plan.status in ("change", "conflict") and plan.new_path:
            targets.setdefault(plan.new_path, []).append(plan.path)
    return targets


def _encode_plan(plan):
    """Only plans that depend on the file alone are cached (not renames, conflicts or problems)."""
    if plan.status in ("unchanged", "change") and not plan.new_path:
        return [plan.status, plan.changes]
    return None


def _decode_plan(path: str, value):
    from recordings.formats.llamastack.normalization import FilePlan

    return FilePlan(path, value[0], dict(value[1]))


class _PlanCheck:
    """A picklable per-file planner for --check (no bytes kept)."""

    def __init__(self, extended: bool, rehash: bool) -> None:
        self.extended, self.rehash = extended, rehash

    def __call__(self, path: str):
        from recordings.formats.llamastack.normalization import plan_file

        return plan_file(path, self.extended, self.rehash, False)


def _show_diff(plan) -> None:
    import difflib

    old = plan.old_bytes.decode("utf-8", "replace").splitlines(keepends=True)
    new = plan.new_bytes.decode("utf-8", "replace").splitlines(keepends=True)
    sys.stdout.writelines(difflib.unified_diff(old, new, fromfile=plan.path, tofile=plan.new_path or plan.path))
