"""Copy a corpus and change N of its files, for the diff benchmark.

    python bench/make_diff_pair.py CORPUS OUT [--changes 100]

Half of the changed files get a different answer text, half only new ids and
timestamps (noise), the way a re-record touches a corpus.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import shutil


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("corpus")
    ap.add_argument("out")
    ap.add_argument("--changes", type=int, default=100)
    ap.add_argument("--seed", type=int, default=2)
    args = ap.parse_args()
    if os.path.exists(args.out):
        shutil.rmtree(args.out)
    shutil.copytree(args.corpus, args.out)
    files = sorted(os.path.join(d, f) for d, _, fs in os.walk(args.out) for f in fs
                   if f.endswith(".json") and os.path.basename(d) == "recordings")
    rng = random.Random(args.seed)
    for n, path in enumerate(rng.sample(files, args.changes)):
        with open(path, "rb") as fh:
            doc = json.loads(fh.read())
        body = doc["response"]["body"]
        items = body if isinstance(body, list) else [body]
        for item in items:
            data = item.get("__data__") if isinstance(item, dict) else None
            if not isinstance(data, dict):
                continue
            if n % 2:  # noise: fresh ids and timestamps
                if "id" in data:
                    data["id"] = f"chatcmpl-{rng.getrandbits(48):x}"
                if "created" in data:
                    data["created"] = 1765000000 + n
            else:  # a real change: other words in the answer
                for choice in data.get("choices") or []:
                    delta = choice.get("delta") or choice.get("message") or {}
                    if isinstance(delta.get("content"), str) and delta["content"]:
                        delta["content"] = delta["content"].upper()
                if isinstance(data.get("data"), list):
                    for d in data["data"]:
                        d["embedding"][0] = 0.5
        if isinstance(body, list) and body and isinstance(body[0], str):
            body[:] = [line.replace("text_delta\",\"text\":\" ", "text_delta\",\"text\":\" X") for line in body]
        elif isinstance(body, list) and body and "candidates" in body[0]:
            body[0]["candidates"][0]["content"]["parts"][0]["text"] += " changed"
        with open(path, "w") as fh:
            fh.write(json.dumps(doc, indent=2) + "\n")
    print(f"{args.changes} of {len(files)} files changed in {args.out}")


if __name__ == "__main__":
    main()
