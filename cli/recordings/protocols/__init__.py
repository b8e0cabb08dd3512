"""Provider protocols: which API an exchange speaks, and its final :class:`~recordings.model.Answer`.

:data:`PROTOCOLS` is one ordered list of detectors, each reading the exchange itself (the kind of
request, the url, the stream's events and the body's shape, never a recorder's class names); the first
that matches reads the answer. One module per protocol family: :mod:`.openai` (chat completions, chunks,
completions, embeddings, model lists), :mod:`.responses` (OpenAI Responses), :mod:`.anthropic`
(Messages), :mod:`.gemini` (``generateContent``, interactions), :mod:`.ollama`, :mod:`.bedrock`
(Converse, ConverseStream) and :mod:`.tools` (an OGX recorder's tool and file-processor results). Most
feed :class:`~recordings.protocols.accumulate.Delta` events to one accumulator; :func:`timeline` returns
them for ``show --chunks``. :mod:`.conversation` reads the request side.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Callable, Iterator

from recordings.model import Answer, Exchange, ExceptionInfo, Kind, RecordingFile
from recordings.protocols import anthropic, bedrock, gemini, openai, responses, sourcegraph
from recordings.protocols.accumulate import Accumulator, Delta, usage_from
from recordings.protocols.ollama import ollama_deltas, ollama_model_names
from recordings.protocols.tools import file_chunks_text, tool_result_text
from recordings.shapes import as_dict

__all__ = ["PROTOCOLS", "Protocol", "reassemble", "timeline", "detect", "items_of", "Delta", "quick_usage"]


def items_of(e: Exchange) -> list[Any]:
    """What a protocol reads of the response: each stream event's data, else the body's JSON (a list's items,
    or the one value)."""
    stream = e.response.stream
    if stream is not None:
        return [ev.data for ev in stream.events]
    body = e.response.body.json
    if body is None:
        return []
    return body if isinstance(body, list) else [body]


def _first_dict(items: list[Any]) -> dict[str, Any] | None:
    return next((i for i in items if isinstance(i, dict)), None)


def _first_choice(data: dict[str, Any]) -> Any:
    choices = data.get("choices")
    return choices[0] if isinstance(choices, list) and choices else None


def _sse_kind(e: Exchange) -> str:
    """A server-sent-event stream that is not chat chunks or Gemini chunks: interactions, Responses or
    Anthropic events, by the first events' names and types."""
    stream = e.response.stream
    for ev in (stream.events[:8] if stream is not None else ()):
        data = ev.data if isinstance(ev.data, dict) else {}
        kind = str(data.get("event_type") or data.get("type") or ev.name or "")
        if kind.startswith("interaction.") or kind == "content.start":
            return "interactions"
        if kind.startswith("response."):
            return "responses"
    if stream is not None and sourcegraph.is_stream(stream.events):
        return "sourcegraph"
    return "anthropic"


@dataclass(frozen=True)
class Protocol:
    """One protocol the tool reads: the answer form it gives, and how it is recognized and read."""

    form: str
    matches: Callable[[Exchange, list[Any]], bool]
    deltas: Callable[[Exchange, list[Any]], Iterator[Delta]] | None = None  # answers built from deltas
    answer: Callable[[Exchange, list[Any]], Answer] | None = None  # the others

    @property
    def name(self) -> str:
        return self.form


def _is_sse_events(e: Exchange) -> bool:
    stream = e.response.stream
    return stream is not None and stream.kind == "sse"


def _chunks(e: Exchange, items: list[Any]) -> bool:
    """Chat completion chunks: the first chunks (Azure sends one of content-filter results first, without
    choices) are ``chat.completion.chunk`` objects, or carry a choice with a ``delta``."""
    heads = [i for i in items[:4] if isinstance(i, dict)]
    for item in heads:
        if item.get("object") == "chat.completion.chunk":
            return True
        choice = _first_choice(item)
        if isinstance(choice, dict) and "delta" in choice:
            return True
    # a server-sent-event stream whose first object has choices (some servers send no delta at first)
    return _is_sse_events(e) and bool(heads) and "choices" in heads[0]


