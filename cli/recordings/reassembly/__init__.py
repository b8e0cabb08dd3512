"""Reassembly: any recorded response to its final :class:`~recordings.model.Answer`.

:func:`reassemble` picks the body kind from the body itself (``__type__`` of
serialized objects, the shape of plain dicts, the event names of SSE lines),
not from the endpoint, because the two disagree in real corpora.
:func:`timeline` returns the deltas of a stream for ``show --chunks``.
"""

from __future__ import annotations

from typing import Any, Iterator

from recordings.formats.llamastack.document import exception_of
from recordings.model import Answer, ExceptionInfo
from recordings.reassembly import anthropic, gemini, openai, responses
from recordings.reassembly.accumulate import Accumulator, Delta
from recordings.reassembly.ollama import ollama_deltas, ollama_model_names
from recordings.reassembly.sse import looks_like_sse
from recordings.reassembly.tools import file_chunks_text, tool_result_text
from recordings.shapes import as_dict, as_int

__all__ = ["reassemble", "timeline", "Delta", "body_form"]


def _class(item: Any) -> tuple[str, dict[str, Any]] | None:
    """(class name, data) of a serialized ``{__type__, __data__}`` object."""
    if isinstance(item, dict):
        t = item.get("__type__")
        data = item.get("__data__")
        if isinstance(t, str) and isinstance(data, dict):
            return t, data
    return None


_STREAM_FORMS = {"chat", "completion", "anthropic", "gemini", "interactions", "ollama", "responses"}


def body_form(body: Any) -> str:
    """Name the kind of a response body."""
    if body is None:
        return "empty"
    items = body if isinstance(body, list) else [body]
    if isinstance(body, list):
        if not body:
            return "empty"
        if looks_like_sse(body):
            for line in body[:8]:
                if isinstance(line, str) and ("interaction." in line or "content.start" in line):
                    return "interactions"
                if isinstance(line, str) and ('"type":"response.' in line or "event: response." in line):
                    return "responses"
            return "anthropic"
    first = items[0]
    cls = _class(first)
    if cls is not None:
        type_name, data = cls
        name = type_name.rsplit(".", 1)[-1]
        if name == "ChatCompletionChunk":
            return "chat"
        if name == "ChatCompletion":
            return "chat-message"
        if name == "Completion":
            return "completion"
        if name in ("CreateEmbeddingResponse", "EmbedResponse", "EmbeddingsResponse"):
            return "embeddings"
        if name == "Model":
            return "models"
        if name == "ToolInvocationResult":
            return "tool-result"
        if name == "ProcessFileResponse":
            return "file-processor"
        if type_name.startswith("ollama."):
            if name in ("ProcessResponse", "ListResponse"):
                return "ollama-models"
            return "ollama"
        if "choices" in data:
            first_choice = data["choices"][0] if isinstance(data["choices"], list) and data["choices"] else {}
            if isinstance(first_choice, dict) and "delta" in first_choice:
                return "chat"
            if isinstance(first_choice, dict) and "message" in first_choice:
                return "chat-message"
            return "completion"
        return "unknown"
    if isinstance(first, dict):
        if "candidates" in first:
            return "gemini"
        if first.get("type") == "message" and "content" in first:
            return "anthropic-message"
        if first.get("object") == "response" and "output" in first:
            return "responses-message"
        if "outputs" in first or first.get("object") == "interaction":
            return "interactions-message"
        if "error" in first and len(first) <= 3:
            return "http-error"
    return "unknown"


_PER_OBJECT = {
    "chat": openai.chat_chunk_deltas,
    "chat-message": openai.chat_completion_deltas,
    "completion": openai.completion_deltas,
    "ollama": ollama_deltas,
}


