"""Where a cassette keeps credentials, and how much each matters (the one list: :mod:`recordings.headers`).

Errors: ``authorization``, ``proxy-authorization``, ``x-api-key``, ``api-key``, ``x-goog-api-key`` request
headers and a request ``cookie`` that carries more than Cloudflare's bot-management cookies; ``key=``
or ``api_key=`` in a url. Warnings: a request cookie of only ``__cf_bm``/``_cfuvid``, response
``set-cookie`` values, and organization or project identifiers (``openai-organization``,
``openai-project``, ``anthropic-organization-id``).
"""

from __future__ import annotations

from recordings.formats.vcr.cassette import Interaction
from recordings.headers import credential_fields as fields_of


def credential_fields(found: list[Interaction]) -> list[tuple[str, str, str, str]]:
    """(where, field, value, severity) of each credential-bearing field of the interactions."""
    out = []
    for it in found:
        out += fields_of(f"interaction #{it.index}", it.request_headers, it.response_headers, it.uri)
    return out
