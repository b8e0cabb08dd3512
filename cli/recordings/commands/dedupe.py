"""``recordings dedupe``: of several files whose requests hash to one name, keep the one replay reads."""

from __future__ import annotations

import sys
from typing import List, Optional

import typer

from recordings.commands import app
from recordings.commands.common import (EXIT_CLEAN, EXIT_FINDINGS, NO_CACHE_HELP, ROOT_HELP, OutputFormat,
                                        default_paths, find, note, note_restore, open_cache, proven_root,
                                        report_problems)


@app.command("dedupe")
def dedupe_command(
    paths: Optional[List[str]] = typer.Argument(None, help="Recording files or folders (default: the --root, "
                                                           "else the current folder)."),
    yes: bool = typer.Option(False, "--yes", "-y", help="Remove the files the plan removes (default: only show "
                                                       "the plan)."),
    trash: Optional[str] = typer.Option(None, "--trash", help="Move files into DIR instead of deleting them."),
    root: Optional[str] = typer.Option(None, "--root", help=ROOT_HELP),
    fmt: OutputFormat = typer.Option(OutputFormat.text, "--format", "-f", help="text or json."),
    no_cache: bool = typer.Option(False, "--no-cache", help=NO_CACHE_HELP),
) -> None:
    """Of several files whose requests hash to one name, keep the one replay reads; shows the plan first.

    Replay looks a request up by its hash, so of files whose requests hash to one name it reads only the
    file that has that name. Each group keeps that file; when none has it, the newest (its last commit
    when git tracks it unchanged, else its modification time), which `recordings normalize --rehash`
    can then rename. When the newest cannot be told apart, the group is kept whole. Without --yes
    nothing is removed.

    Exit 0 when nothing collides (or everything planned was removed), 1 when the plan removes files
    that are still there, or a file could not be read or removed.
    """
    from recordings.collisions import plan, remove
    from recordings.output.deduping import render_dedupe
    from recordings.output.jsonout import write_json
    from recordings.prune import git_status
    from recordings.stats import file_targets

    paths = default_paths(paths, root)
    project = proven_root(root, paths, "dedupe")
    found = find(paths, command="dedupe")
    problems = report_problems(list(found.problems))
    cache = open_cache(no_cache, root=project)
    targets, unreadable = file_targets(found.files, cache)
    problems += report_problems(unreadable)  # one line each; they are neither kept nor removed, only named
    groups = plan(targets, project)
    cache.save()
    removing = [f for g in groups for f in g.remove]
    undecided = [g for g in groups if g.keep is None]
    if fmt is OutputFormat.json:
        write_json({"groups": [g.to_dict() for g in groups], "removed": [] if not yes else None})
    else:
        render_dedupe(groups, sys.stdout, "move" if trash else "delete")
    files = sum(len(g.files) for g in groups)
    if not groups:
        note(f"no colliding recordings in {len(found.files)} file{'s' if len(found.files) != 1 else ''}")
        raise typer.Exit(EXIT_FINDINGS if problems else EXIT_CLEAN)
    note(f"{len(groups)} name{'s' if len(groups) != 1 else ''} held by {files} files: {len(removing)} to "
         f"{'move' if trash else 'delete'}"
         + (f"; {len(undecided)} group{'s' if len(undecided) != 1 else ''} kept whole (no file has the right "
            "name and the newest cannot be told apart: compare them with `recordings diff`)" if undecided else ""))
    if not removing:
        raise typer.Exit(EXIT_FINDINGS if problems else EXIT_CLEAN)
    if not yes:
        note("nothing removed: pass --yes to remove them")
        raise typer.Exit(EXIT_FINDINGS)
    in_git, untracked = git_status(project, removing)
    removed, failed = remove(groups, trash, project)
    for path, why in failed:
        from recordings.output.terminal import visible

        sys.stderr.write(f"{visible(path)}: not removed: {visible(why)}\n")
    note(f"{'moved' if trash else 'deleted'} {len(removed)} recording{'s' if len(removed) != 1 else ''}"
         + (f" into {trash}" if trash else ""))
    if in_git and not trash:
        note_restore(removed, untracked)
    raise typer.Exit(EXIT_FINDINGS if failed or problems else EXIT_CLEAN)
