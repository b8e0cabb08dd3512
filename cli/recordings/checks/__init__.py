"""Validation rules. One module per rule, each with an ``ID``, a default
``SEVERITY``, a one-line ``SUMMARY`` and a ``check(ctx)`` generator of findings.

:func:`check_file` runs the per-file rules on one file; the ``duplicate`` rule
needs the whole corpus and runs afterwards on the keys each file reports.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Callable, Iterator

from recordings.model import Recording

@dataclass(frozen=True, slots=True)
class Finding:
    path: str
    rule: str
    severity: str
    message: str
    json_path: str | None = None

    def to_dict(self) -> dict[str, Any]:
        return {"file": self.path, "rule": self.rule, "severity": self.severity, "message": self.message,
                "path": self.json_path}


@dataclass
class FileContext:
    """What a rule may look at for one file. Expensive answers are computed once."""

    path: str
    raw: bytes
    doc: dict[str, Any]
    recording: Recording | None  # None when the shape is too wrong for the model
    _cache: dict[str, Any] = field(default_factory=dict)

    def cached(self, key: str, compute: Callable[[], Any]) -> Any:
        if key not in self._cache:
            self._cache[key] = compute()
        return self._cache[key]

    def finding(self, rule: tuple[str, str], message: str, json_path: str | None = None) -> Finding:
        """A finding of ``rule`` (its id and default severity) for this file."""
        return Finding(self.path, rule[0], rule[1], message, json_path)


@dataclass(frozen=True)
class RuleInfo:
    id: str
    severity: str
    summary: str
    check: Callable[[FileContext], Iterator[Finding]] | None


def _load_rules() -> dict[str, RuleInfo]:
    from recordings.checks import (bytes_canonical, duplicate, models_digest, name, normalized, request_hash,
                                   schema, secrets, stream, syntax, test_id)

    rules = {}
    for mod in (syntax, schema, test_id, name, request_hash, models_digest, normalized, bytes_canonical,
                stream, secrets, duplicate):
        rules[mod.ID] = RuleInfo(mod.ID, mod.SEVERITY, mod.SUMMARY, getattr(mod, "check", None))
    return rules


RULES: dict[str, RuleInfo] = _load_rules()
