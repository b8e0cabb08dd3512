"""``normalize`` for cassettes: scrub what changes at every re-record and what must never be kept.

* Response headers that change at every re-record are removed: ``date``, request ids, ``cf-*``,
  processing times, rate-limit counters, ``set-cookie``, ``server-timing``.
* Credential values are replaced by ``REDACTED``: every credential request header
  (:func:`recordings.headers.is_credential_header`: ``authorization``, ``x-api-key``, ``x-subscription-token``…)
  and the ``cookie``, ``key=``/``api_key=`` in urls (a value that is already a placeholder, such as
  ``DUMMY``, ``AUTHORIZATION-XXX`` or one of the project's ``placeholders``, is left as it is).

A cassette is rewritten only when dumping it unchanged reproduces its bytes exactly with vcrpy's YAML
settings (``yaml.dump`` with the C dumper); any other file is reported as "unknown style, not
rewritten". Bodies are never touched. Writes are atomic and keep the mode (see the normalizer).
"""

from __future__ import annotations

from typing import Any, Callable

from recordings.headers import PLACEHOLDER, URL_KEY, is_placeholder_value, redacted_by_scrub, volatile
from recordings.rewrite import FilePlan, plan_scrub

_is_placeholder = is_placeholder_value


def is_normalized(path: str, doc: Any) -> bool:
    """A cassette's scrub state is what ``normalize --check`` reports; ``stats`` counts OGX's ids only."""
    return True


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
                    if redacted_by_scrub(str(name)) and not _is_placeholder(value, placeholder):
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


def _dumper(doc: Any, raw: bytes) -> Callable[[Any], bytes] | None:
    """vcrpy's YAML dump, when dumping the parsed file unchanged reproduces its bytes."""
    if raw[:2] == b"\x1f\x8b" or raw.lstrip()[:1] in (b"{", b"[") or _dump(doc) != raw:
        return None
    return _dump


def plan_file(path: str, extended: bool = False, rehash: bool = False, keep_bytes: bool = False,
              options: dict[str, Any] | None = None) -> FilePlan:
    """What scrubbing ``path`` would change (``extended`` and ``rehash`` have no meaning for cassettes)."""
    from recordings.formats.vcr.cassette import parse

    return plan_scrub(path, parse, scrub, _dumper, options, keep_bytes,
                      "unknown style, not rewritten (dumping it unchanged does not reproduce its bytes with "
                      "vcrpy's YAML settings)")
