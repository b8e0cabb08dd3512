"""``recordings explain``: why was a recording not found?"""

from __future__ import annotations

import sys
from typing import Optional

import typer

from recordings.commands import app
from recordings.commands.common import (EXIT_CLEAN, EXIT_FINDINGS, EXIT_USAGE, ROOT_HELP, OutputFormat,
                                        project_root)


@app.command("explain")
def explain_command(
    request_hash: Optional[str] = typer.Argument(None, metavar="[HASH]", help="The hash a replay could not find."),
    test_id: Optional[str] = typer.Option(None, "--test-id", help="The test that asked (its pytest node id)."),
    request: Optional[str] = typer.Option(None, "--request", help="The request as JSON (a file, or - for stdin): "
                                                                  "computes its hash and finds the closest match."),
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
    root: Optional[str] = typer.Option(None, "--root", help=ROOT_HELP),
    fmt: OutputFormat = typer.Option(OutputFormat.text, "--format", "-f", help="text or json."),
) -> None:
    """Where a replayer looks for a hash, whether the file exists anywhere, and what differs.

    HASH may be a full hash, a unique prefix or a file name, resolved as `show` resolves it.

    Exit 0 when replay would find the recording, 1 when it would not.
    """
    import orjson

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
        if not test_id:
            sys.stderr.write("recordings: --request needs --test-id (the hash includes it)\n")
            raise typer.Exit(EXIT_USAGE)
        try:
            text = sys.stdin.buffer.read() if request == "-" else open(request, "rb").read()
            data = orjson.loads(text)
            req = request_from_json(data, endpoint, method.upper(), url)
            ex = explain_request(project, test_id, req, recording_dir)
        except OSError as exc:
            sys.stderr.write(f"recordings: cannot read {request}: {exc.strerror}\n")
            raise typer.Exit(EXIT_USAGE)
        except (orjson.JSONDecodeError, ValueError) as exc:
            sys.stderr.write(f"recordings: {request}: {exc}\n")
            raise typer.Exit(EXIT_USAGE)
    elif request_hash:
        h = request_hash.strip().removesuffix(".json")
        ex = explain_hash(project, h, test_id, recording_dir)
    else:
        sys.stderr.write("recordings: give a HASH, or --test-id with --request FILE\n")
        raise typer.Exit(EXIT_USAGE)
    if fmt is OutputFormat.json:
        write_json(ex.to_dict())
    else:
        render_explanation(ex, project, sys.stdout)
    raise typer.Exit(EXIT_CLEAN if ex.found else EXIT_FINDINGS)
