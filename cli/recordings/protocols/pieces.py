"""A stream's text pieces, joined per field straight from its bytes: what a key split across events
is looked for in, without reassembling the stream.

Every streamed protocol the tool reads carries its answer in a few JSON string fields (OpenAI
``content``/``reasoning_content``/``arguments``, Anthropic ``text``/``thinking``/``partial_json``,
Gemini ``text``), one piece per event. Joining each field's pieces in order rebuilds the text a
key may be split across. The pieces stay JSON-escaped, which changes no character a key is made
of; one literal-led search per field reads them (a full reassembly parses every event).
"""

from __future__ import annotations

import re

FIELDS = (b"text", b"thinking", b"partial_json", b"content", b"reasoning_content", b"reasoning", b"arguments")
_PIECES = tuple(re.compile(rb'"' + name + rb'"[ \t]*:[ \t]*"((?:[^"\\\n]|\\.)*)"') for name in FIELDS)


def joined_pieces(data: bytes) -> list[str]:
    """For each field that occurs more than once in ``data``, its pieces joined in order."""
    out = []
    for pattern in _PIECES:
        pieces = pattern.findall(data)
        if len(pieces) > 1:
            out.append(b"".join(pieces).decode("utf-8", "replace"))
    return out
