"""OGX's recorder (formerly Llama Stack's): one JSON file per request, named by the hash of the request.

See ``../shared/docs/recording-format.md``: layouts (:mod:`.layout`), the document and its request kinds
(:mod:`.document`, which also turns it into an exchange), the request-hash rules (:mod:`.hashing`),
normalization (:mod:`.normalization`), replay lookups (:mod:`.explain`) and the rules only this recorder
has (:mod:`.rules`).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from recordings.formats.interface import Recorder
from recordings.formats.llamastack import layout
from recordings.model import Exchange, Recording

if TYPE_CHECKING:
    from recordings.formats.interface import Explain, Hashing, Normalization


class LlamaStackFormat(Recorder):
    name = "ogx"
    aliases = ("llama-stack", "llamastack", "llama_stack")  # the project's name until April 2026
    title = "OGX (formerly Llama Stack)"
    rule_modules = tuple(f"recordings.formats.llamastack.rules.{m}" for m in
                         ("schema", "test_id", "name", "hash", "models_digest", "normalized", "bytes", "stream",
                          "type"))
    shape_rule = "schema"
    suffixes = (".json",)
    one_per_file = True
    top_keys = ("request", "response", "test_id")

    @property
    def hashing(self) -> Hashing:  # imported when first asked: ls never needs it
        from recordings.formats.llamastack import hashing

        return hashing

    @property
    def normalization(self) -> Normalization:
        from recordings.formats.llamastack import normalization

        return normalization

    @property
    def explain(self) -> Explain:
        from recordings.formats.llamastack import explain

        return explain

    def starts_corpus(self, folder_name: str) -> bool:
        return folder_name == layout.FOLDER

    def owns_folder(self, dirpath: str) -> bool:
        return layout.is_recordings_folder(dirpath)

    def claims(self, filename: str) -> bool:
        return filename.endswith(".json")

    def detect(self, raw: bytes) -> bool:
        head = raw[:4096]
        return head.lstrip().startswith(b"{") and b'"request"' in raw and b'"response"' in raw

    def summaries(self, path: str, doc: Any, size: int) -> list[Recording]:
        from recordings.formats.llamastack import document  # not on the warm path: ls reads the cache

        rec = document.summarize(path, doc, size)
        self._last = (doc, rec)  # the exchange of the same document reuses it
        return [rec]

    def exchanges(self, path: str, doc: Any, size: int) -> list[Exchange]:
        from recordings.formats.llamastack import document

        last = getattr(self, "_last", None)
        rec = last[1] if last is not None and last[0] is doc and last[1].path == path else None
        return [document.exchange_of(path, doc, size, rec)]

    def matches(self, ref: str, path: str) -> bool:
        """A prefix of the file's name, or of the request hash it carries (``models-<hash>-…``)."""
        from recordings.names import hash_of_name

        s = self.stem(path)
        return s.startswith(ref) or hash_of_name(s).startswith(ref)

    def raw_response(self, e: Exchange) -> bytes:
        import orjson

        doc = e.source if isinstance(e.source, dict) else {}
        return orjson.dumps(doc.get("response"), option=orjson.OPT_INDENT_2)

    def suite_of(self, path: str) -> str:
        return layout.suite_of(path)

    diffs_headers = False  # the recorded request, headers included, is what a test sends

    def diff_request(self, e: Exchange, headers: bool = False) -> tuple[Any, Any]:
        doc = e.source if isinstance(e.source, dict) else {}
        return doc.get("request"), {}

    def odd_replay_types(self, files_of: dict[str, list[str]]) -> dict[str, str]:
        from recordings.formats.llamastack.document import odd_types

        return odd_types(files_of)

    def replay_types_in(self, raw: bytes) -> tuple[str, ...]:
        from recordings.formats.llamastack.document import type_names_in

        return type_names_in(raw)

    def replay_types(self, doc: Any) -> tuple[str, ...]:
        from recordings.formats.llamastack.document import type_names

        return type_names(doc)

    def diff_response_meta(self, e: Exchange) -> dict[str, Any]:
        doc = e.source if isinstance(e.source, dict) else {}
        response = doc.get("response")
        return {k: v for k, v in response.items() if k != "body"} if isinstance(response, dict) else {}

    def diff_exact(self, e: Exchange) -> dict[str, Any]:
        doc = e.source if isinstance(e.source, dict) else {}
        return {k: doc.get(k) for k in ("test_id", "request", "response")}

    def stream_texts(self, ctx: Any) -> list[str]:
        from recordings.formats.llamastack.chat_stream import chat_stream_of

        chat = chat_stream_of(ctx)  # chat chunks: the one pass the stream rule reads too
        return list(chat.texts) if chat is not None else super().stream_texts(ctx)

    def amend_findings(self, findings: list[Any], keys: list[Any]) -> list[Any]:
        from recordings.formats.llamastack.advice import with_rename_advice

        return with_rename_advice(findings, keys)

    gives_corpus_keys = True

    def corpus_key(self, ctx: Any) -> tuple[str | None, str | None, tuple[str, ...]] | None:
        from recordings.formats.llamastack.rules.hash import computed_hash
        from recordings.formats.llamastack.document import type_names

        if ctx.recording is None:
            return None
        return ctx.recording.test_id, computed_hash(ctx), type_names(ctx.doc)


LLAMA_STACK = LlamaStackFormat()
