"""prune calls a test gone only when its file is proven absent: an unreadable folder, a dangling or looping
link, an empty test file or a sparse checkout keeps the recordings, with one summary line (#25, item 1).

Permission cases run the real command without the capabilities that let root read every folder
(``setpriv --bounding-set=-dac_override,-dac_read_search``) when the tests run as root: the same user, so
the installed tool stays readable wherever it lives (a CI's interpreter under /root included)."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import tempfile
from pathlib import Path

import pytest

from tests.conftest import bound_by_permissions, console_script
from tests.test_hostile import make_recording

LIVE = "def test_x():\n    pass\n\n\ndef test_y():\n    pass\n"


def _ogx_project(base: Path, shared: bool = False) -> tuple[Path, Path, Path]:
    """A project with two suites, each a test file with two tests and their recordings (``shared``: in the
    common/ folder replay falls back to); returns (root, the first suite's test file, the first suite's
    recording of test_x)."""
    root = base / "proj"
    (root / "tests" / "integration").mkdir(parents=True)
    (root / "pyproject.toml").write_text("[project]\nname = 'p'\nversion = '0'\n")
    first = None
    for suite in ("a", "b"):
        folder = root / "tests" / "integration" / suite
        folder.mkdir()
        (folder / "test_s.py").write_text(LIVE)
        for test in ("test_x", "test_y"):
            where = root / "tests" / "integration" / "common" / "recordings" if shared else folder / "recordings"
            rec = make_recording(where, f"tests/integration/{suite}/test_s.py::{test}", f"{suite} {test}")
            if suite == "a" and test == "test_x":
                first = rec
    assert first is not None
    return root, root / "tests" / "integration" / "a" / "test_s.py", first


def _plan(run, root: Path, *extra: str) -> tuple[list[str], str]:
    r = run("prune", "--dry-run", "--root", root, "--format", "json", *extra)
    assert r.exit_code in (0, 1), r.stderr
    return [o["path"] for o in json.loads(r.stdout)["orphans"]], r.stderr


def _unprivileged(argv: list[str], cwd: Path, env: dict[str, str]) -> subprocess.CompletedProcess:
    return bound_by_permissions(argv, cwd, env)


@pytest.fixture
def shared_tmp():
    """A temporary folder another user can enter (pytest's own is private to its user)."""
    d = Path(tempfile.mkdtemp(prefix="recordings-trust-"))
    d.chmod(0o755)
    yield d
    for dirpath, dirnames, _ in os.walk(d):
        for name in dirnames:
            os.chmod(os.path.join(dirpath, name), 0o755)
    shutil.rmtree(d, ignore_errors=True)


def _open_to_all(root: Path) -> None:
    for dirpath, _dirnames, filenames in os.walk(root):
        os.chmod(dirpath, 0o777)
        for f in filenames:
            os.chmod(os.path.join(dirpath, f), 0o666)


def test_an_unreadable_test_folder_keeps_its_recordings(shared_tmp):
    root, test_file, rec = _ogx_project(shared_tmp, shared=True)
    (root / "tests" / "integration" / "b" / "test_s.py").write_text("def test_y():\n    pass\n")  # one real orphan
    _open_to_all(root)
    os.chmod(test_file.parent, 0o000)
    env = {**os.environ, "RECORDINGS_CACHE_DIR": str(shared_tmp / "cache"), "NO_COLOR": "1"}
    r = _unprivileged([*console_script(), "prune", "--dry-run", "--root", str(root), "--format", "json"], root, env)
    assert r.returncode == 1, r.stderr
    orphans = [o["path"] for o in json.loads(r.stdout)["orphans"]]
    assert str(rec) not in orphans and len(orphans) == 1
    assert "could not be checked" in r.stderr or "cannot be read" in r.stderr, r.stderr
    assert "Traceback" not in r.stderr


def test_a_dangling_or_looping_test_file_link_keeps_its_recordings(tmp_path, run):
    root, test_file, rec = _ogx_project(tmp_path)
    test_file.unlink()
    test_file.symlink_to(tmp_path / "nowhere.py")
    loop = root / "tests" / "integration" / "b" / "test_s.py"
    loop.unlink()
    loop.symlink_to(loop)
    orphans, stderr = _plan(run, root)
    assert orphans == []
    assert "2 test files could not be checked" in stderr
    assert "is a symbolic link that does not resolve" in run("prune", "--dry-run", "--root", root,
                                                              "--verbose").stderr


def test_an_empty_test_file_keeps_its_recordings_unless_forced(tmp_path, run):
    root, test_file, rec = _ogx_project(tmp_path)
    test_file.write_bytes(b"")
    orphans, stderr = _plan(run, root)
    assert orphans == []
    assert ("kept 2 recordings: 1 test file is empty or missing from a checkout (e.g. tests/integration/a/test_s.py):"
            " their recordings are kept, pass --force to judge them") in stderr
    orphans, _ = _plan(run, root, "--force")
    assert sorted(orphans) == sorted(str(p) for p in rec.parent.iterdir())


def test_a_test_folder_a_sparse_checkout_left_out_keeps_its_recordings(tmp_path, run):
    root, test_file, rec = _ogx_project(tmp_path)

    def git(*args: str) -> None:
        subprocess.run(["git", "-C", str(root), *args], check=True, capture_output=True,
                       env={**os.environ, "GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@t", "GIT_COMMITTER_NAME": "t",
                            "GIT_COMMITTER_EMAIL": "t@t"})

    git("init", "-q")
    git("add", "-A")
    git("commit", "-q", "-m", "corpus")
    git("sparse-checkout", "set", "--no-cone", "/*", "!/tests/integration/a/test_s.py")
    assert not test_file.exists() and rec.exists()
    orphans, stderr = _plan(run, root)
    assert orphans == []
    assert "1 test file is empty or missing from a checkout (e.g. tests/integration/a/test_s.py)" in stderr
    assert len(_plan(run, root, "--force")[0]) == 2


def test_a_proven_absent_test_file_is_still_gone(tmp_path, run):
    root, test_file, rec = _ogx_project(tmp_path)
    test_file.unlink()
    orphans, _ = _plan(run, root)
    assert sorted(orphans) == sorted(str(p) for p in rec.parent.iterdir())


CASSETTE = "interactions: []\nversion: 1\n"


def _vcr_project(base: Path) -> tuple[Path, Path]:
    root = base / "vproj"
    for module in ("test_one", "test_two"):
        (root / "tests" / module / "cassettes" / "test_m").mkdir(parents=True)
        (root / "tests" / module / "test_m.py").write_text("import pytest\n\n\n@pytest.mark.vcr\ndef test_a():\n"
                                                           "    pass\n")
        (root / "tests" / module / "cassettes" / "test_m" / "test_a.yaml").write_text(CASSETTE)
        (root / "tests" / module / "cassettes" / "test_m" / "test_gone.yaml").write_text(CASSETTE)
    (root / "pyproject.toml").write_text("[project]\nname = 'p'\nversion = '0'\ndependencies = ['pytest-recording']\n")
    return root, root / "tests" / "test_one" / "test_m.py"


def test_cassettes_of_an_unreadable_test_folder_are_kept(shared_tmp):
    root, module = _vcr_project(shared_tmp)
    _open_to_all(root)
    os.chmod(module.parent, 0o000)
    env = {**os.environ, "RECORDINGS_CACHE_DIR": str(shared_tmp / "cache"), "NO_COLOR": "1"}
    r = _unprivileged([*console_script(), "prune", "--dry-run", "--root", str(root), "--format", "json",
                       str(root / "tests" / "test_two")], root, env)
    assert r.returncode == 0, r.stdout + r.stderr
    assert json.loads(r.stdout)["orphans"] == []
    assert "could not be read (e.g. tests/test_one: Permission denied): a test there may use it" in r.stderr


def test_cassettes_of_a_dangling_module_link_or_an_empty_module_are_kept(tmp_path, run):
    root, module = _vcr_project(tmp_path)
    module.write_bytes(b"")
    orphans, stderr = _plan(run, root)
    assert orphans == [str(root / "tests/test_two/cassettes/test_m/test_gone.yaml")]
    assert "its test module is empty or missing from a checkout: kept unless --force" in stderr
    assert sorted(_plan(run, root, "--force")[0]) == sorted(
        [str(root / "tests/test_two/cassettes/test_m/test_gone.yaml"),
         str(root / "tests/test_one/cassettes/test_m/test_a.yaml"),
         str(root / "tests/test_one/cassettes/test_m/test_gone.yaml")])
    module.unlink()
    module.symlink_to(tmp_path / "nowhere.py")
    orphans, stderr = _plan(run, root)
    assert orphans == []  # a test path that cannot be read keeps every cassette it might name
    assert "could not be read (e.g. tests/test_one/test_m.py: No such file or directory)" in stderr

