"""``recordings ls`` and ``recordings show`` through the CLI."""

from __future__ import annotations

import json
import subprocess
import sys

from tests.conftest import BROKEN, SAMPLE, SHARED, needs_shared, run_in_pty, sample_file


def test_ls_lists_the_sample_as_plain_text(run):
    r = run("ls", SAMPLE)
    assert r.exit_code == 0
    lines = r.stdout.splitlines()
    assert lines[0].split() == ["ID", "SUITE", "TEST", "ENDPOINT", "MODEL", "STREAM", "SIZE", "FLAGS"]
    assert len(lines) == 32  # 17 OGX recordings, 6 in rerecord/ (3 before, 3 after), 2 + 4 cassette interactions (one per serializer), 2 HAR entries
    row = next(line for line in lines if line.startswith("b77e97369d3f"))
    assert row.split()[:7] == ["b77e97369d3f", "inference", "test_chat.py::test_parallel_tool_calls[txt=ollama/gpt-oss:20b]",
                               "/v1/chat/completions", "gpt-oss:20b", "yes", "13"]
    assert "\x1b[" not in r.stdout  # no color when piped
    assert r.stderr.startswith("31 recordings, ")


def test_ls_json_is_a_stable_list_of_objects(run):
    r = run("ls", SAMPLE, "--format", "json")
    data = json.loads(r.stdout)
    assert len(data) == 31
    assert set(data[0]) == {"id", "path", "suite", "test_id", "test", "kind", "method", "endpoint", "url", "provider",
                            "model", "streaming", "chunks", "exception", "status", "size", "shared", "response_type"}
    by_id = {d["id"][:12]: d for d in data}
    assert by_id["4261c579f5f0"]["exception"]["type"] == "BadRequestError"
    assert by_id["cfe08c6d0c8f"]["test"] == {"file": "tests/integration/inference/test_chat.py", "class": "TestChat",
                                              "function": "test_streaming_text",
                                              "params": "openai_client-txt=openai/gpt-4o"}


def _ids(run, *args):
    r = run("ls", SAMPLE, "--format", "json", *args)
    assert r.exit_code == 0, r.stderr
    # rerecord/ holds copies of three recordings, before and after a re-record: counted apart
    return sorted(d["id"][:12] for d in json.loads(r.stdout) if "/rerecord/" not in d["path"])


def test_ls_filters(run):
    assert _ids(run, "--test", "*TestChat::*") == ["07d2973bd4a4", "cfe08c6d0c8f"]
    assert _ids(run, "--test", "test_completion") == ["99d0d0b12e00", "e8791d493902"]
    assert _ids(run, "--model", "*gemini*", "--streaming") == ["98a667ce4783", "9c8994cf021f"]
    assert _ids(run, "--endpoint", "/v1/embeddings") == ["dc79f95c4e23"]
    assert _ids(run, "--suite", "messages") == ["bcbdbc2136eb"]
    assert _ids(run, "--provider", "tavily") == ["4c481af3c930"]
    assert _ids(run, "--kind", "http") == ["98a667ce4783", "bcbdbc2136eb", "capitals#0", "capitals#1", "test_gzip#0",
                                           "test_json#0", "test_lists#0", "test_parsed_", "test_weather",
                                           "test_weather"]
    assert _ids(run, "--exceptions") == ["4261c579f5f0", "a125969ad20b"]
    assert len(_ids(run, "--no-streaming")) == 16


def test_ls_selects_one_recorder_by_its_name_or_an_old_or_other_name(run):
    har = ["capitals#0", "capitals#1"]
    cassettes = ["test_gzip#0", "test_json#0", "test_lists#0", "test_parsed_", "test_weather", "test_weather"]
    assert _ids(run, "--recorder", "har") == _ids(run, "--recorder", "Polly") == har
    assert _ids(run, "--recorder", "vcr") == _ids(run, "--recorder", "cassettes") == cassettes
    ogx = _ids(run, "--recorder", "ogx")
    assert ogx == _ids(run, "--recorder", "llama-stack") and len(ogx) == 17  # the name until April 2026
    assert not set(ogx) & set(har + cassettes)
    r = run("ls", SAMPLE, "--recorder", "nope")
    assert r.exit_code == 2
    assert "unknown recorder 'nope'; choose from ogx (llama-stack, llamastack, llama_stack); vcr" in r.output


def test_ls_sort_by_size(run):
    r = run("ls", SAMPLE, "--format", "json", "--sort", "size", "--reverse")
    sizes = [d["size"] for d in json.loads(r.stdout)]
    assert sizes == sorted(sizes, reverse=True)


def test_ls_bad_input_reports_each_file_and_exits_1(run):
    r = run("ls", BROKEN / "empty.json", BROKEN / "truncated.json", sample_file("07d2973bd4a4"))
    assert r.exit_code == 1
    assert f"{BROKEN / 'empty.json'}: empty file" in r.stderr.splitlines()
    assert "07d2973bd4a4" in r.stdout  # the rest is processed
    assert "Traceback" not in r.stderr + r.stdout


