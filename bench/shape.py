"""The shape of an OGX corpus: file sizes, the share of streams, chunk counts, conversation lengths and
endpoints (what ``bench/make_corpus.py --mix ogx`` imitates).

    python bench/shape.py CORPUS [CORPUS ...]
"""

from __future__ import annotations

import collections
import os
import statistics
import sys

import orjson


def _q(xs: list[int], p: float) -> int:
    return sorted(xs)[min(len(xs) - 1, int(len(xs) * p))] if xs else 0


def shape(root: str) -> None:
    sizes: list[int] = []
    chunks: list[int] = []
    messages: list[int] = []
    endpoints: collections.Counter[str] = collections.Counter()
    streamed = 0
    for folder, _, names in os.walk(root):
        if os.path.basename(folder) != "recordings":
            continue
        for name in names:
            if not name.endswith(".json"):
                continue
            with open(os.path.join(folder, name), "rb") as fh:
                raw = fh.read()
            sizes.append(len(raw))
            doc = orjson.loads(raw)
            req = doc.get("request") or {}
            endpoints[req.get("endpoint") or str(req.get("url", "?"))[:40]] += 1
            body = req.get("body") if isinstance(req.get("body"), dict) else {}
            for key in ("messages", "input"):
                if isinstance(body.get(key), list):
                    messages.append(len(body[key]))
            resp = doc.get("response") or {}
            if resp.get("is_streaming"):
                streamed += 1
                chunks.append(len(resp["body"]) if isinstance(resp.get("body"), list) else 0)
    if not sizes:
        print(f"{root}: no recordings")
        return
    kb = [s / 1000 for s in sizes]
    print(f"{root}: {len(sizes)} files, {sum(sizes) / 1e6:.1f} MB")
    print(f"  size KB: mean {statistics.mean(kb):.1f}, median {_q(sizes, .5) / 1e3:.1f}, "
          f"p90 {_q(sizes, .9) / 1e3:.1f}, "
          f"p99 {_q(sizes, .99) / 1e3:.1f}, max {max(sizes) / 1e3:.0f}; over 100 KB: {sum(s > 100_000 for s in sizes)}")
    print(f"  streamed {streamed} ({streamed / len(sizes):.0%}); chunks median {_q(chunks, .5)}, p90 {_q(chunks, .9)}, "
          f"p99 {_q(chunks, .99)}, max {max(chunks, default=0)}")
    print(f"  messages per request: median {_q(messages, .5)}, p90 {_q(messages, .9)}, max {max(messages, default=0)}")
    print("  endpoints: " + ", ".join(f"{e} {n}" for e, n in endpoints.most_common(6)))


if __name__ == "__main__":
    for corpus in sys.argv[1:]:
        shape(corpus)
