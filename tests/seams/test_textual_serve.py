"""Guards of textual-serve's private names that `frontdesk web` relies on
(docs/architecture.md, "Private seams")."""

from __future__ import annotations

from textual_serve.app_service import AppService

from frontdesk.web.http import STATIC_DIR
from seams.guard import Seam

PROCESS = Seam(
    "textual-serve",
    "AppService._open_app_process, _build_environment, _process, _stdin, _task",
    "frontdesk/web/app_process.py",
)
STATIC = Seam("textual-serve", "the files under textual_serve/static", "frontdesk/web/http.py")


async def _nothing(*_args: object) -> None:
    return None


def test_the_app_service_still_opens_its_process_where_the_desk_overrides_it() -> None:
    """`Desk` starts `python -m frontdesk` from an argument list, with the web user in its
    environment, by overriding these two methods and setting these attributes."""
    for method in ("_open_app_process", "_build_environment"):
        PROCESS.parameters(PROCESS.attribute(AppService, method), "self", "width", "height")
    PROCESS.calls(AppService.start, "self._open_app_process")
    PROCESS.calls(AppService._open_app_process, "self._build_environment")
    PROCESS.assigns(AppService._open_app_process, "_stdin")
    service = AppService(
        "true",
        write_bytes=_nothing,
        write_str=_nothing,
        close=_nothing,
        download_manager=None,  # type: ignore[arg-type]  (not used before start)
    )
    for attribute in ("_process", "_stdin", "_task"):
        if attribute not in vars(service):
            PROCESS.fail(f"an AppService no longer has {attribute}")
    PROCESS.assigns(AppService.stop, "_task")


def test_the_terminal_page_assets_are_where_the_desk_page_loads_them() -> None:
    """The desk page loads textual-serve's script, styles and font from /static/."""
    for name in (
        "js/textual.js",
        "css/xterm.css",
        "fonts/RobotoMono-VariableFont_wght.ttf",
        "fonts/RobotoMono-Italic-VariableFont_wght.ttf",
    ):
        if not (STATIC_DIR / name).is_file():
            STATIC.fail(f"{STATIC_DIR / name} does not exist any more")
