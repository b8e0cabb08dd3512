"""Reading recording files into the model.

Three steps, each raising :class:`~recordings.errors.LoadError` with a one-line
reason: :func:`read_bytes` (the file system), :func:`parse_document` (bytes to
a JSON object, with orjson) and :func:`summarize` (a JSON object to the cheap
fields of a :class:`~recordings.model.Recording`). :func:`scan` runs them over
many files and never raises for a bad one.
"""

from __future__ import annotations

import errno
import os
from dataclasses import dataclass
from typing import Any, Callable, Iterable, Iterator, TypeVar

import orjson

from recordings.errors import LoadError
from recordings.model import Problem, Recording


T = TypeVar("T")

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
        with open(path, "rb", buffering=0) as fh:
            # the size seen, plus a byte to notice growth (asking for the ceiling would make each
            # read reserve the ceiling's memory)
            data = fh.read(st.st_size + 1) or b""
            if len(data) > st.st_size:  # grew since: read on, up to the ceiling
                pieces = [data]
                while sum(map(len, pieces)) <= limit:
                    piece = fh.read(1 << 20)
                    if not piece:
                        break
                    pieces.append(piece)
                data = b"".join(pieces)
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
    import json

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
    import json
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


@dataclass(frozen=True, slots=True)
class Loaded:
    """A file's (first) recording with its parsed document and its bytes; ``recordings`` holds every
    recording of the file (a cassette holds one per interaction)."""

    recording: Recording
    doc: dict[str, Any]
    raw: bytes
    recordings: tuple[Recording, ...] = ()


def _read(path: str) -> tuple[bytes, dict[str, Any], list[Recording], Any]:
    """(bytes, document, recordings as the file holds them, format) of one file; LoadError with one line."""
    from recordings.formats import format_for_file

    raw = read_bytes(path)
    fmt = format_for_file(path, raw)
    doc = fmt.parse(path, raw)
    recs = fmt.summarize_all(path, doc, len(raw))
    if not recs:
        raise LoadError(path, "holds no recording")
    return raw, doc, recs, fmt


def load(path: str) -> Loaded:
    """One file read by its format: its recordings (with the tests the format finds), its parsed document and
    its bytes."""
    raw, doc, recs, fmt = _read(path)
    found = tuple(with_tests(recs, fmt.test_attribution()))
    return Loaded(found[0], doc, raw, found)


def _guarded(read: Callable[[str], T], path: str) -> T | Problem:
    """``read(path)``, or the :class:`Problem` a bad file becomes (never an exception)."""
    try:
        return read(path)
    except LoadError as exc:
        return Problem(path, exc.reason)
    except RecursionError:
        return Problem(path, "nested too deeply to read")
    except Exception as exc:  # noqa: BLE001 - the last line of defence for one bad file
        return Problem(path, f"unreadable ({type(exc).__name__}: {exc})")


def load_one(path: str) -> Loaded | Problem:
    """Like :func:`load`, but a bad file becomes a :class:`Problem`, never an exception."""
    return _guarded(load, path)


def scan_one(path: str) -> list[Recording] | Problem:
    """Cheap fields of one file's recordings, or the Problem that stops it (the document is dropped). Tests
    a format attributes from outside the file are left to :func:`scan` (they are never cached)."""
    return _guarded(lambda p: _read(p)[2], path)


def _encode(item: list[Recording] | Problem) -> list[Any] | None:
    return [r.state() for r in item] if isinstance(item, list) else None


def _decode(path: str, value: list[Any]) -> list[Recording]:
    from recordings.model import recording_from_state

    return [recording_from_state(path, state) for state in value]


def scan(files: Iterable[str], cache: Any = None) -> Iterator[Recording | Problem]:
    """Cheap fields of many files' recordings, in order; a bad file yields a Problem and the scan goes on.

    Parsed documents are dropped at once, so memory stays flat. Large inputs are
    parsed on all cores (see :mod:`recordings.parallel`); the cyclic garbage
    collector is paused while parsing, since JSON makes no cycles. With a
    :class:`~recordings.cache.Cache`, unchanged files are not read at all.
    """
    from recordings.cache import cached_map
    from recordings.formats import format_for_file

    sessions: dict[str, Any] = {}  # format name -> its test attribution for this scan
    for item in cached_map(scan_one, list(files), "recording", _encode, _decode, cache):
        if isinstance(item, list):
            if item:
                fmt = format_for_file(item[0].path)
                if fmt.name not in sessions:
                    sessions[fmt.name] = fmt.test_attribution()
                item = with_tests(item, sessions[fmt.name])
            yield from item
        else:
            yield item


def with_tests(recordings: list[Recording], attribution: Any) -> list[Recording]:
    """One file's recordings with the test its format's attribution finds (as read from the file when the
    format has none, or finds none)."""
    if attribution is None or not recordings:
        return recordings
    test_id = attribution.test_of(recordings[0].path)
    if test_id is None:
        return recordings
    import dataclasses

    from recordings.nodeid import try_parse_node_id

    test = try_parse_node_id(test_id)
    return [dataclasses.replace(r, test_id=test_id, test=test) for r in recordings]
