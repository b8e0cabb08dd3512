"""The delta stream every reassembler produces, and the one accumulator that
turns it into an :class:`~recordings.model.Answer`'s choices.

Each body kind has a parser that yields :class:`Delta` events in chunk order;
``show --chunks`` prints them as a timeline, and :class:`Accumulator` folds
them into the final choices.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Iterable

from recordings.model import Choice, ToolCall, Usage


@dataclass(frozen=True, slots=True)
class Delta:
    """One piece of a streamed answer.

    ``field`` is one of ``role``, ``text``, ``replace`` (the whole text so far, for a provider that
    resends it and rewrites it), ``reasoning``, ``tool``, ``finish``, ``usage``, ``model``.
    For ``tool``, ``tool_index`` keys the call and
    ``tool_id`` / ``tool_name`` are set on the fragment that carries them;
    ``value`` is the argument fragment.
    """

    chunk: int
    field: str
    value: Any
    choice: int = 0
    tool_index: int | None = None
    tool_id: str | None = None
    tool_name: str | None = None


class _ChoiceBuilder:
    __slots__ = ("role", "text", "reasoning", "tools", "finish", "aliases")

    def __init__(self) -> None:
        self.role: str | None = None
        self.text: list[str] = []
        self.reasoning: list[str] = []
        self.tools: dict[int, list[Any]] = {}  # index -> [id, name, [fragments]]
        self.finish: str | None = None
        self.aliases: dict[int, int] = {}  # announced index -> slot, for repeated indexes

    def tool(self, d: Delta) -> None:
        index = d.tool_index if d.tool_index is not None else (max(self.tools) if self.tools else 0)
        slot_index = self.aliases.get(index, index)
        slot = self.tools.get(slot_index)
        if slot is not None and d.tool_id and slot[0] and d.tool_id != slot[0]:
            # a provider that reuses one index for several complete calls
            slot_index = max(self.tools) + 1
            self.aliases[index] = slot_index
            slot = None
        if slot is None:
            slot = self.tools[slot_index] = [None, None, []]
        if d.tool_id and not slot[0]:
            slot[0] = d.tool_id
        if d.tool_name:
            slot[1] = d.tool_name if not slot[1] else slot[1]
        if d.value:
            slot[2].append(d.value)

    def build(self, index: int) -> Choice:
        calls = tuple(
            ToolCall(index=i, id=s[0], name=s[1], arguments="".join(s[2]))
            for i, s in sorted(self.tools.items())
        )
        return Choice(
            index=index,
            role=self.role,
            text="".join(self.text),
            reasoning="".join(self.reasoning),
            tool_calls=calls,
            finish_reason=self.finish,
        )


class Accumulator:
    """Folds deltas into choices, usage and the model name."""

    def __init__(self) -> None:
        self._choices: dict[int, _ChoiceBuilder] = {}
        self.usage: Usage | None = None
        self.model: str | None = None

    def _choice(self, index: int) -> _ChoiceBuilder:
        b = self._choices.get(index)
        if b is None:
            b = self._choices[index] = _ChoiceBuilder()
        return b

    def feed(self, d: Delta) -> None:
        f = d.field
        if f == "text":
            self._choice(d.choice).text.append(d.value)
        elif f == "replace":
            self._choice(d.choice).text[:] = [d.value]
        elif f == "reasoning":
            self._choice(d.choice).reasoning.append(d.value)
        elif f == "tool":
            self._choice(d.choice).tool(d)
        elif f == "role":
            b = self._choice(d.choice)
            if b.role is None:
                b.role = d.value
        elif f == "finish":
            self._choice(d.choice).finish = d.value
        elif f == "usage":
            self.usage = merge_usage(self.usage, d.value)
        elif f == "model":
            if self.model is None:
                self.model = d.value

    def feed_all(self, deltas: Iterable[Delta]) -> "Accumulator":
        for d in deltas:
            self.feed(d)
        return self

    def choices(self) -> tuple[Choice, ...]:
        return tuple(b.build(i) for i, b in sorted(self._choices.items()))


def _int(value: Any) -> int | None:
    return value if isinstance(value, int) and not isinstance(value, bool) else None


def usage_from(data: Any) -> Usage | None:
    """Usage from any provider's usage object."""
    if not isinstance(data, dict):
        return None
    # OpenAI, Anthropic, Gemini (SDK and REST spellings), OGX, Ollama, Bedrock
    prompt = _first(data, "prompt_tokens", "input_tokens", "prompt_token_count", "total_input_tokens",
                    "prompt_eval_count", "promptTokenCount", "inputTokens")
    completion = _first(data, "completion_tokens", "output_tokens", "candidates_token_count",
                        "total_output_tokens", "eval_count", "candidatesTokenCount", "outputTokens")
    total = _first(data, "total_tokens", "total_token_count", "totalTokenCount", "totalTokens")
    if prompt is None and completion is None and total is None:
        return None
    if total is None and prompt is not None and completion is not None:
        total = prompt + completion
    return Usage(prompt, completion, total)


def _first(data: dict[str, Any], *keys: str) -> int | None:
    for k in keys:
        v = _int(data.get(k))
        if v is not None:
            return v
    return None


def merge_usage(old: Usage | None, new: Usage | None) -> Usage | None:
    """Later usage wins field by field (Anthropic sends input first, output last)."""
    if old is None:
        return new
    if new is None:
        return old
    prompt = new.prompt_tokens if new.prompt_tokens is not None else old.prompt_tokens
    completion = new.completion_tokens if new.completion_tokens is not None else old.completion_tokens
    total = new.total_tokens
    if total is None:
        total = prompt + completion if prompt is not None and completion is not None else old.total_tokens
    return Usage(prompt, completion, total)


def facts(n: int, *, model: Any = None, role: Any = None, finish: Any = None, usage: Any = None) -> Iterable[Delta]:
    """The deltas of what a chunk says about the whole answer: its model, role and finish reason (each when
    it is a non-empty string) and its usage (any provider's usage object)."""
    for name, value in (("model", model), ("role", role), ("finish", finish)):
        if isinstance(value, str) and value:
            yield Delta(n, name, value)
    u = usage_from(usage)
    if u:
        yield Delta(n, "usage", u)


def typed_events(events: Iterable[Any], key: str = "type") -> Iterable[tuple[int, Any, dict[str, Any]]]:
    """(data-line number, event type, data) of each event whose data is an object: the type its data names
    (``key``), else the event's name."""
    for n, e in enumerate(events):
        if isinstance(e.data, dict):
            yield n, e.data.get(key) or e.name, e.data
