"""Write the bundled sample corpus (run from the repository root: python sample_recordings/generate.py).

Every recording here is written by this script, in the real layout and byte
format: named by its request hash, ids normalized, ``json.dumps(indent=2)`` plus
a newline. The ``broken/`` folder holds deliberately bad files.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(os.path.dirname(HERE), "cli"))

from recordings.formats.llamastack.hashing import models_digest, request_hash  # noqa: E402
from recordings.model import Kind  # noqa: E402

INTEGRATION = os.path.join(HERE, "tests", "integration")
CHUNK = "openai.types.chat.chat_completion_chunk.ChatCompletionChunk"
COMPLETION = "openai.types.completion.Completion"


def dumps(obj: object) -> str:
    return json.dumps(obj, indent=2) + "\n"


def write_recording(folder: str, test_id: str | None, request: dict, response: dict, kind: Kind = Kind.INFERENCE,
                    model_ids: list[str] | None = None, name: str | None = None) -> str:
    h = name if kind is Kind.FILE_PROCESSOR else request_hash(kind, request, test_id)
    stem = name or (f"models-{h}-{models_digest(model_ids)}" if model_ids is not None else h)
    rid = f"rec-{h[:12]}"
    body = response.get("body")

    def norm(obj):
        if isinstance(obj, dict) and "__data__" in obj and obj["__data__"].get("object") != "model":
            data = obj["__data__"]
            if "id" in data:
                data["id"] = rid
            if "created" in data:
                data["created"] = 0
        return obj

    if isinstance(body, list):
        response["body"] = [norm(c) for c in body]
    else:
        response["body"] = norm(body)
    doc = {"test_id": test_id, "request": request, "response": response, "id_normalization_mapping": {}}
    os.makedirs(folder, exist_ok=True)
    path = os.path.join(folder, stem + ".json")
    with open(path, "w", encoding="ascii", newline="\n") as fh:
        fh.write(dumps(doc))
    return path


def chat_request(model: str, messages: list, url: str, stream: bool, **extra) -> dict:
    body = {"model": model, "messages": messages, **extra}
    if stream:
        body["stream"] = True
        body["stream_options"] = {"include_usage": True}
    return {"method": "POST", "url": url, "headers": {}, "body": body,
            "endpoint": "/v1/chat/completions", "model": model}


def chunk(model: str, delta: dict, finish: str | None = None, usage: dict | None = None, choices: bool = True) -> dict:
    full_delta = {"content": None, "function_call": None, "refusal": None, "role": None, "tool_calls": None}
    full_delta.update(delta)
    data = {
        "id": "chatcmpl-volatile",
        "choices": [{"delta": full_delta, "finish_reason": finish, "index": 0, "logprobs": None}] if choices else [],
        "created": 1764000000,
        "model": model,
        "object": "chat.completion.chunk",
        "service_tier": None,
        "system_fingerprint": "fp_sample",
        "usage": usage,
    }
    return {"__type__": CHUNK, "__data__": data}


def tool_fragment(index: int, call_id: str | None, name: str | None, args: str) -> dict:
    frag = {"index": index, "id": call_id, "function": {"arguments": args, "name": name}, "type": "function" if call_id else None}
    return frag


def sse(events: list[tuple[str, dict | str]]) -> list[str]:
    lines = []
    for name, data in events:
        lines.append(f"event: {name}")
        lines.append("data: " + (data if isinstance(data, str) else json.dumps(data, separators=(",", ":"))))
        lines.append("")
    return lines


def inference() -> None:
    folder = os.path.join(INTEGRATION, "inference", "recordings")
    test_file = "tests/integration/inference/test_chat.py"

    # 1. streamed chat: reasoning deltas, then two tool calls streamed in fragments
    model = "gpt-oss:20b"
    tid = f"{test_file}::test_parallel_tool_calls[txt=ollama/gpt-oss:20b]"
    req = chat_request(model, [
        {"role": "system", "content": "You are a weather assistant. Use tools."},
        {"role": "user", "content": "What is the weather in Paris and in Tokyo?"},
    ], "http://0.0.0.0:11434/v1/v1/chat/completions", True,
        tools=[{"type": "function", "function": {"name": "get_weather", "description": "Current weather",
                "parameters": {"type": "object", "properties": {"city": {"type": "string"}}}}}],
        temperature=0.0)
    chunks = [chunk(model, {"role": "assistant", "content": ""})]
    for piece in ["The user wants", " weather for two", " cities; call the", " tool twice."]:
        chunks.append(chunk(model, {"reasoning_content": piece}))
    chunks.append(chunk(model, {"tool_calls": [tool_fragment(0, "call_paris01", "get_weather", "")]}))
    for piece in ['{"ci', 'ty": "Pa', 'ris"}']:
        chunks.append(chunk(model, {"tool_calls": [tool_fragment(0, None, None, piece)]}))
    chunks.append(chunk(model, {"tool_calls": [tool_fragment(1, "call_tokyo02", "get_weather", '{"city"')]}))
    chunks.append(chunk(model, {"tool_calls": [tool_fragment(1, None, None, ': "Tokyo"}')]}))
    chunks.append(chunk(model, {}, finish="tool_calls"))
    chunks.append(chunk(model, {}, usage={"completion_tokens": 41, "prompt_tokens": 88, "total_tokens": 129}, choices=False))
    write_recording(folder, tid, req, {"body": chunks, "is_streaming": True})

    # 2. streamed chat with plain text that looks like markup (shown verbatim)
    model = "gpt-4o"
    tid = f"{test_file}::TestChat::test_streaming_text[openai_client-txt=openai/gpt-4o]"
    req = chat_request(model, [{"role": "user", "content": "Reply with a status line."}],
                       "https://api.openai.com/v1/v1/chat/completions", True)
    pieces = ["Status: ", "[red]", "all good", "[/red] ", ":smile:", "\n\n", "**done**"]
    chunks = [chunk(model, {"role": "assistant", "content": ""})]
    chunks += [chunk(model, {"content": p}) for p in pieces]
    chunks.append(chunk(model, {}, finish="stop"))
    chunks.append(chunk(model, {}, usage={"completion_tokens": 12, "prompt_tokens": 11, "total_tokens": 23}, choices=False))
    write_recording(folder, tid, req, {"body": chunks, "is_streaming": True})

    # 3. non-streaming ChatCompletion
    tid = f"{test_file}::TestChat::test_non_streaming[openai_client-txt=openai/gpt-4o]"
    req = chat_request(model, [{"role": "user", "content": "Name the capital of France in one word."}],
                       "https://api.openai.com/v1/v1/chat/completions", False, max_tokens=10)
    body = {"__type__": "openai.types.chat.chat_completion.ChatCompletion", "__data__": {
        "id": "chatcmpl-volatile", "choices": [{"finish_reason": "stop", "index": 0, "logprobs": None,
            "message": {"content": "Paris", "refusal": None, "role": "assistant", "annotations": [],
                        "audio": None, "function_call": None, "tool_calls": None}}],
        "created": 1764000001, "model": "gpt-4o-2024-08-06", "object": "chat.completion", "service_tier": "default",
        "system_fingerprint": "fp_sample",
        "usage": {"completion_tokens": 2, "prompt_tokens": 16, "total_tokens": 18}}}
    write_recording(folder, tid, req, {"body": body, "is_streaming": False})

    # 4. streamed completion
    model = "llama3.2:3b-instruct-fp16"
    tid = "tests/integration/inference/test_completion.py::test_completion_streaming[txt=ollama/llama3.2:3b]"
    req = {"method": "POST", "url": "http://0.0.0.0:11434/v1/v1/completions", "headers": {},
           "body": {"model": model, "prompt": "Roses are red, violets are", "stream": True, "max_tokens": 8},
           "endpoint": "/v1/completions", "model": model}
    texts = [" blue", ",\n", "sugar is", " sweet", ""]
    chunks = []
    for i, t in enumerate(texts):
        chunks.append({"__type__": COMPLETION, "__data__": {
            "id": "cmpl-volatile", "choices": [{"finish_reason": "length" if i == len(texts) - 1 else None,
                                                "index": 0, "logprobs": None, "text": t}],
            "created": 1764000002, "model": model, "object": "text_completion",
            "system_fingerprint": "fp_ollama", "usage": None}})
    write_recording(folder, tid, req, {"body": chunks, "is_streaming": True})

    # 5. non-streaming Completion
    tid = "tests/integration/inference/test_completion.py::test_completion_non_streaming[txt=ollama/llama3.2:3b]"
    req = {"method": "POST", "url": "http://0.0.0.0:11434/v1/v1/completions", "headers": {},
           "body": {"model": model, "prompt": "Michael Jordan was born in", "stream": False, "stop": ["\n"]},
           "endpoint": "/v1/completions", "model": model}
    body = {"__type__": COMPLETION, "__data__": {
        "id": "cmpl-volatile", "choices": [{"finish_reason": "stop", "index": 0, "logprobs": None,
                                            "text": " 1963, in Brooklyn, New York."}],
        "created": 1764000003, "model": model, "object": "text_completion", "system_fingerprint": "fp_ollama",
        "usage": {"completion_tokens": 10, "prompt_tokens": 7, "total_tokens": 17}}}
    write_recording(folder, tid, req, {"body": body, "is_streaming": False})

    # 6. embeddings (3 × 8)
    tid = "tests/integration/inference/test_embeddings.py::test_embeddings_batch[emb=openai/text-embedding-3-small]"
    inputs = ["first sentence", "second sentence", "third sentence"]
    req = {"method": "POST", "url": "https://api.openai.com/v1/v1/embeddings", "headers": {},
           "body": {"model": "text-embedding-3-small", "input": inputs, "encoding_format": "float", "dimensions": 8},
           "endpoint": "/v1/embeddings", "model": "text-embedding-3-small"}
    vectors = [[round(((i + 1) * (j + 3) % 17 - 8) / 97.0, 8) for j in range(8)] for i in range(3)]
    vectors[0][0] = 1.25e-05  # a small float: Python spells it with an exponent
    body = {"__type__": "openai.types.create_embedding_response.CreateEmbeddingResponse", "__data__": {
        "data": [{"embedding": v, "index": i, "object": "embedding"} for i, v in enumerate(vectors)],
        "model": "text-embedding-3-small", "object": "list", "usage": {"prompt_tokens": 6, "total_tokens": 6}}}
    write_recording(folder, tid, req, {"body": body, "is_streaming": False})

    # 7. an exception instead of a response
    tid = f"{test_file}::test_image_rejected[openai_client-txt=azure/gpt-4o]"
    req = chat_request("gpt-4o", [{"role": "user", "content": [
        {"type": "text", "text": "Describe this image"},
        {"type": "image_url", "image_url": {"url": "https://example.com/missing.jpg", "detail": "auto"}}]}],
        "https://sample-test.openai.azure.com/openai/v1/v1/chat/completions", True)
    message = "Error code: 400 - {'error': {'code': 'BadRequest', 'message': 'The provided image url can not be accessed.'}}"
    write_recording(folder, tid, req, {"body": None, "is_streaming": False, "is_exception": True,
        "exception_data": {"category": "provider_sdk", "provider": "openai", "type": "BadRequestError",
                           "message": message, "status_code": 400,
                           "body": {"code": "BadRequest", "message": "The provided image url can not be accessed."}},
        "exception_message": message})

    # 8. a stream cut short by an exception
    tid = f"{test_file}::test_stream_interrupted[openai_client-txt=openai/gpt-4o]"
    req = chat_request("gpt-4o", [{"role": "user", "content": "Write a long story."}],
                       "https://api.openai.com/v1/v1/chat/completions", True)
    chunks = [chunk("gpt-4o", {"role": "assistant", "content": ""}), chunk("gpt-4o", {"content": "Once upon"}),
              chunk("gpt-4o", {"content": " a time"})]
    message = "Connection reset by peer while reading the stream"
    write_recording(folder, tid, req, {"body": chunks, "is_streaming": True, "is_exception": True,
        "exception_data": {"category": "transport", "type": "APIConnectionError", "message": message,
                           "status_code": None},
        "exception_message": message})


def messages() -> None:
    folder = os.path.join(INTEGRATION, "messages", "recordings")
    tid = "tests/integration/messages/test_messages.py::test_messages_tool_use_streaming[txt=ollama/gpt-oss:20b]"
    req = {"test_id": tid, "url": "http://0.0.0.0:11434/v1/messages", "method": "POST",
           "payload": {"model": "gpt-oss:20b", "max_tokens": 256, "stream": True,
                       "system": "You can look up stock prices.",
                       "messages": [{"role": "user", "content": "What does ACME trade at?"}],
                       "tools": [{"name": "get_price", "description": "Stock price",
                                  "input_schema": {"type": "object", "properties": {"ticker": {"type": "string"}}}}]}}
    events = [
        ("message_start", {"type": "message_start", "message": {"id": "msg_volatile01", "type": "message",
            "role": "assistant", "model": "gpt-oss:20b", "content": [], "usage": {"input_tokens": 40, "output_tokens": 0}}}),
        ("content_block_start", {"type": "content_block_start", "index": 0, "content_block": {"type": "thinking", "thinking": ""}}),
        ("content_block_delta", {"type": "content_block_delta", "index": 0, "delta": {"type": "thinking_delta", "thinking": "Need the"}}),
        ("content_block_delta", {"type": "content_block_delta", "index": 0, "delta": {"type": "thinking_delta", "thinking": " price tool."}}),
        ("content_block_stop", {"type": "content_block_stop", "index": 0}),
        ("content_block_start", {"type": "content_block_start", "index": 1, "content_block": {"type": "text", "text": ""}}),
        ("content_block_delta", {"type": "content_block_delta", "index": 1, "delta": {"type": "text_delta", "text": "Let me check"}}),
        ("content_block_delta", {"type": "content_block_delta", "index": 1, "delta": {"type": "text_delta", "text": " that."}}),
        ("content_block_stop", {"type": "content_block_stop", "index": 1}),
        ("content_block_start", {"type": "content_block_start", "index": 2, "content_block": {"type": "tool_use", "id": "toolu_sample01", "name": "get_price", "input": {}}}),
        ("content_block_delta", {"type": "content_block_delta", "index": 2, "delta": {"type": "input_json_delta", "partial_json": "{\"tick"}}),
        ("content_block_delta", {"type": "content_block_delta", "index": 2, "delta": {"type": "input_json_delta", "partial_json": "er\": \"ACME\"}"}}),
        ("content_block_stop", {"type": "content_block_stop", "index": 2}),
        ("message_delta", {"type": "message_delta", "delta": {"stop_reason": "tool_use"}, "usage": {"input_tokens": 40, "output_tokens": 22}}),
        ("message_stop", {"type": "message_stop"}),
    ]
    write_recording(folder, tid, req, {"body": sse(events), "is_streaming": True}, kind=Kind.HTTP)


def gemini() -> None:
    folder = os.path.join(INTEGRATION, "responses", "recordings")
    model = "publishers/google/models/gemini-2.0-flash"
    headers = {"Content-Type": "text/event-stream", "Date": "Wed, 01 Apr 2026 10:29:54 GMT"}
    tid = "tests/integration/responses/test_basic_responses.py::test_response_streaming_basic[txt=vertexai/gemini-2.0-flash]"
    req = {"method": "POST", "url": "vertexai:///generate_content_stream", "headers": {},
           "body": {"model": model, "contents": [{"role": "user", "parts": [{"text": "Say hello"}]}], "config": {}},
           "endpoint": "/generate_content_stream", "model": model, "provider_metadata": {"provider": "vertexai"}}
    parts = ["Hello", " there! How", " can I help?\n"]
    chunks = []
    for i, p in enumerate(parts):
        cand = {"content": {"parts": [{"text": p}], "role": "model"}}
        usage = {"traffic_type": "ON_DEMAND"}
        if i == len(parts) - 1:
            cand["finish_reason"] = "STOP"
            usage = {"candidates_token_count": 9, "prompt_token_count": 2, "total_token_count": 11}
        chunks.append({"sdk_http_response": {"headers": headers}, "candidates": [cand],
                       "create_time": "2026-04-01T10:29:54.416945Z", "model_version": "gemini-2.0-flash",
                       "response_id": "volatileResponseId1", "usage_metadata": usage})
    write_recording(folder, tid, req, {"body": chunks, "is_streaming": True})

    tid = "tests/integration/responses/test_compact.py::test_compaction_summary[txt=vertexai/gemini-2.0-flash]"
    req = {"method": "POST", "url": "vertexai:///generate_content", "headers": {},
           "body": {"model": model, "contents": [{"role": "user", "parts": [{"text": "Summarize: FastAPI + SQLite."}]}],
                    "config": {"temperature": 0.0}},
           "endpoint": "/generate_content", "model": model, "provider_metadata": {"provider": "vertexai"}}
    body = {"sdk_http_response": {"headers": {"Content-Type": "application/json; charset=UTF-8"}},
            "candidates": [{"content": {"parts": [{"text": "A FastAPI app backed by SQLite."}], "role": "model"},
                            "finish_reason": "STOP"}],
            "create_time": "2026-04-09T14:34:05.000000Z", "model_version": "gemini-2.0-flash",
            "response_id": "volatileResponseId2",
            "usage_metadata": {"candidates_token_count": 8, "prompt_token_count": 9, "total_token_count": 17}}
    write_recording(folder, tid, req, {"body": body, "is_streaming": False})


def interactions() -> None:
    folder = os.path.join(INTEGRATION, "interactions", "recordings")
    tid = "tests/integration/interactions/test_interactions.py::test_interactions_streaming_basic[txt=gemini/gemini-2.5-flash-lite]"
    req = {"test_id": tid, "url": "https://generativelanguage.googleapis.com/v1beta/interactions", "method": "POST",
           "payload": {"model": "gemini-2.5-flash-lite", "input": "Count from 1 to 5.", "stream": True}}
    iid = "v1_volatileInteraction"
    events = [
        ("interaction.start", {"interaction": {"id": iid, "status": "in_progress", "object": "interaction",
                                               "model": "gemini-2.5-flash-lite"}, "event_type": "interaction.start"}),
        ("content.start", {"index": 0, "content": {"type": "text"}, "event_type": "content.start"}),
        ("content.delta", {"index": 0, "delta": {"text": "1, 2, ", "type": "text"}, "event_type": "content.delta"}),
        ("content.delta", {"index": 0, "delta": {"text": "3, 4, 5", "type": "text"}, "event_type": "content.delta"}),
        ("content.stop", {"index": 0, "event_type": "content.stop"}),
        ("interaction.complete", {"interaction": {"id": iid, "status": "completed", "usage": {
            "total_tokens": 20, "total_input_tokens": 9, "total_output_tokens": 11}, "role": "model",
            "object": "interaction", "model": "gemini-2.5-flash-lite"}, "event_type": "interaction.complete"}),
        ("done", "[DONE]"),
    ]
    write_recording(folder, tid, req, {"body": sse(events), "is_streaming": True}, kind=Kind.HTTP)


def tools_and_files() -> None:
    folder = os.path.join(INTEGRATION, "tool_runtime", "recordings")
    tid = "tests/integration/tool_runtime/test_web_search.py::test_web_search[tavily]"
    req = {"test_id": tid, "provider": "tavily", "tool_name": "web_search", "kwargs": {"query": "python release"}}
    content = json.dumps({"query": "python release", "top_k": [{"url": "https://www.python.org/downloads/",
                          "title": "Download Python", "content": "Python 3.14 is the newest release.", "score": 0.98}]})
    body = {"__type__": "ogx_api.tools.ToolInvocationResult",
            "__data__": {"content": content, "error_message": None, "error_code": None, "metadata": None}}
    write_recording(folder, tid, req, {"body": body, "is_streaming": False}, kind=Kind.TOOL)

    folder = os.path.join(INTEGRATION, "files", "recordings")
    tid = "tests/integration/files/test_file_processing.py::test_pdf_chunks[pypdf]"
    req = {"test_id": tid, "provider": "pypdf", "api": "file_processors", "file_id": "file-123456789012"}
    body = {"__type__": "ogx_api.file_processors.models.ProcessFileResponse", "__data__": {
        "chunks": [{"content": "Llama Stack Overview\n\u25cf Unified API layer", "chunk_id": "c1", "metadata": {}},
                   {"content": "Plugin architecture for providers.", "chunk_id": "c2", "metadata": {}}],
        "metadata": {"pages": 1}}}
    # file processors are not hashed by the recorder; the sample names it like the real ones (a sha256)
    write_recording(folder, tid, req, {"body": body, "is_streaming": False}, kind=Kind.FILE_PROCESSOR,
                    name="3f1c0e5a9b7d2468ace013579bdf2468ace013579bdf2468ace013579bdf2468")


def shared_and_legacy() -> None:
    folder = os.path.join(INTEGRATION, "common", "recordings")
    ids = ["gpt-4o", "gpt-4o-mini", "text-embedding-3-small"]
    req = {"method": "POST", "url": "https://api.openai.com/v1/v1/models", "headers": {}, "body": {},
           "endpoint": "/v1/models", "model": ""}
    body = [{"__type__": "openai.types.model.Model",
             "__data__": {"id": m, "created": 1700000000 + i, "object": "model", "owned_by": "openai"}}
            for i, m in enumerate(ids)]
    write_recording(folder, None, req, {"body": body, "is_streaming": False}, model_ids=ids)

    # a shared chat recording made during session setup (test_id null)
    req = chat_request("llama3.2:3b-instruct-fp16", [{"role": "user", "content": "ping"}],
                       "http://0.0.0.0:11434/v1/v1/chat/completions", False)
    body = {"__type__": "openai.types.chat.chat_completion.ChatCompletion", "__data__": {
        "id": "chatcmpl-volatile", "choices": [{"finish_reason": "stop", "index": 0, "logprobs": None,
            "message": {"content": "pong", "role": "assistant", "tool_calls": None}}],
        "created": 1764000004, "model": "llama3.2:3b-instruct-fp16", "object": "chat.completion",
        "usage": {"completion_tokens": 2, "prompt_tokens": 5, "total_tokens": 7}}}
    write_recording(folder, None, req, {"body": body, "is_streaming": False})

    # legacy layout: tests/integration/recordings/responses/<hash>.json
    folder = os.path.join(INTEGRATION, "recordings", "responses")
    tid = "tests/integration/inference/test_legacy.py::test_old_layout[txt=ollama/llama3.2:3b]"
    req = chat_request("llama3.2:3b-instruct-fp16", [{"role": "user", "content": "Say hi."}],
                       "http://localhost:11434/v1/chat/completions", False)
    body = {"__type__": "openai.types.chat.chat_completion.ChatCompletion", "__data__": {
        "id": "chatcmpl-volatile", "choices": [{"finish_reason": "stop", "index": 0, "logprobs": None,
            "message": {"content": "Hi!", "role": "assistant", "tool_calls": None}}],
        "created": 1764000005, "model": "llama3.2:3b-instruct-fp16", "object": "chat.completion", "usage": None}}
    write_recording(folder, tid, req, {"body": body, "is_streaming": False})


def broken() -> None:
    folder = os.path.join(HERE, "broken")
    os.makedirs(folder, exist_ok=True)
    good = {"test_id": None, "request": {"method": "POST", "url": "http://x/v1/chat/completions", "headers": {},
            "body": {"model": "m"}, "endpoint": "/v1/chat/completions", "model": "m"},
            "response": {"body": None, "is_streaming": False}}
    files = {
        "empty.json": b"",
        "truncated.json": dumps(good).encode()[:90],
        "not-json.json": b"this is not json at all\n",
        "list-top.json": b"[1, 2, 3]\n",
        "wrong-shape.json": dumps({"test_id": None, "request": "POST /v1/chat/completions", "response": {}}).encode(),
        "no-response.json": dumps({"test_id": None, "request": good["request"]}).encode(),
        "binary.json": bytes(range(256)),
        "not-utf8.json": b'{"test_id": "caf\xe9"}\n',
    }
    for name, data in files.items():
        with open(os.path.join(folder, name), "wb") as fh:
            fh.write(data)


def test_stubs() -> None:
    """The test files the recordings name, so the sample is a project of its own (prune, ls --orphans)."""
    from recordings.nodeid import try_parse_node_id as try_parse_test_id

    wanted: dict[str, dict[str | None, set[str]]] = {}
    for dirpath, _, files in os.walk(INTEGRATION):
        for name in files:
            if not name.endswith(".json"):
                continue
            with open(os.path.join(dirpath, name)) as fh:
                tid = try_parse_test_id(json.load(fh).get("test_id"))
            if tid:
                wanted.setdefault(tid.file, {}).setdefault(tid.class_name, set()).add(tid.function)
    for file, classes in sorted(wanted.items()):
        lines = ['"""Stand-in tests: the sample corpus names them; replaying is not this file\'s job."""', ""]
        for cls, functions in sorted(classes.items(), key=lambda kv: kv[0] or ""):
            indent = ""
            if cls:
                lines += ["", f"class {cls}:"]
                indent = "    "
            for fn in sorted(functions):
                lines += ["", f"{indent}def {fn}({'self' if cls else ''}):", f"{indent}    pass"]
        path = os.path.join(HERE, file)
        os.makedirs(os.path.dirname(path), exist_ok=True)
        with open(path, "w") as fh:
            fh.write("\n".join(lines) + "\n")
    with open(os.path.join(HERE, "pyproject.toml"), "w") as fh:
        fh.write("# The sample corpus is a project of its own: its root for prune, stats and ls --orphans.\n"
                 "[tool.recordings]\n")


