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
from recordings.model import Answer
from recordings.sources import Entry, Source
from recordings.shapes import as_dict

CHANGED, NOISE, UNCHANGED = "changed", "noise", "unchanged"
ADDED, REMOVED, UNREADABLE = "added", "removed", "unreadable"


@dataclass(frozen=True)
class FileDiff:
    status: str
    old: str | None
    new: str | None
    suite: str
    what: tuple[str, ...] = ()
    renamed: bool = False
    reason: str | None = None

    @property
    def name(self) -> str:
        return self.new or self.old or "?"

    def to_dict(self) -> dict[str, Any]:
        return {"status": self.status, "old": self.old, "new": self.new, "suite": self.suite,
                "what": list(self.what), "renamed": self.renamed, "reason": self.reason}


@dataclass
class CorpusDiff:
    files: list[FileDiff] = field(default_factory=list)

    def counts(self) -> dict[str, int]:
        out = {k: 0 for k in (ADDED, REMOVED, CHANGED, NOISE, UNCHANGED, UNREADABLE)}
        for f in self.files:
            out[f.status] += 1
        out["renamed"] = sum(1 for f in self.files if f.renamed)
        return out

    def per_suite(self) -> dict[str, dict[str, int]]:
        out: dict[str, dict[str, int]] = {}
        for f in self.files:
            row = out.setdefault(f.suite, {k: 0 for k in (ADDED, REMOVED, CHANGED, NOISE, UNCHANGED, UNREADABLE)})
            row[f.status] += 1
        return dict(sorted(out.items()))

    @property
    def differs(self) -> bool:
        return any(f.status in (ADDED, REMOVED, CHANGED) for f in self.files)

    @property
    def unreadable(self) -> list[FileDiff]:
        return [f for f in self.files if f.status == UNREADABLE]

    def to_dict(self) -> dict[str, Any]:
        return {"files": [f.to_dict() for f in self.files], "suites": self.per_suite(), "summary": self.counts()}


def _suite(rel: str) -> str:
    from recordings.formats import format_for_file

    return format_for_file(rel).suite_of(rel)


def parse_file(rel: str, raw: bytes) -> dict[str, Any]:
    from recordings.formats import format_for_file

    return format_for_file(rel, raw).parse(rel, raw)


# response headers that vary with a re-record but that scrubbing keeps (they describe the body)
VARYING_HEADERS = ("etag", "content-length", "via", "server", "last-modified")


def _volatile(header: str) -> bool:
    """Never a change a test sees: what ``normalize`` scrubs from cassettes, and the varying headers."""
    from recordings.formats.vcr.scrub import volatile

    return volatile(header) or header.lower() in VARYING_HEADERS


def compare_files(orel: str, od: dict[str, Any], nrel: str, nd: dict[str, Any]) -> tuple[str, tuple[str, ...]]:
    """Two parsed files of one format: changed (with what a test would see differently) or noise (with its
    kinds). A file holding several recordings (a cassette) is compared interaction by interaction:
    interactions added or removed, a request, a status or an answer are changes; volatile headers, ids,
    timestamps and re-chunking are noise."""
    from recordings.formats import format_for_file

    fmt = format_for_file(nrel)
    if fmt.name == "llama-stack":
        return compare_docs(od, nd)
    old_docs, new_docs = fmt.documents(od), fmt.documents(nd)
    changed: list[str] = []
    noise: list[str] = []
    if len(old_docs) != len(new_docs):
        changed.append("interactions added" if len(new_docs) > len(old_docs) else "interactions removed")
    for a, b in zip(old_docs, new_docs):
        a_req, b_req = dict(a.get("request") or {}), dict(b.get("request") or {})
        if a_req.pop("headers", None) != b_req.pop("headers", None):
            noise.append("headers")
        if (a.get("response") or {}).get("status") != (b.get("response") or {}).get("status"):
            changed.append("status")
        a2 = {**a, "request": a_req, "response": {k: v for k, v in (a.get("response") or {}).items() if k != "status"}}
        b2 = {**b, "request": b_req, "response": {k: v for k, v in (b.get("response") or {}).items() if k != "status"}}
        status, what = compare_docs(a2, b2)
        (changed if status == CHANGED else noise).extend(w for w in what if w != "other fields")
    for a_it, b_it in zip(_raw_interactions(od), _raw_interactions(nd)):
        a_h = {k.lower(): v for k, v in _response_headers(a_it).items()}
        b_h = {k.lower(): v for k, v in _response_headers(b_it).items()}
        keys = {k for k in set(a_h) | set(b_h) if a_h.get(k) != b_h.get(k)}
        if keys:
            noise.append("headers") if all(_volatile(k) for k in keys) else changed.append("response headers")
    if changed:
        return CHANGED, tuple(dict.fromkeys(changed))
    return NOISE, tuple(dict.fromkeys(noise)) or ("other fields",)


