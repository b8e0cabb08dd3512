"""Where each command's time goes: per phase and, for validate, per rule (in-process, serial).

    python bench/profile.py CORPUS [--commands validate,normalize,ls,stats] [--repeat 3] [--limit N]

Every phase runs over every file with the cyclic garbage collector paused, as the commands' workers
do; the time shown is the best of --repeat rounds (the VM is noisy). Phases are cumulative per file
in the order a command runs them, so the rows add up to the command's serial work; the parallel
commands spread that work over the cores (see bench/run.py for whole runs). The first table is the
start-up every command pays: the interpreter and the imports of the command line.
"""

from __future__ import annotations

import argparse
import gc
import io
import os
import statistics
import subprocess
import sys
import time
from typing import Any, Callable

sys.path.insert(0, os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "cli"))

from recordings.discovery import discover  # noqa: E402
from recordings.formats import format_for_file  # noqa: E402
from recordings.loader import read_bytes  # noqa: E402
from recordings.rules.types import FileContext  # noqa: E402


class Phases:
    """Seconds per phase, the best over rounds."""

    def __init__(self) -> None:
        self.best: dict[str, float] = {}
        self.round: dict[str, float] = {}

    def add(self, name: str, seconds: float) -> None:
        self.round[name] = self.round.get(name, 0.0) + seconds

    def end_round(self) -> None:
        for name, seconds in self.round.items():
            self.best[name] = min(seconds, self.best.get(name, float("inf")))
        self.round = {}

    def timed(self, name: str, func: Callable[..., Any], *args: Any) -> Any:
        t = time.perf_counter()
        out = func(*args)
        self.add(name, time.perf_counter() - t)
        return out

    def print(self, title: str, files: int) -> None:
        total = sum(self.best.values())
        print(f"\n{title} ({files} files, serial)")
        for name, seconds in self.best.items():
            print(f"  {name:<22} {seconds:7.3f} s  {100 * seconds / total if total else 0:5.1f}%")
        print(f"  {'total':<22} {total:7.3f} s")


def startup() -> None:
    """Median wall time of a bare interpreter and of importing the command line (10 runs each)."""
    def median(argv: list[str]) -> float:
        times = []
        for _ in range(10):
            t = time.perf_counter()
            subprocess.run(argv, check=True)
            times.append(time.perf_counter() - t)
        return statistics.median(times)

    env_python = sys.executable
    bare = median([env_python, "-c", "pass"])
    cli = median([env_python, "-c", "import recordings.commands"])
    print(f"start-up: interpreter {bare:.3f} s, + command line imports {cli - bare:.3f} s")


def _all(func: Callable[..., Any], *args: Any) -> list[Any]:
    return list(func(*args))


def read_parse(ph: Phases, path: str) -> tuple[bytes, Any, Any, Any] | None:
    raw = ph.timed("read", read_bytes, path)
    t = time.perf_counter()
    fmt = format_for_file(path, raw)
    doc = fmt.parse(path, raw)
    ph.add("parse", time.perf_counter() - t)
    try:
        rec = ph.timed("summarize", fmt.summarize, path, doc, len(raw))
    except Exception:  # noqa: BLE001 - a broken file: its later phases do not run
        return None
    return raw, fmt, doc, rec


def profile_validate(files: list[str], ph: Phases) -> None:
    from recordings.rules import RULES
    from recordings.rules.runner import PER_FILE

    keys = []
    for path in files:
        got = read_parse(ph, path)
        if got is None:
            continue
        raw, fmt, doc, rec = got
        ctx = FileContext(path, raw, doc, rec, fmt)
        for rule in PER_FILE:
            if rule.check is None or rule.format not in (None, fmt.name):
                continue
            ph.timed(f"rule {rule.id}", _all, rule.check, ctx)
        keys.append((path, ph.timed("corpus key", fmt.corpus_key, ctx)))
    for rule in RULES.values():
        if rule.scope == "corpus" and rule.check_corpus is not None:
            ph.timed(f"rule {rule.id} (corpus)", _all, rule.check_corpus, keys, None)


def _volatile_fields(fmt: Any, doc: Any, request_hash: str) -> Any:
    return fmt.normalization.normalize_document(doc, request_hash, apply=False)


def profile_normalize(files: list[str], ph: Phases) -> None:
    """As ``normalize --check`` plans a file: read, parse, the shape check (no model for a file that
    needs nothing), the volatile fields, the canonical bytes."""
    from recordings.formats.llamastack.document import has_recording_shape
    from recordings.jsonbytes import is_canonical
    from recordings.names import hash_of_name, stem

    for path in files:
        raw = ph.timed("read", read_bytes, path)
        t = time.perf_counter()
        fmt = format_for_file(path, raw)
        doc = fmt.parse(path, raw)
        ph.add("parse", time.perf_counter() - t)
        if fmt.normalization is None:
            continue
        if not hasattr(fmt.normalization, "normalize_document"):  # a cassette: the scrub's whole plan
            ph.timed("scrub plan (whole)", fmt.normalization.plan_file, path, False, False, False, None)
            continue
        if not ph.timed("shape check", has_recording_shape, doc):
            continue
        changes = ph.timed("volatile fields", _volatile_fields, fmt, doc, hash_of_name(stem(path)))
        if not changes:
            ph.timed("canonical bytes", is_canonical, raw, doc)


def profile_ls(files: list[str], ph: Phases) -> None:
    from recordings.output.listing import render_table

    records = []
    for path in files:
        got = read_parse(ph, path)
        if got is not None:
            records.extend(got[1].summaries(path, got[2], len(got[0])))
    ph.timed("render table", lambda: render_table(records, io.StringIO()))


def profile_stats(files: list[str], ph: Phases) -> None:
    from recordings.stats import CorpusStats, file_stats

    result = CorpusStats()
    for path in files:
        got = ph.timed("read, parse, measure", file_stats, path)
        if isinstance(got, list):
            for s in got:
                ph.timed("aggregate", result.add, s)
    ph.timed("aggregate", result.finish)


COMMANDS = {"validate": ("validate", profile_validate), "normalize": ("normalize", profile_normalize),
            "ls": ("ls", profile_ls), "stats": ("stats", profile_stats)}


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("corpus")
    ap.add_argument("--commands", default=",".join(COMMANDS))
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--limit", type=int, default=0)
    ap.add_argument("--no-startup", action="store_true", help="skip the start-up measurement")
    args = ap.parse_args()
    if not args.no_startup:
        startup()
    for name in [c.strip() for c in args.commands.split(",") if c.strip()]:
        ability, run = COMMANDS[name]
        ph = Phases()
        t = time.perf_counter()
        files = discover([args.corpus], ability).files
        discovery = time.perf_counter() - t
        if args.limit:
            files = files[: args.limit]
        gc.disable()
        for _ in range(args.repeat):
            run(files, ph)
            ph.end_round()
        gc.enable()
        ph.best = {"discover": discovery, **ph.best}
        ph.print(name, len(files))


if __name__ == "__main__":
    main()
