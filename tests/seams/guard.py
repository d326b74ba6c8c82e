"""What a seam's guard test checks, and the message it fails with.

A seam is a private name of a library that frontdesk relies on (docs/architecture.md,
"Private seams"). When a release renames or reshapes it, the guard fails naming the library
and its version, the name, what changed, and the frontdesk module to adapt, before any
behaviour test fails for a reason that is hard to read.
"""

from __future__ import annotations

import inspect
import platform
import re
from dataclasses import dataclass
from importlib.metadata import version
from typing import Any, NoReturn

import pytest


@dataclass(frozen=True)
class Seam:
    """A private `name` of `library` (a distribution, or "Python" for the standard library)
    that `where` (a frontdesk module) relies on."""

    library: str
    name: str
    where: str

    @property
    def release(self) -> str:
        if self.library == "Python":
            return f"Python {platform.python_version()}"
        return f"{self.library} {version(self.library)}"

    def fail(self, what: str) -> NoReturn:
        pytest.fail(
            f"{self.release} changed {self.name}: {what}. {self.where} relies on it: read the "
            f"new release's code, adapt {self.where}, then move the pin in pyproject.toml and "
            "the row of docs/architecture.md (Private seams).",
            pytrace=False,
        )

    def attribute(self, owner: Any, name: str) -> Any:
        """`owner.name`, which must exist."""
        try:
            return getattr(owner, name)
        except AttributeError:
            self.fail(f"{_name_of(owner)} has no attribute {name!r} any more")

    def parameters(self, function: Any, *expected: str) -> None:
        """`function` takes exactly these parameters, in this order."""
        found = tuple(inspect.signature(function).parameters)
        if found != expected:
            self.fail(
                f"{_name_of(function)} takes ({', '.join(found)}), "
                f"not ({', '.join(expected)}) any more"
            )

    def calls(self, function: Any, called: str) -> None:
        """`function`'s source still calls `called` (how the library reaches the seam)."""
        if not re.search(rf"\b{re.escape(called)}\(", inspect.getsource(function)):
            self.fail(f"{_name_of(function)} no longer calls {called}()")

    def assigns(self, function: Any, *attributes: str) -> None:
        """`function`'s source still sets each of `self.<attribute>`."""
        source = inspect.getsource(function)
        for attribute in attributes:
            if not re.search(rf"\bself\.{re.escape(attribute)}\b\s*(:[^=\n]*)?=", source):
                self.fail(f"{_name_of(function)} no longer sets self.{attribute}")


def _name_of(thing: Any) -> str:
    module = getattr(thing, "__module__", None) or ""
    name = getattr(thing, "__qualname__", None) or getattr(thing, "__name__", repr(thing))
    return f"{module}.{name}" if module else name
