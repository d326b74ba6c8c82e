"""A scripted terminal for the technician's commands: `main(argv, console=Terminal())`."""

from __future__ import annotations

import sys

from frontdesk.cli.console import is_yes


class Terminal:
    """What the technician sees and types: a scripted `Console` for `main(..., console=)`.

    Lines said go to the real stdout/stderr (pytest captures them); the key is what is typed
    at the hidden prompt (or, with `tty=False`, the lines piped in), then the answers.
    """

    def __init__(self) -> None:
        self.key = ""
        self.answers: list[str] = []
        self.prompts: list[str] = []
        self.tty = True
        self.piped: list[str] = []

    def say(self, text: str = "") -> None:
        print(text)

    def complain(self, text: str) -> None:
        print(text, file=sys.stderr)

    def interactive(self) -> bool:
        return self.tty

    def ask_secret(self, prompt: str) -> str:
        self.prompts.append(prompt)
        return self.key

    def read_line(self) -> str:
        return self.piped.pop(0) if self.piped else ""

    def ask_yes(self, question: str) -> bool:
        self.prompts.append(question)
        return bool(self.answers) and is_yes(self.answers.pop(0))
