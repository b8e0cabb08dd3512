"""har: a ``log.entries`` list of request/response mappings, each with a method, a url and a status.

Reading the file decides whether it is HAR at all (:mod:`recordings.formats.har.reader`); this rule says
what is wrong with an entry, by its number.
"""

from __future__ import annotations

from typing import Iterator

from recordings.rules.types import FileContext, Finding

ID = "har"
SEVERITY = "error"
SUMMARY = "a log.entries list of request/response mappings, each with a method, a url and a status"
SCOPE = "file"
ON_UNSHAPED = True  # it reports what is wrong with a file the model cannot hold


def check(ctx: FileContext) -> Iterator[Finding]:
    doc = ctx.doc if isinstance(ctx.doc, dict) else {}
    entries = (doc.get("log") or {}).get("entries") if isinstance(doc.get("log"), dict) else None
    if entries == []:
        yield ctx.finding((ID, "warning"), "the log has no entries", "log.entries")
    for i, entry in enumerate(entries if isinstance(entries, list) else []):
        where = f"log.entries[{i}]"
        if not isinstance(entry, dict):
            yield ctx.finding((ID, SEVERITY), f"entry #{i} is not a mapping", where)
            continue
        request, response = entry.get("request"), entry.get("response")
        if not isinstance(request, dict) or not isinstance(response, dict):
            yield ctx.finding((ID, SEVERITY), f"entry #{i} lacks a request or a response mapping", where)
            continue
        if not isinstance(request.get("method"), str) or not isinstance(request.get("url"), str):
            yield ctx.finding((ID, SEVERITY), f"entry #{i}: request lacks a method or a url", f"{where}.request")
        status = response.get("status")
        if not isinstance(status, int) or isinstance(status, bool):
            yield ctx.finding((ID, SEVERITY), f"entry #{i}: response lacks a numeric status", f"{where}.response")
        for problem in (e.response.body.problem for e in ctx.exchanges
                if e.index == i):
            if problem:
                yield ctx.finding((ID, SEVERITY), f"entry #{i}: {problem}", f"{where}.response.content")
