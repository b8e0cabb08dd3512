"""Never lose, never leak: prune, normalize, validate and the cache under hostile input.

One test per break a reliability and security probe found; each reproduces it first.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from recordings.formats.llamastack.hashing import request_hash
from recordings.jsonbytes import TEMP_PREFIX, canonical_bytes
from recordings.model import Kind
from tests.conftest import sample_file


def make_recording(folder: Path, test_id: str | None, question: str = "q", name: str | None = None) -> Path:
    """A small, normalized chat recording for ``test_id``, named by its request hash."""
    req = {"method": "POST", "url": "http://0.0.0.0:11434/v1/v1/chat/completions", "headers": {},
           "body": {"model": "m", "messages": [{"role": "user", "content": question}]},
           "endpoint": "/v1/chat/completions", "model": "m"}
    h = request_hash(Kind.INFERENCE, req, test_id)
    body = {"__type__": "openai.types.chat.chat_completion.ChatCompletion", "__data__": {
        "id": f"rec-{h[:12]}", "choices": [{"finish_reason": "stop", "index": 0, "logprobs": None,
                                             "message": {"content": "a", "role": "assistant", "tool_calls": None}}],
        "created": 0, "model": "m", "object": "chat.completion", "usage": None}}
    doc = {"test_id": test_id, "request": req, "response": {"body": body, "is_streaming": False},
           "id_normalization_mapping": {}}
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / (name or f"{h}.json")
    path.write_bytes(canonical_bytes(doc))
    return path


def project(tmp_path: Path, tests: dict[str, str]) -> Path:
    root = tmp_path / "proj"
    (root / "tests").mkdir(parents=True)
    (root / "pyproject.toml").write_text("[project]\nname = 'p'\nversion = '0'\n")
    for rel, text in tests.items():
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        (root / rel).write_text(text)
    return root


# --- 1. trash never overwrites ------------------------------------------------------------------


def test_trash_keeps_relative_paths_and_never_overwrites(tmp_path, run):
    root = project(tmp_path, {"tests/a/test_x.py": "def test_live():\n    pass\n",
                              "tests/b/test_y.py": "def test_live():\n    pass\n"})
    one = make_recording(root / "tests/a/recordings", "tests/a/test_x.py::test_gone", "1", name="same.json")
    two = make_recording(root / "tests/b/recordings", "tests/b/test_y.py::test_gone", "2", name="same.json")
    one_bytes, two_bytes = one.read_bytes(), two.read_bytes()
    trash = tmp_path / "trash"
    r = run("prune", root, "--root", root, "--yes", "--trash", trash, "--max-fraction", "1")
    assert r.exit_code == 0, r.stderr
    assert (trash / "tests/a/recordings/same.json").read_bytes() == one_bytes
    assert (trash / "tests/b/recordings/same.json").read_bytes() == two_bytes
    # a second run into the same trash keeps the first run's copy
    again = make_recording(root / "tests/a/recordings", "tests/a/test_x.py::test_gone", "3", name="same.json")
    again_bytes = again.read_bytes()
    r = run("prune", root, "--root", root, "--yes", "--trash", trash, "--max-fraction", "1")
    assert r.exit_code == 0, r.stderr
    assert (trash / "tests/a/recordings/same.json").read_bytes() == one_bytes
    assert (trash / "tests/a/recordings/same.1.json").read_bytes() == again_bytes


# --- 2. symlinked folders are not followed ------------------------------------------------------


def test_prune_never_empties_a_linked_folder_outside_the_corpus(tmp_path, run):
    root = project(tmp_path, {"tests/a/test_x.py": "def test_live():\n    pass\n"})
    outside = tmp_path / "elsewhere"
    victim = make_recording(outside, "tests/a/test_x.py::test_gone")
    (root / "tests/a/recordings").symlink_to(outside, target_is_directory=True)
    r = run("prune", root, "--root", root, "--yes", "--max-fraction", "1")
    assert victim.exists()
    assert "symlinked folder not followed" in r.stderr
    # naming the link as a PATH searches it, but nothing outside the root is deleted
    r = run("prune", root / "tests/a/recordings", "--root", root, "--yes", "--max-fraction", "1")
    assert victim.exists()
    assert "outside the project root" in r.stderr


def test_ls_does_not_walk_a_link_to_the_root_of_the_file_system(tmp_path, run):
    corpus = tmp_path / "tests"
    make_recording(corpus / "s/recordings", "tests/s/test_x.py::test_a")
    (corpus / "s" / "everything").symlink_to("/", target_is_directory=True)
    started = time.monotonic()
    r = run("ls", corpus, "--format", "json")
    assert time.monotonic() - started < 20
    assert r.exit_code == 0
    assert len(json.loads(r.stdout)) == 1
    assert f"{corpus / 's' / 'everything'}: symlinked folder not followed" in r.stderr


# --- 3. static prune keeps tests made dynamically ----------------------------------------------

DYNAMIC = {
    "tests/d/test_update.py": "def _t():\n    pass\n\nglobals().update({'test_made': _t})\n",
    "tests/d/test_helper.py": ("def _make(name):\n    def t():\n        pass\n    globals()['test_' + name] = t\n\n"
                               "_make('made')\n"),
    "tests/d/test_meta.py": ("class Meta(type):\n    def __new__(m, n, b, ns):\n        ns['test_made'] = lambda s: None\n"
                             "        return super().__new__(m, n, b, ns)\n\n"
                             "class TestM(metaclass=Meta):\n    pass\n"),
    "tests/d/test_after.py": "class TestC:\n    pass\n\nTestC.test_made = lambda self: None\n",
    "tests/d/test_plain.py": "def test_other():\n    pass\n",
}


def test_static_prune_keeps_dynamically_made_tests_with_the_reason(tmp_path, run):
    root = project(tmp_path, DYNAMIC)
    rec = root / "tests/d/recordings"
    ids = {
        "tests/d/test_update.py::test_made": "module calls globals().update(), which may define tests",
        "tests/d/test_helper.py::test_made": "module uses globals(), which may define tests",
        "tests/d/test_meta.py::TestM::test_made": "class TestM has a metaclass (Meta), which may add tests",
        "tests/d/test_after.py::TestC::test_made": None,  # seen: TestC.test_made is assigned after the class
    }
    for i, tid in enumerate(ids):
        make_recording(rec, tid, str(i))
    gone = make_recording(rec, "tests/d/test_plain.py::test_removed", "gone")
    r = run("prune", root, "--root", root, "--dry-run", "--format", "json", "--max-fraction", "1")
    data = json.loads(r.stdout)
    assert [o["path"] for o in data["orphans"]] == [str(gone)]
    kept = {k["test_id"]: k["reason"] for k in data["kept"]}
    for tid, why in ids.items():
        if why is None:
            assert tid not in kept  # alive
        else:
            assert kept[tid] == f"function test_made not found, but {why}", tid


# --- 4. --collect: skipped modules are unknown, the project's interpreter runs pytest ----------


def test_collect_keeps_recordings_of_a_module_skipped_at_collection(tmp_path, run):
    root = project(tmp_path, {
        "tests/s/test_skipped.py": "import pytest\npytest.importorskip('no_such_module_here')\n\ndef test_a():\n    pass\n",
        "tests/s/test_ok.py": "def test_b():\n    pass\n",
        "tests/conftest.py": "",
    })
    rec = root / "tests/s/recordings"
    skipped = make_recording(rec, "tests/s/test_skipped.py::test_a", "1")
    make_recording(rec, "tests/s/test_ok.py::test_b", "2")
    r = run("prune", root, "--root", root, "--collect", "--complete", "--dry-run", "--format", "json",
            "--python", sys.executable)
    data = json.loads(r.stdout)
    assert data["orphans"] == []
    kept = {k["path"]: k["reason"] for k in data["kept"]}
    assert kept[str(skipped)].startswith("module tests/s/test_skipped.py was skipped at collection (could not "
                                         "import 'no_such_module_here'")
    assert sys.executable in data["source"]


def _environment_at(env_dir, name: str = "python"):
    """``env_dir/bin/<name>``: the tests' own interpreter, in an environment that sees the same packages
    (when the tests run in a virtual environment, its pyvenv.cfg and lib/ come along)."""
    python = env_dir / "bin" / name
    python.parent.mkdir(parents=True)
    python.symlink_to(sys.executable)
    if sys.prefix != sys.base_prefix:
        shutil.copy(os.path.join(sys.prefix, "pyvenv.cfg"), env_dir / "pyvenv.cfg")
        (env_dir / "lib").symlink_to(os.path.join(sys.prefix, "lib"))
    return python


def test_collect_uses_the_projects_virtual_environment(tmp_path, run):
    root = project(tmp_path, {"tests/s/test_ok.py": "def test_b():\n    pass\n"})
    make_recording(root / "tests/s/recordings", "tests/s/test_ok.py::test_b")
    venv_python = _environment_at(root / ".venv")
    r = run("prune", root, "--root", root, "--collect", "--dry-run", "--format", "json", env={"VIRTUAL_ENV": ""})
    assert str(venv_python) in json.loads(r.stdout)["source"], r.stderr
    # configured in [tool.recordings]
    other = _environment_at(root / "py", "python3")
    (root / "pyproject.toml").write_text("[project]\nname = 'p'\nversion = '0'\n[tool.recordings]\n"
                                         "python = 'py/bin/python3'\n")
    r = run("prune", root, "--root", root, "--collect", "--dry-run", "--format", "json", env={"VIRTUAL_ENV": ""})
    assert str(other) in json.loads(r.stdout)["source"]


# --- 5. a guessed root, or one where every test file is missing, is refused ---------------------


def test_prune_refuses_a_guessed_root(tmp_path, run, monkeypatch):
    corpus = tmp_path / "bare" / "tests"
    (corpus / "test_x.py").parent.mkdir(parents=True)
    (corpus / "test_x.py").write_text("def test_a():\n    pass\n")
    rec = make_recording(corpus / "s/recordings", "tests/s/test_gone.py::test_a")
    monkeypatch.chdir(tmp_path / "bare")
    r = run("prune", "tests", "--yes", "--max-fraction", "0.95")
    assert r.exit_code == 2
    assert "the project root is only a guess; pass --root" in r.stderr
    assert rec.exists()


def test_prune_refuses_when_every_named_test_file_is_missing(tmp_path, run):
    root = project(tmp_path, {"tests/test_unrelated.py": "def test_a():\n    pass\n"})
    recs = [make_recording(root / "suite/recordings", f"tests/integration/s/test_{i}.py::test_a", str(i))
            for i in range(3)]
    r = run("prune", root, "--root", root, "--yes", "--max-fraction", "1", "--force")
    assert r.exit_code == 1
    assert f"refusing to prune: none of the 3 test files the recordings name exists under {root}" in r.stderr
    assert all(p.exists() for p in recs)


# --- 6. numbers that orjson cannot keep -----------------------------------------------------------


def _with_number(tmp_path: Path, literal: str) -> tuple[Path, bytes]:
    src = sample_file("e8791d493902")
    folder = tmp_path / "tests/integration/inference/recordings"
    folder.mkdir(parents=True)
    text = src.read_text().replace('"created": 0', f'"created": 5, "big": {literal}', 1)
    path = folder / src.name
    path.write_text(text)
    return path, path.read_bytes()


def test_integers_past_64_bits_round_trip_exactly(tmp_path, run):
    path, before = _with_number(tmp_path, "123456789012345678901234567890")
    r = run("normalize", tmp_path)
    assert r.exit_code == 0, r.stderr
    after = path.read_bytes()
    assert b'"big": 123456789012345678901234567890' in after  # not 1.2345678901234568e+29
    expected = json.loads(before)  # the standard library keeps the integer exact
    expected["response"]["body"]["__data__"]["created"] = 0
    assert after == (json.dumps(expected, indent=2) + "\n").encode()


def test_a_number_that_overflows_a_double_is_left_alone(tmp_path, run):
    path, before = _with_number(tmp_path, "1e400")
    r = run("normalize", tmp_path)
    assert r.exit_code == 1
    assert f"{path}: number 1e400 does not fit a double: left alone" in r.stderr
    assert path.read_bytes() == before


def test_rehash_never_renames_because_of_a_big_integer_in_the_request(tmp_path, run):
    folder = tmp_path / "tests/integration/s/recordings"
    good = make_recording(folder, "tests/integration/s/test_x.py::test_a")
    doc = json.loads(good.read_bytes())
    doc["request"]["body"]["seed"] = 2**70
    h = request_hash(Kind.INFERENCE, doc["request"], doc["test_id"])
    doc["response"]["body"]["__data__"]["id"] = f"rec-{h[:12]}"
    good.unlink()
    exact = folder / f"{h}.json"
    exact.write_bytes(canonical_bytes(doc))
    before = exact.read_bytes()
    r = run("normalize", "--rehash", tmp_path)
    assert r.exit_code == 0, r.stderr
    assert [p.name for p in folder.iterdir()] == [exact.name]
    assert exact.read_bytes() == before
    r = run("validate", tmp_path, "--select", "hash")
    assert "replay will not find" not in r.stdout, r.stdout


# --- 7. symlinked recordings are never written through ------------------------------------------


def test_normalize_never_replaces_a_symlinked_recording(tmp_path, run):
    target_dir = tmp_path / "real" / "recordings"
    target = make_recording(target_dir, "t.py::test_a")
    doc = json.loads(target.read_bytes())
    doc["response"]["body"]["__data__"]["created"] = 1234
    target.write_bytes(canonical_bytes(doc))
    before = target.read_bytes()
    link_dir = tmp_path / "corpus" / "recordings"
    link_dir.mkdir(parents=True)
    link = link_dir / target.name
    link.symlink_to(target)
    r = run("normalize", tmp_path / "corpus")
    assert r.exit_code == 1
    assert link.is_symlink() and target.read_bytes() == before
    assert f"is a symbolic link to {target}: never written through" in r.stderr


# --- 8. duplicate keys ------------------------------------------------------------------------------


def test_duplicate_keys_are_reported_and_the_file_left_alone(tmp_path, run):
    path = make_recording(tmp_path / "s/recordings", "t.py::test_a")
    text = path.read_text().replace('"created": 0', '"created": 1, "created": 0', 1)
    path.write_text(text)
    before = path.read_bytes()
    r = run("normalize", tmp_path)
    assert r.exit_code == 1
    assert f"{path}: duplicate key 'created' in one object: left alone" in r.stderr
    assert path.read_bytes() == before


# --- 9. a concurrent run's temp file is not "stale" ---------------------------------------------


def test_a_live_runs_temp_file_is_never_removed(tmp_path, run):
    folder = tmp_path / "s" / "recordings"
    make_recording(folder, "t.py::test_a")
    # a temp file held open and locked by another live process, as atomic_write does
    code = ("import fcntl, os, sys, time\n"
            f"fd = os.open({str(folder / (TEMP_PREFIX + 'live.json'))!r}, os.O_CREAT | os.O_WRONLY)\n"
            "fcntl.flock(fd, fcntl.LOCK_EX)\nprint('ready', flush=True)\ntime.sleep(30)\n")
    holder = subprocess.Popen([sys.executable, "-c", code], stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout.readline().strip() == "ready"
        live = folder / (TEMP_PREFIX + "live.json")
        os.utime(live, (time.time() - 3600, time.time() - 3600))
        dead = folder / (TEMP_PREFIX + "999999999-dead.json")
        dead.write_bytes(b"{")
        r = run("normalize", tmp_path)
        assert live.exists()
        assert f"{live}: temp file in use by a running rewrite (or just created): left alone" in r.stderr
        assert not dead.exists()
    finally:
        holder.kill()
        holder.wait()


def test_a_running_writers_pid_protects_its_temp_file(tmp_path, run):
    folder = tmp_path / "s" / "recordings"
    make_recording(folder, "t.py::test_a")
    sleeper = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(30)"])
    try:
        tmp = folder / f"{TEMP_PREFIX}{sleeper.pid}-abc.json"
        tmp.write_bytes(b"{")
        run("normalize", tmp_path)
        assert tmp.exists()
    finally:
        sleeper.kill()
        sleeper.wait()
    run("normalize", tmp_path)
    assert not tmp.exists()  # its writer is gone: stale now


# --- 10. FIFOs and devices ------------------------------------------------------------------------


def test_a_fifo_named_json_never_blocks(tmp_path, run):
    folder = tmp_path / "s" / "recordings"
    make_recording(folder, "t.py::test_a")
    fifo = folder / "fifo.json"
    os.mkfifo(fifo)
    zero = folder / "zero.json"
    zero.symlink_to("/dev/zero")
    results = {}

    def go():
        for cmd in (["ls"], ["validate"], ["normalize", "--check"], ["stats"]):
            results[cmd[0]] = run(*cmd, tmp_path)

    t = threading.Thread(target=go, daemon=True)
    t.start()
    t.join(60)
    assert not t.is_alive(), "a command blocked on a FIFO"
    for name, r in results.items():
        assert r.exit_code == 1, name
        out = r.stderr + r.stdout
        if name == "validate":  # findings are grouped under their file
            assert f"{fifo}\n  error   syntax        not a regular file (a FIFO): not read" in out
            assert f"{zero}\n  error   syntax        not a regular file (a character device): not read" in out
        else:
            assert f"{fifo}: not a regular file (a FIFO): not read" in out, name
            assert f"{zero}: not a regular file (a character device): not read" in out, name


def test_a_file_over_the_size_ceiling_is_named(tmp_path, run):
    path = make_recording(tmp_path / "s/recordings", "t.py::test_a")
    r = run("ls", tmp_path, env={"RECORDINGS_MAX_FILE_BYTES": "100"})
    assert r.exit_code == 1
    assert f"{path}: too large to be a recording ({path.stat().st_size} bytes, over the 100-byte ceiling" in r.stderr


def test_a_file_that_grows_after_its_size_was_taken_is_read_whole_up_to_the_ceiling(tmp_path, monkeypatch):
    """The read asks for the size stat saw (plus a byte); a file grown since is read on to its end, and
    one grown past the ceiling is refused, never cut short."""
    import recordings.files as loader

    path = make_recording(tmp_path / "s/recordings", "t.py::test_a")
    whole = path.read_bytes()
    real_stat = os.stat

    def stale_stat(p, *a, **k):  # the size before the file grew
        st = real_stat(p, *a, **k)
        if str(p) != str(path):
            return st
        return os.stat_result((st.st_mode, st.st_ino, st.st_dev, st.st_nlink, st.st_uid, st.st_gid, 10,
                               st.st_atime, st.st_mtime, st.st_ctime))

    monkeypatch.setattr(loader.os, "stat", stale_stat)
    assert loader.read_bytes(str(path)) == whole
    monkeypatch.setenv("RECORDINGS_MAX_FILE_BYTES", str(len(whole) - 1))
    with pytest.raises(loader.LoadError, match="over the .*-byte ceiling"):
        loader.read_bytes(str(path))


# --- 11. lone surrogates ----------------------------------------------------------------------------


def test_a_lone_surrogate_is_shown_as_its_escape(tmp_path, run):
    src = sample_file("e8791d493902")
    path = tmp_path / "s/recordings" / src.name
    path.parent.mkdir(parents=True)
    text = src.read_text()
    path.write_text(text.replace('"text": "', '"text": "\\ud800', 1))
    r = run("show", path)
    assert r.exit_code == 0, r.stderr
    assert "\\ud800 1963, in Brooklyn" in r.stdout
    r = run("show", path, "--format", "json")
    assert r.exit_code == 0
    assert json.loads(r.stdout)["answer"]["choices"][0]["text"].startswith("\ud800")
    r = run("diff", src, path)
    assert r.exit_code == 1 and "internal error" not in r.stderr
    assert "+\\ud800 1963, in Brooklyn" in r.stdout


def test_the_console_script_survives_a_surrogate(tmp_path):
    src = sample_file("e8791d493902")
    path = tmp_path / "s/recordings" / src.name
    path.parent.mkdir(parents=True)
    path.write_text(src.read_text().replace('"text": "', '"text": "\\ud800', 1))
    proc = subprocess.run([sys.executable, "-m", "recordings", "show", str(path)], capture_output=True)
    assert proc.returncode == 0, proc.stderr
    assert b"\\ud800 1963" in proc.stdout


# --- 12. the cache folder ---------------------------------------------------------------------------


def test_cache_clear_when_the_cache_path_is_a_folder(tmp_path, run, monkeypatch):
    monkeypatch.setenv("RECORDINGS_CACHE_DIR", str(tmp_path / "c"))
    (tmp_path / "c" / "index.v1").mkdir(parents=True)
    r = run("cache", "clear")
    assert r.exit_code == 1
    assert f"{tmp_path / 'c' / 'index.v1'}: is a folder, not a cache file: left alone" in r.stderr


def test_cache_clear_in_a_read_only_folder(tmp_path):
    """The real command, bound by file permissions (as root: without the capabilities that bypass them)."""
    from tests.conftest import bound_by_permissions, console_script

    (tmp_path / "c").mkdir()
    (tmp_path / "c" / "index.v1").write_bytes(b"x")
    os.chmod(tmp_path / "c", 0o555)
    try:
        r = bound_by_permissions([*console_script(), "cache", "clear"],
                                 env={**os.environ, "RECORDINGS_CACHE_DIR": str(tmp_path / "c")})
        assert r.returncode == 1 and "cannot remove the cache" in r.stderr
        assert (tmp_path / "c" / "index.v1").exists()
    finally:
        os.chmod(tmp_path / "c", 0o755)


def test_killed_cache_writes_leave_no_temp_files(tmp_path, run, monkeypatch):
    cache_dir = tmp_path / "c"
    monkeypatch.setenv("RECORDINGS_CACHE_DIR", str(cache_dir))
    cache_dir.mkdir()
    left = cache_dir / f"{TEMP_PREFIX}999999999-killed.json"
    left.write_bytes(b"x" * 1000)
    src = sample_file("e8791d493902")
    corpus = tmp_path / "s" / "recordings"
    corpus.mkdir(parents=True)
    shutil.copy(src, corpus)
    os.utime(corpus / src.name, (time.time() - 60, time.time() - 60))
    r = run("ls", tmp_path / "s")
    assert r.exit_code == 0
    assert not left.exists()  # the next cache write swept it
    left.write_bytes(b"x")
    r = run("cache", "clear")
    assert "and 1 stale temp file" in r.stderr and not left.exists()


# --- 13. quoting and control characters --------------------------------------------------------------


def test_restore_hint_is_shell_quoted_and_complete(tmp_path, run):
    root = project(tmp_path, {"tests/a/test_x.py": "def test_live():\n    pass\n"})
    names = [f"$(touch PWNED{i}).json" for i in range(7)]
    for i, name in enumerate(names):
        make_recording(root / "tests/a/recordings", "tests/a/test_x.py::test_gone", str(i), name=name)
    env = {**os.environ, "GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@t", "GIT_COMMITTER_NAME": "t",
           "GIT_COMMITTER_EMAIL": "t@t"}
    subprocess.run(["git", "init", "-q"], cwd=root, check=True)
    subprocess.run(["git", "add", "."], cwd=root, check=True)
    subprocess.run(["git", "commit", "-qm", "x"], cwd=root, check=True, env=env)
    r = run("prune", root / "tests", "--root", root, "--yes", "--max-fraction", "1")
    assert r.exit_code == 0, r.stderr
    hint = r.stderr.split("to restore: ")[1].splitlines()[0]
    proc = subprocess.run(["bash", "-c", hint], cwd=root, capture_output=True, text=True)
    assert proc.returncode == 0, proc.stderr
    assert not list(tmp_path.rglob("PWNED*")) or all(p.suffix == ".json" for p in tmp_path.rglob("PWNED*"))
    assert sorted(p.name for p in (root / "tests/a/recordings").iterdir()) == sorted(names)  # all restored


def test_names_with_terminal_escapes_are_made_visible(tmp_path, run):
    folder = tmp_path / "s" / "recordings"
    folder.mkdir(parents=True)
    bad = folder / "evil\x1b[2J.json"
    bad.write_bytes(b"{")
    r = run("ls", tmp_path)
    assert "\x1b" not in r.stderr + r.stdout
    assert "evil\\x1b[2J.json" in r.stderr
    path = make_recording(folder, "t.py::test_\x1b]0;title\x07", "x")
    r = run("ls", tmp_path)
    assert "\x1b" not in r.stdout and "\x07" not in r.stdout
    assert "test_\\x1b]0;title\\x07" in r.stdout
    assert path.exists()


def _git_repo(root: Path) -> dict[str, str]:
    env = {**os.environ, "GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@t", "GIT_COMMITTER_NAME": "t",
           "GIT_COMMITTER_EMAIL": "t@t"}
    subprocess.run(["git", "init", "-q"], cwd=root, check=True)
    subprocess.run(["git", "add", "."], cwd=root, check=True)
    subprocess.run(["git", "commit", "-qm", "x"], cwd=root, check=True, env=env)
    return env


@pytest.mark.skipif(shutil.which("dash") is None, reason="dash (a POSIX /bin/sh) is not installed")
def test_the_restore_command_is_read_by_a_posix_shell_with_odd_names(tmp_path, run):
    """#25 item 11: control characters and bytes that are not UTF-8 in names, restored by dash."""
    root = project(tmp_path, {"tests/a/test_x.py": "def test_live():\n    pass\n"})
    folder = root / "tests/a/recordings"
    names = [os.fsdecode(b"caf\xe9.json"), "tab\there.json", "bell\x07.json", "it's.json"]
    for i, name in enumerate(names):
        make_recording(folder, "tests/a/test_x.py::test_gone", str(i), name=name)
    _git_repo(root)
    r = run("prune", root / "tests", "--root", root, "--yes", "--max-fraction", "1")
    assert r.exit_code == 0, r.stderr
    hint = r.stderr.split("to restore: ")[1].splitlines()[0]
    assert "$'" not in hint
    proc = subprocess.run(["dash", "-c", hint], cwd=root, capture_output=True)
    assert proc.returncode == 0, proc.stderr
    assert sorted(os.listdir(folder)) == sorted(names)


