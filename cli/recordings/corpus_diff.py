"""What a re-record really changed: comparing two corpora, or two recordings.

Files are matched by name; identical bytes are ``unchanged`` without parsing.
Unmatched files are then paired by (test_id, endpoint) when that pairing is
unique (a re-record with a changed request gets a new hash: ``renamed``).
Each differing pair is classified by comparing what a test sees, after
normalization: the request, and the reassembled answer (text, reasoning, tool
call names and arguments, finish reason), model, usage and error. A pair that
differs only in ids, timestamps or chunk boundaries is ``noise``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from recordings.errors import LoadError
from recordings.model import Answer, Exchange
from recordings.sources import Entry, Source

CHANGED, NOISE, UNCHANGED = "changed", "noise", "unchanged"
ADDED, REMOVED, UNREADABLE = "added", "removed", "unreadable"
MOVED = "moved"  # the same request under another name or folder, answering the same


@dataclass(frozen=True)
class FileDiff:
    status: str
    old: str | None
    new: str | None
    suite: str
    what: tuple[str, ...] = ()
    renamed: bool = False  # paired by test and endpoint: the request changed, so did the name
    reason: str | None = None
    moved: bool = False  # paired by an identical request under another name or folder
    test: str | None = None  # the test that owns it
    breaks: tuple[str, ...] = ()  # why replay would not find it, or would rebuild its response otherwise
    fields: tuple[str, ...] = ()  # the request fields that changed, by name
    detail: tuple[str, ...] = ()  # one line per difference a test sees (request and answer)
    answer: tuple[str, ...] = ()  # a unified diff of the reassembled answer

    @property
    def name(self) -> str:
        return self.new or self.old or "?"

    @property
    def label(self) -> str:
        """``changed``, ``renamed and changed``, ``moved and changed``, ``moved``, …"""
        if self.renamed and self.status == CHANGED:
            return "renamed and changed"
        if self.moved and self.status == CHANGED:
            return "moved and changed"
        return self.status

    def to_dict(self) -> dict[str, Any]:
        return {"status": self.status, "old": self.old, "new": self.new, "suite": self.suite,
                "what": list(self.what), "renamed": self.renamed, "moved": self.moved, "reason": self.reason,
                "test": self.test, "replay_breaking": list(self.breaks), "request_fields": list(self.fields),
                "differences": list(self.detail), "answer_diff": list(self.answer)}


@dataclass
class CorpusDiff:
    files: list[FileDiff] = field(default_factory=list)

    def counts(self) -> dict[str, int]:
        out = {k: 0 for k in (ADDED, REMOVED, CHANGED, NOISE, UNCHANGED, UNREADABLE, MOVED)}
        for f in self.files:
            out[f.status] += 1
        out["renamed"] = sum(1 for f in self.files if f.renamed)
        out["moved"] += sum(1 for f in self.files if f.moved and f.status != MOVED)
        out["replay_breaking"] = sum(1 for f in self.files if f.breaks)
        return out

    def per_suite(self) -> dict[str, dict[str, int]]:
        out: dict[str, dict[str, int]] = {}
        for f in self.files:
            row = out.setdefault(f.suite, {k: 0 for k in (ADDED, REMOVED, CHANGED, NOISE, UNCHANGED, UNREADABLE,
                                                          MOVED)})
            row[f.status] += 1
        return dict(sorted(out.items()))

    @property
    def differs(self) -> bool:
        return any(f.status in (ADDED, REMOVED, CHANGED) or f.breaks for f in self.files)

    @property
    def unreadable(self) -> list[FileDiff]:
        return [f for f in self.files if f.status == UNREADABLE]

    def to_dict(self) -> dict[str, Any]:
        return {"files": [f.to_dict() for f in self.files], "suites": self.per_suite(), "summary": self.counts()}


def _suite(rel: str) -> str:
    from recordings.formats import format_for_file

    return format_for_file(rel).suite_of(rel)


def parse_file(rel: str, raw: bytes) -> Any:
    from recordings.formats import format_for_file

    return format_for_file(rel, raw).parse(rel, raw)


def exchanges_of(rel: str, doc: Any, raw: bytes = b"") -> list[Exchange]:
    """A parsed file's exchanges, as its recorder reads them (LoadError when its shape is wrong)."""
    from recordings.formats import format_for_file

    return format_for_file(rel, raw or None).exchanges(rel, doc, len(raw))


