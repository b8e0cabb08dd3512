"""``recordings validate``: one positive and one negative case per rule, reporters, config, pre-commit."""

from __future__ import annotations

import hashlib
import io
import json
import os
import re
import shlex
import shutil
import subprocess
from pathlib import Path

import pytest

from recordings.rules import RULES, Finding
from recordings.jsonbytes import canonical_bytes
from recordings.output.findings import report_github, report_json, report_text
from recordings.rules.runner import check_file
from tests.conftest import BROKEN, ROOT, SAMPLE, SHARED, console_script, needs_shared, sample_file

GOOD = "b77e97369d3f"  # streamed chat with tool calls: clean under every rule


def rules_of(path: Path) -> list[tuple[str, str]]:
    findings, _ = check_file(str(path))
    return [(f.rule, f.severity) for f in findings]


def messages(path: Path, rule: str) -> list[str]:
    findings, _ = check_file(str(path))
    return [f.message for f in findings if f.rule == rule]


def copy_to(tmp_path: Path, prefix: str, suite: str = "inference") -> Path:
    """A copy of a sample recording in <tmp>/tests/integration/<suite>/recordings/."""
    src = sample_file(prefix)
    dest = tmp_path / "tests" / "integration" / suite / "recordings" / src.name
    dest.parent.mkdir(parents=True, exist_ok=True)
    shutil.copy(src, dest)
    return dest


def rewrite(path: Path, mutate) -> Path:
    doc = json.loads(path.read_bytes())
    mutate(doc)
    path.write_bytes(canonical_bytes(doc))
    return path


def test_every_sample_recording_is_clean_but_the_legacy_one():
    for path in SAMPLE.rglob("*.json"):
        if "broken" in path.parts or "requests" in path.parts:  # requests/: a request for explain, not a recording
            continue
        found = rules_of(path)
        if "/recordings/responses/" in str(path):
            assert found == [("test-id", "warning")]
        elif "rerecord/new" in path.as_posix() and path.name.startswith("07d2973bd4a4"):  # re-recorded, not normalized
            assert found == [("normalized", "warning"), ("normalized", "warning")]
        else:
            assert found == [], (path, found)


def test_syntax(tmp_path):
    assert rules_of(BROKEN / "truncated.json") == [("syntax", "error")]
    assert messages(BROKEN / "not-utf8.json", "syntax") == ["not UTF-8 (invalid byte at offset 16)"]


def test_schema(tmp_path):
    p = copy_to(tmp_path, GOOD)
    rewrite(p, lambda d: d["response"].__setitem__("body", {"__type__": "x.Y", "__data__": {}}))
    assert messages(p, "schema") == ["is_streaming is true but body is not a list of chunks"]
    p2 = copy_to(tmp_path, "4261c579f5f0")
    rewrite(p2, lambda d: d["response"].pop("exception_message"))
    assert messages(p2, "schema") == ["exception recording lacks an exception_message string"]
    p3 = copy_to(tmp_path, "cfe08c6d0c8f")
    rewrite(p3, lambda d: d["response"]["body"][2].__setitem__("__data__", "oops"))
    assert messages(p3, "schema") == ["__data__ must be an object"]
    assert rules_of(BROKEN / "wrong-shape.json") == [("schema", "error")]


def test_test_id(tmp_path):
    p = copy_to(tmp_path, GOOD, suite="agents")  # test file lives in inference/
    assert messages(p, "test-id") == [
        "replay looks for this recording in tests/integration/inference/recordings/ (or the shared fallback "
        "tests/integration/common/recordings/), never where it sits"]
    shared = copy_to(tmp_path, GOOD, suite="common")
    assert messages(shared, "test-id") == []
    bad = copy_to(tmp_path, "e8791d493902")
    rewrite(bad, lambda d: d.__setitem__("test_id", "tests/integration/inference/test_completion.py"))
    assert messages(bad, "test-id") == ["malformed test_id 'tests/integration/inference/test_completion.py': "
                                        "no '::' between file and test"]


