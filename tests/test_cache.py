"""The per-file result cache: used when files are unchanged, never trusted when corrupt."""

from __future__ import annotations

import json
import os
import shutil
import time

from recordings.cache import MAGIC, Cache
from recordings.cache import cache_path as _cache_path
from tests.conftest import SAMPLE, sample_file


CORPUS: list = []


def cache_path():
    """The cache file of the corpus the test made (one file per corpus)."""
    return _cache_path(CORPUS[-1])


def _corpus(tmp_path):
    dest = tmp_path / "c"
    shutil.copytree(SAMPLE / "tests", dest / "tests")
    old = time.time() - 60  # older than the racy window, so entries are cached
    for p in dest.rglob("*.json"):
        os.utime(p, (old, old))
    CORPUS.append(str(dest))
    return dest


def _change_model(corpus, model: str) -> None:
    """Edit one recording's model, its mtime old enough for the cache to take it again."""
    target = corpus / "tests/integration/inference/recordings" / sample_file("07d2973bd4a4").name
    doc = json.loads(target.read_bytes())
    doc["request"]["model"] = model
    target.write_text(json.dumps(doc, indent=2) + "\n")
    old = time.time() - 30
    os.utime(target, (old, old))


def test_repeat_ls_reads_nothing_and_gives_the_same_output(tmp_path, run, monkeypatch):
    corpus = _corpus(tmp_path)
    first = run("ls", corpus, "--format", "json")
    assert os.path.exists(cache_path())
    assert len(Cache(root=CORPUS[-1]).entries) == 17
    import recordings.loader as loader

    def boom(path):  # a second run must not parse any file
        raise AssertionError(f"parsed {path}")

    monkeypatch.setattr(loader, "scan_one", boom)
    second = run("ls", corpus, "--format", "json")
    assert second.stdout == first.stdout


def test_changed_file_is_read_again(tmp_path, run):
    corpus = _corpus(tmp_path)
    run("ls", corpus)
    _change_model(corpus, "gpt-4o-mini")
    data = json.loads(run("ls", corpus, "--format", "json").stdout)
    assert next(d for d in data if d["id"].startswith("07d2973bd4a4"))["model"] == "gpt-4o-mini"


def test_recent_files_are_not_cached(tmp_path, run):
    corpus = _corpus(tmp_path)
    fresh = corpus / "tests/integration/inference/recordings" / sample_file("07d2973bd4a4").name
    os.utime(fresh)  # just now
    run("ls", corpus)
    assert str(fresh) not in Cache(root=CORPUS[-1]).entries and len(Cache(root=CORPUS[-1]).entries) == 16