def _volatile(header: str) -> bool:
    """Never a change a test sees: what ``normalize`` scrubs, and the headers that describe the body."""
    from recordings.headers import VARYING, volatile

    return volatile(header) or header.lower() in VARYING


def compare_files(orel: str, od: Any, nrel: str, nd: Any) -> tuple[str, tuple[str, ...]]:
    """Two parsed files: changed (with what a test would see differently) or noise (with its kinds). A file
    holding several exchanges (a cassette, a HAR file) is compared exchange by exchange: exchanges added or
    removed, a request, a status or an answer are changes; volatile headers, ids, timestamps and
    re-chunking are noise."""
    from recordings.formats import format_for_file

    from itertools import zip_longest

    recorder = format_for_file(nrel)
    if not recorder.diffs_headers:  # one exchange per file
        olds, news = exchanges_of(orel, od), exchanges_of(nrel, nd)
        if len(olds) == 1 and len(news) == 1:
            return compare_exchanges(olds[0], news[0], recorder)
    changed: list[str] = []
    noise: list[str] = []
    pairs = zip_longest(format_for_file(orel).iter_exchanges(orel, od, 0), recorder.iter_exchanges(nrel, nd, 0))
    for a, b in pairs:  # one pair held at a time: two files of a million interactions stay within memory
        _classify_pair(a, b, recorder, changed, noise)
    return _file_status(changed, noise)


def _classify_pair(a: Exchange | None, b: Exchange | None, recorder: Any, changed: list[str],
                   noise: list[str]) -> str | None:
    """Add what differs between two exchanges at one index of two files to ``changed`` or ``noise``; the
    exchanges' own comparison (CHANGED or NOISE, None when one side has no exchange there)."""
    if a is None or b is None:
        changed.append("interactions added" if a is None else "interactions removed")
        return None
    status, what = compare_exchanges(a, b, recorder)
    (changed if status == CHANGED else noise).extend(w for w in what if w != "other fields")
    a_h = {k.lower(): v for k, v in a.response.headers.items()}
    b_h = {k.lower(): v for k, v in b.response.headers.items()}
    keys = {k for k in set(a_h) | set(b_h) if a_h.get(k) != b_h.get(k)}
    if keys:
        noise.append("headers") if all(_volatile(k) for k in keys) else changed.append("response headers")
    return status


def _file_status(changed: list[str], noise: list[str]) -> tuple[str, tuple[str, ...]]:
    if changed:
        return CHANGED, tuple(dict.fromkeys(changed))
    return NOISE, tuple(dict.fromkeys(noise)) or ("other fields",)


# --- what a test sees ------------------------------------------------------------------------


def _answer_view(answer: Answer) -> dict[str, Any]:
    """The parts of an answer a test sees; tool-call ids are volatile and left out."""
    return {
        "choices": [
            {"role": c.role, "text": c.text, "reasoning": c.reasoning, "finish_reason": c.finish_reason,
             "tool_calls": [{"name": t.name, "arguments": t.arguments} for t in c.tool_calls]}
            for c in answer.choices
        ],
        "model": answer.model,
        "usage": answer.usage.to_dict() if answer.usage else None,
        "error": None if answer.error is None else {"type": answer.error.type, "status": answer.error.status,
                                                    "message": answer.error.message},
        "embeddings": answer.embeddings,
        "model_ids": answer.model_ids,
        "content": answer.content,
        "status": answer.status,
    }


