"""The desk's setup from inside the app: F9 switches profile (another backend), F10 sets
the language and the theme (on a TISS profile, first the counter's folders and the clinic's
fixed data), all applied at once.

Their screens load when first opened, not with the first screen (the TISS settings load
tomlkit, to keep the file's comments; docs/performance.md, "Lazy imports").
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from textual import work

from frontdesk.app.backend_link import connection_label
from frontdesk.app.connector import Connector, connector_for
from frontdesk.app.navigation import Navigation
from frontdesk.app.screens.base import DeskModal, DeskScreen
from frontdesk.core.i18n import Language, set_language, t

if TYPE_CHECKING:
    from frontdesk.app.screens.settings import SaveSettings
    from frontdesk.config.connection import Connection


class SetupActions(Navigation):
    """The profile switcher and the settings, and applying what they answer."""

    # Given to FrontdeskApp (see its constructor).
    connector_for: Callable[[Connection], Connector] | None
    allow_insecure: bool
    fixed_language: Language | None
    fixed_theme: str | None
    save_settings: SaveSettings | None

    def action_switch_profile(self) -> None:
        from frontdesk.app.screens.profiles import ProfileSwitcher

        if isinstance(self.screen, DeskModal):
            return

        def answered(connection: Connection | None) -> None:
            if connection is not None:
                self.switch_to(connection)

        current = self.connection.profile if self.connection is not None else None
        connection = self.connection
        local = connection is None or (connection.is_local and not connection.is_tiss)
        self.push_screen(
            ProfileSwitcher(current=current, local=local, allow_insecure=self.allow_insecure),
            answered,
        )

    @work(exclusive=True, exit_on_error=False, group="switch", description="switch profile")
    async def switch_to(self, connection: Connection) -> None:
        """Use `connection` from now on: the old client closed, an empty lookup, a new health
        check, and the audit log's profile changed."""
        make_connector: Callable[[Connection], Connector] = self.connector_for or connector_for
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
        # The profile's own language and theme, if any, before its lookup is built: the new
        # lookup is drawn in them (a redraw while its queue loads would race with it).
        self._use_theme(self.fixed_theme or connection.theme)
        self.use_language(self.fixed_language or connection.language)
        await self.fresh_desk()  # the lookup of the new profile's kind, its queue from there
        self.refresh_bindings()
        self.notify(t("profiles.switched", name=connection.display_name), timeout=4)

    def action_settings(self) -> None:
        if isinstance(self.screen, DeskModal):
            return
        connection = self.connection
        if connection is not None and connection.tiss is not None and connection.profile:
            # A TISS profile: the counter's folders and the clinic's data first (F10 again
            # there: the language and the theme).
            from frontdesk.app.screens.tiss.settings import TissSettingsModal

            def saved(new: Connection | None) -> None:
                if new is not None:
                    self.switch_to(new)

            self.push_screen(TissSettingsModal(connection), saved)
            return
        self.open_language_settings()

    def open_language_settings(self) -> None:
        """The language and the theme (F10)."""
        from frontdesk.app.screens.settings import SettingsModal, SettingsSaved

        async def apply(saved: SettingsSaved) -> None:
            await self.apply_settings(saved.language, saved.theme)
            self.notify(t("settings.saved", path=saved.path), timeout=6)  # in the new words

        def answered(saved: SettingsSaved | None) -> None:
            if saved is not None:
                self.run_worker(
                    apply(saved), group="settings", exit_on_error=False, description="settings"
                )

        profile = self.connection.profile if self.connection is not None else None
        self.push_screen(SettingsModal(profile=profile, save=self.save_settings), answered)

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

    def use_language(self, language: Language | None) -> bool:
        """Speak `language` from now on (None: keep the current one); whether it changed.
        The screens already drawn keep their words (`apply_settings` redraws them)."""
        if language is None or language == self.lang:
            return False
        set_language(language)
        self.lang = language
        return True

    async def apply_settings(self, language: Language | None, theme: str | None) -> None:
        """Apply a language and a theme now (None: keep the current one). A new language
        redraws every open screen in it."""
        self._use_theme(theme)
        if not self.use_language(language):
            return
        self.forget_screens()
        for screen in list(self.screen_stack):
            if isinstance(screen, DeskScreen) and screen.is_attached:
                await screen.relabel()
        self.refresh_bindings()
