"""A cache of per-file results, so repeat runs over an unchanged corpus parse nothing.

One file per corpus (``~/.cache/recordings/corpus-<hash of the project root>.v2``;
``$RECORDINGS_CACHE_DIR`` or ``$XDG_CACHE_HOME`` move the folder) maps an absolute
path to its size, mtime and inode and to what commands computed from it: the cheap
fields of the model (``ls``, ``prune``), validation findings, stats. Each of these
sections is stored apart in the file and parsed only when a command asks for it (``ls``
never parses the findings or the stats). An entry is used
only while the file's size, mtime and inode are unchanged and the tool's version is
the same. A run over a small corpus loads only that corpus's entries; entries of
files that are gone are dropped when the cache is written, and a cache never holds
more than :data:`MAX_ENTRIES` entries (the ones this run did not use go first).

The file starts with a magic line and the CRC-32 of its body; anything that
does not check out (truncated, corrupt, written by another version) is ignored
and rebuilt, never trusted. It is written atomically (temp file + rename), so
concurrent runs can only replace it whole. Files modified in the last two
seconds are not cached (their mtime may not change on the next edit).
"""

from __future__ import annotations

import os
import time
import zlib
from typing import Any

import orjson

from recordings import __version__

MAGIC = b"recordings-cache 4\n"
SCHEMA = 8  # 8: corpus keys carry the classes a file's bodies are typed as
RACY_SECONDS = 2.0


def cache_dir() -> str:
    explicit = os.environ.get("RECORDINGS_CACHE_DIR")
    if explicit:
        return explicit
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return os.path.join(base, "recordings")


MAX_ENTRIES = 100_000
PREFIX = "corpus-"
SUFFIX = ".v2"


def cache_path(root: str | None = None) -> str:
    """The cache file of the corpus whose project root is ``root`` (default: found from here)."""
    import hashlib

    if root is None:
        from recordings.project import find_root

        root = find_root(".")
    digest = hashlib.sha256(os.path.abspath(root).encode("utf-8", "surrogateescape")).hexdigest()[:16]
    return os.path.join(cache_dir(), f"{PREFIX}{digest}{SUFFIX}")


def cache_files() -> list[str]:
    """Every cache file in the cache folder (this version's, and older ``index.v1`` files)."""
    try:
        names = os.listdir(cache_dir())
    except OSError:
        return []
    return sorted(os.path.join(cache_dir(), n) for n in names
                  if (n.startswith(PREFIX) and n.endswith(SUFFIX)) or n == "index.v1")


def disabled_by_env() -> bool:
    return os.environ.get("RECORDINGS_NO_CACHE", "") not in ("", "0")


