"""One pass over a file's bytes, shared by the rules that look for text in them.

A rule registers what it looks for (:func:`register`: a name, regex patterns, and what to read
instead when RE2 is missing). :func:`scan` runs one RE2 automaton of every registered pattern over
some bytes, a linear pass that does not slow down with the number of patterns, and gives each name
the distinct lines its patterns matched, in order. :func:`scan_file` does it once per file and rule
context, so the ``secrets`` rule (where a credential may be) and the ``bytes`` rule (whether a float
is spelled the way orjson and Python disagree on) read the file's bytes once between them.

Without RE2 (no wheel for the machine), each name gets its own fallback's answer: the same lines or
more, so the rules find the same things, slower.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Callable

from recordings.rules.types import FileContext


@dataclass(frozen=True)
class Group:
    name: str
    patterns: tuple[bytes, ...]  # RE2 syntax; a match never spans a line
    fallback: Callable[[bytes], bytes]  # the lines to read without RE2 (a superset of the matched lines)


_GROUPS: dict[str, Group] = {}
_AUTOMATON: list[Any] = []  # [compiled automaton, group names in capture order], built on first use


def register(name: str, patterns: tuple[bytes, ...], fallback: Callable[[bytes], bytes]) -> None:
    _GROUPS[name] = Group(name, patterns, fallback)
    _AUTOMATON.clear()


def _automaton() -> tuple[Any, list[str]] | None:
    if not _AUTOMATON:
        try:
            import re2
        except ImportError:
            _AUTOMATON.extend([None, []])
        else:
            options = re2.Options()
            options.max_mem = 64 << 20  # room for the whole automaton: it never falls back to a slower engine
            names = list(_GROUPS)
            pattern = b"|".join(b"(" + b"|".join(b"(?:" + p + b")" for p in _GROUPS[n].patterns) + b")"
                                for n in names)
            _AUTOMATON.extend([re2.compile(pattern, options), names])
    if _AUTOMATON[0] is None:
        return None
    return _AUTOMATON[0], _AUTOMATON[1]


def available() -> bool:
    """Whether the one-pass automaton (RE2) is there."""
    return _automaton() is not None


def scan(blob: bytes) -> dict[str, bytes]:
    """For each registered name, the distinct lines of ``blob`` its patterns match (joined with newlines,
    in order), from one pass; without RE2, each name's fallback."""
    built = _automaton()
    if built is None:
        return {name: group.fallback(blob) for name, group in _GROUPS.items()}
    automaton, names = built
    found: dict[str, dict[bytes, None]] = {name: {} for name in names}
    line, line_end = b"", -1
    taken: set[str] = set()  # the names whose lines already hold the current line
    for m in automaton.finditer(blob):
        start = m.start()
        name = names[next(i for i, g in enumerate(m.groups()) if g is not None)]
        if start >= line_end:  # a match on a new line (a match never spans one)
            taken = set()
            line_end = blob.find(b"\n", m.end())
            if line_end == -1:
                line_end = len(blob)
            line = blob[blob.rfind(b"\n", 0, start) + 1:line_end]
        elif name in taken:
            continue
        taken.add(name)
        found[name][line] = None
    return {name: b"\n".join(lines) for name, lines in found.items()}


def scan_file(ctx: FileContext) -> dict[str, bytes]:
    """:func:`scan` of the file's bytes, once per rule context."""
    result: dict[str, bytes] = ctx.cached("bytescan", lambda: scan(ctx.raw))
    return result
