"""The README's pre-commit snippets, run with the real pre-commit in a temporary git repository."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from tests.conftest import BROKEN, ROOT, SAMPLE, console_script

GOOD = next(p for p in (SAMPLE / "tests").rglob("*.json") if "recordings" in p.parts)


def _snippet(marker: str) -> str:
    """The README's yaml block whose first line is the comment ``marker``."""
    readme = (ROOT / "README.md").read_text()
    block = next(b for b in re.findall(r"```yaml\n(.*?)```", readme, re.S) if b.startswith(f"# {marker}"))
    yaml.safe_load(block)  # valid as written
    return block


def _git(cwd: Path, *args: str) -> str:
    env = {**os.environ, "GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@e", "GIT_COMMITTER_NAME": "t",
           "GIT_COMMITTER_EMAIL": "t@e"}
    return subprocess.run(["git", *args], cwd=cwd, env=env, check=True, capture_output=True, text=True).stdout


def _project(tmp_path: Path, config: str) -> Path:
    repo = tmp_path / "proj"
    folder = repo / "tests" / "integration" / "inference" / "recordings"
    folder.mkdir(parents=True)
    shutil.copy(GOOD, folder / GOOD.name)
    (repo / "pyproject.toml").write_text("[project]\nname = 'p'\nversion = '0'\n")
    (repo / ".pre-commit-config.yaml").write_text(config)
    _git(repo, "init", "-q")
    _git(repo, "add", "-A")
    return repo


def _pre_commit(repo: Path, tmp_path: Path) -> subprocess.CompletedProcess:
    tool_dir = os.path.dirname(console_script()[0])  # where `recordings` is installed: a system hook needs it
    env = {**os.environ, "PRE_COMMIT_HOME": str(tmp_path / "pre-commit-home"), "NO_COLOR": "1",
           "PATH": tool_dir + os.pathsep + os.environ.get("PATH", "")}
    return subprocess.run([sys.executable, "-m", "pre_commit", "run", "--all-files"], cwd=repo, env=env,
                          capture_output=True, text=True, timeout=900)


def test_the_local_hook_snippet_passes_a_clean_corpus_and_names_each_finding(tmp_path):
    if not os.path.isabs(console_script()[0]):
        pytest.skip("the console script is not installed as a file: a system hook cannot run it")
    repo = _project(tmp_path, _snippet(".pre-commit-config.yaml: the tool as the project installs it"))
    r = _pre_commit(repo, tmp_path)
    assert r.returncode == 0, r.stdout + r.stderr
    assert re.search(r"^validate LLM API recordings\.+Passed$", r.stdout, re.M), r.stdout
    assert re.search(r"^recordings are normalized\.+Passed$", r.stdout, re.M), r.stdout
    broken = repo / "tests" / "integration" / "inference" / "recordings" / "truncated.json"
    shutil.copy(BROKEN / "truncated.json", broken)
    _git(repo, "add", "-A")
    r = _pre_commit(repo, tmp_path)
    assert r.returncode == 1
    assert re.search(r"^validate LLM API recordings\.+Failed$", r.stdout, re.M), r.stdout
    assert "tests/integration/inference/recordings/truncated.json" in r.stdout
    assert "files checked" not in r.stdout and " in 2 files" not in r.stdout  # no totals per batch
    assert not re.search(r"\d+ errors?, \d+ warnings?", r.stdout)


def test_the_remote_snippet_installs_the_hooks_from_a_commit_of_this_repository(tmp_path):
    if not (ROOT / ".git").exists():
        pytest.skip("this checkout is not a git repository: no commit to pin")
    clone = tmp_path / "recordings-clone"
    subprocess.run(["git", "clone", "-q", "--no-hardlinks", str(ROOT), str(clone)], check=True, capture_output=True)
    sha = _git(clone, "rev-parse", "HEAD").strip()
    snippet = _snippet(".pre-commit-config.yaml: pre-commit installs the tool from this repository")
    config = snippet.replace("repo: URL", f"repo: {clone}").replace("rev: SHA", f"rev: {sha}")
    assert config != snippet and re.fullmatch(r"[0-9a-f]{40}", sha)
    repo = _project(tmp_path, config)
    r = _pre_commit(repo, tmp_path)
    if r.returncode != 0 and ("Could not find a version" in r.stdout + r.stderr
                              or "No matching distribution" in r.stdout + r.stderr):
        pytest.skip("pre-commit could not install the hook's dependencies (no package index reachable)")
    assert r.returncode == 0, r.stdout + r.stderr
    assert re.search(r"^validate LLM API recordings\.+Passed$", r.stdout, re.M), r.stdout
    assert re.search(r"^recordings are normalized\.+Passed$", r.stdout, re.M), r.stdout
