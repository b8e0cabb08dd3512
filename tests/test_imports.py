"""Start-up: the command line imports the core only when a command runs, and the warm path (``ls``
answered from the cache) imports only what it uses: no parser of cassettes, no rules, no reassembly,
no worker pool, no diff engine."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys

from tests.conftest import SAMPLE

PROBE = """
import io, json, sys
sys.argv = ["recordings", *sys.argv[2:]]
out = io.StringIO()
real, sys.stdout = sys.stdout, out
from recordings.commands import main
try:
    main()
except SystemExit:
    pass
sys.stdout = real
with open(__import__("os").environ["PROBE_OUT"], "w") as fh:
    json.dump(sorted(sys.modules), fh)
"""

NOT_ON_THE_WARM_PATH = [
    "yaml", "deepdiff", "re2", "rich", "multiprocessing", "brotli", "zstandard",
    "recordings.rules", "recordings.reassembly", "recordings.stats", "recordings.corpus_diff",
    "recordings.live_tests", "recordings.formats.llamastack.hashing", "recordings.formats.llamastack.normalization",
    "recordings.formats.llamastack.document", "recordings.formats.vcr.cassette",
]


def _modules_after(tmp_path, *argv: str) -> set[str]:
    env = {**os.environ, "RECORDINGS_CACHE_DIR": str(tmp_path / "cache"), "PROBE_OUT": str(tmp_path / "mods.json")}
    env.pop("RECORDINGS_NO_CACHE", None)
    r = subprocess.run([sys.executable, "-c", PROBE, "-", *argv], env=env, capture_output=True, text=True)
    assert r.returncode == 0, r.stderr
    return set(json.loads((tmp_path / "mods.json").read_text()))


def test_the_command_line_imports_no_core_module_until_a_command_runs(tmp_path):
    env = {**os.environ, "PROBE_OUT": str(tmp_path / "mods.json")}
    code = ("import json, os, sys; import recordings.commands; "
            "json.dump(sorted(sys.modules), open(os.environ['PROBE_OUT'], 'w'))")
    subprocess.run([sys.executable, "-c", code], env=env, check=True)
    loaded = set(json.loads((tmp_path / "mods.json").read_text()))
    for name in ("recordings.loader", "recordings.discovery", "recordings.cache", "recordings.formats", "orjson",
                 *NOT_ON_THE_WARM_PATH):
        assert name not in loaded, name


def test_a_warm_ls_imports_only_what_it_uses(tmp_path):
    corpus = tmp_path / "c" / "recordings"
    corpus.mkdir(parents=True)
    for src in sorted((SAMPLE / "tests" / "integration" / "common" / "recordings").glob("*.json")):
        shutil.copy(src, corpus / src.name)
        os.utime(corpus / src.name, (1_700_000_000, 1_700_000_000))  # old enough to be cached
    (tmp_path / "c" / "pyproject.toml").write_text("")
    cold = _modules_after(tmp_path, "ls", str(corpus))  # fills the cache
    assert "recordings.formats.llamastack.document" in cold  # the cold run did read the files
    warm = _modules_after(tmp_path, "ls", str(corpus))
    assert "recordings.loader" in warm and "recordings.cache" in warm
    for name in NOT_ON_THE_WARM_PATH:
        assert name not in warm, name


def test_the_console_script_builds_only_the_command_it_runs_and_it_behaves_the_same():
    """main() runs an app holding just the invoked command (typer converts every registered command at
    start-up); its help and its errors are those of the whole app, and anything else gets the whole app."""
    from typer.testing import CliRunner

    from recordings.commands import app, app_for

    runner = CliRunner()
    names = [info.name for info in app.registered_commands]
    assert len(names) >= 8
    for name in names:
        one = app_for(["recordings", name, "--help"])
        assert one is not app and [i.name for i in one.registered_commands] == [name]
        for args in ([name, "--help"], [name, "--format", "yaml"]):
            whole, alone = runner.invoke(app, args), runner.invoke(one, args)
            assert (alone.exit_code, alone.output) == (whole.exit_code, whole.output), (name, args)
    for argv in (["recordings"], ["recordings", "--help"], ["recordings", "--version"], ["recordings", "cache", "info"],
                 ["recordings", "lss"]):
        assert app_for(argv) is app, argv
