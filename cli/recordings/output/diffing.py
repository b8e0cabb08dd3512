"""Output of ``recordings diff``: corpus summaries and per-recording diffs."""

from __future__ import annotations

import re
from typing import IO

from recordings.corpus_diff import ADDED, CHANGED, MOVED, NOISE, REMOVED, UNCHANGED, UNREADABLE, CorpusDiff, FileDiff
from recordings.output.terminal import Printer, encodable, visible

STYLE = {ADDED: "green", REMOVED: "red", CHANGED: "yellow", NOISE: "dim", UNCHANGED: "dim", UNREADABLE: "bold red",
         MOVED: "cyan"}
COLUMNS = (ADDED, REMOVED, CHANGED, NOISE, UNCHANGED, UNREADABLE)


def grouped(files: list[FileDiff], group: str) -> list[tuple[str | None, list[FileDiff]]]:
    """The files in the order they are shown: by file (what breaks replay first), or by the test that owns
    them (tests with a replay-breaking file first)."""
    if group != "test":
        return [(None, files)]
    tests: dict[str, list[FileDiff]] = {}
    for f in files:
        tests.setdefault(f.test or "(no test)", []).append(f)
    return sorted(tests.items(), key=lambda kv: (not any(f.breaks for f in kv[1]), kv[0]))


def _where(f: FileDiff) -> str:
    return f"{f.old} → {f.new}" if (f.renamed or f.moved) and f.old != f.new else f.name


def render_files(d: CorpusDiff, stream: IO[str], name_only: bool = False, group: str = "file") -> None:
    p = Printer(stream)
    for test, files in grouped(d.files, group):
        if test is not None and not name_only:
            p.line(visible(test), "bold")
        for f in files:
            if name_only:
                if f.status in (ADDED, REMOVED, CHANGED) or f.breaks:
                    p.line(visible(f.name))
                continue
            detail = ", ".join(f.what) if f.what else (f.reason or "")
            indent = "  " if test is not None else ""
            p.parts((f"{indent}{f.label:<19}", STYLE[f.status]), (visible(_where(f)), None),
                    (f"  {visible(detail)}" if detail else "", "dim"))
            _render_detail(p, f, indent + "  ", with_test=test is None)


def _render_detail(p: Printer, f: FileDiff, indent: str, with_test: bool) -> None:
    """What a reviewer needs of one changed recording: what breaks replay, its test, the request fields,
    each difference (a long value shown around its change), and the answer's unified diff."""
    for b in f.breaks:
        p.parts((f"{indent}replay-breaking  ", "bold red"), (visible(b), None))
    if f.status not in (CHANGED, MOVED) and not f.renamed:
        return
    if with_test and f.test:
        p.parts((f"{indent}test  ", "dim"), (visible(f.test), None))
    if f.fields:
        p.parts((f"{indent}request fields  ", "dim"), (visible(", ".join(f.fields)), None))
    for line in f.detail:
        p.line(visible(f"{indent}  {line}"))
    for line in f.answer:
        p.line(visible(f"{indent}  {line}"), "red" if line.startswith("-") and not line.startswith("---") else
               "green" if line.startswith("+") and not line.startswith("+++") else None)


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


def _fence(text: str) -> str:
    """A code fence longer than any run of backticks in ``text``: recorded text can never close it."""
    longest = max((len(m) for m in re.findall(r"`+", text)), default=0)
    return "`" * max(3, longest + 1)


def _html(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


MOVED_LISTED = 100  # moved pairs listed by name in a Markdown report, one short line each


def render_markdown(d: CorpusDiff, stream: IO[str], old: str, new: str, max_bytes: int = 60_000,
                    rerun: str = "") -> None:
    """A report for a pull request comment or ``$GITHUB_STEP_SUMMARY``: a summary table, the replay-breaking
    files by name, then one collapsible section per test with its files' differences and answer diffs
    (recorded text only inside code blocks), stopping before ``max_bytes`` with how to see the rest."""
    c = d.counts()
    parts = [f"### recordings diff: `{_html(old)}` → `{_html(new)}`\n",
             "| changed | replay-breaking | noise only | added | removed | moved |",
             "|---|---|---|---|---|---|",
             f"| {c[CHANGED]} | {c['replay_breaking']} | {c[NOISE]} | {c[ADDED]} | {c[REMOVED]} | {c[MOVED]} |", ""]
    breaking = [f for f in d.files if f.breaks]
    if breaking:
        parts.append(f"**Replay-breaking ({len(breaking)})**\n")
        for f in breaking:
            parts.append(f"- `{_html(f.name)}`" + (f" ({_html(f.test)})" if f.test else "") + ": "
                         + "; ".join(_html(b) for b in f.breaks))
        parts.append("")
    moved = [f for f in d.files if f.moved]
    if moved:  # each pair on one line, so the pairing shows even when the sections are cut
        parts.append(f"**Moved ({len(moved)})**\n")
        for f in moved[:MOVED_LISTED]:
            parts.append(f"- `{_html(f.old or '')}` → `{_html(f.new or '')}`"
                         + (f": {_html(f.label)} ({_html(', '.join(f.what))})" if f.what else ""))
        if len(moved) > MOVED_LISTED:
            parts.append(f"- and {len(moved) - MOVED_LISTED} more")
        parts.append("")
    head = "\n".join(parts) + "\n"
    stream.write(head)
    used = len(head.encode("utf-8"))
    shown_files = 0
    shown = [f for f in d.files if f.status not in (UNCHANGED,)]
    # what a reviewer must read first: tests whose files break replay, then those with changes, then the
    # ones that only gained or lost files (each group keeps its order by test)
    sections = sorted(grouped(shown, "test"), key=lambda s: (not any(f.breaks for f in s[1]),
                                                              not any(f.status == CHANGED for f in s[1])))
    for test, files in sections:
        body = [f"<details><summary><code>{_html(test or '(no test)')}</code>: "
                + ", ".join(f"{n} {label}" for label, n in _labels(files)) + "</summary>\n"]
        for f in files:
            body.append(f"**`{_html(_where(f))}`**: {_html(f.label)}"
                        + (f" ({_html(', '.join(f.what))})" if f.what else ""))
            for b in f.breaks:
                body.append(f"- replay-breaking: {_html(b)}")
            if f.fields:
                body.append(f"- request fields: {_html(', '.join(f.fields))}")
            text = "\n".join([*f.detail, *f.answer])
            if text:
                fence = _fence(text)
                body.append(f"\n{fence}diff\n{text}\n{fence}")
            body.append("")
        body.append("</details>\n")
        section = "\n".join(body) + "\n"
        size = len(section.encode("utf-8"))
        if used + size > max_bytes:
            rest = sum(len(fs) for _t, fs in sections) - shown_files
            stream.write(f"{rest} more recording{'s' if rest != 1 else ''}: run `{rerun or 'recordings diff'}` "
                         "to see them all.\n")
            return
        stream.write(section)
        used += size
        shown_files += len(files)


def _labels(files: list[FileDiff]) -> list[tuple[str, int]]:
    from collections import Counter

    counts = Counter(f.label for f in files)
    return sorted(counts.items(), key=lambda kv: kv[0])