def test_a_file_name_that_is_not_utf8_in_git(tmp_path, run):
    """#25 item 10: diff HEAD and prune read git's paths as bytes."""
    root = project(tmp_path, {"tests/a/test_x.py": "def test_live():\n    pass\n"})
    folder = root / "tests/a/recordings"
    live = make_recording(folder, "tests/a/test_x.py::test_live", "live")
    odd = make_recording(folder, "tests/a/test_x.py::test_gone", "gone", name=os.fsdecode(b"caf\xe9.json"))
    _git_repo(root)
    odd.write_bytes(odd.read_bytes().replace(b'"content": "a"', b'"content": "b"'))
    r = run("diff", "HEAD", "--root", root)
    assert "internal error" not in r.stderr and "Traceback" not in r.stderr
    assert r.exit_code == 1  # a change
    assert "caf\\udce9.json" in r.stdout or "caf\\xe9.json" in r.stdout
    r = run("prune", "--dry-run", "--root", root, "--max-fraction", "1", "--format", "json")
    assert r.exit_code == 1, r.stderr
    assert [o["path"] for o in json.loads(r.stdout)["orphans"]] == [str(odd)]
    assert live.exists()


def test_control_characters_from_recordings_never_reach_the_terminal_in_stats_and_explain(tmp_path, run):
    """#25 item 12: a model name and a test id that would set the terminal title or forge a line."""
    folder = tmp_path / "tests" / "integration" / "s" / "recordings"
    rec = make_recording(folder, "tests/integration/s/test_x.py::test_\x1b]0;pwned\x07", "x")
    doc = json.loads(rec.read_bytes())
    doc["request"]["model"] = doc["request"]["body"]["model"] = "gpt\x1b[2J\rfake line"
    rec.write_text(json.dumps(doc, indent=2) + "\n")
    (tmp_path / "pyproject.toml").write_text("")
    for args in (["stats", tmp_path], ["explain", rec.stem[:12], "--root", tmp_path]):
        r = run(*args)
        out = r.stdout + r.stderr
        assert "\x1b" not in out and "\x07" not in out and "\r" not in out, args
    assert "gpt\\x1b[2J\\rfake line" in run("stats", tmp_path).stdout
