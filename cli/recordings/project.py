"""The project a corpus belongs to: its root folder, found in one place.

The root is the nearest folder, from the first PATH upwards, that holds a
``pyproject.toml`` or a ``.git``. When neither exists the root is only a guess
(the starting folder): commands that delete (``prune``) refuse to act on a
guessed root, since every test file would then look "missing".
"""

from __future__ import annotations

import os
from dataclasses import dataclass

MARKERS = ("pyproject.toml", ".git")


@dataclass(frozen=True)
class ProjectRoot:
    path: str  # absolute
    marker: str | None  # the file that made it the root; None when it is a guess

    @property
    def guessed(self) -> bool:
        return self.marker is None


def find_project_root(start: str) -> ProjectRoot:
    """The nearest folder up from ``start`` with pyproject.toml or .git (a guess when there is none)."""
    first = os.path.abspath(start if os.path.isdir(start) else os.path.dirname(start) or ".")
    d = first
    while True:
        for marker in MARKERS:
            if os.path.exists(os.path.join(d, marker)):
                return ProjectRoot(d, marker)
        parent = os.path.dirname(d)
        if parent == d:
            return ProjectRoot(first, None)
        d = parent


def find_root(start: str) -> str:
    """The project root's path (see :func:`find_project_root`)."""
    return find_project_root(start).path


def given_root(root: str | None, paths: list[str] | None) -> ProjectRoot:
    """``--root`` when given (never a guess), otherwise the root found from the first PATH."""
    if root:
        return ProjectRoot(os.path.abspath(root), "--root")
    return find_project_root((paths or ["."])[0])


def inside(path: str, root: str) -> bool:
    """Whether ``path``'s folder, with every link resolved, lies inside ``root`` (also resolved).

    The file itself is not resolved: removing a link removes the link, never its target.
    """
    real_root = os.path.realpath(root)
    folder = os.path.realpath(os.path.dirname(os.path.abspath(path)))
    return folder == real_root or folder.startswith(real_root.rstrip(os.sep) + os.sep)


def runs_tests_of(root: str, nested: str) -> bool:
    """Whether the pytest configuration that applies at ``root`` runs the tests of the project at ``nested``
    (inside it): its ``testpaths`` reach into ``nested``, and ``nested`` has no ``.git`` and no pytest
    configuration of its own (a uv or Poetry workspace member)."""
    from recordings.testsource.config import find_inifile

    if os.path.exists(os.path.join(nested, ".git")):
        return False
    own, _ = find_inifile(nested)
    config_file, table = find_inifile(root)
    if config_file is None or own != config_file:
        return False
    base = os.path.dirname(config_file)
    paths = table.get("testpaths")
    words = paths.split() if isinstance(paths, str) else [str(p) for p in paths] if isinstance(paths, list) else []
    nested = os.path.abspath(nested)
    return any(os.path.abspath(os.path.join(base, p)).startswith(nested.rstrip(os.sep) + os.sep) or
               os.path.abspath(os.path.join(base, p)) == nested for p in words)
