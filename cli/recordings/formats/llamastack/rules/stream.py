"""stream: one id per stream, a finish reason, tool-call arguments that parse as JSON."""

from __future__ import annotations

import json
from typing import Iterator

from recordings.rules.types import FileContext, Finding
from recordings.reassembly import reassemble
from recordings.reassembly.accumulate import Accumulator
from recordings.reassembly.openai import chat_chunk_deltas

ID = "stream"
SEVERITY = "warning"
SUMMARY = "chunks share one id; a finish reason unless an exception ended it; tool arguments are valid JSON"
SCOPE = "file"


def check(ctx: FileContext) -> Iterator[Finding]:
    r = ctx.recording
    if r is None or not r.streaming:
        return
    rule = (ID, SEVERITY)
    body = ctx.doc["response"].get("body")
    if isinstance(body, list):
        ids = {item["__data__"].get("id") for item in body
               if isinstance(item, dict) and isinstance(item.get("__data__"), dict) and "id" in item["__data__"]}
        if len(ids) > 1:
            yield ctx.finding(rule, f"chunks of one stream carry {len(ids)} different ids", "response.body")
    if r.response_type and r.response_type.endswith("ChatCompletionChunk"):
        finished, has_choices, calls = _chat_summary(body)
    else:  # other stream kinds: the full reassembly
        answer = ctx.cached("answer", lambda: reassemble(ctx.doc))
        finished = any(c.finish_reason for c in answer.choices)
        has_choices = bool(answer.choices)
        calls = [(c.name or str(c.index), c.arguments) for ch in answer.choices for c in ch.tool_calls]
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


def _chat_summary(body: list) -> tuple[bool, bool, list[tuple[str, str]]]:
    """(a finish reason seen, any choice seen, [(tool name, arguments)]) of chat chunks.

    Text-only chunks are skimmed; chunks that carry tool-call fragments go through the
    one reassembly (so fragments merge exactly as ``show`` merges them).
    """
    acc = Accumulator()
    finished = has_choices = False
    for n, item in enumerate(body):
        data = item.get("__data__") if isinstance(item, dict) else None
        choices = data.get("choices") if isinstance(data, dict) else None
        if not choices or not isinstance(choices, list):
            continue
        carries_calls = False
        for choice in choices:
            if not isinstance(choice, dict):
                continue
            has_choices = True
            if choice.get("finish_reason"):
                finished = True
            delta = choice.get("delta")
            if isinstance(delta, dict) and (delta.get("tool_calls") or delta.get("function_call")):
                carries_calls = True
        if carries_calls and isinstance(data, dict):
            acc.feed_all(chat_chunk_deltas(n, data))
    calls = [(t.name or str(t.index), t.arguments) for c in acc.choices() for t in c.tool_calls]
    return finished, has_choices, calls