def test_name(tmp_path):
    p = copy_to(tmp_path, GOOD)
    renamed = p.with_name("my-recording.json")
    p.rename(renamed)
    assert messages(renamed, "name") == ["'my-recording' is not a request hash: replay never looks a recording up "
                                         "by this name"]
    short = p.with_name(p.name[:12] + ".json")
    renamed.rename(short)
    assert ("name", "warning") in rules_of(short)


def test_hash(tmp_path):
    p = copy_to(tmp_path, GOOD)
    assert messages(p, "hash") == []
    rewrite(p, lambda d: d["request"]["body"].__setitem__("temperature", 0.5))
    (msg,) = messages(p, "hash")
    assert msg.startswith("replay will not find this recording: its request hashes to ")
    assert msg.endswith(", not b77e97369d3f… (recorded under older rules or renamed)")


def _hash_messages(run, corpus) -> dict[str, str]:
    r = run("validate", corpus, "--select", "hash", "--format", "json")
    return {os.path.basename(f["file"]): f["message"] for f in json.loads(r.stdout)}


def test_rehash_advice_is_offered_only_where_it_works(tmp_path, run):
    from recordings.formats.llamastack.hashing import request_hash
    from recordings.model import Kind

    p = copy_to(tmp_path, GOOD)
    doc = json.loads(p.read_bytes())
    doc["request"]["body"]["temperature"] = 0.5
    target = request_hash(Kind.INFERENCE, doc["request"], doc["test_id"])
    p.write_bytes(canonical_bytes(doc))
    # one file, its target free: the fix works and names the target
    assert _hash_messages(run, tmp_path)[p.name].endswith(
        f"; `recordings normalize --rehash` renames it to {target}.json")
    # a second file with the same request: both would claim the target
    twin = p.with_name("1" * 64 + ".json")
    twin.write_bytes(p.read_bytes())
    got = _hash_messages(run, tmp_path)
    assert got[p.name].endswith(f"; `recordings normalize --rehash` cannot rename it: 2 files hash to {target}.json "
                                f"({twin.name} too); compare them with `recordings diff`, keep one, delete the others")
    r = run("normalize", "--rehash", "--check", tmp_path)  # and normalize agrees
    assert f"would be renamed to {target}.json, as would {twin.name}: all left alone" in r.stderr
    # the target already exists
    twin.unlink()
    (p.parent / f"{target}.json").write_bytes(b"{}")
    assert _hash_messages(run, tmp_path)[p.name].endswith(
        f"; `recordings normalize --rehash` cannot rename it: {target}.json already exists; compare them with "
        "`recordings diff`, keep one")


def test_models_digest(tmp_path):
    p = copy_to(tmp_path, "models-64a2277c90f0", suite="common")
    assert messages(p, "models-digest") == []
    rewrite(p, lambda d: d["response"]["body"].pop())
    assert messages(p, "models-digest") == [
        "name digest a073edf8 does not match the 2 model ids in the body (digest "
        + hashlib.sha256(b"gpt-4o|gpt-4o-mini").hexdigest()[:8] + ")"]


def test_normalized(tmp_path):
    p = copy_to(tmp_path, "cfe08c6d0c8f")
    assert messages(p, "normalized") == []

    def stale(d):
        for chunk in d["response"]["body"]:
            chunk["__data__"]["id"] = "chatcmpl-123"
        d["response"]["body"][0]["__data__"]["created"] = 1764000000

    rewrite(p, stale)
    assert messages(p, "normalized") == [
        "10 response ids not normalized (expected rec-cfe08c6d0c8f); `recordings normalize` fixes it",
        "1 response created timestamps not normalized; `recordings normalize` fixes it"]


def test_bytes(tmp_path):
    p = copy_to(tmp_path, GOOD)
    assert messages(p, "bytes") == []
    doc = json.loads(p.read_bytes())
    p.write_text(json.dumps(doc, indent=4) + "\n")
    assert messages(p, "bytes") == ["not in canonical form (first difference on line 2); "
                                    "`recordings normalize` rewrites it"]


