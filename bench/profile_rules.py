"""Per-rule cost of validate over a corpus, serial and in-process (where to optimize next).

    python bench/profile_rules.py CORPUS [--limit N]
"""

from __future__ import annotations

import argparse
import gc
import os
import sys
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "cli"))

from recordings.rules.types import FileContext  # noqa: E402
from recordings.discovery import discover  # noqa: E402
from recordings.formats import format_for_file  # noqa: E402
from recordings.loader import read_bytes  # noqa: E402
from recordings.rules.runner import PER_FILE  # noqa: E402


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("corpus")
    ap.add_argument("--limit", type=int, default=0)
    args = ap.parse_args()
    files = discover([args.corpus], "validate").files  # the files validate reads
    if args.limit:
        files = files[: args.limit]
    gc.disable()
    cost = {"read": 0.0, "parse": 0.0, "summarize": 0.0}
    for path in files:
        t0 = time.perf_counter()
        raw = read_bytes(path)
        t1 = time.perf_counter()
        fmt = format_for_file(path, raw)
        doc = fmt.parse(path, raw)
        t2 = time.perf_counter()
        rec = fmt.summarize(path, doc, len(raw))
        t3 = time.perf_counter()
        cost["read"] += t1 - t0
        cost["parse"] += t2 - t1
        cost["summarize"] += t3 - t2
        ctx = FileContext(path, raw, doc, rec)
        for rule in PER_FILE:
            if rule.check is None or rule.format not in (None, fmt.name):
                continue
            t = time.perf_counter()
            list(rule.check(ctx))
            cost[rule.id] = cost.get(rule.id, 0.0) + time.perf_counter() - t
    for name, seconds in sorted(cost.items(), key=lambda kv: -kv[1]):
        print(f"{name:<14} {seconds:7.3f} s")
    print(f"{'total':<14} {sum(cost.values()):7.3f} s over {len(files)} files")


if __name__ == "__main__":
    main()
