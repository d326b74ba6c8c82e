"""The keys a screen offers, as the key bar, F1's list and the command palette show them.

Every binding keeps a catalog key (`key.send`, `key.send.tip`) as its description and
tooltip; they become words here, when shown, so a new language needs only a redraw.
The order: the focused widget's keys, the screen's own (in the order its class lists
them), those it inherits (Esc and F1 in a modal), then the app's.
"""

from __future__ import annotations

import functools
from typing import TYPE_CHECKING

import msgspec
from textual.binding import Binding

from frontdesk.core.i18n import Language, get_language, has_text, text_in

if TYPE_CHECKING:
    from textual.binding import ActiveBinding
    from textual.dom import DOMNode
    from textual.screen import Screen

# Arrows into the queue (the lookup's hint says it), digits typed there (they go to the
# guide number) and a modal's Ctrl+C (it only says how to quit): not keys to learn.
NOT_IN_HELP = frozenset({"focus_queue", "type_digit", "quit_hint"})
NOT_IN_PALETTE = frozenset({"command_palette"})


class DeskKey(msgspec.Struct, frozen=True):
    """One key as shown: what to press, what it does (in words), whether it works now."""

    key: str
    display: str
    description: str
    tooltip: str  # "" when the binding has none
    short: str  # the description for a narrow key bar (`key.send.short`), else the same
    action: str
    enabled: bool
    shown: bool  # in the key bar (`Binding.show`); F1 lists the others too
    listed: bool  # in F1's list: the desk's own keys (with an id), not Textual's
    node: DOMNode  # where the action runs


def words(text: str) -> str:
    """A binding's description or tooltip in the user's words (a catalog key, or already
    words: Textual's own bindings)."""
    return _words(get_language(), text)


def short_words(description: str) -> str:
    """A binding's short description (the catalog's `<key>.short`), else its words."""
    return _short_words(get_language(), description)


# The key bar recounts every key of the screen whenever its bindings may have changed (six
# times between the first frame and the first queue): the catalogs never change while the
# desk runs, so each text is looked up once per language.
@functools.lru_cache(maxsize=1024)
def _words(lang: Language, text: str) -> str:
    return text_in(lang, text) if has_text(text) else text


@functools.lru_cache(maxsize=1024)
def _short_words(lang: Language, description: str) -> str:
    short = f"{description}.short"
    if has_text(description) and has_text(short):
        return text_in(lang, short)
    return _words(lang, description)


def _rank(active: ActiveBinding, screen: Screen[object], own: dict[str, int]) -> tuple[int, int]:
    node, binding = active.node, active.binding
    if node is screen.app:
        return (3, 0)
    if node is not screen:
        return (0, 0)  # the focused widget and its containers: first, as Textual orders them
    if binding.id is not None and binding.id in own:
        return (1, own[binding.id])
    return (2, 0)


@functools.cache
def _own_order(screen_class: type[Screen[object]]) -> dict[str, int]:
    """Where each of a screen class's own keys (with an id) stands in its BINDINGS."""
    own_bindings = Binding.make_bindings(screen_class.BINDINGS)
    return {b.id: index for index, b in enumerate(own_bindings) if b.id is not None}


def screen_keys(screen: Screen[object]) -> list[DeskKey]:
    """Every active key of `screen`, in the order shown."""
    own = _own_order(type(screen))
    actives = sorted(screen.active_bindings.values(), key=lambda a: _rank(a, screen, own))
    app = screen.app
    keys: list[DeskKey] = []
    for active in actives:
        binding = active.binding
        keys.append(
            DeskKey(
                key=binding.key,
                display=app.get_key_display(binding),
                description=words(binding.description),
                tooltip=words(active.tooltip) if active.tooltip else "",
                short=short_words(binding.description),
                action=binding.action,
                enabled=active.enabled,
                shown=binding.show,
                listed=binding.id is not None,
                node=active.node,
            )
        )
    return keys


def one_per_action(keys: list[DeskKey]) -> list[DeskKey]:
    """The first key of each action (Enter and Esc may both go on; the first one says it)."""
    seen: set[str] = set()
    chosen: list[DeskKey] = []
    for key in keys:
        if key.action not in seen:
            seen.add(key.action)
            chosen.append(key)
    return chosen


def bar_keys(screen: Screen[object]) -> list[DeskKey]:
    """The key bar's: the shown keys, one per action."""
    return one_per_action([k for k in screen_keys(screen) if k.shown])


def help_keys(screen: Screen[object]) -> list[DeskKey]:
    """F1's list: the desk's own keys, shown or not, one per action."""
    keys = [
        k for k in screen_keys(screen) if k.listed and k.action.split("(")[0] not in NOT_IN_HELP
    ]
    return one_per_action(keys)


def palette_keys(screen: Screen[object]) -> list[DeskKey]:
    """The command palette's: the shown keys that work now, one per action."""
    keys = [
        k
        for k in screen_keys(screen)
        if k.shown and k.enabled and k.description and k.action not in NOT_IN_PALETTE
    ]
    return one_per_action(keys)