def semantic_changes(a_e: Exchange, b_e: Exchange, recorder: Any) -> list[str]:
    """Names of what a test would see differently: request, answer text, tool calls, …"""
    from recordings.protocols import reassemble

    what = []
    if recorder.diff_request(a_e)[0] != recorder.diff_request(b_e)[0]:
        what.append("request")
    if a_e.test_id != b_e.test_id:
        what.append("test_id")
    if recorder.diffs_headers and a_e.response.status != b_e.response.status:
        what.append("status")
    a, b = _answer_view(reassemble(a_e)), _answer_view(reassemble(b_e))
    if recorder.diffs_headers:
        a["status"] = b["status"] = None  # told apart above
    ca, cb = a["choices"], b["choices"]
    if [c["text"] for c in ca] != [c["text"] for c in cb] or a["content"] != b["content"]:
        what.append("answer text")
    if [c["reasoning"] for c in ca] != [c["reasoning"] for c in cb]:
        what.append("reasoning")
    if [c["tool_calls"] for c in ca] != [c["tool_calls"] for c in cb]:
        what.append("tool calls")
    if [c["finish_reason"] for c in ca] != [c["finish_reason"] for c in cb]:
        what.append("finish reason")
    if a["model"] != b["model"]:
        what.append("model")
    if a["usage"] != b["usage"]:
        what.append("usage")
    if a["error"] != b["error"] or a["status"] != b["status"]:
        what.append("error")
    if a["embeddings"] != b["embeddings"] or a["model_ids"] != b["model_ids"]:
        what.append("answer text")
    if [c["role"] for c in ca] != [c["role"] for c in cb] and "answer text" not in what:
        what.append("answer text")
    if not what and _body_payload(a_e) != _body_payload(b_e):
        what.append("response")  # e.g. embedding values: the same shape, other numbers
    return sorted(set(what), key=what.index)


def _body_payload(e: Exchange) -> Any:
    """Non-stream bodies whose meaning is not in the answer view (embedding vectors)."""
    if e.response.stream is not None:
        return None
    data = e.response.body.json
    if isinstance(data, dict) and "data" in data and isinstance(data["data"], list):
        return [d.get("embedding") if isinstance(d, dict) else d for d in data["data"]]
    return None


def _items(e: Exchange) -> list[Any]:
    from recordings.protocols import items_of

    return items_of(e)


def noise_kinds(a_e: Exchange, b_e: Exchange) -> list[str]:
    """Which kinds of noise explain a difference that a test does not see."""
    kinds = []
    oi, ni = _items(a_e) or [None], _items(b_e) or [None]
    if len(oi) != len(ni):
        kinds.append("chunking")

    def distinct(items: list[Any], key: str) -> set[str]:
        return {repr(it[key]) for it in items if isinstance(it, dict) and key in it}

    if any(distinct(oi, k) != distinct(ni, k) for k in ("id", "response_id")):
        kinds.append("ids")
    if any(distinct(oi, k) != distinct(ni, k)
           for k in ("created", "created_at", "create_time", "total_duration", "eval_duration")):
        kinds.append("timestamps")
    if "chunking" not in kinds and len(oi) == len(ni):
        from recordings.protocols import timeline

        if [(d.chunk, d.field, d.value) for d in timeline(a_e) if d.field in ("text", "reasoning", "tool")] != \
           [(d.chunk, d.field, d.value) for d in timeline(b_e) if d.field in ("text", "reasoning", "tool")]:
            kinds.append("chunking")
    if not kinds:
        kinds.append("other fields")
    return kinds


def compare_exchanges(a: Exchange, b: Exchange, recorder: Any = None) -> tuple[str, tuple[str, ...]]:
    if recorder is None:
        from recordings.formats import format_for_file

        recorder = format_for_file(b.path)
    what = semantic_changes(a, b, recorder)
    if what:
        return CHANGED, tuple(what)
    noise = noise_kinds(a, b)
    if recorder.diffs_headers and recorder.diff_request(a)[1] != recorder.diff_request(b)[1]:
        noise = ["headers"] + [n for n in noise if n != "other fields"]
    return NOISE, tuple(noise)


# --- corpora -----------------------------------------------------------------------------------


def _basename(rel: str) -> str:
    return rel.rsplit("/", 1)[-1]


