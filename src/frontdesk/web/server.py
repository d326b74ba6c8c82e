"""The `frontdesk web` server: sign-in in front of textual-serve's way of running the desk.

An aiohttp application (textual-serve's own web stack) with these routes:

    GET  /login            the sign-in form (public; `?lang=en|pt` picks the language)
    POST /login            sign in: CSRF token, TISS lock, audit line; a session cookie;
                           always answered with a redirect (POST-redirect-GET: Back never
                           offers to send the form again), a failure's message and the
                           typed name shown by the GET that follows
    POST /logout           sign out (the session's CSRF token); the desk is closed
    GET  /                 the desk page, or the no-room page when every desk is in use
    GET  /ws               the desk's websocket: one app process per session
    GET  /ended            after the desk closed: why, or back to sign-in if the session ended
    GET  /download/{key}   a file the session's own app delivers
    GET  /static/…         textual-serve's script, styles and font
    GET  /assets/{name}    this package's styles and script (only pages.css is public)

Everything but /login, /ended and /assets/pages.css needs a live session. The sign-in is
kept available under attack by `throttle.py`: device cookies, per-address and global limits
on failures from untrusted browsers (429 with Retry-After), and a bounded queue in front of
the password checks (503 with Retry-After past it). Every response
carries a Content-Security-Policy that allows nothing from another host. Sessions idle for
`idle_seconds` are ended by a sweep, which closes their app process. At most
`max_sessions` app processes run at once. The process imports neither Textual nor Rich.

Over 400 lines because the routes are methods of one object: every handler reads and
changes the same session table, desks, CSRF secret and settings, and the middlewares
decide for all of them. Split into mixins (as the app's layers are), each part would
declare that shared state again; the page texts and HTTP helpers already live apart
(`pages`, `http`), as do sessions, users, the sign-in lock and the desk process.
"""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import hmac
import logging
import secrets
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Final

from aiohttp import WSMsgType, web
from textual_serve.download_manager import DownloadManager

from frontdesk.audit_log import AuditLog
from frontdesk.core.i18n import Language, Texts
from frontdesk.web import forked, pages
from frontdesk.web.app_process import Desk, Fork, app_argv, desk_args
from frontdesk.web.guard import LOCK_SECONDS, MAX_FAILURES, MAX_PASSWORD_AGE_DAYS, LoginGuard
from frontdesk.web.http import (
    STATIC_DIR,
    asset,
    bounded,
    host_is_loopback,
    language,
    same_origin,
    security_headers,
    see_other,
    stream_download,
)
from frontdesk.web.prestart import HELD_SECONDS, Held, Outlet, Prestarts
from frontdesk.web.sessions import EndReason, Session, Sessions, SessionTable
from frontdesk.web.throttle import DEVICE_DAYS, AddressLimiter, Busy, DeviceCookies, Limits
from frontdesk.web.users import UsersError

log = logging.getLogger("frontdesk.web")

PUBLIC: Final = frozenset({("GET", "/login"), ("POST", "/login"), ("GET", "/ended")})
PUBLIC_ASSETS: Final = frozenset({"pages.css"})
LOGIN_COOKIE: Final = "fd_login"
FLASH_COOKIE: Final = "fd_flash"
MAX_FLASHES: Final = 256  # failed sign-ins waiting for their page (the oldest forgotten)
LANG_COOKIE: Final = "fd_lang"
MAX_FORM_BYTES: Final = 16 * 1024
MAX_WS_MESSAGE: Final = 64 * 1024
SESSION_KEY: Final = web.RequestKey("session", Session)


@dataclass(frozen=True)
class Flash:
    """What a failed sign-in's page shows after its redirect: the status, the message and
    the name as typed (kept, so only the password is typed again)."""

    status: int
    error: str
    user: str


