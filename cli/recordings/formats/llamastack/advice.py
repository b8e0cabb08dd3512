"""Advice that needs the whole corpus: whether ``normalize --rehash`` can really rename a file."""

from __future__ import annotations

from recordings.rules.types import CorpusKey, Finding


def with_rename_advice(findings: list[Finding], keys: list[tuple[str, CorpusKey | None]]) -> list[Finding]:
    """Append to each hash and legacy-name finding the advice that is true for it: `normalize --rehash`
    renames it to X, or cannot (the target exists, or several files hash to it)."""
    import os

    from recordings.formats.llamastack.rules.name import LEGACY_NOTE
    from recordings.formats.llamastack.hashing import rename_advice, rename_target

    renames = {}
    for path, key in keys:
        if key is None or key[1] is None:
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