def diff_corpora(old: Source, new: Source, show_unchanged: bool = True) -> CorpusDiff:
    old_list, new_list = old.entries(), new.entries()
    inner = getattr(new, "inner", new)
    where = getattr(inner, "root", None)  # the folder the new side's paths are under (its project settings)
    # files are matched by name (a recording moved between suites is the same recording); a name that
    # occurs twice on a side (cassettes of two test modules: test_prompt.yaml) is matched by its path
    from collections import Counter

    twice = {n for side in (old_list, new_list) for n, c in Counter(_basename(e.rel) for e in side).items() if c > 1}

    def match_key(e: Entry) -> str:
        name = _basename(e.rel)
        return e.rel if name in twice else name

    old_entries = {match_key(e): e for e in old_list}
    new_entries = {match_key(e): e for e in new_list}
    result = CorpusDiff()
    for p in list(getattr(old, "problems", [])) + list(getattr(new, "problems", [])):
        result.files.append(FileDiff(UNREADABLE, p.path, None, _suite(p.path), reason=p.reason))

    def read(src: Source, e: Entry) -> bytes | str:
        try:
            return src.read(e)
        except OSError as exc:
            return f"cannot read: {exc.strerror or exc}"

    unmatched_old: dict[str, tuple[Entry, bytes | str]] = {}
    unmatched_new: dict[str, tuple[Entry, bytes | str]] = {}
    # every class the new side's responses are rebuilt from -> its files, per recorder (the rest of the corpus)
    new_types: dict[Any, dict[str, list[str]]] = {}

    def typed(rel: str, raw: bytes | str) -> bytes | str:
        from recordings.formats import format_for_file

        if isinstance(raw, bytes):
            fmt = format_for_file(rel, raw)
            for t in fmt.replay_types_in(raw):
                new_types.setdefault(fmt, {}).setdefault(t, []).append(rel)
        return raw

    for name in sorted(set(old_entries) | set(new_entries)):
        oe, ne = old_entries.get(name), new_entries.get(name)
        if oe is None:
            assert ne is not None
            unmatched_new[name] = (ne, typed(ne.rel, read(new, ne)))
            continue
        if ne is None:
            unmatched_old[name] = (oe, read(old, oe))
            continue
        ob, nb = read(old, oe), typed(ne.rel, read(new, ne))
        result.files.append(_compare(oe.rel, ob, ne.rel, nb, renamed=False, where=where))

    # pair unmatched files: first by an identical request (moved), then by (test_id, endpoint) when the
    # pairing is unique (renamed: the request changed, so did its hash); each file is parsed once for both
    summaries: dict[tuple[bool, str], Any] = {}

    def keyed(items: dict[str, tuple[Entry, bytes | str]], by_request: bool) -> dict[tuple, list[str]]:
        keys: dict[tuple, list[str]] = {}
        side = items is unmatched_old
        for name, (e, raw) in items.items():
            if isinstance(raw, str):
                continue
            if (side, name) not in summaries:
                summaries[side, name] = _summary(e.rel, raw)
            found = summaries[side, name]
            key = _request_key(e.rel, raw, found) if by_request else _owner_key(found)
            if key is not None:
                keys.setdefault(key, []).append(name)
        return keys

    for by_request in (True, False):
        okeys, nkeys = keyed(unmatched_old, by_request), keyed(unmatched_new, by_request)
        for key, onames in okeys.items():
            nnames = nkeys.get(key, [])
            if len(onames) == 1 and len(nnames) == 1:
                (oe, ob), (ne, nb) = unmatched_old.pop(onames[0]), unmatched_new.pop(nnames[0])
                result.files.append(_compare(oe.rel, ob, ne.rel, nb, renamed=not by_request, moved=by_request,
                                             where=where))
    for name, (e, raw) in unmatched_old.items():
        result.files.append(_single(REMOVED, e.rel, raw, old=True, found=summaries.get((True, name))))
    for name, (e, raw) in unmatched_new.items():
        result.files.append(_single(ADDED, e.rel, raw, old=False, found=summaries.get((False, name))))
    result.files = _with_odd_types(result.files, new_types)
    result.files.sort(key=lambda f: (not f.breaks, f.new or f.old or ""))  # what breaks replay comes first
    if not show_unchanged:
        result.files = [f for f in result.files if f.status != UNCHANGED]
    return result


def _with_odd_types(files: list[FileDiff], new_types: dict[Any, dict[str, list[str]]]) -> list[FileDiff]:
    """Changed and added files whose ``__type__`` is not the one the rest of the new corpus uses for that
    class (or is in a package renamed since), as each recorder judges its own: replay-breaking too."""
    import dataclasses

    of_file: dict[str, list[str]] = {}
    for fmt, types in new_types.items():
        odd = fmt.odd_replay_types(types)
        for t, rels in types.items():
            if t in odd:
                for rel in rels:
                    of_file.setdefault(rel, []).append(f"__type__ {t}: {odd[t]}")
    if not of_file:
        return files
    out = []
    for f in files:
        extra = of_file.get(f.new or "") if f.status in (CHANGED, ADDED, MOVED) else None
        out.append(dataclasses.replace(f, breaks=(*f.breaks, *extra)) if extra else f)
    return out


