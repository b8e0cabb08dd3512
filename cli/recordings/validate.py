"""Running the validation rules over a corpus (the core of ``recordings validate``)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Iterable

from recordings.checks import RULES, FileContext, Finding
from recordings.checks.duplicate import check_corpus
from recordings.checks.request_hash import computed_hash
from recordings.config import Config
from recordings.errors import LoadError
from recordings.loader import parse_document, read_bytes, summarize
from recordings.model import Problem

PER_FILE = [r for r in RULES.values() if r.check is not None]


def check_file(path: str) -> tuple[list[Finding], tuple[str | None, str] | None]:
    """All per-file findings of one file, and its duplicate key (test_id, request hash)."""
    try:
        raw = read_bytes(path)
        doc = parse_document(path, raw)
    except LoadError as exc:
        return [Finding(path, "syntax", "error", exc.reason)], None
    try:
        recording = summarize(path, doc, len(raw))
        shape_error = None
    except LoadError as exc:
        recording, shape_error = None, exc.reason
    ctx = FileContext(path, raw, doc, recording)
    findings: list[Finding] = []
    for rule in PER_FILE:
        if recording is None and rule.id != "schema":
            continue
        try:
            findings.extend(rule.check(ctx))
        except RecursionError:
            findings.append(Finding(path, rule.id, "error", "nested too deeply to check"))
        except Exception as exc:  # noqa: BLE001 - one odd file must not stop the corpus
            findings.append(Finding(path, rule.id, "error", f"could not check ({type(exc).__name__}: {exc})"))
    if shape_error and not any(f.rule == "schema" for f in findings):
        findings.append(Finding(path, "schema", "error", shape_error))
    key = None
    if recording is not None:
        h = computed_hash(ctx)
        if h is not None:
            key = (recording.test_id, h)
    return findings, key


@dataclass
class Report:
    findings: list[Finding]
    files: int

    @property
    def errors(self) -> int:
        return sum(1 for f in self.findings if f.severity == "error")

    @property
    def warnings(self) -> int:
        return sum(1 for f in self.findings if f.severity == "warning")


def _encode(result: tuple[list[Finding], tuple[str | None, str] | None]) -> list[Any]:
    findings, key = result
    return [[[f.rule, f.severity, f.message, f.json_path] for f in findings], None if key is None else list(key)]


def _decode(path: str, value: list[Any]) -> tuple[list[Finding], tuple[str | None, str] | None]:
    findings = [Finding(path, *f) for f in value[0]]
    return findings, None if value[1] is None else (value[1][0], value[1][1])


def validate(files: Iterable[str], *, select: set[str] | None = None, ignore: set[str] | None = None,
             config: Config | None = None, problems: Iterable[Problem] = (), cache: Any = None,
             progress: Any = None) -> Report:
    """Findings for every file, in file order, then corpus-wide findings."""
    from recordings.cache import cached_map

    files = list(files)
    config = config or Config()
    raw_findings: list[Finding] = [Finding(p.path, "syntax", "error", p.reason) for p in problems]
    keys = []
    results = cached_map(check_file, files, "validate", _encode, _decode, cache)
    for path, (found, key) in zip(files, progress(results) if progress else results):
        raw_findings.extend(found)
        keys.append((path, key))
    if select is None or "duplicate" in select:
        raw_findings.extend(check_corpus(keys))
    out = []
    for f in raw_findings:
        if select is not None and f.rule not in select:
            continue
        if ignore and f.rule in ignore:
            continue
        severity = config.resolve(f.path, f.rule, f.severity)
        if severity is None:
            continue
        out.append(f if severity == f.severity else Finding(f.path, f.rule, severity, f.message, f.json_path))
    return Report(out, len(files))
