"""``recordings prune``: remove recordings whose test is gone, safely."""

from __future__ import annotations

import sys
from typing import List, Optional

import typer

from typer.core import TyperCommand

from recordings.commands import app
from recordings.commands.common import (EXIT_CLEAN, EXIT_FINDINGS, EXIT_USAGE, NO_CACHE_HELP, Format, find, note,
                                        open_cache, report_problems)


def build_index(root: str, collect: bool, collect_args: list[str], extra: list[str], manifest: Optional[str],
                cache=None):
    """The source of truth named by the options; exits 1 with a clear message when it is unusable."""
    from recordings.tests_index import CollectError, NodeIdIndex, StaticIndex, collect_node_ids, read_manifest

    if manifest:
        try:
            ids = read_manifest(manifest)
        except OSError as exc:
            sys.stderr.write(f"recordings: cannot read manifest {manifest}: {exc.strerror}\n")
            raise typer.Exit(EXIT_USAGE)
        if not ids:
            sys.stderr.write(f"recordings: refusing to prune: manifest {manifest} lists no tests\n")
            raise typer.Exit(EXIT_FINDINGS)
        return NodeIdIndex(ids, "manifest"), f"manifest {manifest} ({len(ids)} node ids)"
    if collect:
        sets = [a.split() for a in collect_args] or [[]]
        ids: list[str] = []
        for args in sets:
            try:
                ids += collect_node_ids(root, args + extra)
            except CollectError as exc:
                sys.stderr.write(f"recordings: refusing to prune: {exc}\n")
                raise typer.Exit(EXIT_FINDINGS)
        return NodeIdIndex(ids, "collect"), f"pytest collection in {root} ({len(set(ids))} node ids)"
    index = StaticIndex(root, cache)
    if index.count_test_files() == 0:
        sys.stderr.write(f"recordings: refusing to prune: no test files under {root} (wrong --root?)\n")
        raise typer.Exit(EXIT_FINDINGS)
    return index, f"test files under {root}"


def scan_recordings(paths, cache, quiet: bool = False):
    from recordings.output.progress import track

    from recordings.loader import scan
    from recordings.model import Problem

    found = find(paths)
    records, problems = [], list(found.problems)
    for item in track(scan(found.files, cache), len(found.files), "reading", quiet):
        (problems if isinstance(item, Problem) else records).append(item)
    return records, problems


class _SplitAtDoubleDash(TyperCommand):
    """Everything after ``--`` is for pytest, not for this command's PATHS."""

    def parse_args(self, ctx, args):  # type: ignore[override]
        if "--" in args:
            cut = args.index("--")
            ctx.meta["pytest_args"] = args[cut + 1:]
            args = args[:cut]
        return super().parse_args(ctx, args)


@app.command("prune", cls=_SplitAtDoubleDash)
def prune_command(
    ctx: typer.Context,
    paths: Optional[List[str]] = typer.Argument(None, help="Recording files or folders (default: .)."),
    root: Optional[str] = typer.Option(None, "--root", help="Project root (default: nearest pyproject.toml or .git)."),
    collect: bool = typer.Option(False, "--collect", help="Ask pytest which tests exist (--collect-only); "
                                                          "extra pytest arguments go after --."),
    collect_args: Optional[List[str]] = typer.Option(None, "--collect-args", help="A set of pytest arguments; "
                                                     "repeat for a CI matrix (the collections are unioned)."),
    manifest: Optional[str] = typer.Option(None, "--manifest", help="A file of node ids, one per line."),
    dry_run: bool = typer.Option(False, "--dry-run", help="Only report; exit 1 if there are orphans."),
    yes: bool = typer.Option(False, "--yes", "-y", help="Delete without asking."),
    force: bool = typer.Option(False, "--force", help="Allow removing more than --max-fraction of the corpus."),
    max_fraction: float = typer.Option(0.5, "--max-fraction", min=0.0, max=1.0,
                                       help="Refuse when a larger share of the corpus would go."),
    trash: Optional[str] = typer.Option(None, "--trash", help="Move files into DIR instead of deleting them."),
    fmt: Format = typer.Option(Format.text, "--format", "-f", help="text or json (the plan)."),
    no_cache: bool = typer.Option(False, "--no-cache", help=NO_CACHE_HELP),
    quiet: bool = typer.Option(False, "--quiet", "-q", help="No progress bar."),
) -> None:
    """Remove recordings whose test no longer exists; shows the plan first."""
    from recordings.output.jsonout import write_json
    from recordings.output.pruning import render_plan
    from recordings.output.terminal import human_size
    from recordings.prune import find_root, git_status, plan, remove

    if collect_args:
        collect = True
    project = root or find_root((paths or ["."])[0])
    cache = open_cache(no_cache)
    index, source = build_index(project, collect, collect_args or [], list(ctx.meta.get("pytest_args", [])), manifest,
                                cache)
    records, problems = scan_recordings(paths, cache, quiet)
    report_problems(problems)
    result = plan(records, index)
    cache.save()
    if fmt is Format.json:
        write_json({"source": source, **result.to_dict()})
    else:
        render_plan(result, sys.stdout)
    for r, why in result.kept:
        sys.stderr.write(f"kept {r.path}: {why}\n")
    note(f"{len(result.orphans)} orphan{'s' if len(result.orphans) != 1 else ''} in "
         f"{len(result.by_test())} test{'s' if len(result.by_test()) != 1 else ''} "
         f"({human_size(result.bytes)}) of {result.total} recordings; source: {source}")
    if not result.orphans:
        raise typer.Exit(EXIT_FINDINGS if problems else EXIT_CLEAN)
    if result.fraction > max_fraction and not force:
        sys.stderr.write(f"recordings: refusing to prune {result.fraction:.0%} of the corpus (more than "
                         f"--max-fraction {max_fraction:g}); check the source of truth, or pass --force\n")
        raise typer.Exit(EXIT_FINDINGS)
    orphan_paths = [o.recording.path for o in result.orphans]
    in_git, untracked = git_status(project, orphan_paths)
    if untracked and not trash:
        sys.stderr.write(f"warning: {len(untracked)} orphan(s) are not tracked by git and cannot be restored "
                         "from it once deleted (consider --trash DIR)\n")
    if dry_run:
        raise typer.Exit(EXIT_FINDINGS)
    if not yes:
        if not sys.stdin.isatty():
            sys.stderr.write("not at a terminal and no --yes: nothing deleted\n")
            raise typer.Exit(EXIT_FINDINGS)
        if not typer.confirm(f"{'Move' if trash else 'Delete'} {len(orphan_paths)} recordings?", default=False,
                             err=True):
            sys.stderr.write("nothing deleted\n")
            raise typer.Exit(EXIT_FINDINGS)
    failed = remove(result.orphans, trash, project)
    for path, why in failed:
        sys.stderr.write(f"{path}: could not remove: {why}\n")
    done = len(orphan_paths) - len(failed)
    note(f"{'moved' if trash else 'deleted'} {done} recording{'s' if done != 1 else ''}"
         + (f" into {trash}" if trash else ""))
    if in_git and not trash:
        restorable = [p for p in orphan_paths if p not in untracked]
        if restorable:
            note("to restore: git checkout -- " + " ".join(restorable[:5]) + (" …" if len(restorable) > 5 else ""))
    raise typer.Exit(EXIT_FINDINGS if failed or problems else EXIT_CLEAN)