def _single(status: str, rel: str, raw: bytes | str, old: bool, found: Any = None) -> FileDiff:
    """An added or removed file (``found``: its :func:`_summary`, when the pairing already read it)."""
    if isinstance(raw, str):
        return FileDiff(UNREADABLE, rel if old else None, None if old else rel, _suite(rel), reason=raw)
    if found is not None:
        doc = found[1]
    else:
        try:
            doc = parse_file(rel, raw)
        except LoadError as exc:
            return FileDiff(UNREADABLE, rel if old else None, None if old else rel, _suite(rel),
                            reason=exc.reason)
        found = _summary(rel, raw)
    breaks: tuple[str, ...] = ()
    if not old:  # an added file whose name its request does not hash to: replay will not find it either
        try:
            breaks = tuple(replay_breaks(None, None, None, rel, doc, raw))
        except (LoadError, RecursionError):
            pass
    return FileDiff(status, rel if old else None, None if old else rel, _suite(rel),
                    test=found[2].test_id if found else None, breaks=breaks)


def _summary(rel: str, raw: bytes) -> Any:
    from recordings.formats import format_for_file

    try:
        fmt = format_for_file(rel, raw)
        doc = parse_file(rel, raw)
        return fmt, doc, fmt.summarize(rel, doc, len(raw))
    except (LoadError, RecursionError):
        return None


def _owner_key(found: Any) -> tuple | None:
    """(test id, endpoint, kind) of a file's :func:`_summary`; None when its test is not known, since two
    files that only share an endpoint are not one recording renamed."""
    if found is None or found[2].test_id is None:
        return None
    r = found[2]
    return (r.test_id, r.endpoint, r.kind.value)


def _request_key(rel: str, raw: bytes, found: Any) -> tuple | None:
    """The requests as a test sends them, in order, of every exchange in a file (``found``: its
    :func:`_summary`): a recording moved to another folder keeps them, whatever its test id or name became.
    A cassette moved beside another of the same name is paired by them too; two files that send the same
    requests are paired with neither (the caller pairs only a key found once on each side)."""
    import orjson

    if found is None:
        return None
    fmt, doc, r = found
    try:
        sent = [fmt.diff_request(e)[0] for e in exchanges_of(rel, doc, raw)]
        if not sent:
            return None
        return (r.kind.value, orjson.dumps(sent, option=orjson.OPT_SORT_KEYS))
    except (LoadError, IndexError, TypeError, orjson.JSONEncodeError, RecursionError):
        return None


def replay_breaks(orel: str | None, od: Any, ob: bytes | None, nrel: str, nd: Any, nb: bytes,
                  matching: list[str] | tuple[str, ...] = ()) -> list[str]:
    """What in the new file breaks replay: its request no longer hashes to its name (it did before, or it
    is new), the classes its response is rebuilt from changed, or ``matching``: (a cassette) the
    interactions whose request changed in a field the project's ``match_on`` matches on, as
    :func:`_pair_pass` found them."""
    from recordings.formats import format_for_file
    from recordings.names import hash_of_name, names_hash, stem

    out: list[str] = []
    fmt = format_for_file(nrel, nb)
    hashing = fmt.hashing
    if hashing is not None:
        def matches(rel: str, doc: Any, raw: bytes) -> tuple[bool, str | None]:
            try:
                h = hashing.hash_of(fmt.summarize(rel, doc, len(raw)), doc)
            except (LoadError, TypeError, ValueError, RecursionError):
                return True, None
            if h is None:
                return True, None
            return names_hash(stem(rel), h), h

        now, h = matches(nrel, nd, nb)
        before = matches(orel, od, ob)[0] if orel is not None and ob is not None else True
        if not now and before:
            named = hash_of_name(stem(nrel))[:12]
            out.append(f"hash: its request and test id now hash to {h[:12] if h else '?'}…, not {named}…: "
                       "replay will not find it (re-record, or `recordings normalize --rehash`)")
    out += matching
    old_types = fmt.replay_types(od) if orel is not None else ()
    new_types = fmt.replay_types(nd)
    if orel is not None and old_types != new_types:
        gone = [t for t in old_types if t not in new_types]
        came = [t for t in new_types if t not in old_types]
        out.append("__type__ changed: " + ", ".join(gone or ["-"]) + " → " + ", ".join(came or ["-"])
                   + " (replay imports it to rebuild the response)")
    return out


