"""Guards of Textual's private names that the app relies on (docs/architecture.md,
"Private seams")."""

from __future__ import annotations

import inspect
import subprocess
import sys

from textual import message_pump
from textual.app import App
from textual.binding import BindingsMap
from textual.cache import LRUCache
from textual.command import CommandPalette
from textual.css.stylesheet import Stylesheet
from textual.dom import DOMNode
from textual.screen import Screen

from seams.guard import Seam

EXCEPTION = Seam("textual", "App._handle_exception", "frontdesk/app/app.py")
PALETTE = Seam("textual", "CommandPalette._start_no_matches_countdown", "frontdesk/app/palette.py")
KEYS = Seam("textual", "textual._ansi_sequences.ANSI_SEQUENCES_KEYS", "frontdesk/app/esc_keys.py")
BINDINGS = Seam("textual", "DOMNode._bindings, App._keymap", "frontdesk/app/typeahead.py")
REFRESH = Seam("textual", "Screen._on_timer_update", "frontdesk/app/screens/lookup.py")
STYLES = Seam(
    "textual",
    "Stylesheet._parse_cache, _variables, reparse",
    "frontdesk/app/css_cache.py",
)


def test_a_handlers_exception_still_reaches_app_handle_exception() -> None:
    """The app overrides it so that an unexpected error is said and the desk starts again."""
    EXCEPTION.parameters(EXCEPTION.attribute(App, "_handle_exception"), "self", "error")
    EXCEPTION.calls(message_pump.MessagePump._process_messages_loop, "self.app._handle_exception")


def test_the_palette_still_says_no_matches_from_the_method_the_desk_overrides() -> None:
    """`DeskPalette` overrides the method that adds "No matches found" to say it in the
    desk's words, with the attributes that method uses."""
    start = PALETTE.attribute(CommandPalette, "_start_no_matches_countdown")
    PALETTE.parameters(start, "self", "search_value")
    PALETTE.parameters(PALETTE.attribute(CommandPalette, "_stop_no_matches_countdown"), "self")
    for constant in ("_NO_MATCHES", "_NO_MATCHES_COUNTDOWN", "_list_visible"):
        PALETTE.attribute(CommandPalette, constant)
    PALETTE.assigns(CommandPalette.__init__, "_no_matches_timer")
    PALETTE.calls(CommandPalette._gather_commands, "self._start_no_matches_countdown")


def test_the_key_parser_still_reads_the_table_the_desk_edits() -> None:
    """`forget_option_digits` pops ESC + digit from this dict; the parser must read that
    same dict when it parses, not a copy made at import."""
    probe = (
        "from textual import _ansi_sequences, _xterm_parser\n"
        "table = _ansi_sequences.ANSI_SEQUENCES_KEYS\n"
        "print(isinstance(table, dict), _xterm_parser.ANSI_SEQUENCES_KEYS is table,"
        " sum(chr(27) + d in table for d in '0123456789'))\n"
    )
    found = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, check=False
    )
    if found.returncode != 0:
        KEYS.fail(f"reading it failed: {found.stderr.strip().splitlines()[-1]}")
    if found.stdout.split() != ["True", "True", "10"]:
        KEYS.fail(
            "(a dict, read by textual._xterm_parser, with the ten ESC + digit entries) is "
            f"now ({found.stdout.strip()})"
        )
    KEYS.calls(_parser_lookup(), "ANSI_SEQUENCES_KEYS.get")


def _parser_lookup() -> object:
    from textual._xterm_parser import XTermParser

    return XTermParser._sequence_to_key_events


def test_a_widgets_bindings_are_still_read_as_the_screen_reads_them() -> None:
    """`run_own_binding` copies a node's `_bindings` and applies the app's `_keymap`, as
    `Screen._binding_chain` does."""
    BINDINGS.assigns(DOMNode.__init__, "_bindings")
    BINDINGS.assigns(App.__init__, "_keymap")
    chain = inspect.getsource(BINDINGS.attribute(Screen, "_binding_chain").fget)
    for read in ("._bindings.copy()", "self.app._keymap", ".apply_keymap("):
        if read not in chain:
            BINDINGS.fail(f"Screen._binding_chain no longer reads {read}")
    BINDINGS.parameters(BINDINGS.attribute(BindingsMap, "apply_keymap"), "self", "keymap")
    BINDINGS.attribute(BindingsMap(), "key_to_bindings")


def test_the_screens_refresh_step_is_still_the_one_its_timer_and_pilot_run() -> None:
    """`LookupScreen` draws the first queue by running the step the screen's refresh timer
    runs (as Textual's Pilot does), instead of waiting for the timer's next tick."""
    step = REFRESH.attribute(Screen, "_on_timer_update")
    REFRESH.parameters(step, "self")
    if "self._on_timer_update" not in inspect.getsource(Screen._update_timer.fget):  # type: ignore[attr-defined]
        REFRESH.fail("the screen's refresh timer no longer runs Screen._on_timer_update")
    source = inspect.getsource(step)
    for part in ("self._refresh_layout(", "self._compositor_refresh()", "self.app._batch_count"):
        if part not in source:
            REFRESH.fail(f"Screen._on_timer_update no longer runs {part}")


def test_the_stylesheet_still_keeps_its_parses_where_the_file_of_styles_plugs_in() -> None:
    """`_RememberingStylesheet` replaces the stylesheet's `_parse_cache` (an LRUCache that
    `_parse_rules` reads and fills), keys the file by `_variables`, and does `reparse`'s
    steps itself so that the fresh stylesheet reads the file too."""
    sheet = Stylesheet(variables={"primary": "red"})
    cache = STYLES.attribute(sheet, "_parse_cache")
    if type(cache) is not LRUCache:
        STYLES.fail(f"Stylesheet._parse_cache is a {type(cache).__name__}, not an LRUCache")
    if STYLES.attribute(sheet, "_variables") != {"primary": "red"}:
        STYLES.fail("Stylesheet._variables no longer holds the variables it was given")
    parse = inspect.getsource(Stylesheet._parse_rules)
    for part in ("self._parse_cache[cache_key]", "self._parse_cache[cache_key] = rules"):
        if part not in parse:
            STYLES.fail(f"Stylesheet._parse_rules no longer runs {part}")
    reparse = inspect.getsource(Stylesheet.reparse)
    for part in (
        "Stylesheet(variables=self._variables)",
        "self._invalid_css.update(stylesheet._invalid_css)",
        "self._rules = stylesheet.rules",
        "self._rules_map = None",
        "self.source = stylesheet.source",
        "self._require_parse = False",
    ):
        if part not in reparse:
            STYLES.fail(f"Stylesheet.reparse no longer runs {part}")
