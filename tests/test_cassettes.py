"""VCR.py cassettes: read, listed and shown (the sample cassette, and the real ones of ../shared)."""

from __future__ import annotations

import gzip
import json
from pathlib import Path

import pytest
import yaml

from tests.conftest import ROOT, SAMPLE

VCR_SAMPLE = ROOT.parent / "shared" / "corpora" / "vcr-sample"
needs_vcr = pytest.mark.skipif(not VCR_SAMPLE.is_dir(), reason="../shared/corpora/vcr-sample is absent")
CASSETTE = SAMPLE / "vcr" / "tests" / "cassettes" / "test_weather" / "test_weather_stream.yaml"


def test_the_sample_cassette_is_listed_one_row_per_interaction(run):
    r = run("ls", SAMPLE / "vcr", "--format", "json")
    assert r.exit_code == 0, r.stderr
    rows = json.loads(r.stdout)
    assert [(d["id"], d["provider"], d["model"], d["streaming"], d["status"], d["test_id"]) for d in rows] == [
        ("test_weather_stream#0", "openai", "gpt-4o-mini", True, 200, "tests/test_weather.py::test_weather_stream"),
        ("test_weather_stream#1", "anthropic", "claude-haiku-4-5", False, 200,
         "tests/test_weather.py::test_weather_stream"),
    ]
    assert rows[0]["chunks"] == 5 and rows[0]["suite"] == "test_weather"  # five chunks, then [DONE]


def test_show_reassembles_an_openai_stream_verbatim(run):
    r = run("show", "test_weather_stream#0", "--root", SAMPLE / "vcr")
    assert r.exit_code == 0, r.stderr
    assert "Weather in Paris?" in r.stdout
    assert "Sunny, 21 degrees in [red]Paris[/red] :sunny:\n" in r.stdout  # recorded text, never markup
    d = json.loads(run("show", f"{CASSETTE}#0", "--format", "json").stdout)
    assert d["answer"]["choices"][0]["text"] == "Sunny, 21 degrees in [red]Paris[/red] :sunny:"
    assert d["answer"]["choices"][0]["finish_reason"] == "stop"


def test_show_decodes_a_gzip_body_and_the_whole_cassette(run):
    d = json.loads(run("show", f"{CASSETTE}#1", "--format", "json").stdout)
    assert d["answer"]["choices"][0]["text"] == "Bonjour!"
    both = json.loads(run("show", CASSETTE, "--format", "json").stdout)
    assert [p["recording"]["id"] for p in both["recordings"]] == ["test_weather_stream#0", "test_weather_stream#1"]
    raw = run("show", f"{CASSETTE}#1", "--raw")
    assert json.loads(raw.stdout)["content"][0]["text"] == "Bonjour!"  # the decoded body, not the gzip bytes
    r = run("show", f"{CASSETTE}#5")
    assert r.exit_code == 1 and "has 2 recordings: no #5" in r.stderr


def test_every_command_takes_the_sample_cassette_and_leaves_it_as_it_is(run):
    before = CASSETTE.read_bytes()
    assert run("validate", SAMPLE / "vcr").exit_code == 0
    assert run("normalize", "--check", SAMPLE / "vcr").exit_code == 0  # already scrubbed
    r = run("prune", SAMPLE / "vcr", "--dry-run")
    assert r.exit_code == 0 and "0 orphans" in r.stderr
    assert "left out" not in r.stderr
    assert CASSETTE.read_bytes() == before


def _project(tmp_path: Path, module: str, source: str) -> Path:
    """A project (pyproject.toml) with one test module under tests/."""
    project = tmp_path / "p"
    (project / "tests").mkdir(parents=True)
    (project / "pyproject.toml").write_text("")
    (project / "tests" / module).write_text(source)
    return project


def _write(tmp_path: Path, name: str, data: bytes | str) -> Path:
    folder = tmp_path / "tests" / "cassettes" / "test_x"
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    path.write_bytes(data if isinstance(data, bytes) else data.encode())
    return path


