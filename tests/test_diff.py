"""``recordings diff``: pairs per kind, corpus pairs, git revisions."""

from __future__ import annotations

import copy
import json
import shutil
import subprocess
from pathlib import Path

import pytest

from recordings.corpus_diff import compare_exchanges
from recordings.formats.llamastack.document import exchange_of
from recordings.jsonbytes import canonical_bytes
from tests.conftest import SAMPLE, sample_file


def load(prefix: str) -> dict:
    return json.loads(sample_file(prefix).read_bytes())


def _chunks(doc):
    return doc["response"]["body"]


def rechunk_chat(doc):
    """Merge the first two content chunks: the same answer, other chunk boundaries."""
    body = _chunks(doc)
    for key in ("content", "reasoning_content"):
        idx = [i for i, c in enumerate(body) if (c["__data__"]["choices"] or [{}])[0].get("delta", {}).get(key)]
        if len(idx) >= 2:
            a, b = idx[0], idx[1]
            body[a]["__data__"]["choices"][0]["delta"][key] += body[b]["__data__"]["choices"][0]["delta"][key]
            del body[b]
            return
    raise AssertionError("nothing to re-chunk")


def rechunk_completion(doc):
    body = _chunks(doc)
    body[0]["__data__"]["choices"][0]["text"] += body[1]["__data__"]["choices"][0]["text"]
    del body[1]


def rechunk_anthropic(doc):
    body = _chunks(doc)
    i = next(k for k, line in enumerate(body) if '"text_delta"' in line)
    j = next(k for k, line in enumerate(body) if k > i and '"text_delta"' in line)
    first, second = json.loads(body[i][6:]), json.loads(body[j][6:])
    first["delta"]["text"] += second["delta"]["text"]
    body[i] = "data: " + json.dumps(first, separators=(",", ":"))
    del body[j - 1:j + 2]  # its event line, data line and blank line


def rechunk_gemini(doc):
    body = _chunks(doc)
    body[0]["candidates"][0]["content"]["parts"][0]["text"] += body[1]["candidates"][0]["content"]["parts"][0]["text"]
    del body[1]


def edit_chat_text(doc):
    for c in _chunks(doc):
        ch = c["__data__"]["choices"]
        if ch and ch[0]["delta"].get("content") == "all good":
            ch[0]["delta"]["content"] = "all bad"


def edit_tool_args(doc):
    for c in _chunks(doc):
        ch = c["__data__"]["choices"]
        for call in (ch[0]["delta"].get("tool_calls") or []) if ch else []:
            if call["function"]["arguments"] == 'ris"}':
                call["function"]["arguments"] = 'ris", "unit": "C"}'


def edit_completion(doc):
    _chunks(doc)[0]["__data__"]["choices"][0]["text"] = " green"


def edit_anthropic(doc):
    body = _chunks(doc)
    body[:] = [line.replace("Let me check", "I will check") for line in body]


def edit_gemini(doc):
    _chunks(doc)[0]["candidates"][0]["content"]["parts"][0]["text"] = "Goodbye"


def edit_whole_chat(doc):
    doc["response"]["body"]["__data__"]["choices"][0]["message"]["content"] = "Lyon"


def edit_usage(doc):
    doc["response"]["body"]["__data__"]["usage"]["completion_tokens"] = 99


def edit_error(doc):
    doc["response"]["exception_data"]["status_code"] = 500


def edit_embeddings(doc):
    doc["response"]["body"]["__data__"]["data"][0]["embedding"][1] = 0.5


def noise_ids(doc):
    body = doc["response"]["body"]
    for item in body if isinstance(body, list) else [body]:
        if isinstance(item, dict) and "__data__" in item:
            item["__data__"]["id"] = "chatcmpl-NEW"
            if "created" in item["__data__"]:
                item["__data__"]["created"] = 1765000000
            item["__data__"]["system_fingerprint"] = "fp_other"