def test_stream(tmp_path):
    p = copy_to(tmp_path, GOOD)
    assert messages(p, "stream") == []

    def broken(d):
        body = d["response"]["body"]
        body[7]["__data__"]["choices"][0]["delta"]["tool_calls"][0]["function"]["arguments"] = 'ris"'  # bad JSON
        body[-2]["__data__"]["choices"][0]["finish_reason"] = None
        body[3]["__data__"]["id"] = "rec-other"

    rewrite(p, broken)
    assert messages(p, "stream") == [
        "chunks of one stream carry 2 different ids",
        "stream has no finish reason (cut short?)",
        "arguments of tool call get_weather do not reassemble into valid JSON: '{\"ciris\"ris\"}'"]
    cut = copy_to(tmp_path, "a125969ad20b")  # no finish reason, but an exception ended it
    assert messages(cut, "stream") == []


def test_secrets(tmp_path):
    p = copy_to(tmp_path, GOOD)
    assert messages(p, "secrets") == []
    key = "sk-proj-" + "A1b2C3d4E5f6G7h8I9j0K1l2M3n4"

    def leak(d):
        d["request"]["headers"]["Authorization"] = "Bearer " + key
        d["request"]["url"] += "?api_key=abc123"
        d["response"]["body"][3]["__data__"]["choices"][0]["delta"]["content"] = "AKIAZQ7XK2PM3RT4WV6Y"

    rewrite(p, leak)
    assert messages(p, "secrets") == [
        "OpenAI-style API key in the file (sk-pro…)",
        "AWS access key id in the file (AKIAZQ…)",
        "bearer token in the file (Bearer…)",
        "credential header 'Authorization' is recorded (Bearer…)",
        "key-bearing query string in the url (?api_k…)",
    ]


def test_secrets_ignores_words_and_placeholders(tmp_path):
    p = copy_to(tmp_path, GOOD)
    rewrite(p, lambda d: d["request"]["body"]["messages"].append(
        {"role": "user", "content": "the task-sk-list and a risk-assessment; Authorization header"}))
    assert messages(p, "secrets") == []


@needs_shared
def test_shared_sample_has_zero_errors_and_each_warning_is_a_true_finding(run):
    r = run("validate", SHARED, "--format", "json")
    assert r.exit_code == 0, r.stdout
    findings = json.loads(r.stdout)
    assert [f for f in findings if f["severity"] == "error"] == []
    got = sorted((os.path.basename(f["file"])[:12], f["rule"]) for f in findings)
    assert got == sorted([
        # the legacy 12-hex name (the format reference names it as a known oddity)
        ("5cc7605f9950", "name"), ("5cc7605f9950", "hash"),
        # the two files whose response ids belong to another hash (renamed without re-normalizing)
        ("da6ec32ed8fb", "normalized"), ("632ce0140a65", "normalized"),
        ("da6ec32ed8fb", "hash"), ("632ce0140a65", "hash"),
        # recorded before the file-search normalization of tool results: their requests hash differently now
        ("34e831b4f3ad", "hash"), ("e4300056563a", "hash"), ("eb7ca0d19181", "hash"),
        # typed llama_stack_api.… while the sample's tool results use ogx_api.…: recorded before the rename
        ("268e65efffed", "type"), ("a2af3b8ac57b", "type"),
    ])
    assert all(f["severity"] == "warning" for f in findings)


def test_duplicate(tmp_path, run):
    a = copy_to(tmp_path, GOOD)
    b = a.with_name("f" * 64 + ".json")
    shutil.copy(a, b)
    r = run("validate", tmp_path, "--select", "duplicate", "--format", "json")
    found = json.loads(r.stdout)
    assert [(os.path.basename(f["file"])[:4], f["rule"]) for f in found] == [("b77e", "duplicate"), ("ffff", "duplicate")]
    assert found[0]["message"] == f"same request for the same test as {b.name}"
    # file-list mode (the pre-commit hook passes only changed files): compared with the whole folder
    r = run("validate", a, "--select", "duplicate", "--format", "json")
    assert [(f["file"], f["message"]) for f in json.loads(r.stdout)] == [
        (str(a), f"same request for the same test as {b.name}")]


