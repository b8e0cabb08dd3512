"""secrets: API keys, tokens and credential headers anywhere in the request or response.

What is looked for, in the file's bytes (one pass finds the lines that hold a marker of some kind,
see "finding where to look" below; the precise patterns then read only those lines):

* provider keys by their prefix: OpenAI ``sk-``/``sk-proj-``, Anthropic ``sk-ant-``, Stripe
  ``sk_live_``, Google ``AIza`` and ``ya29.`` OAuth tokens, AWS ``AKIA``/``ASIA`` key ids, GitHub
  ``ghp_``…, Hugging Face ``hf_``, Groq ``gsk_``, Tavily ``tvly-``, NVIDIA ``nvapi-``, Fireworks ``fw_``;
* JSON Web Tokens, PEM private keys, AWS secret access keys next to their name, 64-hex keys in
  fields whose name says key/secret/token/password;
* bearer tokens and ``Basic`` credentials (the decoded ``user:password``) in any text;
* credential headers (``Authorization``, ``X-Api-Key``, ``Cookie``, ``Set-Cookie``,
  ``Ocp-Apim-Subscription-Key``…) wherever a headers mapping appears;
* ``key=``/``api_key=``/``token=`` query strings and ``user:password@`` in URLs;
* any of the provider keys base64-encoded (found through the base64 spelling of their prefixes);
* for streams, the reassembled text and tool arguments too: a key split across two chunks.

Redacted placeholders (``<redacted>``, ``***``, ``fake-key``, ``Bearer ***``…) are not findings.
A finding never prints the secret in full.
"""

from __future__ import annotations

import base64
import binascii
import re
from typing import Iterator

from recordings.placeholders import is_placeholder
from recordings.rules import bytescan
from recordings.rules.types import FileContext, Finding

__all__ = ["is_placeholder", "scan_bytes", "check"]

ID = "secrets"
SEVERITY = "error"
SUMMARY = "no API keys, tokens, credential headers or key-bearing query strings"
SCOPE = "file"

