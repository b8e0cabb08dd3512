"""``normalize`` for cassettes: scrub what changes at every re-record and what must never be kept.

* Response headers that change at every re-record are removed: ``date``, request ids, ``cf-*``,
  processing times, rate-limit counters, ``set-cookie``, ``server-timing``.
* Credential values are replaced by ``REDACTED``: every credential request header
  (:func:`recordings.headers.is_credential_header`: ``authorization``, ``x-api-key``, ``x-subscription-token``…)
  and the ``cookie``, ``key=``/``api_key=`` in urls (a value that is already a placeholder, such as
  ``DUMMY``, ``AUTHORIZATION-XXX`` or one of the project's ``placeholders``, is left as it is).

A cassette is rewritten only when dumping it unchanged reproduces its bytes exactly with the settings it
was written with, found by trying the ones real cassettes use (vcrpy's ``yaml.dump`` with libyaml's
emitter, no line wrapping, a width of 1000, PyYAML's pure-Python emitter, non-ASCII escaped or not); any
other file is reported as "unknown style, not rewritten". Bodies are never touched. Writes are atomic and
keep the mode (see the normalizer).
"""

from __future__ import annotations

from typing import Any, Callable

from recordings.headers import PLACEHOLDER, URL_KEY, is_placeholder_value, redacted_by_scrub, volatile
from recordings.rewrite import FilePlan, plan_scrub

_is_placeholder = is_placeholder_value


def is_normalized(path: str, doc: Any) -> bool:
    """A cassette's scrub state is what ``normalize --check`` reports; ``stats`` counts OGX's ids only."""
    return True


def _dump(doc: Any, settings: tuple[str, int | None, bool] = ("c", None, False)) -> bytes:
    """The document as a YAML dumper with these settings writes it: (libyaml's ``c`` or PyYAML's ``python``
    emitter, the line width or None for the default of 80, whether non-ASCII is written as is)."""
    import io

    out = io.StringIO()
    _emit(_represented(doc), settings, out)
    return out.getvalue().encode("utf-8")


def _emit(node: Any, settings: tuple[str, int | None, bool], stream: Any) -> None:
    """Write a represented document into ``stream`` as the dumper with ``settings`` writes it."""
    import yaml

    from recordings.formats.vcr.yamlstyle import python_dumper

    emitter, width, unicode = settings
    cls = getattr(yaml, "CDumper", yaml.Dumper) if emitter == "c" else python_dumper()
    dumper = cls(stream, width=width, allow_unicode=unicode or None)
    try:
        dumper.open()
        dumper.serialize(node)
        dumper.close()
    finally:
        dumper.dispose()


class _Differs(Exception):
    pass


class _Compare:
    """A stream a dumper writes into that compares what it gets with the file's bytes, and stops the dump
    at the first byte that differs: a setting that is not the file's costs a few lines, not a whole dump."""

    def __init__(self, raw: bytes) -> None:
        self.raw, self.pos = raw, 0

    def write(self, data: str | bytes) -> None:
        chunk = data.encode("utf-8") if isinstance(data, str) else data
        end = self.pos + len(chunk)
        if self.raw[self.pos:end] != chunk:
            raise _Differs
        self.pos = end

    def flush(self) -> None:
        pass


def _represented(doc: Any) -> Any:
    """The node graph a YAML dump of ``doc`` emits (PyYAML's full representer, as vcrpy's ``yaml.dump``
    uses): built once per file, then emitted with each setting tried."""
    import io

    import yaml

    return yaml.Dumper(io.StringIO()).represent_data(doc)


def _reproduces(node: Any, settings: tuple[str, int | None, bool], raw: bytes) -> bool:
    """Whether emitting ``node`` with ``settings`` writes exactly ``raw`` (stopped at the first difference)."""
    stream = _Compare(raw)
    try:
        _emit(node, settings, stream)
    except _Differs:
        return False
    return stream.pos == len(raw)


_WIDE = 2**31 - 1  # no wrapping at all
_LAST_MATCH: list[tuple[str, int | None, bool]] = []


