"""Reading a recording file safely: regular files only, a size ceiling, and JSON with a one-line reason.

:func:`read_bytes` refuses FIFOs, devices and sockets without opening them and any file over the ceiling
(``RECORDINGS_MAX_FILE_BYTES``); :func:`parse_json` and :func:`parse_document` turn bytes into JSON with
a precise reason on failure; :func:`exact_document` reads JSON exactly, for decisions that rewrite a file.
Every function raises :class:`~recordings.errors.LoadError` with a one-line reason.
"""

from __future__ import annotations

import errno
import os
from typing import Any

import orjson

from recordings.errors import LoadError
from recordings.shapes import type_name

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
        raise LoadError(path, f"top level is {type_name(doc)}, not an object")
    return doc


def parse_document(path: str, raw: bytes) -> dict[str, Any]:
    """Bytes to the top-level JSON object of a recording."""
    doc = parse_json(path, raw)
    if not isinstance(doc, dict):
        raise LoadError(path, f"top level is {type_name(doc)}, not an object")
    return doc
