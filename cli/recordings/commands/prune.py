"""``recordings prune``: remove recordings whose test is gone, safely."""

from __future__ import annotations

import sys
from typing import List, Optional

import typer

from typer.core import TyperCommand

from recordings.commands import app
from recordings.commands.common import (EXIT_CLEAN, EXIT_FINDINGS, EXIT_USAGE, NO_CACHE_HELP, ROOT_HELP,
                                        VERBOSE_HELP, OutputFormat, default_paths, find, note, note_restore, open_cache,
                                        proven_root, report_kept, report_problems)


def scan_recordings(paths, cache, quiet: bool = False):
    from recordings.output.progress import track

    from recordings.loader import scan
    from recordings.model import EmptyFile, Problem, Recording

    found = find(paths, command="prune")
    records: list[Recording | EmptyFile] = []
    problems = list(found.problems)
    for item in track(scan(found.files, cache), len(found.files), "reading", quiet):
        if isinstance(item, Problem):
            problems.append(item)
        else:
            records.append(item)
    return records, problems


class _SplitAtDoubleDash(TyperCommand):
    """Everything after ``--`` is for pytest, not for this command's PATHS."""

    def parse_args(self, ctx, args):
        if "--" in args:
            cut = args.index("--")
            ctx.meta["pytest_args"] = args[cut + 1:]
            args = args[:cut]
        return super().parse_args(ctx, args)


