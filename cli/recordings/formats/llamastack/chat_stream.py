"""One pass over a streamed chat completion's chunks: what the validation rules read of them.

A recorded chat stream is a list of serialized ``ChatCompletionChunk`` objects, each carrying a
piece of text, reasoning or tool-call arguments. :func:`read_chat_stream` walks the chunks once
and returns what the rules need: the ``stream`` rule (ids, finish reason, tool calls), ``secrets``
(the text a key may be split across), ``normalized`` (that nothing needs normalizing) and
``schema`` (that every chunk is a serialized object). A file's chunks are read once per validate,
not once per rule. Chunks that carry tool-call fragments go through the one reassembly
(:mod:`recordings.protocols`), so fragments merge exactly as ``show`` merges them.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from recordings.protocols.accumulate import Accumulator
from recordings.protocols.openai import chat_chunk_deltas


@dataclass(frozen=True, slots=True)
class ChatStream:
    ids: frozenset[Any]  # the distinct chunk ids (an unhashable one by its repr)
    created: frozenset[Any]  # the distinct ``created`` values (likewise)
    ollama_fields: bool  # some chunk has Ollama's created_at or a duration (normalized too)
    finished: bool  # some choice has a finish reason
    has_choices: bool
    calls: tuple[tuple[str, str], ...]  # (tool name, or its index, and its reassembled arguments)
    texts: tuple[str, ...]  # text, reasoning, tool arguments: each joined across the chunks, in order
    serialized: bool  # every item is a serialized object: a ``__type__`` string and a ``__data__`` object


_NO_ID = object()
_OLLAMA_FIELDS = frozenset({"created_at", "total_duration", "load_duration", "prompt_eval_duration", "eval_duration"})


def read_chat_stream(body: list[Any]) -> ChatStream:
    """The :class:`ChatStream` of a list of serialized chat chunks (odd items are skipped)."""
    acc = Accumulator()
    ids: set[Any] = set()
    created: set[Any] = set()
    ollama_fields = False
    serialized = True
    finished = has_choices = False
    text: list[str] = []
    reasoning: list[str] = []
    arguments: list[str] = []
    for n, item in enumerate(body):
        data = item.get("__data__") if type(item) is dict else None
        if type(data) is not dict:
            serialized = False
            continue
        if serialized and type(item.get("__type__")) is not str:
            serialized = False
        value = data.get("id", _NO_ID)
        if value is not _NO_ID:
            try:
                ids.add(value)
            except TypeError:  # unhashable: a stream the schema rule already calls odd
                ids.add(repr(value))
        value = data.get("created", _NO_ID)
        if value is not _NO_ID:
            try:
                created.add(value)
            except TypeError:
                created.add(repr(value))
        if not ollama_fields and not _OLLAMA_FIELDS.isdisjoint(data):
            ollama_fields = True
        choices = data.get("choices")
        if not choices or type(choices) is not list:
            continue
        carries_calls = False
        for choice in choices:
            if type(choice) is not dict:
                continue
            has_choices = True
            if choice.get("finish_reason"):
                finished = True
            delta = choice.get("delta")
            if type(delta) is not dict:
                continue
            piece = delta.get("content")
            if piece and type(piece) is str:
                text.append(piece)
            if len(delta) > 5 or "reasoning_content" in delta or "reasoning" in delta:  # rarer fields
                for key in ("reasoning_content", "reasoning"):
                    piece = delta.get(key)
                    if piece and type(piece) is str:
                        reasoning.append(piece)
            calls = delta.get("tool_calls")
            if calls or delta.get("function_call"):
                carries_calls = True
                for call in calls if type(calls) is list else [delta.get("function_call")]:
                    function = call.get("function", call) if type(call) is dict else None
                    piece = function.get("arguments") if type(function) is dict else None
                    if piece and type(piece) is str:
                        arguments.append(piece)
        if carries_calls:
            acc.feed_all(chat_chunk_deltas(n, data))
    calls_out = tuple((t.name or str(t.index), t.arguments) for c in acc.choices() for t in c.tool_calls)
    texts = tuple(t for t in ("".join(text), "".join(reasoning), "".join(arguments)) if t)
    return ChatStream(frozenset(ids), frozenset(created), ollama_fields, finished, has_choices, calls_out, texts,
                      serialized)


def chat_stream_of(ctx: Any) -> ChatStream | None:
    """The file's :class:`ChatStream` (read once per rule context), or None when it is not a chat stream."""
    r = ctx.recording
    if r is None or not r.streaming or not (r.response_type or "").endswith("ChatCompletionChunk"):
        return None
    body = ctx.doc["response"].get("body")
    if not isinstance(body, list):
        return None
    def read() -> ChatStream | None:
        try:
            return read_chat_stream(body)
        except (TypeError, ValueError, AttributeError, RecursionError):  # too odd: each rule reads it its own way
            return None

    stream: ChatStream | None = ctx.cached("chat-stream", read)
    return stream
