"""The Textual App: one client, the screen flow (lookup → guide → code → result), the simulator,
the active profile (F9 switches it), the settings (F10) and the audit log of desk actions.

Screens other than the lookup are imported when first opened, so the first screen paints
fast; the backend (and its imports) is connected right after that.
"""

from __future__ import annotations

import asyncio
import gc
import time
from collections.abc import Callable, Iterable, Mapping
from pathlib import Path, PurePath
from typing import TYPE_CHECKING, Any, ClassVar

from textual import work
from textual.actions import ActionParseResult
from textual.app import App, SystemCommand
from textual.binding import Binding, BindingType
from textual.dom import DOMNode
from textual.reactive import reactive
from textual.screen import Screen

import frontdesk
from frontdesk.app.connector import Connector
from frontdesk.app.keys import help_keys, palette_keys
from frontdesk.app.screens.base import DeskModal, DeskScreen, GuideChanged
from frontdesk.app.screens.lookup import LookupScreen
from frontdesk.app.widgets.simulator import SimState, SimulatorPanel
from frontdesk.core.i18n import Language, set_language, t

if TYPE_CHECKING:
    from frontdesk.app.screens.guide import GuideScreen
    from frontdesk.client.client import FrontdeskClient
    from frontdesk.client.models import Channels, Guide, Health, Token
    from frontdesk.config.audit import AuditLog
    from frontdesk.config.connection import Connection

# Nothing under `frontdesk.client` is imported before the first screen is drawn: the
# package and the client stack cost start-up time. Methods that need its exceptions import
# them when they run.

SIMULATOR_CLOCK_STEP = 30 * 60
UNREACHABLE_STATUSES = frozenset({502, 503, 504})  # a proxy answered; the backend did not
KEY_NAMES = {
    "enter": "Enter",
    "escape": "Esc",
    "ctrl+r": "Ctrl+R",
    "ctrl+p": "Ctrl+P",
    "ctrl+q": "Ctrl+Q",
}
WIDE_ENOUGH_FOR_SIMULATOR = 110
GUIDE_SCREEN = "guide"


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


def connection_label(connection: Connection) -> str:
    """The top bar's name for a connection: "local", "unimed (Unimed Londrina)", a host."""
    label = connection.label
    operator = connection.operator
    if operator and operator != label:
        return t("app.profile_operator", profile=label, operator=operator)
    return label


