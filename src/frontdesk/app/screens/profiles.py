"""F9: switch to another connection profile (an operator's backend, a token contract's or
its TISS web services, each with its operator's name) or to the local demo.

The profiles come from the configuration file; choosing one resolves it like the command
line does (`--insecure` carried over), off the event loop because the keyring may take its
time. A profile that will not open (no key, a broken file) leaves the desk as it was.
"""

from __future__ import annotations

import asyncio
import re
from typing import ClassVar

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.widgets import OptionList, Static
from textual.widgets.option_list import Option

from frontdesk.app.screens.base import DeskModal
from frontdesk.app.widgets.hint import HintLine
from frontdesk.app.widgets.inputs import ProfileList
from frontdesk.app.widgets.key_bar import KeyBar
from frontdesk.config.connection import Connection, ConnectionOptions, resolve
from frontdesk.config.paths import config_file
from frontdesk.config.reading import Config, Profile, load_config
from frontdesk.config.setup_errors import SetupError
from frontdesk.core.i18n import t

LOCAL_ID = "local"
PROFILE_PREFIX = "profile:"


def setup_outcome(error: Exception) -> str:
    """`KeyNotFound` → "error:key_not_found": the audit log's word for a refused switch."""
    return "error:" + re.sub(r"(?<!^)(?=[A-Z])", "_", type(error).__name__).lower()


def profile_prompt(profile: Profile, *, in_use: bool) -> Text:
    """Two lines: the profile (and its operator; TISS profiles say so, with the version they
    speak), then its address."""
    head = profile.name if not profile.operator else f"{profile.name} · {profile.operator}"
    if profile.tiss is not None:
        head = t("profiles.tiss", label=head, version=profile.tiss.settings.version)
    text = Text(head, style="bold")
    if in_use:
        text.append(f"  ({t('profiles.in_use')})")
    text.append(f"\n  {profile.url}", style="dim")
    return text


def local_prompt(*, in_use: bool) -> Text:
    text = Text(t("profiles.local"), style="bold")
    if in_use:
        text.append(f"  ({t('profiles.in_use')})")
    text.append(f"\n  {t('profiles.local_detail')}", style="dim")
    return text


class ProfileSwitcher(DeskModal["Connection"]):
    """The configured profiles plus the local demonstration; Enter switches to the marked one.

    Answers the resolved `Connection` (the app then switches), or None.
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("enter", "switch", "key.switch", id="profiles.switch", tooltip="key.switch.tip"),
    ]

    def __init__(self, *, current: str | None, local: bool, allow_insecure: bool) -> None:
        super().__init__()
        self.current = current
        self.local = local
        self.allow_insecure = allow_insecure
        self.config: Config | None = None
        self.busy = False

    def compose(self) -> ComposeResult:
        with Vertical(id="dialog", classes="dialog"):
            yield Static(t("profiles.question"), classes="dialog-question", markup=False)
            yield ProfileList(id="profile-options")
            yield HintLine(t("profiles.loading"), id="profile-detail", collapse=True)
        yield KeyBar()

    def on_mount(self) -> None:
        self.query_one("#dialog").border_title = t("profiles.title")
        self.load_profiles()

    @work(exclusive=True, exit_on_error=False, group="profiles", description="read profiles")
    async def load_profiles(self) -> None:
        problem = ""
        try:
            self.config = await asyncio.to_thread(load_config)
        except SetupError as exc:
            problem = str(exc)
        options = self.query_one("#profile-options", OptionList)
        options.clear_options()
        profiles = self.config.profiles if self.config is not None else ()
        for profile in profiles:
            in_use = not self.local and profile.name == self.current
            options.add_option(
                Option(profile_prompt(profile, in_use=in_use), id=PROFILE_PREFIX + profile.name)
            )
        options.add_option(Option(local_prompt(in_use=self.local), id=LOCAL_ID))
        chosen = next(
            (i for i, p in enumerate(profiles) if p.name == self.current and not self.local), None
        )
        options.highlighted = chosen if chosen is not None else len(profiles)
        options.focus()
        if problem:
            self.hint.say(problem, error=True)
        elif not profiles:
            self.hint.say(t("profiles.none"))
        else:
            self.hint.say("")

    # -- choosing --------------------------------------------------------------------------

    def action_switch(self) -> None:
        options = self.query_one("#profile-options", OptionList)
        if options.highlighted is not None:
            option_id = options.get_option_at_index(options.highlighted).id
            if option_id is not None:
                self._choose(option_id)

    @on(OptionList.OptionSelected, "#profile-options")
    def _selected(self, event: OptionList.OptionSelected) -> None:
        if event.option.id is not None:
            self._choose(event.option.id)

    def _choose(self, option_id: str) -> None:
        if self.busy:
            return
        if option_id == LOCAL_ID:
            self.dismiss(self._local_connection())
            return
        self.open_profile(option_id.removeprefix(PROFILE_PREFIX))

    def _local_connection(self) -> Connection:
        config = self.config
        if config is None:
            return Connection(url=None, config_path=config_file())
        return Connection(
            url=None, config_path=config.path, language=config.language, theme=config.theme
        )

    @work(exclusive=True, exit_on_error=False, group="switch", description="open profile")
    async def open_profile(self, name: str) -> None:
        self.busy = True
        options = self.query_one("#profile-options", OptionList)
        options.disabled = True
        self.hint.say(t("profiles.switching", name=name))
        try:
            connection = await asyncio.to_thread(
                resolve,
                options=ConnectionOptions(profile=name, insecure=self.allow_insecure),
                config=self.config,
            )
        except SetupError as exc:
            self.busy = False
            options.disabled = False
            options.focus()
            self.desk.audit_trail.record("profile_switch", outcome=setup_outcome(exc))
            current = self.desk.profile_label or t("profiles.local")
            self.hint.say(t("profiles.failed", current=current, reason=str(exc)), error=True)
            return
        self.busy = False
        self.dismiss(connection)