CASES = [
    # (sample, edit, expected status, expected what)
    ("cfe08c6d0c8f", edit_chat_text, "changed", ("answer text",)),
    ("b77e97369d3f", edit_tool_args, "changed", ("tool calls",)),
    ("99d0d0b12e00", edit_completion, "changed", ("answer text",)),
    ("bcbdbc2136eb", edit_anthropic, "changed", ("answer text",)),
    ("9c8994cf021f", edit_gemini, "changed", ("answer text",)),
    ("07d2973bd4a4", edit_whole_chat, "changed", ("answer text",)),
    ("e8791d493902", edit_usage, "changed", ("usage",)),
    ("4261c579f5f0", edit_error, "changed", ("error",)),
    ("dc79f95c4e23", edit_embeddings, "changed", ("response",)),
    ("cfe08c6d0c8f", noise_ids, "noise", ("ids", "timestamps")),
    ("07d2973bd4a4", noise_ids, "noise", ("ids", "timestamps")),
    ("cfe08c6d0c8f", rechunk_chat, "noise", ("chunking",)),
    ("b77e97369d3f", rechunk_chat, "noise", ("chunking",)),
    ("99d0d0b12e00", rechunk_completion, "noise", ("chunking",)),
    ("bcbdbc2136eb", rechunk_anthropic, "noise", ("chunking",)),
    ("9c8994cf021f", rechunk_gemini, "noise", ("chunking",)),
]


@pytest.mark.parametrize("prefix, edit, status, what", CASES, ids=[f"{c[0]}-{c[1].__name__}" for c in CASES])
def test_pairs_per_kind(prefix, edit, status, what):
    old = load(prefix)
    new = copy.deepcopy(old)
    edit(new)
    assert new != old
    assert compare_exchanges(exchange_of("r.json", old), exchange_of("r.json", new)) == (status, what)


def _write(path: Path, doc: dict) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(canonical_bytes(doc))
    return path


def test_two_recordings_cli(tmp_path, run):
    src = sample_file("cfe08c6d0c8f")
    old = _write(tmp_path / "a" / src.name, load("cfe08c6d0c8f"))
    doc = load("cfe08c6d0c8f")
    edit_chat_text(doc)
    new = _write(tmp_path / "b" / src.name, doc)
    r = run("diff", old, new)
    assert r.exit_code == 1
    assert r.stdout.splitlines()[:2] == [
        "differences (answer text):",
        "  ['response']['answer']['choices'][0]['text']: \"Status: [red]all good[/red] :smile:\\n\\n**done**\" → "
        "\"Status: [red]all bad[/red] :smile:\\n\\n**done**\"",
    ]
    assert "-Status: [red]all good[/red] :smile:\n+Status: [red]all bad[/red] :smile:\n" in r.stdout
    assert r.stderr == "changed: answer text\n"
    noisy = load("cfe08c6d0c8f")
    rechunk_chat(noisy)
    _write(new, noisy)
    r = run("diff", old, new)
    assert r.exit_code == 0
    assert r.stderr == "noise: chunking\n"
    assert r.stdout == ""  # nothing a test sees; --exact shows the chunk changes
    r = run("diff", old, new, "--exact", "--format", "json")
    data = json.loads(r.stdout)
    assert data["status"] == "noise" and data["what"] == ["chunking"]
    assert any("['response']['body']" in d for d in data["differences"])  # --exact shows the chunk changes
    assert run("diff", old, old).exit_code == 0


def _corpus_pair(tmp_path: Path) -> tuple[Path, Path]:
    a, b = tmp_path / "old", tmp_path / "new"
    shutil.copytree(SAMPLE / "tests", a / "tests")
    shutil.copytree(SAMPLE / "tests", b / "tests")
    inf = "tests/integration/inference/recordings"
    # changed
    doc = load("cfe08c6d0c8f")
    edit_chat_text(doc)
    _write(b / inf / sample_file("cfe08c6d0c8f").name, doc)
    # noise-only
    doc = load("07d2973bd4a4")
    noise_ids(doc)
    _write(b / inf / sample_file("07d2973bd4a4").name, doc)
    # removed
    (b / inf / sample_file("e8791d493902").name).unlink()
    # added
    extra = load("e8791d493902")
    extra["test_id"] = extra["test_id"].replace("non_streaming", "brand_new")
    _write(b / inf / ("a" * 64 + ".json"), extra)
    # renamed by rehash: same test and endpoint, a changed request, a new name
    moved = load("99d0d0b12e00")
    moved["request"]["body"]["max_tokens"] = 9
    (b / inf / sample_file("99d0d0b12e00").name).unlink()
    _write(b / inf / ("b" * 64 + ".json"), moved)
    return a, b