def test_ls_usage_errors_exit_2(run):
    assert run("ls", "/no/such/path").exit_code == 2
    assert run("ls", SAMPLE, "--sort", "colour").exit_code == 2
    assert run("ls", SAMPLE, "--format", "yaml").exit_code == 2


def test_show_by_prefix_prints_conversation_and_answer(run):
    r = run("show", "b77e", "--root", SAMPLE / "tests")
    assert r.exit_code == 0, r.stderr
    out = r.stdout
    assert "system:\nYou are a weather assistant. Use tools.\n" in out
    assert "user:\nWhat is the weather in Paris and in Tokyo?\n" in out
    assert "tools offered: get_weather" in out
    assert "parameters: tools" not in out and "temperature=0.0" in out
    assert "reasoning:\nThe user wants weather for two cities; call the tool twice.\n" in out
    assert "→ tool call get_weather (call_paris01)\n  {\"city\": \"Paris\"}\n" in out
    assert "→ tool call get_weather (call_tokyo02)\n  {\"city\": \"Tokyo\"}\n" in out
    assert "finish     tool_calls" in out and "usage      prompt 88, completion 41, total 129" in out


def test_show_prints_markup_and_emoji_codes_verbatim(run):
    r = run("show", "cfe08c6d0c8f", "--root", SAMPLE / "tests")
    assert "assistant:\nStatus: [red]all good[/red] :smile:\n\n**done**\n" in r.stdout


SHOW_CODE = ("from recordings.commands import main\nimport sys\n"
             f"sys.argv = ['recordings', 'show', 'cfe08c6d0c8f', '--root', {str(SAMPLE / 'tests')!r}]\nmain()\n")


def test_show_verbatim_at_a_terminal_too():
    """Under a real pseudo-terminal (colors on), recorded text still is not interpreted."""
    text = run_in_pty(SHOW_CODE, {"NO_COLOR": None})
    assert "\x1b[" in text  # colors at a terminal
    assert "Status: [red]all good[/red] :smile:" in text
    assert "**done**" in text


def test_no_color_at_a_terminal():
    text = run_in_pty(SHOW_CODE, {"NO_COLOR": "1"})
    assert "\x1b[" not in text and "Status: [red]all good[/red] :smile:" in text


def test_show_exact_name_file_name_and_path(run):
    path = sample_file("e8791d493902")
    for ref in (path.stem, path.name, str(path)):
        r = run("show", ref, "--root", SAMPLE / "tests")
        assert r.exit_code == 0 and " 1963, in Brooklyn, New York." in r.stdout


def test_show_ambiguous_prefix_lists_candidates(run, tmp_path):
    d = tmp_path / "s" / "recordings"
    d.mkdir(parents=True)
    src = sample_file("e8791d493902").read_bytes()
    (d / ("abcd1" + "0" * 59 + ".json")).write_bytes(src)
    (d / ("abcd2" + "0" * 59 + ".json")).write_bytes(src)
    r = run("show", "abcd", "--root", tmp_path)
    assert r.exit_code == 1
    assert "ambiguous: 2 recordings match" in r.stderr
    assert r.stderr.count("abcd") >= 3


def test_show_short_prefix_and_missing(run):
    assert run("show", "abc", "--root", SAMPLE / "tests").exit_code == 2
    r = run("show", "ffffffff", "--root", SAMPLE / "tests")
    assert r.exit_code == 1 and "no recording matches 'ffffffff'" in r.stderr


def test_show_raw_prints_the_file_as_stored(run):
    path = sample_file("98a667ce4783")
    r = run("show", "98a667ce4783", "--root", SAMPLE / "tests", "--raw")
    assert r.stdout_bytes == path.read_bytes()


def test_show_chunks_timeline(run):
    r = run("show", "bcbdbc2136eb", "--root", SAMPLE / "tests", "--chunks")
    assert '#9    tool [2] get_price toolu_sample01 ""' in r.stdout
    assert '#10   tool [2] "{\\"tick"' in r.stdout


def test_show_json(run):
    r = run("show", "a125969ad20b", "--root", SAMPLE / "tests", "--format", "json", "--chunks")
    data = json.loads(r.stdout)
    assert data["recording"]["streaming"] is True
    assert data["answer"]["choices"][0]["text"] == "Once upon a time"
    assert data["answer"]["error"]["type"] == "APIConnectionError"
    assert data["request"]["turns"][0] == {"role": "user", "text": "Write a long story.", "tool_calls": [],
                                           "tool_call_id": None}
    assert [c["value"] for c in data["chunks"] if c["field"] == "text"] == ["Once upon", " a time"]


