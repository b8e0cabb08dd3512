"""``recordings validate``: run the named rules over every recording."""

from __future__ import annotations

import sys
from enum import Enum
from typing import List, Optional

import typer

from recordings.output.progress import track

from recordings.commands import app
from recordings.commands.common import EXIT_CLEAN, EXIT_FINDINGS, EXIT_USAGE, NO_CACHE_HELP, find, note, open_cache


class ValidateFormat(str, Enum):
    text = "text"
    json = "json"
    github = "github"


def _rule_ids(values: Optional[List[str]], known: set[str], option: str) -> set[str] | None:
    if not values:
        return None
    ids = {v.strip() for value in values for v in value.split(",") if v.strip()}
    unknown = ids - known
    if unknown:
        raise typer.BadParameter(f"unknown rule id(s): {', '.join(sorted(unknown))}; "
                                 f"rules are {', '.join(sorted(known))}", param_hint=option)
    return ids


def _corpus_of_listed_files(paths: Optional[List[str]]) -> list[str]:
    """When files are named (a pre-commit hook passes only the changed ones), the other recordings
    of their folders: corpus-wide rules compare against them."""
    import os

    from recordings.discovery import discover

    folders = sorted({os.path.dirname(os.path.abspath(p)) for p in paths or [] if os.path.isfile(p)})
    if not folders:
        return []
    listed = {os.path.normpath(p) for p in paths or []}
    return [f for f in discover(folders, "validate").files if os.path.normpath(f) not in listed
            and os.path.normpath(os.path.relpath(f)) not in listed]


def _folders_without_recordings(paths: list[str], found) -> list[str]:
    """The folders given (or the default ``.``) that hold no recording: no file found below them, readable or
    not. Files named one by one (as pre-commit names the changed ones) are never counted: a file that is not
    a recording is noted, and passes."""
    import os

    def key(p: str) -> str:
        return os.path.normpath(os.path.abspath(p))

    seen = [key(f) for f in found.files] + [key(p.path) for p in found.problems]
    out = []
    for path in paths:
        if not os.path.isdir(path):
            continue
        top = key(path).rstrip(os.sep) + os.sep
        if not any(f.startswith(top) for f in seen):
            out.append(path)
    return out


# The rules, for --help (a test keeps this equal to the registry; importing it here would slow every start).
RULES_HELP = """\b
Rules (id, default severity, what it checks):
  syntax        error   UTF-8, valid JSON, an object at the top
  schema        error   required keys and types for each request kind; response shape matches is_streaming
  test-id       error   a well-formed pytest node id or null; the file sits where replay looks for it
  name          error   a 64-hex hash or models-<hash>-<digest8>; legacy 12-hex names (plain or models-) warn
  hash          warning the request hash recomputed with the recorder's rules equals the file name
  models-digest warning the digest in a models-<hash>-<digest> name matches the model ids in the body
  normalized    warning response ids are rec-<hash12>, created is 0, Ollama timestamps and durations are zeroed
  bytes         warning the file is byte-identical to json.dumps(obj, indent=2) + newline
  stream        warning chunks share one id; a finish reason unless an exception ended it; tool arguments are valid JSON
  type          warning each __type__ names the module the rest of the corpus uses for its class, in no renamed package
  cassette      error   an interactions list of request/response mappings; declared content-encodings decode
  har           error   a log.entries list of request/response mappings, each with a method, a url and a status
  secrets       error   no API keys, tokens, credential headers or key-bearing query strings
  duplicate     warning two files hold the same request for the same test (models- lists excepted)
"""


