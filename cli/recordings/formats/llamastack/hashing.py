"""The request hash that names a recording file, recomputed with the recorder's rules.

See "The request hash" in the format reference. The hash is
``sha256(json.dumps(N, sort_keys=True))`` of a normalized request ``N`` that
depends on the request kind. The standard library's ``json`` is used on
purpose: its exact spacing and float repr are part of the hash.
"""

from __future__ import annotations

import hashlib
import json
import re
from typing import Any
from urllib.parse import urlsplit

from recordings.model import Kind

MODEL_LIST_PATHS = frozenset({"/api/tags", "/v1/models", "/v1/openai/v1/models"})

_FLOAT_IN_STRING = re.compile(r"(-?\d+\.\d{4,})")
_DECIMALS = re.compile(r"\.\d{4}")  # what every match above holds; led by a literal, so found by a fast scan
_SCORE = re.compile(r"score:\s*[-+]?\d*\.?\d+(?:[eE][-+]?\d+)?")
_ATTRIBUTES = re.compile(r",?\s*attributes:\s*\{[^}]*\}")
_UUID = r"[a-f0-9]{8}-[a-f0-9]{4}-[a-f0-9]{4}-[a-f0-9]{4}-[a-f0-9]{12}"
_DOCUMENT_ID = re.compile(r"document_id:\s*" + _UUID)
_CITATION = re.compile(r"<\|" + _UUID + r"\|>")


def _round_in_string(match: re.Match[str]) -> str:
    return f"{float(match.group(0)):.5f}"


def normalize_string(value: str) -> str:
    """File-search placeholders, then long decimals re-printed with 5 places."""
    if "score:" in value:
        value = _SCORE.sub("score: __NORMALIZED__", value)
    if "attributes:" in value:
        value = _ATTRIBUTES.sub("", value)
    if "document_id:" in value:
        value = _DOCUMENT_ID.sub("document_id: __NORMALIZED__", value)
    if "<|" in value:
        value = _CITATION.sub("<|__NORMALIZED__|>", value)
    if "." in value and _DECIMALS.search(value):
        value = _FLOAT_IN_STRING.sub(_round_in_string, value)
    return value


def normalize_body(value: Any, drop_stream_options: bool = False, is_root: bool = True) -> Any:
    """The recorder's body normalization for hashing.

    Quirk kept on purpose: items of a list are normalized as roots (their
    ``extra_body.project_id`` is dropped too), as the recorder does.
    """
    t = type(value)
    if t is dict:
        out = {}
        for k, v in value.items():  # scalars inline: most values of a request are strings and numbers
            tv = type(v)
            if tv is str:
                out[k] = normalize_string(v)
            elif tv is dict or tv is list or tv is float or isinstance(v, (dict, list, float, str)):
                out[k] = normalize_body(v, is_root=False)
            else:
                out[k] = v
        if drop_stream_options:
            out.pop("stream_options", None)
        if is_root:
            for key in ("extra_body", "extra_query"):
                extra = out.get(key)
                if isinstance(extra, dict):
                    extra.pop("project_id", None)
        return out
    if t is list or isinstance(value, list):
        return [normalize_body(v) for v in value]
    if t is float or isinstance(value, float):
        return round(value, 5)
    if t is str or isinstance(value, str):
        return normalize_string(value)
    if isinstance(value, dict):  # a dict subclass
        return normalize_body(dict(value), drop_stream_options, is_root)
    return value


def _sha(obj: Any) -> str:
    return hashlib.sha256(json.dumps(obj, sort_keys=True).encode()).hexdigest()


