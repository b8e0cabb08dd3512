"""VCR.py cassettes (usually written through pytest-recording): one YAML or JSON file per test,
holding a list of request/response interactions; each interaction is one recording.

Read by :mod:`.cassette` (YAML with libyaml, JSON, gzip; bodies decoded), seen by the model through
:mod:`.adapter` (a :class:`~recordings.model.Recording` per interaction, and a document in the shape
the protocol readers take). Every command but ``explain`` (Llama Stack's replay lookups) takes
cassettes: ``normalize`` scrubs them (:mod:`.scrub`), ``validate`` checks credentials
(:mod:`.credentials`) and their shape (:mod:`.rules`), ``prune`` finds their test (:mod:`.naming`).
"""

from __future__ import annotations

import os
from typing import Any, Iterator

from recordings.formats.interface import Normalization, Recorder
from recordings.model import Exchange, Recording


SUFFIXES = (".yaml", ".yml", ".json", ".yaml.gz", ".yml.gz", ".json.gz")  # what claims() takes


_DECODED: list[Any] = []  # [document, its interactions]: the last cassette decoded, read once for both views


def decoded(doc: dict[str, Any], path: str = "") -> Any:
    """A parsed cassette's interactions, their bodies decoded (once, when the same document is asked again);
    LoadError when they decode past the ceiling."""
    from recordings.formats.vcr.cassette import interactions

    if _DECODED and _DECODED[0] is doc:
        return _DECODED[1]
    found = interactions(doc, path)
    _DECODED[:] = [doc, found]
    return found


def _interactions(ctx: Any) -> Any:
    """A rule context's interactions, their bodies decoded once for every rule that asks."""
    return ctx.cached("interactions", lambda: decoded(ctx.doc, ctx.path))


def _scrub() -> Normalization:
    from recordings.formats.vcr import scrub

    return scrub


class VcrFormat(Recorder):
    name = "vcr"
    aliases = ("vcrpy", "cassette", "cassettes")
    title = "VCR.py"
    suffixes = (".yaml.gz", ".yml.gz", ".json.gz", ".yaml", ".yml", ".json")
    rule_modules = ("recordings.formats.vcr.rules.cassette",)
    shape_rule = "cassette"
    may_be_empty = True
    empty_reason = "cassette has no interactions"
    top_keys = ("interactions", "requests", "responses", "version")

    @property
    def normalization(self) -> Normalization:
        return _scrub()

    def starts_corpus(self, folder_name: str) -> bool:
        return folder_name == "cassettes"

    def owns_folder(self, dirpath: str) -> bool:
        return "cassettes" in dirpath.replace(os.sep, "/").rstrip("/").split("/")

    def claims(self, filename: str) -> bool:
        return filename.endswith(SUFFIXES)

    def detect(self, raw: bytes) -> bool:
        head = raw[:2048]
        return raw[:2] == b"\x1f\x8b" or b"interactions" in head

    def parse(self, path: str, raw: bytes) -> dict[str, Any]:
        from recordings.formats.vcr.cassette import parse

        return parse(path, raw)

    def summaries(self, path: str, doc: Any, size: int) -> list[Recording]:
        from recordings.formats.vcr.adapter import recording

        name = self.stem(path)
        suite = self.suite_of(path)
        found = decoded(doc, path)  # a body that does not decode as declared is shown as stored (validate warns)
        return [recording(path, it, name, suite, None) for it in found]  # the test: test_attribution, per run

    def iter_exchanges(self, path: str, doc: Any, size: int) -> Iterator[Exchange]:
        from recordings.formats.vcr.adapter import exchange
        from recordings.formats.vcr.cassette import iter_interactions

        return (exchange(path, it) for it in iter_interactions(doc, path))

    def exchanges(self, path: str, doc: Any, size: int) -> list[Exchange]:
        from recordings.formats.vcr.adapter import exchange

        return [exchange(path, it) for it in decoded(doc, path)]

    def test_attribution(self) -> Any:
        """A session that finds the test of each cassette from the project's tests (:mod:`.naming`): read each
        run, never cached with the cassette, since a renamed test changes it."""
        from recordings.formats.vcr.naming import Session

        return Session()

    def suite_of(self, path: str) -> str:
        """The test module a cassette folder belongs to (``cassettes/<module>/``)."""
        folder = os.path.basename(os.path.dirname(os.path.abspath(path)))
        return folder if folder != "cassettes" else "."

    redacts_credentials = True  # normalize replaces credential headers and url keys with REDACTED

    def matched_on(self, path: str, root: str) -> tuple[str, ...] | None:
        from recordings.formats.vcr.matching import match_on
        from recordings.formats.vcr.naming import naming_scope

        return match_on(path, naming_scope(root))  # up to the pytest rootdir whose conftest.py applies

    def matched_changes(self, a: Any, b: Any, names: tuple[str, ...]) -> list[str]:
        from recordings.formats.vcr.matching import changed, fields

        def of(e: Any) -> dict[str, Any]:
            return fields(e.request.method, e.request.url or "", e.request.body.raw, dict(e.request.headers))

        return changed(of(a), of(b), names)

    def secret_texts(self, ctx: Any) -> list[tuple[str | None, bytes]]:
        """Every interaction's request url, headers and body, and its decoded response body (a gzip body is
        scanned decoded)."""
        from recordings.headers import scanned_text

        out: list[tuple[str | None, bytes]] = []
        for it in _interactions(ctx):
            out.append((f"interaction #{it.index} request", scanned_text(it.request_headers, it.uri)))
            out.append((f"interaction #{it.index} request.body", it.request_body.data))
            out.append((f"interaction #{it.index} response.body", it.response_body.data))
        return out

    def stream_texts(self, ctx: Any) -> list[str]:
        """Each streamed interaction's text, reasoning and tool arguments, each field's pieces joined
        in order, read from the decoded body (no reassembly: a cassette's events are many)."""
        import orjson

        from recordings.formats.vcr.adapter import is_streamed
        from recordings.protocols.pieces import joined_pieces

        texts: list[str] = []
        for it in _interactions(ctx):
            if is_streamed(it):
                body = it.response_body
                texts += joined_pieces(body.data if body.parsed is None else orjson.dumps(body.parsed))
        return texts

    def credential_fields(self, ctx: Any) -> list[tuple[str, str, str, str]]:
        from recordings.formats.vcr.credentials import credential_fields

        return credential_fields(_interactions(ctx))


VCR = VcrFormat()