def cassettes() -> None:
    """A VCR.py cassette as pytest-recording names it (tests/cassettes/<module>/<test>.yaml), written
    the way vcrpy's YAML serializer writes (block style, sorted keys): an OpenAI chat stream (SSE) and
    a whole Anthropic message, with a gzip-compressed JSON body."""
    import gzip

    import yaml

    def chunk_line(delta: dict, finish: str | None = None) -> str:
        data = {"id": "chatcmpl-abc", "object": "chat.completion.chunk", "created": 1764000100, "model": "gpt-4o-mini",
                "choices": [{"index": 0, "delta": delta, "finish_reason": finish}]}
        return "data: " + json.dumps(data, separators=(",", ":")) + "\n\n"

    sse_text = (chunk_line({"role": "assistant", "content": ""}) + chunk_line({"content": "Sunny,"})
                + chunk_line({"content": " 21 degrees"}) + chunk_line({"content": " in [red]Paris[/red] :sunny:"})
                + chunk_line({}, "stop") + "data: [DONE]\n\n")
    message = {"id": "msg_01abc", "type": "message", "role": "assistant", "model": "claude-haiku-4-5",
               "content": [{"type": "text", "text": "Bonjour!"}], "stop_reason": "end_turn",
               "usage": {"input_tokens": 9, "output_tokens": 4}}
    cassette = {"interactions": [
        {"request": {"body": json.dumps({"model": "gpt-4o-mini", "stream": True, "messages": [
            {"role": "user", "content": "Weather in Paris?"}]}),
            "headers": {"Content-Type": ["application/json"], "authorization": ["DUMMY"]},
            "method": "POST", "uri": "https://api.openai.com/v1/chat/completions"},
         "response": {"body": {"string": sse_text},
                      "headers": {"content-type": ["text/event-stream; charset=utf-8"]},
                      "status": {"code": 200, "message": "OK"}}},
        {"request": {"body": json.dumps({"model": "claude-haiku-4-5", "max_tokens": 64, "messages": [
            {"role": "user", "content": "Say hello in French"}]}),
            "headers": {"content-type": ["application/json"], "x-api-key": ["DUMMY"]},
            "method": "POST", "uri": "https://api.anthropic.com/v1/messages"},
         "response": {"body": {"string": gzip.compress(json.dumps(message).encode(), mtime=0)},
                      "headers": {"content-encoding": ["gzip"], "content-type": ["application/json"]},
                      "status": {"code": 200, "message": "OK"}}},
    ], "version": 1}
    project = os.path.join(HERE, "vcr")  # a project of its own, recorded with pytest-recording
    if os.path.isdir(project):
        shutil.rmtree(project)
    folder = os.path.join(project, "tests", "cassettes", "test_weather")
    os.makedirs(folder, exist_ok=True)
    with open(os.path.join(project, "pyproject.toml"), "w") as fh:
        fh.write("# A project whose tests record with pytest-recording (VCR.py cassettes).\n[tool.recordings]\n")
    with open(os.path.join(folder, "test_weather_stream.yaml"), "w") as fh:
        yaml.dump(cassette, fh, Dumper=getattr(yaml, "CDumper", yaml.Dumper))
    with open(os.path.join(project, "tests", "test_weather.py"), "w") as fh:
        fh.write('"""Stand-in test: pytest-recording records into cassettes/test_weather/test_weather_stream.yaml."""\n'
                 "\n\ndef test_weather_stream():\n    pass\n")
    variants(message)


