"""Every token kind the ``secrets`` rule knows (``secret_kinds.KINDS``), planted in every place a recording
holds text, in each recorder's format: found as an error where the whole token is; never found when the
token is cut short or sits inside a word. Plus the scan stays linear on any input (#25, items 7 and 9).
Every token here is made up."""

from __future__ import annotations

import base64
import gzip
import json
import time
from pathlib import Path

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from recordings.rules import RULES
from recordings.rules.runner import check_file
from recordings.rules.secret_kinds import KINDS
from tests.test_validate import GOOD, copy_to

# kinds whose prefix spells four base64 characters at every alignment: findable when base64-encoded
BASE64_KINDS = [k for k in KINDS if len(k.prefix) >= 4]


def _errors(path: Path) -> list[str]:
    findings, _ = check_file(str(path), [RULES["secrets"]])
    return [f.message for f in findings if f.rule == "secrets" and f.severity == "error"]


# --- where a token can sit, per format --------------------------------------------------------------


def _ogx(tmp_path: Path, place: str, token: str) -> Path:
    path = copy_to(tmp_path, GOOD)
    doc = json.loads(path.read_bytes())
    if place == "request body":
        doc["request"]["body"]["messages"][0]["content"] = f"use {token} please"
    elif place == "request header":
        doc["request"]["headers"]["X-Client-Data"] = token
    elif place == "url":
        doc["request"]["url"] += f"/v1/{token}/x"
    elif place == "answer":
        doc["response"]["body"][3]["__data__"]["choices"][0]["delta"]["content"] = f"key: {token}"
    elif place == "tool arguments":
        call = doc["response"]["body"][5]["__data__"]["choices"][0]["delta"]["tool_calls"][0]["function"]
        call["arguments"] = json.dumps({"q": token})
    elif place == "base64":
        doc["response"]["body"][3]["__data__"]["choices"][0]["delta"]["content"] = \
            base64.b64encode(json.dumps({"k": token}).encode()).decode()
    path.write_text(json.dumps(doc, indent=2) + "\n")
    return path


def _cassette_doc() -> dict:
    return {"interactions": [{"request": {"method": "POST", "uri": "https://api.example.com/v1/chat",
                                          "headers": {"Content-Type": ["application/json"]},
                                          "body": json.dumps({"messages": [{"role": "user", "content": "hi"}]})},
                              "response": {"status": {"code": 200, "message": "OK"},
                                           "headers": {"Content-Type": ["application/json"]},
                                           "body": {"string": json.dumps({"answer": "hello"})}}}], "version": 1}


def _vcr(tmp_path: Path, place: str, token: str) -> Path:
    doc = _cassette_doc()
    it = doc["interactions"][0]
    if place == "request body":
        it["request"]["body"] = json.dumps({"messages": [{"role": "user", "content": f"use {token}"}]})
    elif place == "request header":
        it["request"]["headers"]["X-Client-Data"] = [token]
    elif place == "url":
        it["request"]["uri"] += f"/{token}/x"
    elif place == "answer":
        it["response"]["body"]["string"] = json.dumps({"answer": f"key: {token}"})
    elif place == "tool arguments":  # a gzip-encoded response body, as vcrpy keeps one undecoded
        it["response"]["headers"]["Content-Encoding"] = ["gzip"]
        it["response"]["body"]["string"] = gzip.compress(json.dumps({"args": json.dumps({"q": token})}).encode(),
                                                         mtime=0)
    elif place == "base64":
        it["response"]["body"]["string"] = json.dumps(
            {"answer": base64.b64encode(json.dumps({"k": token}).encode()).decode()})
    path = tmp_path / "tests" / "cassettes" / "test_m" / "test_x.yaml"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(yaml.dump(doc))
    return path


