"""``recordings cache``: where the result cache lives, and clearing it."""

from __future__ import annotations

import os

import typer

from recordings.commands import app
from recordings.commands.common import note

cache_app = typer.Typer(help="The per-file result cache (repeat runs read only changed files).",
                        no_args_is_help=True, rich_markup_mode=None)
app.add_typer(cache_app, name="cache", short_help="The per-file result cache (repeat runs read only changed files).")


@cache_app.command("clear")
def cache_clear() -> None:
    """Delete the cache file (and temp files that killed runs left beside it)."""
    from recordings.cache import CacheError, cache_path, clear
    from recordings.commands.common import EXIT_FINDINGS

    try:
        removed, temps = clear()
    except CacheError as exc:
        note(f"recordings: {exc}")
        raise typer.Exit(EXIT_FINDINGS)
    note((f"removed {cache_path()}" if removed else f"no cache at {cache_path()}")
         + (f" and {temps} stale temp file{'s' if temps != 1 else ''}" if temps else ""))


@cache_app.command("info")
def cache_info() -> None:
    """Print where the cache is, how big, and how many files it knows."""
    from recordings.cache import Cache, cache_path

    path = cache_path()
    c = Cache(path)
    size = os.path.getsize(path) if os.path.isfile(path) else 0
    typer.echo(f"path     {path}")
    typer.echo(f"entries  {len(c.entries)}")
    typer.echo(f"size     {size} bytes")
    if c.rebuilt_reason:
        typer.echo(f"state    ignored: {c.rebuilt_reason} (rebuilt on the next run)")
