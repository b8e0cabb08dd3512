"""Spreading per-file work over the machine's cores, with results in input order.

Small inputs run serially (a worker pool costs more than it saves). Set
``RECORDINGS_JOBS=1`` to force serial runs, or a number to set the workers;
``RECORDINGS_PARALLEL_MIN`` sets the size from which a pool is used.
"""

from __future__ import annotations

import gc
import os
from typing import Callable, Iterator, Sequence, TypeVar

T = TypeVar("T")
R = TypeVar("R")

MIN_FILES = 400


def workers() -> int:
    env = os.environ.get("RECORDINGS_JOBS")
    if env:
        try:
            return max(1, int(env))
        except ValueError:
            pass
    try:
        n = len(os.sched_getaffinity(0))
    except (AttributeError, OSError):
        n = os.cpu_count() or 1
    return min(n, 8)


def _init_worker() -> None:
    gc.disable()  # parsed JSON makes no cycles; see loader.scan


def _threshold() -> int:
    try:
        return int(os.environ.get("RECORDINGS_PARALLEL_MIN", MIN_FILES))
    except ValueError:
        return MIN_FILES


def ordered_map(func: Callable[[T], R], items: Sequence[T], min_items: int | None = None) -> Iterator[R]:
    """``map(func, items)``, in parallel when it pays, always in input order.

    ``RECORDINGS_PARALLEL_MIN`` sets how many items make a pool worth it (default 400).
    """
    if min_items is None:
        min_items = _threshold()
    n = workers()
    if n >= 2 and len(items) >= min_items:
        import multiprocessing  # only when a pool may be used: it costs ~10 ms to import

        can_fork = "fork" in multiprocessing.get_all_start_methods()
    else:
        can_fork = False
    if not can_fork:
        was = gc.isenabled()
        gc.disable()
        try:
            for item in items:
                yield func(item)
        finally:
            if was:
                gc.enable()
        return
    ctx = multiprocessing.get_context("fork")
    chunksize = max(8, len(items) // (n * 8))
    with ctx.Pool(n, initializer=_init_worker) as pool:
        yield from pool.imap(func, items, chunksize=chunksize)