def _matched_names(recorder: Any, nrel: str, where: str | None) -> tuple[str, ...] | None:
    """The request fields the project's replay matches this file's exchanges on (None: not read)."""
    import os

    from recordings.project import find_root

    path = os.path.join(where, nrel) if where else nrel
    return recorder.matched_on(path, find_root(os.path.dirname(os.path.abspath(path))))


MAX_MATCH_BREAKS = 5  # interactions named as matched-field changes; the rest said in one line


def _matching_break(i: int, a: Exchange, b: Exchange, recorder: Any, names: tuple[str, ...]) -> str | None:
    diff = recorder.matched_changes(a, b, names)
    if not diff:
        return None
    return (f"match_on: interaction #{i}'s request changed in {', '.join(diff)} (matched on {', '.join(names)}): "
            "a test that sends the old request no longer finds it")


def _request_fields(a: Exchange, b: Exchange, recorder: Any) -> list[str]:
    """The request fields that differ, by name (``body.messages[1].content``, ``headers.X-OGX-…``)."""
    from deepdiff import DeepDiff

    x, y = recorder.diff_request(a, headers=True)[0], recorder.diff_request(b, headers=True)[0]
    paths: list[str] = []
    for items in DeepDiff(x, y, ignore_private_variables=False).to_dict().values():
        keys = items.keys() if isinstance(items, dict) else items
        for path in keys:
            paths.append(_dotted(str(path)))
    return sorted(dict.fromkeys(paths))


def _dotted(path: str) -> str:
    """``root['body']['messages'][1]`` → ``body.messages[1]``."""
    import re

    out = re.sub(r"\['([^'\]]*)'\]", lambda m: "." + m.group(1), path.replace("root", "", 1))
    return out.lstrip(".") or "(top)"


MAX_DETAIL_EXCHANGES = 20  # a cassette: the first exchanges that differ are detailed, the rest counted


def _detail_pair(i: int, a: Exchange, b: Exchange, recorder: Any, orel: str, nrel: str, several: bool,
                 fields: list[str], detail: list[str], answer: list[str]) -> None:
    """The request fields, difference lines and answer diff of one changed pair, added to the lists."""
    prefix = f"#{i} " if several else ""
    fields += [prefix + f for f in _request_fields(a, b, recorder)]
    detail += [prefix + line for line in deep_diff(a, b)]
    names = (f"{orel}#{i}", f"{nrel}#{i}") if several else (orel, nrel)
    answer += answer_diff(a, b, *names)


def _pair_pass(orel: str, od: Any, ob: bytes, nrel: str, nd: Any, nb: bytes, where: str | None,
               classify: bool = True, details: bool = True) -> tuple[
        tuple[str, tuple[str, ...]] | None, list[str], tuple[str | None, list[str], list[str], list[str]]]:
    """Two files' exchanges read pair by pair, once, one pair held at a time (two cassettes of a million
    interactions stay within memory): (the files' classification, as :func:`compare_files` gives it for
    files of several exchanges; None without ``classify``), the pairs whose request changed in a field the
    project's ``match_on`` uses, and with ``details`` (test, request fields, difference lines, answer diff)
    of the pairs that changed."""
    from itertools import zip_longest

    from recordings.formats import format_for_file

    recorder = format_for_file(nrel, nb)
    names = _matched_names(recorder, nrel, where)
    changed: list[str] = []
    noise: list[str] = []
    matching: list[str] = []
    test: str | None = None
    fields: list[str] = []
    detail: list[str] = []
    answer: list[str] = []
    if classify or details or names:
        several = not recorder.one_per_file
        shown = 0
        pairs = zip_longest(format_for_file(orel, ob).iter_exchanges(orel, od, len(ob)),
                            recorder.iter_exchanges(nrel, nd, len(nb)))
        for i, (a, b) in enumerate(pairs):
            status = _classify_pair(a, b, recorder, changed, noise) if classify else None
            if a is None or b is None:
                if details:
                    detail.append(f"#{i} interaction {'added' if a is None else 'removed'}")
                continue
            test = test or b.test_id or a.test_id
            if names and len(matching) <= MAX_MATCH_BREAKS:
                found = _matching_break(i, a, b, recorder, names)
                if found:
                    matching.append(found if len(matching) < MAX_MATCH_BREAKS else
                                    "… and more interactions whose matched fields changed")
            if not details:
                continue
            if status is None:
                status = compare_exchanges(a, b, recorder)[0]
            if status == CHANGED:
                shown += 1
                if shown <= MAX_DETAIL_EXCHANGES:
                    _detail_pair(i, a, b, recorder, orel, nrel, several, fields, detail, answer)
        if shown > MAX_DETAIL_EXCHANGES:
            detail.append(f"… and {shown - MAX_DETAIL_EXCHANGES} more interactions that differ")
    return (_file_status(changed, noise) if classify else None), matching, (test, fields, detail, answer)