def sample_test_id(prefix: str) -> str:
    return load(prefix)["test_id"]


def renamed_hash(new_corpus: Path) -> str:
    from recordings.formats.llamastack.hashing import request_hash
    from recordings.model import Kind

    doc = json.loads((new_corpus / "tests/integration/inference/recordings" / ("b" * 64 + ".json")).read_bytes())
    return request_hash(Kind.INFERENCE, doc["request"], doc["test_id"])


def test_corpus_pair(tmp_path, run):
    a, b = _corpus_pair(tmp_path)
    r = run("diff", a, b, "--format", "json")
    assert r.exit_code == 1
    data = json.loads(r.stdout)
    got = {(f["status"], (f["new"] or f["old"]).rsplit("/", 1)[1][:12], f["renamed"], tuple(f["what"]))
           for f in data["files"]}
    assert got == {
        ("changed", "cfe08c6d0c8f", False, ("answer text",)),
        ("noise", "07d2973bd4a4", False, ("ids", "timestamps")),
        # the same request under another test id and name: moved (and changed), not removed plus added
        ("changed", "aaaaaaaaaaaa", False, ("test_id",)),
        ("changed", "bbbbbbbbbbbb", True, ("request",)),
    }
    assert data["summary"] == {"added": 0, "removed": 0, "changed": 3, "noise": 1, "unchanged": 13,
                               "unreadable": 0, "renamed": 1, "moved": 1, "replay_breaking": 2}
    assert data["suites"]["inference"] == {"added": 0, "removed": 0, "changed": 3, "noise": 1, "unchanged": 4,
                                           "unreadable": 0, "moved": 0}
    by_name = {(f["new"] or f["old"]).rsplit("/", 1)[1][:12]: f for f in data["files"]}
    # replay-breaking first: the added file and the renamed one are not named by their requests' hashes
    assert [(f["new"] or f["old"]).rsplit("/", 1)[1][:12] for f in data["files"][:2]] == ["aaaaaaaaaaaa",
                                                                                          "bbbbbbbbbbbb"]
    renamed = by_name["bbbbbbbbbbbb"]
    assert renamed["request_fields"] == ["body.max_tokens"]
    assert renamed["test"] == sample_test_id("99d0d0b12e00")
    assert renamed["replay_breaking"] == [f"hash: its request and test id now hash to {renamed_hash(b)[:12]}…, not "
                                          "bbbbbbbbbbbb…: replay will not find it (re-record, or `recordings "
                                          "normalize --rehash`)"]
    assert by_name["cfe08c6d0c8f"]["answer_diff"][4:6] == ["-Status: [red]all good[/red] :smile:",
                                                           "+Status: [red]all bad[/red] :smile:"]
    assert by_name["aaaaaaaaaaaa"]["moved"] is True and by_name["aaaaaaaaaaaa"]["old"].endswith(
        sample_file("e8791d493902").name)
    r = run("diff", a, b, "--name-only")
    assert sorted(line.rsplit("/", 1)[1][:12] for line in r.stdout.splitlines()) == [
        "aaaaaaaaaaaa", "bbbbbbbbbbbb", "cfe08c6d0c8f"]
    r = run("diff", a, b, "--stat")
    assert "\ninference              0           0           3           1           4           0\n" in r.stdout
    r = run("diff", a, b, "--show-unchanged", "--format", "json")
    assert len(json.loads(r.stdout)["files"]) == 17  # the moved pair is one entry


def test_noise_only_corpus_exits_0(tmp_path, run):
    a, b = tmp_path / "old", tmp_path / "new"
    shutil.copytree(SAMPLE / "tests", a / "tests")
    shutil.copytree(SAMPLE / "tests", b / "tests")
    doc = load("b77e97369d3f")
    rechunk_chat(doc)
    _write(b / "tests/integration/inference/recordings" / sample_file("b77e97369d3f").name, doc)
    r = run("diff", a, b)
    assert r.exit_code == 0
    assert r.stdout.startswith("noise ")


