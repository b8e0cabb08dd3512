"""PyYAML's pure-Python dumper, with its per-character scalar code done by regular expressions.

Cassettes written where PyYAML had no libyaml are in the pure-Python emitter's style, and a scrub proves
it can rewrite one by dumping it unchanged and comparing bytes. Most of that dump's time goes to three
methods of ``Emitter`` that walk each scalar character by character in Python (a response body is one
scalar of many kilobytes): ``analyze_scalar``, ``write_single_quoted`` and ``write_double_quoted``.
Here :func:`analyze` computes the same flags with a few searches, and the two writers visit only the
characters where something can happen (spaces, line breaks, quotes, escapes). The emitter is otherwise
PyYAML's own, so the bytes it writes are the same: property tests compare each with PyYAML's on arbitrary
text and widths, and any difference would only make a file's dump differ from its bytes, so the file
would be refused, never rewritten in another style.
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Any

_WS = "\0 \t\r\n\x85\u2028\u2029"
_BR = "\n\x85\u2028\u2029"
_FIRST_BOTH = "#,[]{}&*!|>'\"%@`"  # a leading character that is a flow and a block indicator
_FLOW_INSIDE = re.compile(r"[,?\[\]{}:]")
_BLOCK_COLON = re.compile("[:](?:[" + _WS + r"]|\Z)")  # ': ' or a final ':'
_COMMENT = re.compile("[" + _WS + "]#")
_BREAK = re.compile("[" + _BR + "]")
_BREAK_SPACE = re.compile("[" + _BR + "] ")
_SPACE_BREAK = re.compile(" [" + _BR + "]")
_SPECIAL_ASCII = re.compile("[^\n\x20-\x7e]")
# what PyYAML writes as is with allow_unicode: NEL, U+00A0..U+D7FF, U+E000..U+FFFD but the BOM, and
# U+10000..U+10FFFE (its test is ``< '\U0010ffff'``)
_SPECIAL_UNICODE = re.compile("[^\n\x20-\x7e\x85\xa0-\ud7ff\ue000-\ufefe\uff00-\ufffd\U00010000-\U0010fffe]")


def analyze(scalar: str, allow_unicode: bool) -> tuple[bool, bool, bool, bool, bool, bool, bool]:
    """(empty, multiline, allow_flow_plain, allow_block_plain, allow_single_quoted, allow_double_quoted,
    allow_block), exactly as PyYAML's ``Emitter.analyze_scalar`` decides them."""
    if not scalar:
        return True, False, False, True, True, True, False
    block_indicators = flow_indicators = scalar.startswith(("---", "..."))
    first = scalar[0]
    followed = len(scalar) == 1 or scalar[1] in _WS
    if first in _FIRST_BOTH:
        flow_indicators = block_indicators = True
    if first in "?:":
        flow_indicators = True
        if followed:
            block_indicators = True
    if first == "-" and followed:
        flow_indicators = block_indicators = True
    if _FLOW_INSIDE.search(scalar, 1):
        flow_indicators = True
    if _BLOCK_COLON.search(scalar, 1):
        block_indicators = True
    if _COMMENT.search(scalar):  # a '#' after whitespace starts a comment
        flow_indicators = block_indicators = True
    line_breaks = _BREAK.search(scalar) is not None
    special = (_SPECIAL_UNICODE if allow_unicode else _SPECIAL_ASCII).search(scalar) is not None
    leading = first == " " or first in _BR
    trailing = scalar[-1] == " " or scalar[-1] in _BR
    trailing_space = scalar[-1] == " "
    break_space = _BREAK_SPACE.search(scalar) is not None
    space_break = _SPACE_BREAK.search(scalar) is not None

    flow_plain = block_plain = single = block = True
    if leading or trailing:
        flow_plain = block_plain = False
    if trailing_space:
        block = False
    if break_space:
        flow_plain = block_plain = single = False
    if space_break or special:
        flow_plain = block_plain = single = block = False
    if line_breaks:
        flow_plain = block_plain = False
    if flow_indicators:
        flow_plain = False
    if block_indicators:
        block_plain = False
    return False, line_breaks, flow_plain, block_plain, single, True, block


