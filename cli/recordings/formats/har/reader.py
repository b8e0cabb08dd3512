"""Reading a HAR 1.2 file (browser devtools, Playwright's ``recordHar``, Polly.js's persisters) in JSON or in
Polly's YAML form (``recording.har.yaml``), into exchanges.

``log.entries[]`` each hold a ``request`` (method, url, headers as ``{name, value}`` pairs, ``postData.text``)
and a ``response`` (status, headers, ``content.text``). A body's text is the decoded text, or base64 when
``content.encoding`` says so; Polly.js stores a body it read in chunks as a JSON array of base64 chunks.
Bytes a server sent compressed (``content-encoding``) are decoded here.
"""

from __future__ import annotations

import base64
import binascii
import datetime
from typing import Any

import orjson

from recordings import streams
from recordings.bodies import decode, header, media_type
from recordings.errors import LoadError
from recordings.model import Body, Exchange, Kind, Request, Response
from recordings.shapes import as_dict, as_list, as_str, type_name

SUFFIXES = (".har.yaml", ".har.yml", ".har.json", ".har")


def parse(path: str, raw: bytes) -> dict[str, Any]:
    """A HAR file's top-level mapping (``log`` with ``entries``); LoadError with one line."""
    if not raw.strip():
        raise LoadError(path, "empty file")
    if raw.lstrip()[:1] == b"{":
        from recordings.files import parse_document

        doc: Any = parse_document(path, raw)
    else:
        from recordings.files import load_yaml

        doc = load_yaml(path, raw)
    log = doc.get("log") if isinstance(doc, dict) else None
    if not isinstance(log, dict) or not isinstance(log.get("entries"), list):
        from recordings.errors import NotARecording

        what = type_name(doc) if not isinstance(doc, dict) else "a mapping without a log.entries list"
        raise NotARecording(path, f"not a HAR file: top level is {what}",
                            tuple(map(str, doc)) if isinstance(doc, dict) else None)
    return doc


def name_of(doc: dict[str, Any]) -> str | None:
    """Polly.js's ``_recordingName``, when the file has one."""
    return as_str(as_dict(doc.get("log")).get("_recordingName"))


def _headers(value: Any) -> dict[str, str]:
    out: dict[str, str] = {}
    for h in as_list(value):
        if isinstance(h, dict) and isinstance(h.get("name"), str):
            out.setdefault(h["name"], "" if h.get("value") is None else str(h.get("value")))
    return out


def _text_bytes(content: dict[str, Any]) -> tuple[bytes, str | None]:
    """The bytes a body's ``text`` stands for, and why they could not be read as declared."""
    text = content.get("text")
    if text is None:
        return b"", None
    if not isinstance(text, str):
        return orjson.dumps(text), None
    if (content.get("encoding") or "").lower() != "base64":
        return text.encode("utf-8", "surrogatepass"), None
    pieces: list[str] = [text]
    if text.lstrip().startswith("["):  # Polly.js: the chunks it read, each base64
        try:
            listed = orjson.loads(text)
        except orjson.JSONDecodeError:
            listed = None
        if isinstance(listed, list) and all(isinstance(p, str) for p in listed):
            pieces = listed
    try:
        return b"".join(base64.b64decode(p, validate=False) for p in pieces), None
    except (binascii.Error, ValueError) as exc:
        return text.encode("utf-8", "replace"), f"base64 text does not decode ({exc}): shown as stored"


def _body(data: bytes, ctype: str, stored: str, problem: str | None = None) -> Body:
    parsed = None
    if data.lstrip()[:1] in (b"{", b"[") and not problem:
        try:
            parsed = orjson.loads(data)
        except orjson.JSONDecodeError:
            parsed = None
    return Body(raw=data, json=parsed, content_type=ctype or None, stored=stored, problem=problem)


def _time(value: Any) -> str | None:
    if isinstance(value, datetime.datetime):  # YAML reads ISO times as datetimes
        return value.isoformat()
    return value if isinstance(value, str) else None


def exchanges(path: str, doc: dict[str, Any]) -> list[Exchange]:
    """Every entry as an exchange, its bodies decoded under the file's ceiling (LoadError naming the entry
    past it)."""
    from recordings.bodies import Budget, TooLarge

    budget = Budget()
    out: list[Exchange] = []
    try:
        for i, entry in enumerate(as_list(as_dict(doc.get("log")).get("entries"))):
            out.append(_exchange(path, i, as_dict(entry), budget))
    except TooLarge as exc:
        raise LoadError(path, f"entry #{len(out)}: body {exc}") from None
    return out


def _exchange(path: str, i: int, entry: dict[str, Any], budget: Any) -> Exchange:
    """One entry as an exchange."""
    req, res = as_dict(entry.get("request")), as_dict(entry.get("response"))
    req_headers, res_headers = _headers(req.get("headers")), _headers(res.get("headers"))
    post = as_dict(req.get("postData"))
    post_text = post.get("text")
    req_data = post_text.encode("utf-8", "surrogatepass") if isinstance(post_text, str) else b""
    req_type = media_type(as_str(post.get("mimeType")) or header(req_headers, "content-type"))
    request = Request(as_str(req.get("method")), as_str(req.get("url")), req_headers,
                      _body(req_data, req_type, "text" if post_text is not None else "none"))
    content = as_dict(res.get("content"))
    data, problem = _text_bytes(content)
    stored = "binary" if (content.get("encoding") or "").lower() == "base64" else (
        "text" if content.get("text") is not None else "none")
    encoding = header(res_headers, "content-encoding")
    if encoding and not problem and (content.get("encoding") or "").lower() == "base64":
        data, problem = decode(data, encoding, budget)  # bytes as the server sent them: decoded here
    ctype = media_type(as_str(content.get("mimeType")) or header(res_headers, "content-type"))
    stream = streams.of_body(data, ctype) if not problem else None
    status = res.get("status")
    response = Response(status if isinstance(status, int) and not isinstance(status, bool) else None,
                        res_headers, _body(data, ctype, stored, problem), stream, streamed=stream is not None)
    duration = entry.get("time")
    return Exchange(request, response, path, i, Kind.HTTP, None, _time(entry.get("startedDateTime")),
                    float(duration) if isinstance(duration, (int, float)) else None, source=entry)
