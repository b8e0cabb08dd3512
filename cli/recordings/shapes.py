"""Reading JSON of unknown shape: a value of the expected type, or an empty one.

Recordings are whatever a server sent; every reader asks for a shape and gets it or nothing,
instead of repeating ``x if isinstance(x, dict) else {}`` (which type checkers cannot narrow).
"""

from __future__ import annotations

from typing import Any


def as_dict(value: Any) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


def as_list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else []


def as_int(value: Any) -> int | None:
    return value if isinstance(value, int) and not isinstance(value, bool) else None


def as_str(value: Any) -> str | None:
    return value if isinstance(value, str) else None