class Cache:
    """Per-file cached results, keyed by absolute path and validated by (size, mtime, inode).

    Stored per section (``recording``, ``validate``, ``stats``…): ``{path: [stamp, JSON text]}``, each
    section parsed from the file the first time a command asks for it.
    """

    def __init__(self, path: str | None = None, enabled: bool = True, root: str | None = None) -> None:
        self.path = path or cache_path(root)
        self.root = os.path.abspath(root) if root else None
        self.enabled = enabled and not disabled_by_env()
        self._sections: dict[str, dict[str, list[Any]]] = {}
        self._stored: dict[str, bytes] = {}  # sections read from the file, not parsed yet
        self.used: set[str] = set()
        self.dirty = False
        self.rebuilt_reason: str | None = None
        if self.enabled:
            self._load()

    def _load(self) -> None:
        try:
            with open(self.path, "rb") as fh:
                data = fh.read()
        except FileNotFoundError:
            return
        except OSError as exc:
            self.rebuilt_reason = f"unreadable ({exc.strerror})"
            return
        if not data.startswith(MAGIC):
            self.rebuilt_reason = ("written by another version" if data.startswith(MAGIC.split(b" ")[0] + b" ")
                                   else "not a cache file of this tool")
            return
        newline = data.find(b"\n", len(MAGIC))
        body = memoryview(data)[newline + 1:] if newline != -1 else memoryview(b"")
        if newline == -1 or f"{zlib.crc32(body):08x}".encode() != data[len(MAGIC):newline]:
            self.rebuilt_reason = "checksum mismatch (corrupt or half-written)"
            return
        end = data.find(b"\n", newline + 1)
        try:
            header = orjson.loads(body[: end - newline - 1]) if end != -1 else None
        except orjson.JSONDecodeError:
            header = None
        if not isinstance(header, dict) or not isinstance(header.get("sections"), list):
            self.rebuilt_reason = "not valid JSON"
            return
        if header.get("version") != __version__ or header.get("schema") != SCHEMA:
            self.rebuilt_reason = "written by another version"
            return
        at = end + 1
        for item in header["sections"]:
            if not (isinstance(item, list) and len(item) == 2 and isinstance(item[0], str)
                    and isinstance(item[1], int)):
                self.rebuilt_reason = "not valid JSON"
                self._stored = {}
                return
            self._stored[item[0]] = data[at:at + item[1]]
            at += item[1]
        if self.root is None and isinstance(header.get("root"), str):
            self.root = header["root"]

    def _section(self, name: str) -> dict[str, list[Any]]:
        """A section's entries, parsed when first asked for (an unreadable section is dropped)."""
        entries = self._sections.get(name)
        if entries is None:
            stored = self._stored.pop(name, None)
            parsed: Any = None
            if stored is not None:
                try:
                    parsed = orjson.loads(stored)
                except orjson.JSONDecodeError:
                    parsed = None
            entries = self._sections[name] = parsed if isinstance(parsed, dict) else {}
        return entries

    def _all_sections(self) -> dict[str, dict[str, list[Any]]]:
        for name in list(self._stored):
            self._section(name)
        return self._sections

    @property
    def entries(self) -> dict[str, list[Any]]:
        """Every cached file: ``{path: [stamp, {section: JSON text}]}`` (parses every section)."""
        out: dict[str, list[Any]] = {}
        for name, entries in self._all_sections().items():
            for key, (stamp, text) in entries.items():
                out.setdefault(key, [stamp, {}])[1][name] = text
        return out

    @staticmethod
    def stamp(st: os.stat_result) -> list[int]:
        return [st.st_size, st.st_mtime_ns, st.st_ino]

    def get(self, path: str, section: str, st: os.stat_result | None, key: str | None = None) -> Any:
        """The cached value of ``section`` for ``path``, or None when absent or stale."""
        if not self.enabled or st is None:
            return None
        key = key or os.path.abspath(path)
        entry = self._section(section).get(key)
        if entry is None or entry[0] != self.stamp(st):
            return None
        self.used.add(key)
        return orjson.loads(entry[1])

    def put(self, path: str, section: str, st: os.stat_result | None, value: Any, key: str | None = None) -> None:
        if not self.enabled or st is None:
            return
        if time.time() - st.st_mtime < RACY_SECONDS:
            return  # an edit within the mtime's granularity could go unnoticed
        key = key or os.path.abspath(path)
        self.used.add(key)
        # stored as JSON text: one string per entry keeps a large cache light in memory
        self._section(section)[key] = [self.stamp(st), orjson.dumps(value).decode()]
        self.dirty = True

    def get_value(self, section: str, key: str) -> Any:
        """A value stored under ``key`` (a folder's path) that is not tied to one file's stamp: its owner
        checks whether it still holds. None when absent."""
        if not self.enabled:
            return None
        key = os.path.abspath(key)
        entry = self._section(section).get(key)
        if entry is None:
            return None
        self.used.add(key)
        try:
            return orjson.loads(entry[1])
        except (orjson.JSONDecodeError, TypeError, IndexError):
            return None

    def put_value(self, section: str, key: str, value: Any) -> None:
        if not self.enabled:
            return
        key = os.path.abspath(key)
        self.used.add(key)
        self._section(section)[key] = [[], orjson.dumps(value).decode()]
        self.dirty = True

    def prune_entries(self) -> int:
        """Drop entries of files that are gone, and past :data:`MAX_ENTRIES` the ones this run did not
        use. Returns how many files went. Only the sections this run read are looked through; a file
        found gone is dropped from every section."""
        loaded = dict.fromkeys(key for entries in self._sections.values() for key in entries)  # oldest first
        gone = {key for key in loaded if key not in self.used and not os.path.lexists(key)}
        over = len(loaded) - len(gone) - MAX_ENTRIES
        if over > 0:
            gone.update([k for k in loaded if k not in self.used and k not in gone][:over])
        if gone:
            for entries in self._all_sections().values():
                for key in gone:
                    entries.pop(key, None)
            self.dirty = True
        return len(gone)

    def save(self) -> None:
        if not self.enabled:
            return
        self.prune_entries()
        if not self.dirty:
            return
        from recordings.jsonbytes import atomic_write

        blobs = [(name, orjson.dumps(entries)) for name, entries in self._sections.items() if entries]
        blobs += [(name, stored) for name, stored in self._stored.items()]  # never parsed: kept as they were
        header = orjson.dumps({"version": __version__, "schema": SCHEMA, "root": self.root,
                               "sections": [[name, len(blob)] for name, blob in blobs]})
        body = [header, b"\n", *(blob for _name, blob in blobs)]
        crc = 0
        for piece in body:
            crc = zlib.crc32(piece, crc)
        data = [MAGIC, f"{crc:08x}\n".encode(), *body]
        try:
            os.makedirs(os.path.dirname(self.path), exist_ok=True)
            for tmp in stale_temps(os.path.dirname(self.path)):  # left by a killed write
                os.unlink(tmp)
            atomic_write(self.path, data)
        except OSError:
            return  # a cache that cannot be written only costs speed
        self.dirty = False


