"""Discovery of every layout, the model's cheap fields, and bad input."""

from __future__ import annotations

import json
import os

import pytest

from recordings.discovery import discover
from recordings.loader import load, load_one
from recordings.model import Kind, Problem
from tests.conftest import BROKEN, ROOT, SAMPLE, SHARED, needs_shared, sample_file


def test_discovers_every_layout_of_the_sample():
    found = discover([str(SAMPLE)])
    names = sorted(os.path.relpath(f, SAMPLE) for f in found.files)
    # 17 recordings, five cassettes (one per serializer), one HAR file, and rerecord/'s 3 before and 3 after
    assert len(names) == 29
    assert "vcr/tests/cassettes/test_weather/test_weather_stream.yaml" in names
    assert any(n.startswith("tests/integration/recordings/responses/") for n in names)  # legacy layout
    assert any("/models-" in n for n in names)
    assert not any(n.startswith("broken/") for n in names)  # not a recordings folder
    assert found.problems == []


def test_default_path_is_current_directory(monkeypatch):
    monkeypatch.chdir(SAMPLE)
    assert len(discover([]).files) == 29


def test_skips_git_and_venv(tmp_path):
    for skip in (".git", ".venv", "node_modules"):
        d = tmp_path / skip / "recordings"
        d.mkdir(parents=True)
        (d / "a.json").write_text("{}")
    assert discover([str(tmp_path)]).files == []


def test_non_recording_json_in_recordings_folder_is_reported_not_dropped(tmp_path):
    d = tmp_path / "suite" / "recordings"
    d.mkdir(parents=True)
    (d / "notes.json").write_text('{"hello": 1}\n')
    (d / "x.json").mkdir()
    found = discover([str(tmp_path)])
    assert [os.path.basename(f) for f in found.files] == ["notes.json"]
    assert found.problems == [Problem(str(d / "x.json"), "is a folder, not a recording file")]
    item = load_one(found.files[0])
    assert isinstance(item, Problem) and item.reason == "not a recording: no 'request' key"


def test_legacy_index_is_noticed(tmp_path):
    d = tmp_path / "recordings" / "responses"
    d.mkdir(parents=True)
    (d / "index.sqlite").write_bytes(b"SQLite format 3\x00")
    found = discover([str(tmp_path)])
    assert found.notices and "legacy index noticed" in found.notices[0]


def test_symlink_loop_does_not_hang(tmp_path):
    d = tmp_path / "suite" / "recordings"
    d.mkdir(parents=True)
    os.symlink(tmp_path, d / "loop")
    os.symlink("self.json", d / "self.json")  # a file link pointing at itself
    found = discover([str(tmp_path)])
    assert [os.path.basename(f) for f in found.files] == ["self.json"]
    item = load_one(found.files[0])
    assert isinstance(item, Problem) and "symlink loop" in item.reason


@pytest.mark.parametrize(
    "name, reason",
    [
        ("empty.json", "empty file"),
        ("truncated.json", "truncated JSON (ends after 90 bytes)"),
        ("not-json.json", "invalid JSON at line 1 column 1: Expecting value"),
        ("list-top.json", "top level is a list, not an object"),
        ("wrong-shape.json", "not a recording: 'request' is a string, not an object"),
        ("no-response.json", "not a recording: no 'response' key"),
        ("binary.json", "binary file (contains NUL bytes), not JSON"),
        ("not-utf8.json", "not UTF-8 (invalid byte at offset 16)"),
    ],
)
def test_broken_files_get_one_line_reasons(name, reason):
    item = load_one(str(BROKEN / name))
    assert item == Problem(str(BROKEN / name), reason)


def test_unreadable_file(tmp_path):
    """Read by a process bound by file permissions (as root: without the capabilities that bypass them)."""
    import sys

    from tests.conftest import bound_by_permissions

    p = tmp_path / "a.json"
    p.write_text("{}")
    p.chmod(0)
    code = ("import sys\nfrom recordings.loader import load_one\nitem = load_one(sys.argv[1])\n"
            "print(type(item).__name__, item.reason)\n")
    r = bound_by_permissions([sys.executable, "-c", code, str(p)])
    assert r.stdout.strip() == "Problem cannot read: Permission denied", r.stderr


def test_cheap_fields_of_a_streamed_chat_recording():
    r = load(str(sample_file("b77e97369d3f"))).recording
    assert r.id == "b77e97369d3fc2851d5496f2e80a8aae05f6f8dde5724e19a750d2322d7c639f"
    assert r.suite == "inference"
    assert r.kind is Kind.INFERENCE
    assert (r.method, r.endpoint, r.provider, r.model) == ("POST", "/v1/chat/completions", "ollama", "gpt-oss:20b")
    assert r.streaming and r.chunks == 13
    assert r.test.file == "tests/integration/inference/test_chat.py"
    assert r.test.function == "test_parallel_tool_calls"
    assert r.test.params == "txt=ollama/gpt-oss:20b"
    assert r.exception is None and not r.shared


