"""The ``show`` view of one recording: metadata, request as a conversation, answer."""

from __future__ import annotations

from typing import Any

import orjson

from recordings.protocols.conversation import Conversation
from recordings.model import Answer, Recording
from recordings.output.terminal import Printer, human_size, visible
from recordings.protocols import Delta

LABEL = "bold cyan"
ROLE = "bold magenta"
DIM = "dim"


def _meta(p: Printer, label: str, value: str | None) -> None:
    if value is None or value == "":
        return
    p.parts((f"{label:<10}", LABEL), (" ", None), (visible(value), None))  # names, never recorded text


def render_metadata(p: Printer, r: Recording) -> None:
    p.parts(("recording ", "bold"), (visible(r.id), "bold yellow"))
    _meta(p, "path", r.path)
    _meta(p, "suite", r.suite)
    _meta(p, "test", r.test_id or ("(shared: no test_id)" if r.shared else "(unknown: the file names no test)"))
    _meta(p, "kind", " ".join(x for x in (r.kind.value, r.method or "", r.endpoint or "") if x))
    _meta(p, "url", r.url)
    _meta(p, "provider", r.provider)
    _meta(p, "model", r.model)
    _meta(p, "streaming", f"yes, {r.chunks} chunks" if r.streaming else "no")
    _meta(p, "size", human_size(r.size))
    if r.status is not None:
        _meta(p, "status", str(r.status))
    if r.exception is not None:
        e = r.exception
        _meta(p, "exception", " ".join(x for x in (e.type or "?", f"(status {e.status})" if e.status else "") if x))


def _section(p: Printer, title: str) -> None:
    p.line("")
    p.line(f"── {title} ──", "bold")


def _dump(value: Any) -> str:
    try:
        return orjson.dumps(value).decode()
    except TypeError:
        return repr(value)


def render_conversation(p: Printer, conv: Conversation) -> None:
    _section(p, "request")
    if not conv.turns:
        p.line("(no messages)", DIM)
    for turn in conv.turns:
        head = turn.role
        if turn.tool_call_id:
            head += f" [{turn.tool_call_id}]"
        p.parts((head + ":", ROLE))
        if turn.text:
            p.verbatim(turn.text)
        for call_id, name, args in turn.tool_calls:
            p.parts(("  → tool call ", LABEL), (f"{name}", "bold"), (f" ({call_id})" if call_id else "", DIM))
            p.verbatim("    " + args if args else "    (no arguments)")
    if conv.tools:
        p.parts(("tools offered: ", LABEL), (", ".join(conv.tools), None))
    if conv.params:
        p.parts(("parameters: ", LABEL), (", ".join(f"{k}={_dump(v)}" for k, v in conv.params.items()), None))


def render_answer(p: Printer, a: Answer) -> None:
    _section(p, f"answer ({a.form})")
    if a.model:
        _meta(p, "model", a.model)
    for c in a.choices:
        if len(a.choices) > 1:
            p.line(f"choice {c.index}", "bold")
        if c.reasoning:
            p.parts(("reasoning:", ROLE))
            p.verbatim(c.reasoning)
        p.parts((f"{c.role or 'assistant'}:", ROLE))
        if c.text:
            p.verbatim(c.text)
        elif not c.tool_calls:
            p.line("(no text)", DIM)
        for t in c.tool_calls:
            p.parts(("→ tool call ", LABEL), (t.name or "?", "bold"), (f" ({t.id})" if t.id else "", DIM))
            p.verbatim("  " + t.arguments if t.arguments else "  (no arguments)")
        _meta(p, "finish", c.finish_reason or "(none)")
    if a.embeddings is not None:
        _meta(p, "embeddings", f"{a.embeddings[0]} × {a.embeddings[1]} dimensions")
    if a.model_ids is not None:
        _meta(p, "models", f"{len(a.model_ids)}")
        for mid in a.model_ids:
            p.verbatim("  " + mid)
    if a.content is not None:
        p.verbatim(a.content)
    if a.usage is not None:
        u = a.usage
        _meta(p, "usage", f"prompt {u.prompt_tokens if u.prompt_tokens is not None else '?'}, "
                          f"completion {u.completion_tokens if u.completion_tokens is not None else '?'}, "
                          f"total {u.total_tokens if u.total_tokens is not None else '?'}")
    if a.error is not None:
        e = a.error
        label = " ".join(x for x in (e.type or "", f"(status {e.status})" if e.status else "") if x)
        p.parts(("error: ", "bold red"), (label, "red"))
        if e.message:
            p.verbatim(e.message)
    for note in a.notes:
        p.line(f"note: {note}", DIM)


def render_timeline(p: Printer, deltas: list[Delta]) -> None:
    _section(p, f"chunks ({len(deltas)} deltas)")
    for d in deltas:
        where = f"#{d.chunk:<4}"
        if d.choice:
            where += f" c{d.choice}"
        if d.field == "tool":
            index = f"[{d.tool_index}]" if d.tool_index is not None else ""
            extra = " ".join(x for x in (index, d.tool_name or "", d.tool_id or "") if x)
            p.parts((where + " ", DIM), ("tool ", LABEL), (extra + " ", "bold"), (_dump(d.value), None))
        elif d.field == "usage":
            p.parts((where + " ", DIM), ("usage ", LABEL), (_dump(d.value.to_dict()), None))
        else:
            value = d.value if not isinstance(d.value, str) else _dump(d.value)
            p.parts((where + " ", DIM), (f"{d.field} ", LABEL), (str(value), None))
