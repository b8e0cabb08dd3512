"""``recordings dedupe``: files whose requests hash to one name; the plan keeps the file replay reads, else the
newest by git, else the group whole. Run against real git repositories."""

from __future__ import annotations

import json
import shutil
import os
import subprocess
from pathlib import Path

from tests.test_hostile import make_recording, project

TEST = "tests/s/test_s.py::test_x"


def _git(root: Path, *args: str, when: str | None = None) -> None:
    env = {**os.environ, "GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@e", "GIT_COMMITTER_NAME": "t",
           "GIT_COMMITTER_EMAIL": "t@e"}
    if when:
        env["GIT_COMMITTER_DATE"] = env["GIT_AUTHOR_DATE"] = when
    subprocess.run(["git", *args], cwd=root, env=env, check=True, capture_output=True)


def _copy_named(src: Path, name: str, answer: str) -> Path:
    """The same request as ``src`` under another name, with another answer."""
    dest = src.with_name(name)
    dest.write_bytes(src.read_bytes().replace(b'"content": "a"', f'"content": "{answer}"'.encode()))
    return dest


def _repo(tmp_path: Path) -> tuple[Path, Path]:
    root = project(tmp_path, {"tests/s/test_s.py": "def test_x():\n    pass\n"})
    right = make_recording(root / "tests/s/recordings", TEST, "q")
    _git(root, "init", "-q")
    return root, right


def test_a_group_keeps_the_file_with_the_right_name(tmp_path, run):
    root, right = _repo(tmp_path)
    stale = _copy_named(right, "1" * 64 + ".json", "older answer")
    _git(root, "add", "-A")
    _git(root, "commit", "-qm", "r")
    r = run("dedupe", root, "--format", "json")
    assert r.exit_code == 1  # a plan that removes files, not carried out
    assert json.loads(r.stdout)["groups"] == [{
        "name": str(right), "files": sorted([str(stale), str(right)]), "keep": str(right),
        "why": "its name is its request's hash: the one replay reads", "remove": [str(stale)]}]
    assert stale.exists()  # dry run by default
    assert r.stderr.splitlines()[-2:] == ["1 name held by 2 files: 1 to delete",
                                          "nothing removed: pass --yes to remove them"]
    r = run("dedupe", root, "--yes")
    assert r.exit_code == 0, r.stderr
    assert not stale.exists() and right.exists()
    assert r.stderr.splitlines()[-1] == f"to restore: git checkout -- {stale}"
    assert run("dedupe", root).exit_code == 0  # nothing collides any more


def test_without_the_right_name_the_newest_commit_wins(tmp_path, run):
    root, right = _repo(tmp_path)
    old = _copy_named(right, "1" * 64 + ".json", "first")
    _git(root, "add", old.relative_to(root).as_posix(), "tests/s/test_s.py", "pyproject.toml")
    _git(root, "commit", "-qm", "old", when="2025-01-01T00:00:00Z")
    new = _copy_named(right, "2" * 64 + ".json", "second")
    right.unlink()
    _git(root, "add", "-A")
    _git(root, "commit", "-qm", "new", when="2025-06-01T00:00:00Z")
    os.utime(old, (2e9, 2e9))  # the checkout's modification times say nothing: the commits decide
    d = json.loads(run("dedupe", root, "--format", "json").stdout)["groups"]
    assert [(g["keep"], g["remove"]) for g in d] == [(str(new), [str(old)])]
    assert d[0]["why"] == (f"the newest (last commit 2025-06-01 00:00:00 UTC); none has the right name: "
                           f"`recordings normalize --rehash` then renames it to {right.name}")


def test_a_group_whose_newest_cannot_be_told_apart_is_kept_whole(tmp_path, run):
    root, right = _repo(tmp_path)
    a = _copy_named(right, "1" * 64 + ".json", "first")
    b = _copy_named(right, "2" * 64 + ".json", "second")
    right.unlink()
    _git(root, "add", "-A")
    _git(root, "commit", "-qm", "both at once")
    r = run("dedupe", root, "--yes", "--format", "json")
    assert r.exit_code == 0 and a.exists() and b.exists()
    g = json.loads(r.stdout)["groups"][0]
    assert g["keep"] is None and g["remove"] == []
    assert g["why"] == ("none has the right name and the newest cannot be told apart (last commit at the same "
                        "second): all kept; compare them with `recordings diff`")
    assert "1 group kept whole" in r.stderr


def test_a_file_changed_after_the_plan_is_left_alone(tmp_path):
    from recordings.collisions import plan, remove

    root, right = _repo(tmp_path)
    stale = _copy_named(right, "1" * 64 + ".json", "older answer")
    groups = plan({str(right): str(right), str(stale): str(right)}, str(root))
    assert groups[0].remove == [str(stale)]
    stale.write_bytes(stale.read_bytes() + b" ")  # someone edits it between the plan and the removal
    removed, failed = remove(groups, None, str(root))
    assert removed == [] and failed == [(str(stale), "changed since the plan: left alone")]
    assert stale.exists()


def test_stats_and_validate_summary_name_the_colliding_recordings(tmp_path, run):
    root, right = _repo(tmp_path)
    stale = _copy_named(right, "1" * 64 + ".json", "older answer")
    d = json.loads(run("stats", root, "--format", "json").stdout)["health"]["colliding"]
    assert d == {"count": 2, "names": 1, "fix": "recordings dedupe (keeps the file replay reads, else the newest)",
                 "groups": [{"name": str(right), "files": sorted([str(stale), str(right)])}]}
    text = run("stats", root).stdout
    assert f"  {right}: {stale.name}, {right.name}" in text
    r = run("validate", root, "--summary")
    assert f"  {right}: {stale.name}, {right.name}" in r.stderr


def test_an_unreadable_file_is_named_once_and_fails_the_run(tmp_path, run):
    from tests.conftest import BROKEN

    root, right = _repo(tmp_path)
    shutil.copy(BROKEN / "truncated.json", right.parent / "truncated.json")
    r = run("dedupe", root)
    assert r.exit_code == 1
    assert r.stderr.splitlines()[0] == (f"{right.parent / 'truncated.json'}: truncated JSON (ends after 90 bytes)")
