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


def type_name(value: Any) -> str:
    """How a message names a JSON value's type: ``null``, ``an object``, ``a list``, ``a string``…"""
    if value is None:
        return "null"
    return {dict: "an object", list: "a list", str: "a string", bool: "a boolean", int: "a number",
            float: "a number"}.get(type(value), type(value).__name__)
