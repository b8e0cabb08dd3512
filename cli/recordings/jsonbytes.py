"""The exact bytes a recording has on disk, and writing them safely.

Every real recording is ``json.dumps(obj, indent=2)`` (so non-ASCII is escaped
as ``\\uXXXX``) plus one newline. :func:`canonical_bytes` reproduces that byte
for byte. The standard library's indenting encoder is pure Python and slow, so
the fast path renders with orjson and then rewrites the two things orjson does
differently: float spelling (``1e-05``, not ``0.00001``) and ASCII escaping.
Anything orjson cannot render falls back to the standard library.
:func:`is_canonical` answers "are these bytes already canonical?" without building the
canonical bytes in the common case (see there). :func:`atomic_write` replaces a file through a
temp file in the same folder.
"""

from __future__ import annotations

import codecs
import os
import re
from typing import Any

import orjson

TEMP_PREFIX = ".recordings-tmp-"


def _json_escape(error: UnicodeError) -> tuple[str, int]:
    """The ``recordings-json-ascii`` codec error handler: ``\\uXXXX`` for each character ASCII cannot hold (a
    surrogate pair above the BMP), as ``json.dumps`` writes them."""
    assert isinstance(error, UnicodeEncodeError)
    out = []
    for ch in error.object[error.start:error.end]:
        code = ord(ch)
        if code < 0x10000:
            out.append(f"\\u{code:04x}")
        else:
            code -= 0x10000
            out.append(f"\\u{0xD800 | (code >> 10):04x}\\u{0xDC00 | (code & 0x3FF):04x}")
    return "".join(out), error.end


codecs.register_error("recordings-json-ascii", _json_escape)


def canonical_bytes_slow(obj: Any) -> bytes:
    """The reference: the standard library's ``json.dumps(obj, indent=2)`` + newline."""
    import json

    return (json.dumps(obj, indent=2) + "\n").encode("ascii")


def canonical_bytes(obj: Any) -> bytes:
    """``json.dumps(obj, indent=2) + "\\n"`` as bytes, computed fast."""
    try:
        out = orjson.dumps(obj, option=orjson.OPT_INDENT_2)
    except (TypeError, orjson.JSONEncodeError):
        return canonical_bytes_slow(obj)
    return _respelled(out)


def _respelled(out: bytes) -> bytes:
    """orjson's indented rendering with Python's float spellings and ASCII escapes, plus the newline."""
    out = _respell_small_floats(out)
    if not out.isascii():
        out = out.decode("utf-8").encode("ascii", "recordings-json-ascii")
    if b"\x7f" in out:  # ASCII, but json.dumps escapes it too
        out = out.replace(b"\x7f", b"\\u007f")
    return out + b"\n"


# orjson and Python spell a float differently only below 1e-4: orjson writes ``0.00001`` and
# ``1.5e-7`` where Python writes ``1e-05`` and ``1.5e-07`` (both write ``1e+16`` and ``5e-324``).
_NUMBER_BYTES = frozenset(b"0123456789.eE+-")


def _respell_small_floats(out: bytes) -> bytes:
    """Python's spelling of the floats below 1e-4 that orjson spells its own way (``0.00001``,
    ``1.5e-7``): each holds ``0.0000`` or ``e-``, found by literal search; only number values (after
    a space, at the end of a line) are respelled, never text in a string."""
    spans: dict[int, tuple[int, bytes]] = {}
    n = len(out)
    for literal in (b"0.0000", b"e-"):
        at = out.find(literal)
        while at != -1:
            lo, hi = at, at + len(literal)
            while lo > 0 and out[lo - 1] in _NUMBER_BYTES:
                lo -= 1
            while hi < n and out[hi] in _NUMBER_BYTES:
                hi += 1
            if (lo == 0 or out[lo - 1] == 0x20) and (hi == n or out[hi] in (0x2C, 0x0A)) and lo not in spans:
                token = out[lo:hi]
                try:
                    spelled = repr(float(token)).encode()
                except ValueError:
                    spelled = token
                if spelled != token:
                    spans[lo] = (hi, spelled)
            at = out.find(literal, hi)
    if not spans:
        return out
    pieces, pos = [], 0
    for lo in sorted(spans):
        hi, spelled = spans[lo]
        pieces += [out[pos:lo], spelled]
        pos = hi
    pieces.append(out[pos:])
    return b"".join(pieces)


# Where orjson's rendering and Python's differ in a file equal to orjson's: a float below 1e-4 that
# orjson spells ``0.0000…`` or with a one-digit exponent (``1.5e-7``, Python ``1.5e-07``); a number
# value ends its line.
#: both, as patterns Python's re and RE2 read alike; each starts with one literal byte, which RE2 finds
#: with memchr (about 0.1 ns a byte: a tenth of Python's re here). ``-[1-9]`` takes in ``1.5e-7`` and
#: also a negative one-digit integer, which only costs the exact comparison.
FLOAT_SPELLINGS = (rb"(?m:-[1-9],?$)", rb"(?m:0\.0000[0-9]*,?$)")
_FLOAT_FINDERS: list[Any] = []


def _float_finders() -> list[Any]:
    if not _FLOAT_FINDERS:
        try:
            import re2
        except ImportError:
            _FLOAT_FINDERS.extend(re.compile(p) for p in FLOAT_SPELLINGS)
        else:
            _FLOAT_FINDERS.extend(re2.compile(p) for p in FLOAT_SPELLINGS)
    return _FLOAT_FINDERS