def test_duplicate_leaves_model_list_sets_alone_and_stays_short(tmp_path, run):
    m = copy_to(tmp_path, "models-64a2277c90f0", suite="common")
    shutil.copy(m, m.with_name(m.name[:-13] + "deadbeef.json"))  # same request, another digest
    r = run("validate", tmp_path, "--select", "duplicate", "--format", "json")
    assert json.loads(r.stdout) == []
    a = copy_to(tmp_path, GOOD)
    for i in range(6):
        shutil.copy(a, a.with_name(str(i) * 64 + ".json"))
    found = json.loads(run("validate", tmp_path, "--select", "duplicate", "--format", "json").stdout)
    assert len(found) == 7
    assert found[0]["message"].endswith(" and 3 more")
    assert max(len(f["message"]) for f in found) < 300


def test_legacy_model_list_names_warn(tmp_path, run):
    m = copy_to(tmp_path, "models-64a2277c90f0", suite="common")
    legacy = m.with_name("models-" + m.name[7:19] + m.name[-14:])  # models-<12hex>-<digest>.json
    m.rename(legacy)
    assert [(f.rule, f.severity) for f in check_file(str(legacy))[0] if f.rule == "name"] == [("name", "warning")]
    assert run("validate", tmp_path).exit_code == 0


def test_summary_counts_per_rule_first(tmp_path, run):
    a = copy_to(tmp_path, GOOD)
    for i in range(2):
        shutil.copy(a, a.with_name(str(i) * 64 + ".json"))
    r = run("validate", tmp_path)
    summary = r.stderr.splitlines()
    assert summary[0] == "0 errors, 7 warnings in 3 files"
    assert summary[1:] == ["  duplicate      3 warnings", "  hash           2 warnings", "  normalized     2 warnings"]
    r = run("validate", tmp_path, "--summary")
    assert r.stdout == "" and r.stderr.splitlines()[1] == "  duplicate      3 warnings"


def test_select_ignore_strict_and_exit_codes(run):
    legacy = next(p for p in SAMPLE.rglob("*.json") if "/recordings/responses/" in str(p))
    assert run("validate", legacy).exit_code == 0  # a warning only
    assert run("validate", legacy, "--strict").exit_code == 1
    assert run("validate", legacy, "--strict", "--ignore", "test-id").exit_code == 0
    assert run("validate", BROKEN / "empty.json", "--select", "hash").exit_code == 0
    assert run("validate", SAMPLE, "--select", "nope").exit_code == 2


def test_pyproject_config(tmp_path, run, monkeypatch):
    copy_to(tmp_path, GOOD)
    legacy_src = next(p for p in SAMPLE.rglob("*.json") if "/recordings/responses/" in str(p))
    legacy = tmp_path / "tests" / "integration" / "recordings" / "responses" / legacy_src.name
    legacy.parent.mkdir(parents=True)
    shutil.copy(legacy_src, legacy)
    (tmp_path / "pyproject.toml").write_text(
        '[tool.recordings]\nseverity = { "test-id" = "error" }\n\n'
        '[[tool.recordings.overrides]]\npaths = ["tests/integration/recordings/responses/*"]\nignore = ["name"]\n')
    monkeypatch.chdir(tmp_path)
    r = run("validate", ".", "--format", "json")
    assert r.exit_code == 1
    assert [(f["rule"], f["severity"]) for f in json.loads(r.stdout)] == [("test-id", "error")]
    (tmp_path / "pyproject.toml").write_text(
        '[[tool.recordings.overrides]]\npaths = ["tests/integration/recordings/responses/*"]\nignore = ["test-id"]\n')
    assert run("validate", ".").exit_code == 0
    (tmp_path / "pyproject.toml").write_text('[tool.recordings]\nignore = ["colour"]\n')
    r = run("validate", ".")
    assert r.exit_code == 2 and "unknown rule 'colour'" in r.stderr