def _compare(orel: str, ob: bytes | str, nrel: str, nb: bytes | str, renamed: bool, moved: bool = False,
             where: str | None = None) -> FileDiff:
    suite = _suite(nrel)
    if isinstance(ob, str) or isinstance(nb, str):
        return FileDiff(UNREADABLE, orel, nrel, suite, reason=ob if isinstance(ob, str) else str(nb))
    if ob == nb:  # the same bytes: unchanged where it was, moved when it is paired under another path
        if orel == nrel:
            return FileDiff(UNCHANGED, orel, nrel, suite)
        return FileDiff(MOVED, orel, nrel, suite, moved=True)
    try:
        od = parse_file(orel, ob)
    except LoadError as exc:
        return FileDiff(UNREADABLE, orel, nrel, suite, reason=f"{orel} (old): {exc.reason}")
    try:
        nd = parse_file(nrel, nb)
    except LoadError as exc:
        return FileDiff(UNREADABLE, orel, nrel, suite, reason=f"{nrel} (new): {exc.reason}")
    from recordings.formats import format_for_file

    passed: Any = None
    try:
        if format_for_file(nrel, nb).diffs_headers:  # several exchanges a file: classified in the one pass
            passed = _pair_pass(orel, od, ob, nrel, nd, nb, where)
            status, what = passed[0]
        else:
            status, what = compare_files(orel, od, nrel, nd)
    except LoadError as exc:  # a shape its recorder cannot read into exchanges
        return FileDiff(UNREADABLE, orel, nrel, suite, reason=f"{exc.path}: {exc.reason}")
    except RecursionError:
        return FileDiff(UNREADABLE, orel, nrel, suite, reason="nested too deeply to compare")
    try:
        if passed is None:
            passed = _pair_pass(orel, od, ob, nrel, nd, nb, where, classify=False, details=status == CHANGED)
        breaks = tuple(replay_breaks(orel, od, ob, nrel, nd, nb, passed[1]))
        test, fields, detail, answer = passed[2] if status == CHANGED else (None, [], [], [])
        if test is None:  # from the document already parsed
            try:
                test = format_for_file(nrel, nb).summarize(nrel, nd, len(nb)).test_id
            except (LoadError, RecursionError):
                test = None
    except (LoadError, RecursionError):
        breaks, test, fields, detail, answer = (), None, [], [], []
    if moved and status != CHANGED:
        status = MOVED
    return FileDiff(status, orel, nrel, suite, what, renamed, moved=moved, test=test, breaks=breaks,
                    fields=tuple(fields), detail=tuple(detail), answer=tuple(answer))


# --- two recordings ----------------------------------------------------------------------------


def _noise_free(e: Exchange, recorder: Any) -> dict[str, Any]:
    """Request and response as a test sees them: the answer instead of chunks."""
    from recordings.protocols import reassemble

    shown: dict[str, Any] = {**recorder.diff_response_meta(e), "answer": _answer_view(reassemble(e))}
    payload = _body_payload(e)
    if payload is not None:
        shown["payload"] = payload
    return {"request": recorder.diff_request(e, headers=True)[0], "test_id": e.test_id, "response": shown}


def deep_diff(a: Exchange, b: Exchange, exact: bool = False) -> list[str]:
    """One line per difference (deepdiff), ignoring noise unless ``exact``."""
    from recordings.formats import format_for_file

    recorder = format_for_file(b.path)
    if exact:
        x, y = recorder.diff_exact(a), recorder.diff_exact(b)
    else:
        x, y = _noise_free(a, recorder), _noise_free(b, recorder)
    return deepdiff_lines(x, y)


def deepdiff_lines(a: Any, b: Any) -> list[str]:
    """One sorted line per difference between ``a`` and ``b`` (deepdiff, values shortened)."""
    from deepdiff import DeepDiff

    lines: list[str] = []
    for kind, items in DeepDiff(a, b, verbose_level=2, ignore_private_variables=False).to_dict().items():
        if isinstance(items, dict):
            lines.extend(_deep_line(kind, path, change) for path, change in items.items())
        else:
            lines.extend(f"{kind.replace('_', ' ')}: {path}" for path in items)
    return sorted(lines)


