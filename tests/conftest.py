from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest
from typer.testing import CliRunner

from recordings.commands import app

ROOT = Path(__file__).resolve().parent.parent
SAMPLE = ROOT / "sample_recordings"
BROKEN = SAMPLE / "broken"
SHARED = ROOT.parent / "shared" / "corpora" / "llama-stack-sample"

needs_shared = pytest.mark.skipif(
    not SHARED.is_dir(), reason="../shared/corpora/llama-stack-sample is absent (fresh clone without shared/)"
)


def ogx_exchange(response: dict, request: dict | None = None, test_id: str | None = None, path: str = "r.json"):
    """An OGX (formerly Llama Stack) recording document made into an exchange, as the recorder's adapter reads
    it: ``response`` whole, and a small chat request unless one is given."""
    from recordings.formats.llamastack.document import exchange_of

    doc = {"test_id": test_id,
           "request": request or {"method": "POST", "url": "http://x/v1/chat/completions", "headers": {}, "body": {},
                                  "endpoint": "/v1/chat/completions", "model": "m"},
           "response": {"is_streaming": False, **response}}
    return exchange_of(path, doc)


def sample_file(prefix: str) -> Path:
    matches = [p for p in SAMPLE.rglob("*.json") if p.name.startswith(prefix) and "broken" not in p.parts
               and "rerecord" not in p.parts]  # rerecord/ holds copies: before and after a re-record
    assert len(matches) == 1, (prefix, matches)
    return matches[0]


def shared_file(prefix: str) -> Path:
    matches = [p for p in SHARED.rglob("*.json") if p.name.startswith(prefix)]
    assert len(matches) == 1, (prefix, matches)
    return matches[0]


@pytest.fixture(autouse=True)
def _private_cache(tmp_path_factory, monkeypatch):
    """Each test gets its own result cache, never the user's."""
    monkeypatch.setenv("RECORDINGS_CACHE_DIR", str(tmp_path_factory.mktemp("cache")))


@pytest.fixture
def runner() -> CliRunner:
    return CliRunner()


@pytest.fixture
def run(runner):
    def _run(*args: str, input: str | None = None, env: dict | None = None):
        return runner.invoke(app, [str(a) for a in args], input=input, env=env, catch_exceptions=False)

    return _run


@pytest.fixture
def sample_copy(tmp_path: Path) -> Path:
    """A writable copy of the sample corpus."""
    dest = tmp_path / "sample"
    shutil.copytree(SAMPLE, dest)
    return dest


@pytest.fixture
def shared_copy(tmp_path: Path) -> Path:
    if not SHARED.is_dir():
        pytest.skip("../shared/corpora/llama-stack-sample is absent")
    dest = tmp_path / "shared"
    shutil.copytree(SHARED, dest)
    for p in dest.rglob("*"):
        os.chmod(p, 0o755 if p.is_dir() else 0o644)
    return dest


# the prune fixture project's own tests are data, not part of this suite
collect_ignore_glob = ["fixtures/*"]
PRUNE_PROJECT = ROOT / "tests" / "fixtures" / "prune_project"


def run_in_pty(code: str, env: dict[str, str] | None = None) -> str:
    """Run Python ``code`` in a child whose stdout is a real pseudo-terminal; return what it printed."""
    import sys

    return converse_in_pty([sys.executable, "-c", code], None, [], env=env)


def converse_in_pty(argv: list[str], cwd: Path | None, answers: list[bytes], prompt: bytes = b"",
                    env: dict[str, str | None] | None = None, timeout: float = 60) -> str:
    """Run ``argv`` on a pseudo-terminal, writing the next of ``answers`` each time ``prompt`` appears once
    more in its output; everything it printed."""
    import pty
    import select
    import time

    pid, fd = pty.fork()
    if pid == 0:  # the child
        if cwd is not None:
            os.chdir(cwd)
        for k, v in (env or {}).items():
            if v is None:
                os.environ.pop(k, None)
            else:
                os.environ[k] = v
        os.execv(argv[0], argv)
    out, pending, deadline = b"", list(answers), time.monotonic() + timeout
    while time.monotonic() < deadline:
        ready, _, _ = select.select([fd], [], [], 1)
        if not ready:
            continue
        try:
            data = os.read(fd, 65536)
        except OSError:
            break
        if not data:
            break
        out += data
        if pending and prompt and out.count(prompt) > len(answers) - len(pending):
            os.write(fd, pending.pop(0))
    os.waitpid(pid, 0)
    return out.decode("utf-8", "replace")


def sample_repo(tmp_path: Path, message: str = "base") -> Path:
    """A git repository holding the sample's OGX recordings and tests, committed once."""
    import subprocess

    repo = tmp_path / "repo"
    shutil.copytree(SAMPLE / "tests", repo / "tests")
    (repo / "pyproject.toml").write_text("")
    for args in (["init", "-q"], ["add", "-A"], ["commit", "-qm", message]):
        subprocess.run(["git", "-c", "user.name=t", "-c", "user.email=t@t", *args], cwd=repo, check=True,
                       capture_output=True)
    return repo


def console_script(name: str = "recordings") -> list[str]:
    """How to run the installed console script, with or without an activated environment: the script
    beside this interpreter (a venv's bin/), else on PATH, else ``python -m recordings``."""
    import sys

    beside = os.path.join(os.path.dirname(sys.executable), name)
    if os.path.isfile(beside) and os.access(beside, os.X_OK):
        return [beside]
    found = shutil.which(name)
    return [found] if found else [sys.executable, "-m", "recordings"]


def bound_by_permissions(argv: list[str], cwd: Path | None = None, env: dict[str, str] | None = None):
    """Run ``argv`` bound by file permissions: as is when the tests are not root, else as root without the
    capabilities that bypass them (CAP_DAC_OVERRIDE, CAP_DAC_READ_SEARCH): the same user, so the installed
    tool stays readable wherever it lives. Skips the test where that cannot be done."""
    import subprocess

    if os.getuid() != 0:
        return subprocess.run(argv, cwd=cwd, env=env, capture_output=True, text=True, timeout=120)
    if shutil.which("setpriv") is None:
        pytest.skip("running as root without setpriv: cannot drop the capabilities that bypass permissions")
    drop = ["setpriv", "--inh-caps=-dac_override,-dac_read_search", "--bounding-set=-dac_override,-dac_read_search"]
    probe = subprocess.run([*drop, "true"], capture_output=True, text=True, timeout=30)
    if probe.returncode != 0:
        pytest.skip(f"setpriv cannot drop capabilities here: {probe.stderr.strip()}")
    return subprocess.run([*drop, *argv], cwd=cwd, env=env, capture_output=True, text=True, timeout=120)
