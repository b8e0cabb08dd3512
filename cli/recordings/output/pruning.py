"""The prune plan: orphans grouped by test, with the reason and what they weigh."""

from __future__ import annotations

from typing import IO

from recordings.output.terminal import Printer, human_size, visible
from recordings.prune import PrunePlan


def render_plan(plan: PrunePlan, stream: IO[str]) -> None:
    p = Printer(stream)
    for test, orphans in plan.by_test().items():
        size = sum(o.recording.size for o in orphans)
        p.parts((visible(test), "bold"), (f"  ({orphans[0].reason}; {len(orphans)} recording"
                                 f"{'s' if len(orphans) != 1 else ''}, {human_size(size)})", "yellow"))
        for o in orphans:
            params = f"[{o.recording.test.params}]" if o.recording.test and o.recording.test.params else ""
            p.line(visible(f"  {o.recording.path}  {params}".rstrip()))
