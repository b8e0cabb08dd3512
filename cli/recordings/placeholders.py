"""Values that only stand in for a credential: ``<redacted>``, ``**REDACTED**``, ``REDACTED_3f2a…``,
``AUTHORIZATION-XXX``, ``Bearer ***``, ``DUMMY``, ``fake-key``, ``test-key``, and a project's own
(``placeholders`` in ``[tool.recordings]``). ``validate`` never calls one a leak, and ``normalize`` (scrub)
keeps one as it is, so the two always agree."""

from __future__ import annotations

import base64
import binascii
import os
import re
from fnmatch import fnmatchcase

PLACEHOLDERS = {"", "redacted", "<redacted>", "[redacted]", "***", "xxx", "dummy", "fake", "test", "none", "null",
                "__normalized__", "filtered", "<filtered>", "placeholder", "secret", "token", "api_key", "key",
                "your-api-key", "your_api_key", "<api_key>", "<token>", "changeme", "example", "sample"}
_PLACEHOLDER_WORDS = ("redacted", "filtered", "***", "xxxx", "fake", "dummy", "placeholder", "your-",
                      "your_", "<", "test-key", "test_key", "sk-test", "scrubbed", "removed", "masked")
# a word of capitals, digits and dashes ending in -XXX (crewAI: AUTHORIZATION-XXX, X-API-KEY-XXX), or an
# AWS documentation key (…EXAMPLE)
_SHAPES = re.compile(r"(?i)^[a-z0-9_\-.]*[-_]x{3,}$|^x{3,}[-_][a-z0-9_\-.]*$|^[a-z0-9]*example$")
_ENV = "RECORDINGS_PLACEHOLDERS"  # the project's globs, for worker processes too


def use_project_patterns(patterns: list[str]) -> None:
    """The project's own placeholder globs (``[tool.recordings] placeholders``), for this process and the
    workers it starts."""
    if patterns:
        os.environ[_ENV] = "\n".join(patterns)
    else:
        os.environ.pop(_ENV, None)


def _project_patterns() -> list[str]:
    value = os.environ.get(_ENV)
    return [p.lower() for p in value.split("\n")] if value else []


def is_placeholder(value: str) -> bool:
    """A credential value that only stands in for one: ``<redacted>``, ``Bearer ***``, ``fake-key``…"""
    v = value.strip().lower()
    if v.startswith("basic "):  # Basic credentials: the password decides
        try:
            decoded = base64.b64decode(value.strip()[6:].strip(), validate=True).decode("utf-8")
        except (binascii.Error, ValueError):
            decoded = ""
        if ":" in decoded:
            return is_placeholder(decoded.partition(":")[2])
    for scheme in ("bearer ", "basic ", "token ", "apikey "):
        if v.startswith(scheme):
            v = v[len(scheme):].strip()
    if v in PLACEHOLDERS or set(v) <= set("*x.-_ "):
        return True
    if any(w in v for w in _PLACEHOLDER_WORDS) or _SHAPES.match(v):
        return True
    project = _project_patterns()
    return bool(project) and any(fnmatchcase(v, p) or fnmatchcase(value.strip().lower(), p) for p in project)