def has_float_spellings(raw: bytes) -> bool:
    """Whether ``raw`` may hold a float that orjson and Python spell differently (two literal-led
    searches; see :data:`FLOAT_SPELLINGS`)."""
    return any(finder.search(raw) for finder in _float_finders())


def is_canonical(raw: bytes, obj: Any, float_spellings: bool | None = None) -> bool:
    """Whether ``raw`` is exactly :func:`canonical_bytes` of ``obj`` (the document parsed from it).

    Compared with orjson's rendering (one native pass) first: when equal, the bytes are canonical
    unless they hold what the two spell differently (non-ASCII, DEL, a float below 1e-4), which is
    looked for only then (``float_spellings``: already known from a shared pass). Python's spelling is
    built only for those files and for files that differ from orjson's rendering.
    """
    if raw[-1:] != b"\n":
        return False
    try:
        out = orjson.dumps(obj, option=orjson.OPT_INDENT_2)
    except (TypeError, orjson.JSONEncodeError):
        return canonical_bytes_slow(obj) == raw
    if len(raw) != len(out) + 1 or not raw.startswith(out):
        return _respelled(out) == raw
    if not raw.isascii() or b"\x7f" in raw:
        return False  # orjson leaves them as they are; json.dumps escapes them
    if has_float_spellings(raw) if float_spellings is None else float_spellings:
        return _respelled(out) == raw
    return True


def first_difference(a: bytes, b: bytes) -> int:
    """The offset of the first byte where ``a`` and ``b`` differ (the shorter length if one is a prefix)."""
    n = min(len(a), len(b))
    lo = 0
    step = 4096  # compare in blocks first, then byte by byte
    while lo + step <= n and a[lo:lo + step] == b[lo:lo + step]:
        lo += step
    while lo < n and a[lo] == b[lo]:
        lo += 1
    return lo


def _lock(fd: int) -> None:
    try:
        import fcntl

        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except (ImportError, OSError):
        pass


def _writer_alive(path: str) -> bool:
    """Whether the process named in a temp file's name (``<prefix><pid>-…``) still runs."""
    name = os.path.basename(path)[len(TEMP_PREFIX):]
    pid_text, sep, _ = name.partition("-")
    if not sep or not pid_text.isdigit():
        return False
    pid = int(pid_text)
    if pid == os.getpid():
        return False  # this process writes one file at a time and leaves no temp behind
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:  # exists, owned by someone else
        return True
    return True


def temp_in_use(path: str) -> bool:
    """Whether a temp file may belong to a running rewrite: the process named in it still runs, or a
    writer holds its lock (taken right after creation, held until the rename). A temp file that is
    neither is stale: its writer was killed."""
    if _writer_alive(path):
        return True
    try:
        import fcntl

        fd = os.open(path, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK)
    except (ImportError, OSError):
        return False
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except OSError:
        return True
    finally:
        os.close(fd)
    return False


def remove_stale_temps(paths: list[str]) -> tuple[list[str], list[tuple[str, str]]]:
    """Remove the temp files no running process owns: (removed, [(path, why left)])."""
    removed, left = [], []
    for tmp in paths:
        if temp_in_use(tmp):
            left.append((tmp, "in use by a running rewrite (or just created): left alone"))
            continue
        try:
            os.unlink(tmp)
            removed.append(tmp)
        except FileNotFoundError:
            pass
        except OSError as exc:
            left.append((tmp, f"could not be removed: {exc.strerror or exc}"))
    return removed, left


def still_reads(path: str, expected: bytes) -> bool:
    """Whether ``path`` still holds ``expected``, and stayed the same file while it was compared."""
    try:
        before = os.stat(path)
        with open(path, "rb") as fh:
            current = fh.read(len(expected) + 1)
        after = os.stat(path)
    except OSError:
        return False
    same = (before.st_ino, before.st_size, before.st_mtime_ns) == (after.st_ino, after.st_size, after.st_mtime_ns)
    return same and current == expected


def atomic_write(path: str, data: bytes | list[bytes], mode_from: str | None = None,
                 unchanged_from: bytes | None = None) -> None:
    """Write ``data`` to ``path`` so that a crash leaves the old or the new file, never a mix.

    The temp file lives in the same folder (so ``os.replace`` is atomic), is
    flushed and fsynced, and takes the old file's mode (or ``mode_from``'s). With ``unchanged_from`` (the
    bytes the rewrite was planned from), the file is compared with them once the temp file is written, just
    before the replace: a file another process rewrote meanwhile is left as it is
    (:class:`~recordings.errors.ChangedOnDisk`).
    """
    import tempfile

    folder = os.path.dirname(os.path.abspath(path))
    try:
        mode = os.stat(mode_from or path).st_mode & 0o7777
    except FileNotFoundError:
        mode = 0o644
    fd, tmp = tempfile.mkstemp(prefix=f"{TEMP_PREFIX}{os.getpid()}-", suffix=".json", dir=folder)
    try:
        _lock(fd)  # while held, no other run takes this temp file for a stale one
        with os.fdopen(fd, "wb") as fh:
            if isinstance(data, list):  # pieces: no need to join a large payload in memory
                fh.writelines(data)
            else:
                fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        os.chmod(tmp, mode)
        if unchanged_from is not None and not still_reads(path, unchanged_from):
            from recordings.errors import ChangedOnDisk

            raise ChangedOnDisk(path)
        os.replace(tmp, path)
    except BaseException:
        try:
            os.unlink(tmp)
        except OSError:
            pass
        raise
    try:  # make the rename itself durable
        dfd = os.open(folder, os.O_RDONLY)
        try:
            os.fsync(dfd)
        finally:
            os.close(dfd)
    except OSError:
        pass
