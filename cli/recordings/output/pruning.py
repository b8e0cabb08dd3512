"""The prune plan: orphans grouped by test, with the reason and what they weigh."""

from __future__ import annotations

from typing import IO

from recordings.output.terminal import Printer, human_size, visible
from recordings.prune import PrunePlan


def render_plan(plan: PrunePlan, stream: IO[str]) -> None:
    p = Printer(stream)
    for test, orphans in plan.by_test().items():
        size = sum(o.recording.size for o in orphans)
        p.parts((visible(test), "bold"), (f"  ({orphans[0].reason}; {len(orphans)} file"
                                 f"{'s' if len(orphans) != 1 else ''}, {human_size(size)})", "yellow"))
        for o in orphans:
            params = f"[{o.recording.test.params}]" if o.recording.test and o.recording.test.params else ""
            p.line(visible(f"  {o.recording.path}  {params}".rstrip()))


def render_usage(usage: dict[str, object], stream: IO[str]) -> None:
    """What prune by use read: the logs, the replay misses, and (--interactions) cassettes not played whole."""
    p = Printer(stream)
    logs = usage.get("logs") or []
    assert isinstance(logs, list)
    p.line(f"logs read ({len(logs)}):", "bold")
    for log in logs:
        p.line(f"  {visible(str(log))}")
    misses = usage.get("misses") or []
    assert isinstance(misses, list)
    if misses:
        p.line(f"replay misses ({len(misses)}): a test looked for a recording that is not there", "bold")
        for m in misses:
            p.line(f"  {visible(m['test'])}: {visible(m['missing'])}")
    rows = usage.get("interactions")
    if isinstance(rows, list):
        p.line(f"cassettes with interactions no test played ({len(rows)}):", "bold")
        for row in rows:
            p.line(f"  {visible(row['path'])}  {row['played']} of {row['interactions']} played")
