"""Reporters for validation findings, chosen by name from :data:`REPORTERS`."""

from __future__ import annotations

from itertools import groupby
from typing import IO, Callable, Sequence

from recordings.rules.types import Finding
from recordings.output.jsonout import write_json
from recordings.output.terminal import Printer, visible


def report_text(findings: Sequence[Finding], stream: IO[str]) -> None:
    """Grouped by file; rule and severity aligned; styled only at a terminal."""
    p = Printer(stream)
    for path, group in groupby(findings, key=lambda f: f.path):
        p.line(visible(path), "bold")
        for f in group:
            where = f" ({f.json_path})" if f.json_path else ""
            p.parts(("  ", None), (f"{f.severity:<8}", "red" if f.severity == "error" else "yellow"),
                    (f"{f.rule:<14}", "cyan"), (visible(f.message + where), None))


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
        message = f.message + (f" ({f.json_path})" if f.json_path else "")
        stream.write(f"::{level} file={_escape_property(visible(f.path))},"
                     f"title={_escape_property('recordings ' + f.rule)}::{_escape_data(message)}\n")


REPORTERS: dict[str, Callable[[Sequence[Finding], IO[str]], None]] = {
    "text": report_text,
    "json": report_json,
    "github": report_github,
}
