"""`frontdesk serve` as a real process on loopback, and the headless modules' import hygiene."""

from __future__ import annotations

import asyncio
import os
import re
import signal
import sqlite3
import subprocess
import sys
import time
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any
from urllib.parse import quote

import httpx
import pytest

from frontdesk.backend.store import SCHEMA_VERSION, SqliteStore
from frontdesk.client import FrontdeskClient, Guide, InvalidCode, NotFound, Unauthorized
from frontdesk.tiss.message import ELIGIBILITY, text
from frontdesk.tiss.models import TokenProof
from frontdesk.tiss.replies import read_eligibility_reply
from frontdesk.tiss.requests import build_eligibility
from frontdesk.tiss.soap import HEADERS, body_of, envelope
from frontdesk.tiss.tiss_errors import TissFault
from support.demo import (
    CARLOS,
    JOAO,
    MARIA,
    code_pattern,
    load_demo,
    one_winner,
    reveals_contact,
    wrong_code,
)
from support.isolation import STARTED, TLS_CONTEXT
from tiss.factories import PRESTADOR, request_header

pytestmark = pytest.mark.served

URL_LINE = re.compile(r"atendendo em (http://127\.0\.0\.1:(\d+)/v1) ")  # the locale: pt
KEY_LINE = re.compile(r"^Chave de API .*: (\S+)$", re.MULTILINE)


@dataclass
class Served:
    process: subprocess.Popen[bytes]
    stdout: Path
    stderr: Path
    url: str
    key: str | None

    def out(self) -> str:
        return self.stdout.read_text(encoding="utf-8")

    def err(self) -> str:
        return self.stderr.read_text(encoding="utf-8")

    def stop(self, sig: signal.Signals = signal.SIGTERM) -> int:
        self.process.send_signal(sig)
        return self.process.wait(timeout=30)


def _environment(**extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k != "FRONTDESK_API_KEY"}
    env.update(extra)
    return env


def serve(tmp_path: Path, name: str, *args: str, **env: str) -> Served:
    """Start `python -m frontdesk serve --port 0 …` and wait for its startup line."""
    stdout, stderr = tmp_path / f"{name}.out", tmp_path / f"{name}.err"
    with stdout.open("wb") as out, stderr.open("wb") as err:
        process = subprocess.Popen(
            [sys.executable, "-m", "frontdesk", "serve", "--port", "0", *args],
            stdout=out,
            stderr=err,
            stdin=subprocess.DEVNULL,
            env=_environment(**env),
        )
    deadline = time.monotonic() + 60
    while True:
        text = stdout.read_text(encoding="utf-8")
        found = URL_LINE.search(text)
        if found and ("--api-key" in args or env or KEY_LINE.search(text)):
            break
        if process.poll() is not None or time.monotonic() > deadline:
            process.kill()
            raise AssertionError(f"serve did not start:\n{text}\n{stderr.read_text()}")
        time.sleep(0.02)
    key = KEY_LINE.search(text)
    return Served(process, stdout, stderr, found.group(1), key.group(1) if key else None)


def client_for(served: Served, key: str | None, log: Any) -> FrontdeskClient:
    client = FrontdeskClient(served.url, api_key=key, verify=TLS_CONTEXT)
    log.attach(client)
    return client


