"""The recorder's normalization of volatile response fields (see the format reference).

For every serialized response object (each chunk of a stream):

* ``id`` becomes ``rec-`` + the first 12 hex of the request hash, unless ``object == "model"``;
* ``created`` becomes ``0``, again not for model objects;
* Ollama ``created_at`` becomes ``1970-01-01T00:00:00.000000Z``;
* Ollama ``total_duration``, ``load_duration``, ``prompt_eval_duration``,
  ``eval_duration`` become ``0`` where not null.

A non-empty ``id_normalization_mapping`` is folded in: each original id is
replaced by its normalized id throughout the response, and the mapping emptied.
The request is never touched: that would change the hash.

``--extended`` also replaces the volatile fields the recorder leaves in plain
dict bodies (Gemini ``response_id``, ``create_time``, the ``Date`` header;
Anthropic ``msg_…`` ids) with deterministic placeholders derived from the hash.
"""

from __future__ import annotations

import hashlib
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from recordings.names import hash_of_name
from recordings.rewrite import FilePlan

EPOCH = "1970-01-01T00:00:00.000000Z"
DURATIONS = ("total_duration", "load_duration", "prompt_eval_duration", "eval_duration")
EXTENDED_DATE = "Thu, 01 Jan 1970 00:00:00 GMT"
EXTENDED_TIME = "1970-01-01T00:00:00Z"


def normalized_id(request_hash: str) -> str:
    return f"rec-{request_hash[:12]}"


@dataclass
class Changes:
    """What normalization changed (or would change), counted per field."""

    counts: Counter = field(default_factory=Counter)
    examples: dict[str, str] = field(default_factory=dict)  # field -> first JSON path

    def add(self, name: str, path: str) -> None:
        self.counts[name] += 1
        self.examples.setdefault(name, path)

    def __bool__(self) -> bool:
        return bool(self.counts)


_DURATION_SET = frozenset(DURATIONS)


def _body_path(index: int) -> str:
    return "response.body" if index < 0 else f"response.body[{index}]"


def _normalize_data(data: dict[str, Any], rid: str, index: int, changes: Changes, apply: bool) -> None:
    """One serialized object's ``__data__`` (``index`` in a stream, -1 for a whole body). The paths of
    changes are built only when there is one: most chunks of a normalized corpus have none."""
    is_model = data.get("object") == "model"
    if not is_model:
        if data.get("id", rid) != rid:
            changes.add("id", f"{_body_path(index)}.__data__.id")
            if apply:
                data["id"] = rid
        if data.get("created", 0) != 0:
            changes.add("created", f"{_body_path(index)}.__data__.created")
            if apply:
                data["created"] = 0
    if "created_at" in data and data["created_at"] != EPOCH:
        changes.add("created_at", f"{_body_path(index)}.__data__.created_at")
        if apply:
            data["created_at"] = EPOCH
    if not _DURATION_SET.isdisjoint(data):
        for key in DURATIONS:
            if key in data and data[key] is not None and data[key] != 0:
                changes.add("durations", f"{_body_path(index)}.__data__.{key}")
                if apply:
                    data[key] = 0


def _placeholder(request_hash: str, what: str) -> str:
    return f"rec-{request_hash[:12]}-{what}"


def _extended_dict(obj: dict[str, Any], request_hash: str, path: str, changes: Changes, apply: bool) -> None:
    """Gemini plain-dict bodies: response_id, create_time, sdk_http_response Date header."""
    if "response_id" in obj and obj["response_id"] != _placeholder(request_hash, "response"):
        changes.add("response_id", f"{path}.response_id")
        if apply:
            obj["response_id"] = _placeholder(request_hash, "response")
    if "create_time" in obj and obj["create_time"] != EXTENDED_TIME:
        changes.add("create_time", f"{path}.create_time")
        if apply:
            obj["create_time"] = EXTENDED_TIME
    sdk = obj.get("sdk_http_response")
    headers = sdk.get("headers") if isinstance(sdk, dict) else None
    if isinstance(headers, dict):
        for key in list(headers):
            if key.lower() == "date" and headers[key] != EXTENDED_DATE:
                changes.add("date", f"{path}.sdk_http_response.headers.{key}")
                if apply:
                    headers[key] = EXTENDED_DATE
    if isinstance(obj.get("request_id"), str) and obj["request_id"] != _placeholder(request_hash, "request"):
        changes.add("request_id", f"{path}.request_id")
        if apply:
            obj["request_id"] = _placeholder(request_hash, "request")
    if obj.get("type") == "message" and isinstance(obj.get("id"), str) and obj["id"].startswith("msg_"):
        want = "msg_" + hashlib.sha256(request_hash.encode()).hexdigest()[:24]
        if obj["id"] != want:
            changes.add("message_id", f"{path}.id")
            if apply:
                obj["id"] = want


