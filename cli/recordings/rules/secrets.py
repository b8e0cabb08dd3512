"""secrets: API keys, tokens and credential headers anywhere in the request or response.

What is looked for, in the file's bytes (one pass finds the lines that hold a marker of some kind,
see "finding where to look" below; the precise patterns then read only those lines):

* provider tokens by their prefix, one kind each (:mod:`recordings.rules.secret_kinds`: gitleaks'
  prefixed formats, OpenAI, Anthropic, xAI, Perplexity, Replicate, Groq, Google, AWS, GitHub, GitLab,
  Slack, Stripe, SendGrid, npm, PyPI, Databricks, Azure's secrets…), JSON Web Tokens and PEM private keys;
* AWS secret access keys next to their name, and any key-looking value in a field whose name says
  api key, secret, access token, password… (``"api_key": "…"``, ``client_secret=…`` in a form body);
* bearer tokens and ``Basic`` credentials (the decoded ``user:password``) in any text;
* credential headers (:func:`recordings.headers.is_credential_header`) wherever a headers mapping
  appears; for cassettes and HAR files, the request headers and url are scanned for tokens too;
* ``key=``/``api_key=``/``token=`` query strings and ``user:password@`` in URLs;
* any prefixed token base64-encoded (found through the base64 spelling of its prefix);
* for streams, the reassembled text and tool arguments too: a key split across two chunks.

Placeholders (:mod:`recordings.placeholders`: ``<redacted>``, ``**REDACTED**``, ``AUTHORIZATION-XXX``,
``fake-key``, the project's own) are not findings. A finding never prints the secret in full.
"""

from __future__ import annotations

import base64
import binascii
import re
from typing import Iterator

from recordings.placeholders import is_placeholder
from recordings.rules import bytescan
from recordings.rules.secret_kinds import KINDS, gate
from recordings.rules.types import FileContext, Finding

__all__ = ["is_placeholder", "scan_bytes", "check"]

ID = "secrets"
SEVERITY = "error"
SUMMARY = "no API keys, tokens, credential headers or key-bearing query strings"
SCOPE = "file"

# the token kinds (secret_kinds.KINDS: gitleaks' prefixed formats and the LLM providers'), and the bearer
# scheme, whose literal ("earer") is found case-blind on its first letter
_PREFIXED = tuple(k for k in KINDS if k.prefix)
_UNPREFIXED = tuple((k, k.pattern, re.compile(gate(k))) for k in KINDS if not k.prefix)
_PREFIXES = tuple(dict.fromkeys(k.prefix for k in _PREFIXED))
_BEARER = re.compile(rb"[Bb]earer\s+[A-Za-z0-9._~+/\-]{20,}=*")

# named secrets: (name, pattern whose group 1 is the secret); _LOWER_GATES says when each runs
_Q = rb'\\?"'  # a JSON quote, or an escaped one inside a JSON string (tool arguments)
# the end of a field name that says it holds a credential; the name's start is read backwards from it
_KEY_NAME = (rb"(?i:api[_-]?key|apikey|secret|access[_-]?token|auth[_-]?token|refresh[_-]?token|"
             rb"bearer[_-]?token|session[_-]?token|id[_-]?token|password|passwd|private[_-]?key|subscription[_-]?key)")
NAMED: list[tuple[str, re.Pattern[bytes] | None]] = [
    ("AWS secret access key",
     re.compile(rb"(?i:aws_?secret_?access_?key)" + _Q + rb"?\s*[:=]\s*" + _Q
                + rb"?([A-Za-z0-9/+]{40})(?![A-Za-z0-9/+])")),
    ("credential in a key-named field", None),  # "api_key": "…", "client_secret": "…", password=… (a form): _key_named
    ("Basic credentials", re.compile(rb"(?<![A-Za-z])[Bb]asic ([A-Za-z0-9+/]{8,}={0,2})")),
    ("password in a url", re.compile(rb"://([^/\s:@\"'\\<>]{1,64}):([^/\s@\"'\\<>]{1,128})@[A-Za-z0-9.\-]")),
]
_KEY_NAMED_NOT = re.compile(rb"(?i)(?:^|[_-])(?:max|num|count|total|type|prompt|completion|input|output|cached|"
                            rb"reasoning|page|next|continuation|cursor)(?:[_-]|$)|tokens$|_ids?$|csrf|xsrf")


