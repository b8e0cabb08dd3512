"""Generate a realistic synthetic recording corpus for benchmarks.

    python bench/make_corpus.py OUT_DIR [--files 3000] [--seed 1] [--mix ogx|uniform]

``--mix ogx`` (the default) matches OGX's real corpus (``shared/corpora/field/ogx``, measured by
``bench/shape.py``): 56% streamed, chunk counts heavy-tailed (median 19, p90 ~100, p99 ~400, up to
1,400), conversations of 1 to 100 messages, 7% model lists, 4.5% Gemini streams, 2% embeddings; file
sizes median ~11 KB, p99 ~300 KB, some over 1 MB. ``--mix uniform`` is the older mix: 80% streamed chat
of 12–70 chunks, every file ~30 KB. Files are in the real layout and byte format, named by their real
request hash, with normalized ids, spread over ~20 suites and ~200 test files.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(os.path.dirname(HERE), "cli"))

from recordings.formats.llamastack.hashing import request_hash  # noqa: E402
from recordings.model import Kind  # noqa: E402

WORDS = ("the model answer stream token delta chunk replay record corpus test hash provider "
         "inference request response tool call weather city paris tokyo python version release "
         "vector store file search result score citation summary context window").split()
SUITES = ["inference", "responses", "agents", "vector_io", "tool_runtime", "safety", "batches", "files",
          "conversations", "eval", "post_training", "scoring", "telemetry", "datasets", "messages",
          "interactions", "providers/nvidia", "providers/vllm", "models", "shields"]
MODELS = [("gpt-4o", "https://api.openai.com/v1/v1/chat/completions"),
          ("llama3.2:3b-instruct-fp16", "http://0.0.0.0:11434/v1/v1/chat/completions"),
          ("gpt-4o", "https://ogx-test.openai.azure.com/openai/v1/v1/chat/completions"),
          ("Qwen/Qwen3-0.6B", "http://localhost:8000/v1/v1/chat/completions")]
CHUNK = "openai.types.chat.chat_completion_chunk.ChatCompletionChunk"


def text(rng: random.Random, n: int) -> str:
    return " ".join(rng.choice(WORDS) for _ in range(n))


def chat_chunk(rid: str, model: str, delta: dict, finish=None, usage=None) -> dict:
    d = {"content": None, "function_call": None, "refusal": None, "role": None, "tool_calls": None}
    d.update(delta)
    return {"__type__": CHUNK, "__data__": {"id": rid, "choices": [{"delta": d, "finish_reason": finish, "index": 0,
            "logprobs": None}] if usage is None else [], "created": 0, "model": model, "object": "chat.completion.chunk",
            "service_tier": "default", "system_fingerprint": "fp_bench", "usage": usage, "obfuscation": "abcdefgh"}}


# the share of each kind (cumulative thresholds): streamed chat, whole chat, embeddings, Anthropic SSE, model
# lists, then Gemini streams
MIXES = {"uniform": (0.80, 0.90, 0.95, 0.98, 0.98), "ogx": (0.51, 0.865, 0.885, 0.89, 0.955)}


def _chunk_count(rng: random.Random, mix: str) -> int:
    if mix == "uniform":
        return rng.randint(12, 70)
    return max(2, min(1400, int(rng.lognormvariate(2.94, 1.27))))  # median 19, p90 ~97, p99 ~370


def _messages(rng: random.Random, mix: str, i: int) -> list[dict]:
    messages = [{"role": "system", "content": "You are a helpful assistant."},
                {"role": "user", "content": text(rng, rng.randint(10, 400)) + f" #{i}"}]
    if mix == "ogx":  # most requests are one turn; a few carry long conversations (agents, responses)
        for k in range(min(100, int(rng.lognormvariate(0, 1.1))) if rng.random() < 0.4 else 0):
            messages.append({"role": "assistant" if k % 2 == 0 else "user", "content": text(rng, rng.randint(5, 120))})
    return messages


def _tools(rng: random.Random) -> list[dict]:
    """Function schemas, as agent and tool-calling tests send them (most of a real request's bytes)."""
    return [{"type": "function", "function": {"name": f"tool_{k}", "description": text(rng, rng.randint(10, 60)),
             "parameters": {"type": "object", "properties": {f"arg_{j}": {"type": "string",
                            "description": text(rng, rng.randint(5, 25))} for j in range(rng.randint(1, 6))},
                            "required": ["arg_0"]}}} for k in range(rng.randint(1, 8))]


def build(rng: random.Random, test_id: str, i: int, mix: str = "ogx") -> tuple[Kind, dict, dict]:
    roll = rng.random()
    model, url = rng.choice(MODELS)
    stream_chat, whole_chat, embeddings, anthropic, model_lists = MIXES[mix]
    messages = _messages(rng, mix, i)
    if roll < stream_chat:  # streamed chat
        body = {"model": model, "messages": messages, "stream": True, "stream_options": {"include_usage": True},
                "temperature": 0.7}
        if mix == "ogx" and rng.random() < 0.45:
            body["tools"] = _tools(rng)
        req = {"method": "POST", "url": url, "headers": {}, "body": body, "endpoint": "/v1/chat/completions",
               "model": model}
        h = request_hash(Kind.INFERENCE, req, test_id)
        rid = "rec-" + h[:12]
        chunks = [chat_chunk(rid, model, {"role": "assistant", "content": ""})]
        for _ in range(_chunk_count(rng, mix)):
            chunks.append(chat_chunk(rid, model, {"content": " " + rng.choice(WORDS)}))
        if rng.random() < 0.2:
            chunks.append(chat_chunk(rid, model, {"tool_calls": [{"index": 0, "id": "call_x", "type": "function",
                                                   "function": {"name": "get_weather", "arguments": ""}}]}))
            for piece in ('{"ci', 'ty": "', 'Paris"}'):
                chunks.append(chat_chunk(rid, model, {"tool_calls": [{"index": 0, "id": None, "type": None,
                                                       "function": {"name": None, "arguments": piece}}]}))
        chunks.append(chat_chunk(rid, model, {}, finish="stop"))
        chunks.append(chat_chunk(rid, model, {}, usage={"completion_tokens": 50, "prompt_tokens": 100,
                                                         "total_tokens": 150}))
        return Kind.INFERENCE, req, {"body": chunks, "is_streaming": True}
    if roll < whole_chat:  # whole chat
        body = {"model": model, "messages": messages, "max_tokens": 256}
        if mix == "ogx" and rng.random() < 0.45:
            body["tools"] = _tools(rng)
        req = {"method": "POST", "url": url, "headers": {}, "body": body, "endpoint": "/v1/chat/completions",
               "model": model}
        h = request_hash(Kind.INFERENCE, req, test_id)
        data = {"id": "rec-" + h[:12], "choices": [{"finish_reason": "stop", "index": 0, "logprobs": None,
                "message": {"content": text(rng, rng.randint(20, 300)), "role": "assistant", "tool_calls": None}}],
                "created": 0, "model": model, "object": "chat.completion",
                "usage": {"completion_tokens": 20, "prompt_tokens": 30, "total_tokens": 50}}
        return Kind.INFERENCE, req, {"body": {"__type__": "openai.types.chat.chat_completion.ChatCompletion",
                                               "__data__": data}, "is_streaming": False}
    if roll < embeddings:  # embeddings
        body = {"model": "text-embedding-3-small", "input": [text(rng, 12)], "encoding_format": "float"}
        req = {"method": "POST", "url": "https://api.openai.com/v1/v1/embeddings", "headers": {}, "body": body,
               "endpoint": "/v1/embeddings", "model": "text-embedding-3-small"}
        vec = [round(rng.uniform(-0.1, 0.1), 9) for _ in range(768)]
        data = {"data": [{"embedding": vec, "index": 0, "object": "embedding"}], "model": "text-embedding-3-small",
                "object": "list", "usage": {"prompt_tokens": 12, "total_tokens": 12}}
        return Kind.INFERENCE, req, {"body": {"__type__": "openai.types.create_embedding_response.CreateEmbeddingResponse",
                                               "__data__": data}, "is_streaming": False}
    if roll < model_lists and roll >= anthropic:  # a model list (the recorder's models-<hash>-<digest> aside)
        ids = sorted({rng.choice(WORDS) + "-" + str(rng.randrange(100)) for _ in range(rng.randint(5, 40))})
        req = {"method": "GET", "url": "https://api.openai.com/v1/v1/models", "headers": {}, "body": {},
               "endpoint": "/v1/models", "model": ""}
        body = [{"__type__": "openai.types.model.Model", "__data__": {"id": m, "created": 0, "object": "model",
                                                                        "owned_by": "system"}} for m in ids]
        return Kind.INFERENCE, req, {"body": body, "is_streaming": False}
    if roll < anthropic:  # anthropic SSE
        payload = {"model": "gpt-oss:20b", "messages": messages[1:], "max_tokens": 128, "stream": True}
        req = {"test_id": test_id, "url": "http://0.0.0.0:11434/v1/messages", "method": "POST", "payload": payload}
        lines = ["event: message_start", 'data: {"type":"message_start","message":{"id":"msg_1","type":"message",'
                 '"role":"assistant","model":"gpt-oss:20b","content":[],"usage":{"input_tokens":7,"output_tokens":0}}}', ""]
        lines += ["event: content_block_start",
                  'data: {"type":"content_block_start","index":0,"content_block":{"type":"text","text":""}}', ""]
        for _ in range(rng.randint(20, 80)):
            lines += ["event: content_block_delta", "data: " + json.dumps({"type": "content_block_delta", "index": 0,
                      "delta": {"type": "text_delta", "text": " " + rng.choice(WORDS)}}, separators=(",", ":")), ""]
        lines += ["event: message_delta", 'data: {"type":"message_delta","delta":{"stop_reason":"end_turn"},'
                  '"usage":{"input_tokens":7,"output_tokens":60}}', "", "event: message_stop",
                  'data: {"type":"message_stop"}', ""]
        return Kind.HTTP, req, {"body": lines, "is_streaming": True}
    # gemini stream
    m = "publishers/google/models/gemini-2.0-flash"
    body = {"model": m, "contents": [{"role": "user", "parts": [{"text": text(rng, 30)}]}], "config": {}}
    req = {"method": "POST", "url": "vertexai:///generate_content_stream", "headers": {}, "body": body,
           "endpoint": "/generate_content_stream", "model": m, "provider_metadata": {"provider": "vertexai"}}
    chunks = [{"sdk_http_response": {"headers": {"Content-Type": "text/event-stream"}},
               "candidates": [{"content": {"parts": [{"text": text(rng, 8)}], "role": "model"}}],
               "create_time": "2026-04-01T10:29:54.416945Z", "model_version": "gemini-2.0-flash",
               "response_id": "resp1", "usage_metadata": {"traffic_type": "ON_DEMAND"}} for _ in range(rng.randint(3, 12))]
    chunks[-1]["candidates"][0]["finish_reason"] = "STOP"
    return Kind.INFERENCE, req, {"body": chunks, "is_streaming": True}


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("out")
    ap.add_argument("--files", type=int, default=3000)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--test-files", type=int, default=200)
    ap.add_argument("--mix", choices=sorted(MIXES), default="ogx", help="ogx: the shape of OGX's real corpus")
    args = ap.parse_args()
    rng = random.Random(args.seed)
    test_files = []
    for t in range(args.test_files):
        suite = SUITES[t % len(SUITES)]
        test_files.append((suite, f"tests/integration/{suite}/test_bench_{t:03d}.py"))
    total = 0
    for i in range(args.files):
        suite, tf = test_files[rng.randrange(len(test_files))]
        test_id = f"{tf}::test_case_{rng.randrange(12):02d}[client-txt=model-{rng.randrange(4)}]"
        kind, req, resp = build(rng, test_id, i, args.mix)
        name = request_hash(kind, req, test_id)
        doc = {"test_id": test_id, "request": req, "response": resp, "id_normalization_mapping": {}}
        folder = os.path.join(args.out, "tests", "integration", suite, "recordings")
        os.makedirs(folder, exist_ok=True)
        data = (json.dumps(doc, indent=2) + "\n").encode("ascii")
        total += len(data)
        with open(os.path.join(folder, name + ".json"), "wb") as fh:
            fh.write(data)
    # the test files themselves, so prune planning has something to read
    for _suite, tf in test_files:
        path = os.path.join(args.out, tf)
        os.makedirs(os.path.dirname(path), exist_ok=True)
        with open(path, "w") as fh:
            fh.write("import pytest\n\n")
            for k in range(12):
                fh.write(f"\n@pytest.mark.parametrize('client', ['a'])\ndef test_case_{k:02d}(client):\n    assert client\n")
    print(f"{args.files} files, {total / 1e6:.1f} MB in {args.out}")


if __name__ == "__main__":
    main()
