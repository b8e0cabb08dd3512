"""The README documents every command, and CI runs exactly the README's test command."""

from __future__ import annotations

import re

from recordings.commands import app
from tests.conftest import ROOT


def _commands() -> list[str]:
    names = []
    for info in app.registered_commands:
        names.append(info.name or info.callback.__name__)
    for group in app.registered_groups:
        names.append(group.name)
    return names


def test_every_command_has_a_readme_section_with_an_example():
    readme = (ROOT / "README.md").read_text()
    for name in _commands():
        assert f"### `recordings {name}`" in readme, name
        assert f"$ recordings {name}" in readme, f"no example for {name}"


def test_ci_runs_the_readme_test_command():
    readme = (ROOT / "README.md").read_text()
    blocks = re.findall(r"```sh\n(.*?)\n```", readme, re.S)
    assert len(blocks) >= 2
    install_and_run, test_command = blocks[0], blocks[1]
    assert "sample_recordings" in install_and_run
    ci = (ROOT / ".ci" / "run").read_text()
    assert test_command.replace("python -m pip install", "python -m pip install -q") in ci