async def test_serve_flow_stop_and_restart(tmp_path: Path, openapi_log: Any) -> None:
    db = tmp_path / "served.sqlite3"
    first = serve(tmp_path, "first", "--db", str(db))
    try:
        assert first.key and len(first.key) >= 24
        assert first.out().count(first.key) == 1  # shown once
        assert first.out().count("atendendo em") == 1
        async with client_for(first, first.key, openapi_log) as client:
            assert (await client.health()).mode == "local"
            demo = await load_demo(client)
            maria, joao, carlos = demo.number(MARIA), demo.number(JOAO), demo.number(CARLOS)
            codes: set[str] = set()

            await client.send_token(maria, channel_id="c2")
            await client.send_token(joao, channel_id="c1")
            outbox = await client.outbox()
            codes |= {m.code for m in outbox}
            maria_code = next(m.code for m in outbox if m.guide == maria)
            joao_code = next(m.code for m in outbox if m.guide == joao)
            app = await client.app_code(demo.card(MARIA))
            codes.add(app)
            bad = wrong_code(*codes)
            with pytest.raises(InvalidCode):
                await client.validate(maria, bad)

            # 20 desks at once with João's right code, against a separate process.
            desks = [client_for(first, first.key, openapi_log) for _ in range(20)]
            try:
                results = await asyncio.gather(
                    *(d.validate(joao, joao_code) for d in desks), return_exceptions=True
                )
            finally:
                await asyncio.gather(*(d.aclose() for d in desks))
            winner = one_winner(list(results))

            sac = await client.sac_code(carlos)
            codes.add(sac)
            assert (await client.validate(carlos, sac)).status == "authorized"
            for number in (maria, joao, carlos):
                await client.events(number)

        assert first.stop(signal.SIGTERM) == 0
        assert "backend local parado; banco de dados fechado." in first.out()
    finally:
        if first.process.poll() is None:
            first.process.kill()

    # The access log: one line per request, no code, no contact, no key, no query string.
    log = first.err()
    lines = [line for line in log.splitlines() if "frontdesk.access" in line]
    assert any(f"POST /v1/guides/{{number}}/token guide='{maria}' 201" in x for x in lines)
    assert sum(" 409 " in x for x in lines) == 19
    assert any("GET /v1/_local/app-code 200" in x for x in lines)
    assert "Traceback" not in log
    pattern = code_pattern(codes | {bad})
    for line in log.splitlines():
        assert not pattern.search(line), line
        assert reveals_contact(line) is None, line
        assert first.key not in line
        assert "card=" not in line and "0064" not in line

    # Restarted on the same file, with a key given: nothing printed but the URL line.
    second = serve(tmp_path, "second", "--db", str(db), "--api-key", "given-key-123")
    try:
        assert KEY_LINE.search(second.out()) is None
        assert "given-key-123" not in second.out() + second.err()
        async with client_for(second, "given-key-123", openapi_log) as client:
            token = await client.get_token(maria)
            assert (token.state, token.attempts_left, token.destination) == (
                "pending",
                4,
                "(43) *****-8870",
            )
            assert {m.code for m in await client.outbox()} >= {maria_code, joao_code}
            joao_guide = await client.get_guide(joao)
            assert isinstance(winner, Guide)
            assert joao_guide.authorization == winner.authorization
            # The code sent before the restart still works.
            assert (await client.validate(maria, maria_code)).status == "authorized"
        assert second.stop(signal.SIGINT) == 0
        assert "parado" in second.out()
    finally:
        if second.process.poll() is None:
            second.process.kill()


async def test_serve_memory_database_and_key_from_the_environment(
    tmp_path: Path, openapi_log: Any
) -> None:
    served = serve(tmp_path, "memory", "--db", ":memory:", FRONTDESK_API_KEY="env-key-456")
    try:
        assert served.key is None
        assert "env-key-456" not in served.out() + served.err()
        assert "banco de dados: :memory:" in served.out()
        async with client_for(served, "env-key-456", openapi_log) as client:
            assert len(await client.list_guides()) == 13
        async with client_for(served, "wrong", openapi_log) as client:
            with pytest.raises(Unauthorized):
                await client.list_guides()
        assert served.stop(signal.SIGINT) == 0
    finally:
        if served.process.poll() is None:
            served.process.kill()


def test_serve_refuses_a_newer_database(tmp_path: Path) -> None:
    db = tmp_path / "future.sqlite3"
    SqliteStore(db).close()
    with sqlite3.connect(db) as conn:
        conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 1}")
    result = subprocess.run(
        [sys.executable, "-m", "frontdesk", "serve", "--port", "0", "--db", str(db)],
        capture_output=True,
        text=True,
        timeout=60,
        env=_environment(),
        check=False,
    )
    assert result.returncode == 1
    assert "schema version" in result.stderr
    assert "Traceback" not in result.stderr + result.stdout
    assert "atendendo em" not in result.stdout


# -- the simulator: loopback only, unless asked ---------------------------------------------

ANY_URL_LINE = re.compile(r"atendendo em http://(\S+):(\d+)/v1 ")
SIMULATOR_LINE = re.compile(r"^simulador (ligado|desligado)\b.*$", re.MULTILINE)


