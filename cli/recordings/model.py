"""The one model every command uses: frozen, typed dataclasses.

One recorded HTTP exchange, whatever the recorder: an :class:`Exchange` holds the :class:`Request`
(method, url, headers, body, content type) and the :class:`Response` (status, headers, body, the
:class:`Stream` of events when it was streamed, the error the recorder stored), the times where
recorded, and its place in its file. A :class:`RecordingFile` holds one or more exchanges. Each
recorder turns its files into these (:mod:`recordings.formats`); the rest of the tool reads only them.

A :class:`Recording` holds the cheap fields of one exchange (what ``ls`` shows); building it never
reassembles an answer. An :class:`Answer` is the final response a model gave, reassembled from the
exchange on demand (see :mod:`recordings.protocols`).
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from enum import Enum
from typing import Any, Mapping, Sequence


class Kind(str, Enum):
    """What a recorded request was: an HTTP call (``http``), or what an OGX (formerly Llama Stack) recorder
    tells apart: a call through an inference client, a tool invocation, a file processor."""

    INFERENCE = "inference"
    HTTP = "http"
    TOOL = "tool"
    FILE_PROCESSOR = "file-processor"

    def __str__(self) -> str:  # pragma: no cover - trivial
        return self.value


@dataclass(frozen=True, slots=True)
class NodeId:
    """A parsed pytest node id: ``path/test_x.py::[Class::]function[params]``."""

    __test__ = False  # not a pytest test class

    node_id: str
    file: str
    classes: tuple[str, ...]
    function: str
    params: str | None

    @property
    def class_name(self) -> str | None:
        """The class path joined with ``::`` (nested classes), or None."""
        return "::".join(self.classes) if self.classes else None

    @property
    def base(self) -> str:
        """The node id without its parameters."""
        return "::".join((self.file, *self.classes, self.function))

    def to_dict(self) -> dict[str, Any]:
        return {
            "file": self.file,
            "class": self.class_name,
            "function": self.function,
            "params": self.params,
        }


@dataclass(frozen=True, slots=True)
class ExceptionInfo:
    """An exception the recorder stored instead of (or after) a response."""

    type: str | None
    status: int | None
    message: str | None
    category: str | None = None
    provider: str | None = None

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


# --- one recorded exchange ----------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Body:
    """A recorded body: its bytes as the client saw them (any content-encoding decoded), its parsed JSON
    when it is JSON, and how the recorder stored it.

    ``raw`` is None when the recorder kept only parsed JSON (OGX's documents, a serializer's
    ``parsed_body``): :attr:`data` renders it then.
    """

    raw: bytes | None = None
    json: Any = None  # the parsed JSON, or None (absent, or not JSON)
    content_type: str | None = None  # media type, lower case, without parameters
    stored: str = "none"  # none | text | binary | mapping | json: how the recorder wrote it
    encoding: str | None = None  # the declared content-encoding, if any
    problem: str | None = None  # why the body is shown as stored (a declared encoding that does not decode)

    @property
    def data(self) -> bytes:
        if self.raw is not None:
            return self.raw
        if self.json is None:
            return b""
        import orjson

        try:
            return orjson.dumps(self.json)
        except TypeError:
            return repr(self.json).encode()

    def text(self) -> str:
        return self.data.decode("utf-8", "replace")

    @property
    def empty(self) -> bool:
        return self.json is None and not self.raw


@dataclass(frozen=True, slots=True)
class Event:
    """One event of a streamed response: its data (parsed JSON, or the text when it is not JSON, such as
    ``[DONE]``) and its name where the stream names events (SSE ``event:``, AWS ``:event-type``)."""

    data: Any
    name: str | None = None


@dataclass(frozen=True, slots=True)
class Stream:
    """A streamed response body as events, in order. ``kind``: ``sse`` (server-sent events), ``json-lines``
    (one JSON value per line), ``json-array`` (a JSON array of chunks), ``aws-eventstream`` (binary frames)
    or ``objects`` (chunks the recorder stored as a list). ``count`` is what listings call the chunks."""

    kind: str
    events: Sequence[Event]  # a tuple, or events made from the stored chunks when read (streams.Events)
    count: int


@dataclass(frozen=True, slots=True)
class Request:
    method: str | None
    url: str | None
    headers: Mapping[str, str]  # name (as recorded) -> first value
    body: Body
    endpoint: str | None = None  # the operation as the client names it (default: the url's path; a tool's name)
    model: str | None = None  # when the recorder stores it apart from the body
    provider: str | None = None  # when the recorder names it (else read from the url)
    extra: Mapping[str, Any] = field(default_factory=dict)  # what else the recorder stores of the request

    @property
    def content_type(self) -> str | None:
        return self.body.content_type


@dataclass(frozen=True, slots=True)
class Response:
    status: int | None
    headers: Mapping[str, str]
    body: Body
    stream: Stream | None = None
    streamed: bool = False  # the recorder says it was streamed (a stream may have no event)
    error: "ExceptionInfo | None" = None  # an exception the recorder stored instead of (or after) the body

    @property
    def content_type(self) -> str | None:
        return self.body.content_type


@dataclass(frozen=True, slots=True)
class Exchange:
    """One recorded request and its response, and where it is recorded."""

    request: Request
    response: Response
    path: str
    index: int = 0  # its place in its file
    kind: Kind = Kind.HTTP  # what the recorder says the request was (OGX: inference, http, tool, file-processor)
    test_id: str | None = None  # the test the file records it for, when the recorder stores it
    started: str | None = None  # when it was recorded, as recorded (ISO 8601)
    duration_ms: float | None = None
    source: Any = None  # the recorder's own object for it (for that recorder's rules only)

    @property
    def endpoint(self) -> str | None:
        if self.request.endpoint:
            return self.request.endpoint
        from urllib.parse import urlsplit

        try:
            return urlsplit(self.request.url or "").path or None
        except ValueError:
            return None


@dataclass(frozen=True, slots=True)
class Recording:
    """The cheap fields of one recorded exchange."""

    id: str
    path: str
    suite: str
    test_id: str | None
    test: NodeId | None
    kind: Kind
    method: str | None
    endpoint: str | None
    url: str | None
    provider: str | None
    model: str | None
    streaming: bool
    chunks: int
    exception: ExceptionInfo | None
    status: int | None
    size: int
    response_type: str | None
    shared: bool = False  # made outside any test (OGX: no test_id); a cassette's always belong to a test

    @property
    def short_id(self) -> str:
        if "#" in self.id:  # an interaction of a cassette: <cassette>#<n>
            return self.id
        if self.id.startswith("models-"):
            return self.id[:19]
        return self.id[:12]

    @property
    def flags(self) -> tuple[str, ...]:
        out = []
        if self.exception is not None:
            out.append("exception")
        elif self.status is not None and self.status >= 400:
            out.append(f"http-{self.status}")
        if self.shared:
            out.append("shared")
        return tuple(out)

    def state(self) -> list[Any]:
        """Primitives only (JSON- and pickle-friendly), without the path: see :func:`recording_from_state`."""
        e, t = self.exception, self.test
        return [
            self.id, self.suite, self.test_id,
            None if t is None else [t.file, list(t.classes), t.function, t.params],
            self.kind.value, self.method, self.endpoint, self.url, self.provider, self.model, self.streaming,
            self.chunks, None if e is None else [e.type, e.status, e.message, e.category, e.provider],
            self.status, self.size, self.response_type, self.shared,
        ]

    def __reduce__(self) -> tuple[Any, ...]:
        # cheap pickling for worker processes
        return (recording_from_state, (self.path, self.state()))

    def to_dict(self) -> dict[str, Any]:
        """The documented, stable JSON object of ``ls --format json``."""
        return {
            "id": self.id,
            "path": self.path,
            "suite": self.suite,
            "test_id": self.test_id,
            "test": self.test.to_dict() if self.test else None,
            "kind": self.kind.value,
            "method": self.method,
            "endpoint": self.endpoint,
            "url": self.url,
            "provider": self.provider,
            "model": self.model,
            "streaming": self.streaming,
            "chunks": self.chunks,
            "exception": self.exception.to_dict() if self.exception else None,
            "status": self.status,
            "size": self.size,
            "shared": self.shared,
            "response_type": self.response_type,
        }


_KINDS = {k.value: k for k in Kind}
# each field's slot, in field order: a state read back (thousands at a warm ``ls``) fills the slots
# directly instead of going through the frozen dataclass's ``__init__``, which sets them one by one
# through ``object.__setattr__``
_RECORDING_SLOTS = tuple(Recording.__dict__[f].__set__ for f in Recording.__dataclass_fields__)
_NODE_ID_SLOTS = tuple(NodeId.__dict__[f].__set__ for f in NodeId.__dataclass_fields__)


def _filled(cls: Any, slots: tuple[Any, ...], values: tuple[Any, ...]) -> Any:
    obj = object.__new__(cls)
    for fill, value in zip(slots, values):
        fill(obj, value)
    return obj


def recording_from_state(path: str, state: list[Any]) -> Recording:
    """The inverse of :meth:`Recording.state` (state from a worker process or the cache)."""
    (id_, suite, test_id, test, kind, method, endpoint, url, provider, model, streaming, chunks, exception,
     status, size, response_type, shared) = state
    test_obj = None if test is None else _filled(NodeId, _NODE_ID_SLOTS,
                                                 (test_id, test[0], tuple(test[1]), test[2], test[3]))
    recording: Recording = _filled(Recording, _RECORDING_SLOTS, (
        id_, path, suite, test_id, test_obj, _KINDS[kind], method, endpoint, url, provider, model, streaming,
        chunks, None if exception is None else ExceptionInfo(*exception), status, size, response_type, shared))
    return recording


@dataclass(frozen=True, slots=True)
class RecordingFile:
    """A file of a corpus: its path, size and recorder, the exchanges it holds and their cheap fields, its
    bytes and the recorder's own parsed document (for that recorder's rules and rewrites).

    An OGX (formerly Llama Stack) file holds one exchange; a VCR.py cassette one per interaction; a HAR
    file one per entry.
    """

    path: str
    size: int
    format: str
    recordings: tuple[Recording, ...]
    exchanges: tuple[Exchange, ...] = ()
    raw: bytes = b""
    document: Any = None

    @property
    def recording(self) -> Recording:
        """The first recording (most files hold one)."""
        return self.recordings[0]

    @property
    def doc(self) -> Any:
        return self.document


@dataclass(frozen=True, slots=True)
class EmptyFile:
    """A recording file its recorder reads as valid that holds no exchange (a cassette saved with
    ``interactions: []``, a HAR log without entries): not unreadable, judged by ``prune`` like any file of
    its recorder, and listed apart by ``ls``."""

    path: str
    size: int
    format: str
    id: str  # the file's name as the recorder names its recordings (a cassette's stem)
    suite: str
    test_id: str | None = None
    test: NodeId | None = None
    shared: bool = False
    url: str | None = None

    @property
    def short_id(self) -> str:
        return self.id

    def to_dict(self) -> dict[str, Any]:
        return {"path": self.path, "size": self.size, "format": self.format, "test_id": self.test_id}


@dataclass(frozen=True, slots=True)
class Problem:
    """A file that could not be read as a recording, with a one-line reason."""

    path: str
    reason: str
    foreign: bool = False  # a file of no known format (valid JSON or YAML, no recorder's keys): left out, noted

    def to_dict(self) -> dict[str, Any]:
        return {"path": self.path, "reason": self.reason}


@dataclass(frozen=True, slots=True)
class ToolCall:
    index: int
    id: str | None
    name: str | None
    arguments: str

    def to_dict(self) -> dict[str, Any]:
        return {"index": self.index, "id": self.id, "name": self.name, "arguments": self.arguments}


@dataclass(frozen=True, slots=True)
class Usage:
    prompt_tokens: int | None = None
    completion_tokens: int | None = None
    total_tokens: int | None = None

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(frozen=True, slots=True)
class Choice:
    index: int
    role: str | None
    text: str
    reasoning: str
    tool_calls: tuple[ToolCall, ...]
    finish_reason: str | None

    def to_dict(self) -> dict[str, Any]:
        return {
            "index": self.index,
            "role": self.role,
            "text": self.text,
            "reasoning": self.reasoning,
            "tool_calls": [t.to_dict() for t in self.tool_calls],
            "finish_reason": self.finish_reason,
        }


@dataclass(frozen=True, slots=True)
class Answer:
    """The final answer of one recording, whatever its kind.

    ``form`` names the body kind it came from (``chat``, ``completion``,
    ``anthropic``, ``gemini``, ``interactions``, ``embeddings``, ``models``,
    ``tool-result``, ``file-processor``, ``ollama``, ``error``, ``unknown``).
    Chat-like forms fill ``choices``; the others fill the field that fits.
    """

    form: str
    choices: tuple[Choice, ...] = ()
    usage: Usage | None = None
    model: str | None = None
    error: ExceptionInfo | None = None
    embeddings: tuple[int, int] | None = None  # (count, dimensions)
    model_ids: tuple[str, ...] | None = None
    content: str | None = None  # tool results, file-processor chunks, raw bodies
    status: int | None = None
    notes: tuple[str, ...] = field(default=())

    @property
    def text(self) -> str:
        """The text of the first choice (most answers have one)."""
        return self.choices[0].text if self.choices else ""

    def to_dict(self) -> dict[str, Any]:
        return {
            "form": self.form,
            "model": self.model,
            "choices": [c.to_dict() for c in self.choices],
            "usage": self.usage.to_dict() if self.usage else None,
            "error": self.error.to_dict() if self.error else None,
            "embeddings": (
                {"count": self.embeddings[0], "dimensions": self.embeddings[1]} if self.embeddings else None
            ),
            "model_ids": list(self.model_ids) if self.model_ids is not None else None,
            "content": self.content,
            "status": self.status,
            "notes": list(self.notes),
        }