def variants(message: dict) -> None:
    """A project of its own (``vcr_serializers/``) with the same Anthropic answer as each cassette serializer
    writes it: vcrpy's JSON serializer, a gzip-compressed YAML cassette, pydantic-ai's (``parsed_body``
    instead of ``body``) and LangChain's standard tests (``requests:`` and ``responses:`` lists, gzip)."""
    import gzip

    import yaml

    project = os.path.join(HERE, "vcr_serializers")
    if os.path.isdir(project):
        shutil.rmtree(project)
    folder = os.path.join(project, "tests", "cassettes", "test_serializers")
    os.makedirs(folder)
    with open(os.path.join(project, "pyproject.toml"), "w") as fh:
        fh.write("# A project whose cassettes come from four serializers.\n[tool.recordings]\n")
    with open(os.path.join(project, "tests", "test_serializers.py"), "w") as fh:
        fh.write('"""Stand-in tests: one cassette per serializer, in cassettes/test_serializers/."""\n')
        for name in ("test_json", "test_gzip", "test_parsed_body", "test_lists"):
            fh.write(f"\n\ndef {name}():\n    pass\n")

    request = {"method": "POST", "uri": "https://api.anthropic.com/v1/messages",
               "headers": {"content-type": ["application/json"], "x-api-key": ["DUMMY"]}}
    question = {"model": "claude-haiku-4-5", "max_tokens": 64, "messages": [{"role": "user", "content": "Say hello in French"}]}
    status = {"code": 200, "message": "OK"}
    plain = {"interactions": [{"request": {**request, "body": json.dumps(question)},
                               "response": {"status": status, "headers": {"content-type": ["application/json"]},
                                            "body": {"string": json.dumps(message)}}}], "version": 1}
    with open(os.path.join(folder, "test_json.json"), "w") as fh:  # vcrpy's JSON serializer
        json.dump(plain, fh, indent=4)
    with open(os.path.join(folder, "test_gzip.yaml.gz"), "wb") as fh:
        fh.write(gzip.compress(yaml.dump(plain, Dumper=getattr(yaml, "CDumper", yaml.Dumper)).encode(), mtime=0))
    parsed = {"interactions": [{"request": {**request, "parsed_body": question},
                                "response": {"status": status, "headers": {"content-type": ["application/json"]},
                                             "parsed_body": message}}], "version": 1}
    with open(os.path.join(folder, "test_parsed_body.yaml"), "w") as fh:  # pydantic-ai's serializer
        yaml.dump(parsed, fh, Dumper=getattr(yaml, "CDumper", yaml.Dumper))
    lists = {"requests": [{**request, "body": json.dumps(question).encode()}],
             "responses": [{"status": status, "headers": {"Content-Type": ["**REDACTED**"]},
                            "body": {"string": json.dumps(message).encode()}}]}
    with open(os.path.join(folder, "test_lists.yaml.gz"), "wb") as fh:  # LangChain's standard tests
        fh.write(gzip.compress(yaml.dump(lists, Dumper=getattr(yaml, "CDumper", yaml.Dumper)).encode(), mtime=0))


