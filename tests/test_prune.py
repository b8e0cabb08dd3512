"""``recordings prune`` and ``ls --orphans`` on the fixture project, with all three sources of truth."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import PRUNE_PROJECT

A = "tests/integration/suite_a/test_alive.py"
STATIC_ORPHANS = {
    (f"{A}::TestRenamedOld::test_method", "class gone"),
    (f"{A}::TestRenamedNew::test_removed_method", "method gone"),
    (f"{A}::test_deleted_function[x]", "function gone"),
    ("tests/integration/suite_b/test_deleted_file.py::test_x[1]", "file gone"),
    ("tests/integration/suite_b/test_deleted_file.py::test_x[2]", "file gone"),
}
NOT_COLLECTED = {
    f"{A}::test_params[gone-param]",
    f"{A}::TestFromUnittest::test_missing",
    "tests/integration/suite_a/test_dynamic.py::test_gen_three",
    "tests/integration/suite_a/test_broken.py::test_this_file_does_not_parse",
}
COLLECTED = [
    f"{A}::test_plain", f"{A}::test_async", f"{A}::test_params[a::b]", f"{A}::test_params[c[d]]",
    f"{A}::test_params[e f]", f"{A}::test_params[caf\\xe9]", f"{A}::TestRenamedNew::test_method",
    f"{A}::TestOuter::TestInner::test_nested", f"{A}::TestOuter::test_async_method",
    "tests/integration/suite_a/test_dynamic.py::test_gen_one", "tests/integration/suite_a/test_dynamic.py::test_gen_two",
    "tests/integration/suite_b/test_other.py::test_still_here",
    f"{A}::TestChildLocal::test_inherited", f"{A}::TestChildLocal::test_own", f"{A}::TestFromUnittest::test_present",
]


@pytest.fixture
def project(tmp_path: Path) -> Path:
    dest = tmp_path / "project"
    shutil.copytree(PRUNE_PROJECT, dest, ignore=shutil.ignore_patterns("__pycache__", ".pytest_cache"))
    return dest


def _plan(run, *args):
    r = run("prune", "--format", "json", *args)
    data = json.loads(r.stdout)
    return r, data


def _recordings(project: Path) -> set[str]:
    return {str(p.relative_to(project)) for p in project.rglob("recordings/*.json")}


def test_static_orphans_exact(project, run, monkeypatch):
    monkeypatch.chdir(project)
    before = _recordings(project)
    r, data = _plan(run, "--dry-run")
    assert r.exit_code == 1
    assert {(o["test_id"], o["reason"]) for o in data["orphans"]} == STATIC_ORPHANS
    kept = {k["test_id"]: k["reason"] for k in data["kept"]}
    assert kept == {
        "tests/integration/suite_a/test_broken.py::test_this_file_does_not_parse":
            "tests/integration/suite_a/test_broken.py does not parse (line 1)",
        "tests/integration/suite_a/test_dynamic.py::test_gen_one":
            "function test_gen_one not found, but names are assigned through globals()",
        "tests/integration/suite_a/test_dynamic.py::test_gen_three":
            "function test_gen_three not found, but names are assigned through globals()",
        f"{A}::TestFromUnittest::test_missing":
            "function test_missing not found, but class TestFromUnittest inherits from unittest.TestCase, "
            "whose tests are not read",
    }
    assert data["summary"] == {"recordings": 22, "orphans": 5, "tests": 4, "bytes": data["summary"]["bytes"],
                               "shared_skipped": 1, "kept_undecided": 4, "function_orphans": 5,
                               "parameter_orphans": 0, "not_judged": {}}
    assert _recordings(project) == before  # --dry-run deletes nothing


def test_manifest_orphans_exact(project, run, monkeypatch, tmp_path):
    monkeypatch.chdir(project)
    manifest = tmp_path / "ids.txt"
    manifest.write_text("# saved from CI\n" + "\n".join(COLLECTED) + "\n")
    # a manifest alone may be partial: only what the source agrees is gone goes
    r, data = _plan(run, "--dry-run", "--manifest", manifest)
    assert {(o["test_id"], o["reason"]) for o in data["orphans"]} == {
        (t, f"test function gone ({why})") for t, why in STATIC_ORPHANS}
    kept = {k["test_id"]: k["reason"] for k in data["kept"]}
    assert kept[f"{A}::test_params[gone-param]"] == (
        "parameters [gone-param] are not in the manifest by these configurations, but the function is; pass "
        "--complete (or --matrix) when they cover every configuration")
    assert set(kept) >= NOT_COLLECTED
    # declared complete: every test it lacks is gone, each with its kind
    r, data = _plan(run, "--dry-run", "--manifest", manifest, "--complete")
    got = {o["test_id"]: o["kind"] for o in data["orphans"]}
    assert set(got) == {t for t, _ in STATIC_ORPHANS} | NOT_COLLECTED
    assert {t for t, kind in got.items() if kind == "parameter"} == {f"{A}::test_params[gone-param]"}


def test_collect_runs_real_pytest(project, run, monkeypatch):
    monkeypatch.chdir(project)
    r, data = _plan(run, "--dry-run", "--collect", "--complete", "--",
                    "--ignore=tests/integration/suite_a/test_broken.py")
    assert r.exit_code == 1, r.stderr
    assert {o["test_id"] for o in data["orphans"]} == {t for t, _ in STATIC_ORPHANS} | NOT_COLLECTED
    reasons = {o["test_id"]: o["reason"] for o in data["orphans"]}
    assert reasons[f"{A}::test_params[gone-param]"] == "parameter no longer collected"
    assert reasons[f"{A}::TestFromUnittest::test_missing"] == "test function gone (not collected)"
    assert reasons[f"{A}::TestRenamedOld::test_method"] == "test function gone (class gone)"


def test_collect_matrix_is_unioned(project, run, monkeypatch):
    monkeypatch.chdir(project)
    ignore = "--ignore=tests/integration/suite_a/test_broken.py"
    r, data = _plan(run, "--dry-run", "--complete", "--collect-args", f"{ignore} tests/integration/suite_a",
                    "--collect-args", f"{ignore} tests/integration/suite_b")
    assert {o["test_id"] for o in data["orphans"]} == {t for t, _ in STATIC_ORPHANS} | NOT_COLLECTED


def test_failed_collection_aborts(project, run, monkeypatch):
    monkeypatch.chdir(project)
    r = run("prune", "--collect", "--yes")  # test_broken.py fails to collect
    assert r.exit_code == 1
    assert "refusing to prune: pytest --collect-only exited 2" in r.stderr
    assert len(_recordings(project)) == 22


def test_empty_sources_are_refused(project, run, monkeypatch, tmp_path):
    monkeypatch.chdir(project)
    empty = tmp_path / "empty.txt"
    empty.write_text("\n")
    r = run("prune", "--manifest", empty, "--yes")
    assert r.exit_code == 1 and "manifest" in r.stderr and "lists no tests" in r.stderr
    bare = tmp_path / "bare"
    (bare / "recordings").mkdir(parents=True)
    shutil.copy(next(project.rglob("recordings/*.json")), bare / "recordings")
    (bare / "pyproject.toml").write_text("")
    r = run("prune", bare, "--root", bare, "--yes")
    assert r.exit_code == 1 and "refusing to prune: no test files under" in r.stderr
    assert len(list((bare / "recordings").iterdir())) == 1


def test_max_fraction_and_force(project, run, monkeypatch):
    monkeypatch.chdir(project)
    r = run("prune", "--yes", "--max-fraction", "0.1")
    assert r.exit_code == 1 and "refusing to prune 23% of the corpus" in r.stderr
    assert len(_recordings(project)) == 22
    r = run("prune", "--yes", "--max-fraction", "0.1", "--force")
    assert r.exit_code == 0
    assert len(_recordings(project)) == 17


def test_non_terminal_without_yes_deletes_nothing(project, monkeypatch):
    monkeypatch.chdir(project)
    import sys

    proc = subprocess.run([sys.executable, "-m", "recordings", "prune"], cwd=project, stdin=subprocess.DEVNULL,
                          capture_output=True, text=True)
    assert proc.returncode == 1
    assert "not at a terminal and no --yes: nothing deleted" in proc.stderr
    assert len(_recordings(project)) == 22


def test_confirmation_at_a_terminal(project):
    """Under a real pseudo-terminal, answering 'n' deletes nothing and 'y' deletes the orphans."""
    import pty
    import sys

    def answer(reply: bytes) -> int:
        pid, fd = pty.fork()
        if pid == 0:
            os.chdir(project)
            os.execv(sys.executable, [sys.executable, "-m", "recordings", "prune"])
        out = b""
        while b"recordings?" not in out:
            out += os.read(fd, 4096)
        os.write(fd, reply + b"\n")
        while True:
            try:
                if not os.read(fd, 4096):
                    break
            except OSError:
                break
        return os.waitstatus_to_exitcode(os.waitpid(pid, 0)[1])

    assert answer(b"n") == 1
    assert len(_recordings(project)) == 22
    assert answer(b"y") == 0
    assert len(_recordings(project)) == 17


def test_yes_deletes_exactly_the_orphans_and_shared_survive(project, run, monkeypatch):
    monkeypatch.chdir(project)
    before = _recordings(project)
    r = run("prune", "--yes")
    assert r.exit_code == 0, r.stderr
    gone = before - _recordings(project)
    assert len(gone) == 5
    remaining = {json.loads((project / p).read_bytes())["test_id"] for p in _recordings(project)}
    assert None in remaining  # the shared recording
    assert not remaining & {t for t, _ in STATIC_ORPHANS}


def test_trash_moves_instead_of_deleting(project, run, monkeypatch, tmp_path):
    monkeypatch.chdir(project)
    trash = tmp_path / "trash"
    r = run("prune", "--yes", "--trash", trash)
    assert r.exit_code == 0
    moved = sorted(str(p.relative_to(trash)) for p in trash.rglob("*.json"))
    assert len(moved) == 5 and all(m.startswith("tests/integration/suite_") for m in moved)


def test_only_given_paths_are_touched(project, run, monkeypatch):
    monkeypatch.chdir(project)
    r = run("prune", "tests/integration/suite_b", "--yes", "--max-fraction", "1")
    assert r.exit_code == 0
    assert len(_recordings(project)) == 20  # the two suite_b orphans; suite_a untouched


def test_git_restore_hint_and_untracked_warning(project, run, monkeypatch):
    monkeypatch.chdir(project)
    env = {**os.environ, "GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@t", "GIT_COMMITTER_NAME": "t",
           "GIT_COMMITTER_EMAIL": "t@t"}
    subprocess.run(["git", "init", "-q"], cwd=project, check=True)
    subprocess.run(["git", "add", "tests/integration/suite_a"], cwd=project, check=True)
    subprocess.run(["git", "commit", "-qm", "x"], cwd=project, check=True, env=env)
    r = run("prune", "--yes")
    assert r.exit_code == 0
    assert "warning: 2 orphan(s) are not tracked by git" in r.stderr  # suite_b was never added
    assert "to restore: git checkout -- " in r.stderr
    restore = r.stderr.split("to restore: git checkout -- ")[1].split()
    assert len(restore) == 3 and all("suite_a" in p for p in restore)


def test_ls_orphans(project, run, monkeypatch):
    monkeypatch.chdir(project)
    r = run("ls", "--orphans", "--format", "json")
    assert r.exit_code == 0
    assert {d["test_id"] for d in json.loads(r.stdout)} == {t for t, _ in STATIC_ORPHANS}
    assert len(_recordings(project)) == 22


MATRIX_CONFTEST = '''
def pytest_addoption(parser):
    parser.addoption("--suite", default="base")
    parser.addoption("--setup", default="ollama")


def pytest_generate_tests(metafunc):
    if "model" in metafunc.fixturenames:
        setup = metafunc.config.getoption("--setup")
        metafunc.parametrize("model", [f"{setup}-small", f"{setup}-large"])
'''


def _matrix_project(tmp_path: Path) -> Path:
    """A project whose parameters depend on the CI configuration (--setup), as Llama Stack's do."""
    from tests.test_hostile import make_recording

    root = tmp_path / "mx"
    integ = root / "tests" / "integration"
    (integ / "inference").mkdir(parents=True)
    (root / "pyproject.toml").write_text("[project]\nname = 'mx'\nversion = '0'\n")
    (integ / "conftest.py").write_text(MATRIX_CONFTEST)
    (integ / "inference" / "test_chat.py").write_text("def test_chat(model):\n    pass\n")
    (integ / "ci_matrix.json").write_text(json.dumps({
        "default": [{"suite": "base", "setup": "ollama"}, {"suite": "base", "setup": "gpt"}],
        "schedules": {"1 0 * * 0": [{"suite": "base", "setup": "vllm"}]}}))
    rec = integ / "inference" / "recordings"
    for setup in ("ollama", "gpt", "vllm"):
        for size in ("small", "large"):
            make_recording(rec, f"tests/integration/inference/test_chat.py::test_chat[{setup}-{size}]", setup + size)
    make_recording(rec, "tests/integration/inference/test_chat.py::test_chat[retired-model]", "retired")
    make_recording(rec, "tests/integration/inference/test_chat.py::test_removed[x]", "removed")
    return root


