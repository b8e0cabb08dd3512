"""Anthropic Messages API bodies: SSE streams and whole ``message`` objects."""

from __future__ import annotations

from typing import Any, Iterable, Iterator

import orjson

from recordings.protocols.accumulate import Delta, facts, typed_events, usage_from
from recordings.model import Event
from recordings.shapes import as_dict


def _s(v: Any) -> str | None:
    return v if isinstance(v, str) else None


def _block_start(n: int, index: int, block: dict[str, Any], whole: bool = False) -> Iterator[Delta]:
    btype = block.get("type")
    if btype == "text" and _s(block.get("text")):
        yield Delta(n, "text", block["text"])
    elif btype == "thinking" and _s(block.get("thinking")):
        yield Delta(n, "reasoning", block["thinking"])
    elif btype in ("tool_use", "server_tool_use"):
        initial = block.get("input")
        # a streamed tool_use starts with an empty input and sends partial JSON; a whole message carries the
        # input object itself, empty ({}) for a tool without arguments
        args = orjson.dumps(initial).decode() if isinstance(initial, dict) and (initial or whole) else ""
        yield Delta(n, "tool", args, tool_index=index, tool_id=_s(block.get("id")), tool_name=_s(block.get("name")))


def stream_deltas(events: Iterable[Event]) -> Iterator[Delta]:
    """Deltas of an Anthropic SSE stream."""
    for n, etype, data in typed_events(events):
        if etype == "message_start":
            msg = as_dict(data.get("message"))
            yield from facts(n, model=msg.get("model"), role=msg.get("role"), usage=msg.get("usage"))
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
        elif etype == "completion":  # the legacy text completions API (/v1/complete): one piece per event
            if _s(data.get("completion")):
                yield Delta(n, "text", data["completion"])
            if _s(data.get("model")):
                yield Delta(n, "model", data["model"])
            if _s(data.get("stop_reason")):
                yield Delta(n, "finish", data["stop_reason"])
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
    yield from facts(0, model=body.get("model"), role=body.get("role"))
    content = body.get("content")
    for i, block in enumerate(content if isinstance(content, list) else ()):
        if isinstance(block, dict):
            yield from _block_start(0, i, block, whole=True)
    yield from facts(0, finish=body.get("stop_reason"), usage=body.get("usage"))


def completion_deltas(body: dict[str, Any]) -> Iterator[Delta]:
    """A whole legacy text completion (``{"type": "completion", "completion": …}``) as deltas."""
    if _s(body.get("model")):
        yield Delta(0, "model", body["model"])
    yield Delta(0, "role", "assistant")
    if _s(body.get("completion")):
        yield Delta(0, "text", body["completion"])
    if _s(body.get("stop_reason")):
        yield Delta(0, "finish", body["stop_reason"])
