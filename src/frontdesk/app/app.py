"""The Textual App: the front desk, one class that owns its parts (each a module of app/):

- `state`: the audit log of desk actions (`AuditTrail`) and the memory tidying
  (`MemoryTidying`);
- `backend_link`: the one client, connected on first use, and the backend's health
  (`BackendLink`);
- `simulator`: local mode's simulator panel and keys, F2, F6, F7 (`Simulator`);
- `navigation`: the screen flow, lookup → guide → code → result (`Navigation`);
- `desk_setup`: the active profile (F9 switches it) and the settings, F10 (`DeskSetup`);

and here: the reactive state the top bar and the simulator panel follow, the keys (thin
`action_*` methods that hand over to the parts, F1's list, the command palette) and what
becomes of the unexpected.
"""

from __future__ import annotations

import gc
import time
from collections.abc import Callable, Iterable, Mapping
from pathlib import Path, PurePath
from typing import TYPE_CHECKING, ClassVar

from textual import events
from textual.actions import ActionParseResult
from textual.app import App, SystemCommand
from textual.binding import Binding, BindingType
from textual.dom import DOMNode
from textual.reactive import reactive
from textual.screen import Screen
from textual.theme import ThemeProvider
from textual.worker import Worker, WorkerState

import frontdesk
from frontdesk.app.backend_link import BackendLink, connection_label
from frontdesk.app.connector import Connector
from frontdesk.app.desk_setup import DeskSetup
from frontdesk.app.esc_keys import ESC, digit_after_esc, forget_option_digits
from frontdesk.app.keys import help_keys, palette_keys
from frontdesk.app.navigation import Navigation
from frontdesk.app.screens.base import DeskModal
from frontdesk.app.screens.lookup import LookupScreen
from frontdesk.app.simulator import Simulator
from frontdesk.app.state import AuditTrail, HealthState, MemoryTidying
from frontdesk.app.widgets.simulator import SimState, SimulatorPanel
from frontdesk.core.i18n import Language, set_language, t

if TYPE_CHECKING:
    from frontdesk.app.css_cache import ParsedStyles
    from frontdesk.app.screens.settings import SaveSettings
    from frontdesk.app.service import DeskService
    from frontdesk.audit_log import AuditLog
    from frontdesk.config.connection import Connection

__all__ = ["UNEXPECTED_EXIT", "Connector", "FrontdeskApp", "css_paths", "styles_dir"]

UNEXPECTED_EXIT = 70  # EX_SOFTWARE: the app ended on an error of its own

KEY_NAMES = {
    "enter": "Enter",
    "escape": "Esc",
    "ctrl+r": "Ctrl+R",
    "ctrl+p": "Ctrl+P",
    "ctrl+q": "Ctrl+Q",
}


def styles_dir() -> Path:
    """`frontdesk/styles` in an installed wheel, else the checkout's top-level `styles/`."""
    package = Path(frontdesk.__file__).parent
    installed = package / "styles"
    if installed.is_dir():
        return installed
    return package.parents[1] / "styles"


def css_paths() -> list[str | PurePath]:
    folder = styles_dir()
    names = sorted(p.name for p in folder.glob("*.tcss"))
    if "app.tcss" in names:
        names.remove("app.tcss")
        names.insert(0, "app.tcss")
    return [folder / name for name in names]


SIMULATOR_KEYS = frozenset({"sim_sac", "sim_sac_unseen", "sim_clock", "sim_clock_unseen"})
START_PAUSE_LIMIT = 5.0  # seconds: the collector is back on by then (see cli/app.py)