@dataclass(frozen=True)
class Settings:
    """How the server runs; `frontdesk web`'s options."""

    app_args: tuple[str, ...] = ()
    max_sessions: int = 24  # docs/setup.md: how many desks
    idle_seconds: float = 15 * 60
    tls: bool = False
    loopback_only: bool = True  # Host headers must name this machine (DNS rebinding)
    default_lang: Language = "pt"
    app_command: tuple[str, ...] | None = None  # instead of `python -m frontdesk` (tests)
    fork_entry: str | None = None  # desks forked running this "module:function" (forked.py)
    grace_seconds: float = 5.0
    # a desk started with its page waits this long for its websocket (prestart.py; 0: none)
    held_seconds: float = HELD_SECONDS
    # forked desks too (measured: a forked desk's key bar gained nothing and its queue came
    # ~1.2x later with the browser on the same 2 cores; docs/performance.md)
    hold_forked_desks: bool = False
    trusted_proxy: str | None = None  # the one address whose X-Forwarded-For is believed
    # added to every desk's environment (`--database`: where its audit lines go, audit_log)
    desk_environment: Mapping[str, str] = field(default_factory=dict)
    limits: Limits = field(default_factory=Limits)

    @property
    def sweep_seconds(self) -> float:
        return max(0.2, min(5.0, self.idle_seconds / 4))

    @property
    def session_cookie(self) -> str:
        return "__Host-fd_session" if self.tls else "fd_session"

    @property
    def device_cookie(self) -> str:
        return "__Host-fd_device" if self.tls else "fd_device"