def test_partial_collection_never_plans_deleting_live_parameters(tmp_path, run):
    root = _matrix_project(tmp_path)
    # two configurations of three: the trial's case
    r, data = _plan(run, root, "--root", root, "--dry-run", "--python", sys.executable,
                    "--collect-args", "tests/integration --setup=ollama")
    assert r.exit_code == 1, r.stderr
    assert [(o["test_id"], o["kind"]) for o in data["orphans"]] == [
        ("tests/integration/inference/test_chat.py::test_removed[x]", "function")]
    kept = {k["test_id"] for k in data["kept"]}
    assert {f"tests/integration/inference/test_chat.py::test_chat[{s}-{z}]" for s in ("gpt", "vllm")
            for z in ("small", "large")} <= kept
    assert "tests/integration/inference/test_chat.py::test_chat[retired-model]" in kept


def test_whole_matrix_finds_parameter_orphans(tmp_path, run):
    root = _matrix_project(tmp_path)
    r, data = _plan(run, root, "--root", root, "--dry-run", "--python", sys.executable,
                    "--matrix", root / "tests/integration/ci_matrix.json")
    assert r.exit_code == 1, r.stderr
    assert sorted((o["test_id"], o["kind"], o["reason"]) for o in data["orphans"]) == [
        ("tests/integration/inference/test_chat.py::test_chat[retired-model]", "parameter",
         "parameter no longer collected"),
        ("tests/integration/inference/test_chat.py::test_removed[x]", "function",
         "test function gone (function gone)"),
    ]
    assert "(3 configurations, 6 node ids, complete)" in data["source"]
    assert data["summary"]["parameter_orphans"] == 1 and data["summary"]["function_orphans"] == 1
