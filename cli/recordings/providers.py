"""Deriving the provider of a recording from its url or its request."""

from __future__ import annotations

import functools
from urllib.parse import urlsplit

# (substring of the host, provider), checked in order
_HOSTS = (
    ("openai.azure.com", "azure"),
    ("azure", "azure"),
    ("api.openai.com", "openai"),
    ("bedrock", "bedrock"),
    ("generativelanguage.googleapis.com", "gemini"),
    ("aiplatform.googleapis.com", "vertexai"),
    ("api.anthropic.com", "anthropic"),
    ("api.together", "together"),
    ("api.fireworks", "fireworks"),
    ("api.groq.com", "groq"),
    ("integrate.api.nvidia.com", "nvidia"),
    ("nvidia", "nvidia"),
    ("api.mistral.ai", "mistral"),
    ("databricks", "databricks"),
    ("api.sambanova", "sambanova"),
    ("watsonx", "watsonx"),
    ("ml.cloud.ibm.com", "watsonx"),
    ("api.cerebras", "cerebras"),
    ("api.deepseek", "deepseek"),
    ("openrouter", "openrouter"),
)

_PORTS = {11434: "ollama", 8000: "vllm", 8080: "tgi"}


def provider_for_url(url: str | None, metadata: object = None) -> str | None:
    """The provider behind ``url``; ``provider_metadata.provider`` wins when present."""
    if isinstance(metadata, dict):
        named = metadata.get("provider")
        if isinstance(named, str) and named:
            return named
    if not isinstance(url, str) or not url:
        return None
    return _provider_for_url(url)


@functools.lru_cache(maxsize=1024)
def _provider_for_url(url: str) -> str | None:
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError:
        return None
    if parts.scheme and parts.scheme not in ("http", "https"):
        return parts.scheme  # e.g. vertexai:///generate_content
    host = (parts.hostname or "").lower()
    path = parts.path or ""
    # an Anthropic-style /v1/messages endpoint served by anything but Anthropic
    if path.endswith("/v1/messages") and "anthropic.com" not in host:
        return "anthropic-compatible"
    for needle, name in _HOSTS:
        if needle in host:
            return name
    if port in _PORTS:
        return _PORTS[port]
    if "/api/" in path:
        return "ollama"
    return host or None
