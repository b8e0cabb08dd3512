"""Anthropic Messages API bodies: SSE streams and whole ``message`` objects."""

from __future__ import annotations

from typing import Any, Iterator

import orjson

from recordings.reassembly.accumulate import Delta, usage_from
from recordings.reassembly.sse import sse_events
from recordings.shapes import as_dict


def _s(v: Any) -> str | None:
    return v if isinstance(v, str) else None


def _block_start(n: int, index: int, block: dict[str, Any]) -> Iterator[Delta]:
    btype = block.get("type")
    if btype == "text" and _s(block.get("text")):
        yield Delta(n, "text", block["text"])
    elif btype == "thinking" and _s(block.get("thinking")):
        yield Delta(n, "reasoning", block["thinking"])
    elif btype in ("tool_use", "server_tool_use"):
        initial = block.get("input")
        # a streamed tool_use starts with an empty input and sends partial JSON;
        # a whole message carries the input object itself
        args = orjson.dumps(initial).decode() if isinstance(initial, dict) and initial else ""
        yield Delta(n, "tool", args, tool_index=index, tool_id=_s(block.get("id")), tool_name=_s(block.get("name")))


def stream_deltas(lines: list[Any]) -> Iterator[Delta]:
    """Deltas of an Anthropic SSE stream."""
    for n, event, data in sse_events(lines):
        if not isinstance(data, dict):
            continue
        etype = data.get("type") or event
        if etype == "message_start":
            msg = as_dict(data.get("message"))
            if _s(msg.get("model")):
                yield Delta(n, "model", msg["model"])
            if _s(msg.get("role")):
                yield Delta(n, "role", msg["role"])
            u = usage_from(msg.get("usage"))
            if u:
                yield Delta(n, "usage", u)
        elif etype == "content_block_start":
            block = data.get("content_block")
            if isinstance(block, dict):
                yield from _block_start(n, _index(data), block)
        elif etype == "content_block_delta":
            delta = as_dict(data.get("delta"))
            dtype = delta.get("type")
            if dtype == "text_delta" and _s(delta.get("text")):
                yield Delta(n, "text", delta["text"])
            elif dtype == "thinking_delta" and _s(delta.get("thinking")):
                yield Delta(n, "reasoning", delta["thinking"])
            elif dtype == "input_json_delta" and _s(delta.get("partial_json")) is not None:
                yield Delta(n, "tool", delta["partial_json"], tool_index=_index(data))
        elif etype == "message_delta":
            delta = as_dict(data.get("delta"))
            if _s(delta.get("stop_reason")):
                yield Delta(n, "finish", delta["stop_reason"])
            u = usage_from(data.get("usage"))
            if u:
                yield Delta(n, "usage", u)


def _index(data: dict[str, Any]) -> int:
    i = data.get("index")
    return i if isinstance(i, int) and not isinstance(i, bool) else 0


def message_deltas(body: dict[str, Any]) -> Iterator[Delta]:
    """A whole Anthropic ``message`` object as deltas."""
    if _s(body.get("model")):
        yield Delta(0, "model", body["model"])
    if _s(body.get("role")):
        yield Delta(0, "role", body["role"])
    content = body.get("content")
    for i, block in enumerate(content if isinstance(content, list) else ()):
        if isinstance(block, dict):
            yield from _block_start(0, i, block)
    if _s(body.get("stop_reason")):
        yield Delta(0, "finish", body["stop_reason"])
    u = usage_from(body.get("usage"))
    if u:
        yield Delta(0, "usage", u)
