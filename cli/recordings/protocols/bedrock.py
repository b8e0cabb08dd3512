"""Amazon Bedrock's Converse API: a whole ``converse`` answer (``output.message.content`` blocks) and a
``converse-stream`` (AWS event-stream frames: ``messageStart``, ``contentBlockStart``,
``contentBlockDelta``, ``messageStop``, ``metadata``). The model is in the url: ``/model/<id>/converse``."""

from __future__ import annotations

from typing import Any, Iterator
from urllib.parse import unquote, urlsplit

import orjson

from recordings.model import Exchange
from recordings.protocols.accumulate import Delta, facts, usage_from
from recordings.shapes import as_dict, as_list, as_str


def model_of(url: str | None) -> str | None:
    """The model id of a Bedrock runtime url (``…/model/<id>/converse``), or None."""
    try:
        path = urlsplit(url or "").path
    except ValueError:
        return None
    parts = path.split("/")
    if "model" in parts:
        i = parts.index("model")
        if i + 2 < len(parts) + 1 and i + 1 < len(parts) and parts[i + 1]:
            return unquote(parts[i + 1])
    return None


def _is_converse(url: str | None) -> bool:
    try:
        path = urlsplit(url or "").path
    except ValueError:
        return False
    return path.endswith(("/converse", "/converse-stream"))


def matches(e: Exchange, items: list[Any]) -> bool:
    stream = e.response.stream
    if stream is not None and stream.kind == "aws-eventstream":
        return True
    first = items[0] if items else None
    return isinstance(first, dict) and isinstance(first.get("output"), dict) and \
        isinstance(as_dict(first["output"]).get("message"), dict) and (_is_converse(e.request.url) or
                                                                      "stopReason" in first)


def _block(n: int, index: int, block: dict[str, Any]) -> Iterator[Delta]:
    if as_str(block.get("text")):
        yield Delta(n, "text", block["text"])
    reasoning = as_dict(as_dict(block.get("reasoningContent")).get("reasoningText")).get("text")
    if as_str(reasoning):
        yield Delta(n, "reasoning", reasoning)
    tool = block.get("toolUse")
    if isinstance(tool, dict):
        args = tool.get("input")
        text = args if isinstance(args, str) else orjson.dumps(args).decode() if args is not None else ""
        yield Delta(n, "tool", text, tool_index=index, tool_id=as_str(tool.get("toolUseId")),
                    tool_name=as_str(tool.get("name")))


def deltas(e: Exchange, items: list[Any]) -> Iterator[Delta]:
    model = model_of(e.request.url)
    if model:
        yield Delta(0, "model", model)
    stream = e.response.stream
    if stream is None or stream.kind != "aws-eventstream":
        body = as_dict(items[0] if items else None)
        message = as_dict(as_dict(body.get("output")).get("message"))
        yield from facts(0, role=message.get("role"))
        for i, block in enumerate(as_list(message.get("content"))):
            if isinstance(block, dict):
                yield from _block(0, i, block)
        yield from facts(0, finish=body.get("stopReason"), usage=body.get("usage"))
        return
    for n, ev in enumerate(stream.events):
        data = as_dict(ev.data)
        name = ev.name or ""
        index = data.get("contentBlockIndex")
        idx = index if isinstance(index, int) else 0
        if name == "messageStart" and as_str(data.get("role")):
            yield Delta(n, "role", data["role"])
        elif name == "contentBlockStart":
            tool = as_dict(as_dict(data.get("start")).get("toolUse"))
            if tool:
                yield Delta(n, "tool", "", tool_index=idx, tool_id=as_str(tool.get("toolUseId")),
                            tool_name=as_str(tool.get("name")))
        elif name == "contentBlockDelta":
            delta = as_dict(data.get("delta"))
            if as_str(delta.get("text")):
                yield Delta(n, "text", delta["text"])
            reasoning = as_dict(delta.get("reasoningContent"))
            if as_str(reasoning.get("text")):
                yield Delta(n, "reasoning", reasoning["text"])
            tool = as_dict(delta.get("toolUse"))
            if "input" in tool:
                yield Delta(n, "tool", as_str(tool.get("input")) or "", tool_index=idx)
        elif name == "messageStop" and as_str(data.get("stopReason")):
            yield Delta(n, "finish", data["stopReason"])
        elif name == "metadata":
            u = usage_from(data.get("usage"))
            if u:
                yield Delta(n, "usage", u)
