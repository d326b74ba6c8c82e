"""The HTML of `frontdesk web`: sign-in, the desk, the session-ended and no-room pages.

Plain HTML with every value escaped, no inline script (the Content-Security-Policy allows
none) and no resource from another host: styles and the desk's script are the package's
`static/` files, the terminal's script, styles and font are textual-serve's, all served by
this server. Each page is in the language of the request (pt-BR unless English was chosen).
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from html import escape
from typing import Final

from frontdesk.core import i18n
from frontdesk.core.i18n import Language
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


class Texts:
    """The catalog's `web.` texts in one language, whatever the process-wide setting."""

    def __init__(self, lang: Language) -> None:
        self.lang = lang

    def __call__(self, key: str, /, **values: object) -> str:
        pair = i18n.catalog(i18n.catalog_name(key)).get(key)
        if pair is None:
            return key
        text = pair[0] if self.lang == "pt" else pair[1]
        return text.format(**values) if values else text

    def when(self, moment: datetime) -> str:
        local = moment.astimezone()
        return local.strftime("%d/%m/%Y %H:%M" if self.lang == "pt" else "%Y-%m-%d %H:%M")


def _page(tx: Texts, title: str, body: str, *, css: str = "pages.css") -> str:
    return (
        "<!DOCTYPE html>\n"
        f'<html lang="{HTML_LANG[tx.lang]}">\n<head>\n<meta charset="utf-8">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        '<meta name="referrer" content="same-origin">\n'
        '<link rel="icon" href="data:,">\n'
        f"<title>{escape(title)}</title>\n"
        f'<link rel="stylesheet" href="/assets/{css}">\n'
        f"</head>\n<body>\n{body}\n</body>\n</html>\n"
    )


def _logout_form(tx: Texts, csrf: str, *, css_class: str = "link") -> str:
    return (
        f'<form method="post" action="/logout" class="inline">'
        f'<input type="hidden" name="csrf" value="{escape(csrf)}">'
        f'<button type="submit" class="{css_class}" id="logout">'
        f"{escape(tx('web.desk.logout'))}</button></form>"
    )


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
    parts = [
        '<main class="card">',
        f"<h1>{escape(tx('web.login.heading'))}</h1>",
    ]
    if notice:
        parts.append(f'<p class="notice" role="status">{escape(notice)}</p>')
    if error:
        parts.append(f'<p class="error" role="alert" id="login-error">{escape(error)}</p>')
    parts += [
        '<form method="post" action="/login" autocomplete="off">',
        f'<input type="hidden" name="csrf" value="{escape(csrf)}">',
        f'<label for="user">{escape(tx("web.login.user"))}</label>',
        '<input id="user" name="user" type="text" required maxlength="32" autocomplete="off"'
        ' autocapitalize="none" spellcheck="false" autofocus'
        f' value="{escape(user)}">',
        f'<label for="password">{escape(tx("web.login.password"))}</label>',
        '<input id="password" name="password" type="password" required maxlength="256"'
        ' autocomplete="off">',
        f'<button type="submit" id="submit">{escape(tx("web.login.submit"))}</button>',
        "</form>",
        f'<p class="foot">{escape(tx("web.login.footer"))}</p>',
        f'<p class="lang"><a href="/login?lang={other}" id="language">'
        f"{escape(tx('web.login.other_language'))}</a></p>",
        "</main>",
    ]
    return _page(tx, tx("web.login.title"), "\n".join(parts))


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
    """The desk: a bar with the user and Sair, and the terminal textual.js draws the app in."""
    summary = sign_in_summary(tx, sign_in)  # in the title too: whole on hover, if ever cut
    body = "\n".join(
        [
            '<header class="bar">',
            f'<span class="who">{escape(tx("web.desk.user", user=user))}</span>',
            f'<span class="seen" id="sign-in-summary" title="{escape(summary)}">'
            f"{escape(summary)}</span>",
            _logout_form(tx, csrf),
            "</header>",
            f'<p class="loading">{escape(tx("web.desk.loading"))}</p>',
            f'<p class="closed">{escape(tx("web.desk.closed"))}</p>',
            f'<div id="terminal" class="textual-terminal" data-font-size="{font_size}"></div>',
        ]
    )
    head_extra = (
        '<link rel="preload" href="/static/fonts/RobotoMono-VariableFont_wght.ttf" as="font"'
        ' type="font/ttf" crossorigin>\n'
        '<link rel="stylesheet" href="/static/css/xterm.css">\n'
        '<script src="/assets/desk.js" defer></script>\n'
        '<script src="/static/js/textual.js"></script>\n'
    )
    html = _page(tx, tx("web.desk.title", user=user), body, css="desk.css")
    return html.replace("</head>", head_extra + "</head>", 1)


def ended_page(tx: Texts, *, reason: str | None, csrf: str) -> str:
    """After the desk closed in this tab while the session goes on: why, and what next."""
    key = {
        "elsewhere": "web.ended.elsewhere",
        "crashed": "web.ended.crashed",
    }.get(reason or "", "web.ended.quit")
    body = "\n".join(
        [
            '<main class="card">',
            f'<p class="notice" id="ended-reason">{escape(tx(key))}</p>',
            f'<p><a class="button" href="/" id="reopen">{escape(tx("web.ended.reopen"))}</a></p>',
            _logout_form(tx, csrf, css_class="secondary"),
            "</main>",
        ]
    )
    return _page(tx, tx("web.ended.title"), body)


def full_page(tx: Texts, *, max_sessions: int, csrf: str) -> str:
    """Every app process this server may run is in use."""
    body = "\n".join(
        [
            '<main class="card">',
            f"<h1>{escape(tx('web.full.title'))}</h1>",
            f'<p class="notice" id="full">{escape(tx("web.full.message", max=max_sessions))}</p>',
            f'<p><a class="button" href="/" id="retry">{escape(tx("web.full.retry"))}</a></p>',
            _logout_form(tx, csrf, css_class="secondary"),
            "</main>",
        ]
    )
    return _page(tx, tx("web.full.title"), body)


def denied_page(tx: Texts, message: str) -> str:
    """A request that needs a session (or came for another host)."""
    body = "\n".join(
        [
            '<main class="card">',
            f'<p class="notice">{escape(message)}</p>',
            f'<p><a class="button" href="/login">{escape(tx("web.denied.login"))}</a></p>',
            "</main>",
        ]
    )
    return _page(tx, tx("web.denied.title"), body)
