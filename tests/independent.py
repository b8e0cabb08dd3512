"""An independent reading of recorded answers, for checking the tool against: plain PyYAML/json over the
raw files and a few lines per protocol, sharing no code with ``recordings`` (no adapter, no protocol
module). It knows fewer shapes than the tool; where it knows one, the two must agree on the answer text."""

from __future__ import annotations

import base64
import gzip
import json
import struct
from typing import Any, Iterator

import yaml


def _body_bytes(body: Any) -> bytes | None:
    if body is None:
        return None
    if isinstance(body, dict):
        if "parsed_body" in body:
            return json.dumps(body["parsed_body"]).encode()
        body = body.get("string")
    if isinstance(body, str):
        return body.encode("utf-8", "surrogatepass")
    if isinstance(body, bytes):
        return body
    return None


def cassette_answers(path: str) -> Iterator[tuple[int, str | None]]:
    """(interaction index, answer text or None when this reader does not know the shape)."""
    raw = open(path, "rb").read()
    if raw[:2] == b"\x1f\x8b":
        raw = gzip.decompress(raw)
    doc = json.loads(raw) if raw.lstrip()[:1] == b"{" else yaml.load(raw, Loader=yaml.CSafeLoader)
    if "interactions" in doc:
        items = [(i.get("response") or {}) for i in doc["interactions"]]
    else:
        items = list(doc.get("responses") or [])
    for n, response in enumerate(items):
        body = response.get("parsed_body") if "parsed_body" in response else response.get("body")
        data = _body_bytes({"parsed_body": body} if "parsed_body" in response else body)
        headers = {str(k).lower(): (v[0] if isinstance(v, list) and v else v) for k, v in
                   (response.get("headers") or {}).items()}
        if data and (headers.get("content-encoding") or "").lower() == "gzip":
            try:
                data = gzip.decompress(data)
            except OSError:
                pass
        yield n, answer_of(data)


def har_answers(path: str) -> Iterator[tuple[int, str | None]]:
    raw = open(path, "rb").read()
    doc = json.loads(raw) if raw.lstrip()[:1] == b"{" else yaml.load(raw, Loader=yaml.CSafeLoader)
    for n, entry in enumerate(doc["log"]["entries"]):
        content = entry["response"].get("content") or {}
        text = content.get("text")
        if text is None:
            yield n, None
            continue
        if content.get("encoding") == "base64":
            pieces = json.loads(text) if text.lstrip().startswith("[") else [text]
            data = b"".join(base64.b64decode(p) for p in pieces)
            enc = {h["name"].lower(): h["value"] for h in entry["response"].get("headers") or []}
            if enc.get("content-encoding") == "gzip":
                data = gzip.decompress(data)
        else:
            data = text.encode()
        yield n, answer_of(data)


def _sse(data: bytes) -> list[tuple[str | None, Any]]:
    events, name = [], None
    for line in data.decode("utf-8", "replace").replace("\r\n", "\n").split("\n"):
        if line.startswith("event:"):
            name = line[6:].strip()
        elif line.startswith("data:"):
            payload = line[5:].strip()
            try:
                events.append((name, json.loads(payload)))
            except ValueError:
                events.append((name, payload))
        elif not line:
            name = None
    return events


def _aws_frames(data: bytes) -> list[tuple[str, Any]]:
    out, at = [], 0
    while at + 12 <= len(data):
        total, hlen = struct.unpack(">II", data[at:at + 8])
        if total < 16 or at + total > len(data):
            break
        headers, pos, end = {}, at + 12, at + 12 + hlen
        while pos < end:
            nlen = data[pos]
            name = data[pos + 1:pos + 1 + nlen].decode()
            pos += 1 + nlen
            vtype = data[pos]
            pos += 1
            if vtype == 7:
                vlen = struct.unpack(">H", data[pos:pos + 2])[0]
                headers[name] = data[pos + 2:pos + 2 + vlen].decode()
                pos += 2 + vlen
            else:
                break
        payload = data[end:at + total - 4]
        try:
            out.append((headers.get(":event-type", ""), json.loads(payload)))
        except ValueError:
            pass
        at += total
    return out