FINDINGS = [
    Finding("a/recordings/x.json", "hash", "warning", "replay will not find this recording", None),
    Finding("a/recordings/x.json", "secrets", "error", "bearer token in the file (Bearer…)", "request.headers.Authorization"),
    Finding("b/recordings/y,1.json", "stream", "warning", "50% done\nnext", "response.body"),
]


def test_text_reporter_exact():
    out = io.StringIO()
    report_text(FINDINGS, out)
    assert out.getvalue() == (
        "a/recordings/x.json\n"
        "  warning hash          replay will not find this recording\n"
        "  error   secrets       bearer token in the file (Bearer…) (request.headers.Authorization)\n"
        "b/recordings/y,1.json\n"
        "  warning stream        50% done\\nnext (response.body)\n"  # one finding, one line
    )


def test_json_reporter_exact():
    out = io.StringIO()
    report_json(FINDINGS[:1], out)
    assert json.loads(out.getvalue()) == [{"file": "a/recordings/x.json", "rule": "hash", "severity": "warning",
                                           "message": "replay will not find this recording", "path": None,
                                           "line": None, "fix": None}]


def test_github_reporter_exact():
    out = io.StringIO()
    report_github(FINDINGS, out)
    assert out.getvalue().splitlines() == [
        "::warning file=a/recordings/x.json,title=recordings hash::replay will not find this recording",
        "::error file=a/recordings/x.json,title=recordings secrets::bearer token in the file (Bearer…) "
        "(request.headers.Authorization)",
        "::warning file=b/recordings/y%2C1.json,title=recordings stream::50%25 done%0Anext (response.body)",
    ]


def test_readme_has_a_row_for_every_rule():
    readme = (ROOT / "README.md").read_text()
    for rule in RULES.values():
        assert re.search(rf"^\| `{re.escape(rule.id)}` \| {rule.severity} \|", readme, re.M), rule.id


def _hook_entry(hook_id: str) -> list[str]:
    text = (ROOT / ".pre-commit-hooks.yaml").read_text()
    block = text.split(f"- id: {hook_id}\n", 1)[1].split("\n- id:", 1)[0]
    entry = re.search(r"^\s+entry: (.+)$", block, re.M).group(1)
    assert re.search(r"^\s+language: python$", block, re.M)
    return shlex.split(entry)


def _run_hook(hook_id: str, files: list[Path]) -> subprocess.CompletedProcess:
    argv = _hook_entry(hook_id)
    assert argv[0] == "recordings"
    return subprocess.run([*console_script(argv[0]), *argv[1:], *map(str, files)], capture_output=True, text=True,
                          cwd=ROOT)


def test_pre_commit_hook_passes_the_valid_sample():
    files = [p for p in SAMPLE.rglob("*.json") if "broken" not in p.parts]
    r = _run_hook("recordings-validate", files)
    assert r.returncode == 0, r.stdout + r.stderr


@pytest.mark.parametrize("name, rule", [
    ("empty.json", "syntax"), ("truncated.json", "syntax"), ("not-json.json", "syntax"),
    ("list-top.json", "syntax"), ("binary.json", "syntax"), ("not-utf8.json", "syntax"),
    ("wrong-shape.json", "schema"), ("no-response.json", "schema"),
])
def test_pre_commit_hook_fails_each_broken_file(name, rule):
    r = _run_hook("recordings-validate", [BROKEN / name])
    assert r.returncode == 1
    assert re.search(rf"^  error   {re.escape(rule)}\b", r.stdout, re.M), r.stdout
    assert "Traceback" not in r.stderr