def _header_anywhere() -> re.Pattern[bytes]:
    """A credential header written as a JSON pair (``"x-api-key": "…"``), wherever a headers mapping appears."""
    from recordings.headers import REQUEST_ERRORS

    names = b"|".join(re.escape(h.encode()) for h in (*REQUEST_ERRORS, "cookie", "set-cookie"))
    return re.compile(rb'\\?"((?i:' + names + rb'))\\?"\s*:\s*\\?"((?:[^"\\]|\\[^"])*)\\?"')


_HEADER_ANYWHERE = _header_anywhere()
_QUERY_KEY = re.compile(r"[?&](?:key|api[_-]?key|access_token|token|sig|signature)=([^&#\s]+)", re.I)


def _b64_literals() -> list[tuple[bytes, bytes]]:
    """(prefix, a piece of its base64 spelling) at each of the three alignments, for every kind whose
    prefix is long enough to leave a piece of four characters. A base64 key contains one of these pieces;
    the pieces are only hints, confirmed by decoding."""
    out = []
    # the kinds' prefixes, and the longer starts of the kinds whose prefix alone is too short to spell
    extra = (b"sk-proj-", b"sk-svcacct-", b"sk-admin-", b"ghp_", b"gho_", b"ghu_", b"ghs_", b"ghr_", b"glpat-",
             b"xoxb-", b"xoxp-", b"sk_live_", b"rk_live_")
    for prefix in dict.fromkeys((*_PREFIXES, *extra)):
        if len(prefix) < 3:
            continue
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
_B64_PIECES = tuple(dict.fromkeys(piece for _prefix, piece in _B64_HINTS))
_B64_RUN = re.compile(rb"[A-Za-z0-9+/_\-]{16,}={0,2}")

# on the lower-cased bytes: (literal, what it gates)
_LOWER_GATES: tuple[tuple[bytes, str], ...] = (
    (b"authorization", "header"), (b"api-key", "header"), (b"cookie", "header"), (b"subscription-key", "header"),
    (b"-token", "header"), (b"apikey", "header"), (b"private-token", "header"),
    (b"access_key", "AWS secret access key"), (b"accesskey", "AWS secret access key"),
    (b"key", "credential in a key-named field"), (b"token", "credential in a key-named field"),
    (b"secret", "credential in a key-named field"), (b"passw", "credential in a key-named field"),
    (b"basic ", "Basic credentials"), (b"://", "password in a url"),
)


_SET: list = []  # [RE2 set of every gate, the marker of each] once built; [None] without RE2


def _gate_set() -> tuple[object, list[bytes]] | None:
    if not _SET:
        try:
            import re2
        except ImportError:
            _SET.append(None)
            return None
        options = re2.Options()
        options.max_mem = 64 << 20
        gates = re2.Set.SearchSet(options)
        markers: list[bytes] = []
        entries = [(gate(k), k.prefix or k.id.encode()) for k in KINDS]
        entries += [(rb"earer", b"earer")]
        entries += [(rb"(?i:" + re.escape(literal) + rb")", what.encode()) for literal, what in _LOWER_GATES]
        entries += [(re.escape(piece), piece) for piece in _B64_PIECES]
        for pattern, marker in entries:
            gates.Add(pattern)
            markers.append(marker)
        gates.Compile()
        _SET.extend([gates, markers])
    if _SET[0] is None:
        return None
    return _SET[0], _SET[1]


def _present(raw: bytes) -> set[bytes]:
    """What may be in ``raw``: the prefixes of the token kinds, the ids of the kinds without one, the NAMED
    kinds, credential headers (``header``) and base64 pieces: one pass of RE2's set of every gate over the
    (few) candidate lines, or a literal scan for each without RE2."""
    built = _gate_set()
    if built is not None:
        gates, markers = built
        return {markers[i] for i in gates.Match(raw) or ()}  # type: ignore[attr-defined]
    present = {p for p in _PREFIXES if p in raw}
    for kind, _pattern, gate_re in _UNPREFIXED:
        if gate_re.search(raw):
            present.add(kind.id.encode())
    if b"earer" in raw:
        present.add(b"earer")
    low = raw.lower()
    for literal, what in _LOWER_GATES:
        if literal in low:
            present.add(what.encode())
    for piece in _B64_PIECES:
        if piece in raw:
            present.add(piece)
    return present


