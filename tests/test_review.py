"""``recordings review``: in a real git repository, through a pseudo-terminal and through --accept/--reject."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

from tests.conftest import console_script, converse_in_pty, sample_file, sample_repo

ADDED = "a" * 64 + ".json"


def _git(cwd: Path, *args: str) -> bytes:
    return subprocess.run(["git", "-c", "user.name=t", "-c", "user.email=t@t", *args], cwd=cwd, check=True,
                          capture_output=True).stdout


def _rerecorded(tmp_path: Path) -> tuple[Path, Path, Path]:
    """A repository whose working tree changed one answer and added one recording since HEAD."""
    repo = sample_repo(tmp_path)
    folder = repo / "tests/integration/inference/recordings"
    changed = folder / sample_file("cfe08c6d0c8f").name
    changed.write_bytes(changed.read_bytes().replace(b"all good", b"all BAD"))
    added = folder / ADDED
    shutil.copy(folder / sample_file("07d2973bd4a4").name, added)
    return repo, changed, added


def _at_head(repo: Path, path: Path) -> bytes:
    return _git(repo, "show", f"HEAD:{path.relative_to(repo).as_posix()}")


def test_reject_restores_the_base_bytes_and_deletes_what_base_lacked(tmp_path, run):
    repo, changed, added = _rerecorded(tmp_path)
    r = run("review", "--root", repo, "--reject", "*/cfe08c6d0c8f*", "--reject", f"*/{ADDED}")
    assert r.exit_code == 0, r.stderr
    assert changed.read_bytes() == _at_head(repo, changed) and not added.exists()
    assert r.stderr.splitlines()[-1] == "kept 0, restored 1, deleted 1, skipped 0"
    assert _git(repo, "status", "--porcelain") == b""


def test_accept_keeps_and_what_no_pattern_names_is_left(tmp_path, run):
    repo, changed, added = _rerecorded(tmp_path)
    before = changed.read_bytes()
    r = run("review", "--root", repo, "--accept", "tests/integration/inference/recordings/cfe08c6d0c8f*")
    assert r.exit_code == 1  # the added recording got no answer
    assert changed.read_bytes() == before and added.exists()
    assert r.stderr.splitlines()[-1] == "kept 1, restored 0, deleted 0, skipped 1"


def test_nothing_changes_without_an_answer(tmp_path, run):
    repo, changed, added = _rerecorded(tmp_path)
    before = changed.read_bytes()
    r = run("review", "--root", repo)  # no terminal, no flags
    assert r.exit_code == 1 and changed.read_bytes() == before and added.exists()
    assert r.stderr.endswith("nothing changed\n")


def test_a_file_changed_after_it_was_shown_is_left_alone(tmp_path):
    from recordings.review import REFUSED, changes, reject

    repo, changed, _added = _rerecorded(tmp_path)
    items, _ = changes(str(repo), "HEAD")
    item = next(i for i in items if i.diff.name.endswith(changed.name))
    changed.write_bytes(changed.read_bytes() + b" ")
    status, why = reject(item, str(repo), "HEAD")
    assert status == REFUSED and why.endswith("changed since it was shown: left alone")
    assert changed.read_bytes().endswith(b" ")


def _converse(argv: list[str], cwd: Path, answers: list[bytes]) -> str:
    return converse_in_pty(argv, cwd, answers, b"[q]uit? ", env={"NO_COLOR": "1"})


def test_review_at_a_terminal_asks_for_each_recording(tmp_path):
    repo, changed, added = _rerecorded(tmp_path)
    argv = console_script()
    if not os.path.isabs(argv[0]):
        import sys

        argv = [sys.executable, "-m", "recordings"]
    # the added file is replay-breaking (its name is no request's hash), so it comes first: reject it, then
    # accept the changed answer
    out = _converse([*argv, "review"], repo, [b"r\n", b"a\n"])
    assert "(1/2) added" in out and f"{ADDED}" in out
    assert "(2/2) changed" in out and "+Status: [red]all BAD[/red] :smile:" in out
    assert out.count("[a]ccept, [r]eject, [s]kip, [q]uit? ") == 2
    assert f"deleted tests/integration/inference/recordings/{ADDED}" in out
    assert "kept 1, restored 0, deleted 1, skipped 0" in out
    assert not added.exists() and b"all BAD" in changed.read_bytes()


def test_quit_leaves_the_rest(tmp_path):
    repo, changed, added = _rerecorded(tmp_path)
    argv = console_script()
    if not os.path.isabs(argv[0]):
        import sys

        argv = [sys.executable, "-m", "recordings"]
    out = _converse([*argv, "review"], repo, [b"q\n"])
    assert "kept 0, restored 0, deleted 0, skipped 2" in out
    assert added.exists() and b"all BAD" in changed.read_bytes()
