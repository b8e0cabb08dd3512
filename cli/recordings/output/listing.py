"""The ``ls`` table: rich at a terminal, aligned plain columns in a pipe."""

from __future__ import annotations

import os
from typing import IO, Sequence

from recordings.model import Recording
from recordings.output.terminal import human_size, make_console, visible, wants_color

COLUMNS = ("ID", "SUITE", "TEST", "ENDPOINT", "MODEL", "STREAM", "SIZE", "FLAGS")


def test_label(r: Recording) -> str:
    """The test id without its folder (the suite column says where it lives)."""
    if not r.test_id:
        return "-"
    file, sep, rest = r.test_id.partition("::")
    return os.path.basename(file) + sep + rest


def endpoint_label(r: Recording) -> str:
    """The endpoint; for an interaction of a cassette (which may call any host), method, host and path."""
    if "#" in r.id and r.url:
        from urllib.parse import urlsplit

        try:
            host = urlsplit(r.url).hostname or ""
        except ValueError:
            host = ""
        return f"{r.method or '?'} {host}{r.endpoint or ''}"
    return r.endpoint or "-"


def row(r: Recording) -> tuple[str, ...]:
    stream = f"yes {r.chunks}" if r.streaming else "no"
    return (
        visible(r.short_id),
        visible(r.suite),
        visible(test_label(r)),
        visible(endpoint_label(r)),
        visible(r.model or "-"),
        stream,
        human_size(r.size),
        ",".join(r.flags) or "-",
    )


def render_table(recordings: Sequence[Recording], stream: IO[str]) -> None:
    if not recordings:
        return
    rows = [row(r) for r in recordings]
    if wants_color(stream):
        from rich.table import Table

        table = Table(box=None, header_style="bold", pad_edge=False)
        for name in COLUMNS:
            table.add_column(name, justify="right" if name == "SIZE" else "left", overflow="fold",
                             no_wrap=name in ("ID", "SIZE", "STREAM"))
        for r, cells in zip(recordings, rows):
            style = "red" if r.exception is not None else ("dim" if r.shared else "")
            table.add_row(*cells, style=style)
        make_console(stream).print(table)
        return
    widths = [max(len(name), *map(len, column)) for name, column in zip(COLUMNS, zip(*rows))]
    line = "  ".join(f"{{:<{w}}}" for w in widths[:-1]) + "  {}\n"
    stream.write(line.format(*COLUMNS))
    stream.write("".join([line.format(*cells) for cells in rows]))
