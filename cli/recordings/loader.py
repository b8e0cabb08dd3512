"""Reading recording files into the model.

Three steps, each raising :class:`~recordings.errors.LoadError` with a one-line
reason: :func:`read_bytes` (the file system), :func:`parse_document` (bytes to
a JSON object, with orjson) and :func:`summarize` (a JSON object to the cheap
fields of a :class:`~recordings.model.Recording`). :func:`scan` runs them over
many files and never raises for a bad one.
"""

from __future__ import annotations

import errno
import functools
import json
import os
from dataclasses import dataclass
from typing import Any, Iterable, Iterator
from urllib.parse import urlsplit

import orjson

from recordings.errors import LoadError
from recordings.model import ExceptionInfo, Kind, Problem, Recording
from recordings.names import stem
from recordings.providers import provider_for_url
from recordings.nodeid import try_parse_node_id


MAX_FILE_BYTES = 512 * 1024 * 1024  # no real recording comes near; a larger file is not read


def max_file_bytes() -> int:
    try:
        return int(os.environ.get("RECORDINGS_MAX_FILE_BYTES", "")) or MAX_FILE_BYTES
    except ValueError:
        return MAX_FILE_BYTES


def read_bytes(path: str) -> bytes:
    """A regular file's bytes. FIFOs, devices and sockets are refused without opening them (a FIFO
    would block, ``/dev/zero`` never ends), and so is a file over the size ceiling."""
    import stat

    limit = max_file_bytes()
    try:
        st = os.stat(path)
        if stat.S_ISDIR(st.st_mode):
            raise IsADirectoryError(errno.EISDIR, "Is a directory")
        if not stat.S_ISREG(st.st_mode):
            raise LoadError(path, f"not a regular file ({_file_type(st.st_mode)}): not read")
        if st.st_size > limit:
            raise LoadError(path, f"too large to be a recording ({st.st_size} bytes, over the {limit}-byte "
                                  "ceiling; RECORDINGS_MAX_FILE_BYTES raises it)")
        with open(path, "rb") as fh:
            data = fh.read(limit + 1)
        if len(data) > limit:
            raise LoadError(path, f"too large to be a recording (over the {limit}-byte ceiling)")
        return data
    except IsADirectoryError:
        raise LoadError(path, "is a folder, not a recording file") from None
    except OSError as exc:
        if exc.errno == errno.ELOOP:
            raise LoadError(path, "symlink loop (too many levels of symbolic links)") from None
        raise LoadError(path, f"cannot read: {exc.strerror or exc}") from None


def _file_type(mode: int) -> str:
    import stat

    for test, name in ((stat.S_ISFIFO, "a FIFO"), (stat.S_ISCHR, "a character device"),
                       (stat.S_ISBLK, "a block device"), (stat.S_ISSOCK, "a socket")):
        if test(mode):
            return name
    return "not a regular file"


def _reject_constant(name: str) -> Any:
    raise ValueError(f"{name} is not valid JSON")


def parse_json(path: str, raw: bytes) -> Any:
    """Parse bytes as JSON (orjson), with a precise reason on failure."""
    if not raw.strip():
        raise LoadError(path, "empty file")
    try:
        return orjson.loads(raw)
    except orjson.JSONDecodeError as exc:
        orjson_error = exc
    if b"\x00" in raw:
        raise LoadError(path, "binary file (contains NUL bytes), not JSON")
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise LoadError(path, f"not UTF-8 (invalid byte at offset {exc.start})") from None
    # orjson refuses a few things stdlib json reads (integers past 64 bits):
    # accept those, but never NaN or Infinity.
    try:
        return json.loads(text, parse_constant=_reject_constant)
    except ValueError as exc:
        pos = getattr(exc, "pos", None)
        msg = getattr(exc, "msg", "")
        if (pos is not None and pos >= len(text.rstrip())) or msg.startswith("Unterminated string"):
            raise LoadError(path, f"truncated JSON (ends after {len(raw)} bytes)") from None
        lineno = getattr(exc, "lineno", None)
        if lineno is not None:
            raise LoadError(path, f"invalid JSON at line {lineno} column {getattr(exc, 'colno', '?')}: "
                                  f"{msg}") from None
        raise LoadError(path, f"invalid JSON: {exc}") from None
    except RecursionError:
        raise LoadError(path, f"invalid JSON: {orjson_error}") from None


