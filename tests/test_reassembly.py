"""Reassembly of every body kind into the final answer."""

from __future__ import annotations

import json

import orjson

from recordings.loader import load
from recordings.model import ToolCall, Usage
from recordings.protocols import reassemble, timeline
from tests.conftest import SHARED, needs_shared, sample_file, shared_file


def answer(prefix: str):
    return reassemble(load(str(sample_file(prefix))))


def test_chat_stream_with_reasoning_and_two_fragmented_tool_calls():
    a = answer("b77e97369d3f")
    c = a.choices[0]
    assert c.role == "assistant"
    assert c.reasoning == "The user wants weather for two cities; call the tool twice."
    assert c.text == ""
    assert c.tool_calls == (
        ToolCall(0, "call_paris01", "get_weather", '{"city": "Paris"}'),
        ToolCall(1, "call_tokyo02", "get_weather", '{"city": "Tokyo"}'),
    )
    assert c.finish_reason == "tool_calls"
    assert a.usage == Usage(88, 41, 129)


def test_chat_stream_text_is_concatenated_exactly():
    a = answer("cfe08c6d0c8f")
    assert a.text == "Status: [red]all good[/red] :smile:\n\n**done**"
    assert a.choices[0].finish_reason == "stop"


def test_non_streaming_chat_and_completion():
    assert answer("07d2973bd4a4").text == "Paris"
    c = answer("e8791d493902")
    assert c.form == "completion" and c.text == " 1963, in Brooklyn, New York."
    assert c.usage == Usage(7, 10, 17)


def test_streamed_completion():
    a = answer("99d0d0b12e00")
    assert a.text == " blue,\nsugar is sweet"
    assert a.choices[0].finish_reason == "length"


def test_anthropic_sse_text_thinking_and_tool_use():
    a = answer("bcbdbc2136eb")
    c = a.choices[0]
    assert (c.reasoning, c.text) == ("Need the price tool.", "Let me check that.")
    assert c.tool_calls == (ToolCall(2, "toolu_sample01", "get_price", '{"ticker": "ACME"}'),)
    assert c.finish_reason == "tool_use"
    assert a.usage == Usage(40, 22, 62)


def test_gemini_stream_and_whole():
    s = answer("9c8994cf021f")
    assert s.text == "Hello there! How can I help?\n" and s.choices[0].finish_reason == "STOP"
    assert s.usage == Usage(2, 9, 11)
    assert answer("43e6f6fd1979").text == "A FastAPI app backed by SQLite."


def test_gemini_interactions_stream():
    a = answer("98a667ce4783")
    assert a.text == "1, 2, 3, 4, 5" and a.choices[0].finish_reason == "completed"
    assert a.usage == Usage(9, 11, 20)


def test_embeddings_models_tools_files():
    assert answer("dc79f95c4e23").embeddings == (3, 8)
    assert answer("models-64a2277c90f0").model_ids == ("gpt-4o", "gpt-4o-mini", "text-embedding-3-small")
    tool = answer("4c481af3c930")
    assert tool.form == "tool-result" and json.loads(tool.content)["top_k"][0]["title"] == "Download Python"
    f = answer("3f1c0e5a9b7d")
    assert f.content == "Llama Stack Overview\n\u25cf Unified API layer\n\nPlugin architecture for providers."
    assert f.notes == ("2 chunks",)


def test_exception_and_stream_cut_short():
    e = answer("4261c579f5f0")
    assert e.form == "error" and e.error.type == "BadRequestError" and e.error.status == 400
    cut = answer("a125969ad20b")
    assert cut.text == "Once upon a time"
    assert cut.error.type == "APIConnectionError"
    assert cut.error.message == "Connection reset by peer while reading the stream"
    assert cut.notes == ("the stream was cut short by an exception: the answer is partial",)


def test_timeline_lists_each_fragment_in_order():
    deltas = timeline(load(str(sample_file("b77e97369d3f"))))
    tool_frags = [(d.chunk, d.tool_index, d.value) for d in deltas if d.field == "tool"]
    assert tool_frags == [(5, 0, ""), (6, 0, '{"ci'), (7, 0, 'ty": "Pa'), (8, 0, 'ris"}'),
                          (9, 1, '{"city"'), (10, 1, ': "Tokyo"}')]
    assert [d.value for d in deltas if d.field == "model"] == ["gpt-oss:20b"]  # repeats dropped


@needs_shared
def test_shared_sample_answers():
    a = reassemble(load(str(shared_file("f22657bfd86d"))))  # Anthropic SSE with thinking
    assert a.text == "1, 2, 3, 4, 5" and a.choices[0].finish_reason == "end_turn"
    assert a.choices[0].reasoning.startswith("We need to count from 1 to 5")
    g = reassemble(load(str(shared_file("055dbe4b29a0"))))
    assert g.text == "Hello there! How can I help you today?\n"
    t = reassemble(load(str(shared_file("8302d9bb248b"))))
    assert t.choices[0].tool_calls[0].name == "get_user_id"
    assert json.loads(t.choices[0].tool_calls[0].arguments) == {"username": "alice"}
    i = reassemble(load(str(shared_file("2cb6caa89a82"))))
    assert i.text == "1, 2, 3, 4, 5"
    err = reassemble(load(str(shared_file("1dae2686d8b4"))))
    assert err.form == "error" and err.status == 400 and err.error.type == "invalid_request"
    m = reassemble(load(str(shared_file("models-64a2277c90f0"))))
    assert len(m.model_ids) == 128 and m.model_ids[0] == "gpt-4-0613"
    assert reassemble(load(str(shared_file("44a892380e52")))).embeddings == (1, 1536)


def _independent_chat_text(body):
    """A second, deliberately naive reading of chat chunks: content per choice index."""
    out = {}
    for item in body:
        for ch in item["__data__"].get("choices") or []:
            piece = (ch.get("delta") or {}).get("content")
            if piece:
                out[ch["index"]] = out.get(ch["index"], "") + piece
    return out


@needs_shared
def test_every_shared_stream_matches_its_chunks():
    checked = 0
    for path in sorted(SHARED.rglob("*.json")):
        loaded = load(str(path))
        if not loaded.recording.streaming:
            continue
        a = reassemble(loaded)
        body = loaded.doc["response"]["body"]
        if a.form == "chat":
            expected = _independent_chat_text(body)
            assert {c.index: c.text for c in a.choices if c.text} == expected, path.name
            for c in a.choices:
                for call in c.tool_calls:
                    json.loads(call.arguments)  # complete JSON arguments
        elif a.form == "completion":
            text = "".join(ch["text"] for item in body for ch in item["__data__"]["choices"] if ch.get("text"))
            assert a.text == text, path.name
        elif a.form == "gemini":
            text = "".join(p.get("text", "") for item in body for c in item["candidates"]
                           for p in c["content"]["parts"])
            assert a.text == text, path.name
        elif a.form in ("anthropic", "interactions"):
            datas = [orjson.loads(line[5:]) for line in body if line.startswith("data: {")]
            if a.form == "anthropic":
                text = "".join(d["delta"].get("text", "") for d in datas if d.get("type") == "content_block_delta")
            else:
                text = "".join(d["delta"].get("text", "") for d in datas if d.get("event_type") == "content.delta")
            assert a.text == text, path.name
        else:
            raise AssertionError(f"unexpected stream form {a.form} in {path.name}")
        checked += 1
    assert checked == 22
