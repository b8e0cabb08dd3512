"""Reporters for validation findings, chosen by name from :data:`REPORTERS`."""

from __future__ import annotations

import re
from itertools import groupby
from typing import IO, Callable, Sequence

from recordings.rules.types import Finding
from recordings.output.jsonout import write_json
from recordings.output.terminal import Printer, visible


REPEATED = 5  # a finding of one rule and kind in this many places or more is one line (--verbose: each)
_MASKED = re.compile(r" \([^()]*…\)$")  # the masked value a secret finding ends with


_NUMBER = re.compile(r"#\d+")


def kind_of(f: Finding) -> tuple[str, str, str]:
    """What repeated findings share: the rule, the severity and the message without its masked value or the
    number of the interaction it names."""
    return f.rule, f.severity, _NUMBER.sub("#…", _MASKED.sub("", f.message))


def report_text(findings: Sequence[Finding], stream: IO[str], verbose: bool = False) -> None:
    """Grouped by file; rule and severity aligned; styled only at a terminal. A finding repeated in
    :data:`REPEATED` places or more (an organization header in every cassette) is one line with the count
    and the first files, after the others; ``verbose`` lists each."""
    p = Printer(stream)
    groups: dict[tuple[str, str, str], list[Finding]] = {}
    for f in findings:
        groups.setdefault(kind_of(f), []).append(f)
    repeated = {k for k, fs in groups.items() if len(fs) >= REPEATED} if not verbose else set()
    single = [f for f in findings if kind_of(f) not in repeated]
    for path, group in groupby(single, key=lambda f: f.path):
        p.line(visible(path), "bold")
        for f in group:
            p.parts(("  ", None), (f"{f.severity:<8}", "red" if f.severity == "error" else "yellow"),
                    (f"{f.rule:<14}", "cyan"), (visible(f.message + f.where()), None))
            if f.fix:
                p.parts(("  " + " " * 22, None), (visible(f"fix: {f.fix}"), "dim"))
    if repeated:
        p.line("repeated (--verbose lists each):", "bold")
    for key in sorted(repeated, key=lambda k: (k[1] != "error", -len(groups[k]), k)):
        rule, severity, message = key
        fs = groups[key]
        files = list(dict.fromkeys(f.path for f in fs))
        shown = ", ".join(visible(x) for x in files[:3]) + (f" and {len(files) - 3} more" if len(files) > 3 else "")
        p.parts(("  ", None), (f"{severity:<8}", "red" if severity == "error" else "yellow"), (f"{rule:<14}", "cyan"),
                (visible(f"{message}: {len(fs)} times in {len(files)} file{'s' if len(files) != 1 else ''} "
                         f"({shown})"), None))
        if fs[0].fix:
            p.parts(("  " + " " * 22, None), (visible(f"fix: {fs[0].fix}"), "dim"))


def report_json(findings: Sequence[Finding], stream: IO[str]) -> None:
    write_json([f.to_dict() for f in findings], stream)


def _escape_data(s: str) -> str:
    return s.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _escape_property(s: str) -> str:
    return _escape_data(s).replace(":", "%3A").replace(",", "%2C")


def report_github(findings: Sequence[Finding], stream: IO[str]) -> None:
    """GitHub Actions workflow commands: one annotation per finding."""
    for f in findings:
        level = "error" if f.severity == "error" else "warning"
        message = f.message + f.where() + (f"; fix: {f.fix}" if f.fix else "")
        line = f",line={f.line}" if f.line else ""
        stream.write(f"::{level} file={_escape_property(visible(f.path))}{line},"
                     f"title={_escape_property('recordings ' + f.rule)}::{_escape_data(message)}\n")


REPORTERS: dict[str, Callable[[Sequence[Finding], IO[str]], None]] = {
    "text": report_text,
    "json": report_json,
    "github": report_github,
}
