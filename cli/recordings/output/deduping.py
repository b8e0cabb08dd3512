"""The ``dedupe`` plan: each colliding name, the file kept and why, the files removed."""

from __future__ import annotations

import os
from typing import IO

from recordings.collisions import Collision
from recordings.output.terminal import Printer, visible


def render_dedupe(groups: list[Collision], stream: IO[str], verb: str = "delete") -> None:
    p = Printer(stream)
    for g in groups:
        here = os.path.dirname(g.name)
        short = {f: visible(os.path.basename(f) if os.path.dirname(f) == here else f) for f in g.files}

        p.parts((visible(g.name), "bold"), (f"  ({len(g.files)} files hash to this name)", "dim"))
        for f in g.files:
            if f == g.keep:
                p.parts(("  keep    ", "green"), (short[f], None), (f"  ({g.why})", "dim"))
            elif g.keep is None:
                p.parts(("  keep    ", None), (short[f], None))
            else:
                p.parts((f"  {verb:<8}", "red"), (short[f], None))
        if g.keep is None:
            p.parts(("  ", None), (g.why, "yellow"))
