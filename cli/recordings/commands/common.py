"""Pieces every command shares: format choice, discovery with reporting, exit codes."""

from __future__ import annotations

import sys
from enum import Enum

from typing import TYPE_CHECKING

import typer

if TYPE_CHECKING:  # the core is imported when a command runs, not when the command line is built
    from recordings.discovery import Found
    from recordings.model import Problem

EXIT_CLEAN = 0
EXIT_FINDINGS = 1
EXIT_USAGE = 2


class OutputFormat(str, Enum):
    text = "text"
    json = "json"


def report_problems(problems: list[Problem]) -> list[Problem]:
    """One line per file that could not be read; one note for the files of no known format (left out, never
    an error). The problems that count: the unreadable ones."""
    from recordings.output.terminal import problem_line, shell_command

    real = [p for p in problems if not p.foreign]
    for p in real:
        sys.stderr.write(problem_line(p.path, p.reason) + "\n")
    foreign = [p for p in problems if p.foreign]
    if foreign:
        sys.stderr.write(f"note: {len(foreign)} file{'s are' if len(foreign) != 1 else ' is'} not a recording of any "
                         f"known format, left out (e.g. {shell_command([foreign[0].path])}: {foreign[0].reason})\n")
    return real


def find(paths: list[str] | None, quiet: bool = False, command: str | None = None) -> Found:
    """Discover files (those of recorders the ``command`` takes); a PATH that does not exist is a usage
    error (exit 2)."""
    from recordings.config import ConfigError, apply_project_settings
    from recordings.discovery import discover

    try:  # the project's settings (its host map, its placeholders) hold for every command
        apply_project_settings((paths or ["."])[0])
    except ConfigError as exc:
        sys.stderr.write(f"recordings: {exc}\n")
        raise typer.Exit(EXIT_USAGE)
    found = discover(paths or ["."], command)
    if found.missing:
        for m in found.missing:
            sys.stderr.write(f"recordings: {m}: no such file or folder\n")
        raise typer.Exit(EXIT_USAGE)
    if not quiet:
        for notice in found.notices:
            sys.stderr.write(f"note: {notice}\n")
        from recordings.formats.interface import WHY_NOT

        for fmt, n in found.skipped.items():
            sys.stderr.write(f"note: {n} {fmt} file{'s' if n != 1 else ''} left out: `recordings {command}` does not "
                             f"take them ({WHY_NOT.get(command or '', 'not read')})\n")
    return found


def note(message: str) -> None:
    """A human summary line: always stderr."""
    sys.stderr.write(message + "\n")


def open_cache(no_cache: bool, paths: list[str] | None = None, root: str | None = None):
    """The result cache of the corpus the PATHS belong to (its project root), unless --no-cache (or
    RECORDINGS_NO_CACHE=1)."""
    from recordings.cache import Cache

    return Cache(enabled=not no_cache, root=root or project_root(None, (paths or ["."])[0]))


NO_CACHE_HELP = "Read every file; neither use nor update the cache."
ROOT_HELP = ("Project root: the folder with pyproject.toml or .git (default: the nearest one above the first "
             "PATH, else above the current folder). Ids resolve, test files are read and git revisions are "
             "taken under it.")


LOOKUP_ROOT_HELP = ("Project root: the folder with pyproject.toml or .git (default: the nearest one above the "
                    "current folder). The hash, prefix or name resolves under it.")


def check_root(root: str | None) -> None:
    """A ``--root`` that is not a folder is a usage error (exit 2), said once."""
    import os

    if root is not None and not os.path.isdir(root):
        sys.stderr.write(f"recordings: --root {visible_path(root)} is not a folder"
                         f"{'' if os.path.lexists(root) else ' (it does not exist)'}\n")
        raise typer.Exit(EXIT_USAGE)


def default_paths(paths: list[str] | None, root: str | None) -> list[str] | None:
    """The PATHs a command reads: those given, else the ``--root`` when one is given (else None: ``.``)."""
    check_root(root)
    return paths or ([root] if root else None)