_SINGLE_TOKENS = re.compile("( +)|([" + _BR + "]+)|(')|([^ '" + _BR + "]+)")
_ESCAPED_ASCII = re.compile(r'[^\x20-\x7e]|["\\]')
_ESCAPED_UNICODE = re.compile('[^\x20-\x7e\xa0-\ud7ff\ue000-\ufffd]|["\\\\\x85\u2028\u2029\ufeff]')


def _write(emitter: Any, data: str) -> None:
    emitter.column += len(data)
    emitter.stream.write(data.encode(emitter.encoding) if emitter.encoding else data)


def write_single_quoted(emitter: Any, text: str, split: bool = True) -> None:
    """``Emitter.write_single_quoted``, one step per run of spaces, breaks or other characters."""
    emitter.write_indicator("'", True)
    n = len(text)
    for m in _SINGLE_TOKENS.finditer(text):
        start, end = m.span()
        spaces, breaks, quote, other = m.groups()
        if spaces is not None:
            if end - start == 1 and emitter.column > emitter.best_width and split and start != 0 and end != n:
                emitter.write_indent()  # a single space where the line is full: the line is folded there
            else:
                _write(emitter, spaces)
        elif breaks is not None:
            if breaks[0] == "\n":
                emitter.write_line_break()
            for br in breaks:
                emitter.write_line_break(None if br == "\n" else br)
            emitter.write_indent()
        elif quote is not None:
            _write(emitter, "''")
        else:
            _write(emitter, other)
    emitter.write_indicator("'", False)


def _escape(emitter: Any, ch: str) -> str:
    known = emitter.ESCAPE_REPLACEMENTS.get(ch)
    if known is not None:
        return "\\" + known
    if ch <= "\xff":
        return "\\x%02X" % ord(ch)
    if ch <= "\uffff":
        return "\\u%04X" % ord(ch)
    return "\\U%08X" % ord(ch)


def write_double_quoted(emitter: Any, text: str, split: bool = True) -> None:
    """``Emitter.write_double_quoted``, visiting only where it may write: an escaped character, the one after
    it, and a space (where a long line folds)."""
    emitter.write_indicator('"', True)
    n = len(text)
    escaped = _ESCAPED_UNICODE if emitter.allow_unicode else _ESCAPED_ASCII
    start = 0

    def fold_at(end: int, ch: str) -> None:
        nonlocal start
        if 0 < end < n - 1 and (ch == " " or start >= end) and emitter.column + (end - start) > \
                emitter.best_width and split:
            data = text[start:end] + "\\"
            if start < end:
                start = end
            _write(emitter, data)
            emitter.write_indent()
            emitter.whitespace = False
            emitter.indention = False
            if text[start] == " ":
                _write(emitter, "\\")

    pos = 0
    while True:
        space = text.find(" ", pos)
        m = escaped.search(text, pos)
        e = m.start() if m is not None else -1
        if space == -1 and e == -1:
            break
        if e != -1 and (space == -1 or e < space):
            if start < e:
                _write(emitter, text[start:e])
            _write(emitter, _escape(emitter, text[e]))
            start = e + 1
            fold_at(e, text[e])
            nxt = e + 1  # right after an escape a fold may come, whatever the character
            if nxt < n and text[nxt] != " " and not escaped.match(text, nxt):
                fold_at(nxt, text[nxt])
            pos = e + 1
        else:
            fold_at(space, " ")
            pos = space + 1
    if start < n:
        _write(emitter, text[start:])
    emitter.write_indicator('"', False)


@lru_cache(maxsize=1)
def python_dumper() -> Any:
    """``yaml.Dumper`` (PyYAML's pure-Python emitter) with :func:`analyze` as its scalar analysis."""
    import yaml
    from yaml.emitter import ScalarAnalysis

    class Dumper(yaml.Dumper):
        def analyze_scalar(self, scalar: str) -> Any:
            empty, multiline, flow_plain, block_plain, single, double, block = analyze(scalar, bool(self.allow_unicode))
            return ScalarAnalysis(scalar=scalar, empty=empty, multiline=multiline, allow_flow_plain=flow_plain,
                                  allow_block_plain=block_plain, allow_single_quoted=single,
                                  allow_double_quoted=double, allow_block=block)

        write_single_quoted = write_single_quoted
        write_double_quoted = write_double_quoted

    return Dumper
