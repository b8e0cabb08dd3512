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

from collections import defaultdict
from typing import Iterator

from recordings.formats.llamastack.document import odd_types
from recordings.rules.types import CorpusKeys, Finding

ID = "type"
SEVERITY = "warning"
SUMMARY = "each __type__ names the module the rest of the corpus uses for its class, in no renamed package"
SCOPE = "corpus"

_FIX = "re-record it, or rename the module in __type__ to where the class lives now"


def check_corpus(keys: CorpusKeys, report: set[str] | None = None) -> Iterator[Finding]:
    files_of: dict[str, list[str]] = defaultdict(list)  # __type__ -> the files that use it
    for path, key in keys:
        if key is None:
            continue
        for t in key[2]:
            files_of[t].append(path)
    for t, why in sorted(odd_types(files_of).items()):
        message = f"__type__ {t}: {why}; {_FIX}"
        for path in sorted(files_of[t]):
            if report is None or path in report:
                yield Finding(path, ID, SEVERITY, message)