def test_unreadable_files_are_reported_not_differences(tmp_path, run):
    a, b = tmp_path / "old", tmp_path / "new"
    shutil.copytree(SAMPLE / "tests", a / "tests")
    shutil.copytree(SAMPLE / "tests", b / "tests")
    target = b / "tests/integration/inference/recordings" / sample_file("b77e97369d3f").name
    target.write_bytes(b'{"test_id": ')
    r = run("diff", a, b, "--format", "json")
    assert r.exit_code == 2
    data = json.loads(r.stdout)
    assert [f["status"] for f in data["files"]] == ["unreadable"]
    assert "truncated JSON" in data["files"][0]["reason"]
    assert "truncated JSON" in r.stderr


def _git(cwd: Path, *args: str) -> None:
    subprocess.run(["git", "-c", "user.name=t", "-c", "user.email=t@t", *args], cwd=cwd, check=True,
                   capture_output=True)


def test_git_revisions(tmp_path, run, monkeypatch):
    repo = tmp_path / "repo"
    shutil.copytree(SAMPLE / "tests", repo / "tests")
    _git(repo, "init", "-q")
    _git(repo, "add", ".")
    _git(repo, "commit", "-qm", "one")
    target = repo / "tests/integration/inference/recordings" / sample_file("cfe08c6d0c8f").name
    doc = load("cfe08c6d0c8f")
    edit_chat_text(doc)
    target.write_bytes(canonical_bytes(doc))
    monkeypatch.chdir(repo)
    r = run("diff", "HEAD", "--format", "json")  # HEAD against the working tree
    assert r.exit_code == 1
    assert [(f["status"], f["what"]) for f in json.loads(r.stdout)["files"]] == [("changed", ["answer text"])]
    _git(repo, "commit", "-qam", "two")
    r = run("diff", "HEAD~1", "HEAD", "--name-only")
    assert r.stdout == f"tests/integration/inference/recordings/{target.name}\n"
    assert run("diff", "HEAD", "HEAD").exit_code == 0
    r = run("diff", "HEAD~1", "HEAD", "--path", "tests/integration/messages", "--format", "json")
    assert json.loads(r.stdout)["summary"]["changed"] == 0
    assert subprocess.run(["git", "status", "--porcelain"], cwd=repo, capture_output=True, text=True).stdout == ""
    r = run("diff", "nosuchrev")
    assert r.exit_code == 2 and "no such revision in the repository" in r.stderr


def test_not_a_repository_is_a_clear_error(tmp_path, run):
    r = run("diff", "HEAD", "--root", tmp_path)
    assert r.exit_code == 2
    assert f"{tmp_path} is not in a git repository" in r.stderr


def test_word_highlighting_at_a_terminal(tmp_path):
    from tests.conftest import run_in_pty

    old = _write(tmp_path / "a" / sample_file("cfe08c6d0c8f").name, load("cfe08c6d0c8f"))
    doc = load("cfe08c6d0c8f")
    edit_chat_text(doc)
    new = _write(tmp_path / "b" / old.name, doc)
    out = run_in_pty("import sys\nfrom recordings.commands import main\n"
                     f"sys.argv = ['recordings', 'diff', {str(old)!r}, {str(new)!r}]\nmain()\n", {"NO_COLOR": None})
    assert "\x1b[1;7;31mgood" in out and "\x1b[1;7;32mbad" in out  # reverse video marks the changed words
    plain = __import__("re").sub(r"\x1b\[[0-9;]*m", "", out)
    assert "-Status: [red]all good[/red] :smile:" in plain and "+Status: [red]all bad[/red] :smile:" in plain


def test_exact_shows_the_noise_it_names(tmp_path, run):
    src = sample_file("b77e97369d3f")
    doc = json.loads(src.read_bytes())
    for chunk in doc["response"]["body"]:
        chunk["__data__"]["id"] = "chatcmpl-xyz"
        chunk["__data__"]["created"] = 1700000000
    new = tmp_path / "new.json"
    new.write_text(json.dumps(doc, indent=2) + "\n")
    r = run("diff", src, new)
    assert r.exit_code == 0 and r.stdout == "" and "noise: ids, timestamps" in r.stderr
    r = run("diff", "--exact", src, new, "--format", "json")
    d = json.loads(r.stdout)
    assert d["status"] == "noise"
    assert "['response']['body'][0]['__data__']['id']: \"rec-b77e97369d3f\" → \"chatcmpl-xyz\"" in d["differences"]
    assert "['response']['body'][0]['__data__']['created']: 0 → 1700000000" in d["differences"]
    assert len(d["differences"]) == 2 * len(doc["response"]["body"])


