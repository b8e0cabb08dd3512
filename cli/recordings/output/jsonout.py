"""JSON output: only JSON on stdout, indented, UTF-8."""

from __future__ import annotations

import sys
from typing import IO, Any

import orjson


def dumps(value: Any) -> str:
    """Indented JSON text. A lone surrogate (``\\ud800``, valid in JSON, not in UTF-8) is kept as its
    ``\\u`` escape, exactly as the recording spells it."""
    try:
        return orjson.dumps(value, option=orjson.OPT_INDENT_2 | orjson.OPT_NON_STR_KEYS).decode()
    except TypeError:
        import json

        return json.dumps(value, indent=2, ensure_ascii=True, default=str)


def write_json(value: Any, stream: IO[str] | None = None) -> None:
    out = stream if stream is not None else sys.stdout
    out.write(dumps(value))
    out.write("\n")


def write_json_list(items, stream: IO[str] | None = None) -> None:
    """A JSON list written item by item (same bytes as :func:`write_json` of the list), in flat memory."""
    out = stream if stream is not None else sys.stdout
    first = True
    for item in items:
        text = dumps(item)
        out.write(("[\n  " if first else ",\n  ") + text.replace("\n", "\n  "))
        first = False
    out.write("[]\n" if first else "\n]\n")
