"""The connection banner: what went wrong with the backend, and the key that retries."""

from __future__ import annotations

from textual.widgets import Static

from frontdesk.core.i18n import t


class ConnectionBanner(Static):
    """Hidden until a problem is shown; `show_problem` / `show_working` / `clear` drive it."""

    def __init__(self, *, id: str | None = "banner") -> None:
        super().__init__("", id=id, markup=False)
        self.problem: str | None = None
        self.display = False

    def show_problem(self, text: str, *, retry: bool = True) -> None:
        self.problem = text
        self.update(f"{text}  {t('banner.retry')}" if retry else text)
        self.remove_class("-working")
        self.display = True

    def show_working(self) -> None:
        if self.problem is not None:
            self.update(t("banner.working"))
            self.add_class("-working")

    def clear(self) -> None:
        self.problem = None
        self.remove_class("-working")
        self.display = False
