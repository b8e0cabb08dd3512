"""The cheap fields of an exchange (:class:`~recordings.model.Recording`), read from the exchange itself:
what a recorder without a faster path of its own lists (a HAR file's entries)."""

from __future__ import annotations

from typing import Any

from recordings.model import Exchange, Recording
from recordings.nodeid import try_parse_node_id
from recordings.providers import provider_for_url


def model_of(e: Exchange) -> str | None:
    """The model a request asks for: as the recorder stored it, in its JSON body, or in its url (Gemini's
    ``/models/<model>:…``, Bedrock's ``/model/<id>/…``, Azure's ``/openai/deployments/<name>/…``)."""
    if e.request.model:
        return e.request.model
    body = e.request.body.json
    if isinstance(body, dict) and isinstance(body.get("model"), str) and body["model"]:
        return body["model"]
    return model_in_url(e.request.url)


def model_in_url(url: str | None) -> str | None:
    """The model a url names: Gemini's ``/models/<model>:…``, Bedrock's ``/model/<id>/…``, Azure's
    ``/openai/deployments/<name>/…``; else None."""
    from urllib.parse import unquote, urlsplit

    try:
        path = urlsplit(url or "").path
    except ValueError:
        return None
    if "/models/" in path:
        return unquote(path.split("/models/", 1)[1].split(":", 1)[0]) or None
    for marker in ("/model/", "/deployments/"):
        if marker in path:
            return unquote(path.split(marker, 1)[1].split("/", 1)[0]) or None
    return None


def summarize(recorder: Any, e: Exchange, size: int, name: str | None = None) -> Recording:
    """The listing fields of one exchange of a file (``<name>#<index>`` when the file holds several)."""
    from recordings.protocols import items_of

    stem = name or recorder.stem(e.path)
    stream = e.response.stream
    body_size = len(e.request.body.data) + len(e.response.body.data)
    items = items_of(e)
    kind = stream.kind if stream is not None else (e.response.body.content_type or
                                                   ("json" if e.response.body.json is not None else None))
    return Recording(
        id=f"{stem}#{e.index}", path=e.path, suite=recorder.suite_of(e.path), test_id=e.test_id,
        test=try_parse_node_id(e.test_id), kind=e.kind, method=e.request.method, endpoint=e.endpoint,
        url=e.request.url, provider=e.request.provider or provider_for_url(e.request.url), model=model_of(e),
        streaming=e.response.streamed, chunks=stream.count if stream is not None else 0, exception=e.response.error,
        status=e.response.status, size=body_size or (size if not items else 0), response_type=kind,
    )