def project_root(root: str | None, start: str = ".") -> str:
    """``--root`` when given, else the project root found from ``start`` (one meaning for every command); the
    project's settings (its host map, its placeholders) are applied."""
    from recordings.config import ConfigError, apply_project_settings
    from recordings.project import find_root

    check_root(root)
    found = root or find_root(start)
    try:
        apply_project_settings(found)
    except ConfigError as exc:
        sys.stderr.write(f"recordings: {exc}\n")
        raise typer.Exit(EXIT_USAGE)
    return found


def proven_root(root: str | None, paths: list[str] | None, command: str) -> str:
    """The project root a destructive command works in: ``--root``, else the one found above the first PATH;
    a root that is only a guess (no pyproject.toml or .git above) refuses the command (exit 2)."""
    from recordings.project import given_root

    found_root = given_root(root, paths)
    if found_root.guessed:
        sys.stderr.write(f"recordings: refusing to {command}: no pyproject.toml or .git above {found_root.path}, so "
                         "the project root is only a guess; pass --root\n")
        raise typer.Exit(EXIT_USAGE)
    return found_root.path


def note_restore(removed: list[str], untracked: set[str]) -> None:
    """After deleting files in a git work tree: the command that brings back the ones git tracks."""
    from recordings.output.terminal import shell_command

    restorable = [p for p in removed if p not in untracked]
    if restorable:
        note("to restore: " + shell_command(["git", "checkout", "--", *restorable]))


def visible_path(path: str) -> str:
    from recordings.output.terminal import visible

    return visible(path)


def resolve_or_exit(ref: str, root: str, fmt: "OutputFormat") -> str:
    """The one recording ``ref`` names under ``root`` (``show`` and ``explain`` alike), else the resolver's
    message on stderr (and as JSON), exit 2 for a ref too short to resolve, 1 for no match or an ambiguous one."""
    from recordings.errors import LookupFailed
    from recordings.lookup import MIN_PREFIX, resolve, stem_of_ref

    try:
        return resolve(ref, root)
    except LookupFailed as exc:
        sys.stderr.write(f"recordings: {visible_path(str(exc))}\n")
        for c in exc.candidates:
            sys.stderr.write(f"  {visible_path(c)}\n")
        if fmt is OutputFormat.json:
            from recordings.output.jsonout import write_json

            write_json({"error": str(exc), "candidates": list(exc.candidates)})
        raise typer.Exit(EXIT_USAGE if len(stem_of_ref(ref)) < MIN_PREFIX else EXIT_FINDINGS)


def report_kept(plan, verbose: bool) -> None:
    """What a prune plan keeps: one line per reason (with a count and an example), every file with --verbose."""
    from recordings.output.terminal import visible

    for why, kept in plan.kept_groups():
        if verbose:
            for k in kept:
                sys.stderr.write(f"kept {visible(k.recording.path)}: {visible(k.reason)}\n")
            continue
        n = len(kept)
        noun = "cassette" if all("#" in k.recording.id for k in kept) else "recording"
        example = f" (e.g. {visible(kept[0].recording.path)})" if n > 1 else f": {visible(kept[0].recording.path)}"
        sys.stderr.write(f"kept {n} {noun}{'s' if n != 1 else ''}: {visible(why)}{example}\n")
    if any("#" in k.recording.id for k in plan.kept):
        sys.stderr.write("note: prune by use decides what the test files cannot: run the tests with `pytest "
                         "--recordings-usage DIR`, then `recordings prune --used DIR`\n")
    for fmt, n in plan.not_judged.items():
        sys.stderr.write(f"note: {n} {fmt} file{'s' if n != 1 else ''} not judged: {fmt} files name no test to "
                         "check them against\n")


VERBOSE_HELP = "List every kept file with its reason (default: one line per reason)."
