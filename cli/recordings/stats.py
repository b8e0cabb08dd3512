"""The corpus at a glance: counts, bytes, token usage and health (the core of ``recordings stats``)."""

from __future__ import annotations

import os
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from typing import Any, Iterable

from recordings.errors import LoadError
from recordings.formats import format_for_file
from recordings.loader import load
from recordings.model import Problem, Recording
from recordings.names import names_hash
from recordings.protocols import quick_usage


@dataclass(frozen=True)
class FileStats:
    """What one file contributes: its cheap fields plus usage and two health bits."""

    recording: Recording
    prompt_tokens: int
    completion_tokens: int
    name_matches_hash: bool | None  # None: no hash rule (file processors)
    normalized: bool
    request_hash: str | None = None  # set when the name does not match it
    file_size: int = 0  # the whole file (a cassette holds several recordings)
    prunable: bool = True  # whether its recorder's files are judged for orphans (prune's ability)


# each recorder's test attribution for the current run, one per process (cleared when a run starts; a worker
# forked after that starts with it empty): a project's test files are read once per run, not once per file
_SESSIONS: dict[str, Any] = {}


def file_stats(path: str) -> list[FileStats] | Problem:
    """Per-file work for stats (runs in worker processes): one entry per recording of the file."""

    try:
        loaded = load(path, empty_ok=True, sessions=_SESSIONS)  # an empty cassette: counted apart by gather
    except LoadError as exc:
        from recordings.formats import of_no_known_format

        return Problem(path, exc.reason, foreign=of_no_known_format(exc))
    except RecursionError:
        return Problem(path, "nested too deeply to read")
    fmt = format_for_file(path, loaded.raw)  # the hash rules and normalization are the recorder's abilities
    size, prunable = len(loaded.raw), fmt.attributes_tests
    try:
        out = []
        for rec, e in zip(loaded.recordings, loaded.exchanges):
            prompt, completion = quick_usage(e)
            name_ok: bool | None = None
            h = fmt.hashing.hash_of(rec, loaded.doc) if fmt.hashing is not None else None
            if h is not None:
                name_ok = names_hash(rec.id, h)
            normalized = fmt.normalization is None or fmt.normalization.is_normalized(path, loaded.doc)
            out.append(FileStats(rec, prompt, completion, name_ok, normalized, None if name_ok is not False else h,
                                 size, prunable))
        return out
    except (RecursionError, TypeError, ValueError) as exc:
        return Problem(path, f"could not be measured ({type(exc).__name__})")


@dataclass
class Group:
    count: int = 0
    bytes: int = 0

    def add(self, size: int) -> None:
        self.count += 1
        self.bytes += size


