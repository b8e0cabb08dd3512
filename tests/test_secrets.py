"""The ``secrets`` rule: one planted credential per kind, placeholders that are not findings, and
keys split across stream chunks. Secrets here are made up; none is real."""

from __future__ import annotations

import base64
import json

import pytest

from tests.test_validate import GOOD, copy_to, messages, rewrite

KEY = "A1b2C3d4E5f6G7h8I9j0K1l2M3n4O5p6Q7r8S9t0"


@pytest.fixture(autouse=True, params=["re2", "stdlib"])
def engine(request, monkeypatch):
    """Every test here runs twice: candidates found by RE2's one pass, and by the standard library's
    fallback (what a machine without the RE2 wheel runs). Both must find exactly the same."""
    from recordings.rules import bytescan

    if request.param == "re2":
        if not bytescan.available():
            pytest.skip("google-re2 is not installed here")
    else:
        monkeypatch.setattr(bytescan, "_AUTOMATON", [None, []])
    return request.param


def _plant_in_answer(text: str):
    def mutate(d):
        d["response"]["body"][3]["__data__"]["choices"][0]["delta"]["content"] = text
    return mutate


@pytest.mark.parametrize("text,expected", [
    ("gsk_" + KEY + "abcdefgh", "Groq API key in the file (gsk_A1…)"),
    ("tvly-dev-" + KEY[:24], "Tavily API key in the file (tvly-d…)"),
    ("nvapi-" + KEY + "-xyz", "NVIDIA API key in the file (nvapi-…)"),
    ("fw_" + KEY[:24], "Fireworks API key in the file (fw_A1b…)"),
    ("sk_live_" + KEY[:24], "Stripe secret key in the file (sk_liv…)"),
    ("ya29." + KEY, "Google OAuth token in the file (ya29.A…)"),
    ("eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.dozjgNryP4J3jVmNHl0w5N_XgL0n3I9PlFUP0THsR8U",
     "JSON web token in the file (eyJhbG…)"),
    ("-----BEGIN RSA PRIVATE KEY-----\nMIIEow", "private key in the file (-----B…)"),
    ("x_sk-" + KEY, "OpenAI-style API key in the file (sk-A1b…)"),  # right after _
    ("9sk-ant-" + KEY, "Anthropic API key in the file (sk-ant…)"),  # right after a digit
    ("https://alice:hunter22@db.example.com/x", "password in a url in the file (alice:…)"),
    ("Basic " + base64.b64encode(b"alice:s3cret-pass").decode(), "Basic credentials in the file (Basic …)"),
    (base64.b64encode(b'{"key": "sk-proj-' + KEY.encode() + b'"}').decode(),
     "base64-encoded OpenAI-style API key in the file (sk-pro…)"),
])
def test_each_key_kind_in_an_answer_is_an_error(tmp_path, text, expected):
    p = copy_to(tmp_path, GOOD)
    rewrite(p, _plant_in_answer(text))
    assert messages(p, "secrets") == [expected]


def test_named_secrets_and_headers(tmp_path):
    p = copy_to(tmp_path, GOOD)

    def leak(d):
        d["request"]["body"]["aws_secret_access_key"] = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYzzzzzzzzzz"
        d["request"]["body"]["tool_config"] = {"service_api_key": "3f9a1c7e5b2d8f4a6c0e9b7d1f3a5c8e" * 2}
        d["request"]["headers"]["Ocp-Apim-Subscription-Key"] = "0123456789abcdef0123"
        d["response"]["body"][0]["__data__"]["headers"] = {"Set-Cookie": "session=abcdef123456; Path=/"}

    rewrite(p, leak)
    assert messages(p, "secrets") == [
        "AWS secret access key in the file (wJalrX…)",
        "credential in field 'service_api_key' in the file (3f9a1c…)",
        "credential header 'Ocp-Apim-Subscription-Key' is recorded (012345…)",
        "credential header 'Set-Cookie' is recorded (sessio…)",
    ]


