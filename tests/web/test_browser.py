"""`frontdesk web` in a real Chromium (Playwright, the system's browser), at 1024×600.

A handful, each costly: sign in and release a guide by SMS end to end (a screenshot per
step, kept under the test's tmp path), five wrong passwords lock the user, the session
expires and its app process is gone, and the websocket is refused without a session. Every
request the page makes is logged and must go to the server on 127.0.0.1. Skipped, with the
reason, where Playwright or Chromium is missing.
"""

from __future__ import annotations

import json
import re
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from frontdesk.backend.local import open_backend
from support.browser import (
    CHROMIUM_ARGS,
    WebProcess,
    add_user,
    chromium_path,
    expose_terminal,
    missing,
    screen,
    wait_for_screen,
    web_server,
)

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(missing() is not None, reason=str(missing())),
    pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads /proc for the desks"),
]

VIEWPORT = {"width": 1024, "height": 600}
ANA = ("ana", "Recepcao#2026")
BIA = ("bia", "Balcao!2027x")
CAIO = ("caio", "Guiche#2028y")
WAIT = 30.0


class Traffic:
    """Every request and websocket a page opened, and what the console said."""

    def __init__(self, page: Any) -> None:
        self.urls: list[str] = []
        self.console: list[str] = []
        page.on("request", lambda request: self.urls.append(request.url))
        page.on("websocket", lambda socket: self.urls.append(socket.url))
        page.on("console", lambda message: self.console.append(message.text))

    def check_local(self, base: str) -> None:
        host = base.split("//", 1)[1].rstrip("/")
        assert self.urls, "no request was logged"
        strays = [url for url in self.urls if url.split("//", 1)[1].split("/", 1)[0] != host]
        assert strays == [], strays
        assert all(url.startswith(("http://127.0.0.1:", "ws://127.0.0.1:")) for url in self.urls)
        violations = [text for text in self.console if "Content Security Policy" in text]
        assert violations == []


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=chromium_path(), args=CHROMIUM_ARGS)
        try:
            yield chromium
        finally:
            chromium.close()


@pytest.fixture(scope="module")
def web(tmp_path_factory: pytest.TempPathFactory) -> Iterator[WebProcess]:
    root = tmp_path_factory.mktemp("web")
    add_user(root, *ANA)
    add_user(root, *BIA)
    add_user(root, *CAIO)
    with web_server(root, "--db", str(root / "desk.sqlite3")) as served:
        yield served


@pytest.fixture
def page(browser: Any, tmp_path: Path) -> Iterator[Any]:
    context = browser.new_context(viewport=VIEWPORT, locale="pt-BR")
    page = context.new_page()
    page.set_default_timeout(WAIT * 1000)
    expose_terminal(page)
    try:
        yield page
    finally:
        context.close()


class Shots:
    """Numbered screenshots under the test's tmp path (a test artifact to look at)."""

    def __init__(self, page: Any, where: Path) -> None:
        self.page, self.where, self.count = page, where, 0
        where.mkdir(parents=True, exist_ok=True)

    def __call__(self, name: str) -> Path:
        self.count += 1
        path = self.where / f"{self.count:02d}-{name}.png"
        self.page.screenshot(path=str(path))
        return path


def sign_in(page: Any, url: str, user: str, password: str) -> None:
    page.goto(url)
    page.wait_for_url("**/login")
    page.fill("#user", user)
    page.fill("#password", password)
    page.click("#submit")


def wait_until(condition: Any, what: str) -> None:
    deadline = time.monotonic() + WAIT
    while not condition():
        assert time.monotonic() < deadline, what
        time.sleep(0.1)


def audit_lines(web: WebProcess) -> list[dict[str, Any]]:
    text = web.audit_file.read_text(encoding="utf-8")
    return [json.loads(line) for line in text.splitlines()]