def answer_of(data: bytes | None) -> str | None:
    """The answer text of a response body, for the shapes this reader knows; None for the others."""
    if not data:
        return None
    head = data.lstrip()[:1]
    if data[:1] == b"\x00":  # an AWS event stream (Bedrock ConverseStream)
        frames = _aws_frames(data)
        if not frames:
            return None
        return "".join(f[1].get("delta", {}).get("text", "") for f in frames if f[0] == "contentBlockDelta")
    if head == b"{":
        try:
            body = json.loads(data)
        except ValueError:
            return None
        return _whole(body)
    if head == b"[":  # Gemini's streamGenerateContent without alt=sse: a JSON array of chunks
        try:
            chunks = json.loads(data)
        except ValueError:
            return None
        if not chunks or not all(isinstance(c, dict) and "candidates" in c for c in chunks):
            return None
        return "".join(p["text"] for c in chunks for p in ((c["candidates"][0].get("content") or {}).get("parts") or [])
                       if isinstance(p.get("text"), str) and not p.get("thought"))
    if data.lstrip().startswith((b"data:", b"event:")):
        events = _sse(data)
        texts = []
        known = False  # an event of a protocol this reader knows (an answer of tool calls only has no text)
        for name, ev in events:
            if not isinstance(ev, dict):
                continue
            kind = ev.get("type") or ev.get("object") or name or ""
            known = known or kind in ("chat.completion.chunk", "message_start", "content_block_delta",
                                      "response.created", "completion") or "candidates" in ev
            if ev.get("object") == "chat.completion.chunk":
                for c in ev.get("choices") or []:
                    if c.get("index", 0) == 0 and isinstance((c.get("delta") or {}).get("content"), str):
                        texts.append(c["delta"]["content"])
            elif ev.get("type") == "content_block_delta" and (ev.get("delta") or {}).get("type") == "text_delta":
                texts.append(ev["delta"]["text"])
            elif ev.get("type") == "response.output_text.delta":
                texts.append(ev.get("delta", ""))
            elif "candidates" in ev:
                for p in ((ev["candidates"][0].get("content") or {}).get("parts") or []):
                    if isinstance(p.get("text"), str) and not p.get("thought"):
                        texts.append(p["text"])
            elif name == "completion" and "completion" in ev and "type" not in ev:  # Sourcegraph: cumulative
                texts = [ev["completion"]]
            elif name == "completion" and "deltaText" in ev:
                texts.append(ev["deltaText"])
        if not texts and not known:
            return None
        return "".join(texts)
    return None


def _whole(body: Any) -> str | None:
    if not isinstance(body, dict):
        return None
    if body.get("object") == "chat.completion" and body.get("choices"):
        content = body["choices"][0].get("message", {}).get("content")
        return content if isinstance(content, str) else "" if content is None else None
    if body.get("type") == "message" and isinstance(body.get("content"), list):
        return "".join(b.get("text", "") for b in body["content"] if b.get("type") == "text")
    if "candidates" in body and body["candidates"]:
        parts = (body["candidates"][0].get("content") or {}).get("parts") or []
        return "".join(p.get("text", "") for p in parts if isinstance(p.get("text"), str) and not p.get("thought"))
    output = body.get("output")
    if isinstance(output, dict) and isinstance(output.get("message"), dict):  # Bedrock Converse
        return "".join(b.get("text", "") for b in output["message"].get("content") or [] if "text" in b)
    if body.get("object") == "response" and isinstance(output, list):  # OpenAI Responses
        return "".join(c.get("text", "") for item in output if item.get("type") == "message"
                       for c in item.get("content") or [] if c.get("type") == "output_text")
    return None


def ogx_answer(path: str) -> str | None:
    """An OGX (formerly Llama Stack) recording's answer: its body's ``__data__``, a chat completion or its
    chunks (``choices[0].delta.content``), for the shapes this reader knows."""
    doc = json.load(open(path, encoding="utf-8"))
    body = (doc.get("response") or {}).get("body")

    def data(x: Any) -> Any:
        return x.get("__data__", x) if isinstance(x, dict) else x

    if isinstance(body, list) and body and all(isinstance(b, dict) for b in body):
        chunks = [data(b) for b in body]
        if all(isinstance(c, dict) and c.get("object") == "chat.completion.chunk" for c in chunks):
            return "".join(ch.get("delta", {}).get("content") or "" for c in chunks for ch in c.get("choices") or []
                           if ch.get("index", 0) == 0)
        return None
    if isinstance(body, list) and body and all(isinstance(b, str) for b in body):
        return answer_of("\n".join(body).encode())
    return _whole(data(body))
