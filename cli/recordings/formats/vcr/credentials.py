"""Where a cassette keeps credentials, and how much each matters.

Errors: ``authorization``, ``proxy-authorization``, ``x-api-key``, ``api-key``, ``x-goog-api-key`` request
headers and a request ``cookie`` that carries more than Cloudflare's bot-management cookies; ``key=``
or ``api_key=`` in a url. Warnings: a request cookie of only ``__cf_bm``/``_cfuvid``, response
``set-cookie`` values, and organization or project identifiers (``openai-organization``,
``openai-project``, ``anthropic-organization-id``).
"""

from __future__ import annotations

import re
from recordings.formats.vcr.cassette import Interaction

REQUEST_ERRORS = ("authorization", "proxy-authorization", "x-api-key", "api-key", "x-goog-api-key",
                  "openai-api-key", "ocp-apim-subscription-key")
RESPONSE_WARNINGS = ("set-cookie", "openai-organization", "openai-project", "anthropic-organization-id")
HARMLESS_COOKIES = ("__cf_bm", "_cfuvid")
URL_KEY = re.compile(r"([?&](key|api[_-]?key|access_token|token)=)([^&#\s]+)", re.I)  # prefix, name, value


def _cookie_severity(value: str) -> str:
    names = [part.split("=", 1)[0].strip() for part in value.split(";") if "=" in part]
    return "warning" if names and all(n in HARMLESS_COOKIES for n in names) else "error"


def credential_fields(found: list[Interaction]) -> list[tuple[str, str, str, str]]:
    """(where, field, value, severity) of each credential-bearing field of the interactions."""
    out = []
    for it in found:
        where = f"interaction #{it.index}"
        for name, value in it.request_headers.items():
            low = name.lower()
            if low in REQUEST_ERRORS:
                out.append((f"{where} request.headers", name, value, "error"))
            elif low == "cookie":
                out.append((f"{where} request.headers", name, value, _cookie_severity(value)))
        for name, value in it.response_headers.items():
            if name.lower() in RESPONSE_WARNINGS:
                out.append((f"{where} response.headers", name, value, "warning"))
        for m in URL_KEY.finditer(it.uri or ""):
            out.append((f"{where} request.uri", m.group(2), m.group(3), "error"))
    return out