def test_sign_in_and_release_a_guide_by_sms(web: WebProcess, page: Any, tmp_path: Path) -> None:
    traffic = Traffic(page)
    shot = Shots(page, tmp_path / "screenshots")
    page.goto(web.url)
    page.wait_for_url("**/login")
    assert page.locator("h1").inner_text() == "Entrar na recepção"
    assert page.locator("#password").get_attribute("type") == "password"
    shot("login")
    page.fill("#user", ANA[0])
    page.fill("#password", ANA[1])
    page.click("#submit")

    first = wait_for_screen(page, "MODO DEMONSTRAÇÃO LOCAL", "AGUARDANDO TOKEN", "F1 Ajuda")
    assert page.locator(".who").inner_text() == "Usuário: ana"
    number = re.search(r"\b(\d{13})\b\s+AGUARDANDO TOKEN", first)
    assert number is not None
    guide = number.group(1)
    shot("desk")
    assert len(web.desks()) == 1

    page.keyboard.type(guide)  # as a scanner: the digits, then Enter
    page.keyboard.press("Enter")
    wait_for_screen(page, f"Guia {guide}", "AGUARDANDO TOKEN", "Enviar Token")
    shot("guide")
    page.keyboard.press("e")  # Enviar Token
    wait_for_screen(page, "Para onde enviar o código?")
    shot("send-token")
    page.keyboard.press("Enter")  # the preselected phone, by SMS
    sent = wait_for_screen(page, "Código (6 dígitos)", "código de segurança é")
    shot("code-entry")
    found = re.search(r"código de segurança é (\d{6})", sent)  # the simulator's SMS
    assert found is not None, sent
    code = found.group(1)
    backend = open_backend(web.root / "desk.sqlite3")
    try:
        outbox = backend.sim_outbox()["messages"]
        assert [m["code"] for m in outbox if m["guide"] == guide] == [code]
    finally:
        backend.close()

    page.keyboard.type(code)
    page.keyboard.press("Enter")  # Validar
    done = wait_for_screen(page, "GUIA AUTORIZADA", "Senha de autorização")
    assert "Traceback" not in done
    shot("authorized")
    backend = open_backend(web.root / "desk.sqlite3")
    try:
        assert backend.get_guide(guide)["status"] == "authorized"
    finally:
        backend.close()

    page.click("#logout")
    page.wait_for_url("**/login?why=logout")
    assert "Você saiu" in page.locator(".notice").inner_text()
    shot("logged-out")
    wait_until(lambda: web.desks() == [], "the desk process outlived the sign-out")
    traffic.check_local(web.url)

    lines = audit_lines(web)
    desk = [(line["action"], line.get("user")) for line in lines if line["guide"] == guide]
    assert desk == [("lookup", "ana"), ("send", "ana"), ("validate", "ana")]
    assert code not in web.audit_file.read_text(encoding="utf-8")
    assert ANA[1] not in web.audit_file.read_text(encoding="utf-8")
    web_lines = [(line["action"], line["outcome"], line.get("user")) for line in lines]
    assert ("web_login", "ok", "ana") in web_lines and ("web_logout", "ok", "ana") in web_lines


def test_five_wrong_passwords_lock_the_user(web: WebProcess, page: Any, tmp_path: Path) -> None:
    traffic = Traffic(page)
    shot = Shots(page, tmp_path / "screenshots")
    page.goto(web.url + "login?lang=en")  # and back: the language is one click away
    assert page.locator("h1").inner_text() == "Sign in to the front desk"
    page.click("#language")
    assert page.locator("h1").inner_text() == "Entrar na recepção"
    page.fill("#user", BIA[0])
    for attempt in range(5):
        page.fill("#password", f"Errada#{attempt}x")
        page.click("#submit")
        said = page.locator("#login-error").inner_text()
        wanted = "Entrada bloqueada até" if attempt == 4 else "Não foi possível entrar"
        assert wanted in said, (attempt, said)
        assert page.input_value("#user") == BIA[0]  # the name kept: only the password again
    shot("five-wrong")
    page.fill("#password", BIA[1])  # the right one: still locked
    page.click("#submit")
    assert "Entrada bloqueada até" in page.locator("#login-error").inner_text()
    assert page.url.endswith("/login")
    shot("locked")
    outcomes = [line["outcome"] for line in audit_lines(web) if line.get("user") == "bia"]
    assert outcomes == ["failed"] * 4 + ["failed_locked", "locked"]
    traffic.check_local(web.url)


