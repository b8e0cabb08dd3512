"""Reading recording files into the model.

Three steps, each raising :class:`~recordings.errors.LoadError` with a one-line reason:
:func:`~recordings.files.read_bytes` (the file system), the file's recorder's ``parse`` (bytes to its
document), and its ``exchanges`` and ``summaries`` (the model: every exchange, and the cheap fields of a
:class:`~recordings.model.Recording` for each). :func:`load` reads one file whole; :func:`scan` reads the
cheap fields of many files and never raises for a bad one.
"""

from __future__ import annotations

from typing import Any, Callable, Iterable, Iterator, TypeVar

from recordings.errors import LoadError
from recordings.files import MAX_FILE_BYTES, exact_document, max_file_bytes, parse_document, parse_json, read_bytes
from recordings.formats import format_for_file
from recordings.model import EmptyFile, Problem, Recording, RecordingFile

__all__ = ["MAX_FILE_BYTES", "exact_document", "max_file_bytes", "parse_document", "parse_json", "read_bytes",
           "load", "load_one", "scan", "scan_one", "with_tests", "Loaded"]


T = TypeVar("T")
Loaded = RecordingFile  # what load() returns: a file with its exchanges, recordings, bytes and document


def _read(path: str, empty_ok: bool = False) -> tuple[bytes, Any, list[Recording], Any]:
    """(bytes, document, recordings as the file holds them, recorder) of one file; LoadError with one line.
    With ``empty_ok``, a file its recorder reads as valid without any exchange gives no recording."""
    raw = read_bytes(path)
    fmt = format_for_file(path, raw)
    doc = fmt.parse(path, raw)
    recs = fmt.summaries(path, doc, len(raw))
    if not recs and not (empty_ok and fmt.may_be_empty):
        raise LoadError(path, fmt.empty_reason)
    return raw, doc, recs, fmt


def load(path: str, empty_ok: bool = False, sessions: dict[str, Any] | None = None) -> RecordingFile:
    """One file read by its recorder: its exchanges and their cheap fields (with the tests the recorder finds),
    its bytes and its parsed document. With ``empty_ok``, a valid file without exchanges loads with none.
    ``sessions`` (format name -> its test attribution) shares one attribution between the files of a run,
    so that a project's test files are read once, not once per file."""
    import dataclasses

    raw, doc, recs, fmt = _read(path, empty_ok)
    if sessions is None:
        attribution = fmt.test_attribution()
    else:
        if fmt.name not in sessions:
            sessions[fmt.name] = fmt.test_attribution()
        attribution = sessions[fmt.name]
    found = with_tests(recs, attribution)
    exchanges = fmt.exchanges(path, doc, len(raw))
    exchanges = [e if r.test_id == e.test_id else dataclasses.replace(e, test_id=r.test_id)
                 for e, r in zip(exchanges, found)]
    return RecordingFile(path, len(raw), fmt.name, tuple(found), tuple(exchanges), raw, doc)


def _guarded(read: Callable[[str], T], path: str) -> T | Problem:
    """``read(path)``, or the :class:`Problem` a bad file becomes (never an exception)."""
    try:
        return read(path)
    except LoadError as exc:
        from recordings.formats import of_no_known_format

        return Problem(path, exc.reason, foreign=of_no_known_format(exc))
    except RecursionError:
        return Problem(path, "nested too deeply to read")
    except Exception as exc:  # noqa: BLE001 - the last line of defence for one bad file
        return Problem(path, f"unreadable ({type(exc).__name__}: {exc})")


def load_one(path: str) -> RecordingFile | Problem:
    """Like :func:`load`, but a bad file becomes a :class:`Problem`, never an exception."""
    return _guarded(load, path)


def scan_one(path: str) -> list[Recording] | Problem:
    """Cheap fields of one file's recordings, or the Problem that stops it (the document is dropped). Tests
    a format attributes from outside the file are left to :func:`scan` (they are never cached)."""
    return _guarded(lambda p: _read(p, empty_ok=True)[2], path)


def _encode(item: list[Recording] | Problem) -> list[Any] | None:
    return [r.state() for r in item] if isinstance(item, list) else None


def _decode(path: str, value: list[Any]) -> list[Recording]:
    from recordings.model import recording_from_state

    return [recording_from_state(path, state) for state in value]


def scan(files: Iterable[str], cache: Any = None) -> Iterator[Recording | EmptyFile | Problem]:
    """Cheap fields of many files' recordings, in order; a bad file yields a Problem and the scan goes on,
    a valid file without any exchange (an empty cassette) an :class:`EmptyFile`.

    Parsed documents are dropped at once, so memory stays flat. Large inputs are
    parsed on all cores (see :mod:`recordings.parallel`); the cyclic garbage
    collector is paused while parsing, since JSON makes no cycles. With a
    :class:`~recordings.cache.Cache`, unchanged files are not read at all.
    """
    from recordings.cache import cached_map
    sessions: dict[str, Any] = {}  # format name -> its test attribution for this scan
    files = list(files)
    from recordings.providers import digest

    section = "recording" + digest()  # a recording's provider follows the project's host map
    # each recorder's tests as an earlier run found them, kept in the cache under the corpus's root folder
    remembered = cache is not None and cache.enabled and cache.root is not None
    earlier = cache.get_value(ATTRIBUTION, cache.root) if remembered else None
    earlier = earlier if isinstance(earlier, dict) else {}
    for path, item in zip(files, cached_map(scan_one, files, section, _encode, _decode, cache)):
        if isinstance(item, list):
            if not item:
                yield empty_file(path)
            else:
                fmt = format_for_file(item[0].path)
                if fmt.name not in sessions:
                    sessions[fmt.name] = attribution = fmt.test_attribution()
                    if attribution is not None and fmt.name in earlier:
                        attribution.recall(earlier[fmt.name])
                item = with_tests(item, sessions[fmt.name])
            yield from item
        else:
            yield item
    if remembered:  # for the next run (the cache was saved before the last file's tests were found)
        found = {name: a.known() for name, a in sessions.items() if a is not None}
        found = {name: known for name, known in found.items() if known is not None}
        if found:
            cache.put_value(ATTRIBUTION, cache.root, {**earlier, **found})
            cache.save()


ATTRIBUTION = "tests"  # the cache section of the recorders' test attributions: one entry, the corpus root


def empty_file(path: str) -> EmptyFile:
    """The listing entry of a valid file that holds no exchange."""
    import os

    fmt = format_for_file(path)
    try:
        size = os.path.getsize(path)
    except OSError:
        size = 0
    return EmptyFile(path, size, fmt.name, fmt.stem(path), fmt.suite_of(path))


def with_tests(recordings: list[Recording], attribution: Any) -> list[Recording]:
    """One file's recordings with the test its format's attribution finds (as read from the file when the
    format has none, or finds none)."""
    if attribution is None or not recordings:
        return recordings
    test_id = attribution.test_of(recordings[0].path)
    if test_id is None:
        return recordings
    import dataclasses

    from recordings.nodeid import try_parse_node_id

    test = try_parse_node_id(test_id)
    return [dataclasses.replace(r, test_id=test_id, test=test) for r in recordings]
