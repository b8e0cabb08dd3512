"""models-digest: the digest in a models-… name matches the model ids in its body."""

from __future__ import annotations

from typing import Iterator

from recordings.shapes import as_dict
from recordings.rules.types import FileContext, Finding
from recordings.names import MODELS, stem
from recordings.formats.llamastack.document import unwrap
from recordings.formats.llamastack.hashing import models_digest
from recordings.protocols.ollama import ollama_model_names
from recordings.protocols.openai import model_ids

ID = "models-digest"
SEVERITY = "warning"
SUMMARY = "the digest in a models-<hash>-<digest> name matches the model ids in the body"
SCOPE = "file"


def body_model_ids(body: object, endpoint: object) -> tuple[str, ...] | None:
    if isinstance(body, list):
        return model_ids([unwrap(item) for item in body])
    if isinstance(body, dict):
        data = body.get("__data__", body)
        if isinstance(data, dict) and "models" in data:
            return ollama_model_names(data)
    return None


def check(ctx: FileContext) -> Iterator[Finding]:
    s = stem(ctx.path)
    if not MODELS.match(s):
        return
    response = ctx.doc.get("response")
    body = response.get("body") if isinstance(response, dict) else None
    request = as_dict(ctx.doc.get("request"))
    ids = body_model_ids(body, request.get("endpoint"))
    if ids is None:
        yield ctx.finding((ID, SEVERITY), "models-… file without a model list in its body", "response.body")
        return
    digest = models_digest(ids)
    have = s.rsplit("-", 1)[1]
    if digest != have:
        yield ctx.finding((ID, SEVERITY), f"name digest {have} does not match the {len(set(ids))} model ids "
                                     f"in the body (digest {digest})", "response.body")
