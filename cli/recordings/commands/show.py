"""``recordings show``: one recording as the final answer a model gave."""

from __future__ import annotations

import os
import sys
from typing import Any, Optional

import typer

from recordings.commands import app
from recordings.commands.common import (EXIT_FINDINGS, LOOKUP_ROOT_HELP, OutputFormat, project_root,
                                        resolve_or_exit)


def _write_raw(file_format: Any, loaded: Any, index: int | None) -> None:
    """``--raw``: the file's bytes; for one exchange of a file of several (``CASSETTE#N``), its response body
    as the recorder shows it."""
    out = getattr(sys.stdout, "buffer", None)
    data = loaded.raw
    if index is not None:
        data = file_format.raw_response(loaded.exchanges[index])
    sys.stdout.flush()
    if out is not None:
        out.write(data)
        out.flush()
    else:
        sys.stdout.write(data.decode("utf-8", "replace"))


@app.command("show")
def show_command(
    ref: str = typer.Argument(..., metavar="ID",
                              help="A hash, a unique prefix (4+ characters), a file name or a path."),
    root: Optional[str] = typer.Option(None, "--root", help=LOOKUP_ROOT_HELP),
    raw: bool = typer.Option(False, "--raw", help="Print the file exactly as stored."),
    chunks: bool = typer.Option(False, "--chunks", help="Also show the delta timeline of a stream."),
    fmt: OutputFormat = typer.Option(OutputFormat.text, "--format", "-f", help="text or json."),
) -> None:
    """Show one recording: metadata, the request as a conversation, and the reassembled answer."""
    from recordings.protocols.conversation import conversation
    from recordings.errors import LoadError
    from recordings.formats import format_for_file
    from recordings.loader import load
    from recordings.output.jsonout import write_json
    from recordings.output.showing import render_answer, render_conversation, render_metadata, render_timeline
    from recordings.output.terminal import Printer, visible
    from recordings.protocols import reassemble, timeline

    root = project_root(root)
    index: int | None = None
    head, hash_sign, tail = ref.rpartition("#")
    if hash_sign and tail.isdigit() and not os.path.exists(ref):  # CASSETTE#N: one interaction
        ref, index = head, int(tail)
    path = resolve_or_exit(ref, root, fmt)
    try:
        loaded = load(path)
    except LoadError as exc:
        sys.stderr.write(f"{visible(exc.path)}: {visible(exc.reason)}\n")
        if fmt is OutputFormat.json:  # stdout stays JSON, and says what went wrong
            write_json({"path": exc.path, "error": exc.reason})
        raise typer.Exit(EXIT_FINDINGS)
    file_format = format_for_file(path, loaded.raw)
    chosen = list(range(len(loaded.recordings)))
    if index is not None:
        if not 0 <= index < len(chosen):
            sys.stderr.write(f"recordings: {visible(path)} has {len(chosen)} recording"
                             f"{'s' if len(chosen) != 1 else ''}: no #{index}\n")
            raise typer.Exit(EXIT_FINDINGS)
        chosen = [index]
    if raw:
        _write_raw(file_format, loaded, index)
        return
    payloads = []
    p = Printer(sys.stdout)
    for i in chosen:
        e, rec = loaded.exchanges[i], loaded.recordings[i]
        answer = reassemble(e)
        conv = conversation(e)
        if fmt is OutputFormat.json:
            payload: dict[str, Any] = {"recording": rec.to_dict(), "request": conv.to_dict(),
                                       "answer": answer.to_dict()}
            if chunks:
                payload["chunks"] = [
                    {"chunk": d.chunk, "choice": d.choice, "field": d.field,
                     "value": d.value.to_dict() if hasattr(d.value, "to_dict") else d.value,
                     "tool_index": d.tool_index, "tool_id": d.tool_id, "tool_name": d.tool_name}
                    for d in timeline(e)
                ]
            payloads.append(payload)
            continue
        if len(chosen) > 1:
            p.line(f"══ {rec.id} ══", "bold")
        render_metadata(p, rec)
        render_conversation(p, conv)
        if chunks:
            render_timeline(p, timeline(e))
        rtype = rec.response_type or ""
        if ("/" in rtype or rtype == "bytes") and answer.form in ("empty", "unknown"):  # an image, a PDF, audio
            p.line(f"body: {rtype}, {rec.size} bytes (not text: not shown; --raw prints it)")
        else:
            render_answer(p, answer)
    if fmt is OutputFormat.json:
        write_json(payloads[0] if len(payloads) == 1 else {"path": path, "recordings": payloads})