def _token_findings(raw: bytes, present: set[bytes] | None = None) -> Iterator[tuple[str, str]]:
    """Provider tokens. Each occurrence of a prefix is tried once, and one that follows a letter or a digit
    (inside a word: ``task-…``, an id holding ``ghp``) is skipped before any regex runs; a match resumes the
    search past it, so adversarial input (``eyJeyJeyJ…`` over megabytes) stays linear."""
    seen: set[str] = set()

    def fresh(name: str, token: str) -> bool:
        if token in seen or is_placeholder(token):
            return False
        seen.add(token)
        return True

    for kind in _PREFIXED:
        if present is not None and kind.prefix not in present:
            continue
        # the pattern rejects a start inside a word before reading on (secret_kinds._BOUNDARY): one pass
        for m in kind.pattern.finditer(raw):
            token = m.group(0).decode("ascii", "replace")
            if fresh(kind.name, token):
                yield kind.name, token
    for kind, pattern, _gate in _UNPREFIXED:
        if present is not None and kind.id.encode() not in present:
            continue
        for m in pattern.finditer(raw):
            token = m.group(0).decode("ascii", "replace")
            if fresh(kind.name, token):
                yield kind.name, token
    if present is None or b"earer" in present:
        for m in _BEARER.finditer(raw):
            token = m.group(0).decode("ascii", "replace")
            if fresh("bearer token", token):
                yield "bearer token", token


def _named_findings(raw: bytes, present: set[bytes], headers_apart: bool = False) -> Iterator[tuple[str, str]]:
    from recordings.headers import REQUEST_ERRORS

    as_headers = (*REQUEST_ERRORS, "cookie", "set-cookie")  # what _HEADER_ANYWHERE reports

    for name, pattern in NAMED:
        if name.encode() not in present:
            continue
        if pattern is None:  # the key-named fields
            for field, value in _key_named(raw):
                secret = value.decode("utf-8", "replace")
                if _KEY_NAMED_NOT.search(field) or not _varied(secret) or is_placeholder(secret):
                    continue
                if secret.startswith(PUBLISHABLE):  # a key made to be published (a browser's analytics key)
                    continue
                if headers_apart and field.decode("ascii", "replace").lower() in as_headers:
                    continue  # a credential header: reported as one
                yield f"credential in field {field.decode('ascii', 'replace')!r}", secret
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


