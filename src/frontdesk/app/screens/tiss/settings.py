"""F10 on a TISS profile: the counter's folders and the clinic's fixed data, saved into the
profile (the file's comments kept; a value the profile reader refuses is said with its line
and key, nothing is written). F10 again: the language and the theme, as everywhere.
Saving reconnects the counter with what was saved.
"""

from __future__ import annotations

import asyncio
from typing import ClassVar

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.widgets import Input, Static

from frontdesk.app.screens.base import DeskModal
from frontdesk.app.widgets.hint import HintLine
from frontdesk.app.widgets.inputs import DeskInput
from frontdesk.app.widgets.key_bar import KeyBar
from frontdesk.config.connection import Connection, ConnectionOptions, resolve
from frontdesk.config.profile_editing import update_tiss_profile
from frontdesk.config.setup_errors import SetupError
from frontdesk.config.tiss_reading import EDITABLE_KEYS
from frontdesk.core.i18n import t


class SettingField(DeskInput):
    """A setting: Enter saves them all."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("enter", "submit", "key.save", id="counter-settings-save", tooltip="key.save.tip"),
    ]


class TissSettingsModal(DeskModal["Connection"]):
    """The TISS profile's counter settings; answers the connection to switch to after saving."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding(
            "f10",
            "language",
            "counter.key.language",
            id="counter-settings-language",
            tooltip="key.settings.tip",
        ),
    ]

    def __init__(self, connection: Connection) -> None:
        super().__init__()
        self.connection = connection
        self.busy = False

    def keys(self) -> tuple[str, ...]:
        return EDITABLE_KEYS

    def current(self, key: str) -> str:
        data = self.connection.tiss
        if data is None:
            return ""
        counter = data.counter
        if key == "import_folder":
            return str(counter.import_folder or "")
        if key == "export_folder":
            return str(counter.export_folder or "")
        if key == "clinic_name":
            return counter.clinic.name or ""
        value = getattr(counter.clinic, key, None)
        return value if isinstance(value, str) else ""

    def compose(self) -> ComposeResult:
        with Vertical(id="dialog", classes="dialog tiss-settings"):
            yield Static(
                t("counter.settings.question", profile=self.connection.profile or "?"),
                classes="dialog-question",
                markup=False,
            )
            with VerticalScroll(id="tiss-settings-fields"):
                for key in self.keys():
                    with Horizontal(classes="tiss-new-row"):
                        yield Static(t(f"counter.settings.{key}"), classes="tiss-new-label")
                        yield SettingField(
                            value=self.current(key), id=f"tiss-set-{key}", compact=True
                        )
            yield HintLine(t("counter.settings.hint"), id="tiss-settings-hint")
        yield KeyBar()

    def on_mount(self) -> None:
        self.query_one("#dialog").border_title = t("settings.title")
        self.query_one(f"#tiss-set-{self.keys()[0]}", Input).focus()

    def action_language(self) -> None:
        self.desk.setup.open_language_settings()

    @on(Input.Submitted)
    def _submitted(self) -> None:
        if not self.busy:
            self.save()

    @work(exclusive=True, exit_on_error=False, group="save", description="save TISS settings")
    async def save(self) -> None:
        name = self.connection.profile
        if name is None:
            return
        values = {key: self.query_one(f"#tiss-set-{key}", Input).value for key in self.keys()}
        self.busy = True
        self.hint.say(t("settings.saving"))
        try:
            await asyncio.to_thread(update_tiss_profile, name, values)
            connection = await asyncio.to_thread(resolve, options=ConnectionOptions(profile=name))
        except (SetupError, OSError) as exc:
            self.busy = False
            reason = str(exc) if isinstance(exc, SetupError) else exc.strerror or str(exc)
            self.desk.audit_trail.record("settings", outcome="error:config")
            self.hint.say(t("settings.failed", reason=reason), error=True)
            return
        self.busy = False
        self.desk.audit_trail.record("settings", outcome="saved")
        self.dismiss(connection)
