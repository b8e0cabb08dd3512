"""HAR files (Polly.js, Playwright, browser devtools): read into exchanges, listed, shown reassembled, scrubbed
byte for byte, validated; on the bundled sample and on sourcegraph/cody's real Polly.js recordings."""

from __future__ import annotations

import base64
import json
from pathlib import Path

import pytest

from recordings.loader import load
from recordings.protocols import reassemble, timeline
from tests.conftest import ROOT, SAMPLE

FIELD = ROOT.parent / "shared" / "corpora" / "field"
CODY = FIELD / "cody" / "agent" / "recordings"
needs_cody = pytest.mark.skipif(not CODY.is_dir(), reason="../shared/corpora/field/cody is absent")
SAMPLE_HAR = SAMPLE / "har" / "recordings" / "capitals_2950384156" / "recording.har"


def _entry(url: str, text: str, *, mime: str = "application/json", encoding: str | None = None,
           req_headers: list | None = None, res_headers: list | None = None, status: int = 200,
           cookies: list | None = None, body: dict | None = None) -> dict:
    content = {"mimeType": mime, "size": len(text), "text": text}
    if encoding:
        content["encoding"] = encoding
    return {"request": {"method": "POST", "url": url, "headers": req_headers or [],
                        "postData": {"mimeType": "application/json", "text": json.dumps(body or {"model": "m"})},
                        "cookies": cookies or []},
            "response": {"status": status, "headers": res_headers or [], "content": content, "cookies": []},
            "startedDateTime": "2026-01-01T00:00:00.000Z", "time": 5}


def _har(*entries: dict, name: str = "demo") -> dict:
    return {"log": {"_recordingName": name, "creator": {"name": "Polly.JS", "version": "6"}, "entries": list(entries),
                    "version": "1.2"}}


def _write(path: Path, har: dict, newline: bool = False) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(har, indent=2, ensure_ascii=False) + ("\n" if newline else ""), encoding="utf-8")
    return path


def test_the_sample_har_lists_both_entries_by_their_recording_name(run):
    r = run("ls", SAMPLE / "har", "--format", "json")
    assert r.exit_code == 0
    rows = json.loads(r.stdout)
    assert [(x["id"], x["endpoint"], x["model"], x["streaming"]) for x in rows] == [
        ("capitals#0", "/v1/chat/completions", "gpt-4o-mini", False),
        ("capitals#1", "/v1/messages", "claude-haiku-4-5", True),
    ]
    assert {x["test_id"] for x in rows} == {None}  # a HAR file names no test


def test_polly_base64_chunks_are_joined_and_the_stream_reassembled():
    rf = load(str(SAMPLE_HAR))
    answer = reassemble(rf.exchanges[1])
    assert answer.form == "anthropic"
    assert answer.choices[0].text == "Bonjour à tous !"
    assert answer.choices[0].finish_reason == "end_turn"
    assert (answer.usage.prompt_tokens, answer.usage.completion_tokens) == (11, 6)
    whole = reassemble(rf.exchanges[0])
    assert whole.choices[0].text == "Paris is the capital of France."


def test_show_prints_the_answer_and_says_the_file_names_no_test(run):
    r = run("show", "capitals#0", "--root", SAMPLE)
    assert r.exit_code == 0, r.stderr
    assert "test       (unknown: the file names no test)" in r.stdout
    assert "Paris is the capital of France." in r.stdout
    assert "── answer (chat) ──" in r.stdout


def test_a_gzip_body_polly_stored_as_base64_chunks_is_decoded(tmp_path):
    import gzip

    payload = json.dumps({"object": "chat.completion", "model": "m", "choices": [
        {"index": 0, "message": {"role": "assistant", "content": "zipped"}, "finish_reason": "stop"}]}).encode()
    packed = gzip.compress(payload, mtime=0)
    chunks = json.dumps([base64.b64encode(packed[:10]).decode(), base64.b64encode(packed[10:]).decode()])
    path = _write(tmp_path / "r" / "recording.har", _har(_entry(
        "https://api.x/v1/chat/completions", chunks, encoding="base64",
        res_headers=[{"name": "content-encoding", "value": "gzip"}])))
    e = load(str(path)).exchanges[0]
    assert e.response.body.json["choices"][0]["message"]["content"] == "zipped"
    assert reassemble(e).choices[0].text == "zipped"


