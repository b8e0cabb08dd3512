"""``recordings stats`` (numbers asserted exactly on the sample) and ``recordings explain``."""

from __future__ import annotations

import json
import shutil
import subprocess


from tests.conftest import SAMPLE, sample_file

CHAT = "tests/integration/inference/test_chat.py::test_parallel_tool_calls[txt=ollama/gpt-oss:20b]"
CHAT_HASH = "b77e97369d3fc2851d5496f2e80a8aae05f6f8dde5724e19a750d2322d7c639f"


def _stats(run, *args):
    r = run("stats", SAMPLE / "tests", "--format", "json", *args)  # the Llama Stack recordings of the sample
    assert r.exit_code == 0, r.stderr
    return json.loads(r.stdout)


def _folder_bytes(suite_folder: str) -> int:
    return sum(p.stat().st_size for p in (SAMPLE / suite_folder).glob("*.json"))


def test_stats_numbers_on_the_sample(run):
    d = _stats(run)
    assert d["files"] == 17
    assert d["bytes"] == sum(p.stat().st_size for p in (SAMPLE / "tests").rglob("*.json"))
    suites = {k: v["count"] for k, v in d["by"]["suite"].items()}
    assert suites == {"common": 2, "files": 1, "inference": 8, "interactions": 1, "legacy": 1, "messages": 1,
                      "responses": 2, "tool_runtime": 1}
    assert d["by"]["suite"]["inference"]["bytes"] == _folder_bytes("tests/integration/inference/recordings")
    assert d["by"]["suite"]["legacy"]["bytes"] == _folder_bytes("tests/integration/recordings/responses")
    assert {k: v["count"] for k, v in d["by"]["provider"].items()} == {
        "anthropic-compatible": 1, "azure": 1, "gemini": 1, "ollama": 5, "openai": 5, "pypdf": 1, "tavily": 1,
        "vertexai": 2}
    assert {k: v["count"] for k, v in d["by"]["kind"].items()} == {"file-processor": 1, "http": 2, "inference": 13,
                                                                   "tool": 1}
    assert d["by"]["endpoint"]["/v1/chat/completions"]["count"] == 7
    assert d["by"]["model"]["gpt-4o"]["count"] == 4
    # 7 streams: 13 + 10 + 5 + 3 chat/completion chunks, 15 + 7 SSE data lines, 3 Gemini chunks
    assert d["streaming"] == {"streamed": 7, "share": round(7 / 17, 4), "mean_chunks": 8.0}
    assert d["exceptions"] == {"APIConnectionError": 1, "BadRequestError": 1}
    assert d["tokens"] == {
        "gemini-2.5-flash-lite": {"prompt": 9, "completion": 11},
        "gpt-4o": {"prompt": 11 + 16, "completion": 12 + 2},
        "gpt-oss:20b": {"prompt": 88 + 40, "completion": 41 + 22},
        "llama3.2:3b-instruct-fp16": {"prompt": 7 + 5, "completion": 10 + 2},
        "publishers/google/models/gemini-2.0-flash": {"prompt": 2 + 9, "completion": 9 + 8},
        "text-embedding-3-small": {"prompt": 6, "completion": 0},
    }
    health = {k: v["count"] for k, v in d["health"].items()}
    assert health == {"hash_mismatch": 0, "not_normalized": 0, "colliding": 0, "orphaned": 0, "shared": 2, "empty": 0,
                      "unreadable": 0}
    assert d["health"]["not_normalized"]["fix"] == "recordings normalize"
    assert [x["path"].rsplit("/", 1)[1][:12] for x in d["largest"][:3]] == ["b77e97369d3f", "cfe08c6d0c8f",
                                                                            "bcbdbc2136eb"]
    assert len(d["largest"]) == 10


def test_stats_health_finds_problems(tmp_path, run):
    shutil.copytree(SAMPLE, tmp_path / "s")
    root = tmp_path / "s"
    rec = root / "tests/integration/inference/recordings" / sample_file("07d2973bd4a4").name
    doc = json.loads(rec.read_bytes())
    doc["response"]["body"]["__data__"]["id"] = "chatcmpl-x"
    rec.write_text(json.dumps(doc, indent=2) + "\n")
    (root / "tests/integration/inference/recordings" / ("c" * 64 + ".json")).write_bytes(rec.read_bytes())
    (root / "tests/integration/inference/recordings/broken.json").write_bytes(b"{")
    (root / "tests/integration/messages/test_messages.py").unlink()
    r = run("stats", root, "--format", "json")
    assert r.exit_code == 1
    d = json.loads(r.stdout)
    counts = {k: v["count"] for k, v in d["health"].items()}
    # not normalized: the edited file, its copy, and rerecord/new's un-normalized re-record; colliding: the copy
    assert counts == {"hash_mismatch": 1, "not_normalized": 3, "colliding": 2, "orphaned": 1, "shared": 2, "empty": 0,
                      "unreadable": 1}
    assert d["health"]["orphaned"]["files"][0].endswith(sample_file("bcbdbc2136eb").name)