def har() -> None:
    """A HAR file as Polly.js's file persister writes it (recordings/<name>_<hash>/recording.har, JSON
    indented by two, no final newline): a whole OpenAI chat answer, and an Anthropic stream whose body
    Polly stored as the base64 chunks it read."""
    import base64

    def entry(method: str, url: str, body: dict, status: int, mime: str, text: str, encoding: str | None = None,
              started: str = "2026-11-20T10:00:00.000Z") -> dict:
        content = {"mimeType": mime, "size": len(text), "text": text}
        if encoding:
            content["encoding"] = encoding
        post = json.dumps(body)
        return {"_id": hashlib.md5(url.encode()).hexdigest(), "_order": 0, "cache": {}, "request": {
            "bodySize": len(post), "cookies": [], "headers": [
                {"name": "content-type", "value": "application/json"}, {"name": "authorization", "value": "DUMMY"}],
            "headersSize": 120, "httpVersion": "HTTP/1.1", "method": method,
            "postData": {"mimeType": "application/json", "params": [], "text": post}, "queryString": [], "url": url},
            "response": {"bodySize": len(text), "content": content, "cookies": [],
                         "headers": [{"name": "content-type", "value": mime}], "headersSize": 60,
                         "httpVersion": "HTTP/1.1", "redirectURL": "", "status": status,
                         "statusText": "OK"},
            "startedDateTime": started, "time": 412, "timings": {"blocked": -1, "connect": -1, "dns": -1,
                                                                 "receive": 0, "send": 0, "ssl": -1, "wait": 412}}

    answer = {"id": "chatcmpl-har1", "object": "chat.completion", "created": 1764000200, "model": "gpt-4o-mini",
              "choices": [{"index": 0, "message": {"role": "assistant", "content": "Paris is the capital of France."},
                           "finish_reason": "stop"}],
              "usage": {"prompt_tokens": 12, "completion_tokens": 8, "total_tokens": 20}}
    events = [
        ("message_start", {"type": "message_start", "message": {"id": "msg_har", "type": "message", "role": "assistant",
                                                                  "model": "claude-haiku-4-5", "content": [],
                                                                  "usage": {"input_tokens": 11, "output_tokens": 1}}}),
        ("content_block_start", {"type": "content_block_start", "index": 0,
                                 "content_block": {"type": "text", "text": ""}}),
        ("content_block_delta", {"type": "content_block_delta", "index": 0,
                                 "delta": {"type": "text_delta", "text": "Bonjour"}}),
        ("content_block_delta", {"type": "content_block_delta", "index": 0,
                                 "delta": {"type": "text_delta", "text": " à tous !"}}),
        ("content_block_stop", {"type": "content_block_stop", "index": 0}),
        ("message_delta", {"type": "message_delta", "delta": {"stop_reason": "end_turn"},
                           "usage": {"output_tokens": 6}}),
        ("message_stop", {"type": "message_stop"}),
    ]
    stream = "".join(f"event: {name}\ndata: {json.dumps(data, ensure_ascii=False)}\n\n" for name, data in events)
    raw = stream.encode()
    cut = len(raw) // 2  # two reads, as Polly.js stores a body it read in chunks
    chunks = json.dumps([base64.b64encode(raw[:cut]).decode(), base64.b64encode(raw[cut:]).decode()])
    har = {"log": {"_recordingName": "capitals", "browser": None, "creator": {
        "comment": "persister:fs", "name": "Polly.JS", "version": "6.0.6"}, "entries": [
        entry("POST", "https://api.openai.com/v1/chat/completions",
              {"model": "gpt-4o-mini", "messages": [{"role": "user", "content": "Capital of France?"}]},
              200, "application/json", json.dumps(answer)),
        entry("POST", "https://api.anthropic.com/v1/messages",
              {"model": "claude-haiku-4-5", "max_tokens": 64, "stream": True,
               "messages": [{"role": "user", "content": "Say hello in French"}]},
              200, "text/event-stream", chunks, "base64", "2026-11-20T10:00:01.000Z"),
    ], "pages": [], "version": "1.2"}}
    folder = os.path.join(HERE, "har", "recordings", "capitals_2950384156")
    if os.path.isdir(os.path.join(HERE, "har")):
        shutil.rmtree(os.path.join(HERE, "har"))
    os.makedirs(folder)
    with open(os.path.join(folder, "recording.har"), "w", encoding="utf-8") as fh:
        fh.write(json.dumps(har, indent=2, ensure_ascii=False))