def exact_document(path: str, raw: bytes) -> dict[str, Any]:
    """The document read exactly, for decisions that rewrite or rename it.

    orjson (the fast reader) turns integers past 64 bits into floats and keeps the last of duplicate
    keys without a word. This reading keeps every integer exact, and raises LoadError for duplicate
    keys and for numbers that overflow a double (``1e400``): no rewrite could keep what they say.
    """
    import math

    def pairs(items: list[tuple[str, Any]]) -> dict[str, Any]:
        obj: dict[str, Any] = {}
        for k, v in items:
            if k in obj:
                raise LoadError(path, f"duplicate key {k!r} in one object: left alone (which value is meant?)")
            obj[k] = v
        return obj

    def number(text: str) -> float:
        value = float(text)
        if math.isinf(value):
            raise LoadError(path, f"number {text[:40]} does not fit a double: left alone (it could not be written "
                                  "back exactly)")
        return value

    try:
        doc = json.loads(raw.decode("utf-8"), object_pairs_hook=pairs, parse_float=number,
                         parse_constant=_reject_constant)
    except LoadError:
        raise
    except (ValueError, RecursionError):
        return parse_document(path, raw)  # raises the precise reason
    if not isinstance(doc, dict):
        raise LoadError(path, f"top level is {_type_name(doc)}, not an object")
    return doc


def parse_document(path: str, raw: bytes) -> dict[str, Any]:
    """Bytes to the top-level JSON object of a recording."""
    doc = parse_json(path, raw)
    if not isinstance(doc, dict):
        raise LoadError(path, f"top level is {_type_name(doc)}, not an object")
    return doc


def _type_name(value: Any) -> str:
    if value is None:
        return "null"
    return {
        dict: "an object",
        list: "a list",
        str: "a string",
        bool: "a boolean",
        int: "a number",
        float: "a number",
    }.get(type(value), type(value).__name__)


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


def suite_of(path: str) -> str:
    """The suite a recording lives in, from its location."""
    return _suite_of_folder(os.path.dirname(path))


@functools.lru_cache(maxsize=4096)
def _suite_of_folder(folder: str) -> str:
    parent = os.path.abspath(folder)
    parts = parent.replace(os.sep, "/").split("/")
    if "recordings" not in parts:
        return os.path.basename(parent) or "."
    cut = len(parts) - 1 - parts[::-1].index("recordings")
    inner = parts[cut + 1:]  # folders below the recordings folder
    if inner:
        # recordings/responses: the legacy layout; recordings/vision/responses: an older nested one
        if inner[-1] == "responses":
            inner = inner[:-1]
            return "/".join(["legacy", *inner])
        return "/".join([_suite_of_folder("/".join(parts[:cut + 1])), *inner])
    suite_dir = "/".join(parts[:cut])
    marker = "/tests/integration/"
    cut = suite_dir.rfind(marker)
    if cut != -1:
        return suite_dir[cut + len(marker):]
    if suite_dir.endswith("/tests/integration"):
        return "integration"
    return os.path.basename(suite_dir) or "."


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


def summarize(path: str, doc: dict[str, Any], size: int) -> Recording:
    """The cheap fields of one recording; LoadError when its shape is wrong."""
    request = doc.get("request")
    if "request" not in doc:
        raise LoadError(path, "not a recording: no 'request' key")
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
    )


@dataclass(frozen=True, slots=True)
class Loaded:
    """A recording with its parsed document and its bytes."""

    recording: Recording
    doc: dict[str, Any]
    raw: bytes


def load(path: str) -> Loaded:
    raw = read_bytes(path)
    doc = parse_document(path, raw)
    return Loaded(summarize(path, doc, len(raw)), doc, raw)


def load_one(path: str) -> Loaded | Problem:
    """Like :func:`load`, but a bad file becomes a :class:`Problem`, never an exception."""
    try:
        return load(path)
    except LoadError as exc:
        return Problem(path, exc.reason)
    except RecursionError:
        return Problem(path, "nested too deeply to read")
    except Exception as exc:  # noqa: BLE001 - the last line of defence for one bad file
        return Problem(path, f"unreadable ({type(exc).__name__}: {exc})")


def scan_one(path: str) -> Recording | Problem:
    """Cheap fields of one file, or the Problem that stops it (the parsed document is dropped)."""
    item = load_one(path)
    return item.recording if isinstance(item, Loaded) else item


def _encode(item: Recording | Problem) -> list[Any] | None:
    return item.state() if isinstance(item, Recording) else None


def scan(files: Iterable[str], cache: Any = None) -> Iterator[Recording | Problem]:
    """Cheap fields of many files, in order; a bad file yields a Problem and the scan goes on.

    Parsed documents are dropped at once, so memory stays flat. Large inputs are
    parsed on all cores (see :mod:`recordings.parallel`); the cyclic garbage
    collector is paused while parsing, since JSON makes no cycles. With a
    :class:`~recordings.cache.Cache`, unchanged files are not read at all.
    """
    from recordings.cache import cached_map
    from recordings.model import recording_from_state

    yield from cached_map(scan_one, list(files), "recording", _encode, recording_from_state, cache)
