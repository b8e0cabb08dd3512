"""Abuse: mutated real recordings, odd file-system states. No traceback, ever; each bad file named.

The fuzz test is bounded for CI; set RECORDINGS_FUZZ_EXAMPLES (e.g. 2000) for a longer run.
Each example runs every command in COMMANDS, so a run makes EXAMPLES x len(COMMANDS) command runs.
"""

from __future__ import annotations

import builtins
import json
import os
import shutil
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from recordings.commands import app
from tests.conftest import SAMPLE, sample_file

EXAMPLES = int(os.environ.get("RECORDINGS_FUZZ_EXAMPLES", "40"))
SOURCES = ["b77e97369d3f", "bcbdbc2136eb", "9c8994cf021f", "98a667ce4783", "07d2973bd4a4", "dc79f95c4e23",
           "4c481af3c930", "a125969ad20b", "models-64a2277c90f0", "3f1c0e5a9b7d"]


def _truncate(raw: bytes, data) -> bytes:
    return raw[: data.draw(st.integers(0, len(raw) - 1))]


def _flip(raw: bytes, data) -> bytes:
    b = bytearray(raw)
    for _ in range(data.draw(st.integers(1, 8))):
        i = data.draw(st.integers(0, len(b) - 1))
        b[i] = data.draw(st.integers(0, 255))
    return bytes(b)


def _wrong_type(raw: bytes, data) -> bytes:
    doc = json.loads(raw)
    paths = [("test_id",), ("request",), ("response",), ("response", "body"), ("response", "is_streaming"),
             ("request", "body"), ("request", "url"), ("request", "payload"), ("response", "exception_data")]
    path = data.draw(st.sampled_from(paths))
    value = data.draw(st.sampled_from([None, 0, -1.5, True, "x", [], {}, [1, "a", None], {"__type__": 3}]))
    target = doc
    for key in path[:-1]:
        if not isinstance(target, dict):
            break
        target = target.get(key)
    if isinstance(target, dict):
        target[path[-1]] = value
    if isinstance(doc.get("response"), dict) and isinstance(doc["response"].get("body"), list) and doc["response"]["body"]:
        body = doc["response"]["body"]
        k = data.draw(st.integers(0, len(body) - 1))
        body[k] = data.draw(st.sampled_from([None, 7, "data: {not json", {"__data__": None}, {"choices": "x"},
                                             {"__type__": "a.B", "__data__": {"choices": [None, {"delta": 5}]}}]))
    return json.dumps(doc, indent=2).encode()


def _deep(raw: bytes, data) -> bytes:
    depth = data.draw(st.sampled_from([50, 900, 1500, 5000]))
    doc = json.loads(raw)
    doc["response"]["deep"] = "PLACEHOLDER"
    text = json.dumps(doc)
    return text.replace('"PLACEHOLDER"', "[" * depth + "1" + "]" * depth).encode()


def _huge(raw: bytes, data) -> bytes:
    doc = json.loads(raw)
    doc["request"]["huge"] = "x" * data.draw(st.sampled_from([10**5, 3 * 10**6]))
    return json.dumps(doc).encode()


def _bad_utf8(raw: bytes, data) -> bytes:
    i = data.draw(st.integers(0, len(raw) - 1))
    return raw[:i] + data.draw(st.sampled_from([b"\xff", b"\xc3\x28", b"\xed\xa0\x80", b"\x00"])) + raw[i:]


def _nan(raw: bytes, data) -> bytes:
    token = data.draw(st.sampled_from([b"NaN", b"Infinity", b"-Infinity"]))
    return raw.replace(b'"created": 0', b'"created": ' + token, 1).replace(b'"is_streaming": false',
                                                                             b'"is_streaming": ' + token, 1)


def _dup_keys(raw: bytes, data) -> bytes:
    return raw.replace(b'"request": {', b'"request": {"method": 5, "method": "POST", ', 1)


def _numbers(raw: bytes, data) -> bytes:
    """Numbers orjson cannot keep: integers past 64 bits, overflowing exponents."""
    token = data.draw(st.sampled_from([b"123456789012345678901234567890", b"-9223372036854775809", b"1e400",
                                       b"-1e999", b"18446744073709551616"]))
    return raw.replace(b'"created": 0', b'"created": ' + token, 1).replace(b'"request": {', b'"request": {"seed": '
                                                                           + token + b", ", 1)


