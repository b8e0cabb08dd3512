"""The per-file result cache: used when files are unchanged, never trusted when corrupt."""

from __future__ import annotations

import json
import os
import shutil
import time

from recordings.cache import MAGIC, Cache, cache_path
from tests.conftest import SAMPLE, sample_file


def _corpus(tmp_path):
    dest = tmp_path / "c"
    shutil.copytree(SAMPLE / "tests", dest / "tests")
    old = time.time() - 60  # older than the racy window, so entries are cached
    for p in dest.rglob("*.json"):
        os.utime(p, (old, old))
    return dest


def test_repeat_ls_reads_nothing_and_gives_the_same_output(tmp_path, run, monkeypatch):
    corpus = _corpus(tmp_path)
    first = run("ls", corpus, "--format", "json")
    assert os.path.exists(cache_path())
    assert len(Cache().entries) == 17
    import recordings.loader as loader

    def boom(path):  # a second run must not parse any file
        raise AssertionError(f"parsed {path}")

    monkeypatch.setattr(loader, "scan_one", boom)
    second = run("ls", corpus, "--format", "json")
    assert second.stdout == first.stdout


def test_changed_file_is_read_again(tmp_path, run):
    corpus = _corpus(tmp_path)
    run("ls", corpus)
    target = corpus / "tests/integration/inference/recordings" / sample_file("07d2973bd4a4").name
    doc = json.loads(target.read_bytes())
    doc["request"]["model"] = "gpt-4o-mini"
    target.write_text(json.dumps(doc, indent=2) + "\n")
    old = time.time() - 30
    os.utime(target, (old, old))
    data = json.loads(run("ls", corpus, "--format", "json").stdout)
    assert next(d for d in data if d["id"].startswith("07d2973bd4a4"))["model"] == "gpt-4o-mini"


def test_recent_files_are_not_cached(tmp_path, run):
    corpus = _corpus(tmp_path)
    fresh = corpus / "tests/integration/inference/recordings" / sample_file("07d2973bd4a4").name
    os.utime(fresh)  # just now
    run("ls", corpus)
    assert str(fresh) not in Cache().entries and len(Cache().entries) == 16


def test_corrupt_or_truncated_cache_is_rebuilt(tmp_path, run):
    corpus = _corpus(tmp_path)
    expected = run("ls", corpus, "--format", "json").stdout
    data = open(cache_path(), "rb").read()
    for bad in (data[: len(data) // 2], data.replace(b'inference', b'INFERENCE'), b"garbage", b""):
        with open(cache_path(), "wb") as fh:
            fh.write(bad)
        c = Cache()
        assert c.entries == {} and (c.rebuilt_reason or bad == b"")
        assert run("ls", corpus, "--format", "json").stdout == expected
        assert Cache().rebuilt_reason is None  # rewritten whole


def test_other_version_is_ignored(tmp_path, run, monkeypatch):
    corpus = _corpus(tmp_path)
    run("ls", corpus)
    import recordings.cache as cache_mod

    monkeypatch.setattr(cache_mod, "__version__", "999")
    c = Cache()
    assert c.entries == {} and c.rebuilt_reason == "written by another version"


def test_no_cache_and_env(tmp_path, run, monkeypatch):
    corpus = _corpus(tmp_path)
    run("ls", corpus, "--no-cache")
    assert not os.path.exists(cache_path())
    monkeypatch.setenv("RECORDINGS_NO_CACHE", "1")
    run("validate", corpus)
    assert not os.path.exists(cache_path())


def test_validate_and_stats_use_the_cache_with_identical_results(tmp_path, run):
    corpus = _corpus(tmp_path)
    broken = corpus / "tests/integration/inference/recordings/bad.json"
    broken.write_bytes(b'{"test_id": ')
    for command in (["validate", corpus, "--format", "json"], ["stats", corpus, "--format", "json"]):
        cold = run(*command, "--no-cache")
        first = run(*command)
        warm = run(*command)
        assert cold.stdout == first.stdout == warm.stdout
        assert cold.exit_code == warm.exit_code == 1  # the unreadable file is reported every time
        assert "truncated JSON" in warm.stdout + warm.stderr


def test_cache_clear_and_info(tmp_path, run):
    corpus = _corpus(tmp_path)
    run("ls", corpus)
    r = run("cache", "info")
    assert f"path     {cache_path()}" in r.stdout and "entries  17" in r.stdout
    r = run("cache", "clear")
    assert r.stderr == f"removed {cache_path()}\n" and not os.path.exists(cache_path())
    assert run("cache", "clear").stderr == f"no cache at {cache_path()}\n"


def test_concurrent_writers_leave_a_whole_cache(tmp_path):
    """Many processes writing the cache at once: it always reads back whole, or is rebuilt."""
    import subprocess
    import sys

    corpus = _corpus(tmp_path)
    procs = [subprocess.Popen([sys.executable, "-m", "recordings", "ls", str(corpus)],
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL) for _ in range(6)]
    assert all(p.wait() == 0 for p in procs)
    data = open(cache_path(), "rb").read()
    assert data.startswith(MAGIC)
    c = Cache()
    assert c.rebuilt_reason is None and len(c.entries) == 17
    assert [n for n in os.listdir(os.path.dirname(cache_path())) if n != "index.v1"] == []


def test_cached_test_scopes_follow_edits(tmp_path, run, monkeypatch):
    from tests.conftest import PRUNE_PROJECT

    project = tmp_path / "p"
    shutil.copytree(PRUNE_PROJECT, project)
    old = time.time() - 60
    for p in project.rglob("*"):
        os.utime(p, (old, old))
    monkeypatch.chdir(project)
    first = json.loads(run("ls", "--orphans", "--format", "json").stdout)
    assert len(first) == 5
    assert any(k.endswith("test_alive.py") for k in Cache().entries)  # the parsed test file is cached
    test_file = project / "tests/integration/suite_a/test_alive.py"
    test_file.write_text(test_file.read_text().replace("def test_plain():", "def test_plain_renamed():"))
    os.utime(test_file, (old + 5, old + 5))
    second = json.loads(run("ls", "--orphans", "--format", "json").stdout)
    assert len(second) == 6
    assert "tests/integration/suite_a/test_alive.py::test_plain" in {d["test_id"] for d in second}
