"""A recording's file name: its stem, and the request hash the stem carries.

The one place that knows how names are built (``<hash>.json``, ``models-<hash>-<digest>.json``,
legacy ``<12 hex>.json``); every command and rule asks here.
"""

from __future__ import annotations

import os
import re

SUFFIX = ".json"
# what names replay looks recordings up by
FULL = re.compile(r"^[0-9a-f]{64}$")
MODELS = re.compile(r"^models-[0-9a-f]{64}-[0-9a-f]{8}$")
LEGACY = re.compile(r"^[0-9a-f]{12}$")
LEGACY_MODELS = re.compile(r"^models-[0-9a-f]{12}-[0-9a-f]{8}$")  # written until 2025-10


STEM_SUFFIXES = (".json", ".yaml", ".yml", ".json.gz", ".yaml.gz", ".yml.gz")  # recordings and cassettes


def stem(path: str) -> str:
    """The file name without its folder and without ``.json`` (or a cassette's ``.yaml``, ``.yaml.gz``…)."""
    name = os.path.basename(path)
    for suffix in STEM_SUFFIXES[3:] + STEM_SUFFIXES[:3]:  # the longer ones first
        if name.endswith(suffix):
            return name[: -len(suffix)]
    return name


def names_hash(name_stem: str, request_hash: str) -> bool:
    """Whether a file stem names this request hash: the full hash, or a legacy name's first 12 characters
    (``models-<hash>-<digest>`` stems by their hash part)."""
    have = hash_of_name(name_stem)
    return request_hash == have or (len(have) == 12 and request_hash.startswith(have))


def hash_of_name(name_stem: str) -> str:
    """The request-hash part of a file stem (``models-<hash>-<digest>`` → ``<hash>``)."""
    if name_stem.startswith("models-"):
        parts = name_stem.split("-")
        if len(parts) >= 3:
            return parts[1]
    return name_stem