def _moved_pair(tmp_path: Path) -> tuple[Path, Path]:
    """Before: a recording in common/; after: the same request in the test's own folder, under the name its
    test id now hashes it to, with a retyped response (the rename of Llama Stack's classes)."""
    from recordings.formats.llamastack.hashing import request_hash
    from recordings.model import Kind

    a, b = tmp_path / "old", tmp_path / "new"
    for side in (a, b):
        (side / "pyproject.toml").parent.mkdir(parents=True, exist_ok=True)
        (side / "pyproject.toml").write_text("")
    doc = load("07d2973bd4a4")
    shared = dict(doc, test_id=None)
    name = request_hash(Kind.INFERENCE, shared["request"], None)
    _write(a / "tests/integration/common/recordings" / f"{name}.json", shared)
    moved = json.loads(json.dumps(doc))
    _write(b / "tests/integration/inference/recordings" / f"{request_hash(Kind.INFERENCE, moved['request'], moved['test_id'])}.json", moved)
    typed = load("e8791d493902")
    _write(a / "tests/integration/inference/recordings" / sample_file("e8791d493902").name, typed)
    retyped = json.loads(json.dumps(typed))
    retyped["response"]["body"]["__type__"] = "ogx_api.completions.Completion"
    _write(b / "tests/integration/inference/recordings" / sample_file("e8791d493902").name, retyped)
    return a, b


def test_a_recording_moved_with_the_same_request_is_paired_and_a_retyped_one_breaks_replay(tmp_path, run):
    a, b = _moved_pair(tmp_path)
    d = json.loads(run("diff", a, b, "--format", "json").stdout)
    assert d["summary"]["removed"] == d["summary"]["added"] == 0
    moved = next(f for f in d["files"] if f["moved"])
    assert moved["old"].startswith("tests/integration/common/recordings/")
    assert moved["new"].startswith("tests/integration/inference/recordings/")
    assert moved["what"] == ["test_id"] and moved["replay_breaking"] == []
    retyped = next(f for f in d["files"] if f["replay_breaking"])
    assert retyped["replay_breaking"] == ["__type__ changed: openai.types.completion.Completion → "
                                          "ogx_api.completions.Completion (replay imports it to rebuild the response)"]
    assert d["files"][0] == retyped  # what breaks replay comes first
    text = run("diff", a, b).stdout.splitlines()
    assert text[1].startswith("  replay-breaking  __type__ changed: openai.types.completion.Completion")
    assert any(line.startswith("moved and changed  tests/integration/common/recordings/") for line in text)


def test_the_markdown_report_names_the_replay_breaking_files_and_keeps_recorded_text_in_code(tmp_path, run):
    a, b = _corpus_pair(tmp_path)
    doc = load("cfe08c6d0c8f")
    edit_chat_text(doc)
    for c in _chunks(doc):  # recorded text that would close a code fence, or open HTML
        ch = c["__data__"]["choices"]
        if ch and ch[0]["delta"].get("content") == "all bad":
            ch[0]["delta"]["content"] = "all bad ```\n<details>"
    _write(b / "tests/integration/inference/recordings" / sample_file("cfe08c6d0c8f").name, doc)
    r = run("diff", a, b, "--format", "markdown")
    assert r.exit_code == 1
    md = r.stdout
    assert "| changed | replay-breaking | noise only | added | removed | moved |\n|---|---|---|---|---|---|\n" \
           "| 3 | 2 | 1 | 0 | 0 | 1 |" in md
    assert "**Replay-breaking (2)**" in md and "aaaaaaaaaaaa" in md.split("**Replay-breaking (2)**")[1].split("<details>")[0]
    assert md.count("<details><summary>") == 4  # one per test with a difference
    moved = md.split("**Moved (1)**\n\n")[1].split("\n")[0]  # each moved pair by name, above the sections
    assert moved.startswith("- `") and "` → `" in moved and md.index("**Moved (1)**") < md.index("<details>")
    inside = md.split("all bad ```")[0].rsplit("\n````diff\n", 1)
    assert len(inside) == 2  # the fence is longer than the backticks the answer holds
    short = run("diff", a, b, "--format", "markdown", "--max-bytes", "1000").stdout
    assert len(short.encode()) < 1600 and short.rstrip().endswith("to see them all.")
    assert "more recordings: run `recordings diff " in short


