"""Decoding a recorded body's ``content-encoding`` (gzip, deflate, br, zstd), for recorders that store the
bytes the server sent. A body that does not decode as declared is kept as stored, with the reason."""

from __future__ import annotations

import gzip
import zlib


def decode(data: bytes, encoding: str | None) -> tuple[bytes, str | None]:
    """(the decoded bytes, or ``data`` as stored; why it is shown as stored, or None)."""
    enc = (encoding or "").strip().lower() or None
    try:
        if enc == "gzip" or enc == "x-gzip":
            return gzip.decompress(data), None
        if enc == "deflate":
            try:
                return zlib.decompress(data), None
            except zlib.error:
                return zlib.decompress(data, -zlib.MAX_WBITS), None
        if enc == "br":
            import brotli

            return brotli.decompress(data), None
        if enc == "zstd":
            import zstandard

            return zstandard.ZstdDecompressor().decompressobj().decompress(data), None
        if enc not in (None, "identity"):
            return data, f"unknown content-encoding {enc!r}: shown as stored"
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
