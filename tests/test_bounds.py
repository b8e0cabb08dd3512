"""Hostile files stay bounded (#25, items 4 and 5): a decompression bomb in any encoding, a compressed
whole cassette, and YAML alias bombs give one line naming the file (and the interaction), exit 1, and never
exhaust the machine. Each runs the real command in a subprocess, whose peak memory is read afterwards."""

from __future__ import annotations

import base64
import gzip
import json
import os
import resource
import subprocess
import zlib
from pathlib import Path

import pytest
import yaml

from tests.conftest import console_script

CEILING = 32 << 20  # RECORDINGS_MAX_FILE_BYTES for these runs
BOMB = 256 << 20  # what each bomb decodes to: 8× the ceiling


def _zeros_compressed(encoding: str) -> bytes:
    """BOMB zero bytes compressed, made a MiB at a time (the test never holds the decoded bytes)."""
    block = b"\0" * (1 << 20)
    if encoding in ("gzip", "deflate"):
        c = zlib.compressobj(9, zlib.DEFLATED, 31 if encoding == "gzip" else 15)
        return b"".join(c.compress(block) for _ in range(BOMB >> 20)) + c.flush()
    if encoding == "br":
        import brotli

        c = brotli.Compressor(quality=5)
        return b"".join(c.process(block) for _ in range(BOMB >> 20)) + c.finish()
    import zstandard

    c = zstandard.ZstdCompressor().compressobj()
    return b"".join(c.compress(block) for _ in range(BOMB >> 20)) + c.flush()


def _cassette(body: bytes | str, encoding: str | None = None) -> dict:
    headers = {"content-encoding": [encoding]} if encoding else {}
    return {"interactions": [
        {"request": {"method": "GET", "uri": "https://x/ok", "body": None, "headers": {}},
         "response": {"status": {"code": 200}, "headers": {}, "body": {"string": "fine"}}},
        {"request": {"method": "GET", "uri": "https://x/bomb", "body": None, "headers": {}},
         "response": {"status": {"code": 200}, "headers": headers, "body": {"string": body}}}], "version": 1}


def _run(*args: str, cwd: Path) -> tuple[subprocess.CompletedProcess, int]:
    """The command's result and the peak memory (MiB) of the child it ran in."""
    env = {**os.environ, "RECORDINGS_MAX_FILE_BYTES": str(CEILING), "RECORDINGS_CACHE_DIR": str(cwd / ".cache")}
    r = subprocess.run([*console_script(), *args], cwd=cwd, env=env, capture_output=True, text=True, timeout=300)
    return r, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss // 1024


def _project(tmp_path: Path) -> Path:
    folder = tmp_path / "tests" / "cassettes" / "test_m"
    folder.mkdir(parents=True)
    (tmp_path / "pyproject.toml").write_text("")
    return folder


@pytest.mark.parametrize("encoding", ["gzip", "deflate", "br", "zstd"])
def test_a_decompression_bomb_body_is_one_line_and_bounded(tmp_path, encoding):
    folder = _project(tmp_path)
    bomb = folder / "test_bomb.yaml"
    bomb.write_text(yaml.safe_dump(_cassette(_zeros_compressed(encoding), encoding)))
    assert bomb.stat().st_size < 2 << 20
    good = folder / "test_good.yaml"
    good.write_text(yaml.safe_dump(_cassette("plain")))
    for command in (["ls", str(tmp_path)], ["validate", str(tmp_path)], ["stats", str(tmp_path)], ["show", str(bomb)]):
        r, peak = _run(*command, cwd=tmp_path)
        assert r.returncode == 1, (command, r.stderr)
        assert "Traceback" not in r.stderr
        assert "interaction #1: body decodes to more than the 33554432-byte ceiling" in r.stdout + r.stderr, command
        assert peak < 600, (command, peak)  # the bomb is 256 MiB decoded: never held whole
    r, _ = _run("ls", str(tmp_path), "--format", "json", cwd=tmp_path)
    assert {row["path"] for row in json.loads(r.stdout)} == {str(good)}  # the rest is still read


def test_a_compressed_whole_cassette_that_is_a_bomb_is_refused(tmp_path):
    folder = _project(tmp_path)
    path = folder / "test_whole.yaml.gz"
    c = zlib.compressobj(9, zlib.DEFLATED, 31)
    path.write_bytes(c.compress(b"interactions: []\n") + b"".join(c.compress(b"#" * (1 << 20))
                                                                  for _ in range(BOMB >> 20)) + c.flush())
    r, peak = _run("ls", str(path), cwd=tmp_path)
    assert r.returncode == 1
    assert f"{path}: gzip cassette decodes to more than the 33554432-byte ceiling" in r.stderr
    assert peak < 600


