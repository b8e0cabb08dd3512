"""type: a body's ``__type__`` names a class replay can import: the module the rest of the corpus uses for it.

OGX's replayer (formerly Llama Stack's) rebuilds each response body by importing the module its
``__type__`` names and validating ``__data__`` with that class. When the import fails, the test gets a
plain dict instead, and fails in ways that do not say why. Two cases are proven from the corpus alone:

- a class whose module differs from the one most of the corpus's recordings use for the same class
  (``openai.types.chat.ChatCompletion`` in one file, ``openai.types.chat.chat_completion.ChatCompletion``
  in forty): the odd ones are flagged, never the majority, and never when no module has a majority;
- a module in a package the project has renamed (``llama_stack_api`` became ``ogx_api`` when Llama Stack
  became OGX, April 2026), when other recordings of the corpus already use the new package: recorded
  before the rename and never re-recorded.

The fix is to re-record the file (or to rename the module in ``__type__`` once you know where the class
lives now).
"""

from __future__ import annotations

from collections import Counter, defaultdict
from typing import Iterator

from recordings.formats.llamastack.document import type_names  # noqa: F401  (the types a corpus key holds)
from recordings.rules.types import CorpusKeys, Finding

ID = "type"
SEVERITY = "warning"
SUMMARY = "each __type__ names the module the rest of the corpus uses for its class, in no renamed package"
SCOPE = "corpus"

# packages OGX renamed from Llama Stack's names (old -> new)
RENAMED_PACKAGES = {"llama_stack": "ogx", "llama_stack_api": "ogx_api", "llama_stack_client": "ogx_client"}

_FIX = "re-record it, or rename the module in __type__ to where the class lives now"


def _package(type_name: str) -> str:
    return type_name.split(".", 1)[0]


def check_corpus(keys: CorpusKeys, report: set[str] | None = None) -> Iterator[Finding]:
    files_of: dict[str, list[str]] = defaultdict(list)  # __type__ -> the files that use it
    for path, key in keys:
        if key is None:
            continue
        for t in key[2]:
            files_of[t].append(path)
    if not files_of:
        return
    modules_of: dict[str, Counter[str]] = defaultdict(Counter)  # class -> module -> files
    for t, paths in files_of.items():
        module, _, cls = t.rpartition(".")
        modules_of[cls][module] += len(paths)
    packages: Counter[str] = Counter()  # package -> files that use it
    for t, paths in files_of.items():
        packages[_package(t)] += len(paths)
    for t in sorted(files_of):
        module, _, cls = t.rpartition(".")
        message = None
        counts = modules_of[cls]
        best, n_best = counts.most_common(1)[0]
        rest = sum(counts.values()) - n_best
        if best != module and n_best >= 2 and n_best > rest:
            message = (f"__type__ {t}: the {n_best} other recordings of {cls} use {best}.{cls}; replay cannot "
                       f"import a module that is not there and hands the test a plain dict; {_FIX}")
        else:
            new = RENAMED_PACKAGES.get(_package(t))
            if new is not None and packages.get(new):
                message = (f"__type__ {t}: {_package(t)} was renamed {new} (Llama Stack became OGX); "
                           f"{packages[new]} other recording{'s use' if packages[new] != 1 else ' uses'} {new}, "
                           f"so this one was recorded before the rename; {_FIX}")
        if message is None:
            continue
        for path in sorted(files_of[t]):
            if report is None or path in report:
                yield Finding(path, ID, SEVERITY, message)