# keys their providers publish in web pages on purpose (write-only or read-only by design): never a leak
PUBLISHABLE = ("phc_", "pk_live_", "pk_test_", "pk.eyJ")
_WHOLE_NAME = re.compile(rb"[A-Za-z0-9_\-]*" + _KEY_NAME + rb"$")
_NAME_CHARS = frozenset(b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_-")
# what follows the last word of a credential field's name: a JSON value, or a form value
_TAILS = {kw: re.compile(re.escape(kw) + rb'(?:\\?"\s*:\s*\\?"([^"\\\s]{16,512})\\?"|=([^&\s"\\]{16,512}))')
          for kw in (b"key", b"secret", b"token", b"password", b"passwd")}


def _key_named(raw: bytes) -> Iterator[tuple[bytes, bytes]]:
    """(field name, value) of each field whose name says it holds a credential. Each occurrence of a name's
    last word (``key``, ``secret``, ``token``, ``password``) is tried once, then the name is read backwards
    from it: linear, with no pattern tried at every position."""
    low = raw.lower()
    seen: set[bytes] = set()  # a value repeated (every chunk of a stream, a hostile file) is judged once
    for kw, tail in _TAILS.items():
        for m in tail.finditer(low):  # the regex engine finds the candidates, in one pass
            value_at = 1 if m.group(1) is not None else 2
            value = raw[m.start(value_at):m.end(value_at)]
            if value in seen:
                continue
            seen.add(value)
            field = _field_name(raw, m.start() + len(kw), json=value_at == 1)
            if field is not None:
                yield field, value


def _field_name(raw: bytes, end_at: int, json: bool) -> bytes | None:
    """The whole field name that ends at ``end_at``: read back over name characters (40 at most) to a quote
    (a JSON key) or to the start of a form field (``&``, ``?``, a space, the line's start); None unless the
    name says credential."""
    lo = end_at
    while lo > 0 and raw[lo - 1] in _NAME_CHARS and end_at - lo < 40:
        lo -= 1
    before = raw[lo - 1] if lo else 0
    if json and before != ord('"'):
        return None
    if not json and lo and before not in b"&?; \t\n":
        return None
    name = raw[lo:end_at]
    return name if _WHOLE_NAME.match(name) else None


def _varied(value: str) -> bool:
    """A value that may be a key: letters and digits both (an English word, a path or a date is not), few
    repeats, and not a variable reference (``${API_KEY}``, ``{{ token }}``)."""
    if value.startswith(("$", "{", "%", "<")) or "/" in value.strip("/=") and value.count("/") > 2:
        return False
    has = (any(c.isdigit() for c in value), any(c.isalpha() for c in value))
    return all(has) and len(set(value)) >= max(8, len(value) // 4)


def _base64_findings(raw: bytes, present: set[bytes]) -> Iterator[tuple[str, str]]:
    """Provider keys hidden in base64 text (a config or header encoded into a body). The runs of base64
    characters are found by the regex engine in one pass; each run that holds a hint is decoded once, whole:
    linear in the bytes, whatever repeats in them."""
    pieces = [piece for piece in _B64_PIECES if piece in present]
    if not pieces:
        return
    hint = re.compile(b"|".join(re.escape(p) for p in pieces))
    decoded: dict[bytes, None] = {}  # each distinct run decoded once; then one scan over them all
    for text in dict.fromkeys(run.group(0) for run in _B64_RUN.finditer(raw)):
        if hint.search(text) is None:
            continue
        for alt in (False, True):
            try:
                blob = (base64.urlsafe_b64decode if alt else base64.b64decode)(text + b"=" * (-len(text) % 4))
            except (binascii.Error, ValueError):
                continue
            decoded[blob.replace(b"\n", b" ")] = None
            break
    if decoded:
        joined = b"\n".join(decoded)
        for name, token in _token_findings(joined, _present(joined)):
            yield f"base64-encoded {name}", token


_B64_CHARS = frozenset(b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/_-")


def _mask(secret: str) -> str:
    return secret[:6] + "…" if len(secret) > 8 else "…"


def scan_bytes(raw: bytes, present: set[bytes] | None = None, headers_apart: bool = False) -> list[tuple[str, str]]:
    """Every (kind, secret) in some bytes, once each: the scan ``check`` runs on a file. ``headers_apart``:
    credential headers written as JSON pairs are reported as headers, not as key-named fields."""
    if present is None:
        present = _present(raw)
    out: list[tuple[str, str]] = []
    seen: set[str] = set()
    if not present:
        return out
    for name, secret in (*_token_findings(raw, present), *_named_findings(raw, present, headers_apart),
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
    *(gate(k) for k in KINDS), rb"earer",  # the token kinds
    rb"(?i:aws_?secret_?access_?key)", rb'(?i:key|token|secret|passw(?:or)?d)\\?"[ \t]*:',  # NAMED
    rb"(?i:key|token|secret|passw(?:or)?d)=", rb"(?i:basic )", rb"://",
    rb"(?i:authorization|api-?key|apikey|cookie|subscription-key|-token|access_?key|private-token)",  # headers
    *(re.escape(piece) for piece in _B64_PIECES),  # base64-encoded keys
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


FIX_KEY = ("revoke the key if it was live; then re-record, or replace it with a placeholder (a value such as "
           "sk-DUMMY or REDACTED is not a finding)")
FIX_SCRUB = "`recordings normalize` replaces it with REDACTED (revoke the key if it was live)"
_IDENT = re.compile(r"[A-Za-z_][A-Za-z0-9_]*\Z")
_MAX_NODES = 2_000_000


def json_path_of(doc: object, needle: str) -> str | None:
    """The path (``response.body[12].__data__.choices[0].delta.content``) of the first string of ``doc``, a key
    or a value, that contains ``needle``; None when none does (a body stored encoded)."""
    stack: list[tuple[object, str]] = [(doc, "")]
    seen = 0
    while stack and seen < _MAX_NODES:
        node, path = stack.pop()
        seen += 1
        if isinstance(node, str):
            if needle in node:
                return path or None
        elif isinstance(node, dict):
            items = list(node.items())
            for key, value in reversed(items):
                k = str(key)
                step = (f".{k}" if path else k) if _IDENT.match(k) else f"[{k!r}]"
                if needle in k:
                    return path + step
                stack.append((value, path + step))
        elif isinstance(node, list):
            for i in range(len(node) - 1, -1, -1):
                stack.append((node[i], f"{path}[{i}]"))
    return None


def _line_of(raw: bytes, needle: str, only_once: bool = False) -> int | None:
    """The line of the file where ``needle`` first appears, as stored or JSON-escaped (``only_once``: None
    when it appears more than once, so that the line cannot belong to another place)."""
    import orjson

    for form in (needle.encode("utf-8", "surrogatepass"), orjson.dumps(needle)[1:-1]):
        i = raw.find(form)
        if i >= 0:
            if only_once and raw.find(form, i + 1) >= 0:
                return None
            return raw.count(b"\n", 0, i) + 1
    return None


def _located(ctx: FileContext, rule: tuple[str, str], message: str, needle: str, where: str | None,
             fix: str, severity: str | None = None) -> Finding:
    path = where or json_path_of(ctx.doc, needle)  # where the recorder named it, else the first place it is
    line = _line_of(ctx.raw, needle, only_once=where is not None)
    return Finding(ctx.path, rule[0], severity or rule[1], message, path, line, fix)


def check(ctx: FileContext) -> Iterator[Finding]:
    rule = (ID, SEVERITY)
    fmt = ctx.file_format()
    scrub = FIX_SCRUB if getattr(fmt, "redacts_credentials", False) else FIX_KEY
    fields = fmt.credential_fields(ctx)  # None: credential headers are found in the JSON text below
    seen: set[str] = set()
    for where, blob in fmt.secret_texts(ctx):
        text = bytescan.scan_file(ctx)["secrets"] if blob is ctx.raw else candidate_lines(blob)
        if not text:
            continue
        present = _present(text)
        headers_apart = fields is None and b"header" in present
        for name, token in scan_bytes(text, present, headers_apart):
            if token not in seen:
                seen.add(token)
                yield _located(ctx, rule, f"{name} in the file ({_mask(token)})", token, where, FIX_KEY)
        if fields is None and b"header" in present:
            for m in _HEADER_ANYWHERE.finditer(text):
                value = m.group(2).decode("utf-8", "replace")
                header = m.group(1).decode("ascii", "replace")
                if not is_placeholder(value):
                    yield _located(ctx, rule, f"credential header {header!r} is recorded ({_mask(value)})", value,
                                   None, scrub)
    texts = fmt.stream_texts(ctx)
    if texts:
        joined = candidate_lines("\n".join(texts).encode("utf-8", "surrogatepass"))  # a key never spans lines
        for name, token in _token_findings(joined, _present(joined)) if joined else ():
            if token not in seen and not any(token in s or s in token for s in seen):
                seen.add(token)
                yield Finding(ctx.path, ID, SEVERITY, f"{name} split across stream chunks ({_mask(token)})",
                              "response.body", None, FIX_KEY)
    if fields is not None:
        for where, name, value, severity in fields:
            if not is_placeholder(value):
                yield _located(ctx, rule, f"credential {name!r} is recorded ({_mask(value)})", value, where, scrub,
                               severity)
        return
    url = ctx.recording.url if ctx.recording is not None else None  # the model's field: any format
    if url:
        for q in _QUERY_KEY.finditer(url):
            if not is_placeholder(q.group(1)):
                yield _located(ctx, rule, f"key-bearing query string in the url ({_mask(q.group(0))})", q.group(0),
                               None, scrub)
