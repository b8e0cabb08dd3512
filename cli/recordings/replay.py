"""Why a replay missed a recording (the core of ``recordings explain``): the corpus read once, handed to the
recorder whose replay lookups answer the question (its :class:`~recordings.formats.interface.Explain`)."""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from typing import Any

from recordings.model import Problem, Recording


@dataclass
class CorpusView:
    """What a recorder's replay lookups read of the project: its recordings, and the core's readers."""

    root: str
    recordings: list[Recording] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)

    def matching(self, ref: str) -> list[str]:
        from recordings.lookup import matching

        return matching(ref, [r.path for r in self.recordings])

    def request_of(self, path: str) -> Any:
        from recordings.loader import load

        return load(path).doc["request"]

    def test_exists(self, test_id: str) -> bool:
        from recordings.live_tests import ALIVE, StaticIndex
        from recordings.nodeid import try_parse_node_id

        tid = try_parse_node_id(test_id)
        return tid is not None and StaticIndex(self.root).verdict(tid).status == ALIVE

    def diff_lines(self, a: Any, b: Any) -> list[str]:
        from recordings.corpus_diff import deepdiff_lines

        return deepdiff_lines(a, b)


def corpus(root: str) -> CorpusView:
    """Every recording under ``root`` of a recorder that can explain replays."""
    from recordings.discovery import discover
    from recordings.loader import scan

    view = CorpusView(os.path.abspath(root))
    found = discover([view.root], "explain")
    view.problems = list(found.problems)
    for item in scan(found.files):
        if isinstance(item, Problem):
            view.problems.append(item)
        elif isinstance(item, Recording):
            view.recordings.append(item)
    return view


def recorder() -> Any:
    """The recorder whose replay lookups ``explain`` answers (the first that has them)."""
    from recordings.formats import FORMATS

    return next(f for f in FORMATS if f.explain is not None)


def recorder_explains(path: str) -> bool:
    """Whether ``path`` is a file of the recorder whose replay lookups ``explain`` answers."""
    from recordings.formats import format_for_file

    return format_for_file(path) is recorder()


def explain_hash(root: str, h: str, test_id: str | None = None, recording_dir: str | None = None) -> Any:
    return recorder().explain.explain_hash(root, h, test_id, corpus(root), recording_dir)


def explain_request(root: str, test_id: str, request: dict[str, Any], recording_dir: str | None = None) -> Any:
    return recorder().explain.explain_request(root, test_id, request, corpus(root), recording_dir=recording_dir)


def request_from_json(data: Any, endpoint: str, method: str, url: str | None) -> dict[str, Any]:
    return recorder().explain.request_from_json(data, endpoint, method, url)
