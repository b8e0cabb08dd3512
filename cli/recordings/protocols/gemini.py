"""Gemini bodies: ``generate_content[_stream]`` dicts and interactions (SSE or whole).

The SDK spells keys in snake_case (``finish_reason``), the REST API in camelCase (``finishReason``);
a camelCase body is read through :func:`snake_case`.
"""

from __future__ import annotations

import re
from typing import Any, Iterable, Iterator

import orjson

from recordings.protocols.accumulate import Delta, facts, typed_events, usage_from
from recordings.model import Event
from recordings.shapes import as_dict


def _s(v: Any) -> str | None:
    return v if isinstance(v, str) else None


def _args(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, str):
        return value
    return orjson.dumps(value).decode()


_CAMEL = re.compile(r"(?<=[a-z0-9])([A-Z])")


def snake_case(value: Any) -> Any:
    """A REST body's keys in the SDK's spelling (``finishReason`` → ``finish_reason``)."""
    if isinstance(value, dict):
        return {_CAMEL.sub(r"_\1", k).lower() if isinstance(k, str) else k: snake_case(v) for k, v in value.items()}
    if isinstance(value, list):
        return [snake_case(v) for v in value]
    return value


def _camel(data: dict[str, Any]) -> bool:
    return any(isinstance(k, str) and k != k.lower() for k in data)


def content_deltas(n: int, data: dict[str, Any], calls: dict[int, int] | None = None) -> Iterator[Delta]:
    """One ``generate_content`` response (a whole answer or one stream chunk).

    Gemini sends each function call whole; ``calls`` counts them per candidate
    across the chunks of a stream so each gets its own slot.
    """
    calls = {} if calls is None else calls
    if _camel(data) or any(isinstance(c, dict) and _camel(c) for c in data.get("candidates") or ()):
        data = snake_case(data)
    if _s(data.get("model_version")):
        yield Delta(n, "model", data["model_version"])
    candidates = data.get("candidates")
    for pos, cand in enumerate(candidates if isinstance(candidates, list) else ()):
        if not isinstance(cand, dict):
            continue
        index = cand.get("index")
        ci: int = index if isinstance(index, int) else pos
        content = as_dict(cand.get("content"))
        if _s(content.get("role")):
            yield Delta(n, "role", content["role"], ci)
        parts = content.get("parts")
        for part in parts if isinstance(parts, list) else ():
            if not isinstance(part, dict):
                continue
            text = _s(part.get("text"))
            if text:
                yield Delta(n, "reasoning" if part.get("thought") is True else "text", text, ci)
            call = part.get("function_call")
            if isinstance(call, dict):
                slot = calls.get(ci, 0)
                calls[ci] = slot + 1
                yield Delta(n, "tool", _args(call.get("args")), ci, tool_index=slot,
                            tool_id=_s(call.get("id")), tool_name=_s(call.get("name")))
        if _s(cand.get("finish_reason")):
            yield Delta(n, "finish", cand["finish_reason"], ci)
    u = usage_from(data.get("usage_metadata"))
    if u:
        yield Delta(n, "usage", u)


def interaction_stream_deltas(events: Iterable[Event]) -> Iterator[Delta]:
    """Deltas of a Gemini interactions SSE stream (``content.delta`` per index)."""
    kinds: dict[int, str] = {}
    for n, etype, data in typed_events(events, "event_type"):
        if etype == "interaction.start":
            inter = as_dict(data.get("interaction"))
            if _s(inter.get("model")):
                yield Delta(n, "model", inter["model"])
        elif etype == "content.start":
            index = data.get("index")
            idx: int = index if isinstance(index, int) else 0
            content = as_dict(data.get("content"))
            kinds[idx] = _s(content.get("type")) or "text"
            if kinds[idx] == "function_call":
                yield Delta(n, "tool", _args(content.get("arguments")), tool_index=idx,
                            tool_id=_s(content.get("id")), tool_name=_s(content.get("name")))
        elif etype == "content.delta":
            index = data.get("index")
            idx = index if isinstance(index, int) else 0
            delta = as_dict(data.get("delta"))
            dtype = delta.get("type")
            if dtype == "text" and _s(delta.get("text")):
                yield Delta(n, "text", delta["text"])
            elif dtype in ("thought_summary", "thought") and isinstance(delta.get("content"), dict):
                text = _s(delta["content"].get("text"))
                if text:
                    yield Delta(n, "reasoning", text)
            elif dtype == "function_call":
                yield Delta(n, "tool", _args(delta.get("arguments")), tool_index=idx,
                            tool_id=_s(delta.get("id")), tool_name=_s(delta.get("name")))
        elif etype == "interaction.complete":
            inter = as_dict(data.get("interaction"))
            yield from facts(n, role=inter.get("role"), finish=inter.get("status"), usage=inter.get("usage"))


def interaction_deltas(body: dict[str, Any]) -> Iterator[Delta]:
    """A whole (non-streamed) interaction object."""
    if _s(body.get("model")):
        yield Delta(0, "model", body["model"])
    if _s(body.get("role")):
        yield Delta(0, "role", body["role"])
    outputs = body.get("outputs")
    for i, out in enumerate(outputs if isinstance(outputs, list) else ()):
        if not isinstance(out, dict):
            continue
        otype = out.get("type")
        if otype == "text" and _s(out.get("text")):
            yield Delta(0, "text", out["text"])
        elif otype == "function_call":
            yield Delta(0, "tool", _args(out.get("arguments")), tool_index=i,
                        tool_id=_s(out.get("id")), tool_name=_s(out.get("name")))
        elif otype in ("thought", "thought_summary") and _s(out.get("text")):
            yield Delta(0, "reasoning", out["text"])
    if _s(body.get("status")):
        yield Delta(0, "finish", body["status"])
    u = usage_from(body.get("usage"))
    if u:
        yield Delta(0, "usage", u)
