"""normalized: response ids, created and Ollama timings are in the recorder's normalized form."""

from __future__ import annotations

from typing import Iterator

from recordings.formats.llamastack.chat_stream import chat_stream_of
from recordings.rules.types import FileContext, Finding
from recordings.names import stem
from recordings.formats.llamastack.normalization import hash_of_name, normalize_document, normalized_id

ID = "normalized"
SEVERITY = "warning"
SUMMARY = "response ids are rec-<hash12>, created is 0, Ollama timestamps and durations are zeroed"
SCOPE = "file"

_WHAT = {
    "id": "ids",
    "created": "created timestamps",
    "created_at": "Ollama created_at timestamps",
    "durations": "Ollama durations",
    "mapping": "a non-empty id_normalization_mapping",
}


def check(ctx: FileContext) -> Iterator[Finding]:
    if ctx.recording is None:
        return
    h = hash_of_name(stem(ctx.path))
    chat = chat_stream_of(ctx)  # a chat stream: its one pass tells when nothing needs normalizing
    if (chat is not None and chat.ids <= {normalized_id(h)} and chat.created <= {0} and not chat.ollama_fields
            and not ctx.doc.get("id_normalization_mapping")):
        return
    changes = normalize_document(ctx.doc, h, apply=False)
    for name, count in changes.counts.items():
        what = _WHAT.get(name, name)
        detail = f" (expected {normalized_id(h)})" if name == "id" else ""
        yield ctx.finding((ID, SEVERITY), f"{count} response {what} not normalized{detail}; "
                                     "`recordings normalize` fixes it", changes.examples[name])
