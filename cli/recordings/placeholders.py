"""Values that only stand in for a credential: ``<redacted>``, ``Bearer ***``, ``fake-key``, a project's own.
``validate`` never calls one a leak, and ``normalize`` (scrub) keeps one as it is."""

from __future__ import annotations

import base64
import binascii

PLACEHOLDERS = {"", "redacted", "<redacted>", "[redacted]", "***", "xxx", "dummy", "fake", "test", "none", "null",
                "__normalized__", "filtered", "<filtered>", "placeholder", "secret", "token", "api_key", "key",
                "your-api-key", "your_api_key", "<api_key>", "<token>", "changeme"}
_PLACEHOLDER_WORDS = ("redacted", "filtered", "***", "xxxx", "fake", "dummy", "placeholder", "your-",
                      "your_", "<", "test-key", "test_key", "sk-test", "scrubbed", "removed")


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
    return any(w in v for w in _PLACEHOLDER_WORDS)
