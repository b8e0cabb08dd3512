"""What the usage plugin costs a test suite: a generated suite of cassette tests (pytest-recording, vcrpy,
record_mode none), run with and without ``--recordings-usage``, alternately.

    python bench/plugin_overhead.py [--tests 1000] [--rounds 5] [--instructions]

Prints the median wall and CPU time of each, and the overhead of logging as a share of the plain run. On a
noisy machine the times of paired runs move by more than the overhead; ``--instructions`` counts the
instructions each run executes under valgrind instead, which does not move.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time

CASSETTE = """interactions:
- request:
    body: null
    headers: {{}}
    method: GET
    uri: http://api.example.invalid/{name}
  response:
    body:
      string: answer {name}
    headers: {{}}
    status:
      code: 200
      message: OK
version: 1
"""

TEST = '''
@pytest.mark.vcr
def test_{n}():
    assert urllib.request.urlopen("http://api.example.invalid/{name}").read() == b"answer {name}"
'''


def make_suite(root: str, tests: int, per_module: int = 50) -> None:
    os.makedirs(os.path.join(root, "tests"), exist_ok=True)
    with open(os.path.join(root, "pyproject.toml"), "w") as fh:
        fh.write("[project]\nname = 'bench'\nversion = '0'\n\n[tool.pytest.ini_options]\ntestpaths = ['tests']\n")
    for m in range(0, tests, per_module):
        module = f"test_m{m // per_module:03d}"
        folder = os.path.join(root, "tests", "cassettes", module)
        os.makedirs(folder, exist_ok=True)
        body = ["import urllib.request\n\nimport pytest\n"]
        for n in range(m, min(m + per_module, tests)):
            name = f"t{n}"
            body.append(TEST.format(n=n, name=name))
            with open(os.path.join(folder, f"test_{n}.yaml"), "w") as fh:
                fh.write(CASSETTE.format(name=name))
        with open(os.path.join(root, "tests", f"{module}.py"), "w") as fh:
            fh.write("".join(body))


def timed(argv: list[str], cwd: str) -> tuple[float, float]:
    """(wall seconds, CPU seconds of the child: user + system) of one pytest run."""
    import resource

    env = {k: v for k, v in os.environ.items() if not k.startswith(("RECORDINGS_USAGE", "PYTEST_"))}
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    proc = subprocess.run(argv, cwd=cwd, capture_output=True, text=True, env=env)
    elapsed = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if proc.returncode != 0:
        raise SystemExit(f"pytest failed: {proc.stdout[-1500:]}{proc.stderr[-1500:]}")
    return elapsed, (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)


def _instructions(argv: list[str], cwd: str) -> int:
    """Instructions one run executes (valgrind --tool=callgrind): the same count whatever else the machine does."""
    import re

    out = os.path.join(cwd, "callgrind.out")
    proc = subprocess.run(["valgrind", "--tool=callgrind", f"--callgrind-out-file={out}", *argv], cwd=cwd,
                          capture_output=True, text=True)
    m = re.search(r"Collected\s*:\s*(\d+)", proc.stderr)
    if m is None:
        raise SystemExit(f"valgrind gave no count: {proc.stderr[-500:]}")
    return int(m.group(1))


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--tests", type=int, default=1000)
    ap.add_argument("--rounds", type=int, default=5)
    ap.add_argument("--instructions", action="store_true",
                    help="also count instructions under valgrind (repeatable whatever the machine does; slow: use "
                         "--tests 200)")
    args = ap.parse_args()
    with tempfile.TemporaryDirectory(prefix="recordings-plugin-bench-") as tmp:
        suite = os.path.join(tmp, "suite")
        make_suite(suite, args.tests)
        base = [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider"]
        plain: list[tuple[float, float]] = []
        logged: list[tuple[float, float]] = []
        timed(base, suite)  # warm the file cache and the bytecode
        for i in range(args.rounds):  # alternate, so drift in the machine falls on both
            plain.append(timed(base, suite))
            logged.append(timed(base + ["--recordings-usage", os.path.join(tmp, f"usage{i}")], suite))
        print(f"suite: {args.tests} cassette tests (pytest-recording, record_mode none), {args.rounds} rounds each")
        for what, k in (("wall", 0), ("CPU", 1)):
            p = statistics.median(x[k] for x in plain)
            q = statistics.median(x[k] for x in logged)
            ratios = [b[k] / a[k] for a, b in zip(plain, logged)]
            print(f"{what:<4} plain {p:6.2f} s, with --recordings-usage {q:6.2f} s: overhead "
                  f"{100 * (q / p - 1):+5.1f} % (median of paired runs {100 * (statistics.median(ratios) - 1):+.1f} %)")
        if args.instructions:
            counts = [_instructions(base + extra, suite) for extra in ([], ["--recordings-usage",
                                                                             os.path.join(tmp, "usage-cg")])]
            print(f"instructions (valgrind callgrind, one run each): plain {counts[0]:,}, with "
                  f"--recordings-usage {counts[1]:,}: overhead {100 * (counts[1] / counts[0] - 1):+.2f} %")


if __name__ == "__main__":
    main()
