"""The pure-Python dumper's scalar analysis by regular expressions equals PyYAML's own on any text, so a
scrub's dump of a cassette in that emitter's style is byte for byte PyYAML's."""

from __future__ import annotations

import io

import yaml
from hypothesis import example, given, settings, strategies as st

from recordings.formats.vcr.yamlstyle import analyze, python_dumper

# the characters the analysis treats apart, mixed with any others
SPECIAL = list("\0 \t\r\n\x85\u2028\u2029#,[]{}&*!|>'\"%@`?:-.\ufeff\xa0\ud7ff\ud800\ue000\ufffd\ufffe") + [
    "\U00010000", "\U0010fffe", "\U0010ffff", "\x7e", "\x7f", "\x1f", "---", "...", ": ", " #"]
TEXT = st.lists(st.one_of(st.sampled_from(SPECIAL), st.characters(), st.text(max_size=3)), max_size=12).map("".join)


def pyyaml(scalar: str, allow_unicode: bool) -> tuple:
    a = yaml.emitter.Emitter(io.StringIO(), allow_unicode=allow_unicode).analyze_scalar(scalar)
    return (a.empty, a.multiline, a.allow_flow_plain, a.allow_block_plain, a.allow_single_quoted,
            a.allow_double_quoted, a.allow_block)


@settings(max_examples=3000)
@given(TEXT, st.booleans())
@example("", False)
@example("- a", True)
@example("a #b", True)
@example("a:", False)
@example("x\n y", True)
@example("x \ny", True)
@example("\ufeff", True)
@example("\U0010ffff", True)
def test_the_analysis_is_pyyamls(scalar, allow_unicode):
    assert analyze(scalar, allow_unicode) == pyyaml(scalar, allow_unicode)


@settings(max_examples=300)
@given(st.dictionaries(TEXT, st.one_of(TEXT, st.lists(TEXT, max_size=3)), max_size=4),
       st.sampled_from([None, 1000, 2**31 - 1]), st.booleans())
def test_a_dump_is_pyyamls_byte_for_byte(doc, width, allow_unicode):
    assert yaml.dump(doc, Dumper=python_dumper(), width=width, allow_unicode=allow_unicode) == \
        yaml.dump(doc, Dumper=yaml.Dumper, width=width, allow_unicode=allow_unicode)


LONG = st.lists(st.one_of(st.sampled_from(SPECIAL + ["word", "a", "  ", "\n\n", "''", '"', "\\"]),
                          st.characters()), max_size=60).map("".join)


def _emitters(width: int, column: int, indent: int, allow_unicode: bool):
    out = []
    for cls in (yaml.Dumper, python_dumper()):
        stream = io.StringIO()
        e = cls(stream, width=width, allow_unicode=allow_unicode)
        e.column, e.indent, e.whitespace, e.indention = column, indent, False, False
        out.append((e, stream))
    return out


def _state(e, stream):
    return stream.getvalue(), e.column, e.line, e.whitespace, e.indention


@settings(max_examples=3000)
@given(LONG, st.integers(3, 40), st.integers(0, 30), st.integers(0, 8), st.booleans(), st.booleans())
@example("a b", 3, 2, 0, False, True)
@example("x\n\ny z", 3, 0, 0, True, True)
@example("\t ", 3, 10, 2, False, True)
def test_the_writers_are_pyyamls(text, width, column, indent, allow_unicode, split):
    for method in ("write_single_quoted", "write_double_quoted"):
        (a, sa), (b, sb) = _emitters(width, column, indent, allow_unicode)
        getattr(a, method)(text, split)
        getattr(b, method)(text, split)
        assert _state(b, sb) == _state(a, sa), method


@settings(max_examples=300)
@given(st.dictionaries(LONG, st.one_of(LONG, st.lists(LONG, max_size=3)), max_size=4),
       st.sampled_from([None, 10, 30, 1000]), st.booleans(), st.sampled_from([None, "'", '"']))
def test_a_dump_in_every_style_is_pyyamls(doc, width, allow_unicode, style):
    kwargs = {"width": width, "allow_unicode": allow_unicode, "default_style": style}
    assert yaml.dump(doc, Dumper=python_dumper(), **kwargs) == yaml.dump(doc, Dumper=yaml.Dumper, **kwargs)
