"""What rules, the registry and the runner share: findings, the per-file context, the rule record.

Kept apart from the registry (``recordings.rules``) so that rule modules import only this, and the
registry imports the rules: no cycle.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Callable, Iterable, Iterator, Literal

from recordings.model import Recording

Scope = Literal["file", "corpus"]


@dataclass(frozen=True, slots=True)
class Finding:
    path: str
    rule: str
    severity: str
    message: str
    json_path: str | None = None
    line: int | None = None  # the line of the file it is on, when known
    fix: str | None = None  # how to fix it, when the message does not say

    def to_dict(self) -> dict[str, Any]:
        return {"file": self.path, "rule": self.rule, "severity": self.severity, "message": self.message,
                "path": self.json_path, "line": self.line, "fix": self.fix}

    def where(self) -> str:
        """`` (json.path, line N)``, or what of it is known."""
        parts = [p for p in (self.json_path, f"line {self.line}" if self.line else None) if p]
        return f" ({', '.join(parts)})" if parts else ""


@dataclass
class FileContext:
    """What a file rule may look at for one file. Expensive answers are computed once."""

    path: str
    raw: bytes
    doc: Any  # the recorder's own parsed document
    recording: Recording | None  # None when the shape is too wrong for the model
    format: Any  # the file's recorder (a recordings.formats.interface.Recorder)
    _cache: dict[str, Any] = field(default_factory=dict)

    def file_format(self) -> Any:
        return self.format

    @property
    def exchanges(self) -> Any:
        """The file's exchanges, read once per context (an empty list when the shape is too wrong)."""
        def read() -> Any:
            try:
                return self.format.exchanges(self.path, self.doc, len(self.raw))
            except Exception:  # noqa: BLE001 - a file the shape rule reports
                return []
        return self.cached("exchanges", read)

    def cached(self, key: str, compute: Callable[[], Any]) -> Any:
        if key not in self._cache:
            self._cache[key] = compute()
        return self._cache[key]

    def finding(self, rule: tuple[str, str], message: str, json_path: str | None = None) -> Finding:
        """A finding of ``rule`` (its id and default severity) for this file."""
        return Finding(self.path, rule[0], rule[1], message, json_path)


# what a corpus rule sees of one file: (test_id, request hash or None, the classes its bodies are typed as)
CorpusKey = tuple["str | None", "str | None", "tuple[str, ...]"]
# (path, its key or None)
CorpusKeys = Iterable[tuple[str, "CorpusKey | None"]]


@dataclass(frozen=True)
class Rule:
    """One rule: its id, default severity, one-line summary, and what it runs on.

    ``scope`` is ``file`` (``check(ctx)`` per file) or ``corpus`` (``check_corpus(keys, report)`` once,
    over every file's :data:`CorpusKey`, reporting only the files in ``report`` when given).
    """

    id: str
    severity: str
    summary: str
    scope: Scope
    check: Callable[[FileContext], Iterator[Finding]] | None = None
    check_corpus: Callable[..., Iterator[Finding]] | None = None
    on_unshaped: bool = False  # also runs on a file whose shape the format could not read into a recording
    module: str = ""  # where the rule lives (its file is named after its id)
    format: str | None = None  # the format whose files it checks (None: every format's)

    @classmethod
    def from_module(cls, module: Any, format_name: str | None = None) -> "Rule":
        return cls(module.ID, module.SEVERITY, module.SUMMARY, getattr(module, "SCOPE", "file"),
                   getattr(module, "check", None), getattr(module, "check_corpus", None),
                   getattr(module, "ON_UNSHAPED", False), module.__name__, format_name)
