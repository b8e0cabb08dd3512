"""``recordings cache``: where the result cache lives, and clearing it."""

from __future__ import annotations

import os
from typing import Optional

import typer

from recordings.commands import app
from recordings.commands.common import note

cache_app = typer.Typer(help="The per-file result cache (repeat runs read only changed files).",
                        no_args_is_help=True, rich_markup_mode=None)
app.add_typer(cache_app, name="cache", short_help="The per-file result cache (repeat runs read only changed files).")


@cache_app.command("clear")
def cache_clear() -> None:
    """Delete every corpus's cache file (and temp files that killed runs left beside them)."""
    from recordings.cache import CacheError, cache_dir, clear
    from recordings.commands.common import EXIT_FINDINGS

    try:
        removed, temps = clear()
    except CacheError as exc:
        note(f"recordings: {exc}")
        raise typer.Exit(EXIT_FINDINGS)
    what = (f"removed {len(removed)} cache file{'s' if len(removed) != 1 else ''} from {cache_dir()}" if removed
            else f"no cache in {cache_dir()}")
    note(what + (f" and {temps} stale temp file{'s' if temps != 1 else ''}" if temps else ""))


@cache_app.command("info")
def cache_info(
    path_arg: Optional[str] = typer.Argument(None, metavar="[PATH]", help="A folder of the corpus (default: .)."),
) -> None:
    """Print where this corpus's cache is, how big, how many files it knows, and the other corpora's."""
    from recordings.cache import Cache, cache_files, cache_path
    from recordings.commands.common import project_root

    root = project_root(None, path_arg or ".")
    path = cache_path(root)
    c = Cache(path, root=root)
    size = os.path.getsize(path) if os.path.isfile(path) else 0
    typer.echo(f"corpus   {root}")
    typer.echo(f"path     {path}")
    typer.echo(f"entries  {len(c.entries)}")
    typer.echo(f"size     {size} bytes")
    if c.rebuilt_reason:
        typer.echo(f"state    ignored: {c.rebuilt_reason} (rebuilt on the next run)")
    others = [f for f in cache_files() if f != path]
    if others:
        total = sum(os.path.getsize(f) for f in others if os.path.isfile(f))
        typer.echo(f"others   {len(others)} other corpus cache file{'s' if len(others) != 1 else ''}, {total} bytes")
