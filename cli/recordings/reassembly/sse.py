"""Server-sent-event lines as the recorder stores them (``event: …``, ``data: {json}``, ``""``)."""

from __future__ import annotations

from typing import Any, Iterator

import orjson


def sse_events(lines: list[Any]) -> Iterator[tuple[int, str | None, Any]]:
    """Yield (data line number, event name, parsed data) for each ``data:`` line.

    The number counts data lines from 0, so it matches the chunk count. Data that
    is not JSON (``[DONE]``) is yielded as the raw string.
    """
    event: str | None = None
    n = 0
    for line in lines:
        if not isinstance(line, str):
            continue
        if line.startswith("event:"):
            event = line[6:].strip()
        elif line.startswith("data:"):
            payload = line[5:].strip()
            try:
                data = orjson.loads(payload)
            except orjson.JSONDecodeError:
                data = payload
            yield n, event, data
            n += 1
        elif line == "":
            event = None


def looks_like_sse(lines: list[Any]) -> bool:
    return bool(lines) and isinstance(lines[0], str)