def _har(tmp_path: Path, place: str, token: str) -> Path:
    entry = {"request": {"method": "POST", "url": "https://api.example.com/v1/chat",
                         "headers": [{"name": "content-type", "value": "application/json"}],
                         "postData": {"mimeType": "application/json", "text": json.dumps({"q": "hi"})}},
             "response": {"status": 200, "headers": [], "content": {"mimeType": "application/json",
                                                                    "text": json.dumps({"answer": "hello"})}}}
    if place == "request body":
        entry["request"]["postData"]["text"] = json.dumps({"q": f"use {token}"})
    elif place == "request header":
        entry["request"]["headers"].append({"name": "x-client-data", "value": token})
    elif place == "url":
        entry["request"]["url"] += f"/{token}/x"
    elif place == "answer":
        entry["response"]["content"]["text"] = json.dumps({"answer": f"key: {token}"})
    elif place == "tool arguments":  # Polly's base64 chunks of a body
        data = json.dumps({"args": json.dumps({"q": token})}).encode()
        entry["response"]["content"].update(encoding="base64", text=json.dumps([base64.b64encode(data).decode()]))
    elif place == "base64":
        entry["response"]["content"]["text"] = json.dumps(
            {"answer": base64.b64encode(json.dumps({"k": token}).encode()).decode()})
    path = tmp_path / "recordings" / "r_1" / "recording.har"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps({"log": {"entries": [entry], "version": "1.2"}}, indent=2))
    return path


FORMATS = {"ogx": _ogx, "vcr": _vcr, "har": _har}
PLACES = ("request body", "request header", "url", "answer", "tool arguments", "base64")


def test_every_kind_has_a_sample_that_its_pattern_reads_whole():
    ids = [k.id for k in KINDS]
    assert len(ids) == len(set(ids)) and len(ids) >= 80
    for k in KINDS:
        assert len(k.sample) >= 8, k.id


@pytest.mark.parametrize("fmt", sorted(FORMATS))
@pytest.mark.parametrize("place", PLACES)
def test_each_kind_is_found_in_each_place(tmp_path, fmt, place):
    kinds = BASE64_KINDS if place == "base64" else KINDS
    missed = []
    for kind in kinds:
        folder = tmp_path / kind.id
        path = FORMATS[fmt](folder, place, kind.example)
        found = _errors(path)
        if not any(kind.name in m for m in found):
            missed.append((kind.id, found))
    assert missed == []


@pytest.mark.parametrize("fmt", sorted(FORMATS))
def test_a_cut_token_or_one_inside_a_word_is_never_a_finding(tmp_path, fmt):
    wrong = []
    for kind in KINDS:
        cut = kind.example[: len(kind.prefix) + 4]
        cases = [cut] + ([f"zz{kind.example}"] if kind.boundary and kind.prefix[:1].isalpha() else [])
        for i, text in enumerate(cases):
            path = FORMATS[fmt](tmp_path / f"{kind.id}-{i}", "answer", text)
            found = [m for m in _errors(path) if kind.name in m]
            if found:
                wrong.append((kind.id, text, found))
    assert wrong == []


@pytest.mark.parametrize("value", ["AUTHORIZATION-XXX", "X-API-KEY-XXX", "**REDACTED**", "<REDACTED>",
                                   "REDACTED_3f2a9c81b7", "DUMMY", "test-key", "fake-sk-123", "AKIAIOSFODNN7EXAMPLE"])
def test_placeholders_in_credential_headers_are_not_findings(tmp_path, value):
    doc = _cassette_doc()
    doc["interactions"][0]["request"]["headers"].update({"Authorization": [value], "X-Api-Key": [value]})
    path = tmp_path / "tests" / "cassettes" / "test_m" / "test_p.yaml"
    path.parent.mkdir(parents=True)
    path.write_text(yaml.dump(doc))
    assert _errors(path) == []


def test_a_projects_own_placeholders_serve_validate_and_scrub(tmp_path, run):
    (tmp_path / "pyproject.toml").write_text('[tool.recordings]\nplaceholders = ["acme-fake-*"]\n')
    doc = _cassette_doc()
    doc["interactions"][0]["request"]["headers"]["Authorization"] = ["ACME-FAKE-0001"]
    doc["interactions"][0]["response"]["headers"]["Date"] = ["Tue, 01 Dec 2026 10:00:00 GMT"]
    path = tmp_path / "tests" / "cassettes" / "test_m" / "test_p.yaml"
    path.parent.mkdir(parents=True)
    path.write_text(yaml.dump(doc))
    r = run("validate", path)
    assert r.exit_code == 0, r.stdout
    r = run("normalize", path)
    assert r.exit_code == 0
    assert "ACME-FAKE-0001" in path.read_text() and "Date" not in path.read_text()  # kept; the date scrubbed