def _escapes(raw: bytes, data) -> bytes:
    """Lone surrogates, terminal escapes and key-like text inside strings."""
    piece = data.draw(st.sampled_from([b"\\ud800", b"\\udfff x", b"\\u001b[2J", b"\\u0007", b"eyJ" * 300,
                                       b"sk-" * 300, b"Basic " * 50, b"-----BEGIN PRIVATE KEY-----"]))
    return raw.replace(b'"content": "', b'"content": "' + piece, 1).replace(b'"text": "', b'"text": "' + piece, 1)


MUTATIONS = [_truncate, _flip, _wrong_type, _deep, _huge, _bad_utf8, _nan, _dup_keys, _numbers, _escapes]


@st.composite
def cases(draw):
    src = sample_file(draw(st.sampled_from(SOURCES)))
    mutation = draw(st.sampled_from(MUTATIONS))
    data = _Draw(draw)
    return src.name, mutation.__name__, mutation(src.read_bytes(), data)


class _Draw:
    def __init__(self, draw):
        self.draw = draw


COMMANDS = [
    ["ls", "{dir}"],
    ["ls", "{dir}", "--format", "json"],
    ["show", "{file}"],
    ["show", "{file}", "--format", "json", "--chunks"],
    ["validate", "{dir}", "--format", "json"],
    ["normalize", "--check", "{dir}"],
    ["diff", "{orig}", "{file}"],
    ["diff", "{origdir}", "{dir}", "--format", "json"],
    ["stats", "{dir}", "--format", "json"],
    ["normalize", "--check", "--rehash", "--extended", "--format", "json", "{dir}"],
    ["prune", "--dry-run", "--root", "{base}", "{dir}"],
    ["explain", "0000", "--root", "{base}"],
]


@given(cases())
@settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=[HealthCheck.too_slow,
                                                                        HealthCheck.function_scoped_fixture])
def test_mutated_recordings_never_crash(tmp_path_factory, case):
    name, mutation, data = case
    base = tmp_path_factory.mktemp("fuzz")
    orig_dir = base / "orig" / "s" / "recordings"
    bad_dir = base / "bad" / "s" / "recordings"
    orig_dir.mkdir(parents=True)
    bad_dir.mkdir(parents=True)
    shutil.copy(sample_file(name[:12] if not name.startswith("models-") else "models-64a2277c90f0"), orig_dir / name)
    (bad_dir / name).write_bytes(data)
    (base / "test_stand_in.py").write_text("def test_x():\n    pass\n")  # a project root for prune
    (base / "pyproject.toml").write_text("")
    for test_file in SAMPLE.rglob("test_*.py"):  # the test files the recordings name, so prune plans
        dest = base / test_file.relative_to(SAMPLE)
        dest.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy(test_file, dest)
    runner = CliRunner()
    env = {"RECORDINGS_NO_CACHE": "1"}
    for command in COMMANDS:
        args = [a.format(dir=bad_dir, file=bad_dir / name, orig=orig_dir / name, origdir=orig_dir, base=base)
                for a in command]
        result = runner.invoke(app, args, env=env, catch_exceptions=True)
        assert result.exception is None or isinstance(result.exception, SystemExit), (
            mutation, args, repr(result.exception))
        assert result.exit_code in (0, 1, 2), (mutation, args, result.exit_code)
        assert "Traceback" not in result.stdout + result.stderr
        if result.exit_code != 0 and command[0] in ("ls", "show", "validate", "normalize", "stats", "prune") \
                and "--format" not in command:
            assert name in result.stdout + result.stderr, (mutation, args, result.stderr)


def _write_corpus(tmp_path: Path) -> Path:
    d = tmp_path / "c" / "s" / "recordings"
    d.mkdir(parents=True)
    for prefix in ("b77e97369d3f", "07d2973bd4a4"):
        shutil.copy(sample_file(prefix), d)
    return d