def _extended_sse(lines: list[Any], request_hash: str, changes: Changes, apply: bool) -> None:
    """Anthropic SSE streams: the ``msg_…`` id in ``message_start``."""
    import re

    want = "msg_" + hashlib.sha256(request_hash.encode()).hexdigest()[:24]
    pattern = re.compile(r'"id":"(msg_[A-Za-z0-9]+)"')
    for i, line in enumerate(lines):
        if isinstance(line, str) and line.startswith("data:") and '"message_start"' in line:
            m = pattern.search(line)
            if m and m.group(1) != want:
                changes.add("message_id", f"response.body[{i}]")
                if apply:
                    lines[i] = line[: m.start(1)] + want + line[m.end(1):]


def _replace_in(value: Any, mapping: dict[str, str]) -> Any:
    if isinstance(value, str):
        for normalized, original in mapping.items():
            if original and original in value:
                value = value.replace(original, normalized)
        return value
    if isinstance(value, list):
        return [_replace_in(v, mapping) for v in value]
    if isinstance(value, dict):
        return {_replace_in(k, mapping): _replace_in(v, mapping) for k, v in value.items()}
    return value


def normalize_document(doc: dict[str, Any], request_hash: str, *, extended: bool = False,
                       apply: bool = True) -> Changes:
    """Normalize ``doc`` in place (or only count, with ``apply=False``)."""
    changes = Changes()
    response = doc.get("response")
    if not isinstance(response, dict):
        return changes
    mapping = doc.get("id_normalization_mapping")
    if isinstance(mapping, dict) and mapping:
        clean = {k: v for k, v in mapping.items() if isinstance(k, str) and isinstance(v, str)}
        changes.add("mapping", "id_normalization_mapping")
        if apply:
            doc["response"] = response = _replace_in(response, clean)
            doc["id_normalization_mapping"] = {}
    rid = normalized_id(request_hash)
    body = response.get("body")
    items = body if isinstance(body, list) else [body]
    listed = isinstance(body, list)
    for i, item in enumerate(items):
        if isinstance(item, dict):
            data = item.get("__data__")
            if "__type__" in item and isinstance(data, dict):
                if (data.get("id", rid) == rid and data.get("created", 0) == 0 and "created_at" not in data
                        and _DURATION_SET.isdisjoint(data)):
                    continue  # nothing to change (most chunks): decided without a call per chunk
                _normalize_data(data, rid, i if listed else -1, changes, apply)
            elif extended:
                _extended_dict(item, request_hash, _body_path(i if listed else -1), changes, apply)
    if extended and isinstance(body, list) and body and isinstance(body[0], str):
        _extended_sse(body, request_hash, changes, apply)
    return changes


def is_normalized(path: str, doc: dict[str, Any]) -> bool:
    """Whether every volatile field of a recording is in the recorder's normalized form (bytes aside)."""
    from recordings.names import stem

    return not normalize_document(doc, hash_of_name(stem(path)), apply=False)


# --- planning a normalization of one file (the normalizer applies it) ------------------


