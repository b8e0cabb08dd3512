"""Time recordings commands on a cassette corpus against a bare read + libyaml parse of the same files.

    python bench/make_cassettes.py /tmp/cassettes1500
    python bench/cassettes.py /tmp/cassettes1500 [--repeat 3]

``diff`` compares the corpus with a git revision of itself in which 50 cassettes were re-recorded
(an answer changed); its baseline is parsing both sides.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from run import measure, measure_against  # noqa: E402

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
    base_argv = [sys.executable, "-c", BASELINE, args.corpus]
    base, base_m, _ = measure(base_argv, args.repeat)
    print(f"{'baseline read+libyaml':<22} {base:7.3f} s  {base_m:6.1f} MiB")
    one = next(os.path.join(d, f) for d, _, fs in os.walk(args.corpus) for f in sorted(fs) if f.endswith(".yaml"))
    rec = [sys.executable, "-m", "recordings"]
    repo = _revision_pair(args.corpus)
    for name, argv in (("ls (no cache)", rec + ["ls", args.corpus, "--no-cache"]),
                       ("ls (cache)", rec + ["ls", args.corpus]),
                       ("show one cassette", rec + ["show", one]),
                       ("stats (no cache)", rec + ["stats", args.corpus, "--no-cache"]),
                       ("validate (no cache)", rec + ["validate", args.corpus, "--no-cache"]),
                       ("normalize --check", rec + ["normalize", "--check", args.corpus, "--no-cache"]),
                       ("prune --dry-run", rec + ["prune", "--dry-run", "--root", args.corpus, args.corpus,
                                                  "--no-cache"]),
                       ("diff HEAD (50 changed)", rec + ["diff", "HEAD", "--root", repo])):
        t, m, code, ratio = measure_against(argv, base_argv, args.repeat)
        of_both = name.startswith("diff")  # its baseline is parsing both sides: twice the corpus
        print(f"{name:<22} {t:7.3f} s  {m:6.1f} MiB  {ratio / 2 if of_both else ratio:5.2f}x"
              f"{' (of both)' if of_both else ''}  exit {code}")


def _revision_pair(corpus: str) -> str:
    """A git repository of the corpus whose working tree re-recorded 50 cassettes (one answer word each)."""
    import shutil
    import subprocess

    repo = tempfile.mkdtemp(prefix="cassette-repo-")
    shutil.copytree(corpus, repo, dirs_exist_ok=True)
    env = {**os.environ, "GIT_AUTHOR_NAME": "b", "GIT_AUTHOR_EMAIL": "b@b", "GIT_COMMITTER_NAME": "b",
           "GIT_COMMITTER_EMAIL": "b@b"}
    for argv in (["git", "init", "-q"], ["git", "add", "."], ["git", "commit", "-qm", "corpus"]):
        subprocess.run(argv, cwd=repo, check=True, env=env)
    changed = 0
    for d, _, fs in sorted(os.walk(repo)):
        for f in sorted(fs):
            path = os.path.join(d, f)
            if changed < 50 and f.endswith(".yaml"):
                text = open(path).read()
                if " fox" in text:
                    open(path, "w").write(text.replace(" fox", " cat", 1))
                    changed += 1
    return repo


if __name__ == "__main__":
    main()