def test_permission_denied_file_and_folder(tmp_path, run, monkeypatch):
    d = _write_corpus(tmp_path)
    locked_file = d / sample_file("07d2973bd4a4").name
    locked_dir = tmp_path / "c" / "locked" / "recordings"
    locked_dir.mkdir(parents=True)
    real_open, real_scandir = builtins.open, os.scandir

    def fake_open(path, *a, **k):
        if str(path) == str(locked_file):
            raise PermissionError(13, "Permission denied", str(path))
        return real_open(path, *a, **k)

    def fake_scandir(path="."):
        if str(path) == str(locked_dir):
            raise PermissionError(13, "Permission denied", str(path))
        return real_scandir(path)

    monkeypatch.setattr(builtins, "open", fake_open)
    monkeypatch.setattr(os, "scandir", fake_scandir)
    for command in (["ls"], ["validate"], ["normalize", "--check"], ["stats"]):
        r = run(*command, tmp_path / "c", "--no-cache")
        assert r.exit_code == 1, (command, r.stdout, r.stderr)
        out = r.stdout + r.stderr
        if command == ["validate"]:  # grouped by file: the file, then its findings
            assert f"{locked_file}\n  error   syntax        cannot read: Permission denied\n" in out
            assert f"{locked_dir}\n  error   syntax        cannot list folder: Permission denied\n" in out
            continue
        assert f"{locked_file}: cannot read: Permission denied" in out, command
        assert f"{locked_dir}: cannot list folder: Permission denied" in out, command
    r = run("show", locked_file)
    assert r.exit_code == 1 and r.stderr == f"{locked_file}: cannot read: Permission denied\n"


def test_real_chmod_permissions(tmp_path):
    """The real command, bound by file permissions (as root: without the capabilities that bypass them)."""
    from tests.conftest import bound_by_permissions, console_script

    d = _write_corpus(tmp_path)
    f = d / sample_file("07d2973bd4a4").name
    f.chmod(0)
    try:
        r = bound_by_permissions([*console_script(), "ls", str(tmp_path / "c"), "--no-cache"],
                                 env={**os.environ, "RECORDINGS_CACHE_DIR": str(tmp_path / "cache")})
        assert r.returncode == 1 and f"{f}: cannot read: Permission denied" in r.stderr
    finally:
        f.chmod(0o644)


def test_file_deleted_mid_run(tmp_path, run, monkeypatch):
    d = _write_corpus(tmp_path)
    victim = d / sample_file("07d2973bd4a4").name
    import recordings.discovery as discovery

    real = discovery.discover

    def discover_then_delete(paths, ability=None):
        found = real(paths, ability)
        victim.unlink()
        return found

    monkeypatch.setattr(discovery, "discover", discover_then_delete)  # the command imports it when it runs
    r = run("ls", tmp_path / "c", "--no-cache")
    assert r.exit_code == 1
    assert f"{victim}: cannot read: No such file or directory" in r.stderr
    assert "b77e97369d3f" in r.stdout


def test_symlink_loops_everywhere(tmp_path, run):
    d = _write_corpus(tmp_path)
    os.symlink(tmp_path / "c", d.parent / "loop")
    os.symlink("a.json", d / "b.json")
    os.symlink("b.json", d / "a.json")
    for command in (["ls"], ["validate"], ["normalize", "--check"], ["stats"]):
        r = run(*command, tmp_path / "c", "--no-cache")
        assert r.exit_code == 1, command
        loop = f"{d / 'a.json'}: symlink loop (too many levels of symbolic links)"
        grouped = f"{d / 'a.json'}\n  error   syntax        symlink loop (too many levels of symbolic links)"
        assert loop in r.stdout + r.stderr or grouped in r.stdout, command


def test_read_only_file_under_normalize(tmp_path, run):
    d = _write_corpus(tmp_path)
    f = d / sample_file("07d2973bd4a4").name
    f.write_text(json.dumps(json.loads(f.read_bytes()), indent=4))
    before = f.read_bytes()
    f.chmod(0o444)
    r = run("normalize", tmp_path / "c", "--no-cache")
    assert r.exit_code == 1
    assert f"{f}: file or folder is read-only: left alone" in r.stderr
    assert f.read_bytes() == before and (f.stat().st_mode & 0o777) == 0o444


def test_folder_named_like_a_recording_and_empty_files(tmp_path, run):
    d = _write_corpus(tmp_path)
    (d / "x.json").mkdir()
    (d / "empty.json").write_bytes(b"")
    r = run("ls", tmp_path / "c")
    assert r.exit_code == 1
    assert f"{d / 'x.json'}: is a folder, not a recording file" in r.stderr
    assert f"{d / 'empty.json'}: empty file" in r.stderr
    r = run("show", d / "x.json")
    assert r.exit_code == 1 and r.stderr == f"{d / 'x.json'}: is a folder, not a recording file\n"