def test_stream_accepts_complete_calls_that_reuse_one_index(tmp_path):
    """Some servers send each whole tool call as index 0 with its own id: no false warning."""
    p = copy_to(tmp_path, GOOD)

    def reuse_index(d):
        for chunk in d["response"]["body"]:
            for call in (chunk["__data__"]["choices"] or [{}])[0].get("delta", {}).get("tool_calls") or []:
                call["index"] = 0

    rewrite(p, reuse_index)
    assert messages(p, "stream") == []
    from recordings.loader import load
    from recordings.protocols import reassemble

    calls = reassemble(load(str(p))).choices[0].tool_calls
    assert [(c.id, c.arguments) for c in calls] == [("call_paris01", '{"city": "Paris"}'),
                                                   ("call_tokyo02", '{"city": "Tokyo"}')]


def test_rules_declare_their_scope_and_files_are_named_after_ids():
    for rule in RULES.values():
        assert rule.scope in ("file", "corpus")
        assert (rule.check if rule.scope == "file" else rule.check_corpus) is not None, rule.id
        assert rule.module.rsplit(".", 1)[1] == rule.id.replace("-", "_"), rule.id
    assert RULES["duplicate"].scope == "corpus"


def test_unselected_and_config_ignored_rules_never_run(tmp_path, monkeypatch, run):
    from recordings.rules.types import Rule

    def boom(ctx):
        raise AssertionError("an unselected rule ran")

    monkeypatch.setitem(RULES, "secrets", Rule("secrets", "error", "patched", "file", boom))
    p = copy_to(tmp_path, GOOD)
    r = run("validate", p, "--select", "hash,name", "--no-cache")
    assert r.exit_code == 0 and "could not check" not in r.stdout
    (tmp_path / "pyproject.toml").write_text('[tool.recordings]\nignore = ["secrets"]\n')
    monkeypatch.chdir(tmp_path)
    r = run("validate", p, "--no-cache", "--config", tmp_path / "pyproject.toml")
    assert "could not check" not in r.stdout, r.stdout
    monkeypatch.undo()


def _typed(folder, question: str, type_name: str):
    """A recording whose response body is typed as ``type_name`` (named by its hash, so only ``type`` applies)."""
    from tests.test_hostile import make_recording

    path = make_recording(folder, "tests/integration/s/test_s.py::test_x", question)
    path.write_bytes(path.read_bytes().replace(b"openai.types.chat.chat_completion.ChatCompletion",
                                               type_name.encode()))
    return path


def test_type_flags_the_module_the_rest_of_the_corpus_does_not_use(tmp_path, run):
    folder = tmp_path / "tests/integration/s/recordings"
    usual = [_typed(folder, f"q{i}", "openai.types.chat.chat_completion.ChatCompletion") for i in range(3)]
    odd = _typed(folder, "odd", "openai.types.chat.ChatCompletion")
    r = run("validate", folder, "--select", "type", "--format", "json")
    findings = json.loads(r.stdout)
    assert [(f["file"], f["message"]) for f in findings] == [(str(odd), (
        "__type__ openai.types.chat.ChatCompletion: the 3 other recordings of ChatCompletion use "
        "openai.types.chat.chat_completion.ChatCompletion; replay cannot import a module that is not there and "
        "hands the test a plain dict; re-record it, or rename the module in __type__ to where the class lives now"))]
    # as a hook names only the changed files: the usual ones alone are clean, the odd one is compared with them
    assert json.loads(run("validate", *usual, "--select", "type", "--format", "json").stdout) == []
    assert [f["file"] for f in json.loads(run("validate", odd, "--select", "type", "--format", "json").stdout)] \
        == [str(odd)]


def test_type_without_a_majority_flags_nothing(tmp_path, run):
    folder = tmp_path / "tests/integration/s/recordings"
    _typed(folder, "a", "openai.types.chat.chat_completion.ChatCompletion")
    _typed(folder, "b", "openai.types.chat.ChatCompletion")
    r = run("validate", folder, "--select", "type", "--format", "json")
    assert r.exit_code == 0 and json.loads(r.stdout) == []


