"""``recordings normalize``: put a corpus back into the recorder's normalized form."""

from __future__ import annotations

import os
import sys
from typing import List, Optional

import typer

from recordings.commands import app
from recordings.commands.common import (NO_CACHE_HELP, OutputFormat, check_root, find, note, open_cache,
                                        report_problems)
from recordings.output.progress import track

# field counted by normalization -> how a summary names it, in the order summaries list them
LABELS = {"id": "ids", "created": "created", "created_at": "created_at", "durations": "durations",
          "mapping": "mapping folded", "response_id": "response_id", "create_time": "create_time",
          "date": "Date headers", "message_id": "message ids", "request_id": "request_id",
          "bytes": "reformatted", "renamed": "renamed", "headers": "volatile headers removed",
          "credentials": "credentials redacted"}
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
    root: Optional[str] = typer.Option(None, "--root", help="Project root (default: the nearest folder with "
                                       "pyproject.toml or .git above the first PATH). No file whose folder, links "
                                       "resolved, lies outside it is written."),
    fmt: OutputFormat = typer.Option(OutputFormat.text, "--format", "-f", help="text or json."),
    no_cache: bool = typer.Option(False, "--no-cache", help=NO_CACHE_HELP),
    quiet: bool = typer.Option(False, "--quiet", "-q", help="No progress bar."),
    no_totals: bool = typer.Option(False, "--no-totals", help="A line per file, no closing totals (the "
                                   "pre-commit hooks: pre-commit may split the files into several runs)."),
) -> None:
    """Re-normalize response ids, timestamps and bytes; byte-exact, atomic, and idempotent."""
    from recordings.normalizer import NormalizeRun
    from recordings.output.jsonout import write_json
    from recordings.output.terminal import visible

    found = find(paths, command="normalize")
    mode = "diff" if diff else "check" if check else "write"
    from recordings.config import ConfigError, load_config

    try:
        options = load_config(None, (paths or ["."])[0]).scrub
    except ConfigError as exc:
        sys.stderr.write(f"recordings: {exc}\n")
        raise typer.Exit(2)
    from recordings.project import given_root

    check_root(root)
    project = given_root(root, paths).path
    run = NormalizeRun(found.files, mode=mode, extended=extended, rehash=rehash, cache=open_cache(no_cache, paths),
                       problems=found.problems, stale_temps=found.stale_temps, options=options, root=project)
    if mode != "write":  # write nothing: say it is there
        for tmp in found.stale_temps:
            sys.stderr.write(f"{visible(tmp)}: temp file of an interrupted or running rewrite (a normalize run "
                             "removes it once no process owns it)\n")
    run.clean_temps()
    for tmp, why in run.result.temps_left:
        sys.stderr.write(f"{visible(tmp)}: temp file {why}\n")
    report_problems(found.problems)
    for plan in track(run.plans(), len(found.files), "normalizing", quiet):
        if plan.status in ("problem", "conflict", "read-only", "link", "skipped", "changed", "outside"):
            sys.stderr.write(f"{visible(plan.path)}: {visible(plan.reason or '')}\n")
        elif plan.status == "change":
            if diff:
                _show_diff(plan)
            elif fmt is OutputFormat.text:
                target = f" -> {os.path.basename(plan.new_path)}" if plan.new_path else ""
                verb = "would change" if check else "normalized"
                sys.stdout.write(f"{visible(plan.path)}{visible(target)}: {verb}: {_describe(plan.changes)}\n")
    result = run.result
    if result.foreign:
        from recordings.output.terminal import shell_command

        n = len(result.foreign)
        note(f"note: {n} file{'s are' if n != 1 else ' is'} not a recording of any known format, left out (e.g. "
             f"{shell_command([result.foreign[0]])})")
    if fmt is OutputFormat.json:
        write_json(result.to_dict())
    for tmp in result.temps_removed:
        sys.stderr.write(f"{visible(tmp)}: removed a stale temp file from an interrupted run\n")
    verb = "would change" if mode != "write" else "changed"
    summary = f"{len(result.changed)} of {result.files} file{'s' if result.files != 1 else ''} {verb}"
    if result.totals:
        summary += f" ({_describe(result.totals)})"
    if not no_totals:
        note(summary)
    raise typer.Exit(result.exit_code)


def _show_diff(plan) -> None:
    import difflib

    old = plan.old_bytes.decode("utf-8", "replace").splitlines(keepends=True)
    new = plan.new_bytes.decode("utf-8", "replace").splitlines(keepends=True)
    sys.stdout.writelines(difflib.unified_diff(old, new, fromfile=plan.path, tofile=plan.new_path or plan.path))
