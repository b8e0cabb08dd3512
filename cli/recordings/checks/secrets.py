"""secrets: API keys, tokens and credential headers anywhere in the request or response."""

from __future__ import annotations

import re
from typing import Any, Iterator

from recordings.checks import FileContext, Finding

ID = "secrets"
SEVERITY = "error"
SUMMARY = "no API keys, tokens, credential headers or key-bearing query strings"

# (name, literal that every match contains at its start, pattern). Each pattern
# starts with its literal so the regex engine can jump between occurrences;
# a pattern runs only when its literal is in the file at all.
TOKENS = [
    ("Anthropic API key", b"sk-ant-", re.compile(rb"sk-ant-[A-Za-z0-9_\-]{20,}")),
    ("OpenAI-style API key", b"sk-", re.compile(rb"sk-(?!ant-)(?:proj-|svcacct-|admin-)?[A-Za-z0-9_\-]{20,}")),
    ("Google API key", b"AIza", re.compile(rb"AIza[0-9A-Za-z_\-]{35}")),
    ("AWS access key id", b"AKIA", re.compile(rb"AKIA[0-9A-Z]{16}(?![A-Z0-9])")),
    ("AWS access key id", b"ASIA", re.compile(rb"ASIA[0-9A-Z]{16}(?![A-Z0-9])")),
    ("GitHub token", b"gh", re.compile(rb"gh[pousr]_[A-Za-z0-9]{36,}")),
    ("GitHub token", b"github_pat_", re.compile(rb"github_pat_[A-Za-z0-9_]{40,}")),
    ("Hugging Face token", b"hf_", re.compile(rb"hf_[A-Za-z0-9]{30,}")),
    ("bearer token", b"earer", re.compile(rb"earer\s+[A-Za-z0-9._~+/\-]{20,}=*")),
]
_WORD = frozenset(b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_-")


def _token_findings(raw: bytes) -> Iterator[tuple[str, str]]:
    seen = set()
    for name, literal, pattern in TOKENS:
        if literal not in raw:
            continue
        for m in pattern.finditer(raw):
            start = m.start()
            before = raw[start - 1] if start else 0
            if name == "bearer token":
                if before not in (ord("B"), ord("b")):
                    continue
                start -= 1
            elif before in _WORD:  # part of a longer word (task-…, ghp inside an id)
                continue
            token = raw[start:m.end()].decode("ascii", "replace")
            if token not in seen:
                seen.add(token)
                yield name, token


CREDENTIAL_HEADERS = {"authorization", "proxy-authorization", "x-api-key", "api-key", "cookie", "set-cookie",
                      "x-goog-api-key", "openai-api-key"}
_QUERY_KEY = re.compile(r"[?&](?:key|api[_-]?key|access_token|token|sig|signature)=([^&#\s]+)", re.I)
PLACEHOLDERS = {"", "redacted", "<redacted>", "***", "xxx", "dummy", "fake", "test", "none", "null",
                "__normalized__"}


def _mask(secret: str) -> str:
    return secret[:6] + "…" if len(secret) > 8 else "…"


def _headers(ctx: FileContext, obj: Any, path: str) -> Iterator[Finding]:
    if not isinstance(obj, dict):
        return
    for key, value in obj.items():
        if isinstance(key, str) and key.lower() in CREDENTIAL_HEADERS and isinstance(value, str):
            if value.strip().lower() not in PLACEHOLDERS:
                yield ctx.finding((ID, SEVERITY), f"credential header {key!r} is recorded ({_mask(value)})",
                                  f"{path}.{key}")


def check(ctx: FileContext) -> Iterator[Finding]:
    rule = (ID, SEVERITY)
    for name, token in _token_findings(ctx.raw):
        yield ctx.finding(rule, f"{name} in the file ({_mask(token)})")
    request = ctx.doc.get("request")
    if isinstance(request, dict):
        yield from _headers(ctx, request.get("headers"), "request.headers")
        url = request.get("url")
        if isinstance(url, str):
            for m in _QUERY_KEY.finditer(url):
                if m.group(1).lower() not in PLACEHOLDERS:
                    yield ctx.finding(rule, f"key-bearing query string in the url ({_mask(m.group(0))})", "request.url")
    response = ctx.doc.get("response")
    if isinstance(response, dict):
        body = response.get("body")
        items = body if isinstance(body, list) else [body]
        for i, item in enumerate(items[:1]):
            if isinstance(item, dict) and isinstance(item.get("sdk_http_response"), dict):
                yield from _headers(ctx, item["sdk_http_response"].get("headers"),
                                    f"response.body[{i}].sdk_http_response.headers")