def test_a_lockout_by_another_client_leaves_the_browser_that_signed_in_before(
    web: WebProcess, browser: Any, page: Any
) -> None:
    """The attack of issue 20: someone else's browser locks caio out with 5 wrong passwords;
    the receptionist's browser, where caio signed in before, holds its device cookie and
    signs in all the same."""
    sign_in(page, web.url, *CAIO)
    wait_for_screen(page, "F1 Ajuda")
    device = [c for c in page.context.cookies() if c["name"] == "fd_device"]
    assert len(device) == 1 and device[0]["httpOnly"] and device[0]["sameSite"] == "Strict"
    page.click("#logout")
    page.wait_for_url("**/login?why=logout")

    other = browser.new_context(viewport=VIEWPORT, locale="pt-BR")
    try:
        attacker = other.new_page()
        attacker.set_default_timeout(WAIT * 1000)
        for attempt in range(5):
            sign_in(attacker, web.url, CAIO[0], f"Errada#{attempt}zz")
            said = attacker.locator("#login-error").inner_text()
            wanted = "Entrada bloqueada até" if attempt == 4 else "Não foi possível entrar"
            assert wanted in said, (attempt, said)
        sign_in(attacker, web.url, *CAIO)  # the right password, from that browser: locked
        assert "Entrada bloqueada até" in attacker.locator("#login-error").inner_text()
        assert attacker.url.endswith("/login")
    finally:
        other.close()

    page.goto(web.url + "login")  # the receptionist's own browser: in
    page.fill("#user", CAIO[0])
    page.fill("#password", CAIO[1])
    page.click("#submit")
    wait_for_screen(page, "F1 Ajuda")
    outcomes = [line["outcome"] for line in audit_lines(web) if line.get("user") == "caio"]
    assert outcomes[-3:] == ["failed_locked", "locked", "ok"]
    page.click("#logout")
    page.wait_for_url("**/login?why=logout")


def test_the_websocket_is_refused_without_a_session_cookie(web: WebProcess, page: Any) -> None:
    page.goto(web.url + "login")
    before = web.desks()
    outcome = page.evaluate(
        """(url) => new Promise((resolve) => {
            const socket = new WebSocket(url);
            let opened = false;
            socket.onopen = () => { opened = true; };
            socket.onclose = (event) => resolve({opened, code: event.code});
        })""",
        web.url.replace("http://", "ws://") + "ws",
    )
    assert outcome == {"opened": False, "code": 1006}
    assert web.desks() == before


def test_the_session_expires_and_its_app_process_is_gone(
    browser: Any, tmp_path: Path, tmp_path_factory: pytest.TempPathFactory
) -> None:
    root = tmp_path_factory.mktemp("web-idle")
    add_user(root, *ANA)
    context = browser.new_context(viewport=VIEWPORT)
    page = context.new_page()
    page.set_default_timeout(WAIT * 1000)
    expose_terminal(page)
    shot = Shots(page, tmp_path / "screenshots")
    try:
        # 0.15 minutes: 9 seconds without a key and the session ends (a bound, not a measure).
        with web_server(root, "--db", str(root / "d.sqlite3"), "--idle-minutes", "0.15") as web:
            sign_in(page, web.url, *ANA)
            wait_for_screen(page, "F1 Ajuda")
            desks = web.desks()
            assert len(desks) == 1
            page.wait_for_url("**/login?why=expired", timeout=WAIT * 1000)
            assert "sem uso" in page.locator(".notice").inner_text()
            assert screen(page) == ""  # the desk is no longer on the page (TISS 76 b)
            shot("expired")
            wait_until(lambda: web.desks() == [], "the desk process outlived its session")
            page.goto(web.url)
            page.wait_for_url("**/login*")  # the old cookie opens nothing
            outcomes = [(a["action"], a["outcome"]) for a in audit_lines(web)]
            assert outcomes == [("web_login", "ok"), ("web_logout", "expired")]
    finally:
        context.close()


def test_the_desk_bar_shows_the_sign_in_summary_whole_at_1024_px(page: Any) -> None:
    """Issue 18 P2: at 1024 px the bar cut the summary ("…de 127.0.0..."). The page as the
    server writes it, its stylesheet inline (no server needed for the layout)."""
    from datetime import UTC, datetime

    from frontdesk.core.i18n import Texts
    from frontdesk.web.guard import Attempt, Seen
    from frontdesk.web.pages import desk_page

    moment = datetime(2026, 12, 5, 14, 32, tzinfo=UTC)
    seen = Seen(moment, "127.0.0.1")
    sign_in = Attempt("ok", "recepcao", previous=seen, failures_since=(seen, seen), failed_count=2)
    html = desk_page(Texts("pt"), user="recepcao", csrf="x", sign_in=sign_in)
    css = (Path(desk_page.__code__.co_filename).parent / "static" / "desk.css").read_text()
    page.set_content(html.replace("</head>", f"<style>{css}</style></head>", 1))
    summary = page.locator("#sign-in-summary")
    width, room = summary.evaluate("e => [e.scrollWidth, e.clientWidth]")
    assert width <= room, f"cut: {width} px of text in {room} px"
    text = summary.inner_text()
    assert "2 tentativas erradas" in text and text.count("127.0.0.1") == 2
    assert summary.get_attribute("title") == text  # whole on hover, should an address be long
