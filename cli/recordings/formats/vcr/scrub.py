"""``normalize`` for cassettes: scrub what changes at every re-record and what must never be kept.

* Response headers that change at every re-record are removed: ``date``, request ids, ``cf-*``,
  processing times, rate-limit counters, ``set-cookie``, ``server-timing``.
* Credential values are replaced by ``REDACTED``: ``authorization``, ``x-api-key``, ``api-key``,
  ``x-goog-api-key`` and ``cookie`` request headers, ``key=``/``api_key=`` in urls (a value that is
  already a placeholder, such as ``DUMMY``, is left as it is).

A cassette is rewritten only when dumping it unchanged reproduces its bytes exactly with vcrpy's YAML
settings (``yaml.dump`` with the C dumper); any other file is reported as "unknown style, not
rewritten". Bodies are never touched. Writes are atomic and keep the mode (see the normalizer).
"""

from __future__ import annotations

from typing import Any

from recordings.normalizer import FilePlan

from recordings.formats.vcr.credentials import REQUEST_ERRORS, URL_KEY

PLACEHOLDER = "REDACTED"
CREDENTIAL_HEADERS = (*REQUEST_ERRORS, "cookie")  # the request headers validate reports, redacted
VOLATILE = ("date", "request-id", "x-request-id", "openai-processing-ms", "x-envoy-upstream-service-time",
            "server-timing", "set-cookie", "cf-ray", "cf-cache-status", "x-goog-request-id", "alt-svc", "age",
            "expires", "report-to", "nel", "anthropic-organization-id", "openai-organization", "openai-project")
VOLATILE_PREFIXES = ("x-ratelimit-", "anthropic-ratelimit-", "cf-", "x-amz-")


def _is_placeholder(value: Any, placeholder: str = PLACEHOLDER) -> bool:
    from recordings.rules.secrets import is_placeholder

    values = value if isinstance(value, list) else [value]
    return all(isinstance(v, str) and (v in (PLACEHOLDER, placeholder) or is_placeholder(v)) for v in values)


def volatile(header: str) -> bool:
    h = header.lower()
    return h in VOLATILE or h.startswith(VOLATILE_PREFIXES)


def _dump(doc: Any) -> bytes:
    import yaml

    return yaml.dump(doc, Dumper=getattr(yaml, "CDumper", yaml.Dumper)).encode("utf-8")


def scrub(doc: dict[str, Any], options: dict[str, Any] | None = None, apply: bool = True) -> dict[str, int]:
    """Scrub ``doc`` in place (or only count, with ``apply=False``); the count of each change. ``options``:
    ``[tool.recordings.scrub]`` (``remove``: more response headers to remove, ``keep``: headers never
    removed, ``placeholder``)."""
    options = options or {}
    extra = {h.lower() for h in options.get("remove", [])}
    keep = {h.lower() for h in options.get("keep", [])}
    placeholder = options.get("placeholder") or PLACEHOLDER
    counts: dict[str, int] = {}
    for item in doc.get("interactions") or []:
        request = item.get("request") if isinstance(item, dict) else None
        response = item.get("response") if isinstance(item, dict) else None
        if isinstance(request, dict):
            headers = request.get("headers")
            if isinstance(headers, dict):
                for name, value in headers.items():
                    if str(name).lower() in CREDENTIAL_HEADERS and not _is_placeholder(value, placeholder):
                        if apply:
                            headers[name] = [placeholder]
                        counts["credentials"] = counts.get("credentials", 0) + 1
            uri = request.get("uri")
            if isinstance(uri, str):
                new = URL_KEY.sub(lambda m: m.group(0) if _is_placeholder(m.group(3), placeholder)
                                  else m.group(1) + placeholder, uri)
                if new != uri:
                    if apply:
                        request["uri"] = new
                    counts["credentials"] = counts.get("credentials", 0) + 1
        if isinstance(response, dict) and isinstance(response.get("headers"), dict):
            headers = response["headers"]
            for name in [n for n in headers if (volatile(str(n)) or str(n).lower() in extra)
                         and str(n).lower() not in keep]:
                if apply:
                    del headers[name]
                counts["headers"] = counts.get("headers", 0) + 1
    return counts


def plan_file(path: str, extended: bool = False, rehash: bool = False, keep_bytes: bool = False,
              options: dict[str, Any] | None = None) -> FilePlan:
    """What scrubbing ``path`` would change (``extended`` and ``rehash`` have no meaning for cassettes)."""
    import os

    from recordings.errors import LoadError
    from recordings.formats.vcr.cassette import parse
    from recordings.loader import read_bytes

    try:
        raw = read_bytes(path)
        doc = parse(path, raw)
    except LoadError as exc:
        return FilePlan(path, "problem", reason=exc.reason)
    counts = scrub(doc, options, apply=False)
    if not counts:
        return FilePlan(path, "unchanged")  # decided without serializing
    if raw[:2] == b"\x1f\x8b" or raw.lstrip()[:1] in (b"{", b"[") or _dump(doc) != raw:
        return FilePlan(path, "skipped", counts, reason="unknown style, not rewritten (dumping it unchanged does not "
                                                        "reproduce its bytes with vcrpy's YAML settings)")
    plan = FilePlan(path, "change", counts)
    if os.path.islink(path):
        plan.status = "link"
        plan.reason = f"is a symbolic link to {os.path.realpath(path)}: never written through; scrub the target"
    if keep_bytes:
        scrub(doc, options)
        plan.new_bytes, plan.old_bytes = _dump(doc), raw
    return plan
