"""``recordings normalize``: golden files per kind, properties, the shared sample, crash safety."""

from __future__ import annotations

import copy
import json
import os
import random
import shutil
import signal
import stat
import subprocess
import sys
import time
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from recordings.jsonbytes import TEMP_PREFIX, canonical_bytes
from recordings.formats.llamastack.normalization import normalize_document
from tests.conftest import SAMPLE, needs_shared, sample_file

KINDS = {  # sample prefix -> a body kind
    "b77e97369d3f": "chat stream", "07d2973bd4a4": "chat message", "99d0d0b12e00": "completion stream",
    "e8791d493902": "completion", "dc79f95c4e23": "embeddings", "models-64a2277c90f0": "model list",
    "4c481af3c930": "tool result", "4261c579f5f0": "exception", "a125969ad20b": "stream cut short",
}


def denormalize(doc: dict) -> dict:
    """Undo normalization the way a fresh recording or a copy would have it."""
    doc = copy.deepcopy(doc)
    body = doc["response"]["body"]
    for i, item in enumerate(body if isinstance(body, list) else [body]):
        if isinstance(item, dict) and isinstance(item.get("__data__"), dict):
            data = item["__data__"]
            if data.get("object") == "model":
                continue
            if "id" in data:
                data["id"] = "chatcmpl-Volatile42"
            if "created" in data:
                data["created"] = 1764000000 + i
    return doc


@pytest.mark.parametrize("prefix", sorted(KINDS))
def test_golden_denormalized_file_normalizes_back_to_the_sample_bytes(prefix, tmp_path, run):
    src = sample_file(prefix)
    original = src.read_bytes()
    dest = tmp_path / "s" / "recordings" / src.name
    dest.parent.mkdir(parents=True)
    dest.write_bytes(canonical_bytes(denormalize(json.loads(original))))
    changed = dest.read_bytes() != original
    r = run("normalize", dest)
    assert r.exit_code == 0, r.stderr
    assert dest.read_bytes() == original
    if changed:
        assert f"{dest}: normalized: " in r.stdout


def test_the_sample_is_already_normalized_and_untouched(sample_copy, run):
    files = [p for p in sample_copy.rglob("*.json") if "broken" not in p.parts]
    before = {p: (p.read_bytes(), p.stat().st_mtime_ns) for p in files}
    r = run("normalize", sample_copy / "tests")
    assert r.exit_code == 0
    assert r.stdout == ""
    assert r.stderr == "0 of 17 files changed\n"
    assert {p: (p.read_bytes(), p.stat().st_mtime_ns) for p in files} == before


@needs_shared
def test_shared_sample_check_flags_exactly_the_files_with_foreign_ids(shared_copy, run):
    files = list(shared_copy.rglob("*.json"))
    before = {p: (p.read_bytes(), p.stat().st_mtime_ns) for p in files}
    r = run("normalize", "--check", shared_copy)
    assert r.exit_code == 1
    flagged = sorted(Path(line.split(":")[0]).name[:12] for line in r.stdout.splitlines())
    assert flagged == ["632ce0140a65", "da6ec32ed8fb"]
    assert {p: (p.read_bytes(), p.stat().st_mtime_ns) for p in files} == before  # --check writes nothing
    r = run("normalize", shared_copy)
    assert r.exit_code == 0
    rewritten = sorted(p.name[:12] for p in files if p.read_bytes() != before[p][0])
    assert rewritten == ["632ce0140a65", "da6ec32ed8fb"]
    untouched = [p for p in files if p.name[:12] not in rewritten]
    assert all(p.stat().st_mtime_ns == before[p][1] for p in untouched)
    doc = json.loads((shared_copy / "tests/integration/agents/recordings" /
                      "da6ec32ed8fb5bf4d957058ddd391a9958c4cfd0ab301bbd7b466a889cfc631b.json").read_bytes())
    assert {c["__data__"]["id"] for c in doc["response"]["body"]} == {"rec-da6ec32ed8fb"}
    assert run("normalize", "--check", shared_copy).exit_code == 0  # idempotent


def test_mapping_is_folded_and_request_untouched(tmp_path, run):
    src = sample_file("cfe08c6d0c8f")
    doc = json.loads(src.read_bytes())
    for c in doc["response"]["body"]:
        c["__data__"]["id"] = "chatcmpl-ORIG"
    doc["request"]["body"]["messages"][0]["content"] = "mention chatcmpl-ORIG here"
    doc["id_normalization_mapping"] = {"rec-cfe08c6d0c8f": "chatcmpl-ORIG"}
    dest = tmp_path / "s" / "recordings" / src.name
    dest.parent.mkdir(parents=True)
    dest.write_bytes(canonical_bytes(doc))
    r = run("normalize", dest, "--format", "json")
    out = json.loads(r.stdout)
    assert out["files"][0]["changes"] == {"mapping": 1}
    new = json.loads(dest.read_bytes())
    assert new["id_normalization_mapping"] == {}
    assert new["request"] == doc["request"]  # the request is never rewritten
    assert {c["__data__"]["id"] for c in new["response"]["body"]} == {"rec-cfe08c6d0c8f"}


