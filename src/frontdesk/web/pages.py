"""The HTML of `frontdesk web`: sign-in, the desk, the session-ended and no-room pages.

Each page is a Jinja2 template (`templates/`) with autoescaping on: every value a page shows
is escaped unless a template says otherwise (none does), so a value cannot be left
unescaped by mistake. No inline script (the Content-Security-Policy allows none) and no
resource from another host: styles and the desk's script are the package's `static/` files,
the terminal's script, styles and font are textual-serve's, all served by this server. Each
page is in the language of the request (pt-BR unless English was chosen), `tx` its texts.

Jinja2 (already installed: textual-serve requires it) is imported once per server process,
never by the desks it runs (its cost: docs/performance.md).
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Final

import jinja2

from frontdesk.core.i18n import Language, Texts
from frontdesk.web.guard import Attempt, Seen

CSP: Final = "; ".join(
    [
        "default-src 'none'",
        "script-src 'self'",
        # xterm.js (inside textual.js) adds its own <style> elements at run time.
        "style-src 'self' 'unsafe-inline'",
        "font-src 'self'",
        "img-src 'self' data:",
        "connect-src 'self'",  # the desk's websocket, to this server only
        "form-action 'self'",
        "frame-ancestors 'none'",
        "base-uri 'none'",
    ]
)
"""Nothing on a page may load from, connect to or submit to another host."""

HTML_LANG: Final[Mapping[Language, str]] = {"pt": "pt-BR", "en": "en"}

TEMPLATES: Final = jinja2.Environment(
    loader=jinja2.FileSystemLoader(Path(__file__).parent / "templates"),
    autoescape=True,
    undefined=jinja2.StrictUndefined,  # a value a page names and is not given: an error
    trim_blocks=True,
    keep_trailing_newline=True,
)


def _render(name: str, tx: Texts, **values: object) -> str:
    return TEMPLATES.get_template(name).render(tx=tx, html_lang=HTML_LANG[tx.lang], **values)


def login_page(
    tx: Texts,
    *,
    csrf: str,
    notice: str | None = None,
    error: str | None = None,
    user: str = "",
) -> str:
    """The sign-in form. No autocomplete (TISS 43: nothing remembered, the password masked)."""
    other: Language = "en" if tx.lang == "pt" else "pt"
    return _render(
        "login.html", tx, csrf=csrf, notice=notice, error=error, user=user, other_lang=other
    )


def sign_in_summary(tx: Texts, sign_in: Attempt) -> str:
    """TISS 42: the previous sign-in and the failed attempts since, in one line."""
    previous: Seen | None = sign_in.previous
    if previous is None:
        text = tx("web.desk.first_login")
    else:
        text = tx("web.desk.last_login", when=tx.when(previous.time), address=previous.address)
    if sign_in.failed_count and sign_in.failures_since:
        last = sign_in.failures_since[-1]
        text += " · " + tx(
            "web.desk.failures" if sign_in.failed_count > 1 else "web.desk.failure_one",
            count=sign_in.failed_count,
            when=tx.when(last.time),
            address=last.address,
        )
    return text


def desk_page(tx: Texts, *, user: str, csrf: str, sign_in: Attempt, font_size: int = 16) -> str:
    """The desk: a bar with the user and Sair, and the terminal textual.js draws the app in.
    The sign-in summary is in the title too: whole on hover, if ever cut."""
    return _render(
        "desk.html",
        tx,
        user=user,
        csrf=csrf,
        summary=sign_in_summary(tx, sign_in),
        font_size=font_size,
        logout_class="link",
    )


def ended_page(tx: Texts, *, reason: str | None, csrf: str) -> str:
    """After the desk closed in this tab while the session goes on: why, and what next."""
    key = {
        "elsewhere": "web.ended.elsewhere",
        "crashed": "web.ended.crashed",
    }.get(reason or "", "web.ended.quit")
    return _render("ended.html", tx, reason_key=key, csrf=csrf, logout_class="secondary")


def full_page(tx: Texts, *, max_sessions: int, csrf: str) -> str:
    """Every app process this server may run is in use."""
    return _render("full.html", tx, max_sessions=max_sessions, csrf=csrf, logout_class="secondary")


def denied_page(tx: Texts, message: str) -> str:
    """A request that needs a session (or came for another host)."""
    return _render("denied.html", tx, message=message)
