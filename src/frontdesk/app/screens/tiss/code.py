"""Code entry at a TISS counter: the code as this operator makes it (1–10 characters, its
length and whether it has letters from the profile), typed as anywhere else.

There is no code pending at the operator to count down, resend or cancel: the token panel,
Reenviar and F8 are not shown. Enter sends the request that carries the code; a refused
code stays selected, as at every counter.
"""

from __future__ import annotations

import uuid
from typing import TYPE_CHECKING

from frontdesk.app.formatting import compact
from frontdesk.app.screens.code_entry import CodeEntryScreen
from frontdesk.app.widgets.token_panel import TokenPanel
from frontdesk.core.i18n import t

if TYPE_CHECKING:
    from frontdesk.app.screens.send_token import SendKind
    from frontdesk.client.models import Guide, Token
    from frontdesk.counter.tiss_desk import Instructions


class TissCodeEntryScreen(CodeEntryScreen):
    """Type the code the patient reads out; Enter validates it with the operator."""

    def __init__(
        self, guide: Guide, token: Token | None, via: SendKind | None, how: Instructions
    ) -> None:
        super().__init__(guide, token, via)
        self.how = how
        self.code_length = how.code_length or 10
        self.length_known = how.code_length is not None

    def on_mount(self) -> None:
        super().on_mount()
        self._tiss_layout()

    async def relabel(self) -> None:
        await super().relabel()
        self._tiss_layout()

    def _tiss_layout(self) -> None:
        self.query_one("#code-token", TokenPanel).display = False
        self.query_one("#code-resend").display = False
        self.field.border_title = self._field_title()
        self.refresh_bindings()

    def _field_title(self) -> str:
        if self.how.code_length is None:
            return t("counter.code.field_any")
        key = "counter.code.field_letters" if self.how.letters else "code.field"
        return t(key, n=self.how.code_length)

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action in {"resend", "send_first", "cancel_token"}:
            return False  # nothing pending at a TISS operator to send, resend or cancel
        return super().check_action(action, parameters)

    def _panel_says_something(self) -> bool:
        return False  # the operator keeps no challenge here: the token panel has nothing to say

    def _problem(self, value: str) -> str | None:
        desk = self.desk.backend.tiss_desk
        return desk.code_problem(value) if desk is not None else None

    def _hint_typed(self, value: str) -> None:
        """Characters the operator's codes never have are an error at once; a code still
        short is not (it is being typed)."""
        problem = self._problem(value) if value else None
        if problem is None:
            self.hint.say(t("code.ready") if value else t("counter.code.type"))
            return
        length = self.how.code_length
        short = length is not None and len(value) < length and value.isalnum()
        self.hint.say(problem, error=not short)

    def action_validate(self) -> None:
        if self.busy:
            return
        value = compact(self.field.value)
        problem = self._problem(value)
        if problem is not None:
            self.hint.say(problem, error=True)
            return
        self.validate_code(value, uuid.uuid4().hex)