def test_type_flags_a_package_renamed_since_only_once_the_new_name_is_in_use(tmp_path, run):
    folder = tmp_path / "tests/integration/s/recordings"
    old = _typed(folder, "old", "llama_stack_api.file_processors.models.ProcessFileResponse")
    r = run("validate", folder, "--select", "type", "--format", "json")
    assert json.loads(r.stdout) == []  # a corpus still on Llama Stack's names is consistent with itself
    _typed(folder, "new", "ogx_api.tools.ToolInvocationResult")
    r = run("validate", folder, "--select", "type", "--format", "json")
    assert [(f["file"], f["severity"], f["message"]) for f in json.loads(r.stdout)] == [(str(old), "warning", (
        "__type__ llama_stack_api.file_processors.models.ProcessFileResponse: llama_stack_api was renamed ogx_api "
        "(Llama Stack became OGX); 1 other recording uses ogx_api, so this one was recorded before the rename; "
        "re-record it, or rename the module in __type__ to where the class lives now"))]


def test_type_names_are_the_classes_replay_imports():
    from recordings.formats.llamastack.document import type_names

    stream = {"response": {"body": [{"__type__": "a.b.C", "__data__": {"content": '"__type__": "x.y.Z"'}},
                                    {"__type__": "a.b.C"}, {"__type__": "d.E"}, {"__type__": "notdotted"}, "text"]}}
    assert type_names(stream) == ("a.b.C", "d.E")
    assert type_names({"response": {"body": {"__type__": "ogx_api.tools.ToolInvocationResult"}}}) == (
        "ogx_api.tools.ToolInvocationResult",)
    assert type_names({"response": {"body": None}}) == () and type_names([]) == ()


def test_a_folder_without_recordings_fails_and_named_files_that_are_none_pass(tmp_path, run):
    (tmp_path / "pyproject.toml").write_text("")
    (tmp_path / "wrong").mkdir()
    r = run("validate", tmp_path / "wrong")
    assert r.exit_code == 1  # a CI job pointed at the wrong folder must not pass
    assert r.stderr.splitlines()[0] == f"recordings: no recordings in {tmp_path / 'wrong'}"
    other = tmp_path / "package.json"
    other.write_text('{"name": "x"}')
    r = run("validate", other)  # what pre-commit passes: named files, none of them a recording
    assert r.exit_code == 0, r.stderr
    assert "no recordings in" not in r.stderr


def test_no_totals_prints_the_findings_alone(run):
    r = run("validate", BROKEN / "truncated.json", "--no-totals")
    assert r.exit_code == 1
    assert r.stderr == ""
    assert r.stdout.splitlines() == [f"{BROKEN / 'truncated.json'}", "  error   syntax        truncated JSON (ends "
                                     "after 90 bytes)"]


def test_the_hook_makes_a_recording_replay_cannot_find_an_error(tmp_path):
    """The validate hook's entry (.pre-commit-hooks.yaml) fails a commit that brings a renamed recording."""
    p = copy_to(tmp_path, GOOD)
    renamed = p.with_name("1" * 64 + ".json")
    p.rename(renamed)
    r = _run_hook("recordings-validate", [renamed])
    assert r.returncode == 1
    line = next(x for x in r.stdout.splitlines() if " hash " in x)
    assert line.startswith("  error   hash          replay will not find this recording")
    assert r.stderr == ""  # --no-totals


def test_error_raises_a_rule_for_one_run(tmp_path, run):
    p = copy_to(tmp_path, GOOD)
    renamed = p.with_name("1" * 64 + ".json")
    p.rename(renamed)
    assert run("validate", renamed, "--select", "hash").exit_code == 0  # a warning
    r = run("validate", renamed, "--select", "hash", "--error", "hash", "--format", "json")
    assert r.exit_code == 1 and [f["severity"] for f in json.loads(r.stdout)] == ["error"]
    assert run("validate", renamed, "--error", "hsh").exit_code == 2
