"""``recordings review``: accept or reject a re-record, recording by recording."""

from __future__ import annotations

import sys
from typing import List, Optional

import typer

from recordings.commands import app
from recordings.commands.common import EXIT_CLEAN, EXIT_FINDINGS, EXIT_USAGE, ROOT_HELP, note, project_root

PROMPT = "[a]ccept, [r]eject, [s]kip, [q]uit? "


@app.command("review")
def review_command(
    base: str = typer.Argument("HEAD", metavar="[BASE]", help="The git revision to review against (default: "
                                                             "HEAD: every recording the working tree changed)."),
    accept: Optional[List[str]] = typer.Option(None, "--accept", help="Keep the new bytes of the recordings whose "
                                               "path matches PATTERN (a path or a glob), without asking."),
    reject: Optional[List[str]] = typer.Option(None, "--reject", help="Give the recordings whose path matches "
                                               "PATTERN their bytes at BASE (or delete them when BASE had none), "
                                               "without asking."),
    root: Optional[str] = typer.Option(None, "--root", help=ROOT_HELP),
) -> None:
    """Walk the recordings that changed since BASE, one at a time: accept, reject, skip or quit.

    Each one is shown as `recordings diff` shows it (what breaks replay first). Accepting keeps the
    working tree's bytes; rejecting restores BASE's bytes atomically, or deletes a file BASE did not
    have, and only while the file still holds what was shown. Nothing changes without an answer: with
    --accept/--reject the recordings that match neither are left as they are, and at no terminal
    without them nothing is changed. A summary at the end says what was kept and restored.

    Exit 0 when every recording got an answer, 1 when some were skipped or left, 2 on usage errors.
    """
    from recordings.output.diffing import render_files
    from recordings.review import DELETED, KEPT, REFUSED, RESTORED, SKIPPED, changes, matches
    from recordings.review import reject as reject_item
    from recordings.sources import SourceError, is_revision, repo_top

    project = project_root(root)
    if repo_top(project) is None:
        sys.stderr.write(f"recordings: {project} is not in a git repository: review compares with a revision\n")
        raise typer.Exit(EXIT_USAGE)
    if not is_revision(project, base):
        sys.stderr.write(f"recordings: {base!r} is not a revision of the repository\n")
        raise typer.Exit(EXIT_USAGE)
    try:
        items, _result = changes(project, base)
    except SourceError as exc:
        sys.stderr.write(f"recordings: {exc}\n")
        raise typer.Exit(EXIT_USAGE)
    if not items:
        note(f"no recording changed since {base}")
        raise typer.Exit(EXIT_CLEAN)
    from recordings.corpus_diff import CorpusDiff
    from recordings.output.terminal import visible

    interactive = not accept and not reject
    if interactive and not sys.stdin.isatty():
        render_files(CorpusDiff([i.diff for i in items]), sys.stdout, name_only=True)
        note(f"{len(items)} recordings changed since {base}; not at a terminal and no --accept/--reject: "
             "nothing changed")
        raise typer.Exit(EXIT_FINDINGS)
    outcome: dict[str, int] = {KEPT: 0, RESTORED: 0, DELETED: 0, SKIPPED: 0, REFUSED: 0}
    for n, item in enumerate(items, 1):
        if interactive:
            sys.stdout.write(f"\n({n}/{len(items)}) ")
            render_files(CorpusDiff([item.diff]), sys.stdout)
            answer = _ask()
        else:
            answer = "r" if any(matches(item, p) for p in reject or []) else \
                "a" if any(matches(item, p) for p in accept or []) else "s"
        if answer == "q":
            outcome[SKIPPED] += len(items) - n + 1
            break
        if answer == "a":
            outcome[KEPT] += 1
            if not interactive:
                sys.stdout.write(f"kept {visible(item.diff.name)}\n")
        elif answer == "r":
            status, what = reject_item(item, project, base)
            outcome[status] += 1
            sys.stdout.write(f"{visible(what)}\n")
        else:
            outcome[SKIPPED] += 1
    note(f"kept {outcome[KEPT]}, restored {outcome[RESTORED]}, deleted {outcome[DELETED]}, "
         f"skipped {outcome[SKIPPED]}" + (f", {outcome[REFUSED]} left alone (changed meanwhile, or not ours to "
                                          "write)" if outcome[REFUSED] else ""))
    raise typer.Exit(EXIT_CLEAN if outcome[SKIPPED] == 0 and outcome[REFUSED] == 0 else EXIT_FINDINGS)


def _ask() -> str:
    """One answer from the terminal: a, r, s or q (end of input quits)."""
    while True:
        sys.stdout.write(PROMPT)
        sys.stdout.flush()
        line = sys.stdin.readline()
        if not line:
            return "q"
        choice = line.strip().lower()[:1]
        if choice in ("a", "r", "s", "q"):
            return choice
