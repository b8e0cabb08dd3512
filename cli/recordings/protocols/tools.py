"""Local results the recorder keeps: tool invocations and file-processor output."""

from __future__ import annotations

from typing import Any

import orjson


def tool_result_text(data: dict[str, Any]) -> tuple[str, str | None]:
    """(content as text, error message) of a ``ToolInvocationResult``."""
    content = data.get("content")
    if isinstance(content, str):
        text = content
    elif isinstance(content, list):
        pieces = []
        for item in content:
            if isinstance(item, dict) and isinstance(item.get("text"), str):
                pieces.append(item["text"])
            elif isinstance(item, str):
                pieces.append(item)
            else:
                pieces.append(orjson.dumps(item).decode())
        text = "\n".join(pieces)
    elif content is None:
        text = ""
    else:
        text = orjson.dumps(content).decode()
    error = data.get("error_message")
    return text, error if isinstance(error, str) and error else None


def file_chunks_text(data: dict[str, Any]) -> tuple[int, str]:
    """(number of chunks, their text joined) of a ``ProcessFileResponse``."""
    chunks = data.get("chunks")
    chunks = chunks if isinstance(chunks, list) else []
    texts = [c["content"] for c in chunks if isinstance(c, dict) and isinstance(c.get("content"), str)]
    return len(chunks), "\n\n".join(texts)
