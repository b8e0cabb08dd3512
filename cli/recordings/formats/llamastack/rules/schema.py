"""schema: required keys and types per request kind; response shape matches is_streaming."""

from __future__ import annotations

from typing import Any, Iterator

from recordings.rules.types import FileContext, Finding
from recordings.formats.llamastack.chat_stream import chat_stream_of
from recordings.formats.llamastack.document import request_kind
from recordings.model import Kind

ID = "schema"
SEVERITY = "error"
SUMMARY = "required keys and types for each request kind; response shape matches is_streaming"
SCOPE = "file"
ON_UNSHAPED = True  # it says what is wrong with a shape the model cannot hold

REQUIRED: dict[Kind, dict[str, type | tuple[type, ...]]] = {
    Kind.INFERENCE: {"method": str, "url": str, "body": dict, "endpoint": str},
    Kind.HTTP: {"url": str, "method": str, "payload": dict},
    Kind.TOOL: {"provider": str, "tool_name": str, "kwargs": dict},
    Kind.FILE_PROCESSOR: {"provider": str, "api": str, "file_id": str},
}
_TYPE_NAMES = {str: "a string", dict: "an object", list: "a list", bool: "a boolean"}


def _name(t: Any) -> str:
    if isinstance(t, tuple):
        return " or ".join(_TYPE_NAMES.get(x, x.__name__) for x in t)
    return _TYPE_NAMES.get(t, t.__name__)


def check(ctx: FileContext) -> Iterator[Finding]:
    rule = (ID, SEVERITY)
    doc = ctx.doc
    if "test_id" in doc and doc["test_id"] is not None and not isinstance(doc["test_id"], str):
        yield ctx.finding(rule, "test_id must be a string or null", "test_id")
    request, response = doc.get("request"), doc.get("response")
    if not isinstance(request, dict):
        yield ctx.finding(rule, "request is missing or not an object", "request")
        return
    if not isinstance(response, dict):
        yield ctx.finding(rule, "response is missing or not an object", "response")
        return
    kind = request_kind(request)
    if kind is None:
        yield ctx.finding(rule, "request has no known kind (no body, payload, tool_name or file_id)", "request")
    else:
        for key, t in REQUIRED[kind].items():
            if key not in request:
                yield ctx.finding(rule, f"{kind.value} request lacks '{key}'", f"request.{key}")
            elif not isinstance(request[key], t):
                yield ctx.finding(rule, f"request.{key} must be {_name(t)}", f"request.{key}")
    mapping = doc.get("id_normalization_mapping")
    if mapping is not None and not isinstance(mapping, dict):
        yield ctx.finding(rule, "id_normalization_mapping must be an object", "id_normalization_mapping")
    if "body" not in response:
        yield ctx.finding(rule, "response lacks 'body'", "response.body")
        return
    streaming = response.get("is_streaming")
    if not isinstance(streaming, bool):
        yield ctx.finding(rule, "response.is_streaming must be true or false", "response.is_streaming")
    body = response["body"]
    is_exception = response.get("is_exception") is True
    if is_exception:
        if not isinstance(response.get("exception_data"), dict):
            yield ctx.finding(rule, "exception recording lacks an exception_data object", "response.exception_data")
        if not isinstance(response.get("exception_message"), str):
            yield ctx.finding(rule, "exception recording lacks an exception_message string",
                              "response.exception_message")
    if streaming is True and not isinstance(body, list) and not (is_exception and body is None):
        yield ctx.finding(rule, "is_streaming is true but body is not a list of chunks", "response.body")
    if body is None and not is_exception:
        yield ctx.finding(rule, "body is null but the recording is not an exception", "response.body")
    if isinstance(body, list):
        chat = chat_stream_of(ctx)  # a chat stream whose one pass saw only serialized objects: all fine
        if chat is None or not chat.serialized:
            yield from _check_items(ctx, rule, body)
    elif isinstance(body, dict):
        yield from _check_object(ctx, rule, body, "response.body")


def _check_object(ctx: FileContext, rule: Any, item: dict[str, Any], path: str) -> Iterator[Finding]:
    if "__type__" in item or "__data__" in item:
        if not isinstance(item.get("__type__"), str):
            yield ctx.finding(rule, "serialized object lacks a __type__ string", f"{path}.__type__")
        if not isinstance(item.get("__data__"), dict):
            yield ctx.finding(rule, "__data__ must be an object", f"{path}.__data__")


def _check_items(ctx: FileContext, rule: Any, body: list[Any]) -> Iterator[Finding]:
    kinds = set()
    for i, item in enumerate(body):  # a chunk's path is spelled only for a finding
        if isinstance(item, dict):
            if "__type__" in item or "__data__" in item:
                kinds.add("object")
                if not isinstance(item.get("__type__"), str) or not isinstance(item.get("__data__"), dict):
                    for f in _check_object(ctx, rule, item, f"response.body[{i}]"):
                        yield f
                        return
            else:
                kinds.add("plain object")
        elif isinstance(item, str):
            kinds.add("sse line")
        else:
            yield ctx.finding(rule, f"chunk {i} is neither an object nor an SSE line", f"response.body[{i}]")
            return
    if len(kinds) > 1:
        yield ctx.finding(rule, f"body mixes {' and '.join(sorted(kinds))}s", "response.body")
