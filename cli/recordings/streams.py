"""Splitting a streamed body into its events: server-sent events, JSON lines, a JSON array of chunks, and
AWS's binary event stream (Bedrock's ``ConverseStream``). Each recorder's adapter builds its responses'
:class:`~recordings.model.Stream` with these; the protocol readers then read events, whatever the wire.
"""

from __future__ import annotations

import struct
import zlib
from typing import Any, Callable, Iterable, Iterator, Sequence, overload

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
    pieces: list[tuple[str, str | None]] = []  # (data, event name): parsed as JSON only when read
    name: str | None = None
    for line in lines:
        if not isinstance(line, str):
            continue
        if line.startswith("event:"):
            name = line[6:].strip()
        elif line.startswith("data:"):
            pieces.append((line[5:].strip(), name))
        elif line == "":
            name = None
    return Stream("sse", Events(pieces, make=_sse_event), len(pieces))


def _sse_event(piece: tuple[str, str | None]) -> Event:
    return Event(_json_or_text(piece[0]), piece[1])


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


class Events(Sequence[Event]):
    """A stream's events made from its chunks only when asked for: a reader of the last few (``stats``'s
    usage) never builds the others. Equal to any sequence of the same events."""

    __slots__ = ("_items", "_read", "_make", "_all")

    def __init__(self, items: list[Any], read: Callable[[Any], Any] | None = None,
                 make: Callable[[Any], Event] | None = None) -> None:
        self._items = items
        self._read = read  # a chunk -> its data
        self._make = make  # or a stored piece -> its event
        self._all: tuple[Event, ...] | None = None

    def _event(self, item: Any) -> Event:
        if self._make is not None:
            return self._make(item)
        return Event(self._read(item) if self._read is not None else item)

    def _whole(self) -> tuple[Event, ...]:
        if self._all is None:
            self._all = tuple(self._event(item) for item in self._items)
        return self._all

    def __len__(self) -> int:
        return len(self._items)

    @overload
    def __getitem__(self, i: int) -> Event: ...

    @overload
    def __getitem__(self, i: slice) -> tuple[Event, ...]: ...

    def __getitem__(self, i: int | slice) -> Event | tuple[Event, ...]:
        if self._all is not None:
            return self._all[i]
        if isinstance(i, slice):
            return tuple(self._event(item) for item in self._items[i])
        return self._event(self._items[i])

    def __iter__(self) -> Iterator[Event]:
        return iter(self._whole())

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Sequence) and tuple(self) == tuple(other)

    def __hash__(self) -> int:
        return hash(self._whole())

    def __repr__(self) -> str:
        return f"Events({len(self)} events)"


def json_array(items: list[Any], kind: str = "json-array", read: Callable[[Any], Any] | None = None) -> Stream:
    """Chunks kept as one JSON array (Gemini's ``streamGenerateContent`` without ``alt=sse``), or as a list
    by the recorder (``objects``); ``read`` turns a stored chunk into its data (a recorder's envelope)."""
    return Stream(kind, Events(items, read), len(items))


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


def looks_like_eventstream(data: bytes) -> bool:
    """An AWS event stream whatever its media type says (a serializer that redacts every header): its first
    frame's prelude gives a plausible length, and its headers name an event or message type."""
    if len(data) < 16 or data[:1] != b"\x00":
        return False
    total, headers = struct.unpack(">II", data[:8])
    return 16 <= total <= len(data) and headers < total and (b":event-type" in data[12:12 + headers] or
                                                              b":message-type" in data[12:12 + headers])


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
    if ctype == EVENTSTREAM or looks_like_eventstream(data):
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
