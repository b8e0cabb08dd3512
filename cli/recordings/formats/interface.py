"""What a recorder's adapter implements: :class:`Recorder`, and the optional abilities it may have.

A recorder (OGX's recorder, VCR.py, a HAR writer) says which folders and files are its own, reads a file
into :class:`~recordings.model.Exchange` objects (and the cheap :class:`~recordings.model.Recording`
fields of each, for listings), names its recordings, and offers abilities as typed protocols:

* :class:`Hashing` — the request hash that names a file (OGX);
* :class:`Normalization` — putting a file back into its normalized form, or scrubbing it (``normalize``);
* :class:`TestAttribution` — which test uses a file, for ``prune`` when the file does not record it;
* :class:`Explain` — the replay lookups ``explain`` answers (OGX).

A command takes a recorder's files when the recorder has the ability the command needs
(:data:`NEEDS`); discovery leaves the others out and says so once.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Iterator, Protocol

from recordings.model import Exchange, Recording

if TYPE_CHECKING:
    from recordings.rewrite import FilePlan


class Hashing(Protocol):
    """The request hash a recorder names a file by."""

    def hash_of(self, recording: Recording, doc: Any) -> str | None: ...

    def rename_target(self, path: str, request_hash_hex: str) -> str: ...

    def rename_advice(self, renames: dict[str, str], exists: Any = None) -> dict[str, str]: ...


class Normalization(Protocol):
    """Rewriting a file into its normalized (or scrubbed) form, byte-exact in its own style."""

    def plan_file(self, path: str, extended: bool = False, rehash: bool = False, keep_bytes: bool = False,
                  options: dict[str, Any] | None = None) -> FilePlan: ...

    def is_normalized(self, path: str, doc: Any) -> bool: ...


class Judgement(Protocol):
    status: str  # alive | orphan | kept
    test_id: str | None
    reason: str
    why: str


class TestAttribution(Protocol):
    """Which test uses a file, read from the project's tests (kept for one run)."""

    def test_of(self, path: str) -> str | None: ...

    def judge(self, path: str, root: str, force: bool = False) -> Judgement: ...

    def recall(self, known: Any) -> None:
        """What :meth:`known` gave an earlier run, kept by the caller (the cache): tests of files whose
        project is unchanged since need not be worked out again. A verdict (:meth:`judge`) never uses it."""

    def known(self) -> Any:
        """What this run found, JSON-able, for a later :meth:`recall`; None when there is nothing new."""


class ExplainCorpus(Protocol):
    """What the core read of a project, for a recorder's replay lookups."""

    recordings: list[Recording]

    def matching(self, ref: str) -> list[str]: ...

    def request_of(self, path: str) -> Any: ...

    def test_exists(self, test_id: str) -> bool: ...

    def diff_lines(self, a: Any, b: Any) -> list[str]: ...


class Explain(Protocol):
    """The offline answer to a replay miss: where a replayer looks, and what differs."""

    def explain_hash(self, root: str, h: str, test_id: str | None, corpus: ExplainCorpus,
                     recording_dir: str | None = None) -> Any: ...

    def explain_request(self, root: str, test_id: str, request: dict[str, Any], corpus: ExplainCorpus,
                        limit: int = 5, recording_dir: str | None = None) -> Any: ...

    def request_from_json(self, data: Any, endpoint: str, method: str, url: str | None) -> dict[str, Any]: ...


# what each command needs of a recorder (a command that is not listed takes every recorder's files), and
# why a recorder without it is left out
NEEDS: dict[str, str] = {"explain": "explain", "prune": "attribution", "dedupe": "hashing"}
WHY_NOT: dict[str, str] = {"explain": "explain answers replay lookups, which they do not have",
                           "prune": "they name no test, so prune cannot judge them",
                           "dedupe": "their files are not named by a request hash, so no two can collide"}