def _per_item(reader: Callable[[int, dict[str, Any]], Iterator[Delta]]) -> Callable[[Exchange, list[Any]],
                                                                                     Iterator[Delta]]:
    def deltas(e: Exchange, items: list[Any]) -> Iterator[Delta]:
        for n, item in enumerate(items):
            if isinstance(item, dict):
                yield from reader(n, item)
    return deltas


def _with_choices(kind: str) -> Callable[[Exchange, list[Any]], bool]:
    def matches(e: Exchange, items: list[Any]) -> bool:
        first = _first_dict(items)
        choice = _first_choice(first) if first is not None else None
        if not isinstance(choice, dict):
            return False
        if kind == "message":
            return "message" in choice
        return "delta" not in choice and "message" not in choice
    return matches


def _gemini_deltas(e: Exchange, items: list[Any]) -> Iterator[Delta]:
    calls: dict[int, int] = {}
    for n, item in enumerate(items):
        if isinstance(item, dict):
            yield from gemini.content_deltas(n, item, calls)


def _events(e: Exchange) -> list[Any]:
    stream = e.response.stream
    return list(stream.events) if stream is not None else []


def _embeddings(e: Exchange, items: list[Any]) -> Answer:
    data = as_dict(items[0]) if items else {}
    if isinstance(data.get("embeddings"), list):  # Ollama's embed: lists; Gemini's batchEmbedContents: {values}
        vecs = [v.get("values") if isinstance(v, dict) else v for v in data["embeddings"]]
        shape = (len(vecs), len(vecs[0]) if vecs and isinstance(vecs[0], list) else 0)
    elif isinstance(data.get("embedding"), dict) and isinstance(data["embedding"].get("values"), list):  # Gemini
        shape = (1, len(data["embedding"]["values"]))
    elif isinstance(data.get("embedding"), list) and "data" not in data:  # Ollama's older embeddings
        shape = (1, len(data["embedding"]))
    else:
        shape = openai.embeddings_shape(data)
    model = data.get("model") if isinstance(data.get("model"), str) else None
    return Answer(form="embeddings", embeddings=shape, model=model, usage=usage_from(data.get("usage")))


def _is_embeddings(e: Exchange, items: list[Any]) -> bool:
    first = _first_dict(items)
    if first is None or len(items) != 1:
        return False
    if isinstance(first.get("embeddings"), list) or (isinstance(first.get("embedding"), (list, dict)) and
                                                      "data" not in first):
        return True
    data = first.get("data")
    head = data[0] if isinstance(data, list) and data else None
    return isinstance(head, dict) and ("embedding" in head or head.get("object") == "embedding")


def _is_model_list(e: Exchange, items: list[Any]) -> bool:
    if e.response.stream is not None:
        return False
    body = e.response.body.json
    if isinstance(body, list):  # a recorder's list of model objects
        return bool(body) and all(isinstance(i, dict) and i.get("object") == "model" for i in body[:3])
    if isinstance(body, dict) and body.get("object") == "list":
        data = body.get("data")
        return isinstance(data, list) and bool(data) and isinstance(data[0], dict) and data[0].get("object") == "model"
    return False


def _models(e: Exchange, items: list[Any]) -> Answer:
    body = e.response.body.json
    listed = body.get("data") if isinstance(body, dict) else body
    return Answer(form="models", model_ids=openai.model_ids(listed if isinstance(listed, list) else []))


_MODEL_NAME_KEYS = ("model", "name", "modelRef", "id")


def _is_named_model_list(e: Exchange, items: list[Any]) -> bool:
    """A ``models`` list whose entries each name a model (Ollama's tags, Gemini's and Sourcegraph's lists)."""
    first = _first_dict(items)
    if first is None or len(items) != 1 or e.response.stream is not None:
        return False
    models = first.get("models")
    return isinstance(models, list) and bool(models) and all(
        isinstance(m, dict) and any(isinstance(m.get(k), str) for k in _MODEL_NAME_KEYS) for m in models[:3])


def _is_ollama(e: Exchange, items: list[Any]) -> bool:
    first = _first_dict(items)
    return first is not None and "done" in first and ("message" in first or "response" in first or
                                                      "done_reason" in first)