def test_ollama_fields_and_check_diff_modes(tmp_path, run):
    src = sample_file("07d2973bd4a4")
    doc = json.loads(src.read_bytes())
    doc["response"]["body"]["__data__"].update(
        {"created_at": "2025-10-08T16:14:05Z", "total_duration": 123, "eval_duration": None, "load_duration": 0})
    dest = tmp_path / "s" / "recordings" / src.name
    dest.parent.mkdir(parents=True)
    dest.write_bytes(canonical_bytes(doc))
    before = dest.read_bytes()
    r = run("normalize", "--diff", dest)
    assert r.exit_code == 1 and dest.read_bytes() == before  # something would change, like --check
    assert '-        "created_at": "2025-10-08T16:14:05Z",\n' in r.stdout
    assert '+        "created_at": "1970-01-01T00:00:00.000000Z",\n' in r.stdout
    assert '+        "total_duration": 0,\n' in r.stdout
    r = run("normalize", "--check", dest)
    assert r.exit_code == 1 and "would change: 1 created_at, 1 durations" in r.stdout
    assert dest.read_bytes() == before
    run("normalize", dest)
    data = json.loads(dest.read_bytes())["response"]["body"]["__data__"]
    assert (data["created_at"], data["total_duration"], data["eval_duration"]) == ("1970-01-01T00:00:00.000000Z", 0, None)


def test_reformat_only_and_mode_kept(tmp_path, run):
    src = sample_file("e8791d493902")
    dest = tmp_path / "s" / "recordings" / src.name
    dest.parent.mkdir(parents=True)
    dest.write_text(json.dumps(json.loads(src.read_bytes()), indent=4))
    os.chmod(dest, 0o640)
    r = run("normalize", dest)
    assert "normalized: reformatted" in r.stdout
    assert dest.read_bytes() == src.read_bytes()
    assert stat.S_IMODE(dest.stat().st_mode) == 0o640
    assert [p.name for p in dest.parent.iterdir()] == [src.name]  # no temp files left


def test_extended_is_deterministic_and_idempotent(tmp_path, run):
    shutil.copytree(SAMPLE / "tests", tmp_path / "tests")
    r = run("normalize", "--extended", tmp_path)
    assert r.exit_code == 0
    lines = {line.rsplit("/", 1)[1] for line in r.stdout.splitlines()}
    assert lines == {
        "43e6f6fd197952a34282d53ae2311e9b4d1dc53c3d239218a1417a2924d6a62f.json: normalized: 1 response_id, 1 create_time",
        "9c8994cf021f19add1e2f47e741fbcabc6b6ee3c5630de722f9a30a04f394832.json: normalized: "
        "3 response_id, 3 create_time, 3 Date headers",
        "bcbdbc2136eb45c2309d24aebaf9879b11ef69ce60d49e0872e524648e36803d.json: normalized: 1 message ids",
    }
    snapshot = {p: p.read_bytes() for p in tmp_path.rglob("*.json")}
    r = run("normalize", "--extended", tmp_path)
    assert r.stderr.startswith("0 of 17 files changed")
    assert {p: p.read_bytes() for p in tmp_path.rglob("*.json")} == snapshot
    assert run("normalize", "--check", tmp_path).exit_code == 0  # default mode accepts extended output


def test_rehash_renames_and_conflicts(tmp_path, run):
    src = sample_file("b77e97369d3f")
    folder = tmp_path / "tests/integration/inference/recordings"
    folder.mkdir(parents=True)
    wrong = folder / ("0" * 64 + ".json")
    shutil.copy(src, wrong)
    r = run("normalize", "--rehash", tmp_path)
    assert r.exit_code == 0, r.stderr
    assert f"-> {src.name}: normalized: renamed" in r.stdout  # its ids already belong to the right hash
    assert sorted(p.name for p in folder.iterdir()) == [src.name]
    assert (folder / src.name).read_bytes() == src.read_bytes()
    # a conflict: the target exists with other content
    shutil.copy(src, wrong)
    other = json.loads(src.read_bytes())
    other["response"]["body"][-1]["__data__"]["usage"]["completion_tokens"] = 42  # same request, other answer
    (folder / src.name).write_bytes(canonical_bytes(other))
    r = run("normalize", "--rehash", tmp_path)
    assert r.exit_code == 1
    assert f"would be renamed to {src.name}, which already exists with other content: both left alone" in r.stderr
    assert wrong.read_bytes() == src.read_bytes()
    assert (folder / src.name).read_bytes() == canonical_bytes(other)