def serve_anywhere(tmp_path: Path, name: str, *args: str) -> tuple[Served, str, str]:
    """`frontdesk serve` with `args` (any --host); its process, URL on 127.0.0.1, simulator line."""
    stdout, stderr = tmp_path / f"{name}.out", tmp_path / f"{name}.err"
    with stdout.open("wb") as out, stderr.open("wb") as err:
        process = subprocess.Popen(
            [sys.executable, "-m", "frontdesk", "serve", "--port", "0", "--db", ":memory:",
             "--api-key", "sim-key", *args],
            stdout=out, stderr=err, stdin=subprocess.DEVNULL, env=_environment(),
        )  # fmt: skip
    STARTED.append(process)
    deadline = time.monotonic() + 60
    while True:
        text = stdout.read_text(encoding="utf-8")
        found, line = ANY_URL_LINE.search(text), SIMULATOR_LINE.search(text)
        if found and line:
            break
        if process.poll() is not None or time.monotonic() > deadline:
            process.kill()
            raise AssertionError(f"serve did not start:\n{text}\n{stderr.read_text()}")
        time.sleep(0.02)
    url = f"http://127.0.0.1:{found.group(2)}/v1"
    return Served(process, stdout, stderr, url, "sim-key"), found.group(1), line.group(0)


async def test_the_simulator_is_served_on_loopback_or_when_asked(
    tmp_path: Path, openapi_log: Any
) -> None:
    cases = (
        ((), "127.0.0.1", "simulador ligado: /v1/_local/* servido, health diz mode local "
         "(endereço loopback)"),
        (("--no-simulator",), "127.0.0.1", "simulador desligado (--no-simulator)"),
        (("--host", "0.0.0.0"), "0.0.0.0",
         "simulador desligado (não é um endereço loopback; --simulator o serve)"),
        (("--host", "0.0.0.0", "--simulator"), "0.0.0.0",
         "simulador ligado: /v1/_local/* servido, health diz mode local (--simulator)"),
    )  # fmt: skip
    for index, (args, host, line) in enumerate(cases):
        served, bound, said = serve_anywhere(tmp_path, f"sim{index}", *args)
        try:
            assert (bound, said) == (host, line)
            on = said.startswith("simulador ligado")
            async with client_for(served, None, openapi_log) as anonymous:
                assert (await anonymous.health()).mode == ("local" if on else None)
            async with client_for(served, "sim-key", openapi_log) as client:
                number = (await load_demo(client)).number(MARIA)
                await client.send_token(number, channel_id="c1")
                if on:
                    assert [m.guide for m in await client.outbox()] == [number]
                else:
                    card = (await load_demo(client)).card(MARIA)
                    for call in (
                        client.outbox(),
                        client.sac_code(number),
                        client.advance_clock(60),
                        client.app_code(card),
                    ):
                        with pytest.raises(NotFound):
                            await call
            if host == "0.0.0.0":
                assert "HTTP sem criptografia em 0.0.0.0" in served.err()
            assert served.stop(signal.SIGTERM) == 0
        finally:
            if served.process.poll() is None:
                served.process.kill()


def test_simulator_choice() -> None:
    from frontdesk.cli.serve import simulator_choice
    from frontdesk.core.i18n import set_language

    assert simulator_choice("localhost", None)[0] is True
    assert simulator_choice("::1", None)[0] is True
    assert simulator_choice("192.168.0.10", None) == (
        False,
        "simulador desligado (não é um endereço loopback; --simulator o serve)",
    )
    set_language("en")  # `frontdesk --lang en serve`
    assert simulator_choice("192.168.0.10", None) == (
        False,
        "simulator off (not a loopback address; --simulator serves it)",
    )
    assert simulator_choice("192.168.0.10", True)[0] is True
    assert simulator_choice("127.0.0.1", False)[0] is False


# -- logs: one record per line, whatever a request holds -----------------------------------

LOG_LINE = re.compile(
    r"^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d,\d{3} (INFO|WARNING|ERROR) (frontdesk|uvicorn)[\w.]*: "
)
FORGED = "\n2026-11-28 03:00:00,000 ERROR frontdesk.server: forged\r\x1b[2K"


