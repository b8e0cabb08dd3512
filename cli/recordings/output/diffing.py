"""Output of ``recordings diff``: corpus summaries and per-recording diffs."""

from __future__ import annotations

import re
from typing import IO

from recordings.corpus_diff import ADDED, CHANGED, NOISE, REMOVED, UNCHANGED, UNREADABLE, CorpusDiff
from recordings.output.terminal import Printer, encodable

STYLE = {ADDED: "green", REMOVED: "red", CHANGED: "yellow", NOISE: "dim", UNCHANGED: "dim", UNREADABLE: "bold red"}
COLUMNS = (ADDED, REMOVED, CHANGED, NOISE, UNCHANGED, UNREADABLE)


def render_files(d: CorpusDiff, stream: IO[str], name_only: bool = False) -> None:
    p = Printer(stream)
    for f in d.files:
        if name_only:
            if f.status in (ADDED, REMOVED, CHANGED):
                p.line(f.name)
            continue
        if f.renamed:
            where = f"{f.old} → {f.new}"
        else:
            where = f.name
        detail = ", ".join(f.what) if f.what else (f.reason or "")
        label = f.status + (" (renamed)" if f.renamed else "")
        p.parts((f"{label:<19}", STYLE[f.status]), (where, None), (f"  {detail}" if detail else "", "dim"))


def render_stat(d: CorpusDiff, stream: IO[str]) -> None:
    p = Printer(stream)
    suites = d.per_suite()
    width = max([len("suite")] + [len(s) for s in suites])
    p.line(f"{'suite':<{width}}  " + "  ".join(f"{c:>10}" for c in COLUMNS), "bold")
    for suite, row in suites.items():
        p.line(f"{suite:<{width}}  " + "  ".join(f"{row[c]:>10}" for c in COLUMNS))
    totals = d.counts()
    p.line(f"{'total':<{width}}  " + "  ".join(f"{totals[c]:>10}" for c in COLUMNS), "bold")


_WORDS = re.compile(r"\s+|\w+|[^\w\s]")


def render_unified(lines: list[str], stream: IO[str]) -> None:
    """A unified diff; at a terminal, changed words inside changed lines are highlighted."""
    p = Printer(stream)
    if not p.color:
        for line in lines:
            stream.write(encodable(line) + "\n")
        return
    import difflib

    i = 0
    while i < len(lines):
        line = lines[i]
        if line.startswith(("---", "+++")):
            p.line(line, "bold")
            i += 1
            continue
        if line.startswith("@@"):
            p.line(line, "cyan")
            i += 1
            continue
        if line.startswith("-"):
            minus = []
            while i < len(lines) and lines[i].startswith("-") and not lines[i].startswith("---"):
                minus.append(lines[i])
                i += 1
            plus = []
            while i < len(lines) and lines[i].startswith("+") and not lines[i].startswith("+++"):
                plus.append(lines[i])
                i += 1
            for k in range(max(len(minus), len(plus))):
                old = minus[k] if k < len(minus) else None
                new = plus[k] if k < len(plus) else None
                if old is not None and new is not None:
                    a, b = _WORDS.findall(old[1:]), _WORDS.findall(new[1:])
                    sm = difflib.SequenceMatcher(a=a, b=b, autojunk=False)
                    old_parts, new_parts = [("-", "red")], [("+", "green")]
                    for op, a1, a2, b1, b2 in sm.get_opcodes():
                        if op == "equal":
                            old_parts.append(("".join(a[a1:a2]), "red"))
                            new_parts.append(("".join(b[b1:b2]), "green"))
                        else:
                            old_parts.append(("".join(a[a1:a2]), "bold red reverse"))
                            new_parts.append(("".join(b[b1:b2]), "bold green reverse"))
                    p.parts(*old_parts)
                    p.parts(*new_parts)
                elif old is not None:
                    p.line(old, "red")
                elif new is not None:
                    p.line(new, "green")
            continue
        if line.startswith("+"):
            p.line(line, "green")
        else:
            p.line(line)
        i += 1