def _is_http_error(e: Exchange, items: list[Any]) -> bool:
    first = _first_dict(items)
    return first is not None and len(items) == 1 and e.response.stream is None and "error" in first and \
        len(first) <= 3


def _http_error(e: Exchange, items: list[Any]) -> Answer:
    body = as_dict(items[0])
    err = body.get("error")
    if isinstance(err, dict):
        message, etype = err.get("message"), err.get("type") or err.get("code") or err.get("status")
    else:
        message, etype = err, None
    info = ExceptionInfo(type=str(etype) if etype is not None else None, status=e.response.status,
                         message=message if isinstance(message, str) else (str(message) if message is not None
                                                                            else None), category="http")
    return Answer(form="error", error=e.response.error or info)


def _tool_result(e: Exchange, items: list[Any]) -> Answer:
    text, tool_error = tool_result_text(as_dict(items[0]) if items else {})
    return Answer(form="tool-result", content=text, notes=(f"tool error: {tool_error}",) if tool_error else ())


def _file_processor(e: Exchange, items: list[Any]) -> Answer:
    count, text = file_chunks_text(as_dict(items[0]) if items else {})
    return Answer(form="file-processor", content=text, notes=(f"{count} chunk{'s' if count != 1 else ''}",))


def _has(key: str, value: Any = None) -> Callable[[Exchange, list[Any]], bool]:
    def matches(e: Exchange, items: list[Any]) -> bool:
        first = _first_dict(items)
        return first is not None and key in first and (value is None or first.get(key) == value)
    return matches


def _is_message(e: Exchange, items: list[Any]) -> bool:
    return _has("type", "message")(e, items) and _has("content")(e, items)


def _is_response(e: Exchange, items: list[Any]) -> bool:
    return _has("object", "response")(e, items) and _has("output")(e, items)


def _is_interaction(e: Exchange, items: list[Any]) -> bool:
    return _has("outputs")(e, items) or _has("object", "interaction")(e, items)


def _sse(kind: str) -> Callable[[Exchange, list[Any]], bool]:
    return lambda e, items: _is_sse_events(e) and _sse_kind(e) == kind


PROTOCOLS: tuple[Protocol, ...] = (
    # what the recorder says the request was
    Protocol("tool-result", lambda e, items: e.kind is Kind.TOOL and bool(items), answer=_tool_result),
    Protocol("file-processor", lambda e, items: e.kind is Kind.FILE_PROCESSOR and bool(items), answer=_file_processor),
    # streams and whole answers, by their events and shape
    Protocol("chat", _chunks, deltas=_per_item(openai.chat_chunk_deltas)),
    Protocol("chat-message", _with_choices("message"), deltas=_per_item(openai.chat_completion_deltas)),
    Protocol("completion", _with_choices("text"), deltas=_per_item(openai.completion_deltas)),
    Protocol("gemini", _has("candidates"), deltas=_gemini_deltas),
    Protocol("bedrock", lambda e, items: bedrock.matches(e, items), deltas=lambda e, items: bedrock.deltas(e, items)),
    Protocol("embeddings", _is_embeddings, answer=_embeddings),
    Protocol("models", _is_model_list, answer=_models),
    Protocol("model-list", _is_named_model_list,
             answer=lambda e, items: Answer(form="models", model_ids=ollama_model_names(as_dict(items[0])))),
    Protocol("ollama", _is_ollama, deltas=_per_item(ollama_deltas)),
    Protocol("interactions", _sse("interactions"),
             deltas=lambda e, items: gemini.interaction_stream_deltas(_events(e))),
    Protocol("responses", _sse("responses"), deltas=lambda e, items: responses.stream_deltas(_events(e))),
    Protocol("sourcegraph", _sse("sourcegraph"), deltas=lambda e, items: sourcegraph.deltas(_events(e))),
    Protocol("anthropic", _sse("anthropic"), deltas=lambda e, items: anthropic.stream_deltas(_events(e))),
    Protocol("anthropic-message", _is_message, deltas=lambda e, items: anthropic.message_deltas(items[0])),
    Protocol("anthropic-completion", _has("type", "completion"),
             deltas=lambda e, items: anthropic.completion_deltas(items[0])),
    Protocol("sourcegraph-message", lambda e, items: len(items) == 1 and sourcegraph.is_completion(items[0]),
             deltas=lambda e, items: sourcegraph.message_deltas(items[0])),
    Protocol("responses-message", _is_response, deltas=lambda e, items: responses.message_deltas(items[0])),
    Protocol("interactions-message", _is_interaction, deltas=lambda e, items: gemini.interaction_deltas(items[0])),
    Protocol("http-error", _is_http_error, answer=_http_error),
)


