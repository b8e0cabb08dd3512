"""The usage log in a process that is not pytest: a server that runs the recorder (OGX's stack server in
replay mode), or any script.

    RECORDINGS_USAGE_DIR=usage RECORDINGS_USAGE_RUN=$RUN python -m recordings.usage.track -m ogx.server ...
    RECORDINGS_USAGE_DIR=usage RECORDINGS_USAGE_RUN=$RUN python -m recordings.usage.track server.py --port 8321

runs the module (``-m``) or script with the same ``open`` audit hook the pytest plugin uses, and appends
every recording file it opens to ``DIR/usage-<run>-server-<pid>.jsonl`` as it happens. Give it the run id
of the pytest run it serves (``RECORDINGS_USAGE_RUN``, also given to pytest), so that ``prune --used``
counts its files as used by that run. The server cannot tell which test asked, so its files are used by
the run, not by a test. ``import recordings.usage.track; recordings.usage.track.install()`` does the same
from code (a ``sitecustomize.py``).
"""

from __future__ import annotations

import json
import os
import runpy
import socket
import sys
import time
import uuid
from typing import Any, TextIO

from recordings.usage import ENV_DIR, ENV_RUN, FORMAT_VERSION

_LOG: list[TextIO] = []


def _write(record: dict[str, Any]) -> None:
    if _LOG:
        _LOG[0].write(json.dumps(record, ensure_ascii=False, separators=(",", ":")) + "\n")
        _LOG[0].flush()


def install(folder: str | None = None) -> str | None:
    """Start logging this process's recording opens (``RECORDINGS_USAGE_DIR`` when no folder is given); the
    log's path, or None when no folder is set."""
    import atexit

    from recordings.usage import opens

    folder = folder or os.environ.get(ENV_DIR)
    if not folder or _LOG:
        return _LOG[0].name if _LOG else None
    folder = os.path.abspath(folder)
    os.makedirs(folder, exist_ok=True)
    run = os.environ.get(ENV_RUN) or uuid.uuid4().hex
    path = os.path.join(folder, f"usage-{run}-server-{os.getpid()}.jsonl")
    _LOG.append(open(path, "a", encoding="utf-8"))
    _write({"kind": "run", "version": FORMAT_VERSION, "run": run, "worker": "server", "controller": False,
            "server": True, "pid": os.getpid(), "host": socket.gethostname(), "time": time.time(),
            "rootdir": os.getcwd(), "invocation_dir": os.getcwd(), "args": sys.argv[1:], "narrowing": {}})
    tracker = opens.start()
    tracker.on_new = lambda p, mode: _write({"kind": "process", "files": [
        {"path": p, "mode": mode, "exists": os.path.exists(p)}]})
    atexit.register(lambda: _write({"kind": "end", "exitstatus": 0, "stopped_early": False, "time": time.time()}))
    return path


def main(argv: list[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    if not argv or argv[0] in ("-h", "--help"):
        sys.stderr.write(__doc__ or "")
        return 2
    if not os.environ.get(ENV_DIR):
        sys.stderr.write(f"recordings.usage.track: set {ENV_DIR} to the folder of usage logs\n")
        return 2
    install()
    if argv[0] == "-m" and len(argv) > 1:
        sys.argv = [argv[1], *argv[2:]]
        runpy.run_module(argv[1], run_name="__main__", alter_sys=True)
    else:
        sys.argv = argv
        runpy.run_path(argv[0], run_name="__main__")
    return 0


if __name__ == "__main__":
    sys.exit(main())
