"""Recording formats: what a recorder writes, and how to read it.

A :class:`Format` says which folders and files are its own, reads a file into the model (one
:class:`~recordings.model.RecordingFile` holding one or more recordings), says which test a
recording belongs to, and offers optional abilities: request-hash rules, normalization, and the
validation rules that only make sense for it. Commands and generic rules ask the format.

Adding a format is one folder under ``formats/`` and one line in :data:`FORMATS`.
"""

from __future__ import annotations

from typing import Any

from recordings.model import Recording, RecordingFile


class Format:
    """The interface every format implements (the defaults suit a format without the ability)."""

    name: str = ""
    #: modules of validation rules that belong to this format (``ID``, ``SEVERITY``, ``SUMMARY``,
    #: ``SCOPE``, ``check``), imported by the rule registry
    rule_modules: tuple[str, ...] = ()
    #: the module with this format's request-hash rules (``request_hash``, ``expected_name``), if any
    hashing: Any = None
    #: the module with this format's normalization (``normalize_document``, ``plan_file``), if any
    normalization: Any = None
    #: the rule that reports a file whose shape the format cannot read into a recording
    shape_rule: str | None = None
    #: the commands that take this format's files (discovery leaves the others' files out, with a notice)
    abilities: frozenset[str] = frozenset({"ls", "show", "validate", "normalize", "prune", "diff", "stats",
                                           "explain"})

    def parse(self, path: str, raw: bytes) -> dict[str, Any]:
        """A file's bytes as its top-level object (LoadError with a one-line reason). Default: JSON."""
        from recordings.loader import parse_document

        return parse_document(path, raw)

    def documents(self, doc: dict[str, Any]) -> list[dict[str, Any]]:
        """One document per recording, in the shape the protocol readers (reassembly, conversation)
        take. Default: the file's document is the recording's."""
        return [doc]

    def summarize_all(self, path: str, doc: dict[str, Any], size: int) -> list[Recording]:
        """Every recording a parsed file holds (default: the one :meth:`summarize` gives)."""
        return [self.summarize(path, doc, size)]

    def starts_corpus(self, folder_name: str) -> bool:
        """Whether the files below a folder of this name are this format's (discovery)."""
        return False

    def owns_folder(self, dirpath: str) -> bool:
        """Whether a folder (a path, with or without its parents) holds this format's files."""
        return False

    def claims(self, filename: str) -> bool:
        """Whether a file of this name, inside one of this format's folders, is a recording file."""
        return False

    def detect(self, raw: bytes) -> bool:
        """Whether some bytes (a file named explicitly, of any name) look like this format."""
        return False

    def summarize(self, path: str, doc: dict[str, Any], size: int) -> Recording:
        """The cheap fields of a parsed file's recording; LoadError with a one-line reason."""
        raise NotImplementedError

    def load_file(self, path: str) -> RecordingFile:
        """A file with the recordings it holds (LoadError with a one-line reason). Each recording's
        ``test`` is the pytest test it belongs to, as :meth:`summarize_all` read it."""
        from recordings.loader import load

        loaded = load(path)
        return RecordingFile(path, len(loaded.raw), self.name, loaded.recordings)

    def test_attribution(self) -> Any:
        """For a format whose files do not record their test: a session with ``test_of(path)`` (the test id
        that uses a file, or None) and ``judge(path, root)`` (prune's judgement), kept for one run. None:
        a recording names its own test, and prune reads it."""
        return None

    def suite_of(self, path: str) -> str:
        """The suite (the group a corpus is organized in) a recording file belongs to."""
        raise NotImplementedError

    def corpus_key(self, ctx: Any) -> tuple[str | None, str] | None:
        """What corpus rules compare files by: (test id, request identity), or None."""
        return None

    def secret_texts(self, ctx: Any) -> list[tuple[str | None, bytes]]:
        """What the ``secrets`` rule scans: (where, bytes) pairs. Default: the file's bytes."""
        return [(None, ctx.raw)]

    def stream_texts(self, ctx: Any) -> list[str]:
        """The text, reasoning and tool arguments of each streamed recording in the file, whole: what a
        key split across chunks is looked for in. Default: each stream reassembled (cached per context)."""
        from recordings.reassembly import reassemble

        docs = self.documents(ctx.doc)
        if ctx.recording is None or (len(docs) == 1 and not ctx.recording.streaming):
            return []
        texts: list[str] = []
        for i, doc in enumerate(docs):  # a file of several recordings (a cassette): each stream
            if len(docs) > 1 and not (doc.get("response") or {}).get("is_streaming"):
                continue

            def answer_of(doc: dict[str, Any] = doc) -> Any:
                return reassemble(doc)

            try:
                answer = ctx.cached("answer" if len(docs) == 1 else f"answer{i}", answer_of)
            except Exception:  # noqa: BLE001 - a stream too broken to reassemble: the stream rule says so
                continue
            for c in answer.choices:
                texts += [c.text, c.reasoning, *(t.arguments for t in c.tool_calls)]
            if answer.content:
                texts.append(answer.content)
        return [t for t in texts if t]

    def credential_fields(self, ctx: Any) -> list[tuple[str, str, str, str]] | None:
        """(where, field, value, severity) of every credential-bearing field (headers, url keys), or None to
        let the ``secrets`` rule find them in the file's JSON text."""
        return None

    def amend_findings(self, findings: list[Any], keys: list[Any]) -> list[Any]:
        """Findings of this format's rules with advice that needs the whole corpus (default: as they are)."""
        return findings


def _formats() -> tuple[Format, ...]:
    from recordings.formats.llamastack import LLAMA_STACK
    from recordings.formats.vcr import VCR

    return (LLAMA_STACK, VCR)  # one entry per format


FORMATS: tuple[Format, ...] = _formats()


_FOLDER_OWNERS: dict[tuple[str, str | None], tuple[Format, ...]] = {}


def format_for_file(path: str, raw: bytes | None = None) -> Format:
    """The format that reads ``path``: the one whose folder holds it, else the one its bytes look like,
    else the first (which then names what is wrong with the file)."""
    import os

    head, _, name = path.rpartition(os.sep)
    key = (head, None if os.path.isabs(path) else os.getcwd())
    owners = _FOLDER_OWNERS.get(key)
    if owners is None:  # the formats that own a folder, asked once per folder
        if len(_FOLDER_OWNERS) > 4096:
            _FOLDER_OWNERS.clear()
        folder = os.path.dirname(os.path.abspath(path))
        owners = _FOLDER_OWNERS[key] = tuple(fmt for fmt in FORMATS if fmt.owns_folder(folder))
    for fmt in owners:
        if fmt.claims(name):
            return fmt
    if raw is not None:
        for fmt in FORMATS:
            if fmt.detect(raw):
                return fmt
    return FORMATS[0]


def is_recording_path(path: str, ability: str | None = None) -> bool:
    """Whether a path (relative or not) is a recording file of a format (that takes ``ability``)."""
    folder, _, name = path.replace("\\", "/").rpartition("/")
    return any(fmt.owns_folder(folder or ".") and fmt.claims(name) for fmt in FORMATS
               if ability is None or ability in fmt.abilities)
