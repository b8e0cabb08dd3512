"""Prune by use, with the real parts: a small project replays its cassettes under pytest, vcrpy,
pytest-recording and pytest-xdist in a subprocess (record_mode none: no network), with the plugin logging;
then ``prune --used`` plans from the logs alone. Last, simonw/llm's real suite from ../shared."""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from tests.conftest import ROOT
from tests.test_hostile import make_recording

FIELD = ROOT.parent / "shared" / "corpora" / "field"


def cassette(uri: str, body: str) -> str:
    return textwrap.dedent(f"""\
        interactions:
        - request:
            body: null
            headers: {{}}
            method: GET
            uri: {uri}
          response:
            body:
              string: {body}
            headers: {{}}
            status:
              code: 200
              message: OK
        version: 1
        """)


TESTS = '''\
import hashlib
import json
import os
import urllib.request

import pytest


def fetch(name):
    return urllib.request.urlopen(f"http://api.example.invalid/{name}").read().decode()


@pytest.mark.vcr
def test_one():
    assert fetch("one") == "answer one"


@pytest.mark.vcr
@pytest.mark.skipif(os.environ.get("SKIP_TWO") is not None, reason="no API key")
def test_two():
    assert os.environ.get("BREAK_TWO") is None, "broken before its request"
    assert fetch("two") == "answer two"


@pytest.mark.vcr
@pytest.mark.parametrize("n", ["a", "b"])
def test_param(n):
    assert fetch(f"p{n}") == f"answer {n}"


def test_replay_by_hash(ogx_replay):
    assert ogx_replay("hello")["response"]
'''

CONFTEST = '''\
import hashlib
import json
import os

import pytest


@pytest.fixture
def ogx_replay(request):
    """A recorder in the style of OGX's: the recording is read by the hash of its request."""
    folder = os.path.join(os.path.dirname(request.fspath), "recordings")

    def replay(question):
        h = hashlib.sha256(f"{request.node.name}:{question}".encode()).hexdigest()
        with open(os.path.join(folder, h + ".json")) as fh:
            return json.load(fh)

    return replay
'''


def make_project(tmp_path: Path) -> Path:
    root = tmp_path / "proj"
    tests = root / "tests"
    (tests / "cassettes" / "test_api").mkdir(parents=True)
    (root / "pyproject.toml").write_text(
        "[project]\nname = 'proj'\nversion = '0'\noptional-dependencies = {test = ['pytest-recording']}\n\n"
        "[tool.pytest.ini_options]\ntestpaths = ['tests']\n")
    (tests / "conftest.py").write_text(CONFTEST)
    (tests / "test_api.py").write_text(TESTS)
    folder = tests / "cassettes" / "test_api"
    for name, uri, body in (("test_one", "one", "answer one"), ("test_two", "two", "answer two"),
                            ("test_param[a]", "pa", "answer a"), ("test_param[b]", "pb", "answer b"),
                            ("test_removed", "gone", "answer gone")):
        (folder / f"{name}.yaml").write_text(cassette(f"http://api.example.invalid/{uri}", body))
    # OGX-style recordings: the one the test reads by hash, and one of a test that is gone
    recs = tests / "recordings"
    live = make_recording(recs, "tests/test_api.py::test_replay_by_hash", "hello")
    h = hashlib.sha256(b"test_replay_by_hash:hello").hexdigest()
    live.rename(recs / f"{h}.json")
    make_recording(recs, "tests/test_api.py::test_old_replay", "old")
    return root


