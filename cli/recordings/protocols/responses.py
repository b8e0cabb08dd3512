"""OpenAI Responses API bodies: typed SSE events (``response.output_text.delta`` …) or a whole
``response`` object (``output`` items: messages, function calls, reasoning)."""

from __future__ import annotations

from typing import Any, Iterable, Iterator

from recordings.protocols.accumulate import Delta, typed_events, usage_from
from recordings.model import Event
from recordings.shapes import as_dict, as_int, as_list, as_str


def _response_end(n: int, response: dict[str, Any]) -> Iterator[Delta]:
    if as_str(response.get("model")):
        yield Delta(n, "model", response["model"])
    u = usage_from(response.get("usage"))
    if u:
        yield Delta(n, "usage", u)
    status = as_str(response.get("status"))
    if status and status != "in_progress":
        yield Delta(n, "finish", status)


def stream_deltas(events: Iterable[Event]) -> Iterator[Delta]:
    """Deltas of a Responses API event stream."""
    for n, etype, data in typed_events(events):
        if etype == "response.created":
            response = as_dict(data.get("response"))
            if as_str(response.get("model")):
                yield Delta(n, "model", response["model"])
            yield Delta(n, "role", "assistant")
        elif etype == "response.output_text.delta" and as_str(data.get("delta")):
            yield Delta(n, "text", data["delta"])
        elif etype in ("response.reasoning_summary_text.delta", "response.reasoning_text.delta") and \
                as_str(data.get("delta")):
            yield Delta(n, "reasoning", data["delta"])
        elif etype == "response.output_item.added":
            item = as_dict(data.get("item"))
            if item.get("type") == "function_call":
                yield Delta(n, "tool", "", tool_index=as_int(data.get("output_index")),
                            tool_id=as_str(item.get("call_id")), tool_name=as_str(item.get("name")))
        elif etype == "response.function_call_arguments.delta" and as_str(data.get("delta")):
            yield Delta(n, "tool", data["delta"], tool_index=as_int(data.get("output_index")))
        elif etype in ("response.completed", "response.incomplete", "response.failed"):
            yield from _response_end(n, as_dict(data.get("response")))


def message_deltas(response: dict[str, Any]) -> Iterator[Delta]:
    """A whole ``response`` object as deltas."""
    yield Delta(0, "role", "assistant")
    for index, item in enumerate(as_list(response.get("output"))):
        item = as_dict(item)
        kind = item.get("type")
        if kind == "message":
            for part in as_list(item.get("content")):
                part = as_dict(part)
                if part.get("type") == "output_text" and as_str(part.get("text")):
                    yield Delta(0, "text", part["text"])
        elif kind == "function_call":
            yield Delta(0, "tool", as_str(item.get("arguments")) or "", tool_index=index,
                        tool_id=as_str(item.get("call_id")), tool_name=as_str(item.get("name")))
        elif kind == "reasoning":
            for part in as_list(item.get("summary")) + as_list(item.get("content")):
                text = as_str(as_dict(part).get("text"))
                if text:
                    yield Delta(0, "reasoning", text)
    yield from _response_end(0, response)