def test_unreadable_and_read_only_are_reported_not_rewritten(tmp_path, run):
    folder = tmp_path / "s" / "recordings"
    folder.mkdir(parents=True)
    (folder / "bad.json").write_bytes(b'{"test_id": ')
    src = sample_file("e8791d493902")
    ro = folder / src.name
    ro.write_text(json.dumps(json.loads(src.read_bytes()), indent=4))
    os.chmod(folder, 0o555)
    try:
        r = run("normalize", tmp_path)
    finally:
        os.chmod(folder, 0o755)
    assert r.exit_code == 1
    assert f"{folder / 'bad.json'}: truncated JSON (ends after 12 bytes)" in r.stderr
    if os.geteuid() != 0:
        assert f"{ro}: file or folder is read-only: left alone" in r.stderr
    assert (folder / "bad.json").read_bytes() == b'{"test_id": '


def test_stale_temps_are_removed_and_reported(tmp_path, run):
    folder = tmp_path / "s" / "recordings"
    folder.mkdir(parents=True)
    shutil.copy(sample_file("e8791d493902"), folder)
    stale = folder / (TEMP_PREFIX + "abc.json")
    stale.write_bytes(b'{"half": ')
    r = run("ls", tmp_path)
    assert r.exit_code == 0  # never mistaken for a recording
    r = run("normalize", "--check", tmp_path)
    assert stale.exists()  # --check writes nothing, but says so
    assert (f"{stale}: temp file of an interrupted or running rewrite (a normalize run removes it once no process "
            "owns it)") in r.stderr
    r = run("normalize", tmp_path)
    assert not stale.exists()
    assert f"{stale}: removed a stale temp file from an interrupted run" in r.stderr


json_leaf = st.none() | st.booleans() | st.integers(-10**6, 10**6) | st.floats(allow_nan=False, allow_infinity=False) | st.text(max_size=8)
chunk_data = st.fixed_dictionaries(
    {"id": st.text(max_size=10), "created": st.integers(0, 2**40), "object": st.sampled_from(["chat.completion.chunk", "model"])},
    optional={"created_at": st.text(max_size=5), "total_duration": st.none() | st.integers(0, 99),
              "extra": st.dictionaries(st.text(max_size=4), json_leaf, max_size=3)},
)


@given(st.lists(chunk_data, min_size=1, max_size=6), st.text("0123456789abcdef", min_size=64, max_size=64))
@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
def test_normalize_is_idempotent_and_round_trips_bytes(chunks, h):
    doc = {"test_id": None, "request": {"method": "POST", "url": "u", "body": {}, "endpoint": "/v1/x"},
           "response": {"body": [{"__type__": "t.T", "__data__": c} for c in chunks], "is_streaming": True}}
    normalize_document(doc, h)
    once = canonical_bytes(doc)
    again = json.loads(once)
    assert not normalize_document(again, h, apply=False)  # nothing left to change
    normalize_document(again, h)
    assert canonical_bytes(again) == once  # a normalized file round-trips byte for byte
    assert canonical_bytes(json.loads(once)) == once


def _make_dirty_corpus(root: Path, n: int) -> dict[Path, bytes]:
    """n denormalized copies of sample recordings under distinct names."""
    sources = [p for p in (SAMPLE / "tests").rglob("*.json") if "/responses/" not in str(p)]  # OGX recordings
    folder = root / "tests/integration/inference/recordings"
    folder.mkdir(parents=True)
    old = {}
    for i in range(n):
        src = sources[i % len(sources)]
        doc = denormalize(json.loads(src.read_bytes()))
        name = f"{i:064x}.json"
        data = json.dumps(doc, indent=1).encode()  # also not canonical: every file needs a rewrite
        (folder / name).write_bytes(data)
        old[folder / name] = data
    return old


def test_killing_normalize_at_random_points_never_leaves_a_partial_file(tmp_path, run):
    reference = tmp_path / "reference"
    old = _make_dirty_corpus(reference, 120)
    assert run("normalize", reference).exit_code == 0
    new = {p.name: p.read_bytes() for p in old}
    rng = random.Random(7)
    env = {**os.environ, "RECORDINGS_JOBS": "1"}
    for attempt in range(6):
        work = tmp_path / f"run{attempt}"
        before = _make_dirty_corpus(work, 120)
        proc = subprocess.Popen([sys.executable, "-m", "recordings", "normalize", str(work)],
                                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env)
        time.sleep(rng.uniform(0.15, 0.9))
        proc.send_signal(signal.SIGKILL)
        proc.wait()
        folder = work / "tests/integration/inference/recordings"
        for path, data in before.items():
            now = path.read_bytes()
            assert now in (data, new[path.name]), path
            json.loads(now)
        r = run("normalize", work)  # a second run finishes the job and clears temps
        assert r.exit_code == 0
        assert sorted(p.name for p in folder.iterdir()) == sorted(new)
        assert all((folder / name).read_bytes() == data for name, data in new.items())


