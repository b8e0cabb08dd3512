"""Property tests: reassembly of any split, byte-exact canonical JSON."""

from __future__ import annotations

import json

import orjson
import pytest

from hypothesis import given, settings
from hypothesis import strategies as st

from recordings.jsonbytes import canonical_bytes, is_canonical
from recordings.formats.llamastack import LLAMA_STACK
from recordings.protocols import reassemble
from tests.conftest import ogx_exchange

CHUNK = "openai.types.chat.chat_completion_chunk.ChatCompletionChunk"


def splits(text: str):
    """A strategy for any split of ``text`` into consecutive pieces."""
    return st.lists(st.integers(min_value=0, max_value=len(text)), max_size=12).map(
        lambda cuts: [text[a:b] for a, b in zip([0, *sorted(cuts)], [*sorted(cuts), len(text)])]
    )


def _chunk(delta: dict, finish=None) -> dict:
    return {"__type__": CHUNK, "__data__": {"id": "rec-x", "object": "chat.completion.chunk", "created": 0,
            "model": "m", "choices": [{"index": 0, "delta": delta, "finish_reason": finish}]}}


@st.composite
def answers_and_streams(draw):
    text = draw(st.text(max_size=60))
    args_obj = draw(st.dictionaries(st.text(max_size=8), st.one_of(st.integers(), st.text(max_size=10)), max_size=4))
    args = json.dumps(args_obj)
    text_pieces = draw(splits(text))
    arg_pieces = draw(splits(args))
    chunks = [_chunk({"role": "assistant", "content": ""})]
    chunks += [_chunk({"content": p}) for p in text_pieces]
    chunks.append(_chunk({"tool_calls": [{"index": 0, "id": "call_1", "type": "function",
                                           "function": {"name": "f", "arguments": ""}}]}))
    chunks += [_chunk({"tool_calls": [{"index": 0, "function": {"arguments": p}}]}) for p in arg_pieces]
    chunks.append(_chunk({}, finish="tool_calls"))
    return text, args, chunks


@given(answers_and_streams())
@settings(max_examples=150, deadline=None)
def test_any_split_of_text_and_tool_arguments_reassembles_exactly(case):
    text, args, chunks = case
    a = reassemble(ogx_exchange({"body": chunks, "is_streaming": True}))
    c = a.choices[0]
    assert c.text == text
    assert len(c.tool_calls) == 1 and c.tool_calls[0].arguments == args
    assert c.finish_reason == "tool_calls"


@given(st.text(max_size=40), st.text(max_size=40), st.data())
@settings(max_examples=100, deadline=None)
def test_any_split_of_an_anthropic_stream_reassembles_exactly(text, partial_json, data):
    lines = ['event: message_start', 'data: {"type":"message_start","message":{"role":"assistant","model":"m"}}', ""]
    lines += ["event: content_block_start",
              'data: {"type":"content_block_start","index":0,"content_block":{"type":"text","text":""}}', ""]
    for p in data.draw(splits(text)):
        lines += ["event: content_block_delta", "data: " + json.dumps(
            {"type": "content_block_delta", "index": 0, "delta": {"type": "text_delta", "text": p}}), ""]
    lines += ["event: content_block_start", 'data: {"type":"content_block_start","index":1,"content_block":'
              '{"type":"tool_use","id":"t1","name":"f","input":{}}}', ""]
    for p in data.draw(splits(partial_json)):
        lines += ["event: content_block_delta", "data: " + json.dumps(
            {"type": "content_block_delta", "index": 1, "delta": {"type": "input_json_delta", "partial_json": p}}), ""]
    a = reassemble(ogx_exchange({"body": lines, "is_streaming": True}))
    assert a.text == text
    assert a.choices[0].tool_calls[0].arguments == partial_json


json_values = st.recursive(
    st.none() | st.booleans() | st.integers(min_value=-(2**63), max_value=2**63 - 1)
    | st.floats(allow_nan=False, allow_infinity=False) | st.text(),
    lambda children: st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=6), children, max_size=4),
    max_leaves=25,
)


@given(st.dictionaries(st.text(max_size=6), json_values, max_size=5))
@settings(max_examples=300, deadline=None)
def test_canonical_bytes_equal_json_dumps_indent_2(obj):
    assert canonical_bytes(obj) == (json.dumps(obj, indent=2) + "\n").encode("ascii")


