"""duplicate: two files holding the same request for the same test (a corpus-wide rule)."""

from __future__ import annotations

from typing import Iterable, Iterator

from recordings.checks import Finding

ID = "duplicate"
SEVERITY = "warning"
SUMMARY = "two files hold the same request for the same test"


def check_corpus(keys: Iterable[tuple[str, tuple[str | None, str] | None]]) -> Iterator[Finding]:
    """``keys``: (path, (test_id, request hash)) per file; None where no hash could be computed."""
    groups: dict[tuple[str | None, str], list[str]] = {}
    for path, key in keys:
        if key is not None:
            groups.setdefault(key, []).append(path)
    for (_test, _h), paths in groups.items():
        if len(paths) < 2:
            continue
        for p in paths:
            others = ", ".join(sorted(x for x in paths if x != p))
            yield Finding(p, ID, SEVERITY, f"same request for the same test as {others}")