def test_stats_text_and_since(tmp_path, run, monkeypatch):
    repo = tmp_path / "repo"
    shutil.copytree(SAMPLE, repo)
    git = ["git", "-c", "user.name=t", "-c", "user.email=t@t"]
    subprocess.run(git + ["init", "-q"], cwd=repo, check=True)
    subprocess.run(git + ["add", "."], cwd=repo, check=True)
    subprocess.run(git + ["commit", "-qm", "one"], cwd=repo, check=True)
    extra = repo / "tests/integration/messages/recordings" / ("d" * 64 + ".json")
    extra.write_bytes(sample_file("bcbdbc2136eb").read_bytes())
    monkeypatch.chdir(repo)
    d = json.loads(run("stats", ".", "--since", "HEAD", "--format", "json").stdout)
    assert d["growth"][0] == {"suite": "messages", "before": extra.stat().st_size, "now": 2 * extra.stat().st_size,
                              "growth": extra.stat().st_size}
    r = run("stats", ".", "--since", "HEAD")
    assert "by suite\n  inference" in r.stdout and "suites that grew most\n  messages" in r.stdout
    assert "\x1b[" not in r.stdout
    assert run("stats", ".", "--since", "nope").exit_code == 2


def test_explain_exact_hit(run, monkeypatch):
    monkeypatch.chdir(SAMPLE)
    r = run("explain", CHAT_HASH, "--test-id", CHAT, "--format", "json")
    assert r.exit_code == 0
    d = json.loads(r.stdout)
    assert d["found"] is True
    assert [(lk["path"], lk["exists"]) for lk in d["lookups"]] == [
        (str(SAMPLE / f"tests/integration/inference/recordings/{CHAT_HASH}.json"), True),
        (str(SAMPLE / f"tests/integration/common/recordings/{CHAT_HASH}.json"), False)]
    assert d["verdict"] == f"found: replay reads tests/integration/inference/recordings/{CHAT_HASH}.json"


def test_explain_hit_in_the_wrong_folder(tmp_path, run, monkeypatch):
    shutil.copytree(SAMPLE, tmp_path / "s")
    root = tmp_path / "s"
    src = root / f"tests/integration/inference/recordings/{CHAT_HASH}.json"
    (root / "tests/integration/agents/recordings").mkdir(parents=True)
    src.rename(root / f"tests/integration/agents/recordings/{CHAT_HASH}.json")
    monkeypatch.chdir(root)
    r = run("explain", CHAT_HASH, "--test-id", CHAT)
    assert r.exit_code == 1
    assert f"elsewhere tests/integration/agents/recordings/{CHAT_HASH}.json  (test_id: {CHAT})" in r.stdout
    assert r.stdout.rstrip().endswith(
        f"verdict   a file for this hash exists, but where replay does not look: "
        f"tests/integration/agents/recordings/{CHAT_HASH}.json")


def test_explain_miss_names_the_one_changed_field(tmp_path, run, monkeypatch):
    request = json.loads((SAMPLE / f"tests/integration/inference/recordings/{CHAT_HASH}.json").read_bytes())["request"]
    request["body"]["messages"][1]["content"] = "What is the weather in Paris and in Osaka?"
    req = tmp_path / "req.json"
    req.write_text(json.dumps(request))
    monkeypatch.chdir(SAMPLE)
    r = run("explain", "--test-id", CHAT, "--request", req, "--format", "json")
    assert r.exit_code == 1
    d = json.loads(r.stdout)
    assert d["found"] is False
    assert [c["id"][:12] for c in d["candidates"]] == ["b77e97369d3f"]
    assert d["differences"] == ["['body']['messages'][1]['content']: \"What is the weather in Paris and in Tokyo?\" "
                                "→ \"What is the weather in Paris and in Osaka?\""]
    assert d["verdict"] == "not recorded: the closest recording of this test and endpoint is b77e97369d3f " \
                           "(1 field differs)"
    # a bare body through stdin works too (endpoint and method by option)
    r = run("explain", "--test-id", CHAT, "--request", "-", "--format", "json",
            input=json.dumps(request["body"]))
    assert json.loads(r.stdout)["differences"][0].startswith("['body']['messages'][1]['content']")