def test_bad_cassettes_get_one_line_each(tmp_path, run):
    good = CASSETTE.read_text()
    body = {"interactions": [{"request": {"method": "GET", "uri": "https://x/y", "body": None, "headers": {}},
                              "response": {"status": {"code": 200}, "headers": {"content-encoding": ["gzip"]},
                                           "body": {"string": b"not gzip"}}}]}
    unknown = {"interactions": [{"request": {"method": "GET", "uri": "https://x/y", "body": None, "headers": {}},
                                 "response": {"status": {"code": 200}, "headers": {"content-encoding": ["lzma9"]},
                                              "body": {"string": "x"}}}]}
    cases = {
        "truncated.yaml": (good[: len(good) // 3], "invalid YAML"),
        "tabs.yaml": ("interactions:\n\t- request: {}\n", "invalid YAML"),
        "shape.yaml": ("- just\n- a list\n", "not a cassette: top level is list"),
        "corrupt.yaml.gz": (b"\x1f\x8b\x08\x00garbage", "corrupt gzip cassette"),
    }
    for name, (data, _) in cases.items():
        _write(tmp_path, name, data)
    _write(tmp_path, "fine.yaml", good)
    # a body that does not decode as declared: that interaction's warning, shown as stored; the file is read
    gz = _write(tmp_path, "gzbody.yaml", yaml.safe_dump(body))
    odd = _write(tmp_path, "unknown.yaml", yaml.safe_dump(unknown))
    r = run("ls", tmp_path, "--format", "json")
    assert r.exit_code == 1
    assert len(json.loads(r.stdout)) == 4  # the good cassette's two interactions, and one of each odd body
    v = run("validate", gz, odd)
    assert v.exit_code == 0
    assert "interaction #0: response body: declared content-encoding gzip does not decode" in v.stdout
    assert "interaction #0: response body: unknown content-encoding 'lzma9': shown as stored" in v.stdout
    assert run("show", str(gz) + "#0", "--raw").stdout == "not gzip"
    lines = [line for line in r.stderr.splitlines() if "/cassettes/" in line]
    assert len(lines) == len(cases)
    for name, (_, reason) in cases.items():
        assert any(line.split(": ", 1)[0].endswith(name) and reason in line for line in lines), (name, lines)
    assert "Traceback" not in r.stderr


def test_json_and_gzip_serializers(tmp_path, run):
    doc = yaml.safe_load(CASSETTE.read_text())
    for i in doc["interactions"]:  # vcrpy's JSON serializer stores bytes as text it can round-trip
        s = i["response"]["body"]["string"]
        if isinstance(s, bytes):
            i["response"]["body"]["string"] = gzip.decompress(s).decode()
            i["response"]["headers"].pop("content-encoding")
    _write(tmp_path, "as_json.json", json.dumps(doc))
    _write(tmp_path, "as_gz.yaml.gz", gzip.compress(CASSETTE.read_bytes()))
    rows = json.loads(run("ls", tmp_path, "--format", "json").stdout)
    assert sorted(r["id"] for r in rows) == ["as_gz#0", "as_gz#1", "as_json#0", "as_json#1"]
    d = json.loads(run("show", "as_json#1", "--root", tmp_path, "--format", "json").stdout)
    assert d["answer"]["choices"][0]["text"] == "Bonjour!"


def _independent_text(interaction: dict) -> str | None:
    """The answer text of a streamed interaction, read without the tool: Anthropic text deltas, or Gemini
    part texts (thoughts left out; SSE or a JSON array), concatenated."""
    response = interaction["response"]
    body = response["body"]["string"]
    headers = {k.lower(): v[0] for k, v in response["headers"].items()}
    data = body if isinstance(body, bytes) else body.encode()
    if headers.get("content-encoding") == "gzip":
        data = gzip.decompress(data)
    if "event-stream" in headers.get("content-type", ""):
        events = [json.loads(line[5:]) for line in data.decode().splitlines() if line.startswith("data:")]
    elif data.lstrip().startswith(b"["):  # Gemini streamGenerateContent without alt=sse: a JSON array
        events = json.loads(data)
    else:
        return None
    text = []
    for event in events:
        if event.get("type") == "content_block_delta" and event["delta"].get("type") == "text_delta":
            text.append(event["delta"]["text"])
        for cand in event.get("candidates", []):
            for part in cand.get("content", {}).get("parts", []):
                if "text" in part and not part.get("thought"):
                    text.append(part["text"])
    return "".join(text)


@needs_vcr
def test_every_shared_cassette_loads_and_streams_reassemble(run):
    r = run("ls", VCR_SAMPLE, "--format", "json")
    assert r.exit_code == 0, r.stderr
    rows = json.loads(r.stdout)
    assert len({d["path"] for d in rows}) == 42 and len(rows) == 53
    checked = 0
    for path in sorted({d["path"] for d in rows}):
        cassette = yaml.safe_load(Path(path).read_text())
        shown = json.loads(run("show", path, "--format", "json").stdout)
        payloads = shown["recordings"] if "recordings" in shown else [shown]
        for interaction, payload in zip(cassette["interactions"], payloads):
            expected = _independent_text(interaction)
            if expected is None:
                continue
            got = "".join(c["text"] for c in payload["answer"]["choices"])
            assert got == expected, path
            checked += 1
    assert checked == 42  # 20 Anthropic SSE, 7 Gemini SSE and 15 Gemini JSON-array streams


@pytest.mark.parametrize("encoding", ["gzip", "deflate", "br", "zstd"])
def test_every_content_encoding_is_decoded_for_show(tmp_path, run, encoding):
    import zlib

    import brotli
    import zstandard

    message = json.dumps({"id": "msg_1", "type": "message", "role": "assistant", "model": "claude-haiku-4-5",
                          "content": [{"type": "text", "text": f"decoded from {encoding}"}],
                          "stop_reason": "end_turn", "usage": {"input_tokens": 1, "output_tokens": 3}}).encode()
    packed = {"gzip": lambda b: gzip.compress(b, mtime=0), "deflate": zlib.compress, "br": brotli.compress,
              "zstd": lambda b: zstandard.ZstdCompressor().compress(b)}[encoding](message)
    doc = {"interactions": [{"request": {"method": "POST", "uri": "https://api.anthropic.com/v1/messages",
                                         "body": '{"model": "claude-haiku-4-5", "messages": []}', "headers": {}},
                             "response": {"status": {"code": 200, "message": "OK"}, "body": {"string": packed},
                                          "headers": {"Content-Encoding": [encoding],
                                                      "Content-Type": ["application/json"]}}}], "version": 1}
    path = _write(tmp_path, f"test_{encoding}.yaml", yaml.safe_dump(doc))
    d = json.loads(run("show", f"{path}#0", "--format", "json").stdout)
    assert d["answer"]["choices"][0]["text"] == f"decoded from {encoding}"
    assert path.read_bytes() == yaml.safe_dump(doc).encode()  # never rewritten


def _sse(events: list[dict]) -> str:
    return "".join(f"event: {e['type']}\ndata: {json.dumps(e)}\n\n" for e in events)


def test_openai_responses_stream_and_websocket_interactions(tmp_path, run):
    events = [
        {"type": "response.created", "response": {"model": "gpt-4.1-mini", "status": "in_progress"}},
        {"type": "response.output_text.delta", "delta": "Hel", "output_index": 0},
        {"type": "response.output_text.delta", "delta": "lo [b]there[/b]", "output_index": 0},
        {"type": "response.output_item.added", "output_index": 1,
         "item": {"type": "function_call", "call_id": "call_1", "name": "get_weather"}},
        {"type": "response.function_call_arguments.delta", "output_index": 1, "delta": '{"city": '},
        {"type": "response.function_call_arguments.delta", "output_index": 1, "delta": '"Paris"}'},
        {"type": "response.completed", "response": {"model": "gpt-4.1-mini", "status": "completed",
                                                    "usage": {"input_tokens": 5, "output_tokens": 7}}},
    ]
    doc = {"interactions": [
        {"request": {"method": "POST", "uri": "https://api.openai.com/v1/responses", "headers": {},
                     "body": json.dumps({"model": "gpt-4.1-mini", "input": "hi", "stream": True})},
         "response": {"status": {"code": 200}, "headers": {"content-type": ["text/event-stream"]},
                      "body": {"string": _sse(events)}}},
        {"kind": "websocket", "direction": "send", "data": "ping"},
    ], "version": 1}
    path = _write(tmp_path, "test_responses.yaml", yaml.safe_dump(doc))
    d = json.loads(run("show", f"{path}#0", "--format", "json").stdout)
    choice = d["answer"]["choices"][0]
    assert choice["text"] == "Hello [b]there[/b]" and choice["finish_reason"] == "completed"
    assert [(t["name"], t["arguments"]) for t in choice["tool_calls"]] == [("get_weather", '{"city": "Paris"}')]
    assert d["answer"]["usage"] == {"prompt_tokens": 5, "completion_tokens": 7, "total_tokens": 12}
    r = run("show", f"{path}#1")
    assert r.exit_code == 0 and "send:\nping" in r.stdout
    rows = json.loads(run("ls", tmp_path, "--format", "json").stdout)
    assert [r["response_type"] for r in rows] == ["sse", "websocket"]


def test_stats_counts_interactions_per_host_and_the_largest_cassettes(run):
    d = json.loads(run("stats", SAMPLE / "vcr", "--format", "json").stdout)
    assert (d["files"], d["recordings"]) == (1, 2)  # one cassette, two interactions
    assert {k: v["count"] for k, v in d["by"]["host"].items()} == {"api.anthropic.com": 1, "api.openai.com": 1}
    assert {k: v["count"] for k, v in d["by"]["suite"].items()} == {"test_weather": 2}  # the test module
    assert d["streaming"]["streamed"] == 1
    assert d["tokens"] == {"claude-haiku-4-5": {"prompt": 9, "completion": 4}}
    assert [(x["path"], x["bytes"]) for x in d["largest"]] == [(str(CASSETTE), CASSETTE.stat().st_size)]
    assert d["health"]["orphaned"]["count"] == 0 and d["health"]["hash_mismatch"]["count"] == 0


def _mutated(tmp_path: Path, name: str, mutate) -> Path:
    doc = yaml.safe_load(CASSETTE.read_text())
    mutate(doc)
    return _write(tmp_path / name, "test_weather_stream.yaml", yaml.safe_dump(doc))


def test_diff_tells_noise_from_changes_interaction_by_interaction(tmp_path, run):
    def noise(doc):
        doc["interactions"][0]["response"]["headers"]["date"] = ["Sun, 30 Nov 2025"]
        doc["interactions"][0]["response"]["headers"]["cf-ray"] = ["abc-CDG"]
        doc["interactions"][0]["request"]["headers"]["User-Agent"] = ["OpenAI/Python 9.9"]
        body = doc["interactions"][0]["response"]["body"]
        body["string"] = body["string"].replace("chatcmpl-abc", "chatcmpl-xyz").replace("1764000100", "1764999999")

    def changed(doc):
        body = doc["interactions"][0]["response"]["body"]
        body["string"] = body["string"].replace("21 degrees", "25 degrees")

    def added(doc):
        doc["interactions"].append(doc["interactions"][1])

    r = run("diff", CASSETTE, _mutated(tmp_path, "noise", noise), "--format", "json")
    d = json.loads(r.stdout)
    assert r.exit_code == 0 and d["status"] == "noise" and set(d["what"]) == {"headers", "ids", "timestamps"}
    r = run("diff", CASSETTE, _mutated(tmp_path, "changed", changed), "--format", "json")
    d = json.loads(r.stdout)
    assert r.exit_code == 1 and d["what"] == ["answer text"]
    assert "-Sunny, 21 degrees in [red]Paris[/red] :sunny:" in d["answer_diff"]
    assert d["answer_diff"][0].endswith("test_weather_stream.yaml#0")
    r = run("diff", CASSETTE, _mutated(tmp_path, "added", added), "--format", "json")
    assert r.exit_code == 1 and json.loads(r.stdout)["what"] == ["interactions added"]


def test_diff_of_two_cassette_folders_and_a_git_revision(tmp_path, run):
    import shutil
    import subprocess

    repo = tmp_path / "repo"
    shutil.copytree(SAMPLE / "vcr", repo)
    env = {"GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@t", "GIT_COMMITTER_NAME": "t", "GIT_COMMITTER_EMAIL": "t@t",
           "PATH": __import__("os").environ["PATH"]}
    subprocess.run(["git", "init", "-q"], cwd=repo, check=True)
    subprocess.run(["git", "add", "."], cwd=repo, check=True)
    subprocess.run(["git", "commit", "-qm", "x"], cwd=repo, check=True, env=env)
    cassette = repo / "tests/cassettes/test_weather/test_weather_stream.yaml"
    cassette.write_text(cassette.read_text().replace("21 degrees", "22 degrees"))
    r = run("diff", "HEAD", "--root", repo, "--format", "json")
    assert r.exit_code == 1, r.stderr
    files = json.loads(r.stdout)["files"]
    assert [(f["status"], f["what"]) for f in files] == [("changed", ["answer text"])]


def test_explicitly_named_cassettes_belong_to_the_test_that_names_them(tmp_path, run):
    project = _project(tmp_path, "test_mod.py", (
        "import pytest\nimport vcr\n\npytestmark = pytest.mark.vcr('module_wide.yaml')\n\n"
        "@pytest.mark.vcr('shared_login.yaml', 'second.yaml')\ndef test_login():\n    pass\n\n"
        "@pytest.mark.vcr('class_wide.yaml')\nclass TestThings:\n    def test_a(self):\n        pass\n\n"
        "def test_plain():\n    with vcr.use_cassette('tests/cassettes/test_mod/by_vcrpy.yaml'):\n        pass\n"))
    body = CASSETTE.read_text()
    for name in ("shared_login", "second", "class_wide", "by_vcrpy", "module_wide", "TestThings.test_b[x-1]"):
        _write(project, f"{name}.yaml", body).rename(project / "tests/cassettes/test_x" / f"{name}.yaml")
    (project / "tests/cassettes/test_x").rename(project / "tests/cassettes/test_mod")
    rows = json.loads(run("ls", project, "--format", "json").stdout)
    got = {r["id"].split("#")[0]: r["test_id"] for r in rows}
    assert got == {
        "shared_login": "tests/test_mod.py::test_login", "second": "tests/test_mod.py::test_login",
        "class_wide": "tests/test_mod.py::TestThings::test_a", "by_vcrpy": "tests/test_mod.py::test_plain",
        "module_wide": "tests/test_mod.py::test_login",
        "TestThings.test_b[x-1]": "tests/test_mod.py::TestThings::test_b[x-1]",  # the default naming
    }


def test_static_cassette_dir_and_name_overrides(tmp_path, run):
    project = tmp_path / "p"
    tests = project / "tests"
    (tests / "api").mkdir(parents=True)
    (project / "pyproject.toml").write_text("")
    # a conftest sends every module's cassettes to one flat folder
    (tests / "conftest.py").write_text("import os\nimport pytest\n\n@pytest.fixture(scope='module')\n"
                                       "def vcr_cassette_dir(request):\n"
                                       "    return os.path.join(os.path.dirname(__file__), 'cassettes')\n")
    (tests / "api" / "test_users.py").write_text("class TestUsers:\n    def test_list(self):\n        pass\n")
    # a module that records every test into one static name, in its own folder
    (tests / "test_single.py").write_text(
        "import pytest\nfrom pathlib import Path\n\n@pytest.fixture\ndef vcr_cassette_dir():\n"
        "    return str(Path(__file__).parent / 'cassettes' / 'single')\n\n@pytest.fixture\n"
        "def default_cassette_name():\n    return 'everything'\n\ndef test_one():\n    pass\n")
    body = CASSETTE.read_text()
    (tests / "cassettes" / "single").mkdir(parents=True)
    (tests / "cassettes" / "TestUsers.test_list.yaml").write_text(body)
    (tests / "cassettes" / "single" / "everything.yaml").write_text(body)
    rows = json.loads(run("ls", project, "--format", "json").stdout)
    got = {r["id"].split("#")[0]: r["test_id"] for r in rows}
    assert got == {"TestUsers.test_list": "tests/api/test_users.py::TestUsers::test_list",
                   "everything": "tests/test_single.py::test_one"}


def test_ls_table_names_method_host_and_status_of_interactions(run, tmp_path):
    r = run("ls", SAMPLE / "vcr")
    assert "POST api.openai.com/v1/chat/completions" in r.stdout
    assert "POST api.anthropic.com/v1/messages" in r.stdout
    doc = yaml.safe_load(CASSETTE.read_text())
    doc["interactions"][1]["response"]["status"] = {"code": 529, "message": "Overloaded"}
    _write(tmp_path, "overloaded.yaml", yaml.safe_dump(doc))
    r = run("ls", tmp_path)
    assert any(line.startswith("overloaded#1") and line.rstrip().endswith("http-529") for line in r.stdout.splitlines())


def test_validate_hook_on_a_clean_and_a_leaking_cassette(tmp_path):
    import re
    import shlex
    import subprocess

    from tests.conftest import console_script

    block = (ROOT / ".pre-commit-hooks.yaml").read_text().split("- id: recordings-validate\n", 1)[1].split("\n- id:")[0]
    entry = shlex.split(re.search(r"^\s+entry: (.+)$", block, re.M).group(1))
    pattern = re.compile(re.search(r"^\s+files: (.+)$", block, re.M).group(1))
    assert pattern.search(str(CASSETTE.relative_to(ROOT)))
    clean = subprocess.run([*console_script(entry[0]), *entry[1:], str(CASSETTE)], capture_output=True, text=True)
    assert clean.returncode == 0, clean.stdout + clean.stderr
    doc = yaml.safe_load(CASSETTE.read_text())
    key = "sk-proj-" + "Zx9" * 12
    doc["interactions"][0]["request"]["headers"]["authorization"] = [f"Bearer {key}"]
    doc["interactions"][1]["request"]["uri"] += "?key=AIzaSyD-not-a-real-key-0123456789abcde"
    doc["interactions"][1]["request"]["headers"]["cookie"] = ["__cf_bm=abc; session=s3cr3t"]
    doc["interactions"][0]["response"]["headers"]["set-cookie"] = ["__cf_bm=xyz; path=/"]
    leaking = _write(tmp_path, "leak.yaml", yaml.safe_dump(doc))
    r = subprocess.run([*console_script(entry[0]), *entry[1:], str(leaking)], capture_output=True, text=True)
    assert r.returncode == 1
    out = r.stdout
    assert key not in out and "s3cr3t" not in out
    lines = out.splitlines()
    for line in ("error   secrets       credential 'authorization' is recorded (Bearer…) (interaction #0 request.headers",
                 "error   secrets       credential 'cookie' is recorded (__cf_b…) (interaction #1 request.headers",
                 "error   secrets       credential 'key' is recorded (AIzaSy…) (interaction #1 request.uri",
                 "warning secrets       credential 'set-cookie' is recorded (__cf_b…) (interaction #0 response.headers"):
        at = next(i for i, x in enumerate(lines) if line in x)
        assert re.search(r", line \d+\)$", lines[at]), lines[at]  # where in the YAML file
        assert lines[at + 1].strip() == ("fix: `recordings normalize` replaces it with REDACTED (revoke the key if it "
                                         "was live)")


@needs_vcr
def test_the_untouched_shared_cassettes_have_no_credential_errors(run):
    r = run("validate", VCR_SAMPLE, "--format", "json")
    findings = json.loads(r.stdout)
    assert r.exit_code == 0 and [f for f in findings if f["severity"] == "error"] == []
    assert {f["message"].split("'")[1] for f in findings} == {"set-cookie", "anthropic-organization-id"}


def test_normalize_scrubs_volatile_headers_and_credentials_once(tmp_path, run):
    doc = yaml.safe_load(CASSETTE.read_text())
    doc["interactions"][0]["request"]["uri"] += "?key=AIzaSyD-not-a-real-key-0123456789abcde"
    doc["interactions"][0]["request"]["headers"]["authorization"] = ["Bearer sk-proj-" + "Zx9" * 12]
    doc["interactions"][0]["response"]["headers"]["x-ratelimit-remaining-requests"] = ["99"]
    doc["interactions"][0]["response"]["headers"]["cf-ray"] = ["abc-CDG"]
    import os

    path = _write(tmp_path, "s.yaml", yaml.dump(doc, Dumper=getattr(yaml, "CDumper", yaml.Dumper)))
    os.chmod(path, 0o640)
    r = run("normalize", "--check", tmp_path)
    assert r.exit_code == 1
    assert "would change: 2 volatile headers removed, 2 credentials redacted" in r.stdout
    r = run("normalize", tmp_path)
    assert r.exit_code == 0, r.stderr
    scrubbed = yaml.safe_load(path.read_text())
    first = scrubbed["interactions"][0]
    assert set(first["response"]["headers"]) == {"content-type"}
    assert first["request"]["headers"]["authorization"] == ["REDACTED"]
    assert first["request"]["uri"].endswith("?key=REDACTED")
    assert scrubbed["interactions"][1]["request"]["headers"]["x-api-key"] == ["DUMMY"]  # a placeholder stays
    assert scrubbed["interactions"][1]["response"]["body"] == doc["interactions"][1]["response"]["body"]  # bodies kept
    assert oct(path.stat().st_mode & 0o777) == "0o640"
    before = path.read_bytes()
    r = run("normalize", tmp_path)
    assert "0 of 1 file changed" in r.stderr and path.read_bytes() == before
    # a cassette written by another serializer style is reported, never rewritten
    odd = _write(tmp_path, "odd.yaml", yaml.safe_dump(doc, default_flow_style=True))
    odd_bytes = odd.read_bytes()
    r = run("normalize", tmp_path)
    assert f"{odd}: unknown style, not rewritten" in r.stderr and odd.read_bytes() == odd_bytes
    assert r.exit_code == 1  # it still holds what scrubbing removes


@needs_vcr
def test_scrub_on_the_shared_cassettes_is_idempotent_and_only_noise(tmp_path, run):
    import shutil

    copy = tmp_path / "vcr"
    shutil.copytree(VCR_SAMPLE, copy)
    for p in copy.rglob("*"):
        p.chmod(0o755 if p.is_dir() else 0o644)
    assert run("normalize", "--check", copy).exit_code == 1
    assert run("normalize", copy).exit_code == 0
    r = run("normalize", "--check", copy)
    assert r.exit_code == 0 and "0 of 42 files would change" in r.stderr
    r = run("diff", VCR_SAMPLE, copy, "--format", "json")
    assert r.exit_code == 0
    assert {f["status"] for f in json.loads(r.stdout)["files"]} == {"noise"}
    assert len(json.loads(r.stdout)["files"]) == 42


@needs_vcr
def test_prune_names_exactly_the_two_orphan_cassettes_of_the_shared_sample(tmp_path, run):
    import shutil

    copy = tmp_path / "llm-gemini"
    shutil.copytree(VCR_SAMPLE / "llm-gemini", copy)
    for p in copy.rglob("*"):
        p.chmod(0o755 if p.is_dir() else 0o644)
    r = run("prune", copy, "--root", copy, "--dry-run", "--format", "json")
    assert r.exit_code == 1, r.stderr
    orphans = json.loads(r.stdout)["orphans"]
    assert sorted(Path(o["path"]).name for o in orphans) == [
        "test_embedding[gemini-embedding-exp-03-07-128].yaml", "test_embedding[gemini-embedding-exp-03-07-512].yaml"]
    assert {o["kind"] for o in orphans} == {"parameter"}
    r = run("prune", copy, "--root", copy, "--yes", "--max-fraction", "1")
    assert r.exit_code == 0
    assert len(list((copy / "tests/cassettes").rglob("*.yaml"))) == 17
    r = run("prune", VCR_SAMPLE / "llm-anthropic", "--root", VCR_SAMPLE / "llm-anthropic", "--dry-run")
    assert r.exit_code == 0 and "0 orphans" in r.stderr


def test_prune_keeps_cassettes_whose_parameters_are_not_literal(tmp_path, run):
    project = _project(tmp_path, "test_m.py", (
        "import pytest\n\npytestmark = pytest.mark.vcr\n\nMODELS = ['a', 'b']\n\n@pytest.mark.parametrize('m', MODELS)\n"
        "def test_dyn(m):\n    pass\n\n"
        "@pytest.mark.parametrize('m', ['x/y', pytest.param('z', id='zed')])\ndef test_lit(m):\n    pass\n"))
    body = CASSETTE.read_text()
    folder = project / "tests" / "cassettes" / "test_m"
    folder.mkdir(parents=True)
    for name in ("test_dyn[gone]", "test_lit[x-y]", "test_lit[zed]", "test_lit[old]", "test_removed"):
        (folder / f"{name}.yaml").write_text(body)
    r = run("prune", project, "--root", project, "--dry-run", "--format", "json", "--max-fraction", "1")
    data = json.loads(r.stdout)
    assert sorted(Path(o["path"]).name for o in data["orphans"]) == ["test_lit[old].yaml", "test_removed.yaml"]
    assert [(Path(k["path"]).name, k["reason"]) for k in data["kept"]] == [
        ("test_dyn[gone].yaml", "parameters [gone] cannot be checked: the test's parametrize is not literal (or "
                                "parameters come from fixtures): kept")]


def test_a_nested_project_is_never_pruned_from_the_outer_root(tmp_path, run):
    import shutil

    copy = tmp_path / "sample"
    shutil.copytree(SAMPLE, copy)
    (copy / "vcr" / "tests" / "test_weather.py").write_text("def test_renamed():\n    pass\n")  # its test is gone
    r = run("prune", copy, "--root", copy, "--yes", "--max-fraction", "1")
    assert (copy / CASSETTE.relative_to(SAMPLE)).exists()
    assert f"belongs to the project at {copy / 'vcr'}" in r.stderr
    r = run("prune", copy / "vcr", "--root", copy / "vcr", "--dry-run", "--format", "json", "--max-fraction", "1")
    assert [Path(o["path"]).name for o in json.loads(r.stdout)["orphans"]] == ["test_weather_stream.yaml"]


def test_scrub_is_configurable_in_the_project(tmp_path, run):
    project = tmp_path / "p"
    doc = yaml.safe_load(CASSETTE.read_text())
    headers = doc["interactions"][0]["response"]["headers"]
    headers["date"] = ["Sat, 29 Nov 2025"]
    headers["x-trace-id"] = ["t-123"]
    headers["cf-ray"] = ["abc"]
    doc["interactions"][0]["request"]["headers"]["authorization"] = ["Bearer sk-proj-" + "Zx9" * 12]
    path = _write(project, "c.yaml", yaml.dump(doc, Dumper=getattr(yaml, "CDumper", yaml.Dumper)))
    (project / "pyproject.toml").write_text('[tool.recordings.scrub]\nremove = ["x-trace-id"]\nkeep = ["date"]\n'
                                           'placeholder = "<redacted>"\n')
    r = run("normalize", project)
    assert r.exit_code == 0, r.stderr
    scrubbed = yaml.safe_load(path.read_text())["interactions"][0]
    assert set(scrubbed["response"]["headers"]) == {"content-type", "date"}
    assert scrubbed["request"]["headers"]["authorization"] == ["<redacted>"]
    (project / "pyproject.toml").write_text('[tool.recordings.scrub]\nremove = "x"\n')
    assert run("normalize", project).exit_code == 2


def test_every_format_loads_a_file_with_its_recordings():
    from recordings.loader import load
    from tests.conftest import sample_file

    ls_file = load(str(sample_file("b77e97369d3f")))
    assert (ls_file.format, len(ls_file.recordings), len(ls_file.exchanges)) == ("ogx", 1, 1)
    assert ls_file.recordings[0].test is not None and ls_file.size == sample_file("b77e97369d3f").stat().st_size
    cassette = load(str(CASSETTE))
    assert cassette.format == "vcr" and [r.id for r in cassette.recordings] == [
        "test_weather_stream#0", "test_weather_stream#1"]
    assert [e.index for e in cassette.exchanges] == [0, 1]
    assert {e.test_id for e in cassette.exchanges} == {"tests/test_weather.py::test_weather_stream"}
    assert {r.test_id for r in cassette.recordings} == {"tests/test_weather.py::test_weather_stream"}


@pytest.mark.parametrize("protocol", ["anthropic", "openai"])
def test_a_key_split_across_the_events_of_a_streamed_cassette(tmp_path, run, protocol):
    """No event holds the whole key; joined in order, the streamed text does."""
    key = "sk-proj-" + "Qw7" * 12
    pieces = [key[:10], key[10:30], key[30:]]
    if protocol == "anthropic":
        events = ['event: message_start\ndata: {"type":"message_start","message":{"id":"msg_1","content":[]}}']
        events += [f'event: content_block_delta\ndata: {{"type":"content_block_delta","index":0,"delta":'
                   f'{{"type":"text_delta","text":"{p}"}}}}' for p in pieces]
        events.append('event: message_stop\ndata: {"type":"message_stop"}')
        uri, ctype = "https://api.anthropic.com/v1/messages", "text/event-stream"
    else:
        events = [f'data: {{"id":"c1","object":"chat.completion.chunk","choices":[{{"index":0,"delta":'
                  f'{{"content":"{p}"}},"finish_reason":null}}]}}' for p in pieces]
        events.append("data: [DONE]")
        uri, ctype = "https://api.openai.com/v1/chat/completions", "text/event-stream"
    cassette = {"version": 1, "interactions": [{
        "request": {"method": "POST", "uri": uri, "body": "{}", "headers": {}},
        "response": {"status": {"code": 200, "message": "OK"}, "headers": {"content-type": [ctype]},
                     "body": {"string": "\n\n".join(events) + "\n\n"}}}]}
    path = _write(tmp_path, "split.yaml", yaml.safe_dump(cassette))
    r = run("validate", path, "--format", "json")
    found = [f["message"] for f in json.loads(r.stdout) if f["rule"] == "secrets"]
    assert r.exit_code == 1 and found == ["OpenAI-style API key split across stream chunks (sk-pro…)"], r.stdout


def test_an_empty_cassette_is_a_cassette_not_an_unreadable_file(tmp_path, run):
    """``interactions: []``: listed apart, a warning in validate, judged by prune like any cassette."""
    project = _project(tmp_path, "test_x.py", "def test_live():\n    pass\n")
    folder = project / "tests" / "cassettes" / "test_x"
    folder.mkdir(parents=True)
    (folder / "test_live.yaml").write_text("interactions: []\nversion: 1\n")
    (folder / "test_gone.yaml").write_text("interactions: []\nversion: 1\n")
    (folder / "test_more.yaml").write_bytes(CASSETTE.read_bytes())  # so the plan is not most of the corpus
    (project / "tests" / "test_x.py").write_text("def test_live():\n    pass\n\n\ndef test_more():\n    pass\n")
    r = run("ls", project)
    assert r.exit_code == 0
    assert r.stderr.strip().endswith(f"2 files holding no recording (e.g. {folder / 'test_gone.yaml'})")
    r = run("validate", folder / "test_live.yaml")
    assert r.exit_code == 0
    assert "cassette has no interactions (vcrpy never saves an empty one" in r.stdout
    r = run("prune", "--dry-run", "--root", project, "--format", "json")
    assert r.exit_code == 1
    plan = json.loads(r.stdout)
    assert [o["path"] for o in plan["orphans"]] == [str(folder / "test_gone.yaml")]
    d = json.loads(run("stats", project, "--format", "json").stdout)
    assert d["health"]["empty"]["count"] == 2
    assert d["health"]["unreadable"]["count"] == 0


def test_an_error_answered_whole_under_the_stream_media_type_is_the_error(tmp_path, run):
    """Gemini answers a bad key with a JSON error body labelled text/event-stream."""
    error = {"error": {"code": 400, "message": "API key not valid.", "status": "INVALID_ARGUMENT"}}
    doc = {"interactions": [{"request": {"method": "POST", "body": "{}", "headers": {},
                                         "uri": "https://generativelanguage.googleapis.com/v1beta/models/"
                                                "gemini-2.0-flash:streamGenerateContent?alt=sse"},
                             "response": {"status": {"code": 400, "message": "Bad Request"},
                                          "headers": {"Content-Type": ["text/event-stream"]},
                                          "body": {"string": json.dumps(error, indent=2)}}}], "version": 1}
    path = _write(tmp_path, "test_err.yaml", yaml.safe_dump(doc))
    rows = json.loads(run("ls", path, "--format", "json").stdout)
    assert (rows[0]["streaming"], rows[0]["model"]) == (False, "gemini-2.0-flash")
    d = json.loads(run("show", path, "--format", "json").stdout)
    answer = d["answer"] if isinstance(d, dict) else d[0]["answer"]
    assert answer["form"] == "error"
    assert answer["error"]["message"] == "API key not valid."
