"""The offline answer to "Recording not found for request hash: H" (the core of ``recordings explain``).

A replayer looks for ``<hash>.json`` in the test's own ``recordings/`` folder
(next to the test file), then in the shared fallback
``tests/integration/common/recordings/``; model lists are found by
``models-<hash>-*.json`` in the same two places.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass, field
from typing import Any

from recordings.formats.llamastack.hashing import request_hash
from recordings.formats.llamastack.document import request_kind
from recordings.model import Kind, Recording
from recordings.nodeid import try_parse_node_id

SHARED_FALLBACK = "tests/integration/common/recordings"
# the recorder's base folder for the shared fallback: OGX's variable, and Llama Stack's before the rename
RECORDING_DIR_ENVS = ("OGX_TEST_RECORDING_DIR", "LLAMA_STACK_TEST_RECORDING_DIR")
RECORDING_DIR_ENV = RECORDING_DIR_ENVS[0]


def fallback_folder(root: str, recording_dir: str | None = None) -> str:
    """The shared fallback replay reads: ``<recording dir>/recordings``, where the recording dir is
    ``--recording-dir``, else ``$OGX_TEST_RECORDING_DIR`` (or Llama Stack's ``$LLAMA_STACK_TEST_RECORDING_DIR``),
    else ``tests/integration/common``."""
    base = recording_dir or next((os.environ[v] for v in RECORDING_DIR_ENVS if os.environ.get(v)), None)
    if base:
        return os.path.join(os.path.join(root, base) if not os.path.isabs(base) else base, "recordings")
    return os.path.join(root, SHARED_FALLBACK)


@dataclass
class Lookup:
    path: str
    exists: bool

    def to_dict(self) -> dict[str, Any]:
        return {"path": self.path, "exists": self.exists}


@dataclass
class Candidate:
    recording: Recording
    distance: float

    def to_dict(self) -> dict[str, Any]:
        return {"id": self.recording.id, "path": self.recording.path, "distance": round(self.distance, 4)}


@dataclass
class Explanation:
    hash: str
    test_id: str | None
    lookups: list[Lookup] = field(default_factory=list)
    elsewhere: list[Recording] = field(default_factory=list)  # files named for the hash, not where replay looks
    test_recordings: list[Recording] = field(default_factory=list)
    test_known: bool | None = None  # None: no test_id given
    candidates: list[Candidate] = field(default_factory=list)
    differences: list[str] = field(default_factory=list)
    verdict: str = ""
    assumed: str = ""  # what was filled in for a bare request body (its url)
    hint: str = ""  # what to run next

    @property
    def found(self) -> bool:
        return any(lk.exists for lk in self.lookups)

    def to_dict(self) -> dict[str, Any]:
        return {
            "hash": self.hash,
            "test_id": self.test_id,
            "found": self.found,
            "verdict": self.verdict,
            "lookups": [lk.to_dict() for lk in self.lookups],
            "elsewhere": [{"path": r.path, "test_id": r.test_id} for r in self.elsewhere],
            "test_known": self.test_known,
            "test_recordings": [{"id": r.id, "path": r.path, "endpoint": r.endpoint, "model": r.model}
                                for r in self.test_recordings],
            "candidates": [c.to_dict() for c in self.candidates],
            "differences": self.differences,
            "assumed": self.assumed or None,
            "hint": self.hint or None,
        }


def replay_folders(root: str, test_id: str | None, recording_dir: str | None = None) -> list[str]:
    folders = []
    tid = try_parse_node_id(test_id) if test_id else None
    if tid is not None:
        folders.append(os.path.join(root, os.path.dirname(tid.file), "recordings"))
    folders.append(fallback_folder(root, recording_dir))
    return folders


def _matches_hash(path: str, h: str) -> bool:
    name = os.path.basename(path)
    return name == f"{h}.json" or (name.startswith(f"models-{h}-") and name.endswith(".json"))


def _lookups(root: str, test_id: str | None, h: str, recording_dir: str | None = None) -> list[Lookup]:
    out = []
    for folder in replay_folders(root, test_id, recording_dir):
        exact = os.path.join(folder, f"{h}.json")
        if os.path.exists(exact):
            out.append(Lookup(exact, True))
            continue
        models = []
        if os.path.isdir(folder):
            models = sorted(os.path.join(folder, n) for n in os.listdir(folder) if _matches_hash(n, h))
        out.append(Lookup(models[0], True) if models else Lookup(exact, False))
    return out


def explain_hash(root: str, h: str, test_id: str | None, corpus: Any,
                 recording_dir: str | None = None) -> Explanation:
    """Where replay looks for ``h`` (a full hash, or a prefix or name resolved as ``show`` does). ``corpus`` is
    what the core read of the project (:class:`recordings.formats.interface.ExplainCorpus`)."""
    from recordings.names import hash_of_name, stem

    root = os.path.abspath(root)
    recs = corpus.recordings
    if not re.fullmatch(r"[0-9a-f]{64}", h):
        hits = corpus.matching(h)
        stems = sorted({hash_of_name(stem(p)) for p in hits})
        if len(stems) == 1 and re.fullmatch(r"[0-9a-f]{64}", stems[0]):
            h = stems[0]
            if test_id is None:  # the recording names its own test
                owner = next((r for r in recs if r.path in hits and r.test_id), None)
                test_id = owner.test_id if owner else None
        elif len(stems) > 1:
            ex = Explanation(h, test_id)
            ex.verdict = (f"{h!r} is ambiguous: {len(stems)} recordings match "
                          f"({', '.join(s[:12] for s in stems[:5])}{' …' if len(stems) > 5 else ''})")
            ex.elsewhere = [r for r in recs if r.path in hits]
            return ex
    ex = Explanation(h, test_id, lookups=_lookups(root, test_id, h, recording_dir))
    looked = {os.path.abspath(lk.path) for lk in ex.lookups if lk.exists}
    ex.elsewhere = [r for r in recs if _matches_hash(r.path, h) and os.path.abspath(r.path) not in looked]
    if test_id:
        ex.test_recordings = sorted((r for r in recs if r.test_id == test_id), key=lambda r: r.path)
        ex.test_known = bool(ex.test_recordings) or corpus.test_exists(test_id)
    if ex.found:
        where = next(lk.path for lk in ex.lookups if lk.exists)
        ex.verdict = f"found: replay reads {os.path.relpath(where, root)}"
    elif ex.elsewhere:
        r = ex.elsewhere[0]
        ex.verdict = (f"a file for this hash exists, but where replay does not look: {os.path.relpath(r.path, root)}"
                      + (f" (it belongs to {r.test_id})" if r.test_id and r.test_id != test_id else ""))
    elif test_id and not ex.test_known:
        ex.verdict = "unknown test: no recording has this test_id and its test file does not define it"
    else:
        ex.verdict = "not recorded: no file for this hash anywhere in the corpus"
    return ex


def request_from_json(data: Any, endpoint: str, method: str, url: str | None) -> dict[str, Any]:
    """A request object from what a user pasted: a recording, a request, or a bare body."""
    if isinstance(data, dict) and isinstance(data.get("request"), dict):
        return data["request"]
    if isinstance(data, dict) and request_kind(data) is not None:
        return data
    if isinstance(data, dict):  # a bare body, e.g. {"model": ..., "messages": [...]}
        # the url (whose path is hashed) is filled in by explain_request when not given
        return {"method": method, "url": url, "headers": {}, "body": data,
                "endpoint": endpoint, "model": data.get("model", "")}
    raise ValueError("the request must be a JSON object")


def infer_url(recs: list[Recording], test_id: str, endpoint: str | None) -> tuple[str | None, str]:
    """The url a bare body was most likely sent to: the one this test's recordings of ``endpoint`` use,
    else the most common one in the corpus for ``endpoint``. (url, how it was chosen)."""
    from collections import Counter

    for label, pool in (("this test's recordings", [r for r in recs if r.test_id == test_id]),
                        ("the corpus", recs)):
        urls = Counter(r.url for r in pool if r.url and r.endpoint == endpoint and r.kind is Kind.INFERENCE)
        if urls:
            url, n = urls.most_common(1)[0]
            return url, f"url {url} assumed from {n} of {label} for {endpoint} (pass --url to choose)"
    return None, ""


def explain_request(root: str, test_id: str, request: dict[str, Any], corpus: Any, limit: int = 5,
                    recording_dir: str | None = None) -> Explanation:
    from recordings.formats.llamastack.hashing import hash_inputs

    kind = request_kind(request)
    if kind is None or kind is Kind.FILE_PROCESSOR:
        raise ValueError("the request has no hash rule (expected an inference, HTTP or tool request)")
    root = os.path.abspath(root)
    recs = corpus.recordings
    assumed = ""
    if kind is Kind.INFERENCE and not request.get("url"):
        url, assumed = infer_url(recs, test_id, request.get("endpoint"))
        request = {**request, "url": url or f"http://localhost{request.get('endpoint') or ''}"}
        if not url:
            assumed = f"no recording uses {request.get('endpoint')}: url {request['url']} assumed (pass --url)"
    h = request_hash(kind, request, test_id)
    ex = explain_hash(root, h, test_id, corpus, recording_dir)
    ex.assumed = assumed
    if ex.found:
        return ex
    endpoint = _endpoint(kind, request)
    same = [r for r in ex.test_recordings if r.endpoint == endpoint and r.kind is kind]
    if not same:
        return ex
    from deepdiff import DeepDiff

    mine = hash_inputs(kind, request, test_id)
    scored = []
    requests: dict[str, dict[str, Any]] = {}
    for r in same:
        try:
            requests[r.path] = corpus.request_of(r.path)
            theirs = hash_inputs(kind, requests[r.path], r.test_id)
        except Exception:  # noqa: BLE001 - an unreadable candidate is simply not a candidate
            continue
        distance = DeepDiff(theirs, mine, get_deep_distance=True, ignore_order=False,
                            ignore_private_variables=False).get("deep_distance", 0.0)
        scored.append(Candidate(r, float(distance)))
    scored.sort(key=lambda c: (c.distance, c.recording.path))
    ex.candidates = scored[:limit]
    if scored:
        best = scored[0].recording
        ex.differences = corpus.diff_lines(requests[best.path], request)
        ex.verdict = (f"not recorded: the closest recording of this test and endpoint is {best.id[:12]} "
                      f"({len(ex.differences)} field{'s differ' if len(ex.differences) != 1 else ' differs'})")
    return ex


def _endpoint(kind: Kind, request: dict[str, Any]) -> str | None:
    from urllib.parse import urlsplit

    if kind is Kind.TOOL:
        return request.get("tool_name")
    if kind is Kind.INFERENCE and isinstance(request.get("endpoint"), str):
        return request["endpoint"]
    url = request.get("url")
    return urlsplit(url).path if isinstance(url, str) else None
