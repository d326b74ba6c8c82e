"""What the technician's commands say and ask, through one small object.

`Console` is what a command needs from the terminal: say a line, complain on standard error,
ask a secret without echo, read a line piped in, ask yes/no. `TerminalConsole` is the real
one, over sys.stdin/stdout/stderr, getpass and input (looked up when used, so pytest's
capture sees the output); tests hand `frontdesk.cli.main` a scripted one instead of
patching sys.stdin, getpass or input.
"""

from __future__ import annotations

import getpass
import sys
from typing import Final, Protocol

YES: Final = ("s", "sim", "y", "yes")


def is_yes(answer: str) -> bool:
    """An answer to a [s/N] / [y/N] question: yes only when said (either language)."""
    return answer.strip().lower() in YES


class Console(Protocol):
    """The terminal as the setup commands use it."""

    def say(self, text: str = "") -> None:
        """A line on standard output, flushed."""

    def complain(self, text: str) -> None:
        """A line on standard error."""

    def interactive(self) -> bool:
        """Whether standard input is a terminal (a person typing) rather than a pipe."""

    def ask_secret(self, prompt: str) -> str:
        """A line typed without echo after `prompt`; EOFError at the end of input."""

    def read_line(self) -> str:
        """A line piped to standard input ("" at its end), for scripts."""

    def ask_yes(self, question: str) -> bool:
        """Ask `question`; True only for a yes (the end of input is a no)."""


class TerminalConsole:
    """The real terminal: sys.stdin/stdout/stderr, getpass.getpass and input."""

    def say(self, text: str = "") -> None:
        print(text, flush=True)

    def complain(self, text: str) -> None:
        print(text, file=sys.stderr)

    def interactive(self) -> bool:
        return sys.stdin.isatty()

    def ask_secret(self, prompt: str) -> str:
        return getpass.getpass(prompt)

    def read_line(self) -> str:
        return sys.stdin.readline()

    def ask_yes(self, question: str) -> bool:
        try:
            answer = input(question)
        except EOFError:
            print()
            return False
        return is_yes(answer)