@dataclass
class CorpusStats:
    files: int = 0  # recordings (exchanges): one per OGX file, one per cassette interaction or HAR entry
    bytes: int = 0
    paths: set[str] = field(default_factory=set)  # the files they are in
    by: dict[str, dict[str, Group]] = field(default_factory=lambda: defaultdict(lambda: defaultdict(Group)))
    streamed: int = 0
    stream_chunks: int = 0
    exceptions: Counter = field(default_factory=Counter)
    tokens: dict[str, list[int]] = field(default_factory=lambda: defaultdict(lambda: [0, 0]))
    hash_mismatch: list[str] = field(default_factory=list)
    named_right: list[str] = field(default_factory=list)  # files of one recording whose name is its hash
    rename_targets: dict[str, str] = field(default_factory=dict)  # path -> what --rehash would name it
    not_normalized: list[str] = field(default_factory=list)
    orphaned: list[str] = field(default_factory=list)
    orphans_refused: str | None = None  # why orphans are not counted (prune would refuse the plan)
    shared: int = 0
    empty: list[str] = field(default_factory=list)  # valid files that hold no recording
    unreadable: list[Problem] = field(default_factory=list)
    foreign: list[Problem] = field(default_factory=list)  # files of no known format: left out
    largest: list[tuple[int, str]] = field(default_factory=list)
    growth: list[dict[str, Any]] | None = None

    def add(self, s: FileStats) -> None:
        r = s.recording
        self.files += 1
        self.paths.add(r.path)
        self.bytes += r.size
        for dim, value in (("suite", r.suite), ("provider", r.provider or "-"), ("model", r.model or "-"),
                           ("endpoint", r.endpoint or "-"), ("kind", r.kind.value), ("host", _host(r.url))):
            self.by[dim][value].add(r.size)
        if r.streaming:
            self.streamed += 1
            self.stream_chunks += r.chunks
        if r.exception is not None:
            self.exceptions[r.exception.type or "?"] += 1
        elif r.status is not None and r.status >= 400:
            self.exceptions[f"HTTP {r.status}"] += 1
        if s.prompt_tokens or s.completion_tokens:
            t = self.tokens[r.model or "-"]
            t[0] += s.prompt_tokens
            t[1] += s.completion_tokens
        if s.name_matches_hash is True:
            self.named_right.append(r.path)
        if s.name_matches_hash is False:
            self.hash_mismatch.append(r.path)
            if s.request_hash:
                from recordings.formats import format_for_file

                hashing = format_for_file(r.path).hashing
                if hashing is not None:
                    self.rename_targets[r.path] = hashing.rename_target(r.path, s.request_hash)
        if not s.normalized:
            self.not_normalized.append(r.path)
        if r.shared and s.prunable:  # a cassette has no shared recordings
            self.shared += 1
        self.largest.append((s.file_size or r.size, r.path))

    def finish(self) -> None:
        files = {path: size for size, path in self.largest}  # a file once, however many recordings it holds
        self.largest = sorted(((size, path) for path, size in files.items()), key=lambda x: (-x[0], x[1]))[:10]

    def targets(self) -> dict[str, str]:
        """file -> the path its request hashes to (itself when its name is right)."""
        return {**{p: p for p in self.named_right}, **self.rename_targets}

    def collisions(self) -> list[Any]:
        from recordings.collisions import find_collisions

        return find_collisions(self.targets())

    def renamable(self) -> int:
        """How many hash mismatches ``normalize --rehash`` can really rename (target free, claimed once)."""
        from recordings.formats import format_for_file

        by_recorder: dict[str, tuple[Any, dict[str, str]]] = {}
        for path, target in self.rename_targets.items():  # each recorder says what its --rehash can rename
            fmt = format_for_file(path)
            by_recorder.setdefault(fmt.name, (fmt, {}))[1][path] = target
        advice: dict[str, str] = {}
        for fmt, targets in by_recorder.values():
            if fmt.hashing is not None:
                advice.update(fmt.hashing.rename_advice(targets))
        return sum(1 for a in advice.values() if " renames it to " in a)

    def rehash_fix(self) -> str:
        n, total = self.renamable(), len(self.hash_mismatch)
        if n == total:
            return "recordings normalize --rehash"
        if n == 0:
            return "none renamable (targets exist or collide): recordings validate --select hash says which"
        return (f"recordings normalize --rehash renames {n}; {total - n} cannot be renamed (targets exist or "
                "collide): recordings validate --select hash says which")

    def to_dict(self) -> dict[str, Any]:
        return {
            "files": len(self.paths),
            "recordings": self.files,
            "bytes": self.bytes,
            "by": {dim: {k: {"count": g.count, "bytes": g.bytes} for k, g in sorted(groups.items())}
                   for dim, groups in sorted(self.by.items())},
            "streaming": {"streamed": self.streamed,
                          "share": round(self.streamed / self.files, 4) if self.files else 0.0,
                          "mean_chunks": round(self.stream_chunks / self.streamed, 2) if self.streamed else 0.0},
            "exceptions": dict(sorted(self.exceptions.items())),
            "tokens": {m: {"prompt": t[0], "completion": t[1]} for m, t in sorted(self.tokens.items())},
            "health": {
                "hash_mismatch": {"count": len(self.hash_mismatch), "renamable": self.renamable(),
                                  "fix": self.rehash_fix(), "files": sorted(self.hash_mismatch)},
                "not_normalized": {"count": len(self.not_normalized), "fix": "recordings normalize",
                                   "files": sorted(self.not_normalized)},
                "orphaned": {"count": len(self.orphaned), "fix": "recordings prune (list: recordings ls --orphans)",
                             "files": sorted(self.orphaned), "refused": self.orphans_refused},
                "colliding": _colliding(self.collisions()),
                "shared": {"count": self.shared, "list": "recordings ls --format json (shared: true)"},
                "empty": {"count": len(self.empty), "files": sorted(self.empty)},
                "unreadable": {"count": len(self.unreadable), "list": "recordings validate --select syntax,schema",
                               "files": sorted(p.path for p in self.unreadable)},
            },
            "largest": [{"path": p, "bytes": b} for b, p in self.largest],
            "growth": self.growth,
        }


def _colliding(groups: list[Any]) -> dict[str, Any]:
    return {"count": sum(len(g.files) for g in groups), "names": len(groups),
            "fix": "recordings dedupe (keeps the file replay reads, else the newest)",
            "groups": [{"name": g.name, "files": list(g.files)} for g in groups]}


