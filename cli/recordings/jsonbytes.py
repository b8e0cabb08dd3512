"""The exact bytes a recording has on disk, and writing them safely.

Every real recording is ``json.dumps(obj, indent=2)`` (so non-ASCII is escaped
as ``\\uXXXX``) plus one newline. :func:`canonical_bytes` reproduces that byte
for byte. The standard library's indenting encoder is pure Python and slow, so
the fast path renders with orjson and then rewrites the two things orjson does
differently: float spelling (``1e-05``, not ``0.00001``) and ASCII escaping.
Anything orjson cannot render falls back to the standard library.
:func:`atomic_write` replaces a file through a temp file in the same folder.
"""

from __future__ import annotations

import json
import os
import re
from typing import Any

import orjson

TEMP_PREFIX = ".recordings-tmp-"

# A number at the end of a line of indented output is a number value: strings
# never span lines (newlines are escaped) and always end in a quote. orjson and
# Python spell a float differently only when one of them uses an exponent:
# orjson writes ``1e16``, ``1.5e-7`` and ``0.00001`` where Python writes
# ``1e+16``, ``1.5e-07`` and ``1e-05``. Only those tokens are rewritten.
_FLOAT_TO_RESPELL = re.compile(
    rb"(?:^|(?<= ))(-?(?:0\.0000[0-9]+|[0-9]+(?:\.[0-9]+)?[eE][-+]?[0-9]+))(?=,?\n)", re.M
)
# Cheap test for "some float may need respelling": an exponent at the end of a
# line (orjson writes 1e16, 1.5e-7) or a decimal with four leading zeros. Both
# start with a literal, which the regex engine finds fast.
_EXPONENT_HINT = re.compile(rb"e-?[0-9]+,?\n")
_NON_ASCII = re.compile("[\x7f-\U0010ffff]")


def _float_repr(match: re.Match[bytes]) -> bytes:
    return repr(float(match.group(1))).encode()


def _escape(match: re.Match[str]) -> str:
    code = ord(match.group(0))
    if code < 0x10000:
        return f"\\u{code:04x}"
    code -= 0x10000
    return f"\\u{0xD800 | (code >> 10):04x}\\u{0xDC00 | (code & 0x3FF):04x}"


def canonical_bytes_slow(obj: Any) -> bytes:
    """The reference: the standard library's ``json.dumps(obj, indent=2)`` + newline."""
    return (json.dumps(obj, indent=2) + "\n").encode("ascii")


def canonical_bytes(obj: Any) -> bytes:
    """``json.dumps(obj, indent=2) + "\\n"`` as bytes, computed fast."""
    try:
        out = orjson.dumps(obj, option=orjson.OPT_INDENT_2)
    except (TypeError, orjson.JSONEncodeError):
        return canonical_bytes_slow(obj)
    if b"0.0000" in out or _EXPONENT_HINT.search(out):
        out = _FLOAT_TO_RESPELL.sub(_float_repr, out + b"\n")[:-1]
    if not out.isascii() or b"\x7f" in out:
        out = _NON_ASCII.sub(_escape, out.decode("utf-8")).encode("ascii")
    return out + b"\n"


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


def atomic_write(path: str, data: bytes | list[bytes], mode_from: str | None = None) -> None:
    """Write ``data`` to ``path`` so that a crash leaves the old or the new file, never a mix.

    The temp file lives in the same folder (so ``os.replace`` is atomic), is
    flushed and fsynced, and takes the old file's mode (or ``mode_from``'s).
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
