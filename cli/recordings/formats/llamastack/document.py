"""An OGX (formerly Llama Stack) recording document (one JSON object) read into the model.

:func:`summarize` takes the cheap fields (kind, endpoint, provider, model, test, stream shape) into a
:class:`~recordings.model.Recording`, with a one-line :class:`~recordings.errors.LoadError` when the
shape is wrong; :func:`exchange_of` turns the document into an :class:`~recordings.model.Exchange`,
with the recorder's ``{"__type__", "__data__"}`` envelopes unwrapped (the document stays the
exchange's ``source``, for this format's own rules).
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict

from typing import Any
from urllib.parse import urlsplit

from recordings.errors import LoadError
from recordings.formats.llamastack.layout import suite_of
from recordings.shapes import type_name as _type_name
from recordings.model import Body, Exchange, ExceptionInfo, Kind, Recording, Request, Response
from recordings.names import stem
from recordings.nodeid import try_parse_node_id
from recordings.providers import provider_for_url


def request_kind(request: dict[str, Any]) -> Kind | None:
    if "tool_name" in request:
        return Kind.TOOL
    if "file_id" in request or request.get("api") == "file_processors":
        return Kind.FILE_PROCESSOR
    if "payload" in request:
        return Kind.HTTP
    if "body" in request or "endpoint" in request:
        return Kind.INFERENCE
    return None


def _str(value: Any) -> str | None:
    return value if isinstance(value, str) and value else None


def _status(value: Any) -> int | None:
    return value if isinstance(value, int) and not isinstance(value, bool) else None


def exception_of(response: dict[str, Any]) -> ExceptionInfo | None:
    if not response.get("is_exception"):
        return None
    data = response.get("exception_data")
    data = data if isinstance(data, dict) else {}
    message = _str(data.get("message")) or _str(response.get("exception_message"))
    return ExceptionInfo(
        type=_str(data.get("type")),
        status=_status(data.get("status_code")),
        message=message,
        category=_str(data.get("category")),
        provider=_str(data.get("provider")),
    )


def count_chunks(body: Any, streaming: bool) -> int:
    if not streaming or not isinstance(body, list):
        return 0
    if body and isinstance(body[0], str):  # server-sent-event lines: count data lines
        return sum(1 for line in body if isinstance(line, str) and line.startswith("data:"))
    return len(body)


def response_type_of(body: Any) -> str | None:
    if isinstance(body, list):
        if not body:
            return "list"
        first = body[0]
        if isinstance(first, str):
            return "sse"
        if isinstance(first, dict):
            return first.get("__type__") if isinstance(first.get("__type__"), str) else "dict"
        return "list"
    if isinstance(body, dict):
        t = body.get("__type__")
        return t if isinstance(t, str) else "dict"
    return None


def has_recording_shape(doc: Any) -> bool:
    """Whether :func:`summarize` reads ``doc`` without a LoadError (request and response objects, a
    known request kind): its checks, without building the recording."""
    request = doc.get("request") if isinstance(doc, dict) else None
    return isinstance(request, dict) and isinstance(doc.get("response"), dict) and request_kind(request) is not None


def summarize(path: str, doc: dict[str, Any], size: int) -> Recording:
    """The cheap fields of one recording; LoadError when its shape is wrong."""
    request = doc.get("request")
    if "request" not in doc:
        from recordings.errors import NotARecording

        raise NotARecording(path, "not a recording: no 'request' key", tuple(map(str, doc)))
    if not isinstance(request, dict):
        raise LoadError(path, f"not a recording: 'request' is {_type_name(request)}, not an object")
    response = doc.get("response")
    if "response" not in doc:
        raise LoadError(path, "not a recording: no 'response' key")
    if not isinstance(response, dict):
        raise LoadError(path, f"not a recording: 'response' is {_type_name(response)}, not an object")
    kind = request_kind(request)
    if kind is None:
        raise LoadError(path, "not a recording: request has no known kind (no body, payload, tool_name or file_id)")

    test_id = doc.get("test_id")
    if not isinstance(test_id, str) or not test_id:
        alt = request.get("test_id") if kind is not Kind.INFERENCE else None
        test_id = alt if isinstance(alt, str) and alt else None

    url = _str(request.get("url"))
    method = _str(request.get("method"))
    endpoint: str | None
    model: str | None = None
    if kind is Kind.INFERENCE:
        endpoint = _str(request.get("endpoint"))
        if endpoint is None and url:
            try:
                endpoint = urlsplit(url).path or None
            except ValueError:
                endpoint = None
        body = request.get("body")
        model = _str(request.get("model")) or (_str(body.get("model")) if isinstance(body, dict) else None)
        provider = provider_for_url(url, request.get("provider_metadata"))
    elif kind is Kind.HTTP:
        try:
            endpoint = urlsplit(url).path or None if url else None
        except ValueError:
            endpoint = None
        payload = request.get("payload")
        model = _str(payload.get("model")) if isinstance(payload, dict) else None
        provider = provider_for_url(url)
    elif kind is Kind.TOOL:
        endpoint = _str(request.get("tool_name"))
        provider = _str(request.get("provider"))
    else:
        endpoint = _str(request.get("api")) or "file_processors"
        provider = _str(request.get("provider"))

    body = response.get("body")
    streaming = response.get("is_streaming") is True
    return Recording(
        id=stem(path),
        path=path,
        suite=suite_of(path),
        test_id=test_id,
        test=try_parse_node_id(test_id),
        kind=kind,
        method=method,
        endpoint=endpoint,
        url=url,
        provider=provider,
        model=model,
        streaming=streaming,
        chunks=count_chunks(body, streaming),
        exception=exception_of(response),
        status=_status(response.get("status")),
        size=size,
        response_type=response_type_of(body),
        shared=not test_id,
    )


def unwrap(item: Any) -> Any:
    """A serialized object's data (``{"__type__": …, "__data__": {…}}`` → ``{…}``); anything else as it is."""
    if type(item) is dict:
        data = item.get("__data__")
        if type(data) is dict and isinstance(item.get("__type__"), str):
            return data
    return item


