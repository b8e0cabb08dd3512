"""Finding recording files under the paths a user names.

Which folders and files are recordings is each format's to say (:mod:`recordings.formats`;
Llama Stack's layouts: :mod:`recordings.formats.llamastack.layout`). A legacy ``index.sqlite``
is noticed, not required.

A path that names a file is taken as a recording whatever its name. A folder
is searched recursively; ``.git``, ``.venv``, ``node_modules`` and similar
folders are skipped. A symlinked folder met while searching is not entered
(it may lead anywhere, up to ``/``): a notice names it, and naming it as a PATH
searches it. A folder named as a PATH is searched even when it is a link.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from typing import Any

from recordings.formats import FORMATS, takes
from recordings.jsonbytes import TEMP_PREFIX
from recordings.model import Problem

SKIP_DIRS = frozenset(
    {".git", ".hg", ".svn", ".venv", "venv", "node_modules", "__pycache__", ".tox", ".nox",
     ".mypy_cache", ".pytest_cache", ".ruff_cache", ".recordings-cache"}
)


@dataclass
class Found:
    """What discovery found: recording files, problems and notices."""

    files: list[str] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    notices: list[str] = field(default_factory=list)
    missing: list[str] = field(default_factory=list)  # PATH arguments that do not exist
    stale_temps: list[str] = field(default_factory=list)  # temp files left by a killed rewrite
    skipped: dict[str, int] = field(default_factory=dict)  # recorder name -> files the command does not take


def _folder_format(dirpath: str) -> Any:
    for fmt in FORMATS:
        if fmt.owns_folder(dirpath):
            return fmt
    return None


def _take(fmt: Any, path: str, found: Found, command: str | None) -> None:
    if not takes(fmt, command):
        found.skipped[fmt.name] = found.skipped.get(fmt.name, 0) + 1
    else:
        found.files.append(path)  # broken links and link loops are kept: the loader names the reason


_ANYWHERE = tuple(f for f in FORMATS if f.claims_anywhere("x" + f.suffixes[-1]))  # recorders whose files sit anywhere


def _walk(root: str, found: Found, command: str | None) -> None:
    seen: set[tuple[int, int]] = set()
    stack = [(root, _folder_format(os.path.abspath(root)))]
    while stack:
        current, below_format = stack.pop()
        try:
            st = os.stat(current)
        except OSError as exc:
            found.problems.append(Problem(current, f"cannot open folder: {exc.strerror or exc}"))
            continue
        key = (st.st_dev, st.st_ino)
        if key in seen:
            continue  # a symlink loop or a second link to a folder already searched
        seen.add(key)
        fmt = below_format or next((f for f in FORMATS if f.starts_corpus(os.path.basename(current.rstrip(os.sep)))),
                                   None)  # None: only files a recorder claims anywhere (.har) are taken here
        in_recordings = fmt is not None
        try:
            with os.scandir(current) as it:
                entries = sorted(it, key=lambda e: e.name)
        except OSError as exc:
            found.problems.append(Problem(current, f"cannot list folder: {exc.strerror or exc}"))
            continue
        subdirs = []
        for entry in entries:
            name = entry.name
            try:
                is_dir = entry.is_dir(follow_symlinks=False)
                linked_dir = not is_dir and entry.is_symlink() and entry.is_dir()
            except OSError:
                is_dir = linked_dir = False
            if linked_dir:
                if name not in SKIP_DIRS:
                    found.notices.append(f"{entry.path}: symlinked folder not followed (name it as a PATH to "
                                         "search it)")
                continue
            if is_dir:
                if in_recordings and name.endswith(".json"):
                    found.problems.append(Problem(entry.path, "is a folder, not a recording file"))
                    continue
                if name in SKIP_DIRS:
                    continue
                subdirs.append(entry.path)
                continue
            if fmt is None:
                anywhere = next((f for f in _ANYWHERE if f.claims_anywhere(name)), None)
                if anywhere is not None:
                    _take(anywhere, entry.path, found, command)
                continue
            if name.startswith(TEMP_PREFIX):
                found.stale_temps.append(entry.path)
            elif fmt.claims(name):
                _take(fmt, entry.path, found, command)
            elif any(f.claims_anywhere(name) for f in _ANYWHERE):
                _take(next(f for f in _ANYWHERE if f.claims_anywhere(name)), entry.path, found, command)
            elif name == "index.sqlite":
                found.notices.append(f"{entry.path}: legacy index noticed (not needed: files are found by name)")
        stack.extend((d, fmt) for d in reversed(subdirs))


def _file_format(path: str) -> Any:
    """The format of a file named explicitly: by its folder, else by its first bytes."""
    from recordings.formats import format_for_file

    head = b""
    try:
        import stat

        if stat.S_ISREG(os.stat(path).st_mode):
            with open(path, "rb") as fh:
                head = fh.read(4096)
    except OSError:
        pass
    return format_for_file(path, head or None)


def discover(paths: list[str] | tuple[str, ...], command: str | None = None) -> Found:
    """Find the recording files named by ``paths`` (files or folders). With ``command`` (a command's name),
    files of recorders without the ability it needs are left out and counted in ``skipped``."""
    found = Found()
    for path in paths or ["."]:
        if os.path.isdir(path):
            _walk(path, found, command)
        elif os.path.lexists(path):
            _take(_file_format(path), path, found, command)
        else:
            found.missing.append(path)
    # one file may be named twice (a folder and a file inside it)
    unique: dict[str, None] = {}
    for f in found.files:
        unique.setdefault(os.path.normpath(f), None)
    found.files = list(unique)
    return found
