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
        if rule.check is None:
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

    def per_rule(self) -> dict[str, tuple[int, int]]:
        """rule id -> (errors, warnings), by rule id."""
        counts: dict[str, list[int]] = {}
        for f in self.findings:
            c = counts.setdefault(f.rule, [0, 0])
            c[0 if f.severity == "error" else 1] += 1
        return {rule: (c[0], c[1]) for rule, c in sorted(counts.items())}


def _encode(result: tuple[list[Finding], tuple[str | None, str] | None]) -> list[Any]:
    findings, key = result
    return [[[f.rule, f.severity, f.message, f.json_path] for f in findings], None if key is None else list(key)]


def _decode(path: str, value: list[Any]) -> tuple[list[Finding], tuple[str | None, str] | None]:
    findings = [Finding(path, *f) for f in value[0]]
    return findings, None if value[1] is None else (value[1][0], value[1][1])


def corpus_key(path: str) -> tuple[str | None, str] | None:
    """(test_id, request hash) of a file of the corpus that is not being reported on, or None."""
    from recordings.hashing import request_hash
    from recordings.loader import load_one, Loaded
    from recordings.model import Kind

    item = load_one(path)
    if not isinstance(item, Loaded) or item.recording.kind is Kind.FILE_PROCESSOR:
        return None
    try:
        return item.recording.test_id, request_hash(item.recording.kind, item.doc["request"], item.recording.test_id)
    except (TypeError, ValueError, RecursionError):
        return None


def _with_rename_advice(findings: list[Finding],
                        keys: list[tuple[str, tuple[str | None, str] | None]]) -> list[Finding]:
    """Append to each hash and legacy-name finding the advice that is true for it: `normalize --rehash`
    renames it to X, or cannot (the target exists, or several files hash to it)."""
    import os

    from recordings.checks.name import LEGACY_NOTE
    from recordings.hashing import rename_advice, rename_target

    renames = {}
    for path, key in keys:
        if key is None:
            continue
        target = rename_target(path, key[1])
        if os.path.normpath(target) != os.path.normpath(path):
            renames[path] = target
    if not renames:
        return findings
    advice = rename_advice(renames)
    out = []
    for f in findings:
        if f.path in advice and (f.rule == "hash" or (f.rule == "name" and f.message.startswith(LEGACY_NOTE))):
            f = Finding(f.path, f.rule, f.severity, f"{f.message}; {advice[f.path]}", f.json_path)
        out.append(f)
    return out


def validate(files: Iterable[str], *, select: set[str] | None = None, ignore: set[str] | None = None,
             config: Config | None = None, problems: Iterable[Problem] = (), cache: Any = None,
             progress: Any = None, corpus: Iterable[str] = ()) -> Report:
    """Findings for every file, in file order, then corpus-wide findings.

    ``corpus``: the other recordings of the corpus (when only some files are checked, as a pre-commit
    hook does): corpus-wide rules compare the checked files with them, and report only the checked files.
    """
    from recordings.cache import cached_map

    files = list(files)
    config = config or Config()
    raw_findings: list[Finding] = [Finding(p.path, "syntax", "error", p.reason) for p in problems]
    keys = []
    results = cached_map(check_file, files, "validate", _encode, _decode, cache)
    for path, (found, key) in zip(files, progress(results) if progress else results):
        raw_findings.extend(found)
        keys.append((path, key))
    checked = set(files)
    others = [p for p in corpus if p not in checked]
    if others:
        keys += list(zip(others, cached_map(corpus_key, others, "corpus-key", lambda k: k and list(k),
                                            lambda _p, v: (v[0], v[1]), cache)))
    raw_findings = _with_rename_advice(raw_findings, keys)
    if select is None or "duplicate" in select:
        raw_findings.extend(check_corpus(keys, checked if others else None))
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