@app.command("validate", epilog=RULES_HELP)
def validate_command(
    paths: Optional[List[str]] = typer.Argument(None, help="Recording files or folders (default: .)."),
    select: Optional[List[str]] = typer.Option(None, "--select",
                                               help="Only these rule ids (comma-separated or repeated)."),
    ignore: Optional[List[str]] = typer.Option(None, "--ignore", help="Skip these rule ids."),
    error: Optional[List[str]] = typer.Option(None, "--error", help="These rule ids are errors in this run (the "
                                              "pre-commit hook: `hash`, so that a commit cannot bring a recording "
                                              "replay will not find)."),
    strict: bool = typer.Option(False, "--strict", help="Warnings fail too."),
    fmt: ValidateFormat = typer.Option(ValidateFormat.text, "--format", "-f", help="text, json or github."),
    config_file: Optional[str] = typer.Option(None, "--config",
                                              help="pyproject.toml to read [tool.recordings] from (default: the "
                                                   "project root's, found from the first PATH)."),
    no_cache: bool = typer.Option(False, "--no-cache", help=NO_CACHE_HELP),
    summary: bool = typer.Option(False, "--summary", help="Only the totals per rule, no finding lines."),
    no_totals: bool = typer.Option(False, "--no-totals", help="The finding lines, no closing totals (the "
                                   "pre-commit hooks: pre-commit may split the files into several runs)."),
    quiet: bool = typer.Option(False, "--quiet", "-q", help="No progress bar."),
    verbose: bool = typer.Option(False, "--verbose", "-v", help="List every finding, also those repeated in "
                                 "many files (text output groups them: one line per rule and kind)."),
) -> None:
    """Check every recording against the rules (see the README's table); exit 1 on errors."""
    from recordings.rules import RULES
    from recordings.config import ConfigError, load_config
    from recordings.output.findings import REPORTERS
    from recordings.output.terminal import Printer
    from recordings.rules.runner import validate

    known = set(RULES)
    selected = _rule_ids(select, known, "--select")
    ignored = _rule_ids(ignore, known, "--ignore")
    raised = _rule_ids(error, known, "--error") or set()
    try:
        config = load_config(known, (paths or ["."])[0], path=config_file)
    except ConfigError as exc:
        sys.stderr.write(f"recordings: {exc}\n")
        raise typer.Exit(EXIT_USAGE)
    found = find(paths, command="validate")
    empty = _folders_without_recordings(paths or ["."], found)
    for folder in empty:  # a CI job pointed at the wrong folder must not pass
        from recordings.output.terminal import visible

        sys.stderr.write(f"recordings: no recordings in {visible(folder)}\n")
    report = validate(found.files, select=selected, ignore=ignored, config=config, problems=found.problems,
                      cache=open_cache(no_cache, paths), corpus=_corpus_of_listed_files(paths),
                      progress=lambda it: track(it, len(found.files), "validating", quiet))
    if raised:
        import dataclasses

        report.findings = [dataclasses.replace(f, severity="error") if f.rule in raised and f.severity == "warning"
                           else f for f in report.findings]
    notes = [f for f in report.findings if f.severity == "note"]  # files of no known format, left out
    if notes:
        from recordings.output.terminal import shell_command

        report.findings = [f for f in report.findings if f.severity != "note"]
        note(f"note: {len(notes)} file{'s are' if len(notes) != 1 else ' is'} not a recording of any known format, "
             f"left out (e.g. {shell_command([notes[0].path])})")
    if not summary:
        if fmt.value == "text":
            REPORTERS["text"](report.findings, sys.stdout, verbose=verbose)  # type: ignore[call-arg]
        else:
            REPORTERS[fmt.value](report.findings, sys.stdout)
    failing = report.errors + (report.warnings if strict else 0)
    files = report.files + len(found.problems) - len(notes)
    if no_totals:
        pass
    elif report.findings:
        note(f"{report.errors} error{'s' if report.errors != 1 else ''}, {report.warnings} "
             f"warning{'s' if report.warnings != 1 else ''} in {files} file{'s' if files != 1 else ''}")
        for rule, (errors, warnings) in report.per_rule().items():
            parts = [f"{n} {word}{'s' if n != 1 else ''}" for n, word in ((errors, "error"), (warnings, "warning"))
                     if n]
            note(f"  {rule:<14} {', '.join(parts)}")
    else:
        note(f"{files} file{'s' if files != 1 else ''} checked: no findings")
    if summary:
        groups = report.collisions()
        if groups:
            from recordings.output.statistics import render_collision_names

            note(f"{sum(len(g.files) for g in groups)} files collide: {len(groups)} name"
                 f"{'s' if len(groups) != 1 else ''} each held by several files, of which replay reads one "
                 "(recordings dedupe)")
            render_collision_names(Printer(sys.stderr), groups)
    raise typer.Exit(EXIT_FINDINGS if failing or empty else EXIT_CLEAN)
