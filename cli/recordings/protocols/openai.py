"""OpenAI-compatible bodies: chat chunks and completions, completions (streamed
or not), embeddings and model lists."""

from __future__ import annotations

from typing import Any, Callable, Iterator

from recordings.protocols.accumulate import Delta, usage_from
from recordings.shapes import as_dict


def _str(v: Any) -> str | None:
    return v if isinstance(v, str) else None


def _index(v: Any, default: int) -> int:
    return v if isinstance(v, int) and not isinstance(v, bool) else default


def _message_deltas(n: int, ci: int, msg: dict[str, Any], streamed: bool) -> Iterator[Delta]:
    """Deltas of a chunk's ``delta`` or a whole answer's ``message`` (choice ``ci``)."""
    role = _str(msg.get("role"))
    if role:
        yield Delta(n, "role", role, ci)
    for key in ("reasoning_content", "reasoning"):
        r = _str(msg.get(key))
        if r:
            yield Delta(n, "reasoning", r, ci)
            break
    content = _str(msg.get("content"))
    if content:
        yield Delta(n, "text", content, ci)
    calls = msg.get("tool_calls")
    for tpos, call in enumerate(calls if isinstance(calls, list) else ()):
        if not isinstance(call, dict):
            continue
        fn = as_dict(call.get("function"))
        # a stream keys fragments by their "index"; a whole message lists complete calls in order
        index = (_index(call.get("index"), tpos) if "index" in call else None) if streamed else tpos
        yield Delta(n, "tool", _str(fn.get("arguments")) or "", ci, tool_index=index,
                    tool_id=_str(call.get("id")) or None, tool_name=_str(fn.get("name")) or None)
    legacy = msg.get("function_call")
    if isinstance(legacy, dict):
        yield Delta(n, "tool", _str(legacy.get("arguments")) or "", ci, tool_index=0,
                    tool_name=_str(legacy.get("name")) or None)


def _choices_deltas(n: int, data: dict[str, Any],
                    per_choice: Callable[[int, int, dict[str, Any]], Iterator[Delta]]) -> Iterator[Delta]:
    """Model, each choice (through ``per_choice``) with its finish reason, and usage."""
    model = _str(data.get("model"))
    if model:
        yield Delta(n, "model", model)
    choices = data.get("choices")
    for pos, choice in enumerate(choices if isinstance(choices, list) else ()):
        if not isinstance(choice, dict):
            continue
        ci = _index(choice.get("index"), pos)
        yield from per_choice(n, ci, choice)
        finish = _str(choice.get("finish_reason"))
        if finish:
            yield Delta(n, "finish", finish, ci)
    usage = usage_from(data.get("usage"))
    if usage:
        yield Delta(n, "usage", usage)


def _stream_delta(n: int, ci: int, choice: dict[str, Any]) -> Iterator[Delta]:
    msg = choice.get("delta")
    return _message_deltas(n, ci, msg, streamed=True) if isinstance(msg, dict) else iter(())


def _whole_message(n: int, ci: int, choice: dict[str, Any]) -> Iterator[Delta]:
    msg = choice.get("message")
    return _message_deltas(n, ci, msg, streamed=False) if isinstance(msg, dict) else iter(())


def _completion_text(n: int, ci: int, choice: dict[str, Any]) -> Iterator[Delta]:
    text = _str(choice.get("text"))
    if text:
        yield Delta(n, "text", text, ci)


def chat_chunk_deltas(n: int, data: dict[str, Any]) -> Iterator[Delta]:
    """Deltas of one chat completion chunk, chunk number ``n``."""
    return _choices_deltas(n, data, _stream_delta)


def chat_completion_deltas(n: int, data: dict[str, Any]) -> Iterator[Delta]:
    """A whole (non-streamed) ``ChatCompletion`` as deltas."""
    return _choices_deltas(n, data, _whole_message)


def completion_deltas(n: int, data: dict[str, Any]) -> Iterator[Delta]:
    """A ``Completion`` object (one chunk of a stream, or the whole answer)."""
    return _choices_deltas(n, data, _completion_text)


def embeddings_shape(data: dict[str, Any]) -> tuple[int, int]:
    """(count, dimensions) of a ``CreateEmbeddingResponse``; base64 vectors count 0 dimensions."""
    items = data.get("data")
    items = items if isinstance(items, list) else []
    dims = 0
    for item in items:
        if isinstance(item, dict) and isinstance(item.get("embedding"), list):
            dims = len(item["embedding"])
            break
    return len(items), dims


def model_ids(items: list[Any]) -> tuple[str, ...]:
    out = []
    for data in items:
        if isinstance(data, dict):
            ident = data.get("id") or data.get("model") or data.get("name")
            if isinstance(ident, str):
                out.append(ident)
    return tuple(out)
