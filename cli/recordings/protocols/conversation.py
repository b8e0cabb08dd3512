"""A recorded request as a conversation: turns, tools offered and sampling parameters.

Every request kind (OpenAI chat and completions, embeddings, Anthropic messages, Gemini contents and
interactions, Bedrock Converse, tool calls, file processors) is turned into plain :class:`Turn` objects
that ``show`` prints verbatim.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import orjson

from recordings.model import Exchange, Kind
from recordings.shapes import as_dict


@dataclass(frozen=True, slots=True)
class Turn:
    role: str
    text: str
    tool_calls: tuple[tuple[str | None, str | None, str], ...] = ()  # (id, name, arguments)
    tool_call_id: str | None = None

    def to_dict(self) -> dict[str, Any]:
        return {
            "role": self.role,
            "text": self.text,
            "tool_calls": [{"id": i, "name": n, "arguments": a} for i, n, a in self.tool_calls],
            "tool_call_id": self.tool_call_id,
        }


@dataclass(frozen=True, slots=True)
class Conversation:
    turns: tuple[Turn, ...]
    tools: tuple[str, ...] = ()
    params: dict[str, Any] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        return {"turns": [t.to_dict() for t in self.turns], "tools": list(self.tools), "params": self.params}


def _dump(value: Any) -> str:
    try:
        return orjson.dumps(value).decode()
    except TypeError:
        return repr(value)


def _content_text(content: Any) -> str:
    """Text of an OpenAI/Anthropic content value (a string or a list of parts)."""
    if content is None:
        return ""
    if isinstance(content, str):
        return content
    if isinstance(content, list):
        pieces = []
        for part in content:
            if isinstance(part, str):
                pieces.append(part)
            elif isinstance(part, dict):
                ptype = part.get("type")
                if isinstance(part.get("text"), str):
                    pieces.append(part["text"])
                elif ptype == "image_url":
                    url = part.get("image_url", {}).get("url") if isinstance(part.get("image_url"), dict) else None
                    pieces.append(f"[image: {url}]")
                elif ptype == "thinking" and isinstance(part.get("thinking"), str):
                    pieces.append(f"[thinking] {part['thinking']}")
                elif ptype == "tool_result":
                    pieces.append(_content_text(part.get("content")))
                elif ptype == "tool_use":
                    continue  # shown as a tool call
                else:
                    pieces.append(f"[{ptype or 'part'}: {_dump(part)}]")
        return "\n".join(pieces)
    return _dump(content)


def _tool_names(tools: Any) -> tuple[str, ...]:
    names = []
    for tool in tools if isinstance(tools, list) else ():
        if not isinstance(tool, dict):
            continue
        fn = tool.get("function")
        name = (fn.get("name") if isinstance(fn, dict) else None) or tool.get("name") or tool.get("type")
        if isinstance(name, str):
            names.append(name)
        for decl in tool.get("function_declarations") or ():
            if isinstance(decl, dict) and isinstance(decl.get("name"), str):
                names.append(decl["name"])
    return tuple(names)


def _openai_messages(messages: list[Any]) -> list[Turn]:
    turns = []
    for msg in messages:
        if not isinstance(msg, dict):
            continue
        calls = []
        for call in msg.get("tool_calls") or ():
            if isinstance(call, dict):
                fn = as_dict(call.get("function"))
                args = fn.get("arguments")
                calls.append((call.get("id"), fn.get("name"), args if isinstance(args, str) else _dump(args)))
        content = msg.get("content") if "content" in msg else msg.get("text")  # Sourcegraph: {speaker, text}
        # Anthropic tool_use / tool_result blocks
        tool_call_id = msg.get("tool_call_id")
        if isinstance(content, list):
            for part in content:
                if isinstance(part, dict) and part.get("type") == "tool_use":
                    calls.append((part.get("id"), part.get("name"), _dump(part.get("input"))))
                if isinstance(part, dict) and part.get("type") == "tool_result" and not tool_call_id:
                    tool_call_id = part.get("tool_use_id")
        role = msg.get("role") or msg.get("speaker") or "?"
        turns.append(Turn(role=str(role), text=_content_text(content), tool_calls=tuple(calls),
                          tool_call_id=tool_call_id if isinstance(tool_call_id, str) else None))
    return turns


def _gemini_contents(contents: Any) -> list[Turn]:
    if isinstance(contents, str):
        return [Turn("user", contents)]
    turns = []
    for item in contents if isinstance(contents, list) else ():
        if not isinstance(item, dict):
            continue
        texts, calls = [], []
        for part in item.get("parts") or ():
            if not isinstance(part, dict):
                continue
            if isinstance(part.get("text"), str):
                texts.append(part["text"])
            if isinstance(part.get("function_call"), dict):
                fc = part["function_call"]
                calls.append((fc.get("id"), fc.get("name"), _dump(fc.get("args"))))
            if isinstance(part.get("function_response"), dict):
                texts.append(_dump(part["function_response"]))
        turns.append(Turn(role=str(item.get("role", "user")), text="\n".join(texts), tool_calls=tuple(calls)))
    return turns


_NOT_PARAMS = {"messages", "tools", "model", "contents", "input", "prompt", "system", "config", "payload"}


def conversation(e: Exchange) -> Conversation:
    """The request of an exchange as a conversation."""
    request = e.request
    if e.kind is Kind.TOOL:
        return Conversation(turns=(Turn("tool call", f"{request.endpoint}({_dump(request.body.json)})"),))
    if e.kind is Kind.FILE_PROCESSOR:
        return Conversation(turns=(Turn("file", f"process {request.extra.get('file_id')} with {request.provider}"),))
    body = request.body.json
    if not isinstance(body, dict):
        return Conversation(turns=())
    turns: list[Turn] = []
    system = body.get("system")
    if system is not None:
        turns.append(Turn("system", _content_text(system)))
    if isinstance(body.get("messages"), list):
        turns.extend(_openai_messages(body["messages"]))
    if "contents" in body:
        config = as_dict(body.get("config"))
        si = config.get("system_instruction")
        if si is not None:
            parts = si.get("parts") if isinstance(si, dict) else si
            turns.append(Turn("system", si if isinstance(si, str) else _content_text(parts)))
        turns.extend(_gemini_contents(body.get("contents")))
    if "prompt" in body:
        prompt = body["prompt"]
        turns.append(Turn("prompt", prompt if isinstance(prompt, str) else _dump(prompt)))
    if "input" in body:
        value = body["input"]
        if isinstance(value, list) and all(isinstance(v, str) for v in value):
            for v in value:
                turns.append(Turn("input", v))
        elif isinstance(value, list):
            turns.extend(_openai_messages(value) if all(isinstance(v, dict) and "role" in v for v in value)
                         else [Turn("input", _dump(value))])
        else:
            turns.append(Turn("input", value if isinstance(value, str) else _dump(value)))
    tools = _tool_names(body.get("tools"))
    if not tools and isinstance(body.get("config"), dict):
        tools = _tool_names(body["config"].get("tools"))
    params = {k: v for k, v in body.items() if k not in _NOT_PARAMS}
    if isinstance(body.get("config"), dict):
        params.update({k: v for k, v in body["config"].items() if k not in ("tools", "system_instruction")})
    return Conversation(turns=tuple(turns), tools=tools, params=params)