def _raw_interactions(doc: dict[str, Any]) -> list[Any]:
    items = doc.get("interactions")
    return items if isinstance(items, list) else []


def _response_headers(item: Any) -> dict[str, Any]:
    response = item.get("response") if isinstance(item, dict) else None
    headers = response.get("headers") if isinstance(response, dict) else None
    return headers if isinstance(headers, dict) else {}


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


def semantic_changes(old_doc: dict[str, Any], new_doc: dict[str, Any]) -> list[str]:
    """Names of what a test would see differently: request, answer text, tool calls, …"""
    from recordings.reassembly import reassemble

    what = []
    if old_doc.get("request") != new_doc.get("request"):
        what.append("request")
    if old_doc.get("test_id") != new_doc.get("test_id"):
        what.append("test_id")
    a, b = _answer_view(reassemble(old_doc)), _answer_view(reassemble(new_doc))
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
    if not what:
        ra, rb = old_doc.get("response") or {}, new_doc.get("response") or {}
        if _body_payload(ra) != _body_payload(rb):
            what.append("response")  # e.g. embedding values: the same shape, other numbers
    return sorted(set(what), key=what.index)


def _body_payload(response: dict[str, Any]) -> Any:
    """Non-stream bodies whose meaning is not in the answer view (embedding vectors)."""
    body = response.get("body")
    if isinstance(body, dict) and isinstance(body.get("__data__"), dict):
        data = body["__data__"]
        if "data" in data and isinstance(data["data"], list):
            return [d.get("embedding") if isinstance(d, dict) else d for d in data["data"]]
    return None


def noise_kinds(old_doc: dict[str, Any], new_doc: dict[str, Any]) -> list[str]:
    """Which kinds of noise explain a difference that a test does not see."""
    kinds = []
    ob, nb = (old_doc.get("response") or {}).get("body"), (new_doc.get("response") or {}).get("body")
    oi = ob if isinstance(ob, list) else [ob]
    ni = nb if isinstance(nb, list) else [nb]
    if len(oi) != len(ni):
        kinds.append("chunking")

    def field_values(items: list[Any], key: str) -> list[Any]:
        out = []
        for it in items:
            data = it.get("__data__", it) if isinstance(it, dict) else None
            if isinstance(data, dict) and key in data:
                out.append(data[key])
        return out

    def distinct(items: list[Any], key: str) -> set[str]:
        return {repr(v) for v in field_values(items, key)}

    if any(distinct(oi, k) != distinct(ni, k) for k in ("id", "response_id")):
        kinds.append("ids")
    if any(distinct(oi, k) != distinct(ni, k)
           for k in ("created", "created_at", "create_time", "total_duration", "eval_duration")):
        kinds.append("timestamps")
    if "chunking" not in kinds and len(oi) == len(ni):
        from recordings.reassembly import timeline

        if [(d.chunk, d.field, d.value) for d in timeline(old_doc) if d.field in ("text", "reasoning", "tool")] != \
           [(d.chunk, d.field, d.value) for d in timeline(new_doc) if d.field in ("text", "reasoning", "tool")]:
            kinds.append("chunking")
    if not kinds:
        kinds.append("other fields")
    return kinds


def compare_docs(old_doc: dict[str, Any], new_doc: dict[str, Any]) -> tuple[str, tuple[str, ...]]:
    what = semantic_changes(old_doc, new_doc)
    if what:
        return CHANGED, tuple(what)
    return NOISE, tuple(noise_kinds(old_doc, new_doc))


# --- corpora -----------------------------------------------------------------------------------


def _basename(rel: str) -> str:
    return rel.rsplit("/", 1)[-1]