class WebServer:
    """The routes above, the sessions and the desks; `application()` builds the aiohttp app."""

    def __init__(
        self,
        settings: Settings,
        *,
        guard: LoginGuard,
        audit: AuditLog,
        devices: DeviceCookies,
        clock: Callable[[], float] = time.monotonic,
        sessions: Sessions | None = None,
        form_key: bytes | None = None,
    ) -> None:
        """`sessions` and `form_key` (the sign-in forms' key) are this host's own unless
        given (`web.shared`: the ones every web host shares)."""
        self.settings = settings
        self.guard = guard
        self.devices = devices
        self.limiter = AddressLimiter(settings.limits, now=clock)
        self.users = guard.users
        self.audit = audit
        self.sessions: Sessions = sessions or SessionTable(settings.idle_seconds, clock=clock)
        self.desks: dict[str, Desk] = {}  # session token -> its app process
        # session token -> a desk started with its page, until its websocket takes it
        self.prestarts = Prestarts(settings.held_seconds, settings.grace_seconds, clock)
        self.downloads = DownloadManager()
        self._secret = form_key or secrets.token_bytes(32)  # binds sign-in forms to a cookie
        self._sweeper: asyncio.Task[None] | None = None
        self._background: set[asyncio.Future[None]] = set()
        self._flashes: dict[str, Flash] = {}  # flash cookie -> the page to show once
        self.fork_server: forked.ForkServer | None = None
        if settings.fork_entry is not None and forked.available():
            self.fork_server = forked.ForkServer()

    # --- the application ------------------------------------------------------------

    def application(self) -> web.Application:
        app = web.Application(
            middlewares=[self._host_check, self._authenticate], client_max_size=MAX_FORM_BYTES
        )
        app.add_routes(
            [
                web.get("/login", self.login_form),
                web.post("/login", self.login),
                web.post("/logout", self.logout),
                web.get("/", self.desk_page),
                web.get("/ws", self.websocket),
                web.get("/ended", self.ended),
                web.get("/download/{key}", self.download),
                web.get("/assets/{name}", asset),
                web.static("/static", STATIC_DIR, follow_symlinks=False),
            ]
        )
        app.on_response_prepare.append(security_headers(tls=self.settings.tls))
        app.on_startup.append(self._start_sweeper)
        app.on_shutdown.append(self._shut_down)
        return app

    async def _start_sweeper(self, _app: web.Application) -> None:
        if self.fork_server is not None:  # warm before the first sign-in, not during it
            await self.fork_server.warm()
        self._sweeper = asyncio.create_task(self._sweep_forever())

    async def _sweep_forever(self) -> None:
        while True:
            await asyncio.sleep(self.settings.sweep_seconds)
            try:
                await self.sweep()
            except Exception:  # one bad sweep must not end the sweeping
                log.exception("session sweep failed")

    async def _shut_down(self, _app: web.Application) -> None:
        if self._sweeper is not None:
            self._sweeper.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._sweeper
        self.sessions.end_host()
        await self.prestarts.close()
        await self._close_desks([*self.desks], "shutdown")
        if self.fork_server is not None:
            await asyncio.to_thread(self.fork_server.stop)

    async def sweep(self) -> list[Session]:
        """End the sessions idle too long (and their desks); returns them. The desks of
        sessions ended on another host (sign-out, expiry there) close too. A fork server
        found dead is started again."""
        if self.fork_server is not None:
            await asyncio.to_thread(self.fork_server.ensure_running)
        expired = self.sessions.idle_out()
        for session in expired:
            self._audit("web_logout", "expired", session.user, session.address)
        await self._close_desks([s.token for s in expired], "expired")
        self.prestarts.sweep(lambda token: self.sessions.find(token) is not None)
        ended = [token for token in self.desks if self.sessions.find(token) is None]
        for token in ended:
            await self._close_desks([token], self.sessions.gone(token) or "expired")
        return expired

    async def _close_desks(self, tokens: list[str], reason: str) -> None:
        """End these sessions' desks; each stays counted until its process is gone."""
        desks = {token: desk for token in tokens if (desk := self.desks.get(token)) is not None}
        await asyncio.gather(
            *(desk.shutdown(reason, self.settings.grace_seconds) for desk in desks.values())
        )
        for token, desk in desks.items():
            if self.desks.get(token) is desk:
                del self.desks[token]

    def texts(self, request: web.Request) -> Texts:
        chosen = language(request.cookies.get(LANG_COOKIE))
        return Texts(chosen or self.settings.default_lang)

    @web.middleware
    async def _host_check(
        self, request: web.Request, handler: Callable[[web.Request], object]
    ) -> web.StreamResponse:
        if self.settings.loopback_only and not host_is_loopback(request):
            tx = self.texts(request)
            return web.Response(
                status=421,
                text=pages.denied_page(tx, tx("web.denied.host")),
                content_type="text/html",
            )
        return await handler(request)  # type: ignore[no-any-return, misc]

    @web.middleware
    async def _authenticate(
        self, request: web.Request, handler: Callable[[web.Request], object]
    ) -> web.StreamResponse:
        try:
            return await self._with_session(request, handler)
        except UsersError as error:  # the shared database is unreachable now (--database)
            log.error("%s", error)
            tx = self.texts(request)
            response = web.Response(
                status=503,
                text=pages.denied_page(tx, tx("web.unavailable")),
                content_type="text/html",
            )
            response.headers["Retry-After"] = "5"
            return response

    async def _with_session(
        self, request: web.Request, handler: Callable[[web.Request], object]
    ) -> web.StreamResponse:
        token = request.cookies.get(self.settings.session_cookie)
        session = self.sessions.find(token)
        if session is not None and not self._still_allowed(session):
            session = None
        if session is not None:
            request[SESSION_KEY] = session
        public = (request.method, request.path) in PUBLIC or (
            request.path.startswith("/assets/") and request.match_info.get("name") in PUBLIC_ASSETS
        )
        if session is None and not public:
            if request.path == "/" and request.method == "GET":
                raise web.HTTPSeeOther(self._login_url(token))
            tx = self.texts(request)
            return web.Response(
                status=401,
                text=pages.denied_page(tx, tx("web.denied.message")),
                content_type="text/html",
            )
        return await handler(request)  # type: ignore[no-any-return, misc]

    def _still_allowed(self, session: Session) -> bool:
        """False (and the session ended) once the technician deactivated its user."""
        try:
            user = self.users.get(session.user)
        except UsersError as error:
            log.warning("%s", error)
            return True  # an unreadable file does not throw out who is already in
        if user is not None and user.active:
            return True
        self.sessions.close(session.token, "removed")
        self._audit("web_logout", "removed", session.user, session.address)
        self.prestarts.end([session.token], "removed")
        desk = self.desks.get(session.token)  # its websocket's handler forgets it once gone
        if desk is not None:
            task = asyncio.ensure_future(desk.shutdown("removed", self.settings.grace_seconds))
            self._background.add(task)
            task.add_done_callback(self._background.discard)
        return False

    def _login_url(self, token: str | None) -> str:
        gone = self.sessions.gone(token)
        return f"/login?why={gone}" if gone in ("expired", "logout") else "/login"

    # --- sign-in and sign-out -------------------------------------------------------

    def _form_token(self, nonce: str) -> str:
        return hmac.new(self._secret, nonce.encode("utf-8"), hashlib.sha256).hexdigest()

    def _cookie(
        self, response: web.StreamResponse, name: str, value: str, max_age: int | None = None
    ) -> None:
        response.set_cookie(
            name,
            value,
            path="/",
            httponly=True,
            samesite="Strict",
            secure=self.settings.tls,
            max_age=max_age,
        )

    def _forget(self, response: web.StreamResponse, name: str) -> None:
        """Delete a cookie with the attributes it was set with (a browser ignores a deletion
        of a `__Host-` or Secure cookie without them)."""
        response.del_cookie(
            name, path="/", httponly=True, samesite="Strict", secure=self.settings.tls
        )

    def _address(self, request: web.Request) -> str:
        """The client's address: the socket's, or the last hop the trusted proxy names."""
        remote = request.remote or "unknown"
        proxy = self.settings.trusted_proxy
        if proxy is not None and remote == proxy:
            hops = [h.strip() for h in request.headers.get("X-Forwarded-For", "").split(",")]
            if hops and hops[-1]:
                return hops[-1][:64]
        return remote

    def _render_login(
        self,
        request: web.Request,
        *,
        status: int = 200,
        notice: str | None = None,
        error: str | None = None,
        retry_after: int | None = None,
        user: str = "",
    ) -> web.Response:
        nonce = secrets.token_urlsafe(32)
        response = web.Response(
            status=status,
            text=pages.login_page(
                self.texts(request),
                csrf=self._form_token(nonce),
                notice=notice,
                error=error,
                user=user,
            ),
            content_type="text/html",
        )
        if retry_after is not None:
            response.headers["Retry-After"] = str(retry_after)
        self._cookie(response, LOGIN_COOKIE, nonce)
        return response

    def _failed_sign_in(self, status: int, error: str, user: str = "") -> web.Response:
        """POST-redirect-GET: the failure is shown by the GET /login the browser makes next
        (Back then never offers to send the form again)."""
        key = secrets.token_urlsafe(16)
        self._flashes[key] = Flash(status, error, user)
        while len(self._flashes) > MAX_FLASHES:
            del self._flashes[next(iter(self._flashes))]
        response = see_other("/login")
        self._cookie(response, FLASH_COOKIE, key)
        return response

    async def login_form(self, request: web.Request) -> web.StreamResponse:
        lang = language(request.query.get("lang"))
        if lang is not None:
            response = see_other("/login")
            self._cookie(response, LANG_COOKIE, lang)
            return response
        if SESSION_KEY in request:
            raise web.HTTPSeeOther("/")
        flash = self._flashes.pop(request.cookies.get(FLASH_COOKIE, ""), None)
        if flash is not None:
            response = self._render_login(
                request, status=flash.status, error=flash.error, user=flash.user
            )
            self._forget(response, FLASH_COOKIE)
            return response
        tx = self.texts(request)
        idle = round(self.settings.idle_seconds / 60, 2)
        minutes = f"{idle:g}"
        if tx.lang == "pt":
            minutes = minutes.replace(".", ",")
        expired = "web.login.expired_one" if idle == 1 else "web.login.expired"
        notices = {
            "expired": tx(expired, minutes=minutes),
            "logout": tx("web.login.logged_out"),
        }
        return self._render_login(request, notice=notices.get(request.query.get("why", "")))

    async def login(self, request: web.Request) -> web.StreamResponse:
        tx = self.texts(request)
        form = await request.post()
        nonce = request.cookies.get(LOGIN_COOKIE, "")
        given = form.get("csrf")
        typed = form.get("user")
        typed = typed.strip()[:32] if isinstance(typed, str) else ""
        if not (
            nonce
            and isinstance(given, str)
            and hmac.compare_digest(given, self._form_token(nonce))
            and same_origin(request)
        ):
            return self._failed_sign_in(403, tx("web.login.stale_form"), typed)
        password = form.get("password")
        name = typed.lower()
        password = password if isinstance(password, str) else ""
        address = self._address(request)
        device_cookie = request.cookies.get(self.settings.device_cookie)
        device = self.devices.trusted(device_cookie, name) if name else None
        if device is None:  # untrusted browsers only: the limits protect everyone else
            wait = self.limiter.retry_after(address)
            if wait is not None:
                log.info("web_login throttled from=%s retry_after=%s", address, wait)
                message = tx("web.login.too_many", seconds=wait)
                return self._render_login(
                    request, status=429, error=message, retry_after=wait, user=typed
                )
            delay = self.limiter.delay(address)
            if delay:
                await asyncio.sleep(delay)
        try:
            attempt = await self.guard.attempt(name, password, address, device=device)
        except UsersError as error:  # the detail (a path) is for the technician's log
            log.error("%s", error)
            return self._failed_sign_in(503, tx("web.login.unavailable"), typed)
        except Busy as busy:
            log.info("web_login queue full from=%s", address)
            message = tx("web.login.busy", seconds=busy.retry_after)
            return self._render_login(
                request, status=503, error=message, retry_after=busy.retry_after, user=typed
            )
        self._audit("web_login", attempt.outcome, attempt.user, address)
        if not attempt.ok and not attempt.trusted and attempt.outcome != "expired":
            self.limiter.failed(address)
        if attempt.ok and attempt.user is not None:
            session = self.sessions.open(
                attempt.user, address, language(request.cookies.get(LANG_COOKIE)), attempt
            )
            response = see_other("/")
            self._cookie(response, self.settings.session_cookie, session.token)
            self._cookie(
                response,
                self.settings.device_cookie,
                self.devices.add(device_cookie, attempt.user),
                max_age=DEVICE_DAYS * 86400,
            )
            self._forget(response, LOGIN_COOKIE)
            return response
        if attempt.outcome == "expired":
            message = tx("web.login.password_expired", days=MAX_PASSWORD_AGE_DAYS)
        elif attempt.locked_until is not None:  # said alike for any name, whatever password
            until = attempt.locked_until.astimezone().strftime("%H:%M")
            message = tx("web.login.locked", until=until, max=MAX_FAILURES)
        else:  # TISS 51: one message whatever went wrong
            message = tx("web.login.failed", max=MAX_FAILURES, minutes=LOCK_SECONDS // 60)
        return self._failed_sign_in(401, message, typed)

    async def logout(self, request: web.Request) -> web.StreamResponse:
        session = request[SESSION_KEY]
        form = await request.post()
        given = form.get("csrf")
        if not (
            isinstance(given, str)
            and hmac.compare_digest(given, session.csrf)
            and same_origin(request)
        ):
            raise web.HTTPForbidden(text="CSRF")
        self.sessions.close(session.token, "logout")
        self._audit("web_logout", "ok", session.user, session.address)
        self.prestarts.end([session.token], "logout")
        await self._close_desks([session.token], "logout")
        response = see_other("/login?why=logout")
        self._forget(response, self.settings.session_cookie)
        return response

    def _audit(self, action: str, outcome: str, user: str | None, address: str) -> None:
        log.info("%s %s user=%s from=%s", action, outcome, user or "-", address)
        self.audit.record(action, outcome=outcome, user=user, address=address)

    # --- the desk -------------------------------------------------------------------

    def _full_for(self, session: Session) -> bool:
        """No desk for this session and no room for one: running and held desks count alike
        (a session's desk is in one or the other, never both)."""
        token = session.token
        if token in self.desks or token in self.prestarts:
            return False
        return len(self.desks) + len(self.prestarts) >= self.settings.max_sessions

    async def desk_page(self, request: web.Request) -> web.StreamResponse:
        session = request[SESSION_KEY]
        self.sessions.touch(session)
        tx = self.texts(request)
        if self._full_for(session):
            text = pages.full_page(tx, max_sessions=self.settings.max_sessions, csrf=session.csrf)
            return web.Response(status=503, text=text, content_type="text/html")
        text = pages.desk_page(tx, user=session.user, csrf=session.csrf, sign_in=session.sign_in)
        self._hold_desk(session)
        return web.Response(text=text, content_type="text/html")

    def _new_desk(self, session: Session, outlet: Outlet) -> Desk:
        return Desk(
            self._argv(session),
            user=session.user,
            write_bytes=outlet.write_bytes,
            write_str=outlet.write_str,
            close=outlet.close,
            download_manager=self.downloads,
            environment=self.settings.desk_environment,
            fork=self._fork(),
        )

    def _hold_desk(self, session: Session) -> None:
        """Start the session's desk while the browser loads the page (prestart.py), unless
        one runs (another tab: the websocket will end it) or is held already."""
        token, size = session.token, self.prestarts.last_size
        if self.settings.held_seconds <= 0 or token in self.desks or size is None:
            return
        if self.fork_server is not None and not self.settings.hold_forked_desks:
            return
        if not self.prestarts.renew(token):
            outlet = Outlet()
            self.prestarts.hold(token, self._new_desk(session, outlet), outlet, size)
            log.info("desk started with the page for user=%s", session.user)

    async def _take_held(self, token: str, width: int, height: int) -> tuple[Desk, Outlet] | None:
        """The session's held desk, counted as running from now, if it is fit to use (one of
        another size, crashed or not started is ended here: the caller starts one)."""
        held: Held | None = self.prestarts.take(token)
        if held is None:
            return None
        self.desks[token] = held.desk  # counted as it was while held: never free between
        try:
            fit = await held.ready((width, height))
        except BaseException:  # the handler cancelled: the desk must not outlive it
            if self.desks.get(token) is held.desk:
                del self.desks[token]
            self.prestarts.discard(held, "closed")
            raise
        if fit:
            log.info("desk %s, started with its page, taken over by its websocket", held.desk.pid)
            return held.desk, held.outlet
        log.info("desk %s, started with its page at %s, not used", held.desk.pid, held.size)
        await held.desk.shutdown("unfit", self.settings.grace_seconds)
        if self.desks.get(token) is held.desk:
            del self.desks[token]
        return None

    async def ended(self, request: web.Request) -> web.StreamResponse:
        session = request.get(SESSION_KEY)
        if session is None:
            raise web.HTTPSeeOther(
                self._login_url(request.cookies.get(self.settings.session_cookie))
            )
        tx = self.texts(request)
        if session.ended == "full":
            text = pages.full_page(tx, max_sessions=self.settings.max_sessions, csrf=session.csrf)
        else:
            text = pages.ended_page(tx, reason=session.ended, csrf=session.csrf)
        return web.Response(text=text, content_type="text/html")

    def _argv(self, session: Session) -> list[str]:
        if self.fork_server is not None:
            return desk_args(self.settings.app_args, session.lang)
        if self.settings.app_command is not None:
            return list(self.settings.app_command)
        return app_argv(self.settings.app_args, session.lang)

    async def websocket(self, request: web.Request) -> web.StreamResponse:
        session = request[SESSION_KEY]
        if request.headers.get("Origin") != f"{request.scheme}://{request.host}":
            raise web.HTTPForbidden(text="origin")
        token = session.token
        previous = self.desks.pop(token, None)
        if previous is not None:  # the desk opened again (another tab): that one closes
            self.sessions.mark_ended(session, "elsewhere")
            await previous.shutdown("elsewhere", self.settings.grace_seconds)
        if self._full_for(session):
            self.sessions.mark_ended(session, "full")
            raise web.HTTPServiceUnavailable(text="full")
        width = bounded(request.query.get("width"), 80, 20, 500)
        height = bounded(request.query.get("height"), 24, 5, 200)
        self.prestarts.last_size = (width, height)
        socket = web.WebSocketResponse(heartbeat=15, max_msg_size=MAX_WS_MESSAGE)
        await socket.prepare(request)
        held = await self._take_held(token, width, height)
        if held is None:
            outlet = Outlet()
            desk = self._new_desk(session, outlet)
            self.desks[token] = desk  # counted from now: no race past max_sessions
        else:
            desk, outlet = held
        try:
            await outlet.attach(socket)  # a held desk's output so far, then as it comes
            if held is None:
                await desk.start(width, height)
            log.info("desk %s started for user=%s", desk.pid, session.user)
            reader = asyncio.create_task(self._relay(socket, desk, session))
            running = [reader] + ([desk.finished] if desk.finished is not None else [])
            await asyncio.wait(running, return_when=asyncio.FIRST_COMPLETED)
            reader.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await reader
        finally:
            await desk.shutdown("closed", self.settings.grace_seconds)
            if self.desks.get(token) is desk:  # counted until its process is gone
                del self.desks[token]
            if desk.stop_reason == "closed" or desk.stop_reason is None:
                self.sessions.mark_ended(session, desk.natural_end())
            log.info("desk %s ended (%s)", desk.pid, desk.stop_reason or session.ended)
            await socket.close()
        return socket

    def _fork(self) -> Fork | None:
        entry = self.settings.fork_entry
        if self.fork_server is None or entry is None:
            return None
        return Fork(self.fork_server, entry)

    async def download(self, request: web.Request) -> web.StreamResponse:
        session = request[SESSION_KEY]
        key = request.match_info["key"]
        try:
            meta = await self.downloads.get_download_metadata(key)
        except KeyError:
            raise web.HTTPNotFound() from None
        if meta.app_service is not self.desks.get(session.token):
            raise web.HTTPNotFound()  # another session's file: as if it did not exist
        return await stream_download(request, self.downloads, meta)

    async def _relay(self, socket: web.WebSocketResponse, desk: Desk, session: Session) -> None:
        """The browser's messages to the app: keys (which keep the session alive), sizes,
        focus; answers pings."""
        async for message in socket:
            if message.type != WSMsgType.TEXT:
                continue
            try:
                envelope = message.json()
                kind, data = envelope[0], envelope[1]
            except (ValueError, TypeError, IndexError, KeyError):
                continue
            if kind == "stdin" and isinstance(data, str):
                if self.sessions.find(session.token) is None:
                    return  # expired between two sweeps: no more keys
                self.sessions.touch(session)
                await desk.send_bytes(data.encode("utf-8"))
            elif kind == "resize" and isinstance(data, dict):
                await desk.set_terminal_size(
                    bounded(data.get("width"), 80, 20, 500),
                    bounded(data.get("height"), 24, 5, 200),
                )
            elif kind == "ping":
                await socket.send_json(["pong", data])
            elif kind == "blur":
                await desk.blur()
            elif kind == "focus":
                await desk.focus()


__all__ = ["EndReason", "Settings", "WebServer"]