def test_check_on_read_only_files_still_reports_what_would_change(tmp_path, run):
    """A read-only checkout (as in CI) is exactly where --check runs: it must still flag files."""
    src = sample_file("07d2973bd4a4")
    dest = tmp_path / "s" / "recordings" / src.name
    dest.parent.mkdir(parents=True)
    dest.write_bytes(canonical_bytes(denormalize(json.loads(src.read_bytes()))))
    dest.chmod(0o444)
    dest.parent.chmod(0o555)
    try:
        r = run("normalize", "--check", "--no-cache", tmp_path)
        assert r.exit_code == 1
        assert f"{dest}: would change: 1 ids, 1 created" in r.stdout
        assert "read-only" not in r.stderr
        r = run("normalize", "--no-cache", tmp_path)
        assert r.exit_code == 1 and f"{dest}: file or folder is read-only: left alone" in r.stderr
    finally:
        dest.parent.chmod(0o755)
    assert dest.read_bytes() == canonical_bytes(denormalize(json.loads(src.read_bytes())))


def _denormalized_copy(tmp_path: Path, prefix: str = "e8791d493902", folder: str = "s/recordings") -> Path:
    src = sample_file(prefix)
    dest = tmp_path / folder / src.name
    dest.parent.mkdir(parents=True, exist_ok=True)
    dest.write_bytes(canonical_bytes(denormalize(json.loads(src.read_bytes()))))
    return dest


def test_a_file_rewritten_by_another_process_meanwhile_is_left_alone(tmp_path, run, monkeypatch):
    """#25 item 2: between normalize's read and its replace, a re-record rewrites the file atomically."""
    import recordings.normalizer as normalizer

    first, second = _denormalized_copy(tmp_path), _denormalized_copy(tmp_path, "07d2973bd4a4")
    rerecorded = first.read_bytes().replace(b'"chatcmpl-Volatile42"', b'"chatcmpl-FreshRecord"')
    real = normalizer.plan_file

    def plan_then_rerecord(path, *args, **kwargs):
        plan = real(path, *args, **kwargs)
        if path == str(first):  # the recorder's atomic rewrite lands after the read
            tmp = first.with_suffix(".new")
            tmp.write_bytes(rerecorded)
            os.replace(tmp, first)
        return plan

    monkeypatch.setattr(normalizer, "plan_file", plan_then_rerecord)
    r = run("normalize", tmp_path / "s", "--no-cache")
    assert r.exit_code == 1
    assert first.read_bytes() == rerecorded  # the concurrent edit survives
    assert f"{first}: changed on disk since it was read (another process rewrote it?): left alone" in r.stderr
    assert b"Volatile42" not in second.read_bytes()  # the rest is normalized
    assert "1 of 2 files changed" in r.stderr


def test_normalize_never_writes_through_a_linked_folder_out_of_the_project(tmp_path, run):
    """#25 item 3: a `recordings` folder that links out of the project, named as a PATH."""
    outside = _denormalized_copy(tmp_path, folder="elsewhere/recordings")
    before = outside.read_bytes()
    project = tmp_path / "proj"
    (project / "tests" / "s").mkdir(parents=True)
    (project / "pyproject.toml").write_text("")
    (project / "tests" / "s" / "recordings").symlink_to(outside.parent, target_is_directory=True)
    r = run("normalize", project / "tests" / "s" / "recordings")
    assert r.exit_code == 1
    assert outside.read_bytes() == before
    assert f"lies outside the project root {project} (reached through a link): never written" in r.stderr
    r = run("normalize", project / "tests" / "s" / "recordings", "--root", tmp_path)
    assert r.exit_code == 0 and outside.read_bytes() != before  # its own project may normalize it


def test_root_leaves_a_read_only_folder_alone_and_counts_nothing_left_alone(tmp_path, run):
    """#25 item 13: as root, a 0555 folder is not written; the summary counts only what was written."""
    path = _denormalized_copy(tmp_path)
    before = path.read_bytes()
    os.chmod(path.parent, 0o555)
    try:
        r = run("normalize", tmp_path / "s")
    finally:
        os.chmod(path.parent, 0o755)
    assert r.exit_code == 1
    assert path.read_bytes() == before
    assert f"{path}: file or folder is read-only: left alone" in r.stderr
    assert r.stderr.strip().endswith("0 of 1 file changed")
