"""Parallel runs give the same output, in the same order, as serial runs."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys

import pytest

from tests.conftest import SAMPLE, SHARED


def _corpus(tmp_path):
    dest = tmp_path / "c"
    shutil.copytree(SAMPLE / "tests", dest / "sample" / "tests")
    if SHARED.is_dir():
        shutil.copytree(SHARED / "tests", dest / "shared" / "tests")
    shutil.copytree(SAMPLE / "broken", dest / "sample" / "tests" / "integration" / "junk" / "recordings")
    for p in dest.rglob("*"):
        os.chmod(p, 0o755 if p.is_dir() else 0o644)
    return dest


@pytest.mark.parametrize("command", [
    ["ls", "--format", "json"],
    ["validate", "--format", "json"],
    ["normalize", "--check", "--format", "json"],
    ["stats", "--format", "json"],
    ["prune", "--dry-run", "--format", "json"],
])
def test_parallel_equals_serial(tmp_path, command):
    corpus = _corpus(tmp_path)
    outputs = []
    for jobs in ("1", "2"):
        env = {**os.environ, "RECORDINGS_JOBS": jobs, "RECORDINGS_PARALLEL_MIN": "2", "RECORDINGS_NO_CACHE": "1"}
        extra = ["--root", str(corpus / "sample")] if command[0] == "prune" else []  # never a guessed root
        proc = subprocess.run([sys.executable, "-m", "recordings", command[0], str(corpus), *command[1:], *extra],
                              capture_output=True, text=True, env=env, cwd=corpus)
        outputs.append((proc.returncode, proc.stdout, proc.stderr))
    assert outputs[0] == outputs[1]
    assert outputs[0][1], outputs[0][2][-500:]  # something was produced
    assert "Traceback" not in outputs[0][2]


def _pid(_):
    return os.getpid()


def test_the_pool_is_really_used(monkeypatch):
    from recordings.parallel import ordered_map

    monkeypatch.setenv("RECORDINGS_JOBS", "2")
    monkeypatch.setenv("RECORDINGS_PARALLEL_MIN", "2")
    pids = set(ordered_map(_pid, list(range(64))))
    assert os.getpid() not in pids and len(pids) >= 1
    assert list(ordered_map(str, list(range(100)))) == [str(i) for i in range(100)]  # order kept
    monkeypatch.setenv("RECORDINGS_JOBS", "1")
    assert set(ordered_map(_pid, list(range(64)))) == {os.getpid()}