def _settings_to_try(raw: bytes) -> list[tuple[str, int | None, bool]]:
    """The dumper settings real cassettes were written with, the likeliest for these bytes first: vcrpy's
    own (libyaml, width 80), no wrapping, a width of 1000 (a project's own serializer), PyYAML's pure-Python
    emitter (which wraps differently), with non-ASCII escaped or written as is."""
    longest = max((len(line) for line in raw.split(b"\n")), default=0)
    widths: list[int | None] = [None, _WIDE, 1000]
    if longest > 1000:
        widths = [_WIDE, None, 1000]
    elif longest > 100:
        widths = [1000, _WIDE, None]
    unicodes = [True, False] if not raw.isascii() else [False, True]
    return [(emitter, width, uni) for emitter in ("c", "python") for width in widths for uni in unicodes]


def scrub(doc: dict[str, Any], options: dict[str, Any] | None = None, apply: bool = True) -> dict[str, int]:
    """Scrub ``doc`` in place (or only count, with ``apply=False``); the count of each change. ``options``:
    ``[tool.recordings.scrub]`` (``remove``: more response headers to remove, ``keep``: headers never
    removed, ``placeholder``)."""
    options = options or {}
    extra = {h.lower() for h in options.get("remove", [])}
    keep = {h.lower() for h in options.get("keep", [])}
    placeholder = options.get("placeholder") or PLACEHOLDER
    counts: dict[str, int] = {}
    for item in doc.get("interactions") or []:
        request = item.get("request") if isinstance(item, dict) else None
        response = item.get("response") if isinstance(item, dict) else None
        if isinstance(request, dict):
            headers = request.get("headers")
            if isinstance(headers, dict):
                for name, value in headers.items():
                    if redacted_by_scrub(str(name)) and not _is_placeholder(value, placeholder):
                        if apply:
                            headers[name] = [placeholder]
                        counts["credentials"] = counts.get("credentials", 0) + 1
            uri = request.get("uri")
            if isinstance(uri, str):
                new = URL_KEY.sub(lambda m: m.group(0) if _is_placeholder(m.group(3), placeholder)
                                  else m.group(1) + placeholder, uri)
                if new != uri:
                    if apply:
                        request["uri"] = new
                    counts["credentials"] = counts.get("credentials", 0) + 1
        if isinstance(response, dict) and isinstance(response.get("headers"), dict):
            headers = response["headers"]
            for name in [n for n in headers if (volatile(str(n)) or str(n).lower() in extra)
                         and str(n).lower() not in keep]:
                if apply:
                    del headers[name]
                counts["headers"] = counts.get("headers", 0) + 1
    return counts


def _dumper(doc: Any, raw: bytes) -> Callable[[Any], bytes] | None:
    """The YAML dump, with the settings the file was written with, that reproduces its bytes when the parsed
    file is dumped unchanged; None when no setting does (or the file is JSON or compressed)."""
    if raw[:2] == b"\x1f\x8b" or raw.lstrip()[:1] in (b"{", b"[") or cassette_layout(doc):
        return None
    node = _represented(doc)
    tried = _settings_to_try(raw)
    # libyaml's emitter first, whatever the last files matched: a C emission that fails costs a fraction
    # of a millisecond, while PyYAML's own emitter may run far into a file before it differs. Within
    # each emitter, the files of one project share a few serializers: the settings that reproduced the
    # last files go first.
    tried.sort(key=lambda st: (st[0] != "c", _LAST_MATCH.index(st) if st in _LAST_MATCH else len(_LAST_MATCH)))
    for settings in tried:
        if _reproduces(node, settings, raw):
            _LAST_MATCH[:] = [settings, *[st for st in _LAST_MATCH if st != settings]][:4]
            return lambda d, s=settings: _dump(d, s)  # type: ignore[misc]
    return None


def cassette_layout(doc: Any) -> str | None:
    """The file's own layout when it is not vcrpy's (LangChain's parallel lists): never rewritten."""
    from recordings.formats.vcr.cassette import LAYOUT

    return doc.get(LAYOUT) if isinstance(doc, dict) else None


def plan_file(path: str, extended: bool = False, rehash: bool = False, keep_bytes: bool = False,
              options: dict[str, Any] | None = None) -> FilePlan:
    """What scrubbing ``path`` would change (``extended`` and ``rehash`` have no meaning for cassettes)."""
    from recordings.formats.vcr.cassette import parse

    return plan_scrub(path, parse, scrub, _dumper, options, keep_bytes,
                      "unknown style, not rewritten (dumping it unchanged does not reproduce its bytes with "
                      "any YAML dumper setting cassettes are written with)")
