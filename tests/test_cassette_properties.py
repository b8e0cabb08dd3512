"""Property tests: however a provider splits an answer into stream events, a cassette's interaction
reassembles into the same text (OpenAI chat, OpenAI Responses, Anthropic, Gemini; SSE and JSON arrays)."""

from __future__ import annotations

import gzip
import json

from hypothesis import given, settings
from hypothesis import strategies as st

from recordings.formats.vcr.adapter import exchange
from recordings.formats.vcr.cassette import decode_body, interactions
from recordings.protocols import reassemble

texts = st.text(min_size=1, max_size=80)


@st.composite
def split(draw):
    """A text and a split of it into non-empty pieces, in order."""
    text = draw(texts)
    cuts = sorted(draw(st.sets(st.integers(1, max(1, len(text) - 1)), max_size=12)))
    pieces = [text[a:b] for a, b in zip([0, *cuts], [*cuts, len(text)]) if text[a:b]]
    return text, pieces


def _sse(datas: list[dict], events: list[str] | None = None, done: bool = False, crlf: bool = False) -> str:
    nl = "\r\n" if crlf else "\n"
    out = []
    for i, d in enumerate(datas):
        if events:
            out.append(f"event: {events[i]}{nl}")
        out.append(f"data: {json.dumps(d)}{nl}{nl}")
    if done:
        out.append(f"data: [DONE]{nl}{nl}")
    return "".join(out)


def _answer(body: str | bytes, ctype: str, encoding: str | None = None) -> str:
    headers = {"content-type": [ctype]}
    if encoding:
        headers["content-encoding"] = [encoding]
    cassette = {"interactions": [{"request": {"method": "POST", "uri": "https://api.example.com/v1/x", "headers": {},
                                              "body": "{}"},
                                  "response": {"status": {"code": 200}, "headers": headers,
                                               "body": {"string": body}}}]}
    (it,) = interactions(cassette)
    return "".join(c.text for c in reassemble(exchange("c.yaml", it)).choices)


@given(split())
@settings(max_examples=60, deadline=None)
def test_openai_chat_sse(case):
    text, pieces = case
    datas = [{"object": "chat.completion.chunk", "choices": [{"index": 0, "delta": {"content": p}}]} for p in pieces]
    assert _answer(_sse(datas, done=True), "text/event-stream") == text


@given(split())
@settings(max_examples=60, deadline=None)
def test_anthropic_sse(case):
    text, pieces = case
    datas = [{"type": "message_start", "message": {"role": "assistant", "model": "m", "content": []}},
             {"type": "content_block_start", "index": 0, "content_block": {"type": "text", "text": ""}}]
    datas += [{"type": "content_block_delta", "index": 0, "delta": {"type": "text_delta", "text": p}} for p in pieces]
    datas += [{"type": "message_delta", "delta": {"stop_reason": "end_turn"}}, {"type": "message_stop"}]
    assert _answer(_sse(datas, [d["type"] for d in datas]), "text/event-stream") == text


@given(split(), st.booleans())
@settings(max_examples=60, deadline=None)
def test_gemini_sse_gzip_and_json_array(case, as_array):
    text, pieces = case
    chunks = [{"candidates": [{"content": {"parts": [{"text": p}], "role": "model"}, "index": 0}]} for p in pieces]
    chunks[-1]["candidates"][0]["finishReason"] = "STOP"
    if as_array:
        assert _answer(json.dumps(chunks), "application/json") == text
    else:
        body = gzip.compress(_sse(chunks, crlf=True).encode(), mtime=0)
        assert _answer(body, "text/event-stream", "gzip") == text


@given(split())
@settings(max_examples=60, deadline=None)
def test_openai_responses_sse(case):
    text, pieces = case
    datas = [{"type": "response.created", "response": {"model": "m"}}]
    datas += [{"type": "response.output_text.delta", "delta": p, "output_index": 0} for p in pieces]
    datas += [{"type": "response.completed", "response": {"status": "completed"}}]
    assert _answer(_sse(datas, [d["type"] for d in datas]), "text/event-stream") == text


@given(st.binary(max_size=200))
def test_bodies_never_raise(data):
    for encoding in (None, "gzip", "deflate", "br", "zstd", "weird"):
        decode_body({"string": data}, {"Content-Encoding": encoding} if encoding else {})
