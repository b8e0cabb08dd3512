"""Every command over the real corpora, against a bare parse of the same files in the same run, with the
issue's targets: OGX's 3,162 recordings (``shared/corpora/field/ogx``) against read + orjson, crewAI's 597
cassettes (``shared/corpora/field/crewai``) against read + libyaml.

    python bench/field.py [--shared ../shared/corpora] [--repeat 5]

Each command runs as a fresh process, paired with a baseline run right before it; the ratio is the median
of the pairs (at least 5: the VM's speed drifts by tens of percent within minutes), the time the median of
the runs, the memory the peak RSS of any run. First runs have no cache (a fresh cache folder per run); the
warm ``ls`` runs on a cache filled once. A corpus that is absent is skipped with a line saying so.
"""

from __future__ import annotations

import argparse
import os
import shutil
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
from cassettes import BASELINE as YAML_BASELINE  # noqa: E402
from run import BASELINE as JSON_BASELINE, ENV, measure, measure_against  # noqa: E402

OGX = [  # (label, argv after `recordings`, target ratio or None, cache: "none" | "warm")
    ("validate", ["validate", "{c}"], 2.0, "none"),
    ("normalize --check", ["normalize", "--check", "{c}"], 1.5, "none"),
    ("ls", ["ls", "{c}"], 1.5, "none"),
    ("stats", ["stats", "{c}"], 1.5, "none"),
    ("prune --dry-run", ["prune", "--dry-run", "--root", "{c}", "{c}"], 1.5, "none"),
    ("ls (warm cache)", ["ls", "{c}"], 0.6, "warm"),
]
CASSETTES = [
    ("ls", ["ls", "{c}"], 1.5, "none"),
    ("validate", ["validate", "{c}"], 1.5, "none"),
    ("normalize --check", ["normalize", "--check", "{c}"], 1.5, "none"),
    ("stats", ["stats", "{c}"], None, "none"),
    ("prune --dry-run", ["prune", "--dry-run", "--root", "{c}", "{c}"], None, "none"),
    ("ls (warm cache)", ["ls", "{c}"], 0.6, "warm"),
]


def _bench(title: str, corpus: str, baseline: str, rows: list, repeat: int) -> None:
    base_argv = [sys.executable, "-c", baseline, corpus]
    base_t, base_m, _ = measure(base_argv, repeat)
    print(f"\n{title}: {corpus}")
    print(f"  {'bare read + parse':<22} {base_t:7.3f} s  {base_m:6.1f} MiB")
    for label, args, target, cache in rows:
        cache_dir = tempfile.mkdtemp(prefix="recordings-bench-cache-")
        settings = {"RECORDINGS_CACHE_DIR": cache_dir, **({"RECORDINGS_NO_CACHE": "1"} if cache == "none" else {})}
        argv = [sys.executable, "-m", "recordings", *[a.format(c=corpus) for a in args]]
        ENV.update(settings)  # the environment measure() gives every run
        env = dict(ENV)
        try:
            if cache == "warm":
                import subprocess

                subprocess.run(argv, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env)  # fill it
            t, m, code, ratio = measure_against(argv, base_argv, repeat)
        finally:
            for k in settings:
                ENV.pop(k, None)
            shutil.rmtree(cache_dir, ignore_errors=True)
        verdict = "" if target is None else (f"  target ≤ {target}×: " + ("met" if ratio <= target else "missed"))
        print(f"  {label:<22} {t:7.3f} s  {m:6.1f} MiB  {ratio:5.2f}×  exit {code}{verdict}")


def _one_file(corpus: str, repeat: int) -> None:
    one = next(os.path.join(d, f) for d, _, fs in sorted(os.walk(corpus)) for f in sorted(fs)
               if f.endswith(".json") and os.path.basename(d) == "recordings")
    argv = [sys.executable, "-m", "recordings", "validate", one]
    t, m, code = measure(argv, max(repeat, 7))
    print(f"  {'validate one file':<22} {t:7.3f} s  {m:6.1f} MiB  (start-up included)  exit {code}  "
          f"target ≤ 0.10 s: {'met' if t <= 0.10 else 'missed'}")


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--shared", default=os.path.join(os.path.dirname(HERE), "..", "shared", "corpora"))
    ap.add_argument("--repeat", type=int, default=5)
    args = ap.parse_args()
    if args.repeat < 5:
        ap.error("--repeat must be at least 5 (medians of paired runs)")
    ogx, crewai = os.path.join(args.shared, "field", "ogx"), os.path.join(args.shared, "field", "crewai")
    for title, corpus, baseline, rows in (("OGX", ogx, JSON_BASELINE, OGX),
                                          ("crewAI cassettes", crewai, YAML_BASELINE, CASSETTES)):
        if not os.path.isdir(corpus):
            print(f"\n{title}: {corpus} is absent, skipped")
            continue
        _bench(title, corpus, baseline, rows, args.repeat)
        if corpus == ogx:
            _one_file(corpus, args.repeat)


if __name__ == "__main__":
    main()