def pytest_run(root: Path, *args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess:
    full = {k: v for k, v in os.environ.items() if not k.startswith(("RECORDINGS_USAGE", "PYTEST_"))}
    full.update(env or {})
    return subprocess.run([sys.executable, "-m", "pytest", "-p", "no:cacheprovider", "-q", *args], cwd=root,
                          capture_output=True, text=True, env=full, timeout=300)


def by_use(run, root: Path, logs: Path, *extra: str):
    r = run("prune", root, "--root", root, "--used", logs, "--dry-run", "--format", "json", "--max-fraction", "1",
            *extra)
    data = json.loads(r.stdout)
    orphans = sorted(str(Path(o["path"]).relative_to(root)) for o in data["orphans"])
    kept = {str(Path(k["path"]).relative_to(root)): k["reason"] for k in data["kept"]}
    return r, data, orphans, kept


GONE = ["tests/cassettes/test_api/test_removed.yaml"]


def logged_plan(run, root: Path, logs: Path, *pytest_args: str, env: dict[str, str] | None = None, code: int = 0):
    """Run the project's tests with the plugin logging into ``logs`` (exit ``code``), then plan by use."""
    proc = pytest_run(root, *pytest_args, "--recordings-usage", str(logs), env=env)
    assert proc.returncode == code, proc.stdout + proc.stderr
    return by_use(run, root, logs)


def _stale_recording(root: Path) -> str:
    return next(str(p.relative_to(root)) for p in (root / "tests/recordings").glob("*.json")
                if "test_old_replay" in p.read_text())


def test_a_whole_run_plans_exactly_what_no_test_used(tmp_path, run):
    root = make_project(tmp_path)
    logs = tmp_path / "usage"
    r, data, orphans, kept = logged_plan(run, root, logs)
    assert orphans == sorted(GONE + [_stale_recording(root)])
    assert kept == {}
    assert data["usage"]["logs"] == [str(p) for p in sorted(logs.glob("*.jsonl"))]
    assert len(data["usage"]["logs"]) == 1
    assert data["source"].startswith(f"usage logs in {logs} (1 log, 1 run, 1 process)")
    # the log itself: every test, its outcome, the files it opened, the cassette's interactions played
    records = [json.loads(line) for line in Path(data["usage"]["logs"][0]).read_text().splitlines()]
    tests = {rec["nodeid"]: rec for rec in records if rec["kind"] == "test"}
    assert set(tests) == {"tests/test_api.py::test_one", "tests/test_api.py::test_two",
                          "tests/test_api.py::test_param[a]", "tests/test_api.py::test_param[b]",
                          "tests/test_api.py::test_replay_by_hash"}
    assert {t["outcome"] for t in tests.values()} == {"passed"}
    one = tests["tests/test_api.py::test_one"]
    assert [f["path"] for f in one["files"]] == [str(root / "tests/cassettes/test_api/test_one.yaml")]
    assert one["cassettes"] == [{"path": str(root / "tests/cassettes/test_api/test_one.yaml"), "interactions": 1,
                                 "played": 1}]
    replay = tests["tests/test_api.py::test_replay_by_hash"]
    assert [Path(f["path"]).parent.name for f in replay["files"]] == ["recordings"]


def test_xdist_shards_are_one_run(tmp_path, run):
    root = make_project(tmp_path)
    r, data, orphans, kept = logged_plan(run, root, tmp_path / "usage", "-n", "2")
    assert orphans == sorted(GONE + [_stale_recording(root)])
    assert len(data["usage"]["logs"]) == 3  # the controller and two workers
    assert "(3 logs, 1 run, 3 processes)" in data["source"]


def test_a_run_narrowed_by_k_deletes_nothing(tmp_path, run):
    root = make_project(tmp_path)
    r, data, orphans, kept = logged_plan(run, root, tmp_path / "usage", "-k", "one")
    assert orphans == []
    assert kept[GONE[0]].startswith("no log covers its test's module tests/test_api.py (run ")
    assert "deselected some of its tests (-k, -m, --deselect or --lf)" in kept[GONE[0]]
    lines = [line for line in r.stderr.splitlines() if line.startswith("kept ")]
    assert len(lines) <= 2  # one line per reason, not one per file


def test_a_test_that_did_not_pass_keeps_the_cassettes_it_did_not_reach(tmp_path, run):
    root = make_project(tmp_path)
    # failed after vcrpy loaded its cassette (pytest-recording loads it before the test body): used
    r, data, orphans, kept = logged_plan(run, root, tmp_path / "usage", env={"BREAK_TWO": "1"}, code=1)
    assert orphans == sorted(GONE + [_stale_recording(root)]) and kept == {}
    # skipped before its fixtures ran: the cassette was never opened, and is kept
    r, data, orphans, kept = logged_plan(run, root, tmp_path / "usage2", env={"SKIP_TWO": "1"})
    assert orphans == sorted(GONE + [_stale_recording(root)])
    assert kept == {"tests/cassettes/test_api/test_two.yaml":
                    "its test tests/test_api.py::test_two did not pass (skipped): it may not have reached it"}


def test_shards_by_file_decide_for_their_files_and_misses_are_named(tmp_path, run):
    root = make_project(tmp_path)
    (root / "tests" / "test_other.py").write_text(
        "import urllib.request\nimport pytest\n\n\n@pytest.mark.vcr\ndef test_missing():\n"
        "    urllib.request.urlopen('http://api.example.invalid/none').read()\n")
    logs = tmp_path / "usage"
    r, data, orphans, kept = logged_plan(run, root, logs, "tests/test_api.py")  # one shard of two
    assert orphans == sorted(GONE + [_stale_recording(root)])
    r, data, orphans, kept = logged_plan(run, root, logs, "tests/test_other.py", code=1)  # the other: a miss
    assert data["usage"]["misses"] == [{"test": "tests/test_other.py::test_missing",
                                        "missing": str(root / "tests/cassettes/test_other/test_missing.yaml")}]
    assert "(2 logs, 2 runs, 2 processes)" in data["source"]


def test_interactions_never_played_are_reported(tmp_path, run):
    root = make_project(tmp_path)
    one = root / "tests/cassettes/test_api/test_one.yaml"
    extra = cassette("http://api.example.invalid/unused", "never asked")
    one.write_text(one.read_text().replace("version: 1\n", "") + extra.split("interactions:\n", 1)[1])
    logs = tmp_path / "usage"
    assert pytest_run(root, "--recordings-usage", str(logs)).returncode == 0
    r, data, orphans, kept = by_use(run, root, logs, "--interactions")
    assert data["usage"]["interactions"] == [{"path": str(one), "played": 1, "interactions": 2}]
    text = run("prune", root, "--root", root, "--used", logs, "--dry-run", "--interactions", "--max-fraction", "1")
    assert f"  {one}  1 of 2 played" in text.stdout


def test_no_logs_is_refused(tmp_path, run):
    root = make_project(tmp_path)
    (tmp_path / "empty").mkdir()
    r = run("prune", root, "--root", root, "--used", tmp_path / "empty", "--dry-run")
    assert r.exit_code == 2
    assert "no usage log in" in r.stderr


def test_the_plugin_does_nothing_unless_asked(tmp_path):
    root = make_project(tmp_path)
    proc = pytest_run(root)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert not list(tmp_path.rglob("usage-*.jsonl"))
    proc = pytest_run(root, env={"RECORDINGS_USAGE_DIR": str(tmp_path / "by-env")})
    assert proc.returncode == 0 and len(list((tmp_path / "by-env").glob("usage-*.jsonl"))) == 1


# --- a real third-party suite: simonw/llm ----------------------------------------------------------

@pytest.fixture(scope="module")
def llm_env(tmp_path_factory):
    """A copy of simonw/llm installed with its test dependencies in a virtual environment of its own."""
    src = FIELD / "llm"
    if not src.is_dir():
        pytest.skip("../shared/corpora/field/llm is absent")
    base = tmp_path_factory.mktemp("llm")
    copy = base / "llm"
    shutil.copytree(src, copy)
    venv = base / "venv"
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
    py = str(venv / "bin" / "python")
    install = subprocess.run([py, "-m", "pip", "install", "-q", "-e", str(copy), *_dev_test_dependencies(copy),
                              "openai==2.32.0", str(ROOT)], capture_output=True, text=True, timeout=900)
    if install.returncode != 0:
        pytest.skip(f"llm's test dependencies could not be installed: {install.stderr.strip().splitlines()[-1:]}")
    return copy, py


def _dev_test_dependencies(copy: Path) -> list[str]:
    """llm's ``dev`` dependency group (PEP 735), less its documentation, lint and type-check tools."""
    from recordings.config import tomllib

    group = tomllib.loads((copy / "pyproject.toml").read_text())["dependency-groups"]["dev"]
    tools = ("sphinx", "furo", "myst", "black", "mypy", "ruff", "types-", "build")
    return [d for d in group if isinstance(d, str) and not d.lower().startswith(tools)]


def _cassette_modules(copy: Path) -> list[str]:
    """llm's test modules whose cassettes are in tests/cassettes/<module>/."""
    folders = {p.name for p in (copy / "tests" / "cassettes").iterdir() if p.is_dir()}
    return sorted(f"tests/{name}.py" for name in folders if (copy / "tests" / f"{name}.py").is_file())


def _run_llm(copy: Path, py: str, logs: Path, modules: list[str]) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("RECORDINGS_USAGE", "PYTEST_"))}
    env["LLM_USER_PATH"] = str(copy.parent / "llm-user")
    return subprocess.run([py, "-m", "pytest", "-q", "-p", "no:cacheprovider", "--recordings-usage", str(logs),
                           *modules], cwd=copy, capture_output=True, text=True, env=env, timeout=900)