def test_explain_same_request_is_found(run, monkeypatch, tmp_path):
    doc = (SAMPLE / f"tests/integration/inference/recordings/{CHAT_HASH}.json").read_bytes()
    req = tmp_path / "rec.json"
    req.write_bytes(doc)  # a whole recording is accepted too
    monkeypatch.chdir(SAMPLE)
    r = run("explain", "--test-id", CHAT, "--request", req, "--format", "json")
    assert r.exit_code == 0 and json.loads(r.stdout)["hash"] == CHAT_HASH
    r = run("explain", "--request", req, "--format", "json")  # its own test_id is the default
    assert r.exit_code == 0, r.stderr
    d = json.loads(r.stdout)
    assert d["hash"] == CHAT_HASH and d["test_id"] == CHAT and d["found"] is True


def test_explain_and_show_give_one_answer_for_a_ref_that_matches_nothing(tmp_path, run, monkeypatch):
    (tmp_path / "pyproject.toml").write_text("")
    monkeypatch.chdir(tmp_path)
    shown, explained = run("show", "b77e"), run("explain", "b77e")
    assert shown.exit_code == explained.exit_code == 1
    assert explained.stderr == shown.stderr == f"recordings: no recording matches 'b77e' under {tmp_path}\n"
    assert explained.stdout == ""  # no lookups of a made-up b77e.json
    r = run("explain", "b77e", "--format", "json")
    assert json.loads(r.stdout) == {"error": f"no recording matches 'b77e' under {tmp_path}", "candidates": []}
    assert run("explain", "b7").exit_code == run("show", "b7").exit_code == 2  # too short to resolve


def test_explain_of_a_hash_and_test_suggests_passing_the_request(run, monkeypatch):
    monkeypatch.chdir(SAMPLE)
    r = run("explain", "1" * 64, "--test-id", CHAT)
    assert r.exit_code == 1
    assert r.stdout.rstrip().splitlines()[-1] == (
        "hint      to see what differs from this test's recordings, pass the request it sent: recordings explain "
        "--test-id 'tests/integration/inference/test_chat.py::test_parallel_tool_calls[txt=ollama/gpt-oss:20b]' "
        "--request request.json")


def test_explain_of_a_cassette_says_what_it_answers(run, monkeypatch):
    monkeypatch.chdir(SAMPLE)
    cassette = next(SAMPLE.rglob("*.yaml"))
    r = run("explain", str(cassette.relative_to(SAMPLE)))
    assert r.exit_code == 2
    assert r.stderr.endswith("is not an OGX (formerly Llama Stack) recording: explain answers that recorder's "
                             "replay lookups\n")


def test_a_root_that_is_a_file_is_a_usage_error(run):
    some_file = sample_file(CHAT_HASH)
    for command in (["ls"], ["stats"], ["show", CHAT_HASH], ["explain", CHAT_HASH], ["prune", "--dry-run"],
                    ["normalize", "--check"], ["diff", "HEAD"]):
        r = run(*command, "--root", some_file)
        assert r.exit_code == 2, (command, r.stderr)
        assert r.stderr == f"recordings: --root {some_file} is not a folder\n"
    assert run("ls", "--root", "/no/such/folder").stderr == "recordings: --root /no/such/folder is not a folder " \
                                                            "(it does not exist)\n"


def test_explain_unknown_test(run, monkeypatch):
    monkeypatch.chdir(SAMPLE)
    test_id = "tests/integration/inference/test_chat.py::test_never_written"
    r = run("explain", "0" * 64, "--test-id", test_id, "--format", "json")
    assert r.exit_code == 1
    d = json.loads(r.stdout)
    assert d["test_known"] is False and d["test_recordings"] == []
    assert d["verdict"] == "unknown test: no recording has this test_id and its test file does not define it"


def test_explain_usage_errors(run, monkeypatch):
    monkeypatch.chdir(SAMPLE)
    assert run("explain").exit_code == 2
    assert run("explain", "--request", "x.json").exit_code == 2
    assert run("explain", "--test-id", CHAT, "--request", "/no/such.json").exit_code == 2


def test_stats_bars_at_a_terminal():
    from tests.conftest import run_in_pty

    out = run_in_pty("import sys\nfrom recordings.commands import main\n"
                     f"sys.argv = ['recordings', 'stats', {str(SAMPLE)!r}]\nmain()\n", {"NO_COLOR": None})
    assert "████████████████████" in out  # the largest suite's bar
    assert "\x1b[" in out