@pytest.mark.parametrize("header", ["X-Subscription-Token", "X-Amz-Security-Token", "X-RapidAPI-Key",
                                    "Private-Token", "X-Acme-Api-Key"])
def test_credential_headers_are_errors_and_scrubbed(tmp_path, run, header):
    doc = _cassette_doc()
    doc["interactions"][0]["request"]["headers"][header] = ["k3Yv4lu3Qw7Er9Ty2Ui5Op8"]
    path = tmp_path / "tests" / "cassettes" / "test_m" / "test_h.yaml"
    path.parent.mkdir(parents=True)
    path.write_text(yaml.dump(doc))
    assert any(f"credential '{header}' is recorded" in m for m in _errors(path))
    run("normalize", path)
    assert yaml.safe_load(path.read_text())["interactions"][0]["request"]["headers"][header] == ["REDACTED"]


@pytest.mark.parametrize("cookie,severity", [
    ("session=8f7e6d5c4b3a; theme=dark", "error"),
    ("__cf_bm=Zq7Xk2Pm9Rt4Wv6Yb8Nc3Hd5Jf1Lg0Qs", "warning"),
    ("_ga=GA1.1.123456789.1700000000; _gid=GA1.1.987654321.1700000000", "warning"),
    ("prefs=compact; jwt=eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxIn0.Zq7Xk2Pm9Rt4Wv6Yb8Nc3H", "error"),
    ("uid=Zq7Xk2Pm9Rt4Wv6Yb8Nc3Hd5Jf1", "error"),
])
def test_a_cookie_is_judged_by_its_names_and_values(tmp_path, cookie, severity):
    doc = _cassette_doc()
    doc["interactions"][0]["request"]["headers"]["Cookie"] = [cookie]
    path = tmp_path / "tests" / "cassettes" / "test_m" / "test_c.yaml"
    path.parent.mkdir(parents=True)
    path.write_text(yaml.dump(doc))
    findings, _ = check_file(str(path), [RULES["secrets"]])
    assert [f.severity for f in findings if f.rule == "secrets" and "'Cookie'" in f.message] == [severity]


# --- linear on any input ------------------------------------------------------------------------------

_PIECES = sorted({k.prefix.decode() for k in KINDS if k.prefix} | {"FJem", "eyJ", "Bearer ", "://", "key-",
                                                                  '"api_key": "', "Basic ", "=", "Q~", "%2F"})


def _scan_seconds(text: str) -> float:
    from recordings.rules import secrets

    blob = text.encode()
    start = time.perf_counter()
    secrets.scan_bytes(secrets.distinct_lines(blob))
    secrets.scan_bytes(blob)
    return time.perf_counter() - start


SIZE = 400_000
_CONTROL: list[float] = []


_PLAIN = '{"role": "assistant", "content": "The answer is 42, as the key tells; see https://example.com/x"}\n'


def _control_seconds() -> float:
    """A recording's ordinary text of the same size: words, quotes, a url, a key word, one line each."""
    if not _CONTROL:
        _CONTROL.append(min(_scan_seconds((_PLAIN * (SIZE // len(_PLAIN) + 1))[:SIZE]) for _ in range(3)))
    return _CONTROL[0]


@settings(max_examples=20, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.sampled_from(_PIECES), min_size=1, max_size=4), st.sampled_from(["", "a", "A1", "=", " "]))
def test_the_scan_is_linear_on_any_repetition(pieces, glue):
    """400 KB made of gates' pieces repeated (``FJemFJem…``, ``key-key-…``) cost about what as much plain text
    does: no budget in seconds, a ratio to a control input of the same size in the same run (a quadratic
    path is thousands of times slower at this size; the linear ones measured 1–9×)."""
    unit = glue.join(pieces) + glue
    hostile = (unit * (2 * SIZE // len(unit) + 1))
    cost = min(_scan_seconds(hostile[:SIZE]) for _ in range(2))
    assert cost < max(_control_seconds(), 0.005) * 60, (unit, cost, _control_seconds())
    double = min(_scan_seconds(hostile[:2 * SIZE]) for _ in range(2))  # twice the input: about twice the time
    assert double < max(cost, 0.005) * 4, (unit, cost, double)