@given(st.dictionaries(st.text(max_size=6), json_values, max_size=5), st.sampled_from(["json", "orjson", "edited"]))
@settings(max_examples=400, deadline=None)
def test_is_canonical_agrees_with_the_canonical_bytes(obj, spelling):
    """The fast check says yes exactly when the bytes equal json.dumps(indent=2) + newline: for canonical
    bytes, for orjson's rendering (which spells small floats and non-ASCII differently) and for an edit."""
    want = (json.dumps(obj, indent=2) + "\n").encode("ascii")
    if spelling == "json":
        raw = want
    elif spelling == "orjson":
        raw = orjson.dumps(obj, option=orjson.OPT_INDENT_2) + b"\n"
    else:
        raw = want.replace(b": ", b":", 1) if b": " in want else want[:-1]
    doc = orjson.loads(raw)
    assert is_canonical(raw, doc) == (raw == canonical_bytes(doc))


@pytest.mark.parametrize("value", [1e-05, 1.5e-07, 2.5e-05, 1e-10, 5e-324, 1e16, 0.0001, -3.2e-06, 1e-4 - 1e-12])
@pytest.mark.parametrize("text", ["plain", "caf\u00e9", "del\x7f", "1970-01-01T00:00:00.000000Z"])
def test_is_canonical_on_the_spellings_that_differ(value, text):
    obj = {"x": value, "s": text, "l": [value, {"y": -value}]}
    canonical = (json.dumps(obj, indent=2) + "\n").encode("ascii")
    rendered = orjson.dumps(obj, option=orjson.OPT_INDENT_2) + b"\n"
    assert is_canonical(canonical, orjson.loads(canonical))
    assert is_canonical(rendered, orjson.loads(rendered)) == (rendered == canonical)


@given(st.dictionaries(st.text(max_size=6), json_values, max_size=5), st.booleans())
@settings(max_examples=300, deadline=None)
def test_the_shared_byte_pass_sees_the_float_spellings_the_regexes_see(obj, python_spelling):
    """The bytes rule learns "a float orjson and Python spell differently may be here" from the pass it
    shares with the secrets rule; that answer equals the standard library's own search."""
    from recordings.jsonbytes import has_float_spellings
    from recordings.rules import bytescan
    import recordings.formats.llamastack.rules.bytes  # noqa: F401  (registers the float spellings)

    if not bytescan.available():
        pytest.skip("google-re2 is not installed here")
    raw = ((json.dumps(obj, indent=2) + "\n").encode("ascii") if python_spelling
           else orjson.dumps(obj, option=orjson.OPT_INDENT_2) + b"\n")
    assert bool(bytescan.scan(raw)["float-spellings"]) == has_float_spellings(raw)
    import re

    from recordings.jsonbytes import FLOAT_SPELLINGS
    assert has_float_spellings(raw) == any(re.compile(p).search(raw) for p in FLOAT_SPELLINGS)  # without RE2


@given(st.lists(st.tuples(st.sampled_from(["rec-0123456789ab", "chatcmpl-9", None]), st.sampled_from([0, 0, 7, None]),
                          st.booleans()), min_size=1, max_size=6), st.booleans())
@settings(max_examples=200, deadline=None)
def test_the_normalized_rule_reads_the_shared_chat_pass_as_the_whole_walk_would(chunks, mapping):
    """The normalized rule skips its own walk when the chat pass shows nothing to normalize; its findings
    are those of the walk either way."""
    import recordings.rules  # noqa: F401  (the registry first: rule modules are imported through it)
    from recordings.formats.llamastack.rules import normalized
    from recordings.model import Kind, Recording
    from recordings.rules.types import FileContext

    body = []
    for chunk_id, created, ollama in chunks:
        data = {"choices": [{"index": 0, "delta": {"content": "x"}, "finish_reason": None}]}
        if chunk_id is not None:
            data["id"] = chunk_id
        if created is not None:
            data["created"] = created
        if ollama:
            data["created_at"] = "2025-01-01T00:00:00Z"
        body.append({"__type__": CHUNK, "__data__": data})
    doc = {"request": {}, "response": {"body": body, "is_streaming": True},
           "id_normalization_mapping": {"rec-0123456789ab": "chatcmpl-9"} if mapping else {}}
    path = "recordings/0123456789ab" + "0" * 52 + ".json"
    rec = Recording("0123456789ab", path, ".", None, None, Kind.INFERENCE, "POST", "/v1/chat/completions", None, None,
                    None, True, len(body), None, None, 0, CHUNK)
    with_pass = [f.message for f in normalized.check(FileContext(path, b"", doc, rec, LLAMA_STACK))]
    walk_only = FileContext(path, b"", doc, rec, LLAMA_STACK)  # read as if it were no chat stream: the whole walk decides
    real = normalized.chat_stream_of
    try:
        normalized.chat_stream_of = lambda ctx: None
        walked = [f.message for f in normalized.check(walk_only)]
    finally:
        normalized.chat_stream_of = real
    assert with_pass == walked