class FrontdeskApp(App[int]):
    """The front desk. Give it a ready `client` (tests) or a `connector` (the command line)."""

    CSS_PATH = css_paths()
    TITLE = "frontdesk"
    ENABLE_COMMAND_PALETTE = True
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("f1", "help", "key.help", id="help", tooltip="key.help.tip"),
        Binding(
            "f2", "toggle_simulator", "key.simulator", id="simulator", tooltip="key.simulator.tip"
        ),
        Binding("f6", "sim_sac", "key.sim_sac", id="simulator.sac", tooltip="key.sim_sac.tip"),
        Binding(
            "f7", "sim_clock", "key.sim_clock", id="simulator.clock", tooltip="key.sim_clock.tip"
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

    profile_label: reactive[str] = reactive("")
    health_state: reactive[str] = reactive("checking")  # checking | ok | offline
    insecure: reactive[bool] = reactive(False)
    local_mode: reactive[bool] = reactive(False)
    simulator_visible: reactive[bool] = reactive(False)
    sim_state: reactive[SimState] = reactive(SimState)

    def __init__(
        self,
        *,
        client: FrontdeskClient | None = None,
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
    ) -> None:
        """`connection` is what the desk is connected to (labels, the insecure marker);
        `connector_for` builds the connector of another one (the profile switcher);
        `audit` receives one line per desk action. `allow_insecure` is `--insecure`,
        `fixed_language`/`fixed_theme` are `--lang`/FRONTDESK_THEME: they win over a
        profile's own settings when switching. `tidy_memory` (the real program; tests
        leave the process's collector alone): see `settle_memory`."""
        if client is None and connector is None:
            raise ValueError("FrontdeskApp needs a client or a connector")
        set_language(lang)
        super().__init__()
        self.lang: Language = lang
        self.connection = connection
        self.connector_for = connector_for
        self.audit = audit
        self.allow_insecure = allow_insecure
        self.fixed_language = fixed_language
        self.fixed_theme = fixed_theme
        self._audit_warned = False
        self._owns_client = client is None
        self.monotonic = monotonic
        self.input_cursor_blink = cursor_blink
        self.friendly_errors = friendly_errors
        self.tidy_memory = tidy_memory
        self._frozen = False
        self.simulator_poll = simulator_poll
        self.show_simulator = show_simulator
        self._initial_theme = theme
        self.bugs: list[BaseException] = []
        self._client = client
        self._connector = connector
        self._connect_lock = asyncio.Lock()
        self.health: Health | None = None
        self.current_guide: Guide | None = None
        self._guide_screen: GuideScreen | None = None
        self._sac_codes: dict[str, str] = {}
        label = connector.label if connector is not None else ""
        if connection is not None:
            label = connection_label(connection)
        self.set_reactive(FrontdeskApp.profile_label, label)
        self.set_reactive(FrontdeskApp.insecure, bool(connection and connection.insecure))

    # -- the backend -----------------------------------------------------------------------

    async def ready_client(self) -> FrontdeskClient:
        """The client, connected and health-checked once (later callers wait for the first)."""
        async with self._connect_lock:
            if self._client is None:
                assert self._connector is not None
                try:
                    if self._connector.preload is not None:
                        await asyncio.to_thread(self._connector.preload)
                    self._client = self._connector.make()
                except Exception as exc:  # a database that will not open, a bad URL
                    from frontdesk.client.errors import BackendUnavailable, FrontdeskClientError

                    if isinstance(exc, FrontdeskClientError):
                        raise
                    raise BackendUnavailable(f"{type(exc).__name__}: {exc}") from exc
            if self.health is None:
                try:
                    self.health = await self._client.health()
                except Exception:
                    self.health_state = "offline"
                    raise
                self._connected(self.health)
            return self._client

    def _connected(self, health: Health) -> None:
        local = health.mode == "local"
        self.local_mode = local
        self.health_state = "ok"
        if not self.profile_label and local:
            self.profile_label = "local"
        if local:
            wide = self.size.width >= WIDE_ENOUGH_FOR_SIMULATOR
            self.simulator_visible = wide if self.show_simulator is None else self.show_simulator
        self.refresh_bindings()

    def note_backend(self, trouble: BaseException | None) -> None:
        """A request just ended: answered (`None`, or an error the backend sent) or not.

        The top bar's health changes only here and in the start-up check: no polling, and
        the reactive repaints only when the state really changes.
        """
        if trouble is None:
            self.health_state = "ok"
            return
        from frontdesk.client import errors as e

        if isinstance(trouble, e.BackendUnavailable) or (
            isinstance(trouble, e.ServerError) and trouble.status in UNREACHABLE_STATUSES
        ):
            self.health_state = "offline"
        elif isinstance(trouble, e.FrontdeskClientError):
            self.health_state = "ok"  # it answered, if only to refuse

    async def _close_connection(
        self, client: FrontdeskClient | None, connector: Connector | None, owned: bool
    ) -> None:
        if client is not None and owned:
            try:
                await client.aclose()
            except Exception as exc:  # closing must never raise
                self.log.warning(f"closing the client: {exc!r}")
        if connector is not None and connector.close is not None:
            try:
                connector.close()
            except Exception as exc:
                self.log.warning(f"closing the backend: {exc!r}")

    async def on_unmount(self) -> None:
        await self._close_connection(self._client, self._connector, self._owns_client)

    # -- the audit log -----------------------------------------------------------------------

    def audit_record(
        self,
        action: str,
        *,
        outcome: str,
        guide: str | None = None,
        channel: str | None = None,
        destination: str | None = None,
        reason: str | None = None,
    ) -> None:
        """One line in the audit log (none without one). Never a code, never a full contact:
        callers pass the masked labels and destinations the backend gave them."""
        if self.audit is None:
            return
        written = self.audit.record(
            action,
            outcome=outcome,
            guide=guide,
            channel=channel,
            destination=destination,
            reason=reason,
        )
        if written is None and not self._audit_warned:
            self._audit_warned = True  # said once; the desk's work goes on
            error = self.audit.last_error
            reason_text = (error.strerror or type(error).__name__) if error else "?"
            self.notify(
                t("app.audit_unwritable", path=self.audit.path, reason=reason_text),
                severity="warning",
                timeout=15,
            )

    # -- profiles and settings -------------------------------------------------------------

    def action_switch_profile(self) -> None:
        from frontdesk.app.screens.profiles import ProfileSwitcher

        if isinstance(self.screen, DeskModal):
            return

        def answered(connection: Connection | None) -> None:
            if connection is not None:
                self.switch_to(connection)

        current = self.connection.profile if self.connection is not None else None
        local = self.connection is None or self.connection.is_local
        self.push_screen(
            ProfileSwitcher(current=current, local=local, allow_insecure=self.allow_insecure),
            answered,
        )

    @work(exclusive=True, exit_on_error=False, group="switch", description="switch profile")
    async def switch_to(self, connection: Connection) -> None:
        """Use `connection` from now on: the old client closed, an empty lookup, a new health
        check, and the audit log's profile changed."""
        if self.connector_for is None:
            from frontdesk.app.connector import connector_for

            make_connector: Callable[[Connection], Connector] = connector_for
        else:
            make_connector = self.connector_for
        connector = make_connector(connection)
        for screen in self.screen_stack:
            self.workers.cancel_node(screen)  # nothing in flight on the old client
        for group in ("simulator", "simulator-sac", "simulator-clock"):
            self.workers.cancel_group(self, group)
        async with self._connect_lock:
            old = (self._client, self._connector, self._owns_client)
            self._client, self._connector, self._owns_client = None, connector, True
            self.health = None
        await self._close_connection(*old)
        self.connection = connection
        if self.audit is not None:
            self.audit.profile = connection.label
        self.thaw_memory()
        self.current_guide = None
        self._sac_codes = {}
        self.local_mode = False
        self.health_state = "checking"
        self.profile_label = connection_label(connection)
        self.insecure = connection.insecure
        self.audit_record("profile_switch", outcome="ok")
        self.back_to_lookup(reload=True)  # the screens above it leave the stack at once
        language = self.fixed_language or connection.language  # the profile's own, if any
        await self.apply_settings(language, self.fixed_theme or connection.theme)
        self.notify(t("profiles.switched", name=connection.display_name), timeout=4)

    def action_settings(self) -> None:
        from frontdesk.app.screens.settings import SettingsModal, SettingsSaved

        if isinstance(self.screen, DeskModal):
            return

        async def apply(saved: SettingsSaved) -> None:
            await self.apply_settings(saved.language, saved.theme)
            self.notify(t("settings.saved", path=saved.path), timeout=6)  # in the new words

        def answered(saved: SettingsSaved | None) -> None:
            if saved is not None:
                self.run_worker(
                    apply(saved), group="settings", exit_on_error=False, description="settings"
                )

        profile = self.connection.profile if self.connection is not None else None
        self.push_screen(SettingsModal(profile=profile), answered)

    def _use_theme(self, theme: str | None) -> None:
        """Use `theme` (from the config or FRONTDESK_THEME); an unknown name is said, once,
        and the current theme stays."""
        if not theme or theme == self.theme:
            return
        if theme in self.available_themes:
            self.theme = theme
            return
        names = ", ".join(sorted(self.available_themes))
        self.notify(
            t("app.unknown_theme", name=theme, themes=names), severity="warning", timeout=15
        )

    async def apply_settings(self, language: Language | None, theme: str | None) -> None:
        """Apply a language and a theme now (None: keep the current one). A new language
        redraws every open screen in it."""
        self._use_theme(theme)
        if language is None or language == self.lang:
            return
        set_language(language)
        self.lang = language
        self.forget_screens()
        for screen in list(self.screen_stack):
            if isinstance(screen, DeskScreen) and screen.is_attached:
                await screen.relabel()
        self.refresh_bindings()

    # -- memory (thin clients) ---------------------------------------------------------------

    def settle_memory(self, *, freeze: bool = False) -> None:
        """Collect the screens that were closed, so the next one reuses their memory.

        Textual's widgets form reference cycles, so a closed screen is freed only by the
        cyclic collector, which may run long after the next screen was built on fresh
        memory: each step of the flow then raised the peak (bench/app.py: ~0.8 MiB over a
        flow). `freeze` (once, when the first screen is ready): everything built at start-up
        goes to the collector's permanent generation, so later collections take a few ms
        instead of ~25 ms; `thaw_memory` undoes it when whole parts are replaced.
        """
        if not self.tidy_memory:
            return
        gc.collect()
        if freeze and not self._frozen:
            gc.freeze()
            self._frozen = True

    def thaw_memory(self) -> None:
        """Start-up objects may become garbage now (another backend, a recovery)."""
        if self._frozen:
            gc.unfreeze()
            self._frozen = False

    # -- screens ---------------------------------------------------------------------------

    def get_default_screen(self) -> Screen[Any]:
        return LookupScreen()

    def open_guide(self, guide: Guide) -> None:
        """Show `guide` on the guide screen. The screen is built once and filled again for
        each guide: building and styling its widgets is most of a lookup's time."""
        from frontdesk.app.screens.guide import GuideScreen

        screen = self._guide_screen
        if screen is None or screen in self.screen_stack:
            screen = GuideScreen(guide)
            if self._guide_screen is None:
                self.install_screen(screen, GUIDE_SCREEN)
                self._guide_screen = screen
        else:
            screen.prepare(guide)
        self.push_screen(screen)

    def forget_screens(self) -> None:
        """Drop the kept guide screen (a new language, a recovery) unless it is open: the
        next guide builds a fresh one."""
        screen = self._guide_screen
        if screen is None or screen in self.screen_stack:
            return  # open: a new language relabels it with the others
        self._guide_screen = None
        self.uninstall_screen(screen)
        if screen.is_attached:
            screen.remove()

    def open_send_token(
        self,
        guide: Guide,
        channels: Channels | None,
        *,
        on_sent: Callable[[str, Token | None], None] | None = None,
    ) -> None:
        from frontdesk.app.screens.send_token import SendOutcome, SendTokenModal

        def answered(outcome: SendOutcome | None) -> None:
            if outcome is None:
                return
            if on_sent is not None:
                on_sent(outcome.kind, outcome.token)
            else:
                self.open_code_entry(guide, outcome.token, via=outcome.kind)

        self.push_screen(SendTokenModal(guide, channels), answered)

    def open_code_entry(self, guide: Guide, token: Token | None, *, via: str | None) -> None:
        from frontdesk.app.screens.code_entry import CodeEntryScreen

        self.settle_memory()  # the Enviar Token modal just closed
        self.push_screen(CodeEntryScreen(guide, token, via))

    def open_absence(self, guide: Guide) -> None:
        from frontdesk.app.screens.absence import AbsenceModal

        def answered(result: Guide | None) -> None:
            if result is not None:
                self.refresh_simulator()
                self.show_result(result)

        self.push_screen(AbsenceModal(guide), answered)

    def open_history(self, guide: Guide) -> None:
        from frontdesk.app.screens.history import HistoryScreen

        self.push_screen(HistoryScreen(guide))

    def show_result(self, guide: Guide) -> None:
        from frontdesk.app.screens.result import ResultScreen

        self.settle_memory()
        self.push_screen(ResultScreen(guide))

    def confirm(self, question: str, answered: Callable[[bool | None], None]) -> None:
        from frontdesk.app.screens.confirm import ConfirmModal

        self.push_screen(ConfirmModal(question), answered)

    def back_to_lookup(self, *, reload: bool = False) -> None:
        """Close every screen above the lookup and empty it for the next patient
        (`reload`: forget its queue and load it again, from a new backend)."""
        stack = self.screen_stack
        lookups = [i for i, screen in enumerate(stack) if isinstance(screen, LookupScreen)]
        keep = lookups[-1] + 1 if lookups else 1
        for _ in range(len(stack) - keep):
            self.pop_screen()
        base = stack[keep - 1]
        if isinstance(base, LookupScreen):
            base.reset_for_next_patient()
            if reload:
                base.start_over()
        self.set_timer(0.5, self.settle_memory)  # the closed screens, once they are gone

    # -- keys ------------------------------------------------------------------------------

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "toggle_simulator":
            return self.local_mode
        if action in {"sim_sac", "sim_clock"}:
            if not (self.local_mode and self.simulator_visible):
                return False
            if not self.screen.query(SimulatorPanel):
                return False  # a screen without the panel (result, history, modals)
            if action == "sim_sac":
                guide = self.current_guide
                return True if guide is not None and guide.status == "awaiting_token" else None
        return True

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

    def action_help(self) -> None:
        from frontdesk.app.screens.help import HelpScreen

        if isinstance(self.screen, HelpScreen):
            self.pop_screen()
            return
        keys = [(k.display, k.description, k.tooltip) for k in help_keys(self.screen)]
        self.push_screen(HelpScreen(keys, local=self.local_mode))

    def action_toggle_simulator(self) -> None:
        if self.local_mode:
            self.simulator_visible = not self.simulator_visible

    def watch_simulator_visible(self, visible: bool) -> None:
        if visible:
            self._sync_simulator_panel()
            self.refresh_simulator()
        self.refresh_bindings()

    def watch_local_mode(self, local: bool) -> None:
        if local:
            self._sync_simulator_panel()

    def _sync_simulator_panel(self) -> None:
        stack = self.screen_stack
        screen = stack[-1] if stack else None
        if isinstance(screen, DeskScreen):
            screen.sync_simulator()

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

    # -- the simulator (local mode) --------------------------------------------------------

    def on_mount(self) -> None:
        self._use_theme(self._initial_theme)
        self._sim_timer = self.set_interval(self.simulator_poll, self._poll_simulator)

    def _poll_simulator(self) -> None:
        if self.local_mode and self.simulator_visible:
            self.refresh_simulator()

    def show_guide_in_simulator(self, guide: Guide | None) -> None:
        """The guide on screen: the simulator shows its beneficiary's app and SAC code."""
        previous = self.current_guide
        self.current_guide = guide
        self.refresh_bindings()
        if self.local_mode and self.simulator_visible:
            changed = (previous is None) != (guide is None) or (
                previous is not None and guide is not None and previous.number != guide.number
            )
            if changed:
                self.refresh_simulator()

    @work(exclusive=True, exit_on_error=False, group="simulator", description="simulator")
    async def refresh_simulator(self) -> None:
        from frontdesk.client.errors import FrontdeskClientError, NotFound

        if not self.local_mode:
            return
        guide = self.current_guide
        try:
            client = await self.ready_client()
            messages = tuple(await client.outbox())
            app_code: str | None = None
            has_app = False
            if guide is not None:
                try:
                    app_code = await client.app_code(guide.beneficiary.card)
                    has_app = True
                except NotFound:
                    has_app = False
        except FrontdeskClientError:
            self.sim_state = SimState(
                messages=self.sim_state.messages,
                guide=guide.number if guide else None,
                error=t("sim.unavailable"),
            )
            return
        self.sim_state = SimState(
            messages=messages,
            guide=guide.number if guide else None,
            beneficiary=guide.beneficiary.display_name if guide else None,
            app_code=app_code,
            has_app=has_app,
            sac_code=self._sac_codes.get(guide.number) if guide else None,
        )

    def action_sim_sac(self) -> None:
        guide = self.current_guide
        if self.local_mode and guide is not None and guide.status == "awaiting_token":
            self.simulate_sac(guide.number)

    @work(exclusive=True, exit_on_error=False, group="simulator-sac", description="SAC")
    async def simulate_sac(self, number: str) -> None:
        from frontdesk.client.errors import FrontdeskClientError

        try:
            client = await self.ready_client()
            code = await client.sac_code(number)
        except FrontdeskClientError as exc:
            self._report_on_screen(exc)
            return
        self._sac_codes[number] = code
        self.refresh_simulator()
        self.screen.post_message(GuideChanged(number))

    def action_sim_clock(self) -> None:
        if self.local_mode:
            self.simulate_clock()

    @work(exclusive=True, exit_on_error=False, group="simulator-clock", description="clock")
    async def simulate_clock(self) -> None:
        from frontdesk.client.errors import FrontdeskClientError

        try:
            client = await self.ready_client()
            await client.advance_clock(SIMULATOR_CLOCK_STEP)
        except FrontdeskClientError as exc:
            self._report_on_screen(exc)
            return
        self.notify(t("sim.clock_moved"))
        self.refresh_simulator()
        if self.current_guide is not None:
            self.screen.post_message(GuideChanged(self.current_guide.number))

    def _report_on_screen(self, exc: BaseException) -> None:
        screen = self.screen
        if isinstance(screen, DeskScreen):
            screen.report(exc)

    # -- the unexpected ----------------------------------------------------------------------

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
            self.record_bug(error)
            self.call_later(self._recover)
            return True

    def _handle_exception(self, error: Exception) -> None:
        """Outside tests: an unexpected error becomes a message and a fresh lookup."""
        if not self.friendly_errors:
            super()._handle_exception(error)
            return
        self.record_bug(error)
        self.call_later(self._recover)

    def _recover(self) -> None:
        """Close every screen and start a fresh lookup (the failed one may be half dead)."""
        while len(self.screen_stack) > 1:
            self.pop_screen()
        self.thaw_memory()
        self.forget_screens()
        self.push_screen(LookupScreen())
        self.notify(t("app.unexpected"), severity="error", timeout=10)
