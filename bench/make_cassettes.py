"""Write a synthetic corpus of VCR.py cassettes, laid out and serialized as pytest-recording and vcrpy
write them (tests/cassettes/<module>/<test>.yaml, vcrpy's YAML dumper settings).

    python bench/make_cassettes.py DIR [--files 1500]

Mix: 50% Anthropic SSE streams (text), 25% Gemini SSE streams with gzip bodies (!!binary), 15% OpenAI
chat SSE streams, 10% whole JSON answers; one to three interactions per cassette; realistic request
headers. Deterministic (seeded).
"""

from __future__ import annotations

import argparse
import gzip
import json
import os
import random

import yaml

WORDS = ("the quick brown fox jumps over lazy dogs while pelicans watch calmly from the harbour wall and "
         "models answer questions about weather cities code and poems").split()


def _text(rng: random.Random, n: int) -> list[str]:
    return [" " + rng.choice(WORDS) for _ in range(n)]


def _request(uri: str, body: dict) -> dict:
    return {"body": json.dumps(body), "method": "POST", "uri": uri,
            "headers": {"Accept": ["application/json"], "Content-Type": ["application/json"],
                        "User-Agent": ["bench/1.0"], "X-Stainless-Lang": ["python"],
                        "authorization": ["DUMMY"]}}


def _response(body: object, ctype: str, gz: bool = False) -> dict:
    headers = {"content-type": [ctype], "date": ["Sat, 29 Nov 2025 10:00:00 GMT"], "cf-ray": ["8e1f2a3b4c5d6e7f-CDG"],
               "request-id": ["req_011CU"], "x-ratelimit-remaining-requests": ["999"]}
    if gz:
        headers["content-encoding"] = ["gzip"]
        body = {"string": gzip.compress(str(body).encode(), mtime=0)}
    else:
        body = {"string": body}
    return {"body": body, "headers": headers, "status": {"code": 200, "message": "OK"}}


def anthropic(rng: random.Random) -> dict:
    pieces = _text(rng, rng.randint(20, 80))
    events = [("message_start", {"type": "message_start", "message": {"id": "msg_01", "type": "message",
              "role": "assistant", "model": "claude-haiku-4-5", "content": [], "usage": {"input_tokens": 12}}}),
              ("content_block_start", {"type": "content_block_start", "index": 0,
                                       "content_block": {"type": "text", "text": ""}})]
    events += [("content_block_delta", {"type": "content_block_delta", "index": 0,
                                        "delta": {"type": "text_delta", "text": p}}) for p in pieces]
    events += [("content_block_stop", {"type": "content_block_stop", "index": 0}),
               ("message_delta", {"type": "message_delta", "delta": {"stop_reason": "end_turn"},
                                  "usage": {"output_tokens": len(pieces)}}),
               ("message_stop", {"type": "message_stop"})]
    sse = "".join(f"event: {e}\ndata: {json.dumps(d, separators=(',', ':'))}\n\n" for e, d in events)
    return {"request": _request("https://api.anthropic.com/v1/messages",
                                {"model": "claude-haiku-4-5", "max_tokens": 512, "stream": True,
                                 "messages": [{"role": "user", "content": "Tell me something"}]}),
            "response": _response(sse, "text/event-stream; charset=utf-8")}


def gemini(rng: random.Random) -> dict:
    chunks = [{"candidates": [{"content": {"parts": [{"text": "".join(_text(rng, 8))}], "role": "model"},
                               "index": 0}], "modelVersion": "gemini-flash-latest"} for _ in range(rng.randint(3, 12))]
    chunks[-1]["candidates"][0]["finishReason"] = "STOP"
    chunks[-1]["usageMetadata"] = {"promptTokenCount": 9, "candidatesTokenCount": 40, "totalTokenCount": 49}
    sse = "".join(f"data: {json.dumps(c, separators=(',', ':'))}\r\n\r\n" for c in chunks)
    return {"request": _request("https://generativelanguage.googleapis.com/v1beta/models/gemini-flash-latest"
                                ":streamGenerateContent?alt=sse", {"contents": [{"parts": [{"text": "hi"}]}]}),
            "response": _response(sse, "text/event-stream", gz=True)}


def openai(rng: random.Random) -> dict:
    pieces = _text(rng, rng.randint(15, 60))
    lines = [{"id": "chatcmpl-1", "object": "chat.completion.chunk", "created": 1764000000, "model": "gpt-4o-mini",
              "choices": [{"index": 0, "delta": {"content": p}, "finish_reason": None}]} for p in pieces]
    lines[-1]["choices"][0]["finish_reason"] = "stop"
    sse = "".join(f"data: {json.dumps(c, separators=(',', ':'))}\n\n" for c in lines) + "data: [DONE]\n\n"
    request = {"model": "gpt-4o-mini", "stream": True, "messages": [{"role": "user", "content": "x"}]}
    return {"request": _request("https://api.openai.com/v1/chat/completions", request),
            "response": _response(sse, "text/event-stream; charset=utf-8")}


def whole(rng: random.Random) -> dict:
    body = {"id": "chatcmpl-2", "object": "chat.completion", "created": 1764000000, "model": "gpt-4o-mini",
            "choices": [{"index": 0, "message": {"role": "assistant", "content": "".join(_text(rng, 40))},
                         "finish_reason": "stop"}], "usage": {"prompt_tokens": 5, "completion_tokens": 40}}
    return {"request": _request("https://api.openai.com/v1/chat/completions",
                                {"model": "gpt-4o-mini", "messages": [{"role": "user", "content": "x"}]}),
            "response": _response(json.dumps(body), "application/json", gz=True)}


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("dir")
    ap.add_argument("--files", type=int, default=1500)
    args = ap.parse_args()
    rng = random.Random(7)
    dumper = getattr(yaml, "CDumper", yaml.Dumper)
    total = 0
    for i in range(args.files):
        module = f"test_module_{i % 30:02d}"
        folder = os.path.join(args.dir, "tests", "cassettes", module)
        os.makedirs(folder, exist_ok=True)
        maker = rng.choices([anthropic, gemini, openai, whole], weights=[50, 25, 15, 10])[0]
        cassette = {"interactions": [maker(rng) for _ in range(rng.randint(1, 3))], "version": 1}
        path = os.path.join(folder, f"test_case_{i:05d}.yaml")
        with open(path, "w") as fh:
            yaml.dump(cassette, fh, Dumper=dumper)
        total += os.path.getsize(path)
    for m in range(30):  # the test modules the cassettes belong to, so prune has a source of truth
        tests = "".join(f"\n\ndef test_case_{i:05d}():\n    pass\n" for i in range(m, args.files, 30))
        with open(os.path.join(args.dir, "tests", f"test_module_{m:02d}.py"), "w") as fh:
            fh.write('"""Stand-in tests for the generated cassettes."""' + tests)
    with open(os.path.join(args.dir, "pyproject.toml"), "w") as fh:
        fh.write("[project]\nname = 'bench-cassettes'\nversion = '0'\n")
    print(f"{args.files} cassettes, {total / 1e6:.1f} MB in {args.dir}")


if __name__ == "__main__":
    main()