def _sample(prefix: str) -> tuple[str, dict]:
    folder = os.path.join(INTEGRATION, "inference", "recordings")
    name = next(n for n in sorted(os.listdir(folder)) if n.startswith(prefix))
    with open(os.path.join(folder, name), encoding="utf-8") as fh:
        return name, json.load(fh)


def rerecord() -> None:
    """``rerecord/old`` and ``rerecord/new``: three recordings before and after a re-record, each folder a
    project of its own. One answer changed, one recording differs only in its ids and timestamps (what an
    un-normalized re-record leaves), one only in where the stream's chunks break."""
    base = os.path.join(HERE, "rerecord")
    if os.path.isdir(base):
        shutil.rmtree(base)
    changed, noise, rechunked = _sample("cfe08c6d0c8f"), _sample("07d2973bd4a4"), _sample("99d0d0b12e00")
    for side in ("old", "new"):
        folder = os.path.join(base, side, "tests", "integration", "inference", "recordings")
        os.makedirs(folder)
        with open(os.path.join(base, side, "pyproject.toml"), "w", encoding="utf-8") as fh:
            fh.write(f"# the sample corpus {'before' if side == 'old' else 'after'} a re-record (a project of its own)\n")
        for name, doc in (changed, noise, rechunked):
            doc = json.loads(json.dumps(doc))
            body = doc["response"]["body"]
            if side == "new" and name == changed[0]:
                for c in body:
                    for ch in c["__data__"]["choices"]:
                        if ch["delta"].get("content") == "all good":
                            ch["delta"]["content"] = "all BAD"
            elif side == "new" and name == noise[0]:
                body["__data__"]["id"] = "chatcmpl-8Xb2kQe4"
                body["__data__"]["created"] = 1764590400
            elif side == "new" and name == rechunked[0]:
                body[0]["__data__"]["choices"][0]["text"] += body[1]["__data__"]["choices"][0]["text"]
                del body[1]
            with open(os.path.join(folder, name), "w", encoding="utf-8") as fh:
                fh.write(dumps(doc))


def requests() -> None:
    """``requests/parallel_tool_calls.json``: the request of the parallel tool call test with another
    temperature, for ``recordings explain --request``."""
    _name, doc = _sample("b77e97369d3f")
    request = doc["request"]
    request["body"]["temperature"] = 0.2
    folder = os.path.join(HERE, "requests")
    os.makedirs(folder, exist_ok=True)
    with open(os.path.join(folder, "parallel_tool_calls.json"), "w", encoding="utf-8") as fh:
        fh.write(dumps(request))


def main() -> None:
    if os.path.isdir(os.path.join(HERE, "tests")):
        shutil.rmtree(os.path.join(HERE, "tests"))
    inference()
    messages()
    gemini()
    interactions()
    tools_and_files()
    shared_and_legacy()
    broken()
    test_stubs()
    cassettes()
    har()
    rerecord()
    requests()


if __name__ == "__main__":
    main()
