"""A recording's file name: its stem, and the request hash the stem carries.

The one place that knows how names are built (``<hash>.json``, ``models-<hash>-<digest>.json``,
legacy ``<12 hex>.json``); every command and rule asks here.
"""

from __future__ import annotations

import os

SUFFIX = ".json"


def stem(path: str) -> str:
    """The file name without its folder and without ``.json``."""
    name = os.path.basename(path)
    return name[: -len(SUFFIX)] if name.endswith(SUFFIX) else name


def hash_of_name(name_stem: str) -> str:
    """The request-hash part of a file stem (``models-<hash>-<digest>`` → ``<hash>``)."""
    if name_stem.startswith("models-"):
        parts = name_stem.split("-")
        if len(parts) >= 3:
            return parts[1]
    return name_stem
