"""The provider behind a recorded request: what the recorder says, else the project's own host map
(``[tool.recordings.providers]``), else a table of the providers' public hosts, else the shape of the
request (Ollama's native API on its own port or paths), else the host itself. Nothing is guessed from a
port that many servers share (8000, 8080) or from ``/api/`` in a path: such a request is named by its host,
and a project names its local servers in its map::

    [tool.recordings.providers]
    "localhost:8000" = "vllm"
    "llm.internal.example.com" = "vllm"
"""

from __future__ import annotations

import functools
import json
import os
from urllib.parse import urlsplit

# (host, or a suffix after a dot, provider): the public API hosts
_HOSTS = (
    ("api.openai.com", "openai"),
    ("openai.azure.com", "azure"), ("cognitiveservices.azure.com", "azure"), ("services.ai.azure.com", "azure"),
    ("models.inference.ai.azure.com", "azure"), ("inference.ml.azure.com", "azure"),
    ("amazonaws.com", "bedrock"), ("api.aws", "bedrock"),
    ("generativelanguage.googleapis.com", "gemini"),
    ("aiplatform.googleapis.com", "vertexai"),
    ("api.anthropic.com", "anthropic"),
    ("api.together.xyz", "together"), ("api.together.ai", "together"),
    ("api.fireworks.ai", "fireworks"),
    ("api.groq.com", "groq"),
    ("integrate.api.nvidia.com", "nvidia"), ("ai.api.nvidia.com", "nvidia"),
    ("api.mistral.ai", "mistral"),
    ("cloud.databricks.com", "databricks"), ("azuredatabricks.net", "databricks"),
    ("api.sambanova.ai", "sambanova"),
    ("ml.cloud.ibm.com", "watsonx"),
    ("api.cerebras.ai", "cerebras"),
    ("api.deepseek.com", "deepseek"),
    ("openrouter.ai", "openrouter"),
    ("api.x.ai", "xai"),
    ("api.perplexity.ai", "perplexity"),
    ("api.cohere.com", "cohere"), ("api.cohere.ai", "cohere"),
    ("api.replicate.com", "replicate"),
    ("huggingface.co", "huggingface"), ("hf.space", "huggingface"),
    ("api.tavily.com", "tavily"),
    ("api.jina.ai", "jina"), ("r.jina.ai", "jina"), ("s.jina.ai", "jina"),
    ("api.voyageai.com", "voyage"),
    ("api.search.brave.com", "brave"),
    ("api.exa.ai", "exa"),
    ("api.serper.dev", "serper"),
    ("api.firecrawl.dev", "firecrawl"),
    ("sourcegraph.com", "sourcegraph"),
)
_OLLAMA_PORT = 11434  # Ollama's own default port
_OLLAMA_PATHS = ("/api/chat", "/api/generate", "/api/embed", "/api/embeddings", "/api/tags", "/api/show",
                 "/api/pull", "/api/ps", "/api/version", "/api/create", "/api/copy", "/api/delete")
_ENV = "RECORDINGS_PROVIDERS"  # the project's map, for worker processes too


def use_project_map(mapping: dict[str, str]) -> None:
    """The project's own host → provider map (``[tool.recordings.providers]``), for this process and the
    workers it starts."""
    if mapping:
        os.environ[_ENV] = json.dumps(dict(sorted(mapping.items())))
    else:
        os.environ.pop(_ENV, None)
    _provider_for_url.cache_clear()


def digest() -> str:
    """What results that hold a provider depend on (a cache keeps them apart per map)."""
    value = os.environ.get(_ENV)
    if not value:
        return ""
    import hashlib

    return ":" + hashlib.sha256(value.encode()).hexdigest()[:12]


def _project_map() -> dict[str, str]:
    value = os.environ.get(_ENV)
    try:
        return {k.lower(): v for k, v in json.loads(value).items()} if value else {}
    except (ValueError, AttributeError):
        return {}


def provider_for_url(url: str | None, metadata: object = None) -> str | None:
    """The provider behind ``url``; ``provider_metadata.provider`` wins when present."""
    if isinstance(metadata, dict):
        named = metadata.get("provider")
        if isinstance(named, str) and named:
            return named
    if not isinstance(url, str) or not url:
        return None
    return _provider_for_url(url, os.environ.get(_ENV, ""))


def _on(host: str, domain: str) -> bool:
    return host == domain or host.endswith("." + domain)


@functools.lru_cache(maxsize=4096)
def _provider_for_url(url: str, _map_key: str = "") -> str | None:
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError:
        return None
    if parts.scheme and parts.scheme not in ("http", "https"):
        return parts.scheme  # e.g. vertexai:///generate_content
    host = (parts.hostname or "").lower()
    path = parts.path or ""
    project = _project_map()
    if project:
        for key in (f"{host}:{port}" if port else None, host):
            if key and key in project:
                return project[key]
    for domain, name in _HOSTS:
        if _on(host, domain):
            return name
    # an Anthropic-style /v1/messages endpoint served by anything but Anthropic
    if path.endswith("/v1/messages"):
        return "anthropic-compatible"
    if port == _OLLAMA_PORT or any(path.endswith(p) for p in _OLLAMA_PATHS) and (host in ("localhost", "0.0.0.0")
                                                                                 or host.startswith("127.")):
        return "ollama"
    return f"{host}:{port}" if host and port else host or None