def test_polly_yaml_form_is_read(tmp_path):
    import yaml

    har = _har(_entry("https://api.x/v1/chat/completions", json.dumps(
        {"object": "chat.completion", "model": "m", "choices": [
            {"index": 0, "message": {"role": "assistant", "content": "from yaml"}, "finish_reason": "stop"}]})))
    path = tmp_path / "rec" / "recording.har.yaml"
    path.parent.mkdir()
    path.write_text(yaml.safe_dump(har))
    rf = load(str(path))
    assert rf.format == "har"
    assert reassemble(rf.exchanges[0]).choices[0].text == "from yaml"
    assert rf.exchanges[0].started == "2026-01-01T00:00:00.000Z"


def test_sourcegraph_cumulative_and_delta_streams(tmp_path):
    cumulative = "".join(f"event: completion\ndata: {json.dumps({'completion': t, 'stopReason': s})}\n\n"
                         for t, s in [(" Hel", ""), (" Hello", ""), (" Hello!", ""), (" Hello!", "stop_sequence")])
    cumulative += "event: done\ndata: {}\n\n"
    deltas = "".join(f"event: completion\ndata: {json.dumps({'deltaText': t, 'stopReason': s})}\n\n"
                     for t, s in [("Good", ""), (" day", ""), ("", "end_turn")]) + "event: done\ndata: {}\n\n"
    rewritten = "".join(f"event: completion\ndata: {json.dumps({'completion': t, 'stopReason': ''})}\n\n"
                        for t in ["abc", "abX"])
    path = _write(tmp_path / "sg" / "recording.har", _har(
        *[_entry("https://sourcegraph.com/.api/completions/stream", text, mime="text/event-stream",
                 body={"messages": [{"speaker": "human", "text": "Hi"}]}) for text in (cumulative, deltas, rewritten)]))
    ex = load(str(path)).exchanges
    a = reassemble(ex[0])
    assert (a.form, a.choices[0].text, a.choices[0].finish_reason) == ("sourcegraph", " Hello!", "stop_sequence")
    assert [d.value for d in timeline(ex[0]) if d.field == "text"] == [" Hel", "lo", "!"]
    assert reassemble(ex[1]).choices[0].text == "Good day"
    assert reassemble(ex[2]).choices[0].text == "abX"  # a rewrite replaces the text, never appends
    from recordings.protocols.conversation import conversation

    assert [(t.role, t.text) for t in conversation(ex[0]).turns] == [("human", "Hi")]


def test_scrub_rewrites_a_polly_file_byte_for_byte_in_its_own_style(tmp_path, run):
    entry = _entry("https://api.x/v1/chat/completions?api_key=sk-live-123", json.dumps({"ok": "é"}),
                   req_headers=[{"name": "authorization", "value": "Bearer sk-abcdef"},
                                {"name": "x-api-key", "value": "DUMMY"}],
                   res_headers=[{"name": "content-type", "value": "application/json"},
                                {"name": "date", "value": "Tue, 01 Dec 2026 10:00:00 GMT"},
                                {"name": "x-request-id", "value": "req_123"}],
                   cookies=[{"name": "session", "value": "abc"}])
    path = _write(tmp_path / "p" / "recording.har", _har(entry))
    r = run("normalize", path)
    assert r.exit_code == 0, r.stderr
    expected = json.loads(json.dumps(_har(entry)))
    req, res = expected["log"]["entries"][0]["request"], expected["log"]["entries"][0]["response"]
    req["headers"][0]["value"] = "REDACTED"  # the placeholder already there (DUMMY) is kept
    req["cookies"][0]["value"] = "REDACTED"
    req["url"] = "https://api.x/v1/chat/completions?api_key=REDACTED"
    res["headers"] = [{"name": "content-type", "value": "application/json"}]
    assert path.read_bytes() == json.dumps(expected, indent=2, ensure_ascii=False).encode()
    again = path.stat().st_mtime_ns
    assert run("normalize", path).exit_code == 0
    assert path.stat().st_mtime_ns == again  # nothing left to change: not touched


