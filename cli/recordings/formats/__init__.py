"""Recording formats: one adapter per recorder, and the registry of them.

Each recorder lives in a folder of its own (``formats/<name>/``) with a :class:`~recordings.formats.
interface.Recorder` that says which folders and files are its own, reads them into exchanges, names them,
and offers its abilities (:mod:`recordings.formats.interface`). Adding one is a folder and a line in
:func:`_recorders`.
"""

from __future__ import annotations

import os

from recordings.formats.interface import NEEDS, Recorder

__all__ = ["FORMATS", "Recorder", "format_for_file", "is_recording_path", "named", "takes"]


def _recorders() -> tuple[Recorder, ...]:
    from recordings.formats.har import HAR
    from recordings.formats.llamastack import LLAMA_STACK
    from recordings.formats.vcr import VCR

    return (LLAMA_STACK, VCR, HAR)  # one entry per recorder; the first names what is wrong with an unknown file


FORMATS: tuple[Recorder, ...] = _recorders()


def named(name: str) -> Recorder | None:
    """The recorder a user names (its name or an alias, any case)."""
    low = name.strip().lower()
    return next((r for r in FORMATS if low == r.name or low in r.aliases), None)


def takes(recorder: Recorder, command: str | None) -> bool:
    """Whether ``command`` takes this recorder's files: it has the ability the command needs."""
    need = NEEDS.get(command or "")
    return need is None or recorder.has(need)


_FOLDER_OWNERS: dict[tuple[str, str | None], tuple[Recorder, ...]] = {}


def format_for_file(path: str, raw: bytes | None = None) -> Recorder:
    """The recorder that reads ``path``: the one whose folder holds it, else the one its bytes look like,
    else the first (which then names what is wrong with the file)."""
    head, _, name = path.rpartition(os.sep)
    key = (head, None if os.path.isabs(path) else os.getcwd())
    owners = _FOLDER_OWNERS.get(key)
    if owners is None:  # the recorders that own a folder, asked once per folder
        if len(_FOLDER_OWNERS) > 4096:
            _FOLDER_OWNERS.clear()
        folder = os.path.dirname(os.path.abspath(path))
        owners = _FOLDER_OWNERS[key] = tuple(fmt for fmt in FORMATS if fmt.owns_folder(folder))
    for fmt in owners:
        if fmt.claims(name):
            return fmt
    for fmt in FORMATS:  # a file named by what it is (``x.har``), wherever it sits
        if fmt.claims_anywhere(name):
            return fmt
    if raw is not None:
        for fmt in FORMATS:
            if fmt.detect(raw):
                return fmt
    return FORMATS[0]


def is_recording_path(path: str, command: str | None = None) -> bool:
    """Whether a path (relative or not) is a recording file of a recorder (whose files ``command`` takes)."""
    folder, _, name = path.replace("\\", "/").rpartition("/")
    return any(((fmt.owns_folder(folder or ".") and fmt.claims(name)) or fmt.claims_anywhere(name))
               for fmt in FORMATS if takes(fmt, command))


def of_no_known_format(exc: Exception | tuple[str, ...] | None) -> bool:
    """Whether a reading error (or the top-level keys it found) says the file is a mapping with none of any
    recorder's top-level keys."""
    from recordings.errors import NotARecording

    keys = exc.keys if isinstance(exc, NotARecording) else exc if isinstance(exc, tuple) else None
    return keys is not None and not any(k in keys for r in FORMATS for k in r.top_keys)


FOREIGN_NOTE = "not a recording of any known format: left out"