_REQUEST_BODY = {Kind.INFERENCE: "body", Kind.HTTP: "payload", Kind.TOOL: "kwargs"}


def exchange_of(path: str, doc: dict[str, Any], size: int = 0, rec: Recording | None = None) -> Exchange:
    """The document as one exchange (LoadError when its shape is wrong, as :func:`summarize` says; ``rec``:
    its summary, when already made). A stream's chunks are unwrapped only when read."""
    from recordings import streams

    if rec is None:
        rec = summarize(path, doc, size)
    request, response = doc["request"], doc["response"]
    kind = rec.kind
    body_key = _REQUEST_BODY.get(kind)
    headers = request.get("headers")
    extra = {k: v for k, v in request.items() if k not in ("method", "url", "headers", "endpoint", body_key)}
    metadata = request.get("provider_metadata")
    named = metadata.get("provider") if isinstance(metadata, dict) else None
    req = Request(
        method=rec.method, url=rec.url,
        headers={str(k): v if isinstance(v, str) else str(v) for k, v in headers.items()}
        if isinstance(headers, dict) else {},
        body=Body(json=request.get(body_key) if body_key else None, stored="json",
                  content_type="application/json" if body_key else None),
        endpoint=rec.endpoint, model=rec.model,
        provider=rec.provider if kind in (Kind.TOOL, Kind.FILE_PROCESSOR) or named else None, extra=extra)
    body = response.get("body")
    streamed = response.get("is_streaming") is True
    stream = None
    json_body: Any = None
    if isinstance(body, list) and streamed:
        if body and isinstance(body[0], str):  # server-sent-event lines
            stream = streams.sse_lines(body)
        else:
            stream = streams.json_array(body, kind="objects", read=unwrap)
    elif isinstance(body, list):
        json_body = [unwrap(item) for item in body]
    else:
        json_body = unwrap(body)
    resp = Response(status=rec.status, headers={}, body=Body(json=json_body, stored="json" if body is not None
                                                                else "none"),
                    stream=stream, streamed=streamed, error=exception_of(response))
    return Exchange(req, resp, path, 0, kind, rec.test_id, source=doc)


def type_names(doc: object) -> tuple[str, ...]:
    """The distinct ``__type__`` values of a recording's response body (a typed object, or a list of them),
    in first-seen order: what the replayer imports."""
    response = doc.get("response") if isinstance(doc, dict) else None
    body = response.get("body") if isinstance(response, dict) else None
    seen: dict[str, None] = {}
    for item in body if isinstance(body, list) else [body]:
        t = item.get("__type__") if isinstance(item, dict) else None
        if isinstance(t, str) and "." in t:
            seen.setdefault(t, None)
    return tuple(seen)


# packages OGX renamed from Llama Stack's names (old -> new)
RENAMED_PACKAGES = {"llama_stack": "ogx", "llama_stack_api": "ogx_api", "llama_stack_client": "ogx_client"}


def _package(type_name: str) -> str:
    return type_name.split(".", 1)[0]


def odd_types(files_of: dict[str, list[str]]) -> dict[str, str]:
    """The ``__type__`` values that are not the ones the corpus uses, each with why (``files_of``: each
    ``__type__`` and the files that carry it)."""
    modules_of: dict[str, Counter[str]] = defaultdict(Counter)  # class -> module -> files
    packages: Counter[str] = Counter()  # package -> files that use it
    for t, paths in files_of.items():
        module, _, cls = t.rpartition(".")
        modules_of[cls][module] += len(paths)
        packages[_package(t)] += len(paths)
    out = {}
    for t in files_of:
        module, _, cls = t.rpartition(".")
        counts = modules_of[cls]
        best, n_best = counts.most_common(1)[0]
        rest = sum(counts.values()) - n_best
        if best != module and n_best >= 2 and n_best > rest:
            out[t] = (f"the {n_best} other recordings of {cls} use {best}.{cls}; replay cannot import a module "
                      "that is not there and hands the test a plain dict")
            continue
        new = RENAMED_PACKAGES.get(_package(t))
        if new is not None and packages.get(new):
            out[t] = (f"{_package(t)} was renamed {new} (Llama Stack became OGX); {packages[new]} other "
                      f"recording{'s use' if packages[new] != 1 else ' uses'} {new}, so this one was recorded "
                      "before the rename")
    return out


# a body's "__type__" key as the recorder writes it; inside recorded text it is escaped (\"__type__\") and
# never matches
_TYPE_KEY = re.compile(rb'"__type__"\s*:\s*"([A-Za-z_][A-Za-z0-9_]*(?:\.[A-Za-z_][A-Za-z0-9_]*)+)"')


def type_names_in(raw: bytes) -> tuple[str, ...]:
    """:func:`type_names` read from a file's bytes (no parse), in first-seen order."""
    return tuple(dict.fromkeys(m.group(1).decode("ascii") for m in _TYPE_KEY.finditer(raw)))
