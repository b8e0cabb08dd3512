"""One cassette interaction as the model sees it: an :class:`~recordings.model.Exchange`, and the cheap
fields of a :class:`~recordings.model.Recording` for listings.

A streamed response is recognized from the response: server-sent events (``text/event-stream``, or a
body that starts with ``event:``/``data:``), JSON lines (``application/x-ndjson``), a JSON array of
chunks (Gemini's ``streamGenerateContent`` without ``alt=sse``) or AWS's binary event stream
(``application/vnd.amazon.eventstream``: Bedrock's ``converse-stream``). What the protocol is, the
protocol readers decide (:mod:`recordings.protocols`).
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

import orjson

from recordings import streams
from recordings.formats.vcr.cassette import Body as CassetteBody
from recordings.formats.vcr.cassette import Interaction, content_type
from recordings.model import Body, Exchange, Kind, Recording, Request, Response, Stream
from recordings.nodeid import try_parse_node_id
from recordings.providers import provider_for_url

def _json(data: bytes) -> Any:
    try:
        return orjson.loads(data)
    except orjson.JSONDecodeError:
        return None


def _body(body: CassetteBody, ctype: str | None) -> Body:
    if body.parsed is not None:
        parsed = body.parsed
    elif body.data[:1] in (b"{", b"[") or body.data.lstrip()[:1] in (b"{", b"["):
        parsed = _json(body.data)
    else:
        parsed = None
    return Body(raw=body.data, json=parsed, content_type=ctype or None, stored=body.stored, encoding=body.encoding,
                problem=body.problem)


def stream_of(it: Interaction) -> Stream | None:
    """The response's events when it was streamed, else None."""
    body = it.response_body
    if body.problem:
        return None
    if body.parsed is not None:
        return streams.json_array(body.parsed) if isinstance(body.parsed, list) else None
    return streams.of_body(body.data, content_type(it))


def exchange(path: str, it: Interaction, test_id: str | None = None) -> Exchange:
    """The interaction as an exchange (never written anywhere)."""
    if it.messages is not None:  # websocket-style: its messages as turns, no answer
        turns = [{"role": str(m.get("direction") or m.get("kind") or "message"),
                  "content": m.get("data") if isinstance(m.get("data"), str) else orjson.dumps(m.get("data")).decode()}
                 for m in it.messages if isinstance(m, dict)]
        return Exchange(Request(None, None, {}, Body(json={"messages": turns}, stored="json")),
                        Response(None, {}, Body()), path, it.index, Kind.HTTP, test_id, source=it)
    from recordings.bodies import header, media_type

    request = Request(it.method, it.uri, it.request_headers,
                      _body(it.request_body, media_type(header(it.request_headers, "content-type"))),
                      model=_model(_json(it.request_body.data) if it.request_body.data[:1] in (b"{", b"[") else
                                   it.request_body.parsed, it.uri))
    stream = stream_of(it)
    response = Response(it.status, it.response_headers, _body(it.response_body, content_type(it)), stream,
                        streamed=stream is not None)
    return Exchange(request, response, path, it.index, Kind.HTTP, test_id, source=it)


def _model(body: Any, url: str | None) -> str | None:
    """The model in the JSON body, else the one the url names (Gemini, Bedrock, Azure)."""
    from recordings.summary import model_in_url

    if isinstance(body, dict) and isinstance(body.get("model"), str) and body["model"]:
        return body["model"]
    return model_in_url(url)


def _shape(it: Interaction) -> tuple[bool, int, str]:
    """(streamed, chunks, what the body is) without parsing every chunk (``ls`` needs no more)."""
    body = it.response_body
    if body.problem:
        return False, 0, body.problem
    if body.parsed is not None:
        return isinstance(body.parsed, list), len(body.parsed) if isinstance(body.parsed, list) else 0, "json"
    data = body.data
    ctype = content_type(it)
    sse = data.lstrip().startswith((b"event:", b"data:", b":", b"id:", b"retry:"))
    if not sse and ctype == "text/event-stream" and data.lstrip()[:1] == b"{" and _json(data) is not None:
        return False, 0, "json"  # an error answered whole under the stream's media type
    if ctype == streams.EVENTSTREAM or streams.looks_like_eventstream(data):
        return True, data.count(b":event-type"), "aws-eventstream"
    if sse or ctype == "text/event-stream":
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
    return _model(body, it.uri)


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
