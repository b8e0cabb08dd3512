"""Llama Stack's recorder: one JSON file per request, named by the hash of the request.

See ``../shared/docs/recording-format.md``: layouts (:mod:`.layout`), the document and its
request kinds (:mod:`.document`), the request-hash rules (:mod:`.hashing`), normalization
(:mod:`.normalization`) and the rules only this format has (:mod:`.rules`).
"""

from __future__ import annotations

from typing import Any

from recordings.formats import Format
from recordings.formats.llamastack import layout
from recordings.model import Recording


class LlamaStackFormat(Format):
    name = "llama-stack"
    rule_modules = tuple(f"recordings.formats.llamastack.rules.{m}" for m in
                         ("schema", "test_id", "name", "hash", "models_digest", "normalized", "bytes", "stream"))
    shape_rule = "schema"

    @property
    def hashing(self) -> Any:  # imported when first asked: ls and show never need it
        from recordings.formats.llamastack import hashing

        return hashing

    @property
    def normalization(self) -> Any:
        from recordings.formats.llamastack import normalization

        return normalization

    def starts_corpus(self, folder_name: str) -> bool:
        return folder_name == layout.FOLDER

    def owns_folder(self, dirpath: str) -> bool:
        return layout.is_recordings_folder(dirpath)

    def claims(self, filename: str) -> bool:
        return filename.endswith(".json")

    def detect(self, raw: bytes) -> bool:
        head = raw[:4096]
        return head.lstrip().startswith(b"{") and b'"request"' in raw and b'"response"' in raw

    def summarize(self, path: str, doc: dict[str, Any], size: int) -> Recording:
        from recordings.formats.llamastack.document import summarize

        return summarize(path, doc, size)

    def suite_of(self, path: str) -> str:
        return layout.suite_of(path)

    def stream_texts(self, ctx: Any) -> list[str]:
        from recordings.formats.llamastack.chat_stream import chat_stream_of

        chat = chat_stream_of(ctx)  # chat chunks: the one pass the stream rule reads too
        return list(chat.texts) if chat is not None else super().stream_texts(ctx)

    def amend_findings(self, findings: list[Any], keys: list[Any]) -> list[Any]:
        from recordings.formats.llamastack.advice import with_rename_advice

        return with_rename_advice(findings, keys)

    def corpus_key(self, ctx: Any) -> tuple[str | None, str] | None:
        from recordings.formats.llamastack.rules.hash import computed_hash

        if ctx.recording is None:
            return None
        h = computed_hash(ctx)
        return None if h is None else (ctx.recording.test_id, h)


LLAMA_STACK = LlamaStackFormat()
