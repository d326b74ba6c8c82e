"""A frozen msgspec Struct that can leave fields out of ==, hash and repr.

What a frozen dataclass's `field(compare=False)` and `field(repr=False)` did, for the
settings built before the desk's first frame: a Struct's class is built in C, a dataclass
compiles its methods (an `exec` each) when its class is built (docs/performance.md).

    class Connection(Frozen, frozen=True):
        _not_compared: ClassVar[frozenset[str]] = frozenset({"tiss"})
        _not_shown: ClassVar[frozenset[str]] = frozenset({"api_key", "tiss"})
"""

from __future__ import annotations

from typing import Any, ClassVar

import msgspec


class Frozen(msgspec.Struct, frozen=True):
    """Compared and hashed on its fields but `_not_compared`; shown (repr, rich) without
    `_not_shown` (a key, or a table of no interest)."""

    _not_compared: ClassVar[frozenset[str]] = frozenset()
    _not_shown: ClassVar[frozenset[str]] = frozenset()

    def _compared(self) -> tuple[object, ...]:
        return tuple(
            getattr(self, name) for name in self.__struct_fields__ if name not in self._not_compared
        )

    def __eq__(self, other: object) -> bool:
        if type(other) is not type(self):
            return NotImplemented
        assert isinstance(other, Frozen)
        return self._compared() == other._compared()

    def __hash__(self) -> int:
        return hash(self._compared())

    def __rich_repr__(self) -> list[tuple[str, Any]]:
        fields = self.__struct_fields__
        return [(name, getattr(self, name)) for name in fields if name not in self._not_shown]

    def __repr__(self) -> str:
        shown = ", ".join(f"{name}={value!r}" for name, value in self.__rich_repr__())
        return f"{type(self).__qualname__}({shown})"