def diff_corpora(old: Source, new: Source, show_unchanged: bool = True) -> CorpusDiff:
    old_list, new_list = old.entries(), new.entries()
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
    for name in sorted(set(old_entries) | set(new_entries)):
        oe, ne = old_entries.get(name), new_entries.get(name)
        if oe is None:
            assert ne is not None
            unmatched_new[name] = (ne, read(new, ne))
            continue
        if ne is None:
            unmatched_old[name] = (oe, read(old, oe))
            continue
        ob, nb = read(old, oe), read(new, ne)
        result.files.append(_compare(oe.rel, ob, ne.rel, nb, renamed=False))

    # pair unmatched files by (test_id, endpoint) when the pairing is unique
    def keyed(items: dict[str, tuple[Entry, bytes | str]]) -> dict[tuple, list[str]]:
        keys: dict[tuple, list[str]] = {}
        for name, (e, raw) in items.items():
            if isinstance(raw, str):
                continue
            try:
                from recordings.formats import format_for_file

                doc = parse_file(e.rel, raw)
                r = format_for_file(e.rel, raw).summarize(e.rel, doc, len(raw))
            except LoadError:
                continue
            keys.setdefault((r.test_id, r.endpoint, r.kind.value), []).append(name)
        return keys

    okeys = keyed(unmatched_old)
    nkeys = keyed(unmatched_new)
    for key, onames in okeys.items():
        nnames = nkeys.get(key, [])
        if len(onames) == 1 and len(nnames) == 1:
            (oe, ob), (ne, nb) = unmatched_old.pop(onames[0]), unmatched_new.pop(nnames[0])
            result.files.append(_compare(oe.rel, ob, ne.rel, nb, renamed=True))
    for _name, (e, raw) in unmatched_old.items():
        result.files.append(_single(REMOVED, e.rel, raw, old=True))
    for _name, (e, raw) in unmatched_new.items():
        result.files.append(_single(ADDED, e.rel, raw, old=False))
    result.files.sort(key=lambda f: (f.new or f.old or ""))
    if not show_unchanged:
        result.files = [f for f in result.files if f.status != UNCHANGED]
    return result


def _single(status: str, rel: str, raw: bytes | str, old: bool) -> FileDiff:
    if isinstance(raw, str):
        return FileDiff(UNREADABLE, rel if old else None, None if old else rel, _suite(rel), reason=raw)
    try:
        parse_file(rel, raw)
    except LoadError as exc:
        return FileDiff(UNREADABLE, rel if old else None, None if old else rel, _suite(rel), reason=exc.reason)
    return FileDiff(status, rel if old else None, None if old else rel, _suite(rel))


def _compare(orel: str, ob: bytes | str, nrel: str, nb: bytes | str, renamed: bool) -> FileDiff:
    suite = _suite(nrel)
    if isinstance(ob, str) or isinstance(nb, str):
        return FileDiff(UNREADABLE, orel, nrel, suite, reason=ob if isinstance(ob, str) else str(nb))
    if ob == nb and not renamed:
        return FileDiff(UNCHANGED, orel, nrel, suite)
    try:
        od = parse_file(orel, ob)
    except LoadError as exc:
        return FileDiff(UNREADABLE, orel, nrel, suite, reason=f"{orel} (old): {exc.reason}")
    try:
        nd = parse_file(nrel, nb)
    except LoadError as exc:
        return FileDiff(UNREADABLE, orel, nrel, suite, reason=f"{nrel} (new): {exc.reason}")
    try:
        status, what = compare_files(orel, od, nrel, nd)
    except RecursionError:
        return FileDiff(UNREADABLE, orel, nrel, suite, reason="nested too deeply to compare")
    return FileDiff(status, orel, nrel, suite, what, renamed)


# --- two recordings ----------------------------------------------------------------------------


def _noise_free(doc: dict[str, Any]) -> dict[str, Any]:
    """Request and response as a test sees them: the answer instead of chunks."""
    from recordings.reassembly import reassemble

    response = as_dict(doc.get("response"))
    meta = {k: v for k, v in response.items() if k not in ("body",)}
    shown: dict[str, Any] = {**meta, "answer": _answer_view(reassemble(doc))}
    payload = _body_payload(response)
    if payload is not None:
        shown["payload"] = payload
    view = {"request": doc.get("request"), "test_id": doc.get("test_id"), "response": shown}
    return view


def deep_diff(old_doc: dict[str, Any], new_doc: dict[str, Any], exact: bool = False) -> list[str]:
    """One line per difference (deepdiff), ignoring noise unless ``exact``."""
    if exact:
        a, b = {k: old_doc.get(k) for k in ("test_id", "request", "response")}, \
               {k: new_doc.get(k) for k in ("test_id", "request", "response")}
    else:
        a, b = _noise_free(old_doc), _noise_free(new_doc)
    return deepdiff_lines(a, b)


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


def _deep_line(kind: str, path: str, change: Any) -> str:
    path = path.replace("root", "", 1) or "(top)"
    if kind == "values_changed" and isinstance(change, dict):
        return f"{path}: {_short(change.get('old_value'))} → {_short(change.get('new_value'))}"
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


def answer_diff(old_doc: dict[str, Any], new_doc: dict[str, Any], old_label: str, new_label: str) -> list[str]:
    import difflib

    from recordings.reassembly import reassemble

    a, b = answer_lines(reassemble(old_doc)), answer_lines(reassemble(new_doc))
    return list(difflib.unified_diff(a, b, fromfile=old_label, tofile=new_label, lineterm=""))
