"""cassette: an ``interactions`` list of request/response mappings whose declared encodings decode.

An empty ``interactions`` list is valid (a warning), and so is a body whose declared ``content-encoding``
does not decode (a warning on that interaction: the body is shown as stored). Reading the cassette decides
the rest
(:mod:`recordings.formats.vcr.cassette`): a shape the model cannot
hold, or a ``content-encoding`` whose body does not decode, is this rule's finding, with the
interaction named.
"""

from __future__ import annotations

from typing import Iterator

from recordings.rules.types import FileContext, Finding

ID = "cassette"
SEVERITY = "error"
SUMMARY = "an interactions list of request/response mappings; declared content-encodings decode"
SCOPE = "file"
ON_UNSHAPED = True  # it reports what is wrong with a cassette the model cannot hold


def check(ctx: FileContext) -> Iterator[Finding]:
    """A cassette that was read whole has no more to say (the runner reports a reading problem), except
    when it holds no interaction: valid for vcrpy, which never saves one, so a warning (made by hand or by
    another tool?)."""
    doc = ctx.doc if isinstance(ctx.doc, dict) else {}
    if doc.get("interactions") == []:
        yield ctx.finding((ID, "warning"), "cassette has no interactions (vcrpy never saves an empty one: made "
                                           "by hand or by another tool?)", "interactions")
    if ctx.recording is None:
        return
    from recordings.formats.vcr import _interactions

    for it in _interactions(ctx):  # one bad body is that interaction's warning; the rest of the file is read
        for side, body in (("request", it.request_body), ("response", it.response_body)):
            if body.problem:
                yield ctx.finding((ID, "warning"), f"interaction #{it.index}: {side} body: {body.problem}",
                                  f"interactions[{it.index}].{side}.body")