class Recorder:
    """The interface every recorder's adapter implements (the defaults suit one without the ability)."""

    name: str = ""
    aliases: tuple[str, ...] = ()  # other names a user may type for it
    title: str = ""  # how messages name it
    suffixes: tuple[str, ...] = (".json",)  # file name endings of its recordings (the longer ones first)
    one_per_file: bool = False  # each file holds one exchange (its id is the file's name, no ``#<n>``)
    #: a file may validly hold no exchange (an empty cassette): listed apart and judged by prune, not
    #: unreadable; else such a file is unreadable, with ``empty_reason``
    may_be_empty: bool = False
    empty_reason: str = "holds no recording"
    #: the top-level keys its files have (a mapping with none of any recorder's is of no known format)
    top_keys: tuple[str, ...] = ()
    #: modules of validation rules that belong to this recorder (``ID``, ``SEVERITY``, ``SUMMARY``,
    #: ``SCOPE``, ``check``), imported by the rule registry
    rule_modules: tuple[str, ...] = ()
    #: the rule that reports a file whose shape the recorder cannot read into a recording
    shape_rule: str | None = None
    @property
    def hashing(self) -> Hashing | None:
        return None

    @property
    def normalization(self) -> Normalization | None:
        return None

    @property
    def explain(self) -> Explain | None:
        return None

    # --- abilities ---

    def test_attribution(self) -> TestAttribution | None:
        """A session that finds the test of each file from the project's tests, or None: a file records its
        own test (prune reads it), or names none."""
        return None

    @property
    def attributes_tests(self) -> bool:
        """Whether prune can judge this recorder's files: they record their test, or the recorder finds it."""
        return True

    def has(self, ability: str) -> bool:
        if ability == "attribution":
            return self.attributes_tests
        return getattr(self, ability, None) is not None

    # --- layout ---

    def starts_corpus(self, folder_name: str) -> bool:
        """Whether the files below a folder of this name are this recorder's (discovery)."""
        return False

    def owns_folder(self, dirpath: str) -> bool:
        """Whether a folder (a path, with or without its parents) holds this recorder's files."""
        return False

    def claims(self, filename: str) -> bool:
        """Whether a file of this name, inside one of this recorder's folders, is a recording file."""
        return False

    def claims_anywhere(self, filename: str) -> bool:
        """Whether a file of this name is this recorder's in any folder (a ``.har`` file), not only in its own."""
        return False

    def detect(self, raw: bytes) -> bool:
        """Whether some bytes (a file named explicitly, of any name) look like this recorder's."""
        return False

    def suite_of(self, path: str) -> str:
        """The suite (the group a corpus is organized in) a recording file belongs to."""
        raise NotImplementedError

    # --- names ---

    def stem(self, path: str) -> str:
        """The file name without its folder and its suffix: what ids are made of."""
        import os

        name = os.path.basename(path)
        for suffix in self.suffixes:
            if name.endswith(suffix):
                return name[: -len(suffix)]
        return name

    def matches(self, ref: str, path: str) -> bool:
        """Whether what a user typed (a name, or the start of one) names this file. Default: a prefix of its
        stem."""
        return self.stem(path).startswith(ref)

    def exact(self, ref: str, path: str) -> bool:
        return self.stem(path) == ref

    # --- reading ---

    def parse(self, path: str, raw: bytes) -> Any:
        """A file's bytes as the recorder's own document (LoadError with a one-line reason). Default: JSON."""
        from recordings.files import parse_document

        return parse_document(path, raw)

    def exchanges(self, path: str, doc: Any, size: int) -> list[Exchange]:
        """Every exchange a parsed file holds, in order (LoadError when its shape is wrong)."""
        raise NotImplementedError

    def iter_exchanges(self, path: str, doc: Any, size: int) -> Iterator[Exchange]:
        """The exchanges one at a time (a diff of two large files holds one pair at once). Default: the list."""
        return iter(self.exchanges(path, doc, size))

    def summaries(self, path: str, doc: Any, size: int) -> list[Recording]:
        """The cheap fields of every exchange of a parsed file (what ``ls`` shows); LoadError when the shape
        is wrong. Default: read from the exchanges."""
        from recordings.summary import summarize

        return [summarize(self, e, size) for e in self.exchanges(path, doc, size)]

    def summarize(self, path: str, doc: Any, size: int) -> Recording:
        """The first recording's cheap fields; LoadError when there is none."""
        recs = self.summaries(path, doc, size)
        if not recs:
            from recordings.errors import LoadError

            raise LoadError(path, self.empty_reason)
        return recs[0]

    def raw_response(self, e: Exchange) -> bytes:
        """What ``show --raw`` prints for one exchange of a file of several: its response body as stored."""
        return e.response.body.data

    # --- what diff compares ---

    #: compare request headers apart (their changes are noise) and the status apart: a recorder of HTTP
    #: exchanges; OGX's recorder stores a request whose every field is part of what a test sends
    diffs_headers: bool = True

    def diff_request(self, e: Exchange, headers: bool = False) -> tuple[Any, Any]:
        """(what a test sends, the request headers when they are compared apart)."""
        body = e.request.body
        view: dict[str, Any] = {"method": e.request.method, "url": e.request.url,
                                "headers": dict(e.request.headers),
                                "body": body.json if body.json is not None else (body.text() if body.raw else None),
                                "endpoint": e.endpoint, "model": e.request.model}
        if not headers:
            view.pop("headers")
        return view, dict(e.request.headers)

    def matched_on(self, path: str, root: str) -> tuple[str, ...] | None:
        """The request fields replay matches this file's exchanges on, when the project's settings say (a
        cassette's ``match_on``); None: not read, or the recorder matches by name."""
        return None

    def matched_changes(self, a: Exchange, b: Exchange, names: tuple[str, ...]) -> list[str]:
        """Which of ``names`` differ between two exchanges' requests."""
        return []

    def odd_replay_types(self, files_of: dict[str, list[str]]) -> dict[str, str]:
        """Of a corpus's replay types (each with its files), those that are not the ones it uses, with why."""
        return {}

    def replay_types_in(self, raw: bytes) -> tuple[str, ...]:
        """:meth:`replay_types` read from a file's bytes, without parsing it (a whole corpus, for a diff)."""
        return ()

    def replay_types(self, doc: Any) -> tuple[str, ...]:
        """The classes replay imports to rebuild a file's responses (OGX's ``__type__``); none by default."""
        return ()

    def diff_response_meta(self, e: Exchange) -> dict[str, Any]:
        """What a test sees of a response besides its answer."""
        return {"is_streaming": e.response.streamed, "status": e.response.status}

    def diff_exact(self, e: Exchange) -> dict[str, Any]:
        """The exchange as ``diff --exact`` compares it: everything recorded."""
        from recordings.protocols import items_of

        body = items_of(e) if e.response.stream is not None else e.response.body.json
        return {"test_id": e.test_id, "request": self.diff_request(e, headers=True)[0],
                "response": {"body": body if body is not None else e.response.body.text() or None,
                             "headers": dict(e.response.headers), **self.diff_response_meta(e)}}

    # --- what the shared rules read (a rule context: path, bytes, document, recording) ---

    #: whether :meth:`corpus_key` gives keys (the files of a recorder that gives none are never read for them)
    gives_corpus_keys: bool = False

    def corpus_key(self, ctx: Any) -> tuple[str | None, str | None, tuple[str, ...]] | None:
        """What corpus rules compare files by: (test id, request identity or None, the classes its bodies
        are typed as), or None."""
        return None

    #: whether ``normalize`` replaces its credential headers and url keys with REDACTED (the secrets rule's advice)
    redacts_credentials: bool = False

    def secret_texts(self, ctx: Any) -> list[tuple[str | None, bytes]]:
        """What the ``secrets`` rule scans: (where, bytes) pairs. Default: the file's bytes."""
        return [(None, ctx.raw)]

    def stream_texts(self, ctx: Any) -> list[str]:
        """The text, reasoning and tool arguments of each streamed exchange in the file, whole: what a key
        split across chunks is looked for in. Default: each stream reassembled."""
        from recordings.protocols import reassemble

        texts: list[str] = []
        for e in ctx.exchanges:
            if e.response.stream is None:
                continue
            try:
                answer = reassemble(e)
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
        """Findings of this recorder's rules with advice that needs the whole corpus (default: as they are)."""
        return findings
