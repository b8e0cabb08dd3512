"""stream: one id per stream, a finish reason, tool-call arguments that parse as JSON."""

from __future__ import annotations

import json
from typing import Any, Iterator

from recordings.rules.types import FileContext, Finding
from recordings.formats.llamastack.chat_stream import chat_stream_of
from recordings.formats.llamastack.document import exchange_of
from recordings.protocols import reassemble

ID = "stream"
SEVERITY = "warning"
SUMMARY = "chunks share one id; a finish reason unless an exception ended it; tool arguments are valid JSON"
SCOPE = "file"


def check(ctx: FileContext) -> Iterator[Finding]:
    r = ctx.recording
    if r is None or not r.streaming:
        return
    rule = (ID, SEVERITY)
    chat = chat_stream_of(ctx)
    ids: frozenset[Any] | set[Any]
    if chat is not None:  # chat chunks: one pass, shared with the secrets rule
        ids, finished, has_choices, calls = chat.ids, chat.finished, chat.has_choices, list(chat.calls)
    else:  # other stream kinds: the full reassembly
        body = ctx.doc["response"].get("body")
        ids = set()
        if isinstance(body, list):
            ids = {item["__data__"]["id"] for item in body if isinstance(item, dict)
                   and isinstance(item.get("__data__"), dict) and "id" in item["__data__"]}
        answer = ctx.cached("answer", lambda: reassemble(exchange_of(ctx.path, ctx.doc, len(ctx.raw))))
        finished = any(c.finish_reason for c in answer.choices)
        has_choices = bool(answer.choices)
        calls = [(c.name or str(c.index), c.arguments) for ch in answer.choices for c in ch.tool_calls]
    if len(ids) > 1:
        yield ctx.finding(rule, f"chunks of one stream carry {len(ids)} different ids", "response.body")
    if r.exception is None and has_choices and not finished:
        yield ctx.finding(rule, "stream has no finish reason (cut short?)", "response.body")
    for name, arguments in calls:
        if not arguments:
            continue
        try:
            json.loads(arguments)
        except ValueError:
            yield ctx.finding(rule, f"arguments of tool call {name} do not reassemble into valid JSON: "
                                    f"{arguments[:60]!r}", "response.body")
