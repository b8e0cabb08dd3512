"""Native Ollama client bodies (``ollama._types.*``)."""

from __future__ import annotations

from typing import Any, Iterator

import orjson

from recordings.shapes import as_dict
from recordings.protocols.accumulate import Delta, usage_from


def ollama_deltas(n: int, data: dict[str, Any]) -> Iterator[Delta]:
    """``ChatResponse`` / ``GenerateResponse`` (whole or one stream chunk)."""
    if isinstance(data.get("model"), str):
        yield Delta(n, "model", data["model"])
    msg = data.get("message")
    if isinstance(msg, dict):
        if isinstance(msg.get("role"), str):
            yield Delta(n, "role", msg["role"])
        if isinstance(msg.get("thinking"), str) and msg["thinking"]:
            yield Delta(n, "reasoning", msg["thinking"])
        if isinstance(msg.get("content"), str) and msg["content"]:
            yield Delta(n, "text", msg["content"])
        calls = msg.get("tool_calls")
        for i, call in enumerate(calls if isinstance(calls, list) else ()):
            fn = as_dict(call.get("function")) if isinstance(call, dict) else {}
            args = fn.get("arguments")
            text = args if isinstance(args, str) else orjson.dumps(args).decode() if args is not None else ""
            name = fn.get("name") if isinstance(fn.get("name"), str) else None
            yield Delta(n, "tool", text, tool_index=i, tool_name=name)
    if isinstance(data.get("thinking"), str) and data["thinking"]:
        yield Delta(n, "reasoning", data["thinking"])
    if isinstance(data.get("response"), str) and data["response"]:
        yield Delta(n, "text", data["response"])
    if isinstance(data.get("done_reason"), str):
        yield Delta(n, "finish", data["done_reason"])
    u = usage_from(data)
    if u:
        yield Delta(n, "usage", u)


def ollama_model_names(data: dict[str, Any]) -> tuple[str, ...]:
    models = data.get("models")
    out = []
    for m in models if isinstance(models, list) else ():
        if isinstance(m, dict):
            name = m.get("model") or m.get("name") or m.get("modelRef") or m.get("id")
            if isinstance(name, str):
                out.append(name)
    return tuple(out)
