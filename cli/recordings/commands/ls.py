"""``recordings ls``: list the corpus."""

from __future__ import annotations

import sys
from typing import List, Optional

import typer

from recordings.commands import app
from recordings.commands.common import (EXIT_CLEAN, EXIT_FINDINGS, NO_CACHE_HELP, ROOT_HELP, VERBOSE_HELP, OutputFormat,
                                        default_paths, find, note, open_cache, report_kept, report_problems)
from recordings.filters import SORT_KEYS
from recordings.model import Kind, Recording


def _provider_hint(provider: str, files: list[str], cache) -> None:
    """--provider matched nothing: name the providers the corpus has."""
    from recordings.loader import scan

    have = sorted({r.provider for r in scan(files, cache) if isinstance(r, Recording) and r.provider})
    sys.stderr.write(f"note: no recording has provider {provider!r}; providers here: "
                     f"{', '.join(have) if have else '(none)'}\n")


def _model_hint(model: str, models: set[str]) -> None:
    """The closest models of the corpus, when --model matches none."""
    import difflib

    needle = model.lower().strip("*?")
    close = sorted(m for m in models if needle and needle in m.lower())
    close += [m for m in difflib.get_close_matches(model, sorted(models), n=5, cutoff=0.5) if m not in close]
    if close:
        from recordings.output.terminal import visible

        shown = ", ".join(visible(m) for m in close[:5]) + (" …" if len(close) > 5 else "")
        sys.stderr.write(f"no recording of model {visible(model)!r} (a filter matches a whole part of the value); "
                         f"closest: {shown}; a glob such as --model '{visible(needle)}*' matches them all\n")