def test_group_by_test_lists_each_test_once(tmp_path, run):
    a, b = _corpus_pair(tmp_path)
    lines = run("diff", a, b, "--group", "test").stdout.splitlines()
    tests = [line for line in lines if not line.startswith(" ")]
    assert len(tests) == len(set(tests)) == 4 and all("::" in t for t in tests)


from hypothesis import given, strategies as st  # noqa: E402


@given(st.text(max_size=300), st.text(min_size=1, max_size=50), st.text(max_size=50), st.text(max_size=300))
def test_a_long_value_is_shown_around_its_change(prefix, old_mid, new_mid, suffix):
    from recordings.corpus_diff import around_change

    old, new = prefix + old_mid + suffix, prefix + new_mid + suffix
    a, b = around_change(old, new)
    if old == new:
        return
    p = next(i for i in range(min(len(old), len(new)) + 1)
             if i == min(len(old), len(new)) or old[i] != new[i])
    # the first differing character, and what follows it, are shown on both sides
    assert old[p:p + 1] in a and new[p:p + 1] in b
    assert a.strip("…") in old and b.strip("…") in new


def _two_commits(tmp_path: Path) -> Path:
    from tests.conftest import sample_repo

    repo = sample_repo(tmp_path, "before")
    doc = load("cfe08c6d0c8f")
    edit_chat_text(doc)
    _write(repo / "tests/integration/inference/recordings" / sample_file("cfe08c6d0c8f").name, doc)
    _git(repo, "commit", "-qam", "after")
    return repo


def test_path_globs_limit_a_revision_diff_and_a_typo_is_an_error(tmp_path, run):
    repo = _two_commits(tmp_path)
    r = run("diff", "HEAD~1", "HEAD", "--root", repo, "--path", "tests/integration/*/recordings/cfe08c6d0c8f*",
            "--format", "json")
    assert r.exit_code == 1
    assert [f["status"] for f in json.loads(r.stdout)["files"]] == ["changed"]
    r = run("diff", "HEAD~1", "HEAD", "--root", repo, "--path", "tests/integration/infrence")
    assert r.exit_code == 2
    assert r.stderr == "recordings: --path tests/integration/infrence matches no recording in HEAD~1 or HEAD\n"


def test_a_file_at_a_revision_is_compared_as_git_spells_it(tmp_path, run, monkeypatch):
    repo = _two_commits(tmp_path)
    monkeypatch.chdir(repo)
    rel = f"tests/integration/inference/recordings/{sample_file('cfe08c6d0c8f').name}"
    r = run("diff", f"HEAD~1:{rel}", rel, "--format", "json")
    assert r.exit_code == 1, r.stderr
    d = json.loads(r.stdout)
    assert d["status"] == "changed" and d["what"] == ["answer text"]
    assert run("diff", f"HEAD~1:{rel}", f"HEAD:{rel}").exit_code == 1
    r = run("diff", "HEAD~1:tests/nope.json", rel)
    assert r.exit_code == 2 and r.stderr.startswith("recordings: HEAD~1:tests/nope.json: ")


def _cassette_pair(tmp_path: Path, conftest: str | None) -> tuple[Path, Path]:
    """The sample's cassette project twice, the second with interaction #0 sent to another path."""
    import yaml

    a, b = tmp_path / "old", tmp_path / "new"
    for side in (a, b):
        shutil.copytree(SAMPLE / "vcr", side)
        if conftest is not None:
            (side / "tests" / "conftest.py").write_text(conftest)
    cassette = next((b / "tests" / "cassettes").rglob("*.yaml"))
    doc = yaml.safe_load(cassette.read_text())
    doc["interactions"][0]["request"]["uri"] = doc["interactions"][0]["request"]["uri"].replace("/v1/", "/v2/")
    cassette.write_text(yaml.safe_dump(doc))
    return a, b