@app.command("prune", cls=_SplitAtDoubleDash)
def prune_command(
    ctx: typer.Context,
    paths: Optional[List[str]] = typer.Argument(None, help="Recording files or folders (default: the --root, "
                                                                   "else .)."),
    root: Optional[str] = typer.Option(None, "--root", help=ROOT_HELP),
    collect: bool = typer.Option(False, "--collect", help="Ask pytest which tests exist (--collect-only); "
                                                          "extra pytest arguments go after --."),
    collect_args: Optional[List[str]] = typer.Option(None, "--collect-args", help="A set of pytest arguments; "
                                                     "repeat for a CI matrix (the collections are unioned)."),
    manifest: Optional[str] = typer.Option(None, "--manifest", help="A file of node ids, one per line."),
    matrix: Optional[str] = typer.Option(None, "--matrix", help="Collect once per entry of an OGX "
                                         "(formerly Llama Stack) ci_matrix.json (--suite/--setup); "
                                         "the union is complete."),
    complete: bool = typer.Option(False, "--complete", help="The collection or manifest covers every CI "
                                  "configuration: parameters it lacks are gone (default: kept)."),
    python: Optional[str] = typer.Option(None, "--python", help="Interpreter for --collect (default: python in "
                                         "[tool.recordings], $VIRTUAL_ENV, .venv/ or venv/ in the root, this tool's)."),
    used: Optional[str] = typer.Option(None, "--used", metavar="DIR", help="Prune by use: the usage logs the "
                                       "pytest plugin wrote into DIR (pytest --recordings-usage DIR), every job and "
                                       "shard merged. Only what the logs prove unused goes."),
    interactions: bool = typer.Option(False, "--interactions", help="With --used: also list cassettes with "
                                      "recorded interactions no test played."),
    dry_run: bool = typer.Option(False, "--dry-run", help="Only report; exit 1 if there are orphans."),
    yes: bool = typer.Option(False, "--yes", "-y", help="Delete without asking."),
    force: bool = typer.Option(False, "--force", help="Allow removing more than --max-fraction of the corpus, and "
                               "judge the tests of empty test files and of files a sparse checkout left out."),
    max_fraction: float = typer.Option(0.5, "--max-fraction", min=0.0, max=1.0,
                                       help="Refuse when a larger share of the corpus would go."),
    trash: Optional[str] = typer.Option(None, "--trash", help="Move files into DIR instead of deleting them."),
    fmt: OutputFormat = typer.Option(OutputFormat.text, "--format", "-f", help="text or json (the plan)."),
    no_cache: bool = typer.Option(False, "--no-cache", help=NO_CACHE_HELP),
    quiet: bool = typer.Option(False, "--quiet", "-q", help="No progress bar."),
    verbose: bool = typer.Option(False, "--verbose", "-v", help=VERBOSE_HELP),
) -> None:
    """Remove recordings whose test no longer exists; shows the plan first."""
    from recordings.output.jsonout import write_json
    from recordings.output.pruning import render_plan, render_usage
    from recordings.output.terminal import human_size, visible
    from recordings.prune import git_status, plan, remove

    paths = default_paths(paths, root)
    if collect_args:
        collect = True
    project = proven_root(root, paths, "prune")
    cache = open_cache(no_cache, root=project)
    from recordings.live_tests import SourceError, SourceOptions, build_index

    by_use = None
    if interactions and not used:
        raise typer.BadParameter("needs --used DIR", param_hint="--interactions")
    if used:
        if collect or manifest or matrix:
            raise typer.BadParameter("give one source of truth: --used, or --collect/--manifest/--matrix",
                                     param_hint="--used")
        from recordings.usage.evidence import read_evidence
        from recordings.usage.plan import UseIndex, describe

        evidence = read_evidence(used)
        for problem in evidence.problems:
            sys.stderr.write(f"{visible(problem)}\n")
        if not evidence.processes:
            sys.stderr.write(f"recordings: refusing to prune: no usage log in {used} (run the tests with "
                             f"`pytest --recordings-usage {used}` first)\n")
            raise typer.Exit(EXIT_USAGE)
        by_use = UseIndex(evidence, project)
        index, source = None, describe(evidence)
    else:
        options = SourceOptions(collect, tuple(collect_args or ()), tuple(ctx.meta.get("pytest_args", [])),
                                manifest, matrix, complete, python, force)
        try:
            index, source = build_index(project, options, cache)
        except SourceError as exc:
            sys.stderr.write(f"recordings: {exc}\n")
            raise typer.Exit(exc.exit_code)
    records, problems = scan_recordings(paths, cache, quiet)
    problems = report_problems(problems)
    result = plan(records, index, project, by_use, force=force)
    cache.save()
    refusal = result.wrong_root(project)
    if refusal:
        sys.stderr.write(f"recordings: {visible(refusal)}\n")
        raise typer.Exit(EXIT_FINDINGS)
    usage: dict[str, object] = {}
    if by_use is not None:
        from recordings.usage.plan import interactions_report

        usage = {"logs": by_use.evidence.logs, "misses": [{"test": t, "missing": m}
                                                          for t, m in by_use.evidence.misses()]}
        if interactions:
            usage["interactions"] = interactions_report(by_use.evidence)
    if fmt is OutputFormat.json:
        write_json({"source": source, **result.to_dict(), **({"usage": usage} if usage else {})})
    else:
        render_plan(result, sys.stdout)
        if usage:
            render_usage(usage, sys.stdout)
    report_kept(result, verbose)
    note(f"{len(result.orphans)} orphan{'s' if len(result.orphans) != 1 else ''} in "
         f"{len(result.by_test())} test{'s' if len(result.by_test()) != 1 else ''} "
         f"({human_size(result.bytes)}) of {result.total} recordings; source: {source}")
    if not result.orphans:
        raise typer.Exit(EXIT_FINDINGS if problems else EXIT_CLEAN)
    refusal = result.too_large(max_fraction, force)
    if refusal:
        sys.stderr.write(f"recordings: {refusal}\n")
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
        sys.stderr.write(f"{visible(path)}: could not remove: {why}\n")
    done = len(orphan_paths) - len(failed)
    note(f"{'moved' if trash else 'deleted'} {done} recording{'s' if done != 1 else ''}"
         + (f" into {trash}" if trash else ""))
    if in_git and not trash:
        not_removed = {f for f, _ in failed}
        note_restore([p for p in orphan_paths if p not in not_removed], untracked)
    raise typer.Exit(EXIT_FINDINGS if failed or problems else EXIT_CLEAN)