def detect(e: Exchange) -> Protocol | None:
    """The first protocol that reads this exchange, or None (an empty or unknown body)."""
    items = items_of(e)
    if not items:
        return None
    for p in PROTOCOLS:
        if p.matches(e, items):
            return p
    return None


def _exchange(x: Exchange | RecordingFile) -> Exchange | None:
    if isinstance(x, RecordingFile):
        return x.exchanges[0] if x.exchanges else None
    return x


def timeline(x: Exchange | RecordingFile) -> list[Delta]:
    """The deltas of an exchange's response, in chunk order (a model that repeats is kept once)."""
    e = _exchange(x)
    if e is None:
        return []
    p = detect(e)
    if p is None or p.deltas is None:
        return []
    out: list[Delta] = []
    model = None
    for d in p.deltas(e, items_of(e)):
        if d.field == "model":  # most providers repeat the model in every chunk: keep changes only
            if d.value == model:
                continue
            model = d.value
        out.append(d)
    return out


def reassemble(x: Exchange | RecordingFile) -> Answer:
    """The final answer of an exchange (of a file: its first exchange); never raises on odd shapes."""
    e = _exchange(x)
    if e is None:
        return Answer(form="empty")
    error, status = e.response.error, e.response.status
    p = detect(e)
    if p is not None and p.deltas is not None:
        acc = Accumulator().feed_all(p.deltas(e, items_of(e)))
        notes: tuple[str, ...] = ()
        if error is not None:
            notes = ("the stream was cut short by an exception: the answer is partial",)
        return Answer(form=p.form.replace("-message", ""), choices=acc.choices(), usage=acc.usage, model=acc.model,
                      error=error, status=status, notes=notes)
    if p is not None and p.answer is not None:
        a = p.answer(e, items_of(e))
        return Answer(form=a.form, choices=a.choices, usage=a.usage, model=a.model, error=a.error or error,
                      embeddings=a.embeddings, model_ids=a.model_ids, content=a.content, status=status,
                      notes=a.notes)
    body = e.response.body
    if body.json is None and e.response.stream is None:  # no body, or bytes that are not JSON (an image, a page)
        return Answer(form="error" if error else "empty", error=error, status=status)
    if e.response.stream is not None and not e.response.stream.events:
        return Answer(form="error" if error else "empty", error=error, status=status)
    import orjson

    value = items_of(e) if e.response.stream is not None else body.json
    try:
        raw = orjson.dumps(value, option=orjson.OPT_INDENT_2).decode() if value is not None else body.text()
    except TypeError:
        raw = repr(value)
    return Answer(form="unknown", content=raw, error=error, status=status,
                  notes=("body of an unknown kind, shown as stored",))


def _usage_of(data: dict[str, Any]) -> Any:
    return usage_from(data.get("usage")) or usage_from(data.get("usage_metadata")) or \
        usage_from(data.get("usageMetadata"))


def quick_usage(e: Exchange) -> tuple[int, int]:
    """(prompt, completion) tokens recorded in a response, reading only where usage lives (the body, or the
    last events of a stream): what ``stats`` sums without reassembling every answer."""
    usage = None
    stream = e.response.stream
    if stream is None:
        data = e.response.body.json
        data = data[-1] if isinstance(data, list) and data else data
        if isinstance(data, dict):
            usage = _usage_of(data) or (usage_from(data) if "eval_count" in data else None)
    else:
        tail = stream.events[-12:] if stream.kind == "sse" else stream.events[-3:]
        for ev in reversed(tail):
            data = ev.data
            if not isinstance(data, dict):
                continue
            inner = data["interaction"] if isinstance(data.get("interaction"), dict) else data
            usage = _usage_of(inner)
            if usage:
                break
    if usage is None:
        return 0, 0
    return usage.prompt_tokens or 0, usage.completion_tokens or 0