def test_a_cassette_request_changed_in_a_matched_field_breaks_replay(tmp_path, run):
    a, b = _cassette_pair(tmp_path, None)  # no vcr_config: vcrpy's own match_on
    d = json.loads(run("diff", a, b, "--format", "json").stdout)
    broken = [f for f in d["files"] if f["replay_breaking"]]
    assert [f["replay_breaking"] for f in broken] == [[
        "match_on: interaction #0's request changed in path (matched on method, scheme, host, port, path, query): "
        "a test that sends the old request no longer finds it"]]


def test_the_projects_match_on_decides_and_an_unread_one_claims_nothing(tmp_path, run):
    conftest = ("import pytest\n\n\n@pytest.fixture(scope='module')\ndef vcr_config():\n"
                "    config = {'record_mode': 'once'}\n    config['match_on'] = ['method', 'host', 'body']\n"
                "    return config\n")
    a, b = _cassette_pair(tmp_path / "lit", conftest)
    d = json.loads(run("diff", a, b, "--format", "json").stdout)
    assert [f for f in d["files"] if f["replay_breaking"]] == []  # the path is not matched on here
    unread = conftest.replace("['method', 'host', 'body']", "MATCHERS")
    a, b = _cassette_pair(tmp_path / "var", unread)
    d = json.loads(run("diff", a, b, "--format", "json").stdout)
    assert [f for f in d["files"] if f["replay_breaking"]] == []  # not read: nothing claimed
    assert d["summary"]["changed"] == 1


def test_an_added_recording_typed_unlike_the_rest_of_the_corpus_breaks_replay(tmp_path, run):
    from recordings.formats.llamastack.hashing import request_hash
    from recordings.model import Kind

    a, b = tmp_path / "old", tmp_path / "new"
    shutil.copytree(SAMPLE / "tests", a / "tests")
    shutil.copytree(SAMPLE / "tests", b / "tests")
    doc = load("e8791d493902")
    doc["test_id"] = doc["test_id"].replace("non_streaming", "retyped")
    doc["request"]["body"]["max_tokens"] = 3  # another request: added, not moved
    doc["response"]["body"]["__type__"] = "openai.types.completions.Completion"
    name = request_hash(Kind.INFERENCE, doc["request"], doc["test_id"])
    _write(b / "tests/integration/inference/recordings" / f"{name}.json", doc)
    d = json.loads(run("diff", a, b, "--format", "json").stdout)
    added = next(f for f in d["files"] if f["status"] == "added")
    assert len(added["replay_breaking"]) == 1
    assert added["replay_breaking"][0].startswith(
        "__type__ openai.types.completions.Completion: the 2 other recordings of Completion use "
        "openai.types.completion.Completion")


def test_a_cassette_moved_beside_one_of_its_name_is_paired_and_files_of_no_known_test_are_not(tmp_path, run):
    """Two cassettes of one name (two modules' ``test_prompt.yaml``) are matched by path; one of them moved
    with its bytes is still paired by the requests it holds. A removed and an added cassette whose tests are
    not known share only an endpoint: that is no proof of a rename, so they stay a removal and an addition."""
    import yaml

    a, b = tmp_path / "old", tmp_path / "new"
    for side in (a, b):
        shutil.copytree(SAMPLE / "vcr", side)
    cassettes = "tests/cassettes"
    original = a / cassettes / "test_weather" / "test_weather_stream.yaml"
    doc = yaml.safe_load(original.read_text())
    for side in (a, b):  # a second cassette of the same name, in another module's folder
        (side / cassettes / "test_other").mkdir()
        shutil.copy(original, side / cassettes / "test_other" / "test_weather_stream.yaml")
    moved = b / cassettes / "test_moved" / "test_weather_stream.yaml"
    moved.parent.mkdir()
    (b / cassettes / "test_weather" / "test_weather_stream.yaml").rename(moved)
    # written by no test's naming: a removal in A, and an addition in B to the same endpoint
    doc["interactions"][0]["request"]["body"] = "removed"
    (a / cassettes / "test_weather" / "unnamed_one.yaml").write_text(yaml.safe_dump(doc))
    doc["interactions"][0]["request"]["body"] = "added"
    (b / cassettes / "test_weather" / "unnamed_two.yaml").write_text(yaml.safe_dump(doc))

    d = json.loads(run("diff", a, b, "--format", "json").stdout)
    by = {(f["status"], f["old"], f["new"]) for f in d["files"] if f["status"] != "unchanged"}
    assert by == {
        ("moved", f"{cassettes}/test_weather/test_weather_stream.yaml", f"{cassettes}/test_moved/test_weather_stream.yaml"),
        ("removed", f"{cassettes}/test_weather/unnamed_one.yaml", None),
        ("added", None, f"{cassettes}/test_weather/unnamed_two.yaml"),
    }
    assert (d["summary"]["moved"], d["summary"]["renamed"]) == (1, 0)