def test_corrupt_or_truncated_cache_is_rebuilt(tmp_path, run):
    corpus = _corpus(tmp_path)
    expected = run("ls", corpus, "--format", "json").stdout
    data = open(cache_path(), "rb").read()
    for bad in (data[: len(data) // 2], data.replace(b'inference', b'INFERENCE'), b"garbage", b""):
        with open(cache_path(), "wb") as fh:
            fh.write(bad)
        c = Cache(root=CORPUS[-1])
        assert c.entries == {} and (c.rebuilt_reason or bad == b"")
        assert run("ls", corpus, "--format", "json").stdout == expected
        assert Cache(root=CORPUS[-1]).rebuilt_reason is None  # rewritten whole


def test_other_version_is_ignored(tmp_path, run, monkeypatch):
    corpus = _corpus(tmp_path)
    run("ls", corpus)
    import recordings.cache as cache_mod

    monkeypatch.setattr(cache_mod, "__version__", "999")
    c = Cache(root=CORPUS[-1])
    assert c.entries == {} and c.rebuilt_reason == "written by another version"


def test_a_cache_file_of_an_older_format_is_ignored_and_rebuilt(tmp_path, run):
    corpus = _corpus(tmp_path)
    run("ls", corpus)
    path = Cache(root=CORPUS[-1]).path
    with open(path, "wb") as fh:  # the one-file layout of earlier versions
        fh.write(b"recordings-cache 3\n00000000\n{}")
    c = Cache(root=CORPUS[-1])
    assert c.entries == {} and c.rebuilt_reason == "written by another version"
    run("ls", corpus)
    assert len(Cache(root=CORPUS[-1]).entries) == 17


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
    r = run("cache", "info", corpus)
    assert f"path     {cache_path()}" in r.stdout and "entries  17" in r.stdout
    from recordings.cache import cache_dir

    r = run("cache", "clear")
    assert r.stderr == f"removed 1 cache file from {cache_dir()}\n" and not os.path.exists(cache_path())
    assert run("cache", "clear").stderr == f"no cache in {cache_dir()}\n"


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
    c = Cache(root=CORPUS[-1])
    assert c.rebuilt_reason is None and len(c.entries) == 17
    assert os.listdir(os.path.dirname(cache_path())) == [os.path.basename(cache_path())]


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
    assert any(k.endswith("test_alive.py") for k in Cache(root=str(project)).entries)  # the parsed test file is cached
    test_file = project / "tests/integration/suite_a/test_alive.py"
    test_file.write_text(test_file.read_text().replace("def test_plain():", "def test_plain_renamed():"))
    os.utime(test_file, (old + 5, old + 5))
    second = json.loads(run("ls", "--orphans", "--format", "json").stdout)
    assert len(second) == 6
    assert "tests/integration/suite_a/test_alive.py::test_plain" in {d["test_id"] for d in second}


def test_one_cache_per_corpus_and_gone_files_leave_it(tmp_path, run):
    big = _corpus(tmp_path / "big")
    run("ls", big)
    small = tmp_path / "small"
    (small / "s" / "recordings").mkdir(parents=True)
    src = sample_file("07d2973bd4a4")
    shutil.copy(src, small / "s" / "recordings")
    old = time.time() - 60
    os.utime(small / "s" / "recordings" / src.name, (old, old))
    CORPUS.append(str(small))
    run("ls", small)
    assert len(Cache(root=str(small)).entries) == 1  # a small corpus loads only its own entries
    assert len(Cache(root=str(big)).entries) == 17
    # a deleted file's entry goes at the next write
    victim = next((big / "tests").rglob("*.json"))
    victim.unlink()
    fresh = big / "tests/integration/inference/recordings/new.json"
    shutil.copy(src, fresh)
    os.utime(fresh, (old, old))
    CORPUS.append(str(big))
    run("ls", big)
    keys = Cache(root=str(big)).entries
    assert str(victim) not in keys and str(fresh) in keys and len(keys) == 17


def test_the_cache_is_bounded(tmp_path, run, monkeypatch):
    import recordings.cache as cache_mod

    corpus = _corpus(tmp_path)
    c = Cache(root=str(corpus))
    for i in range(50):  # entries of another era, whose files still exist
        c._section("recording")[str(corpus / f"ghost{i}")] = [[0, 0, 0], "null"]
        (corpus / f"ghost{i}").write_text("")
    c.dirty = True
    c.save()
    monkeypatch.setattr(cache_mod, "MAX_ENTRIES", 20)
    run("ls", corpus)
    entries = Cache(root=str(corpus)).entries
    assert len(entries) == 20
    assert sum(1 for k in entries if "ghost" not in k) == 17  # what this run used is kept
    assert [k for k in entries if "ghost" in k] == [str(corpus / f"ghost{i}") for i in (47, 48, 49)]  # newest kept


def test_results_stream_in_order_with_the_cache(tmp_path, monkeypatch):
    """With the cache on, the first result arrives before the last file is parsed."""
    import recordings.cache as cache_mod

    corpus = _corpus(tmp_path)
    files = sorted(str(p) for p in corpus.rglob("*.json"))
    c = Cache(root=str(corpus))
    parsed: list[str] = []

    def work(path):
        parsed.append(path)
        return path

    stream = cache_mod.cached_map(work, files, "t", lambda r: r, lambda p, v: v, c)
    first = next(stream)
    assert first == files[0] and len(parsed) < len(files)
    assert [first, *stream] == files
    c2 = Cache(root=str(corpus))
    parsed.clear()
    assert list(cache_mod.cached_map(work, files, "t", lambda r: r, lambda p, v: v, c2)) == files
    assert parsed == []


def test_cache_and_worker_pool_together(tmp_path):
    """The cache with the worker pool: a cold run (pool), a warm run, a run with one file changed."""
    import subprocess
    import sys

    corpus = _corpus(tmp_path)
    env = {**os.environ, "RECORDINGS_JOBS": "2", "RECORDINGS_PARALLEL_MIN": "2"}

    def ls():
        proc = subprocess.run([sys.executable, "-m", "recordings", "ls", str(corpus), "--format", "json"],
                              capture_output=True, text=True, env=env)
        assert proc.returncode == 0, proc.stderr
        return proc.stdout

    serial = subprocess.run([sys.executable, "-m", "recordings", "ls", str(corpus), "--format", "json", "--no-cache"],
                            capture_output=True, text=True, env={**env, "RECORDINGS_JOBS": "1"}).stdout
    assert ls() == serial  # cold: parsed by the pool, cached
    assert len(Cache(root=str(corpus)).entries) == 17
    assert ls() == serial  # warm
    _change_model(corpus, "changed-model")
    out = json.loads(ls())
    assert [d["model"] for d in out if d["id"].startswith("07d2973bd4a4")] == ["changed-model"]


def test_the_cache_is_written_even_when_the_caller_stops_at_the_last_result(tmp_path):
    import recordings.cache as cache_mod

    corpus = _corpus(tmp_path)
    files = sorted(str(p) for p in corpus.rglob("*.json"))
    c = Cache(root=str(corpus))
    for _path, _result in zip(files, cache_mod.cached_map(len, files, "t", lambda r: r, lambda p, v: v, c)):
        pass  # zip stops pulling once files is exhausted, as validate's loop does
    assert len(Cache(root=str(corpus)).entries) == 17


def test_repeat_validate_reads_nothing(tmp_path, run, monkeypatch):
    corpus = _corpus(tmp_path)
    first = run("validate", corpus, "--format", "json")
    import recordings.rules.runner as validate_mod

    def boom(path):
        raise AssertionError(f"checked {path}")

    monkeypatch.setattr(validate_mod, "check_file", boom)
    assert run("validate", corpus, "--format", "json").stdout == first.stdout


def test_a_repeat_ls_recalls_the_tests_of_cassettes_until_a_test_file_changes(tmp_path, run, monkeypatch):
    """The tests of cassettes are worked out from the project's test modules; a repeat run over an unchanged
    project recalls them from the cache instead of reading the modules again, and any edit reads them anew."""
    project = tmp_path / "vcr"
    shutil.copytree(SAMPLE / "vcr", project)
    old = time.time() - 60
    for p in project.rglob("*"):
        os.utime(p, (old, old))
    CORPUS.append(str(project))
    first = json.loads(run("ls", project, "--format", "json").stdout)
    assert {d["test_id"] for d in first} == {"tests/test_weather.py::test_weather_stream"}

    import recordings.formats.vcr.naming as naming

    built: list[str] = []
    original = naming.ProjectNaming.__init__

    def counting(self, root):
        built.append(root)
        original(self, root)

    monkeypatch.setattr(naming.ProjectNaming, "__init__", counting)
    monkeypatch.setattr(naming, "_PROJECTS", {})  # as in a new process
    assert json.loads(run("ls", project, "--format", "json").stdout) == first
    assert built == []  # recalled: no test module was read

    test_file = project / "tests/test_weather.py"
    test_file.write_text("import pytest\n\n\n@pytest.mark.default_cassette('test_weather_stream.yaml')\n"
                         "def test_weather_v2():\n    pass\n")
    os.utime(test_file, (old + 5, old + 5))
    third = json.loads(run("ls", project, "--format", "json").stdout)
    assert built == [str(project)]
    assert {d["test_id"] for d in third} == {"tests/test_weather.py::test_weather_v2"}  # the edit was seen

    # a verdict is never recalled: prune, in a new process, reads the test modules again
    monkeypatch.setattr(naming, "_PROJECTS", {})
    run("prune", project, "--dry-run")
    assert len(built) == 2
