"""duplicate: two files of one project holding the same request for the same test (a corpus-wide rule).

Copies in two projects (the folders a comparison keeps side by side, each with its own pyproject.toml
or .git) are not duplicates: no replay reads both."""

from __future__ import annotations

from typing import Iterator

from recordings.rules.types import CorpusKeys, Finding

ID = "duplicate"
SEVERITY = "warning"
SUMMARY = "two files hold the same request for the same test (models- lists excepted)"
SCOPE = "corpus"


def check_corpus(keys: CorpusKeys, report: set[str] | None = None) -> Iterator[Finding]:
    """``keys``: (path, (test_id, request hash, types)) per file; the hash is None where none could be computed.

    ``models-<hash>-<digest>`` files are left out: the recorder writes one per model list and
    merges them on purpose. With ``report``, only those files get findings (the others are the
    rest of the corpus, compared but not reported).
    """
    import os

    from recordings.names import LEGACY_MODELS, MODELS, stem

    from recordings.project import find_root

    roots: dict[str, str] = {}

    def project_of(path: str) -> str:
        folder = os.path.dirname(os.path.abspath(path))
        if folder not in roots:
            roots[folder] = find_root(folder)
        return roots[folder]

    groups: dict[tuple[str, str | None, str], list[str]] = {}
    for path, key in keys:
        if key is None or key[1] is None:
            continue
        s = stem(path)
        if MODELS.match(s) or LEGACY_MODELS.match(s):
            continue
        groups.setdefault((project_of(path), key[0], key[1]), []).append(path)
    for paths in groups.values():
        if len(paths) < 2:
            continue
        for p in paths:
            if report is not None and p not in report:
                continue
            others = sorted(x for x in paths if x != p)
            here = os.path.dirname(p)
            shown = ", ".join(os.path.basename(x) if os.path.dirname(x) == here else x for x in others[:3])
            more = f" and {len(others) - 3} more" if len(others) > 3 else ""
            yield Finding(p, ID, SEVERITY, f"same request for the same test as {shown}{more}")
