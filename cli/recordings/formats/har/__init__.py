"""HAR 1.2 files: browser devtools and Playwright's ``recordHar`` (``.har``, JSON), Polly.js's recordings
(``recording.har``, and its YAML form ``recording.har.yaml``). Each entry is one exchange, named
``<recording name>#<n>`` after Polly.js's ``_recordingName``, else the file's stem.

Read by :mod:`.reader`; ``normalize`` scrubs them (:mod:`.scrub`); ``validate`` checks their shape
(:mod:`.rules`) and their secrets. A HAR file names no test, so ``prune`` does not judge HAR files.
"""

from __future__ import annotations

import os
from typing import Any

from recordings.formats.interface import Normalization, Recorder
from recordings.model import Exchange, Recording


class HarFormat(Recorder):
    name = "har"
    aliases = ("polly", "polly.js", "playwright")
    title = "HAR"
    suffixes = (".har.yaml", ".har.yml", ".har.json", ".har")
    rule_modules = ("recordings.formats.har.rules.har",)
    shape_rule = "har"
    may_be_empty = True
    empty_reason = "the log has no entries"
    top_keys = ("log",)

    @property
    def normalization(self) -> Normalization:
        from recordings.formats.har import scrub

        return scrub

    @property
    def attributes_tests(self) -> bool:
        return False  # a HAR file names no test: prune leaves these files alone, and says so once

    def claims(self, filename: str) -> bool:
        return filename.endswith(self.suffixes)

    def claims_anywhere(self, filename: str) -> bool:
        return filename.endswith(self.suffixes)

    def detect(self, raw: bytes) -> bool:
        head = raw[:2048].lstrip()
        return (head.startswith(b"{") and b'"log"' in head and b'"entries"' in raw[:1 << 16]) or \
            (head.startswith(b"log:") and b"entries:" in raw[:1 << 16])

    def parse(self, path: str, raw: bytes) -> Any:
        from recordings.formats.har.reader import parse

        return parse(path, raw)

    def _name(self, path: str, doc: Any) -> str:
        from recordings.formats.har.reader import name_of

        return name_of(doc) or self.stem(path)

    def exchanges(self, path: str, doc: Any, size: int) -> list[Exchange]:
        from recordings.formats.har.reader import exchanges

        return exchanges(path, doc)

    def summaries(self, path: str, doc: Any, size: int) -> list[Recording]:
        from recordings.summary import summarize

        name = self._name(path, doc)
        return [summarize(self, e, size, name) for e in self.exchanges(path, doc, size)]

    def matches(self, ref: str, path: str) -> bool:
        return self.stem(path).startswith(ref) or os.path.basename(os.path.dirname(path)).startswith(ref)

    def exact(self, ref: str, path: str) -> bool:
        return self.stem(path) == ref or os.path.basename(os.path.dirname(path)) == ref

    def suite_of(self, path: str) -> str:
        """The folder the file sits in (Polly.js: one folder per recording)."""
        return os.path.basename(os.path.dirname(os.path.abspath(path))) or "."

    redacts_credentials = True  # normalize replaces credential headers and url keys with REDACTED

    def secret_texts(self, ctx: Any) -> list[tuple[str | None, bytes]]:
        """Every entry's request url, headers and body, and its decoded response body (base64 and compressed
        bodies are scanned decoded)."""
        from recordings.headers import scanned_text

        out: list[tuple[str | None, bytes]] = []
        for e in ctx.exchanges:
            out.append((f"entry #{e.index} request", scanned_text(e.request.headers, e.request.url)))
            out.append((f"entry #{e.index} request.postData", e.request.body.data))
            out.append((f"entry #{e.index} response.content", e.response.body.data))
        return out

    def credential_fields(self, ctx: Any) -> list[tuple[str, str, str, str]]:
        from recordings.formats.har.credentials import credential_fields

        return credential_fields(ctx.exchanges)


HAR = HarFormat()
