"""Running the rules over a corpus (the core of ``recordings validate``).

File rules run per file (in parallel, cached per selection of rules); corpus rules run once over
what every file reported. Only the selected rules run; severities come from the config.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Iterable

from recordings.rules import RULES, syntax
from recordings.rules.types import CorpusKey, FileContext, Finding, Rule
from recordings.config import Config
from recordings.errors import LoadError
from recordings.formats import format_for_file
from recordings.loader import read_bytes
from recordings.model import Problem

PER_FILE = [r for r in RULES.values() if r.scope == "file" and r.check is not None]
CORPUS = [r for r in RULES.values() if r.scope == "corpus" and r.check_corpus is not None]


def selected_rules(select: set[str] | None = None, ignore: set[str] | None = None) -> list[Rule]:
    """The rules to run: all, or the ``select``ed ones, less the ``ignore``d ones; registry order."""
    return [r for r in RULES.values() if (select is None or r.id in select) and not (ignore and r.id in ignore)]


def check_file(path: str, rules: list[Rule] | None = None) -> tuple[list[Finding], CorpusKey | None]:
    """The findings of the file ``rules`` (default: every file rule) on one file, and its corpus key
    (test_id, request hash, types). ``syntax`` findings come from reading the file, whatever is selected."""
    rules = PER_FILE if rules is None else [r for r in rules if r.scope == "file"]
    from recordings.formats import FOREIGN_NOTE, of_no_known_format

    try:
        raw = read_bytes(path)
        fmt = format_for_file(path, raw)
        doc = fmt.parse(path, raw)
    except LoadError as exc:
        if of_no_known_format(exc):  # a transcript kept beside the cassettes: left out, one note
            return [Finding(path, "syntax", "note", FOREIGN_NOTE)], None
        return [syntax.unreadable(path, exc.reason)], None
    rules = [r for r in rules if r.format in (None, fmt.name)]  # a format's own rules check its files only
    try:
        recording = fmt.summarize(path, doc, len(raw))
        shape_error = None
    except LoadError as exc:
        if of_no_known_format(exc):
            return [Finding(path, "syntax", "note", FOREIGN_NOTE)], None
        recording, shape_error = None, exc.reason
    ctx = FileContext(path, raw, doc, recording, fmt)
    findings: list[Finding] = []
    for rule in rules:
        if (recording is None and not rule.on_unshaped) or rule.check is None:
            continue
        try:
            findings.extend(rule.check(ctx))
        except RecursionError:
            findings.append(Finding(path, rule.id, "error", "nested too deeply to check"))
        except Exception as exc:  # noqa: BLE001 - one odd file must not stop the corpus
            findings.append(Finding(path, rule.id, "error", f"could not check ({type(exc).__name__}: {exc})"))
    shape = fmt.shape_rule
    if shape_error and shape and not any(f.rule == shape for f in findings) and any(r.id == shape for r in rules):
        findings.append(Finding(path, shape, RULES[shape].severity, shape_error))
    return findings, fmt.corpus_key(ctx)


@dataclass
class Report:
    findings: list[Finding]
    files: int
    keys: list[tuple[str, CorpusKey | None]] = field(default_factory=list)  # every file compared, checked or not
    checked: set[str] = field(default_factory=set)

    def collisions(self) -> list[Any]:
        """Groups of files whose requests hash to one name, among those with a checked file."""
        from recordings.collisions import find_collisions

        targets = {}
        for path, key in self.keys:
            if key is None or key[1] is None:
                continue
            hashing = format_for_file(path).hashing
            if hashing is not None:
                targets[path] = hashing.rename_target(path, key[1])
        return [g for g in find_collisions(targets) if any(f in self.checked for f in g.files)]

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


class _FileCheck:
    """A picklable ``check_file`` bound to a selection of rules (for the worker pool)."""

    def __init__(self, rules: list[Rule] | None) -> None:
        self.ids = None if rules is None else [r.id for r in rules]

    def __call__(self, path: str) -> tuple[list[Finding], CorpusKey | None]:
        return check_file(path, None if self.ids is None else [RULES[i] for i in self.ids])


def _encode(result: tuple[list[Finding], CorpusKey | None]) -> list[Any]:
    findings, key = result
    return [[[f.rule, f.severity, f.message, f.json_path, f.line, f.fix] for f in findings],
            None if key is None else [key[0], key[1], list(key[2])]]


def _decode(path: str, value: list[Any]) -> tuple[list[Finding], CorpusKey | None]:
    findings = [Finding(path, *f) for f in value[0]]
    return findings, None if value[1] is None else _key(value[1])


def _key(value: list[Any]) -> CorpusKey:
    return value[0], value[1], tuple(value[2])


def corpus_key(path: str) -> CorpusKey | None:
    """The corpus key of a file that is not being reported on (its format decides what it is), or None."""
    from recordings.loader import Loaded, load_one

    item = load_one(path)
    if not isinstance(item, Loaded):
        return None
    ctx = FileContext(path, item.raw, item.doc, item.recording, format_for_file(path, item.raw))
    try:
        return ctx.file_format().corpus_key(ctx)
    except (TypeError, ValueError, RecursionError):
        return None


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
    # not selected, or ignored by [tool.recordings] everywhere: the rule does not run at all
    rules = [r for r in selected_rules(select, ignore) if r.id not in config.ignore]
    ids = [r.id for r in rules]
    raw_findings: list[Finding] = [syntax.unreadable(p.path, p.reason) for p in problems]
    keys = []
    section = "validate" if len(ids) == len(RULES) else "validate:" + ",".join(ids)
    from recordings.rules import bytescan

    bytescan.available()  # built before the workers fork: they share it instead of each building one
    results = cached_map(_FileCheck(rules if len(ids) != len(RULES) else None), files, section, _encode, _decode,
                         cache)
    for path, (found, key) in zip(files, progress(results) if progress else results):
        raw_findings.extend(found)
        keys.append((path, key))
    checked = set(files)
    # the rest of the corpus is read only for what corpus rules compare, and only where a key is found: the
    # files of recorders that give corpus keys, never decoded past the ceilings
    others = [p for p in corpus if p not in checked and format_for_file(p).gives_corpus_keys]
    if others:
        keys += list(zip(others, cached_map(corpus_key, others, "corpus-key", lambda k: k and [k[0], k[1], list(k[2])],
                                            lambda _p, v: v and _key(v), cache)))
    from recordings.formats import FORMATS

    for fmt in FORMATS:  # corpus-wide advice a format adds to its own rules' findings
        raw_findings = fmt.amend_findings(raw_findings, keys)
    for rule in CORPUS:
        if rule.id in ids and rule.check_corpus is not None:
            raw_findings.extend(rule.check_corpus(keys, checked if others else None))
    out = []
    for f in raw_findings:
        if select is not None and f.rule not in select:
            continue
        if ignore and f.rule in ignore:
            continue
        severity = config.resolve(f.path, f.rule, f.severity)
        if severity is None:
            continue
        out.append(f if severity == f.severity else Finding(f.path, f.rule, severity, f.message, f.json_path, f.line,
                                                            f.fix))
    return Report(out, len(files), keys, checked)
