"""Writing to a terminal or a pipe: color only at a terminal and without NO_COLOR.

Recorded text (answers, prompts, tool arguments) always goes through
:meth:`Printer.verbatim`, which never interprets rich markup, emoji codes or
Markdown and never wraps lines.
"""

from __future__ import annotations

import os
import sys
from typing import IO, TYPE_CHECKING

if TYPE_CHECKING:  # rich is imported only when color is wanted: piped runs start faster
    from rich.console import Console


def wants_color(stream: IO[str]) -> bool:
    if os.environ.get("NO_COLOR"):
        return False
    try:
        return stream.isatty()
    except (AttributeError, ValueError):
        return False


def make_console(stream: IO[str]) -> "Console":
    from rich.console import Console

    color = wants_color(stream)
    return Console(
        file=stream,
        markup=False,
        emoji=False,
        highlight=False,
        no_color=not color,
        force_terminal=color,
        soft_wrap=True,
    )


def encodable(text: str) -> str:
    """``text`` unchanged, unless it holds lone surrogates (valid in JSON, not in UTF-8): those are
    shown as the ``\\udXXX`` escape the recording spells them with."""
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return text.encode("utf-8", "backslashreplace").decode("utf-8")
    return text


_UNSAFE = None


def safe(text: str) -> str:
    """``text`` with every control character but newline and tab spelled as its escape (``\\x1b``): a name,
    a model or a test id from a recording never sets the terminal's title or forges a line."""
    global _UNSAFE
    if text.isprintable():
        return text
    if _UNSAFE is None:
        import re

        _UNSAFE = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u2028\u2029]")
    return _UNSAFE.sub(lambda m: m.group(0).encode("unicode_escape").decode("ascii"), text)


class Printer:
    """Styled labels at a terminal, plain text in a pipe; recorded text verbatim either way. Every line and
    piece is made :func:`safe` (control characters escaped); recorded text keeps its control characters in
    a pipe, and shows them escaped at a terminal."""

    def __init__(self, stream: IO[str] | None = None) -> None:
        self.stream = stream if stream is not None else sys.stdout
        self.color = wants_color(self.stream)
        self.console = make_console(self.stream) if self.color else None

    def line(self, text: str = "", style: str | None = None) -> None:
        text = safe(encodable(text))
        if self.console is not None:
            from rich.text import Text

            self.console.print(Text(text, style=style or ""), soft_wrap=True)
        else:
            self.stream.write(text + "\n")

    def parts(self, *pieces: tuple[str, str | None]) -> None:
        """One line made of (text, style) pieces."""
        if self.console is not None:
            from rich.text import Text

            t = Text()
            for text, style in pieces:
                t.append(safe(encodable(text)), style=style or "")
            self.console.print(t, soft_wrap=True)
        else:
            self.stream.write(safe(encodable("".join(p[0] for p in pieces))) + "\n")

    def verbatim(self, text: str) -> None:
        """Recorded text exactly as stored, followed by a newline if it lacks one; at a terminal, its control
        characters (an escape sequence) are shown escaped."""
        text = encodable(text)
        if self.color or _isatty(self.stream):
            text = safe(text)
        self.stream.write(text if text.endswith("\n") else text + "\n")
        self.stream.flush()


def _isatty(stream: IO[str]) -> bool:
    try:
        return stream.isatty()
    except (AttributeError, ValueError):
        return False


def human_size(n: int) -> str:
    size = float(n)
    for unit in ("B", "KB", "MB", "GB"):
        if size < 1024 or unit == "GB":
            return f"{int(size)} {unit}" if unit == "B" else f"{size:.1f} {unit}"
        size /= 1024
    return f"{n} B"  # pragma: no cover


_CONTROL = None


def visible(text: str) -> str:
    """``text`` with control characters (terminal escapes included) shown as ``\\x1b``-style escapes.

    For names a user did not write as text to read: file paths, test ids, reasons that quote them.
    Recorded answers and prompts are never passed through this: they are printed verbatim.
    """
    global _CONTROL
    if text.isprintable():
        return text
    if _CONTROL is None:
        import re

        _CONTROL = re.compile("[\x00-\x1f\x7f-\x9f\u2028\u2029\ud800-\udfff]")
    return _CONTROL.sub(lambda m: m.group(0).encode("unicode_escape", "backslashreplace").decode("ascii")
                        if ord(m.group(0)) < 0xd800 else f"\\u{ord(m.group(0)):04x}", text)


def shell_command(argv: list[str]) -> str:
    """A command line safe to paste into any POSIX shell (dash included): every word quoted where needed. A
    character that cannot be shown (a control character, a byte that is not UTF-8) is spelled by printf's
    octal escape, ``"$(printf '\\351')"``, which every POSIX shell reads; a newline stays a newline inside
    single quotes."""
    import shlex

    def word(a: str) -> str:
        if a.isprintable():
            return shlex.quote(a)
        out, plain = [], []
        for c in a:
            if c.isprintable() or c == "\n":
                plain.append(c)
                continue
            if plain:
                out.append(shlex.quote("".join(plain)) if "\n" not in plain else "'" + "".join(plain).replace(
                    "'", "'\\''") + "'")
                plain = []
            octal = "".join(f"\\{b:03o}" for b in c.encode("utf-8", "surrogateescape"))
            out.append(f'"$(printf \'{octal}\')"')
        if plain:
            out.append(shlex.quote("".join(plain)) if "\n" not in plain else "'" + "".join(plain).replace(
                "'", "'\\''") + "'")
        return "".join(out)

    return " ".join(word(a) for a in argv)


def problem_line(path: str, reason: str) -> str:
    return f"{visible(path)}: {visible(reason)}"
