"""``normalize`` for HAR files: scrub what changes at every re-record and what must never be kept, as for
cassettes (:mod:`recordings.headers` holds the one list of volatile and credential headers).

* Response headers that change at every re-record are removed, and so are the response's ``cookies``.
* Credential values become ``REDACTED`` (a placeholder already there is kept): credential request headers,
  the request's ``cookies``, ``key=``/``api_key=`` in the url.

A file is rewritten only when dumping it unchanged reproduces its bytes exactly in its own style: JSON with
an indent of two and non-ASCII kept (what Polly.js and browsers write), with or without a final newline.
Any other file (Polly.js's YAML form included) is reported as "unknown style, not rewritten". Bodies are
never touched.
"""

from __future__ import annotations

import json
from typing import Any, Callable

from recordings.rewrite import FilePlan, plan_scrub


def _dump(doc: Any, newline: bool) -> bytes:
    return json.dumps(doc, indent=2, ensure_ascii=False).encode("utf-8", "surrogatepass") + (b"\n" if newline else b"")


def scrub(doc: dict[str, Any], options: dict[str, Any] | None = None, apply: bool = True) -> dict[str, int]:
    """Scrub ``doc`` in place (or only count, with ``apply=False``); the count of each change."""
    from recordings.headers import PLACEHOLDER, URL_KEY, is_placeholder_value, redacted_by_scrub, volatile

    options = options or {}
    extra = {h.lower() for h in options.get("remove", [])}
    keep = {h.lower() for h in options.get("keep", [])}
    placeholder = options.get("placeholder") or PLACEHOLDER
    counts: dict[str, int] = {}

    def count(what: str) -> None:
        counts[what] = counts.get(what, 0) + 1

    log: dict[str, Any] = doc["log"] if isinstance(doc.get("log"), dict) else {}
    for entry in log.get("entries") or []:
        if not isinstance(entry, dict):
            continue
        request: dict[str, Any] = entry["request"] if isinstance(entry.get("request"), dict) else {}
        response: dict[str, Any] = entry["response"] if isinstance(entry.get("response"), dict) else {}
        for h in request.get("headers") or []:
            if isinstance(h, dict) and redacted_by_scrub(str(h.get("name", ""))) and \
                    not is_placeholder_value(h.get("value"), placeholder):
                count("credentials")
                if apply:
                    h["value"] = placeholder
        for c in request.get("cookies") or []:
            if isinstance(c, dict) and not is_placeholder_value(c.get("value"), placeholder):
                count("credentials")
                if apply:
                    c["value"] = placeholder
        url = request.get("url")
        if isinstance(url, str):
            new = URL_KEY.sub(lambda m: m.group(0) if is_placeholder_value(m.group(3), placeholder)
                              else m.group(1) + placeholder, url)
            if new != url:
                count("credentials")
                if apply:
                    request["url"] = new
        headers = response.get("headers")
        if isinstance(headers, list):
            gone = [h for h in headers if isinstance(h, dict) and (volatile(str(h.get("name", ""))) or
                    str(h.get("name", "")).lower() in extra) and str(h.get("name", "")).lower() not in keep]
            for h in gone:
                count("headers")
                if apply:
                    headers.remove(h)
        if response.get("cookies"):
            count("headers")
            if apply:
                response["cookies"] = []
    return counts


def is_normalized(path: str, doc: Any) -> bool:
    """A HAR file's scrub state is what ``normalize --check`` reports; ``stats`` counts OGX's ids only."""
    return True


def _dumper(doc: Any, raw: bytes) -> Callable[[Any], bytes] | None:
    """JSON indented by two, with the file's own final newline or none, when that reproduces its bytes."""
    if raw.lstrip()[:1] != b"{":
        return None
    newline = raw.endswith(b"\n")
    if _dump(doc, newline) != raw:
        return None
    return lambda d: _dump(d, newline)


def plan_file(path: str, extended: bool = False, rehash: bool = False, keep_bytes: bool = False,
              options: dict[str, Any] | None = None) -> FilePlan:
    """What scrubbing ``path`` would change (``extended`` and ``rehash`` have no meaning for HAR files)."""
    from recordings.formats.har.reader import parse

    return plan_scrub(path, parse, scrub, _dumper, options, keep_bytes,
                      "unknown style, not rewritten (dumping it unchanged does not reproduce its bytes as JSON "
                      "indented by two)")
