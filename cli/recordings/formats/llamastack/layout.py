"""Where Llama Stack keeps recordings, and which suite a recording belongs to.

* per-suite ``<suite>/recordings/*.json`` (suites may be nested);
* ``models-<hash>-<digest>.json`` and legacy 12-hex names in those folders;
* the legacy ``recordings/responses/*.json`` folder and older nested folders such as
  ``recordings/vision/responses``: every ``.json`` anywhere below a ``recordings`` folder.
"""

from __future__ import annotations

import functools
import os

FOLDER = "recordings"


def is_recordings_folder(dirpath: str) -> bool:
    """True for ``…/recordings`` and any folder inside one."""
    parts = dirpath.replace(os.sep, "/").rstrip("/").split("/")
    return FOLDER in parts


def suite_of(path: str) -> str:
    """The suite a recording lives in, from its location."""
    return _suite_of_folder(os.path.dirname(path))


@functools.lru_cache(maxsize=4096)
def _suite_of_folder(folder: str) -> str:
    parent = os.path.abspath(folder)
    parts = parent.replace(os.sep, "/").split("/")
    if "recordings" not in parts:
        return os.path.basename(parent) or "."
    cut = len(parts) - 1 - parts[::-1].index("recordings")
    inner = parts[cut + 1:]  # folders below the recordings folder
    if inner:
        # recordings/responses: the legacy layout; recordings/vision/responses: an older nested one
        if inner[-1] == "responses":
            inner = inner[:-1]
            return "/".join(["legacy", *inner])
        return "/".join([_suite_of_folder("/".join(parts[:cut + 1])), *inner])
    suite_dir = "/".join(parts[:cut])
    marker = "/tests/integration/"
    cut = suite_dir.rfind(marker)
    if cut != -1:
        return suite_dir[cut + len(marker):]
    if suite_dir.endswith("/tests/integration"):
        return "integration"
    return os.path.basename(suite_dir) or "."