def test_the_markdown_report_shows_changed_tests_before_tests_that_only_gained_files(tmp_path, run):
    from recordings.formats.llamastack.hashing import request_hash
    from recordings.model import Kind

    a, b = _corpus_pair(tmp_path)
    inf = b / "tests/integration/inference/recordings"
    (inf / ("a" * 64 + ".json")).unlink()
    added = load("e8791d493902")
    added["test_id"] = "tests/integration/inference/a_first_by_name.py::test_added"  # sorts before every test
    added["request"]["body"]["max_tokens"] = 7  # not the request of the file the other side removed
    _write(inf / f"{request_hash(Kind.INFERENCE, added['request'], added['test_id'])}.json", added)
    md = run("diff", a, b, "--format", "markdown").stdout
    heads = [line for line in md.splitlines() if line.startswith("<details><summary>")]
    only_added = next(i for i, h in enumerate(heads) if "a_first_by_name.py::test_added" in h)
    answer_edited = sample_test_id("cfe08c6d0c8f")  # its answer changed; nothing about it breaks replay
    changed = next(i for i, h in enumerate(heads) if f"<code>{answer_edited}</code>" in h)
    assert changed < only_added and heads[only_added].endswith(": 1 added</summary>")


def test_one_pass_over_a_cassettes_pairs_finds_the_classification_the_matched_breaks_and_the_details(tmp_path):
    """``_pair_pass`` decodes each interaction once: its classification is :func:`compare_files`' and its
    matched-field breaks and details are what separate passes over the pairs gave (the literals below)."""
    import yaml

    from recordings.corpus_diff import _pair_pass, compare_files, parse_file

    a, b = _cassette_pair(tmp_path, None)  # interaction #0 sent to another path
    cassette = next((b / "tests" / "cassettes").rglob("*.yaml"))
    doc = yaml.safe_load(cassette.read_text())
    doc["interactions"][1]["response"]["headers"]["x-custom"] = ["changed"]  # a header a test may read
    doc["interactions"].append(doc["interactions"][0])  # and one interaction more
    cassette.write_text(yaml.safe_dump(doc))
    rel = str(cassette.relative_to(b))
    ob, nb = (a / rel).read_bytes(), cassette.read_bytes()
    od, nd = parse_file(rel, ob), parse_file(rel, nb)
    classified, matching, details = _pair_pass(rel, od, ob, rel, nd, nb, str(b))
    assert classified == compare_files(rel, od, rel, nd) == \
        ("changed", ("request", "response headers", "interactions added"))
    assert matching == ["match_on: interaction #0's request changed in path (matched on method, scheme, host, "
                        "port, path, query): a test that sends the old request no longer finds it"]
    assert details == (None, ["#0 endpoint", "#0 url"], [
        '#0 [\'request\'][\'endpoint\']: "/v1/chat/completions" → "/v2/chat/completions"',
        '#0 [\'request\'][\'url\']: "https://api.openai.com/v1/chat/completions" → '
        '"https://api.openai.com/v2/chat/completions"',
        "#2 interaction added"], [])
    # asked only for the matched fields, it leaves the rest alone
    assert _pair_pass(rel, od, ob, rel, nd, nb, str(b), classify=False, details=False) == \
        (None, matching, (None, [], [], []))
