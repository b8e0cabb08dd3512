"""Time recordings commands against a bare read-and-orjson-parse of the same files.

    python bench/run.py CORPUS [--repeat 3] [--only ls,validate]

Each measurement is a fresh process (interpreter start-up included on both
sides); the median wall time of --repeat runs and the peak RSS
(os.wait4) are reported. The baseline reads and parses every *.json under
CORPUS/**/recordings with orjson and nothing else; each run of a command is
paired with a baseline run just before it, and the ratio shown is the median of
those pairs (the VM's speed drifts by tens of percent within minutes).
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import time

BASELINE = r"""
import os, sys, orjson
n = 0
for dirpath, dirnames, filenames in (w for root in sys.argv[1:] for w in os.walk(root)):
    if os.path.basename(dirpath) != "recordings":
        continue
    for name in filenames:
        if name.endswith(".json"):
            with open(os.path.join(dirpath, name), "rb") as fh:
                orjson.loads(fh.read())
            n += 1
print(n, file=sys.stderr)
"""


# Users' Pythons cache bytecode; a sandbox that sets PYTHONDONTWRITEBYTECODE would
# make every run recompile the package, which no user pays. A warm-up run writes it.
ENV = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}


def measure(argv: list[str], repeat: int, warm: bool = True) -> tuple[float, float, int]:
    """(median wall time, peak RSS in MiB, exit code) of ``repeat`` fresh runs."""
    times, peak, code = [], 0.0, 0
    if warm:
        subprocess.run(argv, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=ENV)  # warm-up
    for _ in range(repeat):
        t0 = time.perf_counter()
        proc = subprocess.Popen(argv, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=ENV)
        _, status, usage = os.wait4(proc.pid, 0)
        elapsed = time.perf_counter() - t0
        code = os.waitstatus_to_exitcode(status)
        times.append(elapsed)
        peak = max(peak, usage.ru_maxrss / 1024)  # KiB -> MiB
    return statistics.median(times), peak, code


def measure_against(argv: list[str], base_argv: list[str], repeat: int) -> tuple[float, float, int, float]:
    """(median wall time, peak RSS, exit code, median ratio) of ``argv``, each run paired with a run of the
    baseline right before it: on a VM whose speed drifts, a ratio of neighbours is steadier than a ratio
    of medians taken minutes apart."""
    subprocess.run(argv, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=ENV)  # warm-up
    times, ratios, peak, code = [], [], 0.0, 0
    for _ in range(repeat):
        base, _m, _c = measure(base_argv, 1, warm=False)
        t, m, code = measure(argv, 1, warm=False)
        times.append(t)
        ratios.append(t / base)
        peak = max(peak, m)
    return statistics.median(times), peak, code, statistics.median(ratios)


COMMANDS = {
    "ls": ["ls", "{corpus}"],
    "validate": ["validate", "{corpus}"],
    "normalize --check": ["normalize", "--check", "{corpus}"],
    "prune --dry-run": ["prune", "--dry-run", "--root", "{corpus}", "{corpus}"],
    "stats": ["stats", "{corpus}"],
    "diff": ["diff", "{corpus}", "{other}"],  # against the baseline of reading both corpora
}


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("corpus")
    ap.add_argument("--repeat", type=int, default=5)
    ap.add_argument("--only", default=",".join(c for c in COMMANDS if c != "diff"))
    ap.add_argument("--other", help="a second corpus (bench/make_diff_pair.py) for the diff benchmark")
    args = ap.parse_args()
    wanted = [c.strip() for c in args.only.split(",") if c.strip()]
    base_argv = [sys.executable, "-c", BASELINE, args.corpus]
    base_t, base_m, _ = measure(base_argv, args.repeat)
    print(f"{'baseline read+orjson':<22} {base_t:7.3f} s  {base_m:6.1f} MiB")
    if "diff" in wanted:
        if not args.other:
            ap.error("diff needs --other CORPUS")
        both_t, both_m, _ = measure([sys.executable, "-c", BASELINE, args.corpus, args.other], args.repeat)
        print(f"{'baseline both corpora':<22} {both_t:7.3f} s  {both_m:6.1f} MiB")
    for name in wanted:
        if name == "diff":
            argv = [sys.executable, "-m", "recordings", "diff", args.corpus, args.other]
            t, m, code = measure(argv, args.repeat)
            print(f"{name:<22} {t:7.3f} s  {m:6.1f} MiB  {t / both_t:5.2f}x (of both)  exit {code}")
            continue
        argv = [sys.executable, "-m", "recordings"] + [a.format(corpus=args.corpus) for a in COMMANDS[name]]
        t, m, code, ratio = measure_against(argv, base_argv, args.repeat)
        print(f"{name:<22} {t:7.3f} s  {m:6.1f} MiB  {ratio:5.2f}x  exit {code}")


if __name__ == "__main__":
    main()