async def test_a_request_cannot_forge_a_log_line(tmp_path: Path, openapi_log: Any) -> None:
    served = serve(tmp_path, "logs", "--db", ":memory:", "--api-key", "log-key")
    try:
        number = quote("2026" + FORGED, safe="")
        async with httpx.AsyncClient(base_url=served.url.removesuffix("/v1")) as http:
            openapi_log.attach(http)
            auth = {"Authorization": "Bearer log-key", "Idempotency-Key": "log-key-1"}
            await http.get(f"/v1/guides/{number}", headers=auth)
            for code in ("1", "2"):  # the second: Idempotency-Key reused, a warning
                await http.post(
                    f"/v1/guides/{number}/token/validate", json={"code": code}, headers=auth
                )
        host, port = served.url.removeprefix("http://").removesuffix("/v1").split(":")
        reader, writer = await asyncio.open_connection(host, int(port))
        writer.write(b"GET /v1/health HTTP/1.1\r\nX-A: \x00" + FORGED.encode() + b"\r\n\r\n")
        assert (await reader.read()).startswith(b"HTTP/1.1 400 ")
        writer.close()
        await writer.wait_closed()
        assert served.stop(signal.SIGTERM) == 0
    finally:
        if served.process.poll() is None:
            served.process.kill()
    lines = served.err().splitlines()
    assert any("Idempotency-Key reused" in line for line in lines)
    assert any(
        "frontdesk.access: GET /v1/guides/{number} guide='2026\\n2026-11-28" in x for x in lines
    )
    assert any("frontdesk.http: Invalid HTTP request received." in line for line in lines)
    for line in lines:
        assert LOG_LINE.match(line), line
        assert "\x1b" not in line and "\r" not in line, line


# -- the local TISS operator: the versions it accepts ---------------------------------------


def _eligibility(version: str, sequence: str, password: str) -> bytes:
    header = request_header(ELIGIBILITY.request_transaction, sequence, password=password)
    message = build_eligibility(
        replace(header, version=version), PRESTADOR, "0064800012345678", TokenProof.of_reason("01")
    )
    return envelope(message)


async def test_serve_plays_an_operator_that_accepts_only_some_tiss_versions(
    tmp_path: Path, openapi_log: Any
) -> None:
    served = serve(
        tmp_path, "tiss", "--db", ":memory:", "--api-key", "tiss-key",
        "--tiss-versions", "4.03.00,4.02.00",
    )  # fmt: skip
    try:
        async with httpx.AsyncClient(base_url=served.url) as json_http:
            openapi_log.attach(json_http)  # TISS answers are SOAP, outside openapi.yaml
            auth = {"Authorization": "Bearer tiss-key"}
            who = await json_http.get("/_local/tiss", headers=auth)
        async with httpx.AsyncClient(base_url=served.url) as http:
            answers = {}
            for sequence, version in enumerate(("4.03.00", "4.02.00", "4.01.00"), start=1):
                answers[version] = await http.post(
                    f"/tiss/v{version}/tissVerificaElegibilidade",
                    content=_eligibility(version, str(sequence), "tiss-key"),
                    headers=HEADERS,
                )
        assert served.stop(signal.SIGTERM) == 0
    finally:
        if served.process.poll() is None:
            served.process.kill()
    assert who.json()["versions"] == ["4.03.00", "4.02.00"]
    for version in ("4.03.00", "4.02.00"):
        reply = body_of(answers[version].content)
        assert answers[version].status_code == 200
        assert text(reply, "cabecalho", "Padrao") == version
        assert read_eligibility_reply(reply).eligible is True
    refused = answers["4.01.00"]
    assert refused.status_code == 500
    with pytest.raises(TissFault) as fault:
        body_of(refused.content)
    assert fault.value.code == "VersaoInvalida"
    log = served.err()
    assert "POST /v1/tiss/v4.01.00/tissVerificaElegibilidade fault:VersaoInvalida 500" in log
    assert "Traceback" not in log


@pytest.mark.parametrize(
    ("option", "lang", "words"),
    [
        ("4.03.00,4.00.01", "pt", "o frontdesk não conhece a versão TISS 4.00.01; use uma ou mais "
         "de 4.03.00, 4.02.00, 4.01.00"),
        ("4.03.00,4.00.01", "en", "frontdesk does not know TISS version 4.00.01"),
        (" , ", "pt", "informe ao menos uma versão TISS"),
    ],
)  # fmt: skip
def test_serve_refuses_an_unknown_tiss_version_at_start(
    tmp_path: Path, option: str, lang: str, words: str
) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "frontdesk", "--lang", lang, "serve", "--port", "0",
         "--db", str(tmp_path / "never.sqlite3"), "--tiss-versions", option],
        capture_output=True, text=True, timeout=60, env=_environment(), check=False,
    )  # fmt: skip
    assert result.returncode == 2
    assert words in result.stderr
    assert result.stderr.startswith("frontdesk serve: --tiss-versions: ")
    assert "Traceback" not in result.stderr + result.stdout
    assert "serving on" not in result.stdout
    assert not (tmp_path / "never.sqlite3").exists()  # refused before opening anything