def test_a_recording_read_back_from_its_state_equals_it():
    """The cache and the worker pool send a recording as its state; reading it back (slots filled
    directly) gives an equal recording, field for field, for every recording of the sample corpus."""
    from recordings.discovery import discover
    from recordings.loader import scan
    from recordings.model import Problem, recording_from_state

    from tests.conftest import SAMPLE

    recordings = [r for r in scan(discover([str(SAMPLE)]).files) if not isinstance(r, Problem)]
    assert len(recordings) >= 17
    for r in recordings:
        back = recording_from_state(r.path, r.state())
        assert back == r and hash(back) == hash(r) and repr(back) == repr(r)
        assert back.to_dict() == r.to_dict() and back.flags == r.flags and back.short_id == r.short_id


@given(st.lists(st.sampled_from(["chunk", "chunk", "chunk", "no-type", "int-type", "list-data", "plain", "sse", 7]),
                min_size=1, max_size=6))
@settings(max_examples=200, deadline=None)
def test_the_schema_rule_reads_the_shared_chat_pass_as_its_own_walk_would(items):
    import recordings.rules  # noqa: F401  (the registry first: rule modules are imported through it)
    from recordings.formats.llamastack.rules import schema
    from recordings.model import Kind, Recording
    from recordings.rules.types import FileContext

    made = {"chunk": {"__type__": CHUNK, "__data__": {"id": "x", "choices": []}},
            "no-type": {"__data__": {"id": "x"}}, "int-type": {"__type__": 3, "__data__": {}},
            "list-data": {"__type__": CHUNK, "__data__": []}, "plain": {"a": 1}, "sse": "data: {}", 7: 7}
    body = [made[i] for i in items]
    doc = {"request": {"method": "POST", "url": "u", "body": {}, "endpoint": "/v1/chat/completions"},
           "response": {"body": body, "is_streaming": True}}
    rec = Recording("r", "recordings/r.json", ".", None, None, Kind.INFERENCE, "POST", "/v1/chat/completions", "u",
                    None, None, True, len(body), None, None, 0, CHUNK)
    with_pass = [f.message for f in schema.check(FileContext("recordings/r.json", b"", doc, rec, LLAMA_STACK))]
    real = schema.chat_stream_of
    try:
        schema.chat_stream_of = lambda ctx: None
        walked = [f.message for f in schema.check(FileContext("recordings/r.json", b"", doc, rec, LLAMA_STACK))]
    finally:
        schema.chat_stream_of = real
    assert with_pass == walked


@settings(max_examples=2000)
@given(st.lists(st.one_of(st.sampled_from(["0.12345", "-3.14159265", "1.2345", ".1234", "7.", "12.123", "score: 0.5",
                                           "document_id: ", ". ", "-", "9"]), st.text(max_size=4)),
                max_size=10).map("".join))
def test_a_request_string_is_normalized_as_the_recorder_does(text):
    """The hash's string normalization skips its decimal rewriting only where no match could be found."""
    from recordings.formats.llamastack import hashing

    expected = text
    for pattern, repl in ((hashing._SCORE, "score: __NORMALIZED__"), (hashing._ATTRIBUTES, ""),
                          (hashing._DOCUMENT_ID, "document_id: __NORMALIZED__"),
                          (hashing._CITATION, "<|__NORMALIZED__|>")):
        expected = pattern.sub(repl, expected)
    expected = hashing._FLOAT_IN_STRING.sub(lambda m: f"{float(m.group(0)):.5f}", expected)
    assert hashing.normalize_string(text) == expected


@settings(max_examples=1000)
@given(st.lists(st.one_of(st.sampled_from([b"1" * 19, b"9" * 20, b"0", b"12345678901234567890123", b'"', b" ", b"a"]),
                          st.binary(max_size=6)), max_size=12).map(b"".join))
def test_a_big_integer_is_seen_where_a_regex_sees_twenty_digits(raw):
    import re

    from recordings.files import has_big_integer

    assert has_big_integer(raw) == (re.search(rb"[0-9]{20}", raw) is not None)