def test_a_bomb_in_a_har_body_names_the_entry(tmp_path):
    chunks = json.dumps([base64.b64encode(_zeros_compressed("gzip")).decode()])
    har = {"log": {"entries": [{"request": {"method": "GET", "url": "https://x/"},
                                "response": {"status": 200, "headers": [{"name": "content-encoding", "value": "gzip"}],
                                             "content": {"mimeType": "application/json", "encoding": "base64",
                                                         "text": chunks}}}]}}
    path = tmp_path / "r" / "recording.har"
    path.parent.mkdir()
    path.write_text(json.dumps(har))
    r, _ = _run("ls", str(path), cwd=tmp_path)
    assert r.returncode == 1
    assert f"{path}: entry #0: body decodes to more than the 33554432-byte ceiling" in r.stderr


def _alias_bomb(levels: int = 9) -> str:
    lines = ["a0: &a0 [x, x, x, x, x, x, x, x, x, x]"]
    lines += [f"a{i}: &a{i} [{', '.join([f'*a{i - 1}'] * 10)}]" for i in range(1, levels)]
    return "\n".join(lines)


def test_yaml_alias_bombs_are_refused_before_any_object_is_built(tmp_path):
    folder = _project(tmp_path)
    top = folder / "test_top.yaml"
    top.write_text("bomb:\n" + "\n".join("  " + line for line in _alias_bomb().splitlines()) +
                   "\ninteractions: []\nversion: 1\n")
    nested = folder / "test_parsed.yaml"
    doc = _cassette("x")
    doc["interactions"][1]["response"]["body"] = {"parsed_body": "PLACEHOLDER"}
    text = yaml.safe_dump(doc).replace("parsed_body: PLACEHOLDER",
                                       "parsed_body:\n" + "\n".join("          " + line
                                                                   for line in _alias_bomb().splitlines()))
    nested.write_text(text)
    assert len(top.read_bytes()) < 1000
    for path in (top, nested):
        for command in ("ls", "validate", "stats"):
            r, peak = _run(command, str(path), cwd=tmp_path)
            assert r.returncode == 1, (path, command, r.stderr)
            assert "YAML aliases expand past 10× the file's own nodes (an alias bomb?): not read" in r.stdout + r.stderr
            assert peak < 400


def test_a_dumper_s_few_anchors_are_still_read(tmp_path, run):
    """yaml.dump writes &id001 / *id001 when one object appears twice: a real cassette may hold them."""
    headers = {"Content-Type": ["application/json"]}
    doc = {"interactions": [{"request": {"method": "GET", "uri": f"https://x/{i}", "body": None, "headers": headers},
                             "response": {"status": {"code": 200}, "headers": headers, "body": {"string": "{}"}}}
                            for i in range(3)], "version": 1}
    text = yaml.dump(doc)
    assert "&id001" in text and "*id001" in text
    folder = _project(tmp_path)
    (folder / "test_anchors.yaml").write_text(text)
    r = run("ls", folder, "--format", "json")
    assert r.exit_code == 0, r.stderr
    assert len(json.loads(r.stdout)) == 3


def test_a_recursive_alias_is_refused(tmp_path, run):
    folder = _project(tmp_path)
    (folder / "test_loop.yaml").write_text("interactions: &a [*a]\nversion: 1\n")
    r = run("ls", folder)
    assert r.exit_code == 1
    assert "test_loop.yaml: " in r.stderr and "Traceback" not in r.stderr


def test_gzip_of_a_recording_decodes_whole_when_small(tmp_path, run):
    folder = _project(tmp_path)
    body = gzip.compress(json.dumps({"ok": True}).encode(), mtime=0)
    (folder / "test_small.yaml").write_text(yaml.safe_dump(_cassette(body, "gzip")))
    r = run("show", folder / "test_small.yaml#1", "--raw")
    assert r.exit_code == 0, r.stderr
    assert json.loads(r.stdout) == {"ok": True}


def test_validate_of_one_file_never_reads_a_bomb_beside_it(tmp_path):
    """#25 item 6: the pre-commit case, one clean cassette named, bombs in the same folder."""
    folder = _project(tmp_path)
    clean = folder / "test_clean.yaml"
    clean.write_text(yaml.safe_dump(_cassette("plain")))
    (folder / "test_bomb.yaml").write_text(yaml.safe_dump(_cassette(_zeros_compressed("br"), "br")))
    (folder / "test_alias.yaml").write_text("bomb:\n" + "\n".join("  " + line for line in _alias_bomb().splitlines())
                                            + "\ninteractions: []\n")
    r, peak = _run("validate", str(clean), cwd=tmp_path)
    assert r.returncode == 0, r.stdout + r.stderr
    assert "test_bomb" not in r.stdout + r.stderr and "test_alias" not in r.stdout + r.stderr
    assert peak < 200