def test_show_every_kind_in_the_sample(run):
    expectations = {
        "99d0d0b12e00": "assistant:\n blue,\nsugar is sweet\n",
        "9c8994cf021f": "model:\nHello there! How can I help?\n",
        "98a667ce4783": "model:\n1, 2, 3, 4, 5\n",
        "dc79f95c4e23": "embeddings 3 × 8 dimensions",
        "models-64a2277c90f0": "  gpt-4o-mini\n",
        "4c481af3c930": '"title": "Download Python"',
        "3f1c0e5a9b7d": "Plugin architecture for providers.",
        "4261c579f5f0": "error: BadRequestError (status 400)",
        "369d55e2feb7": "assistant:\nHi!\n",
        "20ddaa70d798": "test       (shared: no test_id)",
    }
    for ref, expected in expectations.items():
        r = run("show", ref, "--root", SAMPLE / "tests")
        assert r.exit_code == 0, (ref, r.stderr)
        assert expected in r.stdout, (ref, r.stdout)


def test_show_broken_file_one_line(run):
    r = run("show", str(BROKEN / "truncated.json"))
    assert r.exit_code == 1
    assert r.stderr == f"{BROKEN / 'truncated.json'}: truncated JSON (ends after 90 bytes)\n"


@needs_shared
def test_ls_shared_sample(run):
    r = run("ls", SHARED, "--format", "json")
    assert r.exit_code == 0
    assert len(json.loads(r.stdout)) == 54


def test_python_dash_m_and_console_script():
    r = subprocess.run([sys.executable, "-m", "recordings", "ls", str(SAMPLE), "--format", "json"],
                       capture_output=True, text=True)
    assert r.returncode == 0 and len(json.loads(r.stdout)) == 31
    r = subprocess.run([sys.executable, "-m", "recordings", "ls", str(BROKEN / "binary.json")],
                       capture_output=True, text=True)
    assert r.returncode == 1 and "Traceback" not in r.stderr


def test_ls_table_at_a_terminal_keeps_brackets():
    import re

    out = run_in_pty("import sys\nfrom recordings.commands import main\n"
                     f"sys.argv = ['recordings', 'ls', {str(SAMPLE)!r}, '--suite', 'inference']\nmain()\n",
                     {"NO_COLOR": None, "COLUMNS": "250"})
    plain = re.sub(r"\x1b\[[0-9;]*m", "", out)
    assert "\x1b[" in out
    assert "test_chat.py::test_parallel_tool_calls[txt=ollama/gpt-oss:20b]" in plain  # not eaten as markup


def _test_ids(r) -> list[str]:
    return sorted(d["test_id"] or "-" for d in json.loads(r.stdout))


def test_one_matching_rule_for_every_filter(tmp_path, run):
    from tests.test_hostile import make_recording

    folder = tmp_path / "tests/integration/responses/recordings"
    other = tmp_path / "tests/integration/openresponses/recordings"
    make_recording(folder, "tests/integration/responses/test_a.py::test_x[txt=gpt-4o]", "1")
    make_recording(other, "tests/integration/openresponses/test_b.py::test_y[txt=gpt-4o-mini]", "2")
    # --suite: a whole suite, not a substring of another
    assert _test_ids(run("ls", tmp_path, "--suite", "responses", "-f", "json")) == [
        "tests/integration/responses/test_a.py::test_x[txt=gpt-4o]"]
    # [params] are literal: a pasted test id matches itself
    r = run("ls", tmp_path, "--test", "tests/integration/responses/test_a.py::test_x[txt=gpt-4o]", "-f", "json")
    assert _test_ids(r) == ["tests/integration/responses/test_a.py::test_x[txt=gpt-4o]"]
    assert len(_test_ids(run("ls", tmp_path, "--test", "test_x[txt=gpt-4o]", "-f", "json"))) == 1
    # a part between separators: gpt-4o is not gpt-4o-mini
    assert len(_test_ids(run("ls", tmp_path, "--test", "gpt-4o", "-f", "json"))) == 1
    assert len(_test_ids(run("ls", tmp_path, "--test", "*gpt-4o*", "-f", "json"))) == 2  # a glob when asked
    assert len(_test_ids(run("ls", tmp_path, "--test", "test_b.py", "-f", "json"))) == 1


def test_model_filter_and_provider_hint(run):
    r = run("ls", SAMPLE, "--model", "gpt-4o", "-f", "json")
    models = {d["model"] for d in json.loads(r.stdout)}
    assert models and all(m == "gpt-4o" or m.endswith("/gpt-4o") for m in models)
    r = run("ls", SAMPLE, "--provider", "nosuchprovider")
    assert r.exit_code == 0
    assert "note: no recording has provider 'nosuchprovider'; providers here: " in r.stderr
    assert "ollama" in r.stderr.split("providers here: ")[1]


def test_watsonx_is_named_by_its_host():
    from recordings.providers import provider_for_url

    assert provider_for_url("https://us-south.ml.cloud.ibm.com/ml/v1/v1/chat/completions") == "watsonx"
