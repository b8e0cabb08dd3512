"""What a recorded HTTP header means, whatever the recorder: which carry credentials, which change at every
re-record. One list, read by ``validate`` (credentials), ``normalize`` (scrub) and ``diff`` (noise)."""

from __future__ import annotations

import re
from typing import Any, Mapping

# request headers that carry a credential: errors when recorded, redacted by scrub
REQUEST_ERRORS = ("authorization", "proxy-authorization", "x-api-key", "api-key", "x-goog-api-key",
                  "openai-api-key", "ocp-apim-subscription-key")
CREDENTIAL_HEADERS = (*REQUEST_ERRORS, "cookie")  # the request headers validate reports, redacted
RESPONSE_WARNINGS = ("set-cookie", "openai-organization", "openai-project", "anthropic-organization-id")
HARMLESS_COOKIES = ("__cf_bm", "_cfuvid")
URL_KEY = re.compile(r"([?&](key|api[_-]?key|access_token|token)=)([^&#\s]+)", re.I)  # prefix, name, value

# response headers that change at every re-record: removed by scrub, noise for diff
VOLATILE = ("date", "request-id", "x-request-id", "openai-processing-ms", "x-envoy-upstream-service-time",
            "server-timing", "set-cookie", "cf-ray", "cf-cache-status", "x-goog-request-id", "alt-svc", "age",
            "expires", "report-to", "nel", "anthropic-organization-id", "openai-organization", "openai-project")
VOLATILE_PREFIXES = ("x-ratelimit-", "anthropic-ratelimit-", "cf-", "x-amz-")
# response headers that vary with a re-record but that scrubbing keeps (they describe the body)
VARYING = ("etag", "content-length", "via", "server", "last-modified")

PLACEHOLDER = "REDACTED"


def volatile(header: str) -> bool:
    h = header.lower()
    return h in VOLATILE or h.startswith(VOLATILE_PREFIXES)


def cookie_severity(value: str) -> str:
    """``warning`` for a request cookie of only Cloudflare's bot-management cookies, else ``error``."""
    names = [part.split("=", 1)[0].strip() for part in value.split(";") if "=" in part]
    return "warning" if names and all(n in HARMLESS_COOKIES for n in names) else "error"


def is_placeholder_value(value: Any, placeholder: str = PLACEHOLDER) -> bool:
    """A recorded credential value that only stands in for one (``REDACTED``, ``DUMMY``, the project's own)."""
    from recordings.placeholders import is_placeholder

    values = value if isinstance(value, list) else [value]
    return all(isinstance(v, str) and (v in (PLACEHOLDER, placeholder) or is_placeholder(v)) for v in values)


def credential_fields(where: str, request_headers: Mapping[str, str], response_headers: Mapping[str, str],
                      url: str | None, req_at: str = "request.headers", res_at: str = "response.headers",
                      url_at: str = "request.uri") -> list[tuple[str, str, str, str]]:
    """(where, field, value, severity) of the credential-bearing headers and url keys of one exchange."""
    out = []
    for name, value in request_headers.items():
        low = name.lower()
        if low in REQUEST_ERRORS:
            out.append((f"{where} {req_at}", name, value, "error"))
        elif low == "cookie":
            out.append((f"{where} {req_at}", name, value, cookie_severity(value)))
    for name, value in response_headers.items():
        if name.lower() in RESPONSE_WARNINGS:
            out.append((f"{where} {res_at}", name, value, "warning"))
    for m in URL_KEY.finditer(url or ""):
        out.append((f"{where} {url_at}", m.group(2), m.group(3), "error"))
    return out
