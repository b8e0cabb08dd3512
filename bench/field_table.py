"""The table of every field corpus: files on disk and read, exchanges, answers checked against the
independent reading (tests/independent.py), validate errors, what scrub would rewrite and refuse, and
``ls --no-cache`` against a bare parse of the same files (median of alternating runs, same process kind).

    python bench/field_table.py [--shared ../shared/corpora] [--repeat 5]
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
sys.path.insert(0, ROOT)

CORPORA = ["field/crewai", "field/logfire", "field/llm", "field/langchain-aws", "field/pydantic-ai-slice",
           "field/cody", "field/ogx", "field/ogx-rerecords", "vcr-sample"]

# a bare read and parse of the files ls reads: JSON with orjson, YAML with libyaml, gzip first
BASELINE = r"""
import gzip, sys, orjson, yaml
for path in open(sys.argv[1]).read().split("\n"):
    if not path:
        continue
    raw = open(path, "rb").read()
    if raw[:2] == b"\x1f\x8b":
        raw = gzip.decompress(raw)
    if raw.lstrip()[:1] in (b"{", b"["):
        orjson.loads(raw)
    else:
        yaml.load(raw, Loader=yaml.CSafeLoader)
"""


def _run(argv: list[str]) -> float:
    env = {**os.environ, "RECORDINGS_NO_CACHE": "1"}
    start = time.perf_counter()
    subprocess.run(argv, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env)
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--shared", default=os.path.join(ROOT, "..", "shared", "corpora"))
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    from recordings.discovery import discover
    from tests.test_field_corpora import _compare

    rows = []
    for corpus in CORPORA:
        folder = os.path.join(args.shared, corpus)
        if not os.path.isdir(folder):
            continue
        found = discover([folder])
        read, exchanges, wrong, checked, answers = _compare(corpus)
        v = subprocess.run([sys.executable, "-m", "recordings", "validate", folder, "--format", "json", "--no-cache"],
                           capture_output=True, text=True)
        findings = json.loads(v.stdout or "[]")
        errors = [f for f in findings if f["severity"] == "error"]
        n = subprocess.run([sys.executable, "-m", "recordings", "normalize", "--check", folder, "--format", "json",
                            "--no-cache"], capture_output=True, text=True)
        plans = json.loads(n.stdout or "{}").get("files", [])
        rewrite = sum(1 for p in plans if p["status"] == "change")
        refused = sum(1 for p in plans if p["status"] == "skipped")
        listing = os.path.join("/tmp", f"field-{corpus.replace('/', '-')}.txt")
        with open(listing, "w") as fh:
            fh.write("\n".join(found.files))
        base, tool = [], []
        for _ in range(args.repeat):  # alternating, each run paired with the baseline just before it
            base.append(_run([sys.executable, "-c", BASELINE, listing]))
            tool.append(_run([sys.executable, "-m", "recordings", "ls", folder, "--no-cache", "-q"]))
        ratios = [t / b for t, b in zip(tool, base)]
        rows.append((corpus, len(found.files), read, exchanges, f"{checked}/{answers}", len(wrong), len(errors),
                     rewrite, refused, statistics.median(tool), statistics.median(base), statistics.median(ratios),
                     sorted({(os.path.relpath(e["file"], folder), e["message"]) for e in errors})))
    print("| corpus | files found | read | exchanges | answers checked | mismatches | validate errors | "
          "scrub rewrites | scrub refuses | ls --no-cache | bare parse | ratio |")
    print("|---|---|---|---|---|---|---|---|---|---|---|---|")
    for r in rows:
        print(f"| {r[0]} | {r[1]} | {r[2]} | {r[3]} | {r[4]} | {r[5]} | {r[6]} | {r[7]} | {r[8]} | "
              f"{r[9]:.2f} s | {r[10]:.2f} s | {r[11]:.2f}× |")
    for r in rows:
        for path, message in r[12]:
            print(f"error in {r[0]}: {path}: {message}")


if __name__ == "__main__":
    main()