# (name, literal that every match contains at its start, pattern). Each pattern
# starts with its literal so the regex engine can jump between occurrences;
# a pattern runs only when its literal is in the file at all.
TOKENS = [
    ("Anthropic API key", b"sk-ant-", re.compile(rb"sk-ant-[A-Za-z0-9_\-]{20,}")),
    ("OpenAI-style API key", b"sk-", re.compile(rb"sk-(?!ant-)(?:proj-|svcacct-|admin-)?[A-Za-z0-9_\-]{20,}")),
    ("Stripe secret key", b"sk_live_", re.compile(rb"sk_live_[A-Za-z0-9]{20,}")),
    ("Google API key", b"AIza", re.compile(rb"AIza[0-9A-Za-z_\-]{35}")),
    ("Google OAuth token", b"ya29.", re.compile(rb"ya29\.[0-9A-Za-z_\-]{20,}")),
    ("AWS access key id", b"AKIA", re.compile(rb"AKIA[0-9A-Z]{16}(?![A-Z0-9])")),
    ("AWS access key id", b"ASIA", re.compile(rb"ASIA[0-9A-Z]{16}(?![A-Z0-9])")),
    ("GitHub token", b"gh", re.compile(rb"gh[pousr]_[A-Za-z0-9]{36,}")),
    ("GitHub token", b"github_pat_", re.compile(rb"github_pat_[A-Za-z0-9_]{40,}")),
    ("Hugging Face token", b"hf_", re.compile(rb"hf_[A-Za-z0-9]{30,}")),
    ("Groq API key", b"gsk_", re.compile(rb"gsk_[A-Za-z0-9]{40,}")),
    ("Tavily API key", b"tvly-", re.compile(rb"tvly-(?:dev-|prod-)?[A-Za-z0-9]{20,}")),
    ("NVIDIA API key", b"nvapi-", re.compile(rb"nvapi-[A-Za-z0-9_\-]{40,}")),
    ("Fireworks API key", b"fw_", re.compile(rb"fw_[A-Za-z0-9]{20,}")),
    ("JSON web token", b"eyJ",
     re.compile(rb"eyJ[A-Za-z0-9_\-]{8,4096}\.eyJ[A-Za-z0-9_\-]{8,8192}\.[A-Za-z0-9_\-]{16,1024}")),
    ("private key", b"-----BEGIN ", re.compile(rb"-----BEGIN (?:[A-Z]+ )?PRIVATE KEY-----")),
    ("bearer token", b"earer", re.compile(rb"earer\s+[A-Za-z0-9._~+/\-]{20,}=*")),
]
_LETTERS = frozenset(b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz")
_ANCHORED = ("bearer token", "private key")

# named secrets: (name, pattern whose group 1 is the secret); _LOWER_GATES says when each runs
_Q = rb'\\?"'  # a JSON quote, or an escaped one inside a JSON string (tool arguments)
NAMED = [
    ("AWS secret access key",
     re.compile(rb"(?i:aws_?secret_?access_?key)" + _Q + rb"?\s*[:=]\s*" + _Q
                + rb"?([A-Za-z0-9/+]{40})(?![A-Za-z0-9/+])")),
    ("64-hex key in a key-named field",
     re.compile(rb'"(?i:[a-z0-9_\-]{0,40}(?:key|token|secret|password))' + _Q + rb"\s*:\s*" + _Q +
                rb"([0-9a-fA-F]{64})" + _Q)),
    ("Basic credentials", re.compile(rb"(?<![A-Za-z])[Bb]asic ([A-Za-z0-9+/]{8,}={0,2})")),
    ("password in a url", re.compile(rb"://([^/\s:@\"'\\<>]{1,64}):([^/\s@\"'\\<>]{1,128})@[A-Za-z0-9.\-]")),
]

_HEADER_ANYWHERE = re.compile(
    rb'\\?"((?i:authorization|proxy-authorization|x-api-key|api-key|x-goog-api-key|openai-api-key|cookie|set-cookie|'
    rb'ocp-apim-subscription-key|x-auth-token|x-access-token))\\?"\s*:\s*\\?"((?:[^"\\]|\\[^"])*)\\?"')
_QUERY_KEY = re.compile(r"[?&](?:key|api[_-]?key|access_token|token|sig|signature)=([^&#\s]+)", re.I)
def _b64_literals() -> list[tuple[bytes, bytes]]:
    """(prefix, a piece of its base64 spelling) at each of the three alignments. A base64 key
    contains one of these pieces; the pieces are only hints, confirmed by decoding."""
    out = []
    for prefix in (b"sk-proj-", b"sk-ant-", b"AIza", b"AKIA", b"ghp_"):  # the keys most often leaked
        for shift in range(3):
            enc = base64.b64encode(b"\0" * shift + prefix + b"\0\0")
            # characters fully determined by the prefix: skip the ones touched by the padding bytes
            start = (shift * 4 + 2) // 3 if shift else 0
            stop = ((shift + len(prefix)) * 4) // 3
            piece = enc[start:stop]
            if len(piece) >= 4:
                out.append((prefix, piece))
    return out


_B64_HINTS = _b64_literals()
_B64_RUN = re.compile(rb"[A-Za-z0-9+/_\-]{16,512}={0,2}")


# What a file is scanned for, as few literal scans as the kinds allow (each ``in`` is one fast pass
# over the bytes; a combined regex of the literals measured 60x slower than the scans it replaces).
# Each entry: a literal, and the TOKENS literals whose patterns may start where it occurs.
_GATES: tuple[tuple[bytes, tuple[bytes, ...]], ...] = (
    (b"sk-", (b"sk-ant-", b"sk-")), (b"sk_", (b"sk_live_", b"gsk_")), (b"AIza", (b"AIza",)),
    (b"ya29.", (b"ya29.",)), (b"AKIA", (b"AKIA",)), (b"ASIA", (b"ASIA",)), (b"gh", (b"gh", b"github_pat_")),
    (b"hf_", (b"hf_",)), (b"tvly-", (b"tvly-",)), (b"nvapi-", (b"nvapi-",)), (b"fw_", (b"fw_",)),
    (b"eyJ", (b"eyJ",)), (b"-----BEGIN ", (b"-----BEGIN ",)), (b"earer", (b"earer",)),
)
# on the lower-cased bytes: (literal, what it gates)
_LOWER_GATES: tuple[tuple[bytes, str], ...] = (
    (b"authorization", "header"), (b"api-key", "header"), (b"cookie", "header"), (b"subscription-key", "header"),
    (b'-token"', "header"), (b"access_key", "AWS secret access key"), (b"accesskey", "AWS secret access key"),
    (b'key": "', "64-hex key in a key-named field"), (b'token": "', "64-hex key in a key-named field"),
    (b'secret": "', "64-hex key in a key-named field"), (b'password": "', "64-hex key in a key-named field"),
    (b"basic ", "Basic credentials"), (b"://", "password in a url"),
)


def _present(raw: bytes) -> set[bytes]:
    """The TOKENS literals that may occur in ``raw``, the NAMED kinds to look for, and whether credential
    headers may be there (``header``), from about thirty literal scans."""
    present: set[bytes] = set()
    for gate, literals in _GATES:
        if gate in raw:
            present.update(literals)
    low = raw.lower()
    for gate, what in _LOWER_GATES:
        if gate in low:
            present.add(what.encode())
    for _prefix, piece in _B64_HINTS:
        if piece in raw:
            present.add(piece)
    return present


def _token_findings(raw: bytes, present: set[bytes] | None = None) -> Iterator[tuple[str, str]]:
    """Provider tokens. Each occurrence of a literal is tried once, and one preceded by a letter (inside
    a word: ``task-…``, an id holding ``ghp``) is skipped before any regex runs, so adversarial input
    (``eyJeyJeyJ…`` over megabytes) stays linear."""
    seen: set[str] = set()
    for name, literal, pattern in TOKENS:
        if present is not None and literal not in present:
            continue
        at = raw.find(literal)
        while at != -1:
            before = raw[at - 1] if at else 0
            if name == "bearer token":
                ok = before in (ord("B"), ord("b"))
                start = at - 1
            elif name == "JSON web token":  # a token of its own, never the tail of another
                ok = before not in _B64_CHARS
                start = at
            else:
                ok = name in _ANCHORED or before not in _LETTERS
                start = at
            m = pattern.match(raw, at) if ok else None
            if m is None:
                at = raw.find(literal, at + 1)
                continue
            token = raw[start:m.end()].decode("ascii", "replace")
            if token not in seen and not is_placeholder(token):
                seen.add(token)
                yield name, token
            at = raw.find(literal, m.end())


def _named_findings(raw: bytes, present: set[bytes]) -> Iterator[tuple[str, str]]:
    for name, pattern in NAMED:
        if name.encode() not in present:
            continue
        for m in pattern.finditer(raw):
            if name == "Basic credentials":
                try:
                    decoded = base64.b64decode(m.group(1), validate=True)
                except (binascii.Error, ValueError):
                    continue
                if b":" not in decoded or not decoded.isascii() or not decoded.strip(b":"):
                    continue
                secret_part = decoded.partition(b":")[2]
                if is_placeholder(secret_part.decode("ascii", "replace")):
                    continue
                yield name, m.group(0).decode("ascii", "replace")
            elif name == "password in a url":
                password = m.group(2).decode("utf-8", "replace")
                if is_placeholder(password) or password.startswith(("$", "{")):
                    continue
                yield name, m.group(1).decode("utf-8", "replace") + ":" + password
            else:
                secret = m.group(1).decode("ascii", "replace")
                if not is_placeholder(secret):
                    yield name, secret


def _base64_findings(raw: bytes, present: set[bytes]) -> Iterator[tuple[str, str]]:
    """Provider keys hidden in base64 text (a config or header encoded into a body)."""
    hits = [(prefix, piece) for prefix, piece in _B64_HINTS if piece in present]
    if not hits:
        return
    done: set[int] = set()
    for _prefix, piece in hits:
        at = raw.find(piece)
        while at != -1:
            lo = at
            while lo > 0 and raw[lo - 1] in _B64_CHARS and at - lo < 512:
                lo -= 1
            if lo not in done:
                done.add(lo)
                m = _B64_RUN.match(raw, lo)
                if m:
                    text = m.group(0)
                    for alt in (False, True):
                        try:
                            blob = (base64.urlsafe_b64decode if alt else base64.b64decode)(
                                text + b"=" * (-len(text) % 4))
                        except (binascii.Error, ValueError):
                            continue
                        for name, token in _token_findings(blob):
                            yield f"base64-encoded {name}", token
                        break
            at = raw.find(piece, at + 1)


_B64_CHARS = frozenset(b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/_-")


def _mask(secret: str) -> str:
    return secret[:6] + "…" if len(secret) > 8 else "…"


def scan_bytes(raw: bytes, present: set[bytes] | None = None) -> list[tuple[str, str]]:
    """Every (kind, secret) in some bytes, once each: the scan ``check`` runs on a file."""
    if present is None:
        present = _present(raw)
    out: list[tuple[str, str]] = []
    seen: set[str] = set()
    if not present:
        return out
    for name, secret in (*_token_findings(raw, present), *_named_findings(raw, present),
                         *_base64_findings(raw, present)):
        if secret not in seen:
            seen.add(secret)
            out.append((name, secret))
    return out


# --- finding where to look: one pass over the bytes -------------------------------------------------
#
# Every precise pattern above matches within one line (JSON escapes newlines in strings; a cassette's
# decoded body is scanned the same way) and contains one of these gates. One pass of RE2's automaton
# over the bytes (:mod:`recordings.rules.bytescan`, shared with the bytes rule) finds every gate; the
# lines holding one are the only text the precise patterns, the literal gates of ``_present`` and the
# header scan then read: a few lines, where the whole file used to be scanned about thirty times.
# Without RE2 (no wheel for the machine) the distinct lines of the text are scanned instead: the same
# findings, slower.
_CANDIDATE_GATES: tuple[bytes, ...] = (
    rb"sk-", rb"sk_live_", rb"gsk_", rb"AIza", rb"ya29\.", rb"AKIA", rb"ASIA", rb"gh[pousr]_", rb"github_pat_",
    rb"hf_", rb"tvly-", rb"nvapi-", rb"fw_", rb"eyJ", rb"-----BEGIN ", rb"earer",  # TOKENS
    rb"(?i:aws_?secret_?access_?key)", rb'(?i:key|token|secret|password)\\?"[ \t]*:',  # NAMED
    rb"(?i:basic )", rb"://",
    rb"(?i:authorization|api-key|cookie|subscription-key|-token|access_?key)",  # headers, _LOWER_GATES
    *(re.escape(piece) for _prefix, piece in _B64_HINTS),  # base64-encoded keys
)


def candidate_lines(blob: bytes) -> bytes:
    """The lines of ``blob`` that may hold a secret, each once, in order (all the precise patterns need
    to read), found in one pass; without RE2, the distinct lines of the whole blob."""
    return bytescan.scan(blob)["secrets"]


def distinct_lines(raw: bytes) -> bytes:
    """The file's distinct lines. A secret never spans lines (JSON escapes newlines in strings), and a
    stream repeats the same lines chunk after chunk: scanning distinct lines finds the same secrets in
    about a sixth of the bytes."""
    if raw.count(b"\n") < 8:
        return raw
    return b"\n".join(dict.fromkeys(raw.split(b"\n")))


bytescan.register("secrets", _CANDIDATE_GATES, lambda blob: distinct_lines(blob))


def check(ctx: FileContext) -> Iterator[Finding]:
    rule = (ID, SEVERITY)
    fmt = ctx.file_format()
    fields = fmt.credential_fields(ctx)  # None: credential headers are found in the JSON text below
    seen: set[str] = set()
    for where, blob in fmt.secret_texts(ctx):
        text = bytescan.scan_file(ctx)["secrets"] if blob is ctx.raw else candidate_lines(blob)
        present = _present(text)
        for name, token in scan_bytes(text, present):
            if token not in seen:
                seen.add(token)
                yield ctx.finding(rule, f"{name} in the file ({_mask(token)})", where)
        if fields is None and b"header" in present:
            for m in _HEADER_ANYWHERE.finditer(text):
                value = m.group(2).decode("utf-8", "replace")
                header = m.group(1).decode("ascii", "replace")
                if not is_placeholder(value):
                    yield ctx.finding(rule, f"credential header {header!r} is recorded ({_mask(value)})")
    texts = fmt.stream_texts(ctx)
    if texts:
        joined = "\n".join(texts).encode("utf-8", "surrogatepass")
        for name, token in _token_findings(joined):
            if token not in seen and not any(token in s or s in token for s in seen):
                seen.add(token)
                yield ctx.finding(rule, f"{name} split across stream chunks ({_mask(token)})", "response.body")
    if fields is not None:
        for where, name, value, severity in fields:
            if not is_placeholder(value):
                yield Finding(ctx.path, ID, severity, f"credential {name!r} is recorded ({_mask(value)})", where)
        return
    url = ctx.recording.url if ctx.recording is not None else None  # the model's field: any format
    if url:
        for q in _QUERY_KEY.finditer(url):
            if not is_placeholder(q.group(1)):
                yield ctx.finding(rule, f"key-bearing query string in the url ({_mask(q.group(0))})", "url")
