"""JSON output: only JSON on stdout, indented, UTF-8."""

from __future__ import annotations

import sys
from typing import IO, Any

import orjson


def write_json(value: Any, stream: IO[str] | None = None) -> None:
    out = stream if stream is not None else sys.stdout
    out.write(orjson.dumps(value, option=orjson.OPT_INDENT_2 | orjson.OPT_NON_STR_KEYS).decode())
    out.write("\n")
