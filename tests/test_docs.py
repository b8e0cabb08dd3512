"""The README documents every command, and CI runs exactly the README's test command."""

from __future__ import annotations

import json
import re

from recordings.commands import app
from tests.conftest import BROKEN, ROOT


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


def test_the_core_never_imports_typer():
    """Everything but recordings.commands imports with typer and click unavailable."""
    import subprocess
    import sys

    code = (
        "import sys, importlib, pkgutil\n"
        "class Block:\n"
        "    def find_spec(self, name, path=None, target=None):\n"
        "        if name.split('.')[0] in ('typer', 'click'):\n"
        "            raise ImportError('blocked ' + name)\n"
        "sys.meta_path.insert(0, Block())\n"
        "import recordings\n"
        "mods = [m.name for m in pkgutil.walk_packages(recordings.__path__, 'recordings.')\n"
        "        if not m.name.startswith('recordings.commands') and m.name != 'recordings.__main__']\n"
        "for m in mods:\n"
        "    importlib.import_module(m)\n"
        "print(len(mods))\n"
    )
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert proc.returncode == 0, proc.stderr
    assert int(proc.stdout) >= 40


def test_deepdiff_is_imported_only_by_commands_that_use_it():
    import subprocess
    import sys

    code = ("import sys\nfrom typer.testing import CliRunner\nfrom recordings.commands import app\n"
            f"CliRunner().invoke(app, ['ls', {str(ROOT / 'sample_recordings')!r}])\n"
            f"CliRunner().invoke(app, ['validate', {str(ROOT / 'sample_recordings')!r}])\n"
            "print('deepdiff' in sys.modules)\n")
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          env={**__import__("os").environ, "RECORDINGS_NO_CACHE": "1"})
    assert proc.stdout.strip() == "False", proc.stderr


def test_help_lists_every_summary_whole(run):
    r = run("--help")
    assert "…" not in r.stdout and "..." not in r.stdout.split("Commands:")[1]


def test_validate_help_lists_every_rule(run):
    from recordings.rules import RULES
    from recordings.commands.validate import RULES_HELP

    rows = [line.split(None, 2) for line in RULES_HELP.splitlines()[2:] if line.strip()]
    assert [(r[0], r[1], r[2]) for r in rows] == [(r.id, r.severity, r.summary) for r in RULES.values()]
    out = run("validate", "--help").stdout
    for rule in RULES.values():
        assert rule.id in out


def test_root_means_the_project_root_for_every_command(run):
    from recordings.commands.common import ROOT_HELP

    for command in ("ls", "show", "diff", "prune", "stats", "explain"):
        out = " ".join(run(command, "--help").stdout.split())
        assert " ".join(ROOT_HELP.split())[:60] in out, command


def test_show_json_on_a_broken_file_still_prints_json(run):
    r = run("show", BROKEN / "truncated.json", "--format", "json")
    assert r.exit_code == 1
    d = json.loads(r.stdout)
    assert d["path"] == str(BROKEN / "truncated.json") and d["error"].startswith("truncated JSON")


def test_the_console_script_is_found_without_an_activated_environment(monkeypatch):
    """The suite must pass when run as `<venv>/bin/python -m pytest` with no venv on PATH."""
    import subprocess

    from tests.conftest import console_script

    monkeypatch.setenv("PATH", "")
    argv = console_script()
    proc = subprocess.run([*argv, "--version"], capture_output=True, text=True, env={"PATH": ""})
    assert proc.returncode == 0 and proc.stdout.startswith("recordings ")


def test_the_projects_own_pre_commit_config_validates_the_sample():
    """The local hook of .pre-commit-config.yaml, run as pre-commit would: on the files it selects."""
    import subprocess

    import yaml

    from tests.conftest import SAMPLE, console_script

    config = yaml.safe_load((ROOT / ".pre-commit-config.yaml").read_text())
    hook = next(h for repo in config["repos"] if repo["repo"] == "local" for h in repo["hooks"]
                if h["id"] == "recordings-validate")
    files = [str(p.relative_to(ROOT)) for p in SAMPLE.rglob("*.json")]
    chosen = [f for f in files if re.search(hook["files"], f) and not re.search(hook["exclude"], f)]
    assert len(chosen) == 23 and not any("broken" in f for f in chosen)  # 17, and rerecord/'s 3 + 3
    argv = hook["entry"].split()
    proc = subprocess.run([*console_script(argv[0]), *argv[1:], *chosen], capture_output=True, text=True, cwd=ROOT)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert any(repo["repo"].endswith("ruff-pre-commit") for repo in config["repos"])


def test_the_bench_scripts_still_run(tmp_path):
    """Benchmarks are never timed in tests, but they must keep working as the code moves."""
    import subprocess
    import sys

    from tests.conftest import SAMPLE

    bench = ROOT / "bench"
    r = subprocess.run([sys.executable, str(bench / "profile.py"), str(SAMPLE), "--repeat", "1", "--no-startup"],
                       capture_output=True, text=True)
    assert r.returncode == 0, r.stderr
    for command in ("validate", "normalize", "ls", "stats"):  # each command's phases, with a total
        assert f"\n{command} (29 files, serial)" in r.stdout, r.stdout
    assert "rule secrets" in r.stdout and "canonical bytes" in r.stdout and "render table" in r.stdout
    r = subprocess.run([sys.executable, str(bench / "make_cassettes.py"), str(tmp_path / "c"), "--files", "4"],
                       capture_output=True, text=True)
    assert r.returncode == 0, r.stderr
    r = subprocess.run([sys.executable, str(bench / "make_corpus.py"), str(tmp_path / "l"), "--files", "20",
                        "--test-files", "3"], capture_output=True, text=True)
    assert r.returncode == 0, r.stderr
    r = subprocess.run([sys.executable, str(bench / "plugin_overhead.py"), "--tests", "6", "--rounds", "1"],
                       capture_output=True, text=True)
    assert r.returncode == 0, r.stdout + r.stderr
    assert "suite: 6 cassette tests" in r.stdout and "with --recordings-usage" in r.stdout
    for script in ("run.py", "scale.py", "cassettes.py", "make_diff_pair.py"):
        r = subprocess.run([sys.executable, str(bench / script), "--help"], capture_output=True, text=True)
        assert r.returncode == 0, (script, r.stderr)


def test_every_argument_has_its_help_once(run):
    for command, argument in (("show", "ID"), ("diff", "[B]"), ("explain", "[HASH]"), ("ls", "[PATHS]..."),
                              ("review", "[BASE]")):
        out = run(command, "--help").stdout
        assert out.count("Arguments:") == 1 and "Positional arguments" not in out, command
        line = next(x for x in out.splitlines() if x.strip().startswith(argument))
        assert len(line.strip()) > len(argument) + 5, (command, line)  # a help text beside the name
