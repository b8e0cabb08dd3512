"""Every field corpus read whole (#22): each file of a known format is read, and the answers the tool
reassembles agree with an independent reading (``tests/independent.py``) on at least 30 exchanges per corpus,
or all it knows. Skipped when ``../shared`` is absent."""

from __future__ import annotations

import pytest

from recordings.discovery import discover
from recordings.loader import load
from recordings.protocols import reassemble
from tests import independent
from tests.conftest import ROOT

SHARED = ROOT.parent / "shared" / "corpora"
CORPORA = ["field/crewai", "field/logfire", "field/llm", "field/langchain-aws", "field/pydantic-ai-slice",
           "field/cody", "field/ogx", "field/ogx-rerecords", "vcr-sample"]
# (files on disk that are not recordings of a known format, by design) per corpus
NOT_RECORDINGS = {"field/logfire": 2}


# answers that are text (not embeddings, model lists, images or errors): what the reading is checked on
TEXT_FORMS = {"chat", "completion", "anthropic", "anthropic-completion", "gemini", "bedrock", "responses",
              "sourcegraph", "ollama", "interactions"}


def _compare(corpus: str) -> tuple[int, int, list[tuple[str, int, str, str]], int, int]:
    """(files read, exchanges, mismatches, exchanges checked, exchanges with a text answer)."""
    found = discover([str(SHARED / corpus)])
    read = exchanges = checked = answers = 0
    wrong = []
    for path in found.files:
        try:
            rf = load(path, empty_ok=True)
        except Exception:  # noqa: BLE001 - counted below as not read
            continue
        read += 1
        exchanges += len(rf.exchanges)
        if rf.format == "vcr":
            theirs = dict(independent.cassette_answers(path))
        elif rf.format == "har":
            theirs = dict(independent.har_answers(path))
        else:
            theirs = {0: independent.ogx_answer(path)}
        for e in rf.exchanges:
            answer = reassemble(e)
            answers += answer.form in TEXT_FORMS
            expected = theirs.get(e.index)
            if expected is None:
                continue
            checked += 1
            ours = answer.text
            if ours != expected:
                wrong.append((path, e.index, ours[:80], expected[:80]))
    return read, exchanges, wrong, checked, answers


@pytest.mark.parametrize("corpus", CORPORA)
def test_every_corpus_is_read_whole_and_its_answers_agree(corpus):
    if not (SHARED / corpus).is_dir():
        pytest.skip(f"../shared/corpora/{corpus} is absent")
    found = discover([str(SHARED / corpus)])
    read, exchanges, wrong, checked, answers = _compare(corpus)
    assert read == len(found.files) - NOT_RECORDINGS.get(corpus, 0)
    assert exchanges > 0
    assert wrong == []
    assert checked >= min(30, answers), (checked, answers)
