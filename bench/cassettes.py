"""Time recordings commands on a cassette corpus against a bare read + libyaml parse of the same files.

    python bench/make_cassettes.py /tmp/cassettes1500
    python bench/cassettes.py /tmp/cassettes1500 [--repeat 3]
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from run import measure  # noqa: E402

BASELINE = r"""
import os, sys, yaml
loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
n = 0
for dirpath, _, filenames in os.walk(sys.argv[1]):
    for name in filenames:
        if name.endswith(".yaml"):
            with open(os.path.join(dirpath, name), "rb") as fh:
                yaml.load(fh.read(), Loader=loader)
            n += 1
print(n, file=sys.stderr)
"""


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("corpus")
    ap.add_argument("--repeat", type=int, default=3)
    args = ap.parse_args()
    os.environ["RECORDINGS_CACHE_DIR"] = tempfile.mkdtemp(prefix="recordings-cache-")
    base, base_m, _ = measure([sys.executable, "-c", BASELINE, args.corpus], args.repeat)
    print(f"{'baseline read+libyaml':<22} {base:7.3f} s  {base_m:6.1f} MiB")
    one = next(os.path.join(d, f) for d, _, fs in os.walk(args.corpus) for f in sorted(fs) if f.endswith(".yaml"))
    rec = [sys.executable, "-m", "recordings"]
    for name, argv, warm in (("ls (no cache)", rec + ["ls", args.corpus, "--no-cache"], True),
                             ("ls (cache)", rec + ["ls", args.corpus], True),
                             ("show one cassette", rec + ["show", one], True)):
        t, m, code = measure(argv, args.repeat, warm)
        print(f"{name:<22} {t:7.3f} s  {m:6.1f} MiB  {t / base:5.2f}x  exit {code}")


if __name__ == "__main__":
    main()