class FrontdeskApp(App[int]):
    """The front desk. Give it a ready `client` (tests) or a `connector` (the command line).

    Its parts: `backend` (the client and its health), `navigation` (the screens of the
    flow), `simulator` (local mode's panel and keys), `setup` (F9's profiles, F10's
    settings), `audit_trail` and `memory`. Screens reach them through `DeskScreen.desk`.
    """

    # What the top bar and the simulator panel follow.
    profile_label: reactive[str] = reactive("")
    health_state: reactive[HealthState] = reactive[HealthState]("checking")
    insecure: reactive[bool] = reactive(False)
    local_mode: reactive[bool] = reactive(False)
    simulator_visible: reactive[bool] = reactive(False)
    sim_state: reactive[SimState] = reactive(SimState)

    CSS_PATH = css_paths()
    TITLE = "frontdesk"
    ENABLE_COMMAND_PALETTE = True
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("f1", "help", "key.help", id="help", tooltip="key.help.tip"),
        Binding(
            "f2", "toggle_simulator", "key.simulator", id="simulator", tooltip="key.simulator.tip"
        ),
        # F6 and F7 work in local mode whether the panel shows or not; the key bar names them
        # while it shows (no room at 80 columns otherwise): each has a twin, never shown,
        # that acts while the panel is hidden.
        Binding("f6", "sim_sac", "key.sim_sac", id="simulator.sac", tooltip="key.sim_sac.tip"),
        Binding(
            "f6",
            "sim_sac_unseen",
            "key.sim_sac",
            id="simulator.sac_unseen",
            tooltip="key.sim_sac.tip",
            show=False,
        ),
        Binding(
            "f7", "sim_clock", "key.sim_clock", id="simulator.clock", tooltip="key.sim_clock.tip"
        ),
        Binding(
            "f7",
            "sim_clock_unseen",
            "key.sim_clock",
            id="simulator.clock_unseen",
            tooltip="key.sim_clock.tip",
            show=False,
        ),
        # Not in the footer (no room at 80 columns): in F1's list and the command palette.
        Binding(
            "f9",
            "switch_profile",
            "key.profiles",
            id="profiles",
            tooltip="key.profiles.tip",
            show=False,
        ),
        Binding(
            "f10", "settings", "key.settings", id="settings", tooltip="key.settings.tip", show=False
        ),
    ]

    def __init__(
        self,
        *,
        client: DeskService | None = None,
        connector: Connector | None = None,
        lang: Language = "pt",
        monotonic: Callable[[], float] = time.monotonic,
        cursor_blink: bool = True,
        friendly_errors: bool = False,
        tidy_memory: bool = False,
        simulator_poll: float = 5.0,
        show_simulator: bool | None = None,
        theme: str | None = None,
        connection: Connection | None = None,
        connector_for: Callable[[Connection], Connector] | None = None,
        audit: AuditLog | None = None,
        allow_insecure: bool = False,
        fixed_language: Language | None = None,
        fixed_theme: str | None = None,
        save_settings: SaveSettings | None = None,
        linux_console: bool = False,
        parsed_styles: ParsedStyles | None = None,
    ) -> None:
        """`connection` is what the desk is connected to (labels, the insecure marker);
        `connector_for` builds the connector of another one (the profile switcher);
        `audit` receives one line per desk action. `allow_insecure` is `--insecure`,
        `fixed_language`/`fixed_theme` are `--lang`/FRONTDESK_THEME: they win over a
        profile's own settings when switching. `save_settings` saves F10's choices
        (default: to the configuration file). `tidy_memory` (the real program; tests
        leave the process's collector alone): see `MemoryTidying.settle`. `linux_console`
        (TERM=linux): borders its font has (styles/terminals.tcss). `parsed_styles`: the
        file of styles parsed by earlier starts (the real program; `app.css_cache`)."""
        if client is None and connector is None:
            raise ValueError("FrontdeskApp needs a client or a connector")
        set_language(lang)
        forget_option_digits()  # Esc then a digit is not "™" (esc_keys)
        super().__init__()
        self.parsed_styles = parsed_styles
        if parsed_styles is not None:
            self.stylesheet = parsed_styles.stylesheet(self.get_css_variables())
        self.lang = lang
        self.connection = connection
        self.monotonic = monotonic
        self.input_cursor_blink = cursor_blink
        self.friendly_errors = friendly_errors
        self.simulator_poll = simulator_poll  # seconds between refreshes of the shown panel
        self.show_simulator = show_simulator
        self._initial_theme = theme
        self.linux_console = linux_console
        if linux_console:
            self.add_class("-linux-console")
        self.bugs: list[BaseException] = []
        self._recovering = False
        self.first_frame_shown = False  # set by Textual's Ready event
        self.audit_trail = AuditTrail(self, audit)
        self.memory = MemoryTidying(enabled=tidy_memory)
        self.backend = BackendLink(self, client, connector)
        self.simulator = Simulator(self)
        self.navigation = Navigation(self)
        self.setup = DeskSetup(
            self,
            connector_for=connector_for,
            allow_insecure=allow_insecure,
            fixed_language=fixed_language,
            fixed_theme=fixed_theme,
            save_settings=save_settings,
        )
        label = connector.label if connector is not None else ""
        if connection is not None:
            label = connection_label(connection)
        self.set_reactive(FrontdeskApp.profile_label, label)
        self.set_reactive(FrontdeskApp.insecure, bool(connection and connection.insecure))

    def get_default_screen(self) -> LookupScreen:
        """The first desk's lookup (the base of Textual's default mode: `Navigation`)."""
        return self.navigation.new_lookup()

    def on_mount(self) -> None:
        self.setup.use_theme(self._initial_theme)
        self.set_interval(self.simulator_poll, self.simulator.poll)
        if not gc.isenabled():  # paused for the start: never longer than this
            self.set_timer(START_PAUSE_LIMIT, self.memory.resume_collector)

    async def on_unmount(self) -> None:
        self.keep_parsed_styles()
        await self.backend.close()

    def keep_parsed_styles(self) -> None:
        """Write the styles parsed since the last write, for the next start (once the
        first screen is complete, and on the way out)."""
        if self.parsed_styles is not None:
            self.parsed_styles.save()

    def on_ready(self) -> None:
        """The first frame is on the terminal: connect and load the queue now.

        Textual sends Ready right after the first frame is written, while it still has
        repaints of its own queued; starting here instead of after the next refresh puts the
        queue on screen sooner (docs/performance.md, "Start-up").
        """
        self.first_frame_shown = True
        screen = self.screen
        if isinstance(screen, LookupScreen):
            screen.load_queue()

    # -- keys ------------------------------------------------------------------------------

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "toggle_simulator":
            return self.local_mode
        if action in SIMULATOR_KEYS:
            return self._simulator_key_works(action)
        return True

    def _simulator_key_works(self, action: str) -> bool:
        """F6/F7 in local mode: the shown binding while the panel shows, its twin otherwise
        (a screen without the panel: result, history, modals); F6 with a guide waiting."""
        if not self.local_mode:
            return False
        panel_shown = self.simulator_visible and bool(self.screen.query(SimulatorPanel))
        if action.endswith("_unseen") == panel_shown:
            return False
        if action.startswith("sim_sac"):
            guide = self.simulator.current_guide
            return guide is not None and guide.status == "awaiting_token"
        return True

    async def on_event(self, event: events.Event) -> None:
        """A key from the terminal: Esc then a digit, read together, is both (esc_keys)."""
        if isinstance(event, events.Key) and not event.is_forwarded:
            digit = digit_after_esc(event)
            if digit is not None:
                await self._press_escape()
                self.post_message(events.Key(digit, digit))
                return
        await super().on_event(event)

    async def _press_escape(self) -> None:
        """What Esc does here, done before the next key is routed (the field it empties or
        the screen it closes is where that key goes)."""
        active = self.screen.active_bindings.get("escape")
        if active is None or not active.enabled:
            self.post_message(events.Key("escape", ESC))  # nothing bound: a plain key
            return
        await self.run_action(active.binding.action, active.node)

    def get_key_display(self, binding: Binding) -> str:
        """Keys as a receptionist reads them: `F5`, `Enter`, `Esc`, `Ctrl+R`."""
        if binding.key_display:
            return binding.key_display
        key = binding.key
        if key in KEY_NAMES:
            return KEY_NAMES[key]
        if len(key) in (2, 3) and key[0] == "f" and key[1:].isdigit():
            return key.upper()
        return super().get_key_display(binding)

    # -- the parts' keys -----------------------------------------------------------------

    def action_toggle_simulator(self) -> None:
        self.simulator.toggle()

    def action_sim_sac(self) -> None:
        self.simulator.sac()

    def action_sim_sac_unseen(self) -> None:
        self.simulator.sac()

    def action_sim_clock(self) -> None:
        self.simulator.clock()

    def action_sim_clock_unseen(self) -> None:
        self.simulator.clock()

    def action_switch_profile(self) -> None:
        self.setup.open_profiles()

    def action_settings(self) -> None:
        self.setup.open_settings()

    def watch_simulator_visible(self, visible: bool) -> None:
        self.simulator.shown(visible)

    def watch_local_mode(self, local: bool) -> None:
        if local:
            self.simulator.sync_panel()

    def action_help(self) -> None:
        # F1's screen, the palette and the confirmation load when first opened, not with the
        # first screen (docs/performance.md, "Lazy imports").
        from frontdesk.app.screens.help import HelpScreen

        if isinstance(self.screen, HelpScreen):
            self.pop_screen()
            return
        keys = [(k.display, k.description, k.tooltip) for k in help_keys(self.screen)]
        self.push_screen(HelpScreen(keys, local=self.local_mode))

    def action_command_palette(self) -> None:
        """Ctrl+P: the palette, in the desk's words (`frontdesk.app.palette`)."""
        from frontdesk.app.palette import DeskPalette  # see action_help

        if self.use_command_palette and not self.screen.has_class("--textual-command-palette"):
            self.push_screen(DeskPalette(t("palette.placeholder"), id="--command-palette"))

    def search_themes(self) -> None:
        """The theme list (from the palette's Tema), in the desk's words."""
        from frontdesk.app.palette import DeskPalette  # see action_help

        self.push_screen(DeskPalette(t("palette.themes"), [ThemeProvider]))

    def action_help_quit(self) -> None:
        """Ctrl+C does not quit a Textual app: say how to, in the desk's words."""
        self.notify(t("app.quit_hint"), title=t("app.quit_title"))

    def get_system_commands(self, screen: Screen[object]) -> Iterable[SystemCommand]:
        """The palette: every shown, enabled binding of the screen, plus theme and quit."""
        for key in palette_keys(screen):

            async def run(node: DOMNode = key.node, action: str = key.action) -> None:
                await self.run_action(action, node)

            yield SystemCommand(key.description, key.tooltip or key.description, run)
        if not isinstance(screen, DeskModal):
            yield SystemCommand(
                t("key.profiles"), t("key.profiles.tip"), self.action_switch_profile
            )
            yield SystemCommand(t("key.settings"), t("key.settings.tip"), self.action_settings)
        yield SystemCommand(t("key.theme"), t("key.theme.tip"), self.action_change_theme)
        yield SystemCommand(t("key.quit"), t("key.quit.tip"), self.action_quit)

    # -- the unexpected ----------------------------------------------------------------------
    #
    # A use of Textual's private API (checked against Textual 8.2.8; the others: docs/
    # architecture.md, "Private seams"): an exception
    # that a message handler raises reaches `App._handle_exception`, which has no public
    # counterpart and always exits the app. Outside tests (`friendly_errors`) the desk
    # overrides it to record the bug, say so, and start again from an empty lookup. A
    # worker's error never reaches it (`exit_on_error=False`): a screen's worker shows it in
    # the screen's banner (`DeskScreen`), the app's own here (`on_worker_state_changed`).
    # When nothing can be started again (no screen left), the app ends with
    # `UNEXPECTED_EXIT`, never with 0, and the command line says why.

    def record_bug(self, exc: BaseException) -> None:
        self.bugs.append(exc)
        self.log.error(f"unexpected error: {type(exc).__name__}: {exc}")

    async def run_action(
        self,
        action: str | ActionParseResult,
        default_namespace: DOMNode | None = None,
        namespaces: Mapping[str, DOMNode] | None = None,
    ) -> bool:
        """Outside tests, an action that fails unexpectedly must not take the app down."""
        if not self.friendly_errors:
            return await super().run_action(action, default_namespace, namespaces)
        try:
            return await super().run_action(action, default_namespace, namespaces)
        except Exception as error:
            self._handle_exception(error)
            return True

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        """One of the app's own workers (profile switch, simulator, settings) failed."""
        error = event.worker.error
        if event.state == WorkerState.ERROR and isinstance(error, Exception):
            self._handle_exception(error)

    def _handle_exception(self, error: Exception) -> None:
        """Outside tests: an unexpected error becomes a message and a fresh lookup."""
        if not self.friendly_errors:
            super()._handle_exception(error)
            return
        self.record_bug(error)
        if not self.screen_stack:  # nothing to start again on
            self.exit(return_code=UNEXPECTED_EXIT)
        elif not self._recovering:
            self._recovering = True
            self.call_later(self._recover)

    async def _recover(self) -> None:
        """Close every screen and start a fresh lookup (the failed one may be half dead)."""
        try:
            self.memory.thaw()
            await self.navigation.fresh_desk()
        except Exception as error:  # the desk cannot start again: end, and say so
            self.record_bug(error)
            self.exit(return_code=UNEXPECTED_EXIT)
            return
        finally:
            self._recovering = False
        self.notify(t("app.unexpected"), severity="error", timeout=10)
