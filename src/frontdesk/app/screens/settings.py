"""F10: the settings the desk keeps (language, theme), saved to the configuration file.

Both are picked from lists, so nothing invalid can be saved. The theme previews as it is
highlighted (Esc puts the old one back). Saving keeps the file's comments and writes what
was changed (or was already written there): in the active profile when it sets its own
language or theme, else for every profile, through `save` (the app's; default
`config.profiles.save_settings`). A file that cannot be written is said so, with the
choices kept for another try.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from pathlib import Path
from typing import ClassVar, Protocol

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.widgets import OptionList, Static
from textual.widgets.option_list import Option

from frontdesk.app.screens.base import DeskModal
from frontdesk.app.widgets.hint import HintLine
from frontdesk.app.widgets.inputs import SettingList
from frontdesk.app.widgets.key_bar import KeyBar
from frontdesk.config.profile_editing import save_settings
from frontdesk.config.reading import Config, load_config
from frontdesk.config.setup_errors import SetupError
from frontdesk.core.i18n import LANGUAGES, Language, has_text, t

# A short list: two everyday themes, two calmer ones, and the terminal's own 16 colours
# (ansi-*) for thin clients and SSH sessions that cannot show more.
THEMES: tuple[str, ...] = (
    "textual-dark",
    "textual-light",
    "nord",
    "gruvbox",
    "solarized-light",
    "ansi-dark",
    "ansi-light",
)


class SaveSettings(Protocol):
    """Saves the chosen settings to the configuration file, as
    `frontdesk.config.profile_editing.save_settings` does (None removes a setting)."""

    def __call__(
        self, *, language: Language | None, theme: str | None, profile: str | None
    ) -> Config: ...


@dataclass(frozen=True)
class SettingsSaved:
    """What was saved, and where: the app applies it at once."""

    language: Language
    theme: str
    path: Path


def theme_label(name: str) -> str:
    key = f"theme.{name}"
    return f"{name} — {t(key)}" if has_text(key) else name


class SettingsModal(DeskModal[SettingsSaved]):
    """Language and theme lists; arrows choose, Tab moves between them, Enter saves."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("enter", "save", "key.save", id="settings.save", tooltip="key.save.tip"),
    ]

    def __init__(self, *, profile: str | None, save: SaveSettings | None = None) -> None:
        super().__init__()
        self.profile = profile
        self.save_settings = save
        self.scope: str | None = None  # the profile the settings are saved in; None: all
        self.written: tuple[Language | None, str | None] = (None, None)  # in that table now
        self.busy = False
        self.themes: list[str] = list(THEMES)
        self._original_theme = ""

    def compose(self) -> ComposeResult:
        with Vertical(id="dialog", classes="dialog settings"):
            yield Static(t("settings.language"), classes="dialog-question", markup=False)
            yield SettingList(id="settings-language")
            yield Static(
                t("settings.theme"),
                id="settings-theme-title",
                classes="dialog-question",
                markup=False,
            )
            yield SettingList(id="settings-theme")
            yield HintLine(id="settings-detail")
        yield KeyBar()

    def on_mount(self) -> None:
        self.query_one("#dialog").border_title = t("settings.title")
        self._original_theme = self.app.theme
        if self._original_theme not in self.themes:
            self.themes.append(self._original_theme)
        current = t("settings.current")
        language = self.desk.lang
        languages = self.query_one("#settings-language", OptionList)
        for lang in LANGUAGES:
            mark = f"  ({current})" if lang == language else ""
            languages.add_option(Option(t(f"language.{lang}") + mark, id=lang))
        languages.highlighted = LANGUAGES.index(language)
        themes = self.query_one("#settings-theme", OptionList)
        for name in self.themes:
            mark = f"  ({current})" if name == self._original_theme else ""
            themes.add_option(Option(theme_label(name) + mark, id=name))
        themes.highlighted = self.themes.index(self._original_theme)
        languages.focus()
        self.hint.say(self._scope_text())
        self.find_scope()

    def _scope_text(self) -> str:
        if self.scope is None:
            return t("settings.scope_all")
        return t("settings.scope_profile", name=self.scope)

    @work(exclusive=True, exit_on_error=False, group="scope", description="settings scope")
    async def find_scope(self) -> None:
        """Save in the active profile when it has its own language or theme (else they
        would not take effect for it), otherwise at the top of the file."""
        try:
            config = await asyncio.to_thread(load_config)
        except SetupError as exc:
            self.hint.say(str(exc), error=True)  # saving will say it again
            return
        self.written = (config.language, config.theme)
        profile = config.get(self.profile) if self.profile is not None else None
        if profile is not None and (profile.language or profile.theme):
            self.scope = profile.name
            self.written = (profile.language, profile.theme)
            self.hint.say(self._scope_text())

    # -- choosing --------------------------------------------------------------------------

    @on(OptionList.OptionHighlighted, "#settings-theme")
    def _preview(self, event: OptionList.OptionHighlighted) -> None:
        name = event.option.id
        if name is not None and name in self.app.available_themes and name != self.app.theme:
            self.app.theme = name

    @on(OptionList.OptionSelected)
    def _selected(self) -> None:
        self.action_save()

    def chosen(self) -> tuple[Language, str]:
        languages = self.query_one("#settings-language", OptionList)
        themes = self.query_one("#settings-theme", OptionList)
        lang = LANGUAGES[languages.highlighted or 0]
        theme = self.themes[themes.highlighted if themes.highlighted is not None else 0]
        return lang, theme

    def action_save(self) -> None:
        if not self.busy:
            language, theme = self.chosen()
            self.save(language, theme)

    def action_cancel(self) -> None:
        if self.busy:
            return
        if self.app.theme != self._original_theme:
            self.app.theme = self._original_theme
        self.dismiss(None)

    @work(exclusive=True, exit_on_error=False, group="save", description="save settings")
    async def save(self, language: Language, theme: str) -> None:
        save = self.save_settings or save_settings
        self.busy = True
        self.hint.say(t("settings.saving"))
        # Unchanged and not written there yet: left out (a profile keeps following the
        # file's top level, the top level keeps following the locale).
        written_language, written_theme = self.written
        keep_language = language != self.desk.lang or written_language is not None
        keep_theme = theme != self._original_theme or written_theme is not None
        try:
            config = await asyncio.to_thread(
                save,
                language=language if keep_language else None,
                theme=theme if keep_theme else None,
                profile=self.scope,
            )
        except (SetupError, OSError) as exc:
            self.busy = False
            if isinstance(exc, OSError):
                reason = exc.strerror or type(exc).__name__
                reason = f"{exc.filename}: {reason}" if exc.filename else reason
                outcome = "error:write"
            else:
                reason, outcome = str(exc), "error:config"
            self.desk.audit_trail.record("settings", outcome=outcome)
            self.hint.say(t("settings.failed", reason=reason), error=True)
            return
        self.busy = False
        self.desk.audit_trail.record("settings", outcome="saved")
        self.dismiss(SettingsSaved(language, theme, config.path))
