"""``recordings diff``: what did this re-record really change?"""

from __future__ import annotations

import os
import sys
from enum import Enum
from typing import List, Optional

import typer

from recordings.commands import app
from recordings.commands.common import (EXIT_CLEAN, EXIT_FINDINGS, EXIT_USAGE, ROOT_HELP, OutputFormat, note,
                                        project_root)


def _side(arg: str, root: str):
    """('recording', path) | ('folder', path) | ('rev', rev)."""
    from recordings.errors import LookupFailed
    from recordings.lookup import resolve
    from recordings.sources import is_revision, repo_top

    if os.path.isdir(arg):
        return "folder", arg
    if os.path.lexists(arg):
        return "recording", arg
    if is_revision(root, arg):
        return "rev", arg
    rev, colon, rel = arg.partition(":")
    if colon and rev and rel and is_revision(root, rev):  # REV:path, as git spells a file at a revision
        return "blob", arg
    try:
        return "recording", resolve(arg, root)
    except LookupFailed as exc:
        git_note = (f"{root} is not in a git repository" if repo_top(root) is None
                    else "no such revision in the repository")
        sys.stderr.write(f"recordings: {arg!r} is not a file, a folder, a git revision ({git_note}) "
                         f"or a recording ({exc})\n")
        for c in exc.candidates:
            sys.stderr.write(f"  {c}\n")
        raise typer.Exit(EXIT_USAGE)


class DiffFormat(str, Enum):
    text = "text"
    json = "json"
    markdown = "markdown"


class Group(str, Enum):
    file = "file"
    test = "test"


@app.command("diff")
def diff_command(
    a: str = typer.Argument(..., metavar="A",
                            help="A recording (id, prefix, name, path, or REV:path), a folder, or a git "
                                 "revision."),
    b: Optional[str] = typer.Argument(None, metavar="[B]", help="The same kind as A; for a revision A, default: "
                                                               "the working tree."),
    root: Optional[str] = typer.Option(None, "--root", help=ROOT_HELP),
    path: Optional[List[str]] = typer.Option(None, "--path", help="Limit a corpus diff to these paths or globs "
                                                                  "(relative to --root for revisions, to each folder "
                                                                  "otherwise); one that matches nothing is an error."),
    exact: bool = typer.Option(False, "--exact", help="Two recordings: also show ids, timestamps and chunking."),
    show_unchanged: bool = typer.Option(False, "--show-unchanged", help="List unchanged files too."),
    stat: bool = typer.Option(False, "--stat", help="Counts per suite only."),
    name_only: bool = typer.Option(False, "--name-only", help="Only the names of files that differ."),
    fmt: DiffFormat = typer.Option(DiffFormat.text, "--format", "-f", help="text, json or markdown (a report for "
                                                                            "a pull request or $GITHUB_STEP_SUMMARY)."),
    group: Group = typer.Option(Group.file, "--group", help="Corpus diffs: list by file (what breaks replay first) "
                                                           "or by test."),
    max_bytes: int = typer.Option(60_000, "--max-bytes", min=1000, help="--format markdown: stop the report "
                                  "before this size (a GitHub comment holds 65,536 characters)."),
) -> None:
    """Compare two recordings, two corpora, or a corpus at two git revisions.

    Exit 0 when nothing differs beyond noise (ids, timestamps, chunking), 1 when something does,
    2 on errors (usage, git, unreadable files), like diff(1).
    """
    from recordings.sources import FolderSource, GitSource, SourceError

    root = project_root(root)
    kind_a, value_a = _side(a, root)
    if b is None:
        if kind_a != "rev":
            sys.stderr.write("recordings: give two recordings or two corpora, or one git revision\n")
            raise typer.Exit(EXIT_USAGE)
        kind_b, value_b = "folder", root
    else:
        kind_b, value_b = _side(b, root)
    single = ("recording", "blob")
    if (kind_a in single) != (kind_b in single):
        sys.stderr.write("recordings: cannot compare a recording with a corpus\n")
        raise typer.Exit(EXIT_USAGE)
    if kind_a in single:
        raise typer.Exit(_two_recordings(_file_side(kind_a, value_a, root), _file_side(kind_b, value_b, root),
                                         exact, OutputFormat.json if fmt is DiffFormat.json else OutputFormat.text))

    from recordings.sources import Limited

    def source(kind: str, value: str):
        inner = GitSource(root, value) if kind == "rev" else FolderSource(value)
        return Limited(inner, list(path)) if path else inner

    try:
        old, new = source(kind_a, value_a), source(kind_b, value_b)
    except SourceError as exc:
        sys.stderr.write(f"recordings: {exc}\n")
        raise typer.Exit(EXIT_USAGE)
    from recordings.corpus_diff import diff_corpora
    from recordings.output.diffing import render_files, render_markdown, render_stat
    from recordings.output.jsonout import write_json

    try:
        result = diff_corpora(old, new)
    except SourceError as exc:
        sys.stderr.write(f"recordings: {exc}\n")
        raise typer.Exit(EXIT_USAGE)
    finally:
        old.close()
        new.close()
    if path:  # a typo in --path must not read as "nothing changed"
        missed = [p for p in path if p not in old.matched and p not in new.matched]
        if missed:
            from recordings.output.terminal import visible

            sys.stderr.write(f"recordings: --path {', '.join(visible(m) for m in missed)} matches no recording in "
                             f"{visible(old.label)} or {visible(new.label)}\n")
            raise typer.Exit(EXIT_USAGE)
    shown = result if show_unchanged else type(result)([f for f in result.files if f.status != "unchanged"])
    if fmt is DiffFormat.json:
        payload = shown.to_dict()
        payload["summary"] = result.counts()
        payload["suites"] = result.per_suite()
        write_json({"old": old.label, "new": new.label, **payload})
    elif fmt is DiffFormat.markdown:
        from recordings.output.terminal import shell_command

        rerun = shell_command(["recordings", "diff", a, *([b] if b else [])])
        render_markdown(shown, sys.stdout, old.label, new.label, max_bytes, rerun)
    elif stat:
        render_stat(result, sys.stdout)
    else:
        render_files(shown, sys.stdout, name_only=name_only, group=group.value)
    for f in result.unreadable:
        sys.stderr.write(f"{f.name}: {f.reason}\n")
    c = result.counts()
    note((f"{c['replay_breaking']} replay-breaking; " if c["replay_breaking"] else "")
         + f"{c['changed']} changed, {c['added']} added, {c['removed']} removed ({c['renamed']} renamed, "
         f"{c['moved']} moved), {c['noise']} noise-only, {c['unchanged']} unchanged"
         + (f", {c['unreadable']} unreadable" if c["unreadable"] else ""))
    if result.unreadable:
        raise typer.Exit(EXIT_USAGE)
    raise typer.Exit(EXIT_FINDINGS if result.differs else EXIT_CLEAN)