def _short(value: Any, limit: int = 120) -> str:
    import orjson

    try:
        text = orjson.dumps(value).decode()
    except TypeError:
        text = repr(value)
    return text if len(text) <= limit else text[: limit - 1] + "…"


CONTEXT = 60  # characters shown on each side of a change inside a long value
MAX_CHANGE = 4000  # the changed middle of a value is shown whole up to this; longer, its two ends


def around_change(old: str, new: str, context: int = CONTEXT) -> tuple[str, str]:
    """Two long texts cut to the part that differs, with ``context`` characters on each side: never cut
    before the change (``…'document_id': 'llama_stack_and_models.pdf'…`` on both sides, not the same
    first 120 characters twice)."""
    if len(old) <= 2 * context + 20 and len(new) <= 2 * context + 20:
        return old, new
    p = 0
    limit = min(len(old), len(new))
    while p < limit and old[p] == new[p]:
        p += 1
    q = 0
    while q < limit - p and old[len(old) - 1 - q] == new[len(new) - 1 - q]:
        q += 1
    start = max(0, p - context)

    def cut(text: str) -> str:
        end = min(len(text), len(text) - q + context)
        middle = text[start:end]
        if len(middle) > MAX_CHANGE + 2 * context:
            middle = middle[: MAX_CHANGE // 2 + context] + " … " + middle[-(MAX_CHANGE // 2 + context):]
        return ("…" if start > 0 else "") + middle + ("…" if end < len(text) else "")

    return cut(old), cut(new)


def _changed_values(old: Any, new: Any) -> tuple[str, str]:
    import orjson

    def text(v: Any) -> str:
        try:
            return orjson.dumps(v).decode()
        except TypeError:
            return repr(v)

    return around_change(text(old), text(new))


def _deep_line(kind: str, path: str, change: Any) -> str:
    path = path.replace("root", "", 1) or "(top)"
    if kind == "values_changed" and isinstance(change, dict):
        a, b = _changed_values(change.get("old_value"), change.get("new_value"))
        return f"{path}: {a} → {b}"
    if kind == "type_changes" and isinstance(change, dict):
        return f"{path}: {_short(change.get('old_value'))} → {_short(change.get('new_value'))} (type changed)"
    if kind.endswith("_added"):
        return f"{path}: added {_short(change)}"
    if kind.endswith("_removed"):
        return f"{path}: removed {_short(change)}"
    return f"{path}: {kind.replace('_', ' ')} {_short(change)}"


def answer_lines(answer: Answer) -> list[str]:
    """The reassembled answer as plain lines, for a unified diff."""
    lines = []
    for c in answer.choices:
        prefix = f"[choice {c.index}] " if len(answer.choices) > 1 else ""
        if c.reasoning:
            lines.append(f"{prefix}reasoning:")
            lines.extend(c.reasoning.splitlines() or [""])
        lines.append(f"{prefix}{c.role or 'assistant'}:")
        lines.extend(c.text.splitlines() or [""])
        for t in c.tool_calls:
            lines.append(f"{prefix}tool call {t.name}: {t.arguments}")
        lines.append(f"{prefix}finish: {c.finish_reason}")
    if answer.embeddings:
        lines.append(f"embeddings: {answer.embeddings[0]} x {answer.embeddings[1]}")
    if answer.model_ids is not None:
        lines.extend(f"model: {m}" for m in answer.model_ids)
    if answer.content is not None:
        lines.extend(answer.content.splitlines())
    if answer.usage:
        u = answer.usage
        lines.append(f"usage: prompt {u.prompt_tokens}, completion {u.completion_tokens}, total {u.total_tokens}")
    if answer.error:
        lines.append(f"error: {answer.error.type} ({answer.error.status}): {answer.error.message}")
    return lines


def answer_diff(a: Exchange, b: Exchange, old_label: str, new_label: str) -> list[str]:
    import difflib

    from recordings.protocols import reassemble

    x, y = answer_lines(reassemble(a)), answer_lines(reassemble(b))
    return list(difflib.unified_diff(x, y, fromfile=old_label, tofile=new_label, lineterm=""))