@app.command("ls")
def ls_command(
    paths: Optional[List[str]] = typer.Argument(None, help="Recording files or folders (default: the --root, "
                                                                   "else .)."),
    test: Optional[str] = typer.Option(None, "--test",
                                       help="The test_id, or a whole part of it (parts are split at / : . [ ] "
                                            "= , ( ) and spaces), or a glob with * or ?."),
    model: Optional[str] = typer.Option(None, "--model", help="The model or a part of it, or a glob."),
    endpoint: Optional[str] = typer.Option(None, "--endpoint", help="The endpoint or a part of it, or a glob."),
    suite: Optional[str] = typer.Option(None, "--suite", help="The suite or a part of it, or a glob."),
    provider: Optional[str] = typer.Option(None, "--provider",
                                           help="The provider (openai, ollama, azure, watsonx, …), or a glob."),
    kind: Optional[Kind] = typer.Option(None, "--kind", help="Request kind."),
    recorder: Optional[str] = typer.Option(None, "--recorder",
                                           help="Only the files of one recorder: ogx (or llama-stack), vcr "
                                                "(cassettes) or har (polly, playwright)."),
    streaming: Optional[bool] = typer.Option(None, "--streaming/--no-streaming",
                                             help="Only streamed / only whole responses."),
    exceptions: bool = typer.Option(False, "--exceptions", help="Only recordings of an exception or HTTP error."),
    sort: str = typer.Option("path", "--sort", help=f"Sort key: {', '.join(SORT_KEYS)}."),
    reverse: bool = typer.Option(False, "--reverse", help="Reverse the sort order."),
    orphans: bool = typer.Option(False, "--orphans", help="Only recordings whose test is gone (read statically "
                                                           "from the test files, as `prune` does)."),
    root: Optional[str] = typer.Option(None, "--root", help=ROOT_HELP),
    fmt: OutputFormat = typer.Option(OutputFormat.text, "--format", "-f", help="text or json."),
    no_cache: bool = typer.Option(False, "--no-cache", help=NO_CACHE_HELP),
    quiet: bool = typer.Option(False, "--quiet", "-q", help="No progress bar."),
    verbose: bool = typer.Option(False, "--verbose", "-v", help="With --orphans: " + VERBOSE_HELP[0].lower()
                                 + VERBOSE_HELP[1:]),
) -> None:
    """List recordings: id, suite, test, endpoint, model, streaming, size and flags.

    Filters match the whole value or a whole part of it (parts are separated by / : . [ ] = , ( )
    or spaces), so --model gpt-4o does not match gpt-4o-mini; with * or ? a pattern is a glob over
    the whole value; brackets are always literal.
    """
    from recordings.filters import Filter

    paths = default_paths(paths, root)
    from recordings.loader import scan
    from recordings.model import EmptyFile, Problem
    from recordings.output.progress import track
    from recordings.output.terminal import human_size

    if sort not in SORT_KEYS:
        raise typer.BadParameter(f"unknown sort key {sort!r}; choose from {', '.join(SORT_KEYS)}", param_hint="--sort")
    named = None
    if recorder is not None:
        from recordings.formats import FORMATS
        from recordings.formats import named as recorder_named

        named = recorder_named(recorder)
        if named is None:
            known = "; ".join(f"{r.name} ({', '.join(r.aliases)})" if r.aliases else r.name for r in FORMATS)
            raise typer.BadParameter(f"unknown recorder {recorder!r}; choose from {known}", param_hint="--recorder")
    found = find(paths, command="ls")
    keep = Filter(test=test, model=model, endpoint=endpoint, suite=suite, provider=provider,
                  kind=kind.value if kind else None, streaming=streaming, exceptions=exceptions,
                  recorder=named.name if named is not None else None)
    records: list[Recording] = []
    problems: list[Problem] = list(found.problems)
    total = 0
    models: set[str] = set()  # every model seen, for the hint when --model matches none
    cache = open_cache(no_cache, paths)
    empty: list[EmptyFile] = []
    for item in track(scan(found.files, cache), len(found.files), "reading", quiet):
        if isinstance(item, Problem):
            problems.append(item)
            continue
        if isinstance(item, EmptyFile):
            empty.append(item)
            continue
        total += 1
        if item.model:
            models.add(item.model)
        if keep(item):
            records.append(item)
    refusal = None
    if orphans:
        from recordings.live_tests import SourceError, build_index
        from recordings.project import find_root
        from recordings.prune import plan

        project = root or find_root((paths or ["."])[0])
        try:
            index, _source = build_index(project, cache=cache)
        except SourceError as exc:
            sys.stderr.write(f"recordings: {str(exc).removeprefix('refusing to prune: ')}\n")
            raise typer.Exit(EXIT_FINDINGS)
        result = plan([*records, *empty], index, project)
        cache.save()
        refusal = result.refusal(project)
        gone = {o.recording.path for o in result.orphans} if refusal is None else set()
        records = [r for r in records if r.path in gone]  # every interaction of an orphan cassette
        empty = [e for e in empty if e.path in gone]
        report_kept(result, verbose)
        if refusal:
            sys.stderr.write(f"recordings: orphans not listed: {refusal}\n")
    if model is not None and not records and total:
        _model_hint(model, models)
    if provider is not None and not records and total:
        _provider_hint(provider, found.files, cache)
    records.sort(key=SORT_KEYS[sort], reverse=reverse)
    if fmt is OutputFormat.json:
        from recordings.output.jsonout import write_json_list

        write_json_list(r.to_dict() for r in records)
    else:
        from recordings.output.listing import render_table

        render_table(records, sys.stdout)
    problems = report_problems(problems)
    shown = f"{len(records)} of {total}" if len(records) != total else f"{total}"
    summary = f"{shown} recording{'s' if total != 1 else ''}, {human_size(sum(r.size for r in records))}"
    if problems:
        summary += f"; {len(problems)} unreadable"
    if empty:
        from recordings.output.terminal import shell_command

        summary += (f"; {len(empty)} {'orphan ' if orphans else ''}file{'s' if len(empty) != 1 else ''} "
                    f"holding no recording (e.g. {shell_command([empty[0].path])})")
    note(summary)
    raise typer.Exit(EXIT_FINDINGS if problems or (orphans and refusal) else EXIT_CLEAN)
