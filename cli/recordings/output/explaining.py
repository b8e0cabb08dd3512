"""The ``explain`` report."""

from __future__ import annotations

import os
from typing import IO

from recordings.formats.llamastack.explain import Explanation
from recordings.output.terminal import Printer


def render_explanation(ex: Explanation, root: str, stream: IO[str]) -> None:
    p = Printer(stream)

    def rel(path: str) -> str:
        return os.path.relpath(path, root)

    p.parts(("hash      ", "bold cyan"), (ex.hash, None))
    if ex.test_id:
        p.parts(("test      ", "bold cyan"), (ex.test_id, None))
    if ex.assumed:
        p.parts(("assumed   ", "bold cyan"), (ex.assumed, "dim"))
    if not ex.lookups and not ex.found:
        for r in ex.elsewhere:
            p.line(f"  {r.short_id}  {rel(r.path)}")
        p.parts(("verdict   ", "bold"), (ex.verdict, "yellow"))
        return
    p.line("replay looks in:", "bold")
    for i, lk in enumerate(ex.lookups, 1):
        p.parts((f"  {i}. {rel(lk.path)}  ", None),
                ("found" if lk.exists else "missing", "green" if lk.exists else "red"))
    for r in ex.elsewhere:
        p.parts(("elsewhere ", "bold yellow"), (rel(r.path), None), (f"  (test_id: {r.test_id})", "dim"))
    if ex.test_id is not None:
        if ex.test_recordings:
            p.line(f"recordings of this test ({len(ex.test_recordings)}):", "bold")
            for r in ex.test_recordings:
                p.line(f"  {r.short_id}  {r.endpoint or '-'}  {r.model or '-'}  {rel(r.path)}")
        else:
            p.line("this test has no recordings", "dim")
    if ex.candidates:
        p.line("closest recordings of this test and endpoint:", "bold")
        for i, c in enumerate(ex.candidates, 1):
            p.line(f"  {i}. {c.recording.short_id}  distance {c.distance:.4f}  {rel(c.recording.path)}")
    if ex.differences:
        p.line("what differs from the closest one (its request → yours):", "bold")
        for line in ex.differences:
            p.line(f"  {line}")
    p.parts(("verdict   ", "bold"), (ex.verdict, "green" if ex.found else "yellow"))
    if ex.hint:
        p.parts(("hint      ", "bold"), (ex.hint, "dim"))