def test_tavily_key_as_a_tool_argument(tmp_path):
    p = copy_to(tmp_path, GOOD)

    def leak(d):
        call = d["response"]["body"][5]["__data__"]["choices"][0]["delta"]["tool_calls"][0]["function"]
        call["arguments"] = json.dumps({"query": "x", "api_key": "tvly-" + KEY[:30]})

    rewrite(p, leak)
    found = messages(p, "secrets")
    assert "Tavily API key in the file (tvly-A…)" in found


def test_a_key_split_across_stream_chunks(tmp_path):
    p = copy_to(tmp_path, GOOD)
    key = "sk-proj-" + KEY

    def split(d):
        body = d["response"]["body"]
        body[1]["__data__"]["choices"][0]["delta"]["content"] = "my key is " + key[:5]
        body[2]["__data__"]["choices"][0]["delta"]["content"] = key[5:20]
        body[3]["__data__"]["choices"][0]["delta"]["content"] = key[20:]
        body[4]["__data__"]["choices"][0]["delta"]["content"] = " ok"

    rewrite(p, split)
    assert messages(p, "secrets") == ["OpenAI-style API key split across stream chunks (sk-pro…)"]


@pytest.mark.parametrize("value", ["Bearer <redacted>", "Bearer ***", "fake-key", "<REDACTED>", "Bearer xxxxxxxx",
                                   "Basic " + base64.b64encode(b"user:<redacted>").decode()])
def test_placeholders_are_not_findings(tmp_path, value):
    p = copy_to(tmp_path, GOOD)

    def redacted(d):
        d["request"]["headers"]["Authorization"] = value
        d["request"]["headers"]["X-Api-Key"] = "fake-key"

    rewrite(p, redacted)
    assert messages(p, "secrets") == []


def test_a_secret_is_never_printed_in_full(tmp_path, run):
    p = copy_to(tmp_path, GOOD)
    rewrite(p, _plant_in_answer("gsk_" + KEY + "abcdefgh"))
    r = run("validate", tmp_path, "--format", "json")
    assert KEY not in r.stdout + r.stderr
    assert r.exit_code == 1



def test_a_key_in_a_json_recording_is_located_by_path_and_line_with_a_fix(tmp_path, run):
    from tests.conftest import sample_file

    doc = json.loads(sample_file("cfe08c6d0c8f").read_bytes())
    key = "sk-proj-" + "Ab3dEf6hIj9kLm2nOp5qRs8tUv1wXy4zAb7cDe0f"
    doc["response"]["body"][3]["__data__"]["choices"][0]["delta"]["content"] = f"use {key}"
    folder = tmp_path / "tests/integration/s/recordings"
    folder.mkdir(parents=True)
    path = folder / sample_file("cfe08c6d0c8f").name
    text = json.dumps(doc, indent=2) + "\n"
    path.write_text(text)
    line = next(i for i, x in enumerate(text.splitlines(), 1) if key in x)
    r = run("validate", path, "--select", "secrets", "--format", "json")
    assert json.loads(r.stdout) == [{
        "file": str(path), "rule": "secrets", "severity": "error", "message": "OpenAI-style API key in the file (sk-pro…)",
        "path": "response.body[3].__data__.choices[0].delta.content", "line": line,
        "fix": "revoke the key if it was live; then re-record, or replace it with a placeholder (a value such as "
               "sk-DUMMY or REDACTED is not a finding)"}]
    text_out = run("validate", path, "--select", "secrets").stdout.splitlines()
    assert text_out[1].endswith(f"(response.body[3].__data__.choices[0].delta.content, line {line})")
    assert text_out[2].strip().startswith("fix: revoke the key")


def test_json_path_of_names_keys_that_are_not_identifiers():
    from recordings.rules.secrets import json_path_of

    doc = {"request": {"headers": {"X-Api-Key": "abc secret"}}, "list": [{"a": "x"}, {"b": "needle here"}]}
    assert json_path_of(doc, "secret") == "request.headers['X-Api-Key']"
    assert json_path_of(doc, "needle") == "list[1].b"
    assert json_path_of(doc, "absent") is None