def _deltas(form: str, body: Any) -> Iterator[Delta]:
    items = body if isinstance(body, list) else [body]
    per_object = _PER_OBJECT.get(form)
    if per_object is not None:  # one serialized object per chunk
        for n, item in enumerate(items):
            cls = _class(item)
            if cls:
                yield from per_object(n, cls[1])
    elif form == "anthropic":
        yield from anthropic.stream_deltas(items)
    elif form == "anthropic-message":
        yield from anthropic.message_deltas(items[0])
    elif form == "gemini":
        calls: dict[int, int] = {}
        for n, item in enumerate(items):
            if isinstance(item, dict):
                yield from gemini.content_deltas(n, item, calls)
    elif form == "interactions":
        yield from gemini.interaction_stream_deltas(items)
    elif form == "responses":
        yield from responses.stream_deltas(items)
    elif form == "responses-message":
        yield from responses.message_deltas(items[0])
    elif form == "interactions-message":
        yield from gemini.interaction_deltas(items[0])


def timeline(doc: dict[str, Any]) -> list[Delta]:
    """The deltas of a recording's response, in chunk order."""
    response = as_dict(doc.get("response"))
    body = response.get("body")
    out: list[Delta] = []
    model = None
    for d in _deltas(body_form(body), body):
        if d.field == "model":  # most providers repeat the model in every chunk: keep changes only
            if d.value == model:
                continue
            model = d.value
        out.append(d)
    return out


def _http_error(body: dict[str, Any], status: int | None) -> ExceptionInfo:
    err = body.get("error")
    if isinstance(err, dict):
        message = err.get("message")
        etype = err.get("type") or err.get("code") or err.get("status")
    else:
        message, etype = err, None
    return ExceptionInfo(
        type=str(etype) if etype is not None else None,
        status=status,
        message=message if isinstance(message, str) else (str(message) if message is not None else None),
        category="http",
    )


def reassemble(doc: dict[str, Any]) -> Answer:
    """The final answer of one recording document (never raises on odd shapes)."""
    response = as_dict(doc.get("response"))
    body = response.get("body")
    status = as_int(response.get("status"))
    error = exception_of(response)
    form = body_form(body)

    if form in _STREAM_FORMS or form in ("chat-message", "anthropic-message", "interactions-message",
                                         "responses-message"):
        acc = Accumulator().feed_all(_deltas(form, body))
        notes: tuple[str, ...] = ()
        if error is not None:
            notes = ("the stream was cut short by an exception: the answer is partial",)
        return Answer(
            form=form.replace("-message", ""),
            choices=acc.choices(),
            usage=acc.usage,
            model=acc.model,
            error=error,
            status=status,
            notes=notes,
        )
    items = body if isinstance(body, list) else [body]
    first = _class(items[0]) if items else None
    data = first[1] if first else {}
    if form == "embeddings":
        if "embeddings" in data and isinstance(data["embeddings"], list):  # ollama embed
            vecs = data["embeddings"]
            dims = len(vecs[0]) if vecs and isinstance(vecs[0], list) else 0
            shape = (len(vecs), dims)
        else:
            shape = openai.embeddings_shape(data)
        from recordings.reassembly.accumulate import usage_from

        model = data.get("model") if isinstance(data.get("model"), str) else None
        return Answer(form="embeddings", embeddings=shape, model=model,
                      usage=usage_from(data.get("usage")), error=error, status=status)
    if form == "models":
        return Answer(form="models", model_ids=openai.model_ids(items), error=error, status=status)
    if form == "ollama-models":
        return Answer(form="models", model_ids=ollama_model_names(data), error=error, status=status)
    if form == "tool-result":
        text, tool_error = tool_result_text(data)
        return Answer(form="tool-result", content=text, error=error, status=status,
                      notes=(f"tool error: {tool_error}",) if tool_error else ())
    if form == "file-processor":
        count, text = file_chunks_text(data)
        return Answer(form="file-processor", content=text, error=error, status=status,
                      notes=(f"{count} chunk{'s' if count != 1 else ''}",))
    if form == "http-error":
        return Answer(form="error", error=error or _http_error(as_dict(items[0]), status), status=status)
    if form == "empty":
        return Answer(form="error" if error else "empty", error=error, status=status)
    import orjson

    try:
        raw = orjson.dumps(body, option=orjson.OPT_INDENT_2).decode()
    except TypeError:
        raw = repr(body)
    return Answer(form="unknown", content=raw, error=error, status=status,
                  notes=("body of an unknown kind, shown as stored",))
