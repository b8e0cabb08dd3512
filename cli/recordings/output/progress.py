"""A progress bar on stderr for long runs at a terminal; silent when piped or quiet."""

from __future__ import annotations

import sys
import time
from typing import Iterable, Iterator, TypeVar

from recordings.output.terminal import wants_color

T = TypeVar("T")
DELAY = 2.0  # seconds before a bar appears: short runs never flicker


def track(items: Iterable[T], total: int, label: str, quiet: bool = False) -> Iterator[T]:
    """Yield ``items``; after DELAY seconds at a terminal, show a transient bar on stderr."""
    if quiet or total < 50 or not wants_color(sys.stderr):
        yield from items
        return
    start = time.monotonic()
    bar = None
    task = None
    done = 0
    try:
        for item in items:
            done += 1
            if bar is None and time.monotonic() - start > DELAY:
                from rich.console import Console
                from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

                bar = Progress(TextColumn(label), BarColumn(), MofNCompleteColumn(), TimeRemainingColumn(),
                               console=Console(file=sys.stderr), transient=True)
                bar.start()
                task = bar.add_task(label, total=total, completed=done)
            elif bar is not None and task is not None:
                bar.update(task, completed=done)
            yield item
    finally:
        if bar is not None:
            bar.stop()
