"""The desk's setup from inside the app: F9 switches profile (another backend), F10 sets
the language and the theme (on a TISS profile, first the counter's folders and the clinic's
fixed data), all applied at once.

Their screens load when first opened, not with the first screen (the TISS settings load
tomlkit, to keep the file's comments; docs/performance.md, "Lazy imports").
"""

from __future__ import annotations

from collections.abc import Callable
from functools import partial
from typing import TYPE_CHECKING

from frontdesk.app.backend_link import connection_label
from frontdesk.app.connector import Connector, connector_for
from frontdesk.app.screens.base import DeskModal, DeskScreen
from frontdesk.core.i18n import Language, set_language, t

if TYPE_CHECKING:
    from textual.worker import Worker

    from frontdesk.app.app import FrontdeskApp
    from frontdesk.app.screens.settings import SaveSettings
    from frontdesk.config.connection import Connection


class DeskSetup:
    """The profile switcher and the settings, and applying what they answer to `app`.

    `connector_for` builds the connector of another profile's connection;
    `allow_insecure` is `--insecure`; `fixed_language`/`fixed_theme` are `--lang`/
    FRONTDESK_THEME: they win over a profile's own settings when switching;
    `save_settings` saves F10's choices (default: to the configuration file).
    """

    def __init__(
        self,
        app: FrontdeskApp,
        *,
        connector_for: Callable[[Connection], Connector] | None,
        allow_insecure: bool,
        fixed_language: Language | None,
        fixed_theme: str | None,
        save_settings: SaveSettings | None,
    ) -> None:
        self._app = app
        self.connector_for = connector_for
        self.allow_insecure = allow_insecure
        self.fixed_language = fixed_language
        self.fixed_theme = fixed_theme
        self.save_settings = save_settings

    def open_profiles(self) -> None:
        """F9: the profile list; the one chosen is used from now on."""
        from frontdesk.app.screens.profiles import ProfileSwitcher

        app = self._app
        if isinstance(app.screen, DeskModal):
            return

        def answered(connection: Connection | None) -> None:
            if connection is not None:
                self.switch_to(connection)

        connection = app.connection
        current = connection.profile if connection is not None else None
        local = connection is None or (connection.is_local and not connection.is_tiss)
        app.push_screen(
            ProfileSwitcher(current=current, local=local, allow_insecure=self.allow_insecure),
            answered,
        )

    def switch_to(self, connection: Connection) -> Worker[None]:
        """Use `connection` from now on (an app worker: see `_switch_to`)."""
        return self._app.run_worker(
            partial(self._switch_to, connection),
            exclusive=True,
            exit_on_error=False,
            group="switch",
            description="switch profile",
        )

    async def _switch_to(self, connection: Connection) -> None:
        """The old client closed, an empty lookup, a new health check, and the audit log's
        profile changed."""
        app = self._app
        make_connector: Callable[[Connection], Connector] = self.connector_for or connector_for
        connector = make_connector(connection)
        for screen in app.screen_stack:
            app.workers.cancel_node(screen)  # nothing in flight on the old client
        for group in ("simulator", "simulator-sac", "simulator-clock"):
            app.workers.cancel_group(app, group)
        await app.backend.replace(connector)
        app.connection = connection
        if app.audit_trail.log is not None:
            app.audit_trail.log.profile = connection.label
        app.memory.thaw()
        app.simulator.forget()
        app.local_mode = False
        app.health_state = "checking"
        app.profile_label = connection_label(connection)
        app.insecure = connection.insecure
        app.audit_trail.record("profile_switch", outcome="ok")
        # The profile's own language and theme, if any, before its lookup is built: the new
        # lookup is drawn in them (a redraw while its queue loads would race with it).
        self.use_theme(self.fixed_theme or connection.theme)
        self.use_language(self.fixed_language or connection.language)
        await app.navigation.fresh_desk()  # the lookup of the new profile's kind
        app.refresh_bindings()
        app.notify(t("profiles.switched", name=connection.display_name), timeout=4)

    def open_settings(self) -> None:
        """F10: on a TISS profile, the counter's folders and the clinic's data first (F10
        again there: the language and the theme)."""
        app = self._app
        if isinstance(app.screen, DeskModal):
            return
        connection = app.connection
        if connection is not None and connection.tiss is not None and connection.profile:
            from frontdesk.app.screens.tiss.settings import TissSettingsModal

            def saved(new: Connection | None) -> None:
                if new is not None:
                    self.switch_to(new)

            app.push_screen(TissSettingsModal(connection), saved)
            return
        self.open_language_settings()

    def open_language_settings(self) -> None:
        """The language and the theme (F10)."""
        from frontdesk.app.screens.settings import SettingsModal, SettingsSaved

        app = self._app

        async def apply(saved: SettingsSaved) -> None:
            await self.apply_settings(saved.language, saved.theme)
            app.notify(t("settings.saved", path=saved.path), timeout=6)  # in the new words

        def answered(saved: SettingsSaved | None) -> None:
            if saved is not None:
                app.run_worker(
                    apply(saved), group="settings", exit_on_error=False, description="settings"
                )

        profile = app.connection.profile if app.connection is not None else None
        app.push_screen(SettingsModal(profile=profile, save=self.save_settings), answered)

    def use_theme(self, theme: str | None) -> None:
        """Use `theme` (from the config or FRONTDESK_THEME); an unknown name is said, once,
        and the current theme stays."""
        app = self._app
        if not theme or theme == app.theme:
            return
        if theme in app.available_themes:
            app.theme = theme
            return
        names = ", ".join(sorted(app.available_themes))
        app.notify(t("app.unknown_theme", name=theme, themes=names), severity="warning", timeout=15)

    def use_language(self, language: Language | None) -> bool:
        """Speak `language` from now on (None: keep the current one); whether it changed.
        The screens already drawn keep their words (`apply_settings` redraws them)."""
        app = self._app
        if language is None or language == app.lang:
            return False
        set_language(language)
        app.lang = language
        return True

    async def apply_settings(self, language: Language | None, theme: str | None) -> None:
        """Apply a language and a theme now (None: keep the current one). A new language
        redraws every open screen in it."""
        app = self._app
        self.use_theme(theme)
        if not self.use_language(language):
            return
        app.navigation.forget_screens()
        for screen in list(app.screen_stack):
            if isinstance(screen, DeskScreen) and screen.is_attached:
                await screen.relabel()
        app.refresh_bindings()