def hash_inputs(kind: Kind, request: dict[str, Any], test_id: str | None) -> dict[str, Any]:
    """The normalized object whose JSON the recorder hashes."""
    if kind is Kind.TOOL:
        return {"provider": request.get("provider"), "tool_name": request.get("tool_name"),
                "kwargs": request.get("kwargs")}
    if kind is Kind.HTTP:
        method = request.get("method")
        return {
            "test_id": test_id,
            "url": request.get("url"),
            "method": method.upper() if isinstance(method, str) else method,
            "payload": normalize_body(request.get("payload")),
        }
    if kind is Kind.INFERENCE:
        url = request.get("url")
        parts = urlsplit(url if isinstance(url, str) else "")
        method = request.get("method")
        normalized: dict[str, Any] = {
            "method": method.upper() if isinstance(method, str) else method,
            "endpoint": parts.path,
            "body": normalize_body(request.get("body"), drop_stream_options="bedrock" in parts.netloc),
        }
        if parts.path not in MODEL_LIST_PATHS:
            normalized["test_id"] = test_id
        return normalized
    raise ValueError(f"no hash rule for {kind.value} recordings")


def hash_of(recording: Any, doc: dict[str, Any]) -> str | None:
    """The request hash of a loaded recording, or None when its kind has no hash rule."""
    if recording.kind is Kind.FILE_PROCESSOR:
        return None
    return request_hash(recording.kind, doc["request"], recording.test_id)


def request_hash(kind: Kind, request: dict[str, Any], test_id: str | None) -> str:
    """The sha256 hex a current recorder would name this request by."""
    return _sha(hash_inputs(kind, request, test_id))


def models_digest(ids: list[str] | tuple[str, ...]) -> str:
    """First 8 hex of sha256 of the sorted, unique model ids joined with ``|``."""
    return hashlib.sha256("|".join(sorted(set(ids))).encode("utf-8")).hexdigest()[:8]


def is_model_list(request: dict[str, Any]) -> bool:
    return request.get("endpoint") in MODEL_LIST_PATHS


def expected_name(kind: Kind, request: dict[str, Any], test_id: str | None,
                  model_ids: tuple[str, ...] | None = None) -> str | None:
    """The file stem a current recorder would write, or None (no hash rule: file processors)."""
    if kind is Kind.FILE_PROCESSOR:
        return None
    h = request_hash(kind, request, test_id)
    if kind is Kind.INFERENCE and is_model_list(request) and model_ids is not None:
        return f"models-{h}-{models_digest(model_ids)}"
    return h


def rename_target(path: str, request_hash_hex: str) -> str:
    """The path ``normalize --rehash`` would give ``path`` when its request hashes to ``request_hash_hex``
    (a ``models-<hash>-<digest>`` name keeps its digest)."""
    import os

    from recordings.names import stem as stem_of

    folder = os.path.dirname(path)
    stem = stem_of(path)
    parts = stem.split("-")
    if stem.startswith("models-") and len(parts) >= 3:
        return os.path.join(folder, f"models-{request_hash_hex}-{parts[-1]}.json")
    return os.path.join(folder, request_hash_hex + ".json")


def rename_advice(renames: dict[str, str], exists: Any = None) -> dict[str, str]:
    """For each ``{path: target}`` that ``normalize --rehash`` would rename, the advice that is true.

    A rename works only when no file already has the target name and no other file would be renamed
    to it; otherwise --rehash leaves the file alone, and the advice says why and what to do.
    """
    import os

    exists = exists or os.path.lexists
    claims: dict[str, list[str]] = {}
    for path, target in renames.items():
        claims.setdefault(os.path.normpath(target), []).append(path)
    advice = {}
    for path, target in renames.items():
        name = os.path.basename(target)
        others = [p for p in claims[os.path.normpath(target)] if p != path]
        if others:
            shown = ", ".join(os.path.basename(p) for p in others[:2]) + (" …" if len(others) > 2 else "")
            advice[path] = (f"`recordings normalize --rehash` cannot rename it: {len(others) + 1} files hash to "
                            f"{name} ({shown} too); compare them with `recordings diff`, keep one, delete the others")
        elif exists(target):
            advice[path] = (f"`recordings normalize --rehash` cannot rename it: {name} already exists; compare them "
                            "with `recordings diff`, keep one")
        else:
            advice[path] = f"`recordings normalize --rehash` renames it to {name}"
    return advice
