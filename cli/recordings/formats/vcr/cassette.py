"""Reading a VCR.py cassette: YAML (libyaml's CSafeLoader when present) or vcrpy's JSON serializer,
either of them gzip-compressed; interactions with their bodies decoded for display and analysis.

Bodies as vcrpy stores them: ``body.string`` text or ``!!binary`` bytes, a plain string, ``null``,
or a JSON body stored as a YAML mapping (``parsed_body``); ``content-encoding`` gzip, deflate, br
and zstd are decoded. Nothing here ever rewrites
a cassette. Websocket-style interactions (``kind``/``direction``/``data``) are kept as messages.
"""

from __future__ import annotations

import zlib
from dataclasses import dataclass, field
from typing import Any, Iterator

import orjson

from recordings.errors import LoadError


@dataclass
class Body:
    """A decoded body: ``data`` (bytes), what it was stored as, and why it could not be decoded."""

    data: bytes = b""
    stored: str = "none"  # none | text | binary | mapping
    encoding: str | None = None  # content-encoding, if any
    problem: str | None = None  # a declared encoding that did not decode
    parsed: Any = None  # a body stored as a mapping (parsed_body)

    def text(self) -> str:
        return self.data.decode("utf-8", "replace")


@dataclass
class Interaction:
    index: int
    method: str | None = None
    uri: str | None = None
    request_headers: dict[str, str] = field(default_factory=dict)
    request_body: Body = field(default_factory=Body)
    status: int | None = None
    response_headers: dict[str, str] = field(default_factory=dict)
    response_body: Body = field(default_factory=Body)
    messages: list[dict[str, Any]] | None = None  # a websocket-style interaction


def parse(path: str, raw: bytes) -> dict[str, Any]:
    """A cassette's top-level mapping (``interactions``, ``version``); LoadError with one line."""
    if raw[:2] == b"\x1f\x8b":
        from recordings.bodies import TooLarge, gunzip

        try:
            raw = gunzip(raw)
        except TooLarge as exc:
            raise LoadError(path, f"gzip cassette {exc}") from None
        except (OSError, EOFError, zlib.error) as exc:
            raise LoadError(path, f"corrupt gzip cassette ({exc})") from None
    if not raw.strip():
        raise LoadError(path, "empty file")
    if b"\x00" in raw[:4096]:
        raise LoadError(path, "binary file (contains NUL bytes), not a cassette")
    doc: Any = None
    json_error = None
    if raw.lstrip()[:1] in (b"{", b"["):  # vcrpy's JSON serializer (or YAML in flow style: tried next)
        try:
            doc = orjson.loads(raw)
        except orjson.JSONDecodeError as exc:
            json_error = exc
    if doc is None:
        from recordings.files import load_yaml

        try:
            doc = load_yaml(path, raw)
        except LoadError as exc:
            if json_error is not None and exc.reason.startswith("invalid YAML"):
                raise LoadError(path, f"invalid JSON cassette: {json_error}") from None
            raise
    if isinstance(doc, dict) and not isinstance(doc.get("interactions"), list) and _parallel_lists(doc):
        return {"interactions": [{"request": q, "response": a} for q, a in zip(doc["requests"], doc["responses"])],
                "version": doc.get("version", 1), LAYOUT: "requests/responses"}
    if not isinstance(doc, dict) or not isinstance(doc.get("interactions"), list):
        from recordings.errors import NotARecording

        what = type(doc).__name__ if not isinstance(doc, dict) else "a mapping without an 'interactions' list"
        raise NotARecording(path, f"not a cassette: top level is {what}",
                            tuple(map(str, doc)) if isinstance(doc, dict) else None)
    return doc


#: the key a parsed document carries when the file's own layout is not vcrpy's ``interactions`` list
LAYOUT = "__layout__"


def _parallel_lists(doc: dict[str, Any]) -> bool:
    """LangChain's standard-tests serializer: ``requests:`` and ``responses:``, two lists of one length."""
    q, a = doc.get("requests"), doc.get("responses")
    return isinstance(q, list) and isinstance(a, list) and len(q) == len(a) and bool(q)


def _headers(value: Any) -> dict[str, str]:
    """Header name → first value (vcrpy keeps every value as a list of strings)."""
    out: dict[str, str] = {}
    if isinstance(value, dict):
        for k, v in value.items():
            if isinstance(v, list):
                v = v[0] if v else ""
            out[str(k)] = v if isinstance(v, str) else str(v)
    return out


def _header(headers: dict[str, str], name: str) -> str | None:
    from recordings.bodies import header

    return header(headers, name)


def decode_body(value: Any, headers: dict[str, str], budget: Any = None) -> Body:
    body = Body()
    if isinstance(value, dict):
        if "parsed_body" in value:
            body.stored, body.parsed = "mapping", value["parsed_body"]
            body.data = orjson.dumps(value["parsed_body"])
            return body
        value = value.get("string")
    if value is None:
        return body
    if isinstance(value, bytes):
        body.stored, data = "binary", value
    elif isinstance(value, str):
        body.stored, data = "text", value.encode("utf-8", "surrogatepass")
    else:
        body.stored, data = "mapping", orjson.dumps(value)
        body.parsed = value
    from recordings.bodies import decode

    encoding = (_header(headers, "content-encoding") or "").strip().lower() or None
    body.encoding = encoding
    data, body.problem = decode(data, encoding, budget)
    body.data = data
    return body


def interactions(doc: dict[str, Any], path: str = "") -> list[Interaction]:
    """Every interaction, its bodies decoded under the file's ceiling (LoadError naming the interaction past
    it)."""
    return list(iter_interactions(doc, path))


def iter_interactions(doc: dict[str, Any], path: str = "") -> Iterator[Interaction]:
    """The interactions one at a time (a diff of two large cassettes holds one pair at once)."""
    from recordings.bodies import Budget, TooLarge

    budget = Budget()
    for i, item in enumerate(doc.get("interactions") or []):
        try:
            yield _interaction(i, item, budget)
        except TooLarge as exc:
            raise LoadError(path, f"interaction #{i}: body {exc}") from None


def _body_of(part: dict[str, Any]) -> Any:
    """A request's or response's body as vcrpy stores it; a serializer that replaces ``body`` with
    ``parsed_body`` (pydantic-ai's) stores the JSON body itself."""
    if "body" not in part and "parsed_body" in part:
        return {"parsed_body": part["parsed_body"]}
    return part.get("body")


def _interaction(i: int, item: Any, budget: Any) -> Interaction:
    it = Interaction(i)
    if not isinstance(item, dict):
        it.messages = [{"data": item}]
        return it
    request, response = item.get("request"), item.get("response")
    if not isinstance(request, dict) and not isinstance(response, dict):
        it.messages = [item]  # websocket-style: kind, direction, data
        return it
    request = request if isinstance(request, dict) else {}
    response = response if isinstance(response, dict) else {}
    it.method = request.get("method") if isinstance(request.get("method"), str) else None
    it.uri = request.get("uri") if isinstance(request.get("uri"), str) else None
    it.request_headers = _headers(request.get("headers"))
    status = response.get("status")
    code = status.get("code") if isinstance(status, dict) else status
    it.status = code if isinstance(code, int) and not isinstance(code, bool) else None
    it.response_headers = _headers(response.get("headers"))
    it.request_body = decode_body(_body_of(request), it.request_headers, budget)
    it.response_body = decode_body(_body_of(response), it.response_headers, budget)
    return it


def content_type(it: Interaction) -> str:
    return (_header(it.response_headers, "content-type") or "").split(";")[0].strip().lower()
