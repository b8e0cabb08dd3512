"""The ``stats`` report: tables with inline bars at a terminal, plain columns in a pipe."""

from __future__ import annotations

import os
from typing import IO, Sequence

from recordings.output.terminal import Printer, human_size, safe, visible
from recordings.stats import CorpusStats

BAR = 20


def _bar(value: int, top: int) -> str:
    if top <= 0:
        return ""
    n = round(BAR * value / top)
    return "█" * n if n else ("▏" if value else "")


def _table(p: Printer, title: str, rows: Sequence[tuple[str, ...]], bar_values: list[int] | None = None) -> None:
    p.line("")
    p.line(title, "bold")
    rows = [tuple(safe(cell) for cell in r) for r in rows]  # models, endpoints and suites come from recordings
    if not rows:
        p.line("  (none)", "dim")
        return
    if p.console is not None:  # a rich table with an inline bar column at a terminal
        from rich.table import Table

        table = Table(box=None, show_header=False, pad_edge=False, padding=(0, 2, 0, 2))
        for i in range(len(rows[0])):
            table.add_column(justify="left" if i == 0 else "right")
        if bar_values:
            table.add_column(style="cyan", no_wrap=True)
        top = max(bar_values) if bar_values else 0
        for k, r in enumerate(rows):
            table.add_row(*r, *([_bar(bar_values[k], top)] if bar_values else []))
        p.console.print(table)
        return
    widths = [max(len(r[i]) for r in rows) for i in range(len(rows[0]))]
    for r in rows:
        p.line("  " + "  ".join(c.ljust(widths[i]) if i == 0 else c.rjust(widths[i]) for i, c in enumerate(r)))


def render_stats(s: CorpusStats, stream: IO[str]) -> None:
    p = Printer(stream)
    in_files = f" in {len(s.paths)} files" if len(s.paths) != s.files else " files"
    p.parts(("recordings ", "bold"), (f"{s.files}{in_files}, {human_size(s.bytes)}", None))
    share = f"{s.streamed / s.files:.0%}" if s.files else "0%"
    mean = f"{s.stream_chunks / s.streamed:.1f}" if s.streamed else "0"
    p.line(f"streamed   {s.streamed} ({share}), {mean} chunks per stream on average")
    for dim in ("suite", "provider", "model", "endpoint", "kind"):
        groups = sorted(s.by[dim].items(), key=lambda kv: (-kv[1].bytes, kv[0]))
        rows = [(k, str(g.count), human_size(g.bytes)) for k, g in groups]
        _table(p, f"by {dim}", rows, [g.bytes for _, g in groups])
    _table(p, "exceptions by type", [(k, str(v)) for k, v in s.exceptions.most_common()],
           [v for _, v in s.exceptions.most_common()])
    tokens = sorted(s.tokens.items(), key=lambda kv: (-(kv[1][0] + kv[1][1]), kv[0]))
    _table(p, "token usage by model (prompt, completion)", [(m, f"{t[0]:,}", f"{t[1]:,}") for m, t in tokens],
           [t[0] + t[1] for _, t in tokens])
    p.line("")
    p.line("health", "bold")
    collisions = s.collisions()
    health = [
        ("name does not match request hash", len(s.hash_mismatch), s.rehash_fix() if s.hash_mismatch else ""),
        ("not normalized", len(s.not_normalized), "recordings normalize"),
        ("colliding (files hashing to one name)", sum(len(g.files) for g in collisions),
         f"{len(collisions)} name{'s' if len(collisions) != 1 else ''}, replay reads one file of each: "
         "recordings dedupe"),
        ("orphaned (test gone)", len(s.orphaned), "recordings ls --orphans; recordings prune"
         if not s.orphans_refused else f"not counted: {s.orphans_refused}"),
        ("shared (no test_id)", s.shared, "recordings ls (FLAGS: shared)"),
        ("empty (no recording in the file)", len(s.empty), "recordings validate"),
        ("unreadable", len(s.unreadable), "recordings validate"),
    ]
    width = max(len(h[0]) for h in health)
    for label, count, fix in health:
        style = "yellow" if count and label != "shared (no test_id)" else None
        p.parts((f"  {label:<{width}}  {count:>6}  ", style), (fix if count or fix.startswith("not counted") else "",
                                                             "dim"))
    if collisions:
        render_collision_names(p, collisions, limit=10)
    _table(p, "largest recordings", [(path, human_size(b)) for b, path in s.largest])
    if s.growth is not None:
        _table(p, "suites that grew most", [(g["suite"], human_size(g["before"]), human_size(g["now"]),
                                             ("+" if g["growth"] >= 0 else "-") + human_size(abs(g["growth"])))
                                            for g in s.growth], [max(g["growth"], 0) for g in s.growth])


def render_collision_names(p: Printer, groups: list, limit: int | None = None) -> None:
    """The colliding recordings, a group per line: the name replay reads, then the files that hash to it."""
    p.line("")
    p.line("colliding recordings (the name replay reads: the files whose requests hash to it)", "bold")
    for g in groups[:limit]:
        here = os.path.dirname(g.name)
        p.line(visible(f"  {g.name}: " + ", ".join(os.path.basename(f) if os.path.dirname(f) == here else f
                                                    for f in g.files)))
    if limit is not None and len(groups) > limit:
        p.line(f"  … and {len(groups) - limit} more (recordings dedupe lists them all)", "dim")
