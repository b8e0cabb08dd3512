"""Decoding a recorded body's ``content-encoding`` (gzip, deflate, br, zstd), for recorders that store the
bytes the server sent. A body that does not decode as declared is kept as stored, with the reason."""

from __future__ import annotations

import zlib

_STEP = 1 << 20  # decoded bytes produced per step: memory grows with the output, never past the ceiling


class TooLarge(Exception):
    """A body (or a whole compressed file) decodes to more than the ceiling: a decompression bomb, or a
    recording larger than any real one. ``limit`` is the ceiling in bytes."""

    def __init__(self, limit: int) -> None:
        super().__init__(f"decodes to more than the {limit}-byte ceiling (a decompression bomb?); "
                         "RECORDINGS_MAX_FILE_BYTES raises it")
        self.limit = limit


class Budget:
    """What may still be decoded from one file: the ceiling (``RECORDINGS_MAX_FILE_BYTES``) counts decoded
    bytes, summed over the file's bodies."""

    def __init__(self, limit: int | None = None) -> None:
        from recordings.files import max_file_bytes

        self.limit = limit if limit is not None else max_file_bytes()
        self.left = self.limit

    def take(self, n: int) -> None:
        self.left -= n
        if self.left < 0:
            raise TooLarge(self.limit)


def _zlib(data: bytes, wbits: int, budget: Budget) -> bytes:
    """Every member of a zlib/gzip stream, decoded step by step under the budget."""
    out: list[bytes] = []
    rest = data
    while rest:
        d = zlib.decompressobj(wbits)
        chunk = d.decompress(rest, _STEP)
        while True:
            budget.take(len(chunk))
            out.append(chunk)
            if d.eof or not d.unconsumed_tail and not chunk:
                break
            chunk = d.decompress(d.unconsumed_tail, _STEP)
        if not d.eof:
            raise zlib.error("incomplete or truncated stream")
        rest = d.unused_data if wbits & 16 and d.unused_data.strip(b"\0") else b""  # gzip: the next member
    return b"".join(out)


def _brotli(data: bytes, budget: Budget) -> bytes:
    import brotli

    d = brotli.Decompressor()
    out = [d.process(data, output_buffer_limit=_STEP)]
    budget.take(len(out[0]))
    while not d.is_finished():
        piece = d.process(b"", output_buffer_limit=_STEP)
        if not piece:
            if d.can_accept_more_data():
                raise ValueError("truncated brotli stream")
            continue
        budget.take(len(piece))
        out.append(piece)
    return b"".join(out)


def _zstd(data: bytes, budget: Budget) -> bytes:
    import io

    import zstandard

    reader = zstandard.ZstdDecompressor().stream_reader(io.BytesIO(data), read_across_frames=True)
    out = []
    while True:
        piece = reader.read(_STEP)
        if not piece:
            break
        budget.take(len(piece))
        out.append(piece)
    return b"".join(out)


def gunzip(data: bytes, budget: Budget | None = None) -> bytes:
    """A gzip file's content (every member), under the ceiling: :class:`TooLarge` past it, ``zlib.error``
    or ``EOFError`` when it does not decode."""
    return _zlib(data, 16 + zlib.MAX_WBITS, budget or Budget())


def decode(data: bytes, encoding: str | None, budget: Budget | None = None) -> tuple[bytes, str | None]:
    """(the decoded bytes, or ``data`` as stored; why it is shown as stored, or None). Decoding stops at
    the ceiling (``budget``: what the file may still decode): :class:`TooLarge`."""
    enc = (encoding or "").strip().lower() or None
    budget = budget if budget is not None else Budget()
    try:
        if enc == "gzip" or enc == "x-gzip":
            return _zlib(data, 16 + zlib.MAX_WBITS, budget), None
        if enc == "deflate":
            try:
                return _zlib(data, zlib.MAX_WBITS, budget), None
            except zlib.error:
                return _zlib(data, -zlib.MAX_WBITS, budget), None
        if enc == "br":
            return _brotli(data, budget), None
        if enc == "zstd":
            return _zstd(data, budget), None
        if enc not in (None, "identity"):
            return data, f"unknown content-encoding {enc!r}: shown as stored"
    except TooLarge:
        raise
    except Exception as exc:  # noqa: BLE001 - any codec error is one line about this body
        return data, f"declared content-encoding {enc} does not decode ({type(exc).__name__})"
    return data, None


def header(headers: dict[str, str], name: str) -> str | None:
    """A header's value, whatever the case the server sent its name in."""
    name = name.lower()
    for k, v in headers.items():
        if k.lower() == name:
            return v
    return None


def media_type(value: str | None) -> str:
    """``application/json; charset=utf-8`` → ``application/json``."""
    return (value or "").split(";")[0].strip().lower()