def _remove_function(module: Path, name: str) -> None:
    """Delete a top-level function and its decorators from a module's source."""
    import ast

    source = module.read_text()
    node = next(n for n in ast.parse(source).body if isinstance(n, (ast.FunctionDef, ast.AsyncFunctionDef))
                and n.name == name)
    first = min([node.lineno, *(d.lineno for d in node.decorator_list)])
    lines = source.splitlines(keepends=True)
    module.write_text("".join(lines[:first - 1] + lines[node.end_lineno:]))


def test_llms_real_suite_plans_nothing_then_exactly_a_removed_tests_cassettes(llm_env, run, tmp_path):
    copy, py = llm_env
    modules = _cassette_modules(copy)
    assert modules == ["tests/test_openai_responses.py", "tests/test_tools.py", "tests/test_tools_streaming.py"]
    logs = tmp_path / "usage"
    proc = _run_llm(copy, py, logs, modules)
    assert proc.returncode == 0, proc.stdout[-2000:] + proc.stderr[-2000:]
    r, data, orphans, kept = by_use(run, copy, logs)
    assert orphans == [] and kept == {}
    # remove one test that uses a cassette, rerun the same modules: exactly its cassettes are planned
    folder = copy / "tests" / "cassettes" / "test_openai_responses"
    victim = sorted(p.stem.split("[")[0] for p in folder.glob("*.yaml"))[0]
    _remove_function(copy / "tests" / "test_openai_responses.py", victim)
    logs2 = tmp_path / "usage2"
    proc = _run_llm(copy, py, logs2, modules)
    assert proc.returncode == 0, proc.stdout[-2000:] + proc.stderr[-2000:]
    r, data, orphans, kept = by_use(run, copy, logs2)
    expected = sorted(str(p.relative_to(copy)) for p in folder.glob("*.yaml") if p.stem.split("[")[0] == victim)
    assert expected and orphans == expected
    assert all(o["reason"] == f"unused: its test tests/test_openai_responses.py::{o['test_id'].split('::')[-1]} is "
               "no longer collected (the module ran whole)" for o in data["orphans"])