def test_explain_resolves_a_prefix_as_show_does(run, monkeypatch):
    monkeypatch.chdir(SAMPLE)
    prefix = CHAT_HASH[:8]
    shown = run("show", prefix, "--format", "json")
    assert shown.exit_code == 0
    r = run("explain", prefix, "--format", "json")
    assert r.exit_code == 0, r.stdout
    d = json.loads(r.stdout)
    assert d["hash"] == CHAT_HASH and d["test_id"] == CHAT and d["found"] is True
    assert json.loads(shown.stdout)["recording"]["id"] == CHAT_HASH


def test_explain_bare_body_takes_the_url_of_the_tests_recordings(run, monkeypatch):
    request = json.loads((SAMPLE / f"tests/integration/inference/recordings/{CHAT_HASH}.json").read_bytes())["request"]
    assert "/v1/v1/chat/completions" in request["url"]  # what real chat recordings hash
    monkeypatch.chdir(SAMPLE)
    r = run("explain", "--test-id", CHAT, "--request", "-", "--format", "json", input=json.dumps(request["body"]))
    d = json.loads(r.stdout)
    assert r.exit_code == 0, d
    assert d["found"] is True and d["hash"] == CHAT_HASH
    assert d["assumed"].startswith(f"url {request['url']} assumed from 1 of this test's recordings")


def _with_fallback_moved(tmp_path):
    """A copy of the sample whose chat recording sits in a moved shared fallback, ci/common/recordings/."""
    shutil.copytree(SAMPLE, tmp_path / "s")
    root = tmp_path / "s"
    moved = root / "ci" / "common" / "recordings"
    moved.mkdir(parents=True)
    src = root / f"tests/integration/inference/recordings/{CHAT_HASH}.json"
    src.rename(moved / src.name)
    return root


def test_explain_honours_the_recorders_base_folder(tmp_path, run, monkeypatch):
    root = _with_fallback_moved(tmp_path)
    monkeypatch.chdir(root)
    r = run("explain", CHAT_HASH, "--test-id", CHAT, "--recording-dir", "ci/common", "--format", "json")
    assert r.exit_code == 0
    assert json.loads(r.stdout)["verdict"] == f"found: replay reads ci/common/recordings/{CHAT_HASH}.json"
    r = run("explain", CHAT_HASH, "--test-id", CHAT, "--format", "json",
            env={"LLAMA_STACK_TEST_RECORDING_DIR": str(root / "ci" / "common")})
    assert r.exit_code == 0
    r = run("explain", CHAT_HASH, "--test-id", CHAT, "--format", "json",  # OGX's variable since the rename
            env={"OGX_TEST_RECORDING_DIR": str(root / "ci" / "common")})
    assert r.exit_code == 0
    assert json.loads(r.stdout)["verdict"] == f"found: replay reads ci/common/recordings/{CHAT_HASH}.json"


def test_stats_rename_advice_counts_only_what_rehash_can_rename(tmp_path, run):
    from recordings.jsonbytes import canonical_bytes

    folder = tmp_path / "tests/integration/inference/recordings"
    folder.mkdir(parents=True)
    src = SAMPLE / f"tests/integration/inference/recordings/{CHAT_HASH}.json"
    doc = json.loads(src.read_bytes())
    doc["request"]["body"]["temperature"] = 0.5  # the name no longer matches the request
    for name in ("1" * 64, "2" * 64):  # the same request twice: both claim one target
        (folder / f"{name}.json").write_bytes(canonical_bytes(doc))
    other = json.loads(src.read_bytes())
    other["request"]["body"]["temperature"] = 0.7
    (folder / f"{'3' * 64}.json").write_bytes(canonical_bytes(other))  # renamable
    (tmp_path / "pyproject.toml").write_text("")
    d = json.loads(run("stats", tmp_path, "--format", "json").stdout)
    health = d["health"]["hash_mismatch"]
    assert health["count"] == 3 and health["renamable"] == 1
    assert health["fix"] == ("recordings normalize --rehash renames 1; 2 cannot be renamed (targets exist or collide): "
                             "recordings validate --select hash says which")


def test_explain_reads_the_recording_dir_from_the_project(tmp_path, run, monkeypatch):
    root = _with_fallback_moved(tmp_path)
    (root / "pyproject.toml").write_text('[tool.recordings]\nrecording_dir = "ci/common"\n')
    monkeypatch.chdir(root)
    r = run("explain", CHAT_HASH, "--test-id", CHAT, "--format", "json")
    assert r.exit_code == 0, r.stdout
