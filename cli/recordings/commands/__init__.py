"""The typer command line. Commands are thin: parse options, call the core, pick a reporter.

This package is the only one that imports typer.
"""

from __future__ import annotations

import sys
from typing import Any

import typer

from recordings import __version__

SETTINGS: dict[str, Any] = dict(
    name="recordings",
    help="Inspect, diff, normalize, prune and validate recorded LLM API calls.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    rich_markup_mode=None,
    context_settings={"help_option_names": ["-h", "--help"]},
)
app = typer.Typer(**SETTINGS)


def _keep_argument_help() -> None:
    """Typer stores an argument's help, then calls click's ``Argument.__init__``, which (click 8.2 and
    newer) sets ``help`` again, to None: every argument would show no help text. Store it after."""
    from typer import core

    original = core.TyperArgument.__init__
    if getattr(original, "keeps_help", False):
        return

    def init(self: Any, *args: Any, help: str | None = None, **kwargs: Any) -> None:  # noqa: A002
        original(self, *args, help=help, **kwargs)
        self.help = help

    # setattr, not assignment: which of these the installed typer and click declare differs by version,
    # and a "type: ignore" that one version needs is an unused-ignore error under another
    setattr(init, "keeps_help", True)  # noqa: B010
    setattr(core.TyperArgument, "__init__", init)  # noqa: B010
    # click 8.4 lists documented arguments itself ("Positional arguments"); typer's own "Arguments" section
    # already does, with their defaults: one list, not two
    if hasattr(core.TyperCommand, "format_arguments"):
        setattr(core.TyperCommand, "format_arguments", lambda self, ctx, formatter: None)  # noqa: B010


_keep_argument_help()


def _version(value: bool) -> None:
    if value:
        typer.echo(f"recordings {__version__}")
        raise typer.Exit()


@app.callback()
def _root(
    version: bool = typer.Option(False, "--version", callback=_version, is_eager=True, help="Print the version."),
) -> None:
    """Inspect, diff, normalize, prune and validate recorded LLM API calls."""


from recordings.commands import ls as _ls  # noqa: E402,F401  (registers the command)
from recordings.commands import show as _show  # noqa: E402,F401
from recordings.commands import validate as _validate  # noqa: E402,F401
from recordings.commands import normalize as _normalize  # noqa: E402,F401
from recordings.commands import prune as _prune  # noqa: E402,F401
from recordings.commands import dedupe as _dedupe  # noqa: E402,F401
from recordings.commands import diff as _diff  # noqa: E402,F401
from recordings.commands import review as _review  # noqa: E402,F401
from recordings.commands import stats as _stats  # noqa: E402,F401
from recordings.commands import explain as _explain  # noqa: E402,F401
from recordings.commands import cache as _cache  # noqa: E402,F401


def _full_summaries() -> None:
    """``recordings --help`` lists each command's whole first line, never cut with an ellipsis."""
    import inspect

    for info in app.registered_commands:
        if info.short_help is None and info.callback is not None and info.callback.__doc__:
            info.short_help = inspect.cleandoc(info.callback.__doc__).splitlines()[0]


_full_summaries()


def app_for(argv: list[str]) -> typer.Typer:
    """The app with only the command ``argv`` names. Typer turns every registered command into a click
    command when an app runs (about 20 ms for all of them, at every start); running one needs only its
    own. Anything else (no command, ``--help``, ``--version``, a group such as ``cache``, a mistyped
    name) gets the whole app, whose help and errors list every command."""
    name = next((a for a in argv[1:] if not a.startswith("-")), None)
    infos = [info for info in app.registered_commands if info.name == name]
    if not infos:
        return app
    one = typer.Typer(**SETTINGS)
    one.registered_callback = app.registered_callback
    one.registered_commands = infos
    return one


def main() -> None:
    """Console entry point: no traceback ever reaches a user."""
    for stream in (sys.stdout, sys.stderr):  # a lone surrogate in a recording prints as its escape
        try:
            stream.reconfigure(errors="backslashreplace")  # type: ignore[union-attr]
        except (AttributeError, ValueError):
            pass
    try:
        app_for(sys.argv)()
    except SystemExit:
        raise
    except KeyboardInterrupt:
        sys.stderr.write("recordings: interrupted\n")
        sys.exit(130)
    except BrokenPipeError:
        sys.exit(1)
    except Exception as exc:  # noqa: BLE001
        sys.stderr.write(f"recordings: internal error: {type(exc).__name__}: {exc}\n")
        sys.exit(1)