def test_shared_and_class_test_ids():
    shared = load(str(sample_file("20ddaa70d798"))).recording
    assert shared.shared and shared.test is None and shared.flags == ("shared",)
    method = load(str(sample_file("cfe08c6d0c8f"))).recording
    assert method.test.class_name == "TestChat" and method.test.function == "test_streaming_text"


def test_exception_fields():
    r = load(str(sample_file("4261c579f5f0"))).recording
    assert r.exception.type == "BadRequestError" and r.exception.status == 400
    assert r.flags == ("exception",)


@needs_shared
def test_every_shared_file_loads_with_the_right_kind():
    kinds = {}
    for path in sorted(SHARED.rglob("*.json")):
        r = load(str(path)).recording
        kinds[r.kind] = kinds.get(r.kind, 0) + 1
    assert kinds == {Kind.INFERENCE: 40, Kind.HTTP: 10, Kind.TOOL: 2, Kind.FILE_PROCESSOR: 2}


@needs_shared
def test_providers_of_the_shared_sample():
    provs = {load(str(p)).recording.provider for p in SHARED.rglob("*.json")}
    # the vLLM server of Llama Stack's CI answers on localhost:8000: named by its host unless the project's
    # [tool.recordings.providers] names it (no port is taken for a provider)
    assert provs == {"ollama", "openai", "azure", "bedrock", "gemini", "vertexai", "localhost:8000",
                     "anthropic-compatible", "tavily", "pypdf"}


def test_providers_come_from_hosts_the_request_and_the_projects_map(tmp_path, run):
    from recordings.providers import provider_for_url, use_project_map

    assert provider_for_url("https://app.crewai.com/crewai_plus/api/v1/tracing/batches") == "app.crewai.com"
    assert provider_for_url("https://huggingface.co/api/models/x") == "huggingface"
    assert provider_for_url("http://localhost:8000/v1/chat/completions") == "localhost:8000"
    assert provider_for_url("http://localhost:11434/api/chat") == "ollama"
    assert provider_for_url("http://127.0.0.1:9999/api/generate") == "ollama"  # Ollama's own path, locally
    assert provider_for_url("https://my-res.openai.azure.com/openai/deployments/gpt/chat") == "azure"
    assert provider_for_url("https://bedrock-runtime.us-west-2.amazonaws.com/model/x/converse") == "bedrock"
    assert provider_for_url("https://notopenai.com/v1/chat") == "notopenai.com"  # a suffix after a dot only
    use_project_map({"localhost:8000": "vllm", "llm.internal": "vllm"})
    try:
        assert provider_for_url("http://localhost:8000/v1/chat/completions") == "vllm"
        assert provider_for_url("https://llm.internal/v1/chat/completions") == "vllm"
    finally:
        use_project_map({})
    # through the command line: a project's map names its port-8000 server, and the cache follows the map
    folder = tmp_path / "tests" / "integration" / "s" / "recordings"
    folder.mkdir(parents=True)
    doc = json.loads(sample_file("07d2973bd4a4").read_bytes())
    doc["request"]["url"] = "http://localhost:8000/v1/chat/completions"
    (folder / "a.json").write_text(json.dumps(doc, indent=2) + "\n")
    (tmp_path / "pyproject.toml").write_text("[tool.recordings]\n")
    assert [r["provider"] for r in json.loads(run("ls", tmp_path, "--format", "json").stdout)] == ["localhost:8000"]
    (tmp_path / "pyproject.toml").write_text('[tool.recordings.providers]\n"localhost:8000" = "vllm"\n')
    assert [r["provider"] for r in json.loads(run("ls", tmp_path, "--format", "json").stdout)] == ["vllm"]
    (tmp_path / "pyproject.toml").write_text('[tool.recordings]\nproviders = ["not a table"]\n')
    r = run("ls", tmp_path)
    assert r.exit_code == 2 and "providers: a table of host" in r.stderr


def test_nested_folders_below_recordings_are_found(tmp_path, run):
    import re

    import yaml  # noqa: F401  (pre-commit's own format)

    from tests.test_hostile import make_recording

    nested = make_recording(tmp_path / "tests/integration/recordings/vision/responses", "t.py::test_a", "v")
    legacy = make_recording(tmp_path / "tests/integration/recordings/responses", "t.py::test_b", "l")
    r = run("ls", tmp_path, "--format", "json")
    got = {d["path"]: d["suite"] for d in json.loads(r.stdout)}
    assert got == {str(nested): "legacy/vision", str(legacy): "legacy"}
    # the pre-commit hooks see them too
    hooks = yaml.safe_load((ROOT / ".pre-commit-hooks.yaml").read_text())
    for hook in hooks:
        pattern = re.compile(hook["files"])
        for path in (nested, legacy):
            assert pattern.search(str(path.relative_to(tmp_path))), (hook["id"], path)
        assert not pattern.search("tests/integration/inference/test_chat.json")
