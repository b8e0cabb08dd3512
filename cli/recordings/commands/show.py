"""``recordings show``: one recording as the final answer a model gave."""

from __future__ import annotations

import sys
from typing import Any, Optional

import typer

from recordings.commands import app
from recordings.commands.common import (EXIT_FINDINGS, EXIT_USAGE, ROOT_HELP, Format, project_root)


@app.command("show")
def show_command(
    ref: str = typer.Argument(..., metavar="ID",
                              help="A hash, a unique prefix (4+ characters), a file name or a path."),
    root: Optional[str] = typer.Option(None, "--root", help=ROOT_HELP),
    raw: bool = typer.Option(False, "--raw", help="Print the file exactly as stored."),
    chunks: bool = typer.Option(False, "--chunks", help="Also show the delta timeline of a stream."),
    fmt: Format = typer.Option(Format.text, "--format", "-f", help="text or json."),
) -> None:
    """Show one recording: metadata, the request as a conversation, and the reassembled answer."""
    from recordings.conversation import conversation
    from recordings.errors import LoadError, LookupFailed
    from recordings.loader import load
    from recordings.lookup import MIN_PREFIX, resolve
    from recordings.output.jsonout import write_json
    from recordings.output.showing import render_answer, render_conversation, render_metadata, render_timeline
    from recordings.output.terminal import Printer, visible
    from recordings.reassembly import reassemble, timeline

    root = project_root(root)
    try:
        path = resolve(ref, root)
    except LookupFailed as exc:
        sys.stderr.write(f"recordings: {exc}\n")
        for c in exc.candidates:
            sys.stderr.write(f"  {c}\n")
        short = len(ref.removesuffix(".json")) < MIN_PREFIX
        if fmt is Format.json:
            write_json({"error": str(exc), "candidates": list(exc.candidates)})
        raise typer.Exit(EXIT_USAGE if short else EXIT_FINDINGS)
    try:
        loaded = load(path)
    except LoadError as exc:
        sys.stderr.write(f"{visible(exc.path)}: {visible(exc.reason)}\n")
        if fmt is Format.json:  # stdout stays JSON, and says what went wrong
            write_json({"path": exc.path, "error": exc.reason})
        raise typer.Exit(EXIT_FINDINGS)
    if raw:
        sys.stdout.flush()
        out = getattr(sys.stdout, "buffer", None)
        if out is not None:
            out.write(loaded.raw)
            out.flush()
        else:
            sys.stdout.write(loaded.raw.decode("utf-8", "replace"))
        return
    answer = reassemble(loaded.doc)
    conv = conversation(loaded.doc)
    if fmt is Format.json:
        payload: dict[str, Any] = {"recording": loaded.recording.to_dict(), "request": conv.to_dict(),
                                   "answer": answer.to_dict()}
        if chunks:
            payload["chunks"] = [
                {"chunk": d.chunk, "choice": d.choice, "field": d.field,
                 "value": d.value.to_dict() if hasattr(d.value, "to_dict") else d.value,
                 "tool_index": d.tool_index, "tool_id": d.tool_id, "tool_name": d.tool_name}
                for d in timeline(loaded.doc)
            ]
        write_json(payload)
        return
    p = Printer(sys.stdout)
    render_metadata(p, loaded.recording)
    render_conversation(p, conv)
    if chunks:
        render_timeline(p, timeline(loaded.doc))
    render_answer(p, answer)
