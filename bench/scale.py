"""Scale check: the same commands on a corpus and on one 10 times larger.

    python bench/make_corpus.py /tmp/corpus3k  --files 3000  --test-files 200
    python bench/make_corpus.py /tmp/corpus30k --files 30000 --test-files 2000
    python bench/scale.py /tmp/corpus3k /tmp/corpus30k

Cold runs use a fresh, empty cache directory; `ls (warm)` runs again with the
cache the cold run wrote. validate and normalize --check run with --no-cache,
so they measure the work itself. Reports the median wall time of --repeat runs, peak
RSS, and the large/small ratio of each (target: at most 10.5x; peak < 200 MiB).
"""

from __future__ import annotations

import argparse
import os
import shutil
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from run import BASELINE, ENV, measure  # noqa: E402


def run_set(corpus: str, repeat: int) -> dict[str, tuple[float, float]]:
    out = {}
    out["bare read+orjson"] = measure([sys.executable, "-c", BASELINE, corpus], repeat)[:2]
    cache = tempfile.mkdtemp(prefix="recordings-cache-")
    try:
        os.environ["RECORDINGS_CACHE_DIR"] = cache
        ENV["RECORDINGS_CACHE_DIR"] = cache
        cold = []
        for _ in range(repeat):
            shutil.rmtree(cache, ignore_errors=True)
            cold.append(measure([sys.executable, "-m", "recordings", "ls", corpus], 1, warm=False)[:2])
        out["ls (cold)"] = min(cold)
        out["ls (warm)"] = measure([sys.executable, "-m", "recordings", "ls", corpus], repeat)[:2]
        out["validate"] = measure([sys.executable, "-m", "recordings", "validate", "--no-cache", corpus], repeat)[:2]
        out["normalize --check"] = measure([sys.executable, "-m", "recordings", "normalize", "--check",
                                            "--no-cache", corpus], repeat)[:2]
    finally:
        shutil.rmtree(cache, ignore_errors=True)
    return out


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("small")
    ap.add_argument("large")
    ap.add_argument("--repeat", type=int, default=2)
    args = ap.parse_args()
    small, large = run_set(args.small, args.repeat), run_set(args.large, args.repeat)
    print(f"{'command':<20} {'small':>9} {'large':>9} {'ratio':>7} {'peak small':>11} {'peak large':>11}")
    for name in small:
        (ts, ms), (tl, ml) = small[name], large[name]
        print(f"{name:<20} {ts:8.2f}s {tl:8.2f}s {tl / ts:6.2f}x {ms:9.1f}MiB {ml:9.1f}MiB")


if __name__ == "__main__":
    main()
