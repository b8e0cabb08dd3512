"""Where a HAR entry keeps credentials: the same headers a cassette's interaction does (the one list,
:mod:`recordings.headers`), read from each entry's exchange."""

from __future__ import annotations

from recordings.model import Exchange


def credential_fields(exchanges: list[Exchange]) -> list[tuple[str, str, str, str]]:
    """(where, field, value, severity) of each credential-bearing field of the entries."""
    from recordings.headers import credential_fields as fields_of

    out = []
    for e in exchanges:
        out += fields_of(f"entry #{e.index}", e.request.headers, e.response.headers, e.request.url, "request.headers",
                         "response.headers", "request.url")
    return out
