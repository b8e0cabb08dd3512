"""``recordings stats``: the corpus at a glance."""

from __future__ import annotations

import sys
from typing import List, Optional

import typer

from recordings.output.progress import track

from recordings.commands import app
from recordings.commands.common import (EXIT_CLEAN, EXIT_FINDINGS, EXIT_USAGE, NO_CACHE_HELP, ROOT_HELP,
                                        OutputFormat, default_paths, find, note, open_cache, report_problems)


@app.command("stats")
def stats_command(
    paths: Optional[List[str]] = typer.Argument(None, help="Recording files or folders (default: the --root, "
                                                                   "else .)."),
    root: Optional[str] = typer.Option(None, "--root", help=ROOT_HELP),
    since: Optional[str] = typer.Option(None, "--since", help="A git revision: show the suites that grew most."),
    fmt: OutputFormat = typer.Option(OutputFormat.text, "--format", "-f", help="text or json."),
    no_cache: bool = typer.Option(False, "--no-cache", help=NO_CACHE_HELP),
    quiet: bool = typer.Option(False, "--quiet", "-q", help="No progress bar."),
) -> None:
    """Counts and bytes per suite, provider, model, endpoint and kind; tokens; health."""
    from recordings.output.jsonout import write_json
    from recordings.output.statistics import render_stats
    from recordings.project import find_root
    from recordings.sources import SourceError
    from recordings.stats import gather, growth_since

    paths = default_paths(paths, root)
    found = find(paths, command="stats")
    project = root or find_root((paths or ["."])[0])
    stats = gather(found.files, found.problems, project, open_cache(no_cache, root=project),
                   progress=lambda it: track(it, len(found.files), "measuring", quiet))
    if since:
        try:
            stats.growth = growth_since(stats, project, since)
        except SourceError as exc:
            sys.stderr.write(f"recordings: {exc}\n")
            raise typer.Exit(EXIT_USAGE)
    if fmt is OutputFormat.json:
        write_json(stats.to_dict())
    else:
        render_stats(stats, sys.stdout)
    report_problems(stats.unreadable + stats.foreign)
    note(f"{stats.files} recordings measured" + (f"; {len(stats.unreadable)} unreadable" if stats.unreadable else ""))
    raise typer.Exit(EXIT_FINDINGS if stats.unreadable else EXIT_CLEAN)