def _file_side(kind: str, value: str, root: str) -> tuple[str, bytes | None]:
    """(the name it is shown and read by, its bytes when they come from git: ``REV:path``)."""
    if kind != "blob":
        return value, None
    from recordings.sources import SourceError, read_blob

    rev, _, rel = value.partition(":")
    try:
        return rel, read_blob(root, rev, rel)
    except SourceError as exc:
        sys.stderr.write(f"recordings: {exc}\n")
        raise typer.Exit(EXIT_USAGE)


def _two_recordings(old_side: tuple[str, bytes | None], new_side: tuple[str, bytes | None], exact: bool,
                    fmt: OutputFormat) -> int:
    from recordings.corpus_diff import CHANGED, answer_diff, compare_files, deep_diff, exchanges_of, parse_file
    from recordings.errors import LoadError
    from recordings.loader import read_bytes
    from recordings.output.diffing import render_unified
    from recordings.output.jsonout import write_json

    old_path, new_path = old_side[0], new_side[0]
    docs = []
    for p, given in (old_side, new_side):
        try:
            raw = read_bytes(p) if given is None else given
            docs.append((raw, parse_file(p, raw)))
        except LoadError as exc:
            sys.stderr.write(f"{exc.path}: {exc.reason}\n")
            return EXIT_USAGE
    (ob, od), (nb, nd) = docs
    what: tuple[str, ...]
    from recordings.formats import format_for_file

    try:
        if ob == nb:
            status, what = "identical", ()
        else:
            status, what = compare_files(old_path, od, new_path, nd)
        pairs = list(zip(exchanges_of(old_path, od, ob), exchanges_of(new_path, nd, nb))) \
            if status != "identical" else []
    except LoadError as exc:  # a shape the recorder cannot read into exchanges
        sys.stderr.write(f"{exc.path}: {exc.reason}\n")
        return EXIT_USAGE
    fmt_ = format_for_file(new_path, nb)
    several = len(pairs) > 1 or not fmt_.one_per_file
    semantic, unified = [], []
    for i, (a, b) in enumerate(pairs):  # a cassette: interaction by interaction
        prefix = f"#{i} " if several else ""
        semantic += [prefix + line for line in deep_diff(a, b, exact=exact)]
        names = (f"{old_path}#{i}", f"{new_path}#{i}") if several else (old_path, new_path)
        unified += answer_diff(a, b, *names)
    if fmt is OutputFormat.json:
        write_json({"old": old_path, "new": new_path, "status": status, "what": list(what),
                    "differences": semantic, "answer_diff": unified})
    else:
        out = sys.stdout
        if semantic:
            out.write(f"{'differences' if status == CHANGED else 'noise only'} ({', '.join(what)}):\n")
            for line in semantic:
                out.write(f"  {line}\n")
        if unified:
            render_unified(unified, out)
    note(f"{status}" + (f": {', '.join(what)}" if what else ""))
    return EXIT_FINDINGS if status == CHANGED else EXIT_CLEAN
