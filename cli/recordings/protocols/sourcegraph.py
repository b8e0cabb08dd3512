"""Sourcegraph's completions API (``/.api/completions/stream`` and ``/code``), which Cody records.

A stream is server-sent events named ``completion``, each carrying the whole text so far (``completion``)
or, from API version 1 on, only the new piece (``deltaText``), with ``stopReason`` set on the last; then a
``done`` event (or an ``error`` event with its message). A whole answer is one ``{completion, stopReason}``
object. The request is ``messages`` of ``{speaker, text}`` (read by the conversation module).
"""

from __future__ import annotations

from typing import Any, Iterable, Iterator

from recordings.protocols.accumulate import Delta


def is_completion(data: Any) -> bool:
    """A Sourcegraph completion object: ``completion`` or ``deltaText`` text, and no provider ``type``."""
    return isinstance(data, dict) and "type" not in data and (
        isinstance(data.get("deltaText"), str) or (isinstance(data.get("completion"), str) and "stopReason" in data))


def is_stream(events: Iterable[Any]) -> bool:
    """Whether the first events are Sourcegraph ``completion`` events."""
    for ev in list(events)[:4]:
        if ev.name in ("completion", None) and is_completion(ev.data):
            return True
    return False


def deltas(events: Iterable[Any]) -> Iterator[Delta]:
    """The text pieces of a stream: a cumulative ``completion`` becomes what it adds to the text before it
    (a text that is not a continuation replaces it: ``replace``)."""
    so_far = ""
    yield Delta(0, "role", "assistant")
    for n, ev in enumerate(events):
        data = ev.data if isinstance(ev.data, dict) else {}
        if ev.name == "error" or (isinstance(data.get("error"), str) and not is_completion(data)):
            continue  # the recorder's error: shown from the response, not as text
        if isinstance(data.get("deltaText"), str):
            if data["deltaText"]:
                yield Delta(n, "text", data["deltaText"])
                so_far += data["deltaText"]
        elif isinstance(data.get("completion"), str):
            text = data["completion"]
            if text.startswith(so_far):
                if text[len(so_far):]:
                    yield Delta(n, "text", text[len(so_far):])
            else:
                yield Delta(n, "replace", text)
            so_far = text
        if isinstance(data.get("stopReason"), str) and data["stopReason"]:
            yield Delta(n, "finish", data["stopReason"])


def message_deltas(body: dict[str, Any]) -> Iterator[Delta]:
    """A whole ``{completion, stopReason}`` answer."""
    yield Delta(0, "role", "assistant")
    if body.get("completion"):
        yield Delta(0, "text", body["completion"])
    if isinstance(body.get("stopReason"), str) and body["stopReason"]:
        yield Delta(0, "finish", body["stopReason"])


def stream_error(events: Iterable[Any]) -> str | None:
    """The message of the stream's ``error`` event, if it has one."""
    for ev in events:
        if ev.name == "error":
            data = ev.data
            if isinstance(data, dict):
                return str(data.get("error") or data.get("message") or "") or None
            return str(data) if data else None
    return None