def file_targets(files: list[str], cache: Any = None) -> tuple[dict[str, str], list[Problem]]:
    """file -> the path its request hashes to, for single-recording files of recorders with hash rules; and
    the files that could not be read."""
    from recordings.cache import cached_map
    from recordings.providers import digest

    result = CorpusStats()
    problems: list[Problem] = []
    _SESSIONS.clear()
    for item in cached_map(file_stats, files, "stats" + digest(), _encode, _decode, cache):
        if isinstance(item, list):
            for s in item:
                result.add(s)
        elif isinstance(item, Problem) and not item.foreign:
            problems.append(item)
    return result.targets(), problems


def _host(url: str | None) -> str:
    from urllib.parse import urlsplit

    try:
        return (urlsplit(url).hostname or "-") if url else "-"
    except ValueError:
        return "-"


def _encode(item: list[FileStats] | Problem) -> list[Any] | None:
    if isinstance(item, Problem):
        return None
    return [[s.recording.state(), s.prompt_tokens, s.completion_tokens, s.name_matches_hash, s.normalized,
             s.request_hash, s.file_size, s.prunable] for s in item]


def _decode(path: str, value: list[Any]) -> list[FileStats]:
    from recordings.model import recording_from_state

    return [FileStats(recording_from_state(path, v[0]), *v[1:]) for v in value]


def gather(files: Iterable[str], problems: Iterable[Problem] = (), root: str | None = None,
           cache: Any = None, progress: Any = None) -> CorpusStats:
    from recordings.cache import cached_map
    from recordings.live_tests import SourceError, build_index
    from recordings.prune import plan

    result = CorpusStats()
    for p in problems:
        (result.foreign if p.foreign else result.unreadable).append(p)
    records = []
    files = list(files)
    from recordings.providers import digest

    _SESSIONS.clear()
    items = cached_map(file_stats, files, "stats" + digest(), _encode, _decode, cache)
    for path, item in zip(files, progress(items) if progress else items):
        if isinstance(item, Problem):
            (result.foreign if item.foreign else result.unreadable).append(item)
            continue
        if not item:  # an empty cassette: judged for orphans like the others
            from recordings.formats import format_for_file
            from recordings.loader import empty_file

            result.empty.append(path)
            if format_for_file(path).attributes_tests:
                records.append(empty_file(path))
            continue
        for s in item:
            result.add(s)
            if s.prunable:  # orphans only where prune judges them
                records.append(s.recording)
    if root is not None:
        try:
            index, _source = build_index(root, cache=cache)
        except SourceError:
            index = None  # no test files: orphans cannot be told
        if index is not None:
            orphan_plan = plan(records, index, root)
            result.orphans_refused = orphan_plan.refusal(root)
            if result.orphans_refused is None:  # the guards prune applies: a wrong root or a plan too large
                result.orphaned = [o.recording.path for o in orphan_plan.orphans]
        if cache is not None:
            cache.save()
    result.finish()
    return result


def suite_sizes_at(root: str, rev: str) -> dict[str, int]:
    """Bytes per suite of the recordings at git revision ``rev`` (sizes from ``git ls-tree -l``)."""
    from recordings.formats import format_for_file
    from recordings.sources import GitSource, git

    src = GitSource(root, rev)
    prefix = os.path.relpath(src.root, src.top).replace(os.sep, "/")
    spec = [] if prefix == "." else [prefix]
    out = git(src.top, "ls-tree", "-r", "-l", "-z", "--full-tree", rev, "--", *spec)
    sizes: dict[str, int] = defaultdict(int)
    from recordings.formats import is_recording_path

    for record in out.split("\0"):
        if not record:
            continue
        meta, _, path = record.partition("\t")
        parts = meta.split()
        if len(parts) < 4 or parts[1] != "blob" or not is_recording_path(path, "stats"):
            continue
        full = os.path.join(src.top, path)
        sizes[format_for_file(full).suite_of(full)] += int(parts[3])
    return dict(sizes)


def growth_since(stats: CorpusStats, root: str, rev: str) -> list[dict[str, Any]]:
    before = suite_sizes_at(root, rev)
    now = {k: g.bytes for k, g in stats.by["suite"].items()}
    rows: list[dict[str, Any]] = []
    for suite in set(before) | set(now):
        rows.append({"suite": suite, "before": before.get(suite, 0), "now": now.get(suite, 0),
                     "growth": now.get(suite, 0) - before.get(suite, 0)})
    return sorted(rows, key=lambda r: (-r["growth"], r["suite"]))[:10]