class CacheError(Exception):
    """The cache file could not be removed; the message says why, in one line."""


def stale_temps(folder: str | None = None) -> list[str]:
    """Temp files in the cache folder that no running process owns (left by a killed write)."""
    from recordings.jsonbytes import TEMP_PREFIX, temp_in_use

    folder = folder or cache_dir()
    try:
        names = [n for n in os.listdir(folder) if n.startswith(TEMP_PREFIX)]
    except OSError:
        return []
    paths = [os.path.join(folder, n) for n in names]
    return [p for p in paths if not temp_in_use(p)]


def clear() -> tuple[list[str], int]:
    """Remove every cache file and the stale temp files beside them: (cache files removed, temps removed).

    Raises CacheError when a cache path is a folder or cannot be removed (the others are still removed).
    """
    import stat

    temps = 0
    for tmp in stale_temps():
        try:
            os.unlink(tmp)
            temps += 1
        except OSError:
            pass
    removed, errors = [], []
    for path in cache_files():
        try:
            st = os.lstat(path)
            if stat.S_ISDIR(st.st_mode):
                errors.append(f"{path}: is a folder, not a cache file: left alone")
                continue
            os.unlink(path)
            removed.append(path)
        except FileNotFoundError:
            pass
        except OSError as exc:
            errors.append(f"{path}: cannot remove the cache: {exc.strerror or exc}")
    if errors:
        raise CacheError("; ".join(errors))
    return removed, temps


def stat_or_none(path: str) -> os.stat_result | None:
    try:
        return os.stat(path)
    except OSError:
        return None


def cached_map(func, files: list[str], section: str, encode, decode, cache: "Cache | None"):
    """``[func(path) for path in files]``, in order, reusing cached results of unchanged files.

    ``encode(result)`` gives the JSON value to cache (None: do not cache this
    result, e.g. an unreadable file); ``decode(path, value)`` rebuilds a result.
    Misses run through :func:`recordings.parallel.ordered_map`.
    """
    from recordings.parallel import ordered_map

    if cache is None or not cache.enabled:
        yield from ordered_map(func, files)
        return
    stats = [stat_or_none(p) for p in files]
    keys = absolute_paths(files)
    cached: list[Any] = [None] * len(files)
    missing: list[int] = []
    for i, (path, st) in enumerate(zip(files, stats)):
        value = cache.get(path, section, st, keys[i])
        if value is None:
            missing.append(i)
        else:
            cached[i] = value
    # results stream in input order: a cached one at once, a missing one as soon as it is computed
    done = ordered_map(func, [files[i] for i in missing]) if missing else iter(())
    is_missing = set(missing)
    last = len(files) - 1
    for i, path in enumerate(files):
        if i in is_missing:
            result = next(done)
            value = encode(result)
            if value is not None:
                cache.put(path, section, stats[i], value, keys[i])
        else:
            result = decode(path, cached[i])
        if i == last:  # saved before the last result: a caller may stop right after it (zip does)
            cache.save()
        yield result
    if not files:
        cache.save()


def absolute_paths(files: list[str]) -> list[str]:
    """``os.path.abspath`` of each file, resolving each folder once."""
    folders: dict[str, str] = {}
    out = []
    for path in files:
        folder, _, name = path.rpartition(os.sep)
        base = folders.get(folder)
        if base is None:
            base = folders[folder] = os.path.abspath(folder or ".")
        out.append(os.path.join(base, name) if name not in (".", "..") else os.path.abspath(path))
    return out
