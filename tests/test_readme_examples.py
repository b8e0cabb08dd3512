"""Every ``console`` block of the README, run as written against the files of this repository (the sample
corpus, mostly), in README order with one cache, and compared line for line: the examples stay true.

A block is ``$ recordings …`` (with ``# in DIR`` when it runs in a folder of this repository) followed by
what the command prints: its stdout, then its stderr. The checkout's path prints as /home/you/recordings
and the cache folder as /home/you/.cache/recordings; the cache's file name (a digest of the checkout's
path) and byte counts, which differ from one checkout to another, are compared as shapes."""

from __future__ import annotations

import os
import re
import shlex

from typer.testing import CliRunner

from recordings.commands import app
from tests.conftest import ROOT

HOME_REPO = "/home/you/recordings"
HOME_CACHE = "/home/you/.cache/recordings"


def _portable(text: str, cache: str) -> list[str]:
    text = text.replace(cache, HOME_CACHE).replace(str(ROOT), HOME_REPO)
    return [line.rstrip() for line in text.rstrip("\n").split("\n")]


def _same(got: list[str], expected: list[str]) -> bool:
    def shape(line: str) -> str:
        line = re.sub(r"corpus-[0-9a-f]{16}\.", "corpus-DIGEST.", line)
        return re.sub(r"^(size\s+|others .*?, )\d+ bytes$", r"\1N bytes", line)

    return [shape(x) for x in got] == [shape(x.rstrip()) for x in expected]


def examples() -> list[tuple[str, str, list[str]]]:
    """(command line, folder it runs in, expected lines) for each console block of the README."""
    readme = (ROOT / "README.md").read_text()
    out = []
    for block in re.findall(r"```console\n(.*?)```", readme, re.S):
        lines = block.rstrip("\n").split("\n")
        assert lines[0].startswith("$ recordings "), lines[0]
        command, _, comment = lines[0][2:].partition("  #")
        where = re.fullmatch(r"\s*in (\S+?)/?", comment) if comment else None
        assert not comment or where, f"a comment other than '# in DIR': {lines[0]}"
        out.append((command.strip(), where.group(1) if where else ".", lines[1:]))
    return out


def test_every_console_block_of_the_readme_prints_what_it_shows(tmp_path, monkeypatch):
    blocks = examples()
    assert len(blocks) >= 10
    cache = tmp_path / "cache"
    monkeypatch.setenv("RECORDINGS_CACHE_DIR", str(cache))
    monkeypatch.setenv("NO_COLOR", "1")
    monkeypatch.delenv("OGX_TEST_RECORDING_DIR", raising=False)
    monkeypatch.delenv("LLAMA_STACK_TEST_RECORDING_DIR", raising=False)
    failures = []
    from recordings.sources import repo_top

    in_git = repo_top(str(ROOT)) is not None
    for command, where, expected in blocks:
        if command.startswith("recordings review") and not in_git:
            continue  # review compares with a git revision: a checkout that is not a repository has none
        monkeypatch.chdir(ROOT / where)
        r = CliRunner().invoke(app, shlex.split(command)[1:], catch_exceptions=False)
        got_lines = _portable(r.stdout + r.stderr, str(cache))
        if not _same(got_lines, expected):
            failures.append(f"$ {command}   (in {where})\n" + "\n".join(got_lines))
    assert not failures, "README examples that print something else now:\n\n" + "\n\n".join(failures)


def update() -> None:
    """Rewrite each console block's output with what the command prints now (``python -m
    tests.test_readme_examples``); read the diff before committing it."""
    import tempfile

    readme_path = ROOT / "README.md"
    readme = readme_path.read_text()
    cache = tempfile.mkdtemp()
    os.environ.update({"RECORDINGS_CACHE_DIR": cache, "NO_COLOR": "1"})

    def fill(m: re.Match) -> str:
        first = m.group(1).split("\n", 1)[0]
        command, _, comment = first[2:].partition("  #")
        where = re.fullmatch(r"\s*in (\S+?)/?", comment) if comment else None
        os.chdir(ROOT / (where.group(1) if where else "."))
        r = CliRunner().invoke(app, shlex.split(command.strip())[1:], catch_exceptions=False)
        return "```console\n" + first + "\n" + "\n".join(_portable(r.stdout + r.stderr, cache)) + "\n```"

    readme_path.write_text(re.sub(r"```console\n(.*?)\n```", fill, readme, flags=re.S))


if __name__ == "__main__":
    update()