def test_a_server_process_logs_what_its_recorder_reads(tmp_path, run):
    """OGX's recorder may run in a server process: `python -m recordings.usage.track` logs its opens for the
    run whose id it is given, and prune --used counts them as used."""
    root = make_project(tmp_path)
    stale = root / _stale_recording(root)
    server = tmp_path / "server.py"
    server.write_text(f"import json\nwith open({str(stale)!r}) as fh:\n    json.load(fh)\n")
    logs = tmp_path / "usage"
    env = {k: v for k, v in os.environ.items() if not k.startswith(("RECORDINGS_USAGE", "PYTEST_"))}
    env.update({"RECORDINGS_USAGE_DIR": str(logs), "RECORDINGS_USAGE_RUN": "run-1"})
    proc = subprocess.run([sys.executable, "-m", "recordings.usage.track", str(server)], env=env,
                          capture_output=True, text=True, timeout=60)
    assert proc.returncode == 0, proc.stderr
    (log,) = logs.glob("usage-run-1-server-*.jsonl")
    lines = [json.loads(line) for line in log.read_text().splitlines()]
    assert [line["kind"] for line in lines] == ["run", "process", "end"]
    assert lines[1]["files"] == [{"path": str(stale), "mode": "read", "exists": True}]
    assert pytest_run(root, env={"RECORDINGS_USAGE_DIR": str(logs), "RECORDINGS_USAGE_RUN": "run-1"}).returncode == 0
    r, data, orphans, kept = by_use(run, root, logs)
    assert orphans == GONE  # the recording the server read is used, though no test opened it
    assert "(2 logs, 1 run, 2 processes)" in data["source"]
