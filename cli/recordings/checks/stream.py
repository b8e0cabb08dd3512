"""stream: one id per stream, a finish reason, tool-call arguments that parse as JSON."""

from __future__ import annotations

import json
from typing import Iterator

from recordings.checks import FileContext, Finding
from recordings.reassembly import reassemble

ID = "stream"
SEVERITY = "warning"
SUMMARY = "chunks share one id; a finish reason unless an exception ended it; tool arguments are valid JSON"


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
    """(a finish reason seen, any choice seen, [(tool name, arguments)]) of chat chunks, in one pass."""
    finished = has_choices = False
    calls: dict[tuple[int, int], list] = {}
    for item in body:
        data = item.get("__data__") if isinstance(item, dict) else None
        choices = data.get("choices") if isinstance(data, dict) else None
        if not choices:
            continue
        for pos, choice in enumerate(choices):
            if not isinstance(choice, dict):
                continue
            has_choices = True
            if choice.get("finish_reason"):
                finished = True
            delta = choice.get("delta")
            tool_calls = delta.get("tool_calls") if isinstance(delta, dict) else None
            if not tool_calls:
                continue
            for tpos, call in enumerate(tool_calls):
                if not isinstance(call, dict):
                    continue
                key = (choice.get("index", pos), call.get("index", tpos))
                slot = calls.setdefault(key, ["?", []])
                fn = call.get("function") if isinstance(call.get("function"), dict) else {}
                if fn.get("name"):
                    slot[0] = fn["name"]
                if isinstance(fn.get("arguments"), str):
                    slot[1].append(fn["arguments"])
    return finished, has_choices, [(name, "".join(parts)) for name, parts in calls.values()]