def test_scrub_with_a_final_newline_keeps_it_and_yaml_is_reported_not_rewritten(tmp_path, run):
    import yaml

    entry = _entry("https://api.x/v1/chat/completions", "{}",
                   res_headers=[{"name": "date", "value": "Tue, 01 Dec 2026 10:00:00 GMT"}])
    path = _write(tmp_path / "n" / "recording.har", _har(entry), newline=True)
    assert run("normalize", path).exit_code == 0
    assert path.read_bytes().endswith(b"}\n") and b"date" not in path.read_bytes()
    ypath = tmp_path / "y" / "recording.har.yaml"
    ypath.parent.mkdir()
    ypath.write_text(yaml.safe_dump(_har(entry)))
    before = ypath.read_bytes()
    r = run("normalize", "--check", ypath)
    assert r.exit_code == 1
    assert "unknown style, not rewritten" in r.stderr
    assert ypath.read_bytes() == before


def test_validate_names_the_broken_entry_and_warns_on_an_empty_log(tmp_path, run):
    bad = _har({"request": {"method": "GET", "url": "https://x/"}, "response": {"status": "200", "content": {}}})
    path = _write(tmp_path / "b" / "recording.har", bad)
    r = run("validate", path)
    assert r.exit_code == 1
    assert "entry #0: response lacks a numeric status" in r.stdout
    empty = _write(tmp_path / "e" / "recording.har", _har())
    r = run("validate", empty)
    assert r.exit_code == 0
    assert "warning har" in r.stdout.replace("  ", " ") and "the log has no entries" in r.stdout


def test_a_har_file_is_never_pruned(tmp_path, run):
    (tmp_path / "pyproject.toml").write_text("")
    (tmp_path / "tests").mkdir()
    (tmp_path / "tests" / "test_a.py").write_text("def test_a():\n    pass\n")
    _write(tmp_path / "tests" / "recordings" / "gone_123" / "recording.har", _har(_entry("https://x/v1/a", "{}")))
    r = run("prune", "--dry-run", "--root", tmp_path)
    assert r.exit_code == 0
    assert "0 orphans" in r.stderr
    assert "har" in r.stderr  # the summary line says HAR files are not judged


@needs_cody
def test_cody_corpus_every_file_read_and_every_completion_reassembled(run):
    r = run("ls", CODY, "--format", "json")
    assert r.exit_code == 0, r.stderr
    rows = json.loads(r.stdout)
    assert len({x["path"] for x in rows}) == 18
    assert len(rows) == 303
    completions = [x for x in rows if x["endpoint"].startswith("/.api/completions/")]
    assert len(completions) == 59
    empty = []
    for x in completions:
        rf = load(x["path"])
        e = rf.exchanges[int(x["id"].rsplit("#", 1)[1])]
        a = reassemble(e)
        assert a.form == "sourcegraph", x["id"]
        if not a.choices or not a.choices[0].text:
            empty.append(x["id"])
    assert empty == []


@needs_cody
def test_cody_known_answer(run):
    r = run("show", "FullConfig#31", "--root", FIELD / "cody", "--chunks")
    assert r.exit_code == 0, r.stderr
    assert '#0    text " Hello"\n#1    text "!"\n#2    finish "stop_sequence"' in r.stdout
    assert r.stdout.rstrip().endswith("assistant:\n Hello!\nfinish     stop_sequence")
