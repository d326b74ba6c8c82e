"""The flow between screens: lookup → guide → Enviar Token → code → result, and back.

Screens other than the lookup are imported when first opened, so the first screen paints
fast (their cost: docs/performance.md, "Lazy imports"). At a TISS counter
(`BackendLink.tiss_desk`) four places are the TISS ones (`screens/tiss/`): the lookup,
Enviar Token (how the patient gets the code), the code's rules, and the result.
"""

from __future__ import annotations

import contextlib
import itertools
import sys
from collections.abc import Callable
from typing import TYPE_CHECKING

from frontdesk.app.screens.lookup import LookupScreen
from frontdesk.app.simulator_actions import SimulatorActions

if TYPE_CHECKING:
    from frontdesk.app.screens.guide import GuideScreen
    from frontdesk.app.screens.send_token import SendKind
    from frontdesk.client.models import Channels, Guide, Token
    from frontdesk.config.connection import Connection

GUIDE_SCREEN = "guide"
DESK_MODE = "desk"


class Navigation(SimulatorActions):
    """Opens each screen of the flow; the guide screen is built once and kept.

    The screens live in a Textual mode (a screen stack) whose base is the lookup of the
    connection's kind. Another profile gets a new mode (`fresh_desk`): Textual cannot
    replace a stack's base screen (`switch_screen` pops a result callback the base never
    had, leaves the stack empty, and the next key ends the app). The first desk is the
    app's default mode (`get_default_screen`): a registered mode's first screen costs a CSS
    refresh and a frame more before the key bar is drawn (docs/performance.md).
    """

    def __init__(self) -> None:
        super().__init__()
        self._guide_screen: GuideScreen | None = None
        self._desk_numbers = itertools.count(1)

    def get_default_screen(self) -> LookupScreen:
        """The first desk's lookup (the base of Textual's default mode)."""
        return self.new_lookup()

    def new_lookup(self) -> LookupScreen:
        """A lookup of the current connection's kind (the base of the desk's screens)."""
        return self.lookup_class(self.connection)()

    async def fresh_desk(self) -> None:
        """Start again on a new stack whose base is a fresh lookup of the connection's kind;
        every screen of the old one is closed (the kept guide screen is forgotten)."""
        old = self.current_mode
        if old == self.DEFAULT_MODE:  # Textual keeps its default mode: all but its base go
            with contextlib.suppress(Exception):  # a half-dead stack (recovering) stays
                while len(self.screen_stack) > 1:
                    await self.pop_screen()
        new = f"{DESK_MODE}-{next(self._desk_numbers)}"
        self.add_mode(new, self.new_lookup)
        await self.switch_mode(new)
        if old != self.DEFAULT_MODE:
            await self.remove_mode(old)
        self.forget_screens()
        self.set_timer(0.5, self.settle_memory)  # the closed screens, once they are gone

    @staticmethod
    def lookup_class(connection: Connection | None) -> type[LookupScreen]:
        """The lookup of `connection`'s kind (a TISS profile's takes cards and its numbers)."""
        if connection is not None and connection.kind == "tiss":
            from frontdesk.app.screens.tiss.lookup import TissLookupScreen

            return TissLookupScreen
        return LookupScreen

    def open_guide(self, guide: Guide) -> None:
        """Show `guide` on the guide screen. The screen is built once and filled again for
        each guide: building and styling its widgets is most of a lookup's time."""
        from frontdesk.app.screens.guide import GuideScreen

        kind: type[GuideScreen] = GuideScreen
        if self.tiss_desk is not None:
            from frontdesk.app.screens.tiss.guide import TissGuideScreen

            kind = TissGuideScreen
        screen = self._guide_screen
        if screen is not None and type(screen) is not kind:  # another kind of profile now
            self.forget_screens()
            screen = self._guide_screen
        if screen is None or screen in self.screen_stack:
            screen = kind(guide)
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
        on_sent: Callable[[SendKind, Token | None], None] | None = None,
    ) -> None:
        from frontdesk.app.screens.send_token import SendOutcome, SendTokenModal

        def answered(outcome: SendOutcome | None) -> None:
            if outcome is None:
                return
            if on_sent is not None:
                on_sent(outcome.kind, outcome.token)
            else:
                self.open_code_entry(guide, outcome.token, via=outcome.kind)

        tiss = self.tiss_desk
        if tiss is not None:
            from frontdesk.app.screens.tiss.token import TissTokenModal

            self.push_screen(TissTokenModal(guide, tiss.instructions()), answered)
            return
        self.push_screen(SendTokenModal(guide, channels), answered)

    def open_code_entry(self, guide: Guide, token: Token | None, *, via: SendKind | None) -> None:
        from frontdesk.app.screens.code_entry import CodeEntryScreen

        self.settle_memory()  # the Enviar Token modal just closed
        tiss = self.tiss_desk
        if tiss is not None:
            from frontdesk.app.screens.tiss.code import TissCodeEntryScreen

            self.push_screen(TissCodeEntryScreen(guide, token, via, tiss.instructions()))
            return
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
        guides = sys.modules.get("frontdesk.counter.guides")  # loaded at a TISS counter only
        if guides is not None and isinstance(guide, guides.TissGuide):
            from frontdesk.app.screens.tiss.result import TissResultScreen

            self.push_screen(TissResultScreen(guide))
            return
        self.push_screen(ResultScreen(guide))

    def confirm(self, question: str, answered: Callable[[bool | None], None]) -> None:
        from frontdesk.app.screens.confirm import ConfirmModal  # see FrontdeskApp.action_help

        self.push_screen(ConfirmModal(question), answered)

    def back_to_lookup(self) -> None:
        """Close every screen above the lookup and empty it for the next patient."""
        stack = self.screen_stack
        lookups = [i for i, screen in enumerate(stack) if isinstance(screen, LookupScreen)]
        keep = lookups[-1] + 1 if lookups else 1
        for _ in range(len(stack) - keep):
            self.pop_screen()
        base = stack[keep - 1]
        if isinstance(base, LookupScreen):
            base.reset_for_next_patient()
        self.set_timer(0.5, self.settle_memory)  # the closed screens, once they are gone
