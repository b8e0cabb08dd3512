"""One cassette interaction as the model sees it: a :class:`Recording`, and a document in the shape
the protocol readers (:mod:`recordings.reassembly`, :mod:`recordings.conversation`) read.

Streams are recognized from the response: SSE text (OpenAI chat chunks, Anthropic message events,
Gemini ``alt=sse`` chunks), a JSON array of Gemini chunks, or one JSON answer (an OpenAI chat
completion, an Anthropic message, a Gemini response).
"""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import urlsplit

import orjson

from recordings.formats.vcr.cassette import Interaction, content_type
from recordings.model import Kind, Recording
from recordings.nodeid import try_parse_node_id
from recordings.providers import provider_for_url

CHUNK = "openai.types.chat.chat_completion_chunk.ChatCompletionChunk"
COMPLETION = "openai.types.chat.chat_completion.ChatCompletion"


def _json(data: bytes) -> Any:
    try:
        return orjson.loads(data)
    except orjson.JSONDecodeError:
        return None


def _sse_lines(text: str) -> list[str]:
    return text.replace("\r\n", "\n").split("\n")


def response_body(it: Interaction) -> tuple[Any, bool, str]:
    """(the body as the protocol readers take it, streamed or not, what it is)."""
    body = it.response_body
    ctype = content_type(it)
    if body.problem:
        return None, False, body.problem
    if body.parsed is not None:
        return _one(body.parsed), isinstance(body.parsed, list), "json"
    if ctype == "text/event-stream" or body.data.lstrip().startswith((b"event:", b"data:")):
        lines = _sse_lines(body.text())
        datas = [_json(line[5:].strip().encode()) for line in lines if line.startswith("data:")]
        objects = [d for d in datas if isinstance(d, dict)]
        if objects and objects[0].get("object") == "chat.completion.chunk" or (
                objects and "choices" in objects[0]):
            return [{"__type__": CHUNK, "__data__": d} for d in objects], True, "sse"
        if objects and "candidates" in objects[0]:
            return _gemini(objects), True, "sse"
        return lines, True, "sse"  # Anthropic events (and others) as lines
    if ctype.startswith("application/json") or body.data.lstrip()[:1] in (b"{", b"["):
        data = _json(body.data)
        if isinstance(data, list):
            return _gemini(data), True, "json"  # Gemini streamGenerateContent without alt=sse
        if data is not None:
            return _one(data), False, "json"
    return None, False, ctype or "bytes"


def _snake(value: Any) -> Any:
    """Gemini's REST JSON spells keys in camelCase (``finishReason``); the readers take the SDK's
    snake_case (``finish_reason``)."""
    if isinstance(value, dict):
        return {_SNAKE.sub(r"_\1", k).lower() if isinstance(k, str) else k: _snake(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_snake(v) for v in value]
    return value


_SNAKE = re.compile(r"(?<=[a-z0-9])([A-Z])")


def _gemini(objects: list[Any]) -> list[Any]:
    return [_snake(o) for o in objects]


def _one(data: Any) -> Any:
    if isinstance(data, dict) and "candidates" in data:
        return _snake(data)
    if isinstance(data, dict) and isinstance(data.get("choices"), list) and data["choices"] and \
            isinstance(data["choices"][0], dict) and "message" in data["choices"][0]:
        return {"__type__": COMPLETION, "__data__": data}
    return data


def document(it: Interaction) -> dict[str, Any]:
    """The interaction as a document the shared readers understand (never written anywhere)."""
    if it.messages is not None:  # websocket-style: its messages as turns, no answer
        turns = [{"role": str(m.get("direction") or m.get("kind") or "message"),
                  "content": m.get("data") if isinstance(m.get("data"), str) else orjson.dumps(m.get("data")).decode()}
                 for m in it.messages if isinstance(m, dict)]
        return {"test_id": None, "request": {"method": None, "url": None, "headers": {}, "endpoint": None,
                                             "body": {"messages": turns}}, "response": {"body": None}}
    req_body: Any = _json(it.request_body.data) if it.request_body.data else None
    if req_body is None and it.request_body.data:
        req_body = it.request_body.text()
    path = urlsplit(it.uri or "").path
    body, streaming, _what = response_body(it)
    return {
        "test_id": None,
        "request": {"method": it.method, "url": it.uri, "headers": it.request_headers, "body": req_body,
                    "endpoint": path, "model": _model(req_body, path)},
        "response": {"body": body, "is_streaming": streaming, "status": it.status},
    }


def _model(body: Any, path: str) -> str | None:
    if isinstance(body, dict) and isinstance(body.get("model"), str):
        return body["model"]
    if "/models/" in path:  # Gemini: /v1beta/models/<model>:generateContent
        return path.split("/models/", 1)[1].split(":", 1)[0] or None
    return None


def _shape(it: Interaction) -> tuple[bool, int, str]:
    """(streamed, chunks, what the body is) without parsing every chunk (``ls`` needs no more)."""
    body = it.response_body
    if body.problem:
        return False, 0, body.problem
    if body.parsed is not None:
        return isinstance(body.parsed, list), len(body.parsed) if isinstance(body.parsed, list) else 0, "json"
    data = body.data
    ctype = content_type(it)
    if ctype == "text/event-stream" or data.lstrip().startswith((b"event:", b"data:")):
        chunks = data.count(b"\ndata:") + (1 if data.startswith(b"data:") else 0) - data.count(b"data: [DONE]")
        return True, chunks, "sse"
    if ctype.startswith("application/json") or data.lstrip()[:1] in (b"{", b"["):
        if data.lstrip()[:1] == b"[":
            parsed = _json(data)
            if isinstance(parsed, list):
                return True, len(parsed), "json"
        return False, 0, "json"
    return False, 0, ctype or "bytes"


def is_streamed(it: Interaction) -> bool:
    """Whether the interaction's response is a stream (SSE events, or a JSON array of chunks)."""
    return _shape(it)[0]


def _request_model(it: Interaction, path: str) -> str | None:
    data = it.request_body.data
    body = _json(data) if data[:1] in (b"{", b"[") else None
    return _model(body, path)


def recording(path: str, it: Interaction, stem: str, suite: str, test_id: str | None) -> Recording:
    streaming, chunks, what = _shape(it)
    endpoint = urlsplit(it.uri or "").path
    size = len(it.request_body.data) + len(it.response_body.data)
    rtype = what if it.messages is None else "websocket"
    return Recording(
        id=f"{stem}#{it.index}", path=path, suite=suite, test_id=test_id, test=try_parse_node_id(test_id),
        kind=Kind.HTTP, method=it.method, endpoint=endpoint or None, url=it.uri,
        provider=provider_for_url(it.uri), model=_request_model(it, endpoint), streaming=streaming, chunks=chunks,
        exception=None, status=it.status, size=size, response_type=rtype,
    )