def plan_file(path: str, extended: bool = False, rehash: bool = False, keep_bytes: bool = False,
              options: dict[str, Any] | None = None) -> FilePlan:
    """Work out (without writing) what normalizing ``path`` would change (``options`` are the scrub
    settings of formats that scrub: a Llama Stack recording has none).

    A file that would change is parsed a second time, exactly (the standard library: integers of any
    size, duplicate keys seen): a file with duplicate keys or a number that does not fit a double is a
    problem, left alone, since no rewrite could reproduce what it says. A symlinked recording is never
    written through: if it needs a change it is reported (status ``link``) with its target.
    """
    import os

    from recordings.errors import LoadError
    from recordings.files import exact_document, parse_document, read_bytes
    from recordings.formats.llamastack.document import has_recording_shape, summarize
    from recordings.rewrite import problem_plan

    try:
        raw = read_bytes(path)
        doc = parse_document(path, raw)
        if not rehash and has_recording_shape(doc) and _already_normal(path, doc, raw, extended):
            return FilePlan(path, "unchanged")  # the common case: decided without the model or a rendering
        rec = summarize(path, doc, len(raw))
    except LoadError as exc:
        return problem_plan(path, exc)
    except RecursionError:
        return FilePlan(path, "problem", reason="nested too deeply to read")
    try:
        if rehash and _rehashed_name(rec, doc) in (None, rec.id) and _already_normal(path, doc, raw, extended):
            return FilePlan(path, "unchanged")
        counts, new, new_path = _normalized(path, rec, doc, raw, extended, rehash)
        if new != raw or new_path:
            # orjson reads integers past 64 bits as floats and keeps the last of duplicate keys:
            # decide from an exact reading before anything is written
            try:
                exact = exact_document(path, raw)
            except LoadError as exc:
                return FilePlan(path, "problem", reason=exc.reason)
            counts, new, new_path = _normalized(path, rec, exact, raw, extended, rehash)
    except RecursionError:
        return FilePlan(path, "problem", reason="nested too deeply to normalize")
    if new == raw and not new_path:
        return FilePlan(path, "unchanged")
    plan = FilePlan(path, "change", counts, new_path)
    if os.path.islink(path):
        plan.status = "link"
        plan.reason = (f"is a symbolic link to {os.path.realpath(path)}: never written through; normalize the "
                       "target itself")
    elif new_path and os.path.lexists(new_path):
        try:
            same = read_bytes(new_path) == new
        except LoadError:
            same = False
        if not same:
            plan.status = "conflict"
            plan.reason = (f"would be renamed to {os.path.basename(new_path)}, which already exists with other "
                           "content: both left alone (compare them with `recordings diff`, keep one)")
    if keep_bytes:
        plan.new_bytes, plan.old_bytes = new, raw
    return plan


def _already_normal(path: str, doc: dict[str, Any], raw: bytes, extended: bool) -> bool:
    """Whether normalizing would leave the file as it is: every volatile field normalized, canonical
    bytes. Only reads the document, and renders it natively at most once."""
    from recordings.jsonbytes import is_canonical
    from recordings.names import stem

    return not normalize_document(doc, hash_of_name(stem(path)), extended=extended, apply=False) \
        and is_canonical(raw, doc)


def _rehashed_name(rec: Any, doc: dict[str, Any]) -> str | None:
    """The stem a current recorder would give this recording (None: no hash rule, or unreadable request)."""
    from recordings.formats.llamastack.hashing import expected_name

    if rec.kind.value == "file-processor":
        return None
    try:
        from recordings.formats.llamastack.document import exchange_of
        from recordings.protocols import reassemble

        ids = reassemble(exchange_of(rec.path, doc)).model_ids if rec.id.startswith("models-") else None
        return expected_name(rec.kind, doc["request"], rec.test_id, ids)
    except (TypeError, ValueError, RecursionError):
        return None


def _normalized(path: str, rec: Any, doc: dict[str, Any], raw: bytes, extended: bool,
                rehash: bool) -> tuple[dict[str, int], bytes, str | None]:
    """(changed fields, new bytes, new path or None) for one parsed document (changed in place)."""
    import os

    from recordings.jsonbytes import canonical_bytes

    stem = rec.id
    h = hash_of_name(stem)
    new_path = None
    if rehash:
        want = _rehashed_name(rec, doc)
        if want and want != stem:
            new_path = os.path.join(os.path.dirname(path), want + ".json")
            h = hash_of_name(want)
    changes = normalize_document(doc, h, extended=extended, apply=True)
    new = canonical_bytes(doc)
    counts = dict(changes.counts)
    if new != raw and not counts:
        counts["bytes"] = 1
    if new_path:
        counts["renamed"] = 1
    return counts, new, new_path
