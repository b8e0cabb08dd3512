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


# a run of 20 digits or more: the only numbers orjson reads differently from an exact reading (an integer
# past 64 bits; floats are read to the same double by both). Looked for as twenty zeros in the bytes with
# every digit made a zero and everything else a space: two passes in C, where a regex tries each position.
_DIGITS_AS_ZEROS = bytes(48 if 48 <= b <= 57 else 32 for b in range(256))
_TWENTY = b"0" * 20


def has_big_integer(raw: bytes) -> bool:
    """Whether ``raw`` holds a run of 20 digits or more (a number an exact reading may read otherwise)."""
    return _TWENTY in raw.translate(_DIGITS_AS_ZEROS)


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


# an anchor (&name) or an alias (*name) where a YAML node starts: after a space, a line start or [ { , - :
_ANCHOR_OR_ALIAS = None
MAX_YAML_EXPANSION = 10  # a file's nodes, aliases expanded, may be this many times the nodes it writes


def _yaml_loader() -> Any:
    import yaml

    return getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def _check_aliases(path: str, raw: bytes) -> None:
    """Refuse a YAML file whose aliases expand past a small multiple of its own size (an alias bomb: a few
    hundred bytes that stand for billions of nodes). Counted on libyaml's events, before any object is
    built; only files that may hold an anchor are counted (vcrpy writes none; a dumper writes ``&id001``
    when one object appears twice)."""
    import re

    global _ANCHOR_OR_ALIAS
    if _ANCHOR_OR_ALIAS is None:
        _ANCHOR_OR_ALIAS = re.compile(rb"(?:^|[\s\[{,:-])[&*][^\s,\[\]{}]")
    if b"&" not in raw or _ANCHOR_OR_ALIAS.search(raw) is None:
        return
    import yaml

    sizes: dict[str, int] = {}
    stack: list[list[Any]] = [[None, 0]]  # [anchor, nodes so far] of each open collection
    written = expanded = 0
    for event in yaml.parse(raw, Loader=_yaml_loader()):
        if isinstance(event, (yaml.ScalarEvent, yaml.AliasEvent, yaml.CollectionStartEvent)):
            written += 1
        if isinstance(event, yaml.ScalarEvent):
            stack[-1][1] += 1
            if event.anchor:
                sizes[event.anchor] = 1
        elif isinstance(event, yaml.AliasEvent):
            size = sizes.get(event.anchor or "")
            if size is None:  # an alias to a collection still open: a recursive structure
                raise LoadError(path, f"YAML alias *{event.anchor} refers to itself (a recursive structure): "
                                      "not read")
            stack[-1][1] += size
            expanded += size
        elif isinstance(event, yaml.CollectionStartEvent):
            stack.append([event.anchor, 1])
        elif isinstance(event, yaml.CollectionEndEvent) and len(stack) > 1:
            anchor, count = stack.pop()
            stack[-1][1] += count
            if anchor:
                sizes[anchor] = count
        if expanded > MAX_YAML_EXPANSION * max(written, 1000):
            raise LoadError(path, f"YAML aliases expand past {MAX_YAML_EXPANSION}× the file's own nodes (an alias "
                                  "bomb?): not read")


def load_yaml(path: str, raw: bytes) -> Any:
    """A YAML document read with libyaml's safe loader, its aliases bounded first (:func:`_check_aliases`);
    LoadError with one line."""
    import yaml

    try:
        _check_aliases(path, raw)
        return yaml.load(raw, Loader=_yaml_loader())  # noqa: S506 - a safe loader
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" at line {mark.line + 1} column {mark.column + 1}" if mark is not None else ""
        problem = getattr(exc, "problem", None) or str(exc).splitlines()[0]
        raise LoadError(path, f"invalid YAML{where}: {problem}") from None
    except RecursionError:
        raise LoadError(path, "nested too deeply to read") from None
