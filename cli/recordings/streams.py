"""Splitting a streamed body into its events: server-sent events, JSON lines, a JSON array of chunks, and
AWS's binary event stream (Bedrock's ``ConverseStream``). Each recorder's adapter builds its responses'
:class:`~recordings.model.Stream` with these; the protocol readers then read events, whatever the wire.
"""

from __future__ import annotations

import struct
import zlib
from typing import Any, Iterable

import orjson

from recordings.model import Event, Stream


def _json_or_text(payload: str) -> Any:
    try:
        return orjson.loads(payload)
    except orjson.JSONDecodeError:
        return payload


def sse_lines(lines: Iterable[Any]) -> Stream:
    """Server-sent events from their lines (``event: …``, ``data: {json}``, ``""``; other items are skipped).

    Each ``data:`` line is one event, named by the ``event:`` line before it (until a blank line): every
    LLM API sends one data line per event. Data that is not JSON (``[DONE]``) is kept as text."""
    events: list[Event] = []
    name: str | None = None
    for line in lines:
        if not isinstance(line, str):
            continue
        if line.startswith("event:"):
            name = line[6:].strip()
        elif line.startswith("data:"):
            events.append(Event(_json_or_text(line[5:].strip()), name))
        elif line == "":
            name = None
    return Stream("sse", tuple(events), len(events))


def sse_text(text: str) -> Stream:
    return sse_lines(text.replace("\r\n", "\n").split("\n"))


def looks_like_sse(data: bytes) -> bool:
    return data.lstrip().startswith((b"event:", b"data:", b":"))


def json_lines(data: bytes) -> Stream | None:
    """One JSON value per line (Ollama's native streams, ``application/x-ndjson``), or None when a line
    does not parse."""
    events = []
    for line in data.splitlines():
        if not line.strip():
            continue
        try:
            events.append(Event(orjson.loads(line)))
        except orjson.JSONDecodeError:
            return None
    return Stream("json-lines", tuple(events), len(events)) if events else None


def json_array(items: list[Any], kind: str = "json-array") -> Stream:
    """Chunks kept as one JSON array (Gemini's ``streamGenerateContent`` without ``alt=sse``), or as a list
    by the recorder (``objects``)."""
    return Stream(kind, tuple(Event(item) for item in items), len(items))


class EventStreamError(ValueError):
    pass


def aws_eventstream(data: bytes) -> Stream:
    """AWS's ``application/vnd.amazon.eventstream`` frames: each a prelude (total and headers length, CRC), its
    headers (``:event-type``, ``:message-type``…), a JSON payload and a CRC. An event is named by its
    ``:event-type`` (an exception frame by ``:exception-type``). A frame that does not check out ends the
    stream with :class:`EventStreamError`."""
    events: list[Event] = []
    at = 0
    while at + 16 <= len(data):
        total, headers_len, prelude_crc = struct.unpack_from(">III", data, at)
        if zlib.crc32(data[at:at + 8]) != prelude_crc or total < 16 or at + total > len(data):
            raise EventStreamError(f"frame at byte {at} does not check out")
        headers = _headers(data[at + 12:at + 12 + headers_len])
        payload = data[at + 12 + headers_len:at + total - 4]
        name = headers.get(":event-type") or headers.get(":exception-type")
        events.append(Event(_json_or_text(payload.decode("utf-8", "replace")) if payload else {},
                            name if isinstance(name, str) else None))
        at += total
    return Stream("aws-eventstream", tuple(events), len(events))


def _headers(blob: bytes) -> dict[str, Any]:
    out: dict[str, Any] = {}
    at = 0
    while at < len(blob):
        n = blob[at]
        name = blob[at + 1:at + 1 + n].decode("utf-8", "replace")
        at += 1 + n
        kind = blob[at]
        at += 1
        if kind in (0, 1):  # bool true / false
            out[name] = kind == 0
        elif kind == 2:
            out[name] = blob[at]
            at += 1
        elif kind == 3:
            out[name] = struct.unpack_from(">h", blob, at)[0]
            at += 2
        elif kind == 4:
            out[name] = struct.unpack_from(">i", blob, at)[0]
            at += 4
        elif kind in (5, 8):  # long, timestamp
            out[name] = struct.unpack_from(">q", blob, at)[0]
            at += 8
        elif kind in (6, 7):  # bytes, string
            (size,) = struct.unpack_from(">H", blob, at)
            value = blob[at + 2:at + 2 + size]
            out[name] = value.decode("utf-8", "replace") if kind == 7 else value
            at += 2 + size
        elif kind == 9:  # uuid
            out[name] = blob[at:at + 16].hex()
            at += 16
        else:
            raise EventStreamError(f"unknown header type {kind}")
    return out


def encode_aws_event(event_type: str, payload: Any) -> bytes:
    """One event-stream frame (``:event-type``, ``:message-type`` event, JSON payload): what Bedrock sends;
    for samples and tests."""
    body = orjson.dumps(payload)
    headers = b""
    for name, value in ((":event-type", event_type), (":content-type", "application/json"),
                        (":message-type", "event")):
        raw = value.encode()
        headers += bytes([len(name)]) + name.encode() + b"\x07" + struct.pack(">H", len(raw)) + raw
    total = 12 + len(headers) + len(body) + 4
    prelude = struct.pack(">II", total, len(headers))
    prelude += struct.pack(">I", zlib.crc32(prelude))
    frame = prelude + headers + body
    return frame + struct.pack(">I", zlib.crc32(frame))


EVENTSTREAM = "application/vnd.amazon.eventstream"
JSON_LINES = ("application/x-ndjson", "application/jsonl", "application/json-seq")


def _is_json(data: bytes) -> bool:
    try:
        orjson.loads(data)
    except orjson.JSONDecodeError:
        return False
    return True


def of_body(data: bytes, content_type: str | None) -> Stream | None:
    """The events of a response body when it was streamed (by its media type, else its first bytes), else
    None: server-sent events, AWS's event stream, JSON lines, a JSON array of chunks."""
    ctype = content_type or ""
    head = data.lstrip()[:1]
    if data.lstrip().startswith((b"event:", b"data:", b":", b"id:", b"retry:")):
        return sse_text(data.decode("utf-8", "replace"))
    if ctype == "text/event-stream":
        if head == b"{" and _is_json(data):  # an error answered whole under the stream's media type
            return None
        return sse_text(data.decode("utf-8", "replace"))
    if ctype == EVENTSTREAM:
        try:
            return aws_eventstream(data)
        except EventStreamError:
            return None
    if ctype in JSON_LINES:
        return json_lines(data)
    if ctype.startswith("application/json") or head in (b"{", b"["):
        if head == b"[":
            try:
                parsed = orjson.loads(data)
            except orjson.JSONDecodeError:
                return None
            return json_array(parsed) if isinstance(parsed, list) else None
        if data.count(b"\n") > 1:  # JSON lines sent as application/json
            try:
                orjson.loads(data)
            except orjson.JSONDecodeError:
                return json_lines(data)
    return None
