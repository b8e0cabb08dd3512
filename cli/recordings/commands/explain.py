"""``recordings explain``: why was a recording not found?"""

from __future__ import annotations

import sys
from typing import Optional

import typer

from recordings.commands import app
from recordings.commands.common import (EXIT_CLEAN, EXIT_FINDINGS, EXIT_USAGE, LOOKUP_ROOT_HELP, OutputFormat,
                                        project_root, resolve_or_exit)


@app.command("explain")
def explain_command(
    request_hash: Optional[str] = typer.Argument(None, metavar="[HASH]", help="The hash a replay could not find "
                                                 "(from 'Recording not found for request hash: HASH'): 64 hex, "
                                                 "or a prefix or file name of a recording, resolved as show does."),
    test_id: Optional[str] = typer.Option(None, "--test-id", help="The test that asked (its pytest node id). "
                                                                  "Default: the test_id of a whole recording given "
                                                                  "to --request, or of the recording HASH names."),
    request: Optional[str] = typer.Option(None, "--request", help="The request as JSON (a file, or - for stdin): "
                                                                  "a whole recording, its request, or a bare body. "
                                                                  "Computes its hash and finds the closest match."),
    endpoint: str = typer.Option("/v1/chat/completions", "--endpoint", help="Endpoint of a bare request body."),
    method: str = typer.Option("POST", "--method", help="Method of a bare request body."),
    url: Optional[str] = typer.Option(None, "--url", help="Url of a bare request body: its path is part of the "
                                                          "hash (http://0.0.0.0:11434/v1/v1/chat/completions for "
                                                          "Ollama), and bedrock hosts drop stream_options. Default: "
                                                          "the url this test's recordings of --endpoint use."),
    recording_dir: Optional[str] = typer.Option(None, "--recording-dir", help="The recorder's base folder; its "
                                                "recordings/ is the shared fallback (default: "
                                                "$OGX_TEST_RECORDING_DIR (or $LLAMA_STACK_TEST_RECORDING_DIR), "
                                                "else tests/integration/common)."),
    root: Optional[str] = typer.Option(None, "--root", help=LOOKUP_ROOT_HELP),
    fmt: OutputFormat = typer.Option(OutputFormat.text, "--format", "-f", help="text or json."),
) -> None:
    """Where a replayer looks for a hash, whether the file exists anywhere, and what differs.

    HASH may be a full hash, a unique prefix or a file name, resolved as `show` resolves it.

    Exit 0 when replay would find the recording, 1 when it would not.
    """
    import os
    import re

    import orjson

    from recordings.output.terminal import shell_command, visible
    from recordings.replay import recorder_explains
    from recordings.replay import explain_hash, explain_request, request_from_json
    from recordings.output.explaining import render_explanation
    from recordings.output.jsonout import write_json

    project = project_root(root)
    if recording_dir is None:
        from recordings.config import ConfigError, load_config

        try:
            recording_dir = load_config(None, project).recording_dir
        except ConfigError as exc:
            sys.stderr.write(f"recordings: {exc}\n")
            raise typer.Exit(EXIT_USAGE)
    if request is not None:
        try:
            text = sys.stdin.buffer.read() if request == "-" else open(request, "rb").read()
            data = orjson.loads(text)
            if not test_id and isinstance(data, dict) and isinstance(data.get("request"), dict) \
                    and isinstance(data.get("test_id"), str):
                test_id = data["test_id"]  # a whole recording names the test that sent it
            if not test_id:
                sys.stderr.write("recordings: --request needs --test-id (the hash includes it); a whole recording "
                                 "file carries its own test_id\n")
                raise typer.Exit(EXIT_USAGE)
            req = request_from_json(data, endpoint, method.upper(), url)
            ex = explain_request(project, test_id, req, recording_dir)
        except OSError as exc:
            sys.stderr.write(f"recordings: cannot read {visible(request)}: {exc.strerror}\n")
            raise typer.Exit(EXIT_USAGE)
        except (orjson.JSONDecodeError, ValueError) as exc:
            sys.stderr.write(f"recordings: {visible(request)}: {visible(str(exc))}\n")
            raise typer.Exit(EXIT_USAGE)
    elif request_hash:
        h = request_hash.strip()
        if not re.fullmatch(r"[0-9a-f]{64}", h.removesuffix(".json")):
            path = resolve_or_exit(h, project, fmt)  # the one resolver show uses: same match, same message
            if recorder_explains(path) is False:
                sys.stderr.write(f"recordings: {visible(path)} is not an OGX (formerly Llama Stack) recording: "
                                 "explain answers that recorder's replay lookups\n")
                raise typer.Exit(EXIT_USAGE)
            h = os.path.basename(path)
            if test_id is None:  # the recording names its own test
                from recordings.loader import scan_one

                found = scan_one(path)
                test_id = next((r.test_id for r in found if r.test_id), None) if isinstance(found, list) else None
        h = h.removesuffix(".json")
        ex = explain_hash(project, h, test_id, recording_dir)
        if not ex.found and ex.test_id and not ex.elsewhere:
            ex.hint = ("to see what differs from this test's recordings, pass the request it sent: "
                       + shell_command(["recordings", "explain", "--test-id", ex.test_id, "--request",
                                        "request.json"]))
    else:
        sys.stderr.write("recordings: give a HASH, or --request FILE (with --test-id for a request or bare body)\n")
        raise typer.Exit(EXIT_USAGE)
    if fmt is OutputFormat.json:
        write_json(ex.to_dict())
    else:
        render_explanation(ex, project, sys.stdout)
    raise typer.Exit(EXIT_CLEAN if ex.found else EXIT_FINDINGS)
