"""The local TISS operator over HTTP: its checks and faults, replays, what it answers, each
TISS version at its own path, the findings of the outside review, and the four operations
through the TISS client over a real loopback socket in every version."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator, Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import httpx
import msgspec
import pytest
from lxml import etree

from frontdesk.backend.clock import ManualClock
from frontdesk.backend.local import open_backend
from frontdesk.backend.policy import Policy
from frontdesk.backend.server import create_app
from frontdesk.core.attempts import Limits
from frontdesk.core.contacts import digits_only
from frontdesk.tiss import schema, tiss_errors
from frontdesk.tiss.client import TissClient
from frontdesk.tiss.hashing import message_hash
from frontdesk.tiss.message import CANCEL, ELIGIBILITY, PROCEDURES, STATUS, Operation, find, text
from frontdesk.tiss.models import Prestador, TokenProof
from frontdesk.tiss.replies import (
    read_authorization_reply,
    read_cancel_reply,
    read_eligibility_reply,
)
from frontdesk.tiss.requests import (
    build_cancel,
    build_eligibility,
    build_procedures,
    build_status,
)
from frontdesk.tiss.sequence import MemorySequence
from frontdesk.tiss.soap import HEADERS, body_of, envelope
from frontdesk.tiss.transport import HttpReply, HttpxTransport, Transport
from frontdesk.tiss.versions import UnknownVersion
from support.demo import ANA, JOAO, MARIA
from support.openapi_check import validate_response
from tiss.factories import CARD, PRESTADOR, REGISTRO_ANS, request_header, sp_sadt
from tiss.harness import BASE, KEY, LocalTiss, local_tiss, no_sleep
from tiss.test_safexml import bomb, xxe

from .conftest import LoopbackServer

ELIGIBILITY_URL = "/v1/tiss/v4.01.00/tissVerificaElegibilidade"


@pytest.fixture
def operator(manual_clock: ManualClock) -> Iterator[LocalTiss]:
    local = local_tiss(manual_clock)
    yield local
    local.backend.close()


@pytest.fixture
async def http(operator: LocalTiss) -> AsyncIterator[httpx.AsyncClient]:
    async with httpx.AsyncClient(
        transport=httpx.ASGITransport(app=operator.app), base_url="http://frontdesk.local"
    ) as client:
        yield client


def eligibility_request(
    sequence: str = "1", *, card: str = CARD, password: str = KEY, version: str = "4.01.00"
) -> bytes:
    header = request_header(ELIGIBILITY.request_transaction, sequence, password=password)
    header = replace(header, version=version)
    return envelope(build_eligibility(header, PRESTADOR, card, TokenProof.of_reason("01")))


def url_of(version: str, service: str = ELIGIBILITY.service) -> str:
    return f"/v1/tiss/v{version}/{service}"


async def post(http: httpx.AsyncClient, data: bytes, url: str = ELIGIBILITY_URL) -> httpx.Response:
    return await http.post(url, content=data, headers=HEADERS)


def fault_of(response: httpx.Response) -> str:
    """The tissFault value of a fault answer (HTTP 500, ISO-8859-1, schema-valid detail)."""
    assert response.status_code == 500
    assert response.headers["content-type"] == "text/xml; charset=ISO-8859-1"
    soap = "{http://schemas.xmlsoap.org/soap/envelope/}"
    detail = etree.fromstring(response.content).find(f"{soap}Body/{soap}Fault/detail")
    assert detail is not None
    fault = find(detail, "tissFaultWS")
    assert fault is not None and schema.errors_of(fault) == ()
    with pytest.raises(tiss_errors.TissFault) as raised:
        body_of(response.content)
    return raised.value.code


async def test_the_simulator_tells_who_is_who(http: httpx.AsyncClient) -> None:
    response = await http.get("/v1/_local/tiss", headers={"Authorization": f"Bearer {KEY}"})
    assert response.json() == {
        "registro_ans": "999999",
        "prestador": "123456",
        "login": "123456",
        "versions": ["4.03.00", "4.02.00", "4.01.00"],
    }
    validate_response(
        "GET", "/v1/_local/tiss", 200, response.json(), response.headers["content-type"]
    )
    refused = await http.get("/v1/_local/tiss")
    assert refused.status_code == 401
    validate_response(
        "GET", "/v1/_local/tiss", 401, refused.json(), refused.headers["content-type"]
    )


async def test_an_answer_is_valid_hashed_and_in_iso_8859_1(http: httpx.AsyncClient) -> None:
    response = await post(http, eligibility_request())
    assert response.status_code == 200
    assert response.headers["content-type"] == "text/xml; charset=ISO-8859-1"
    assert response.content.startswith(b"<?xml version='1.0' encoding='ISO-8859-1'?>")
    reply = body_of(response.content)
    assert schema.errors_of(reply) == ()
    assert text(reply, "hash") == message_hash(reply)
    answer = read_eligibility_reply(reply)
    assert (answer.eligible, answer.beneficiary_name, answer.sequence) == (True, MARIA, "1")


async def test_the_same_transaction_twice_gets_the_same_bytes(
    http: httpx.AsyncClient, operator: LocalTiss
) -> None:
    first = await post(http, eligibility_request("77"))
    operator.clock.advance(60)
    again = await post(http, eligibility_request("77"))
    assert again.content == first.content
    assert operator.transactions() == 1


async def test_a_sequence_reused_for_another_message_is_glosa_3167(
    http: httpx.AsyncClient, operator: LocalTiss
) -> None:
    await post(http, eligibility_request("78"))
    other = await post(http, eligibility_request("78", card="0064800023456781"))
    answer = read_eligibility_reply(body_of(other.content))
    assert answer.eligible is False
    assert [(g.code, g.description) for g in answer.glosas] == [("3167", "SEQUENCIAL INVÁLIDO")]
    assert operator.transactions() == 1


async def test_a_message_for_another_service_is_schema_invalido(http: httpx.AsyncClient) -> None:
    response = await post(
        http, eligibility_request(), "/v1/tiss/v4.01.00/tissSolicitacaoStatusAutorizacao"
    )
    assert fault_of(response) == "SchemaInvalido"


async def test_a_wrong_transaction_type_is_glosa_3148(http: httpx.AsyncClient) -> None:
    header = request_header(STATUS.request_transaction, password=KEY)  # not VERIFICA_…
    message = build_eligibility(header, PRESTADOR, CARD, TokenProof.of_reason("01"))
    answer = read_eligibility_reply(body_of((await post(http, envelope(message))).content))
    assert [g.code for g in answer.glosas] == ["3148"]


@pytest.mark.parametrize(
    ("data", "fault"),
    [
        (b"", "SchemaInvalido"),
        (b"not xml at all", "SchemaInvalido"),
        (b"<a>an element, not SOAP</a>", "SchemaInvalido"),
        (eligibility_request(password="wrong"), "LoginInvalido"),
        (eligibility_request().replace(b">999999<", b">888888<", 1), "DestinatarioInvalido"),
        (eligibility_request().replace(b">123456<", b">654321<", 1), "RemetenteInvalido"),
        (eligibility_request().replace(b">4.01.00<", b">4.00.01<"), "VersaoInvalida"),
        (eligibility_request().replace(CARD.encode(), b"0064800012345679"), "HashInvalido"),
    ],
    ids=["empty", "text", "not soap", "login", "destino", "origem", "versao", "hash"],
)
async def test_each_check_answers_its_standard_fault(
    http: httpx.AsyncClient, operator: LocalTiss, data: bytes, fault: str
) -> None:
    assert fault_of(await post(http, data)) == fault
    assert operator.transactions() == 0


async def test_an_xxe_and_an_entity_bomb_are_refused_unread(
    http: httpx.AsyncClient, tmp_path: Path
) -> None:
    secret = tmp_path / "secret.txt"
    secret.write_text("TOP-SECRET-CONTENT")
    for data in (xxe(secret), bomb()):
        response = await post(http, data)
        assert fault_of(response) == "SchemaInvalido"
        assert b"TOP-SECRET" not in response.content


async def test_unknown_services_and_oversized_messages(http: httpx.AsyncClient) -> None:
    unknown = await post(http, eligibility_request(), "/v1/tiss/v4.01.00/tissLoteGuias")
    assert (unknown.status_code, unknown.json()["code"]) == (404, "not_found")
    big = await post(http, b"<x>" + b" " * (300 * 1024) + b"</x>")
    assert big.status_code == 413
    with pytest.raises(tiss_errors.SchemaInvalido):
        body_of(big.content)


@pytest.mark.served
@pytest.mark.parametrize("version", ["4.03.00", "4.02.00", "4.01.00"])
async def test_the_four_operations_over_a_served_socket(
    loopback_server: LoopbackServer, operator: LocalTiss, version: str
) -> None:
    loopback_server.switch.app = operator.app
    try:
        base = loopback_server.url + "/v1"
        backend = operator.backend
        guide = next(
            g
            for g in backend.list_guides("awaiting_token", None)["items"]
            if g["beneficiary"]["name"] == ANA and g["type"] == "sp_sadt"
        )
        card = digits_only(guide["beneficiary"]["card"])
        code = backend.sim_app_code(card)["code"]
        url = f"{base}/tiss/v{version}/{{operation}}"
        replies = Replies(HttpxTransport())  # the real socket, every reply kept
        async with operator.client(url=url, version=version, recorder=replies) as client:
            eligible = await client.check_eligibility(card, TokenProof.of_code(code))
            request = replace(sp_sadt(guide["number"], TokenProof.of_code(code)), card=card)
            authorized = await client.request_procedures(request)
            status = await client.authorization_status(guide["number"], card)
            cancelled = await client.cancel_guide(guide["number"])
    finally:
        loopback_server.switch.app = None
    assert (eligible.eligible, eligible.beneficiary_name) == (True, ANA)
    assert authorized.status == "authorized" and authorized.senha
    assert (status.status, status.senha) == ("authorized", authorized.senha)
    assert cancelled.status == "cancelled"
    assert backend.get_guide(guide["number"])["status"] == "cancelled"
    assert [text(body_of(body), "cabecalho", "Padrao") for body in replies.bodies] == [version] * 4


# -- every version, each at its own path ------------------------------------------------------


@dataclass
class Replies:
    """A transport that keeps every reply body it passes on (to read their `Padrao`)."""

    inner: Transport
    bodies: list[bytes] = field(default_factory=list)

    async def post(self, url: str, body: bytes, headers: Mapping[str, str]) -> HttpReply:
        reply = await self.inner.post(url, body, headers)
        self.bodies.append(reply.body)
        return reply

    async def aclose(self) -> None:
        await self.inner.aclose()


def ana_guide(operator: LocalTiss) -> tuple[str, str]:
    """Ana's SP/SADT guide awaiting a token, and her card (she has the app)."""
    guide = next(
        g
        for g in operator.backend.list_guides("awaiting_token", None)["items"]
        if g["beneficiary"]["name"] == ANA and g["type"] == "sp_sadt"
    )
    return guide["number"], digits_only(guide["beneficiary"]["card"])


@pytest.mark.parametrize("version", ["4.03.00", "4.02.00", "4.01.00"])
async def test_each_version_end_to_end_at_its_own_path(operator: LocalTiss, version: str) -> None:
    number, card = ana_guide(operator)
    code = operator.backend.sim_app_code(card)["code"]
    replies = Replies(operator.transport())
    settings = operator.settings(url=f"{BASE}/tiss/v{version}/{{operation}}", version=version)
    client = TissClient(settings, KEY, sequence=MemorySequence(), transport=replies, sleep=no_sleep)
    async with client:
        eligible = await client.check_eligibility(card, TokenProof.of_code(code))
        request = replace(sp_sadt(number, TokenProof.of_code(code)), card=card)
        authorized = await client.request_procedures(request)
        status = await client.authorization_status(number, card)
        cancelled = await client.cancel_guide(number)
    assert (eligible.eligible, eligible.beneficiary_name) == (True, ANA)
    assert authorized.status == "authorized" and authorized.senha
    assert (status.status, status.senha) == ("authorized", authorized.senha)
    assert cancelled.status == "cancelled"
    assert operator.backend.get_guide(number)["status"] == "cancelled"
    assert len(replies.bodies) == 4
    for body in replies.bodies:
        reply = body_of(body)
        assert text(reply, "cabecalho", "Padrao") == version
        assert schema.errors_of(reply, version) == ()
        assert text(reply, "hash") == message_hash(reply)


@pytest.mark.parametrize(
    ("sent", "path"),
    [
        ("4.03.00", "4.01.00"),
        ("4.01.00", "4.03.00"),
        ("4.02.00", "4.03.00"),
        ("4.03.00", "4.02.00"),
    ],
)
async def test_a_message_in_another_version_than_its_path_is_versao_invalida(
    http: httpx.AsyncClient, operator: LocalTiss, sent: str, path: str
) -> None:
    response = await post(http, eligibility_request(version=sent), url_of(path))
    assert fault_of(response) == "VersaoInvalida"
    assert operator.transactions() == 0
    answered = await post(http, eligibility_request(version=sent), url_of(sent))
    assert read_eligibility_reply(body_of(answered.content)).eligible is True


@pytest.mark.parametrize(
    ("version", "fault"), [("4.03.00", "RemetenteInvalido"), ("4.02.00", "SchemaInvalido")]
)
async def test_each_path_validates_against_its_own_versions_schemas(
    http: httpx.AsyncClient, version: str, fault: str
) -> None:
    """An alphanumeric CNPJ as the origem: 4.03.00's schemas take it (then the operator does
    not know that prestador), 4.02.00's do not."""
    ours = b"<ans:codigoPrestadorNaOperadora>123456</ans:codigoPrestadorNaOperadora>"
    cnpj = b"<ans:CNPJ>12ABC34501DE35</ans:CNPJ>"
    data = eligibility_request(version=version)
    assert data.index(ours) < data.index(b"</ans:origem>")  # the first is the origem
    assert fault_of(await post(http, data.replace(ours, cnpj, 1), url_of(version))) == fault


@pytest.fixture
def newer_operator(manual_clock: ManualClock) -> Iterator[LocalTiss]:
    """An operator that moved on: it accepts 4.03.00 and 4.02.00 only."""
    backend = open_backend(":memory:", clock=manual_clock, deterministic=True)
    app = create_app(backend, api_key=KEY, log_access=False, tiss_versions=["4.02.00", "4.03.00"])
    yield LocalTiss(backend, app, manual_clock)
    backend.close()


async def test_an_operator_answers_versao_invalida_at_a_version_it_does_not_accept(
    newer_operator: LocalTiss,
) -> None:
    async with httpx.AsyncClient(
        transport=httpx.ASGITransport(app=newer_operator.app), base_url="http://frontdesk.local"
    ) as http:
        refused = await post(http, eligibility_request(), url_of("4.01.00"))
        unknown = await post(http, eligibility_request(version="4.03.00"), url_of("9.99.99"))
        spoken = await post(http, eligibility_request(version="4.02.00"), url_of("4.02.00"))
        who = await http.get("/v1/_local/tiss", headers={"Authorization": f"Bearer {KEY}"})
    assert fault_of(refused) == "VersaoInvalida"
    assert fault_of(unknown) == "VersaoInvalida"
    assert read_eligibility_reply(body_of(spoken.content)).eligible is True
    assert newer_operator.transactions() == 1
    assert who.json()["versions"] == ["4.03.00", "4.02.00"]  # newest first
    validate_response("GET", "/v1/_local/tiss", 200, who.json(), who.headers["content-type"])


def test_an_operator_of_an_unknown_version_is_refused_at_composition(
    manual_clock: ManualClock,
) -> None:
    backend = open_backend(":memory:", clock=manual_clock, deterministic=True)
    try:
        with pytest.raises(UnknownVersion) as raised:
            create_app(backend, api_key=KEY, tiss_versions=["4.03.00", "4.00.01"])
        assert raised.value.version == "4.00.01"
        with pytest.raises(ValueError, match="at least one"):
            create_app(backend, api_key=KEY, tiss_versions=[])
    finally:
        backend.close()


# -- the outside review's findings (issue 17 item 8) -------------------------------------------


@pytest.mark.parametrize("key", ["senha-clínica-é", "chave€-além"], ids=["latin-1", "beyond"])
async def test_an_api_key_with_accents_logs_in_as_the_client_digests_it(
    manual_clock: ManualClock, key: str
) -> None:
    backend = open_backend(":memory:", clock=manual_clock, deterministic=True)
    app = create_app(backend, api_key=key, log_access=False)
    try:
        async with httpx.AsyncClient(
            transport=httpx.ASGITransport(app=app), base_url="http://frontdesk.local"
        ) as http:
            accepted = await post(http, eligibility_request("1", password=key))
            refused = await post(http, eligibility_request("2", password=key + "x"))
    finally:
        backend.close()
    answer = read_eligibility_reply(body_of(accepted.content))
    assert (answer.eligible, answer.beneficiary_name) == (True, MARIA)
    assert fault_of(refused) == "LoginInvalido"


async def test_an_envelope_with_a_second_body_is_schema_invalido_and_runs_nothing(
    http: httpx.AsyncClient, operator: LocalTiss
) -> None:
    number, _ = ana_guide(operator)
    header = request_header(CANCEL.request_transaction, "2", password=KEY)
    cancel = envelope(build_cancel(header, PRESTADOR, number))
    second_body = cancel[cancel.index(b"<soap:Body>") : cancel.index(b"</soap:Envelope>")]
    eligibility = eligibility_request("1")
    both = eligibility.replace(b"</soap:Body>", b"</soap:Body>" + second_body, 1)
    assert both.count(b"<soap:Body>") == 2
    other_way = cancel.replace(
        b"</soap:Body>",
        b"</soap:Body>"
        + eligibility[eligibility.index(b"<soap:Body>") : -len(b"</soap:Envelope>")],
        1,
    )
    assert fault_of(await post(http, both)) == "SchemaInvalido"
    cancel_url = url_of("4.01.00", CANCEL.service)
    assert fault_of(await post(http, other_way, cancel_url)) == "SchemaInvalido"
    assert operator.transactions() == 0
    assert operator.backend.get_guide(number)["status"] == "awaiting_token"


def another_clinics_guides(operator: LocalTiss) -> tuple[str, str, str]:
    """Two guides of another prestador (654321) for Ana's card: one authorized, one still
    awaiting a token; and the card."""
    number, card = ana_guide(operator)
    store = operator.backend.store
    with store.transaction():
        ana = store.get_guide(number)
        assert ana is not None
        theirs = msgspec.structs.replace(
            ana, provider_code="654321", provider_name="Clínica Vizinha"
        )
        authorized = msgspec.structs.replace(
            theirs,
            number="2025111399991",
            status="authorized",
            authorization_number="VIZ23456",
            authorization_valid_until="2025-12-13",
        )
        store.put_guide(authorized)
        store.put_guide(msgspec.structs.replace(theirs, number="2025111399992"))
    return authorized.number, "2025111399992", card


def tiss_request(
    operation: Operation, sequence: str, build: Any, *args: Any, **options: Any
) -> bytes:
    header = request_header(operation.request_transaction, sequence, password=KEY)
    return envelope(build(header, *args, **options))


async def test_status_and_cancel_answer_only_for_the_prestadors_own_guides(
    http: httpx.AsyncClient, operator: LocalTiss
) -> None:
    authorized, waiting, card = another_clinics_guides(operator)
    status_url, cancel_url = url_of("4.01.00", STATUS.service), url_of("4.01.00", CANCEL.service)
    asked = await post(
        http,
        tiss_request(STATUS, "1", build_status, REGISTRO_ANS, PRESTADOR, authorized, card),
        status_url,
    )
    status = read_authorization_reply(body_of(asked.content), STATUS)
    assert status.status == "refused" and status.senha is None
    assert [g.code for g in status.glosas] == ["1307"]  # as an unknown number: nothing told
    assert b"VIZ23456" not in asked.content
    for sequence, number in (("2", authorized), ("3", waiting)):
        cancelled = await post(
            http, tiss_request(CANCEL, sequence, build_cancel, PRESTADOR, number), cancel_url
        )
        assert read_cancel_reply(body_of(cancelled.content), number).status == "not_found"
    backend = operator.backend
    assert backend.get_guide(authorized)["status"] == "authorized"
    assert backend.get_guide(waiting)["status"] == "awaiting_token"


async def test_a_request_on_another_prestadors_guide_number_is_refused(
    http: httpx.AsyncClient, operator: LocalTiss
) -> None:
    _, waiting, card = another_clinics_guides(operator)
    code = operator.backend.sim_app_code(card)["code"]
    request = replace(sp_sadt(waiting, TokenProof.of_code(code)), card=card)
    asked = await post(
        http,
        tiss_request(
            PROCEDURES, "1", build_procedures, REGISTRO_ANS, PRESTADOR, request, today="2025-11-13"
        ),
        url_of("4.01.00", PROCEDURES.service),
    )
    answer = read_authorization_reply(body_of(asked.content), PROCEDURES)
    assert (answer.status, [g.code for g in answer.glosas]) == ("refused", ["1307"])
    assert operator.backend.get_guide(waiting)["status"] == "awaiting_token"


async def test_a_body_naming_another_prestador_than_the_header_is_refused(
    http: httpx.AsyncClient, operator: LocalTiss
) -> None:
    number, card = ana_guide(operator)
    other = Prestador("codigo", "654321")
    status = await post(
        http,
        tiss_request(STATUS, "1", build_status, REGISTRO_ANS, other, number, card),
        url_of("4.01.00", STATUS.service),
    )
    cancel = await post(
        http,
        tiss_request(CANCEL, "2", build_cancel, other, number),
        url_of("4.01.00", CANCEL.service),
    )
    status_reply = body_of(status.content)
    assert schema.errors_of(status_reply) == ()
    refused = read_authorization_reply(status_reply, STATUS)
    assert [g.code for g in refused.glosas] == ["1203"]
    assert refused.glosas[0].description == "CÓDIGO PRESTADOR INVÁLIDO"
    receipt = read_cancel_reply(body_of(cancel.content), number)
    assert (receipt.status, [g.code for g in receipt.glosas]) == ("refused", ["1203"])
    assert operator.backend.get_guide(number)["status"] == "awaiting_token"


# -- wrong codes lock as in the contract (issue 18 P19) ----------------------------------------

NOT_MATCHING = "Código de validação não confere"
LOCKED = "Código de validação bloqueado por tentativas; solicite um novo"


def sms_code(operator: LocalTiss, number: str) -> str:
    """The code of a new SMS sent for guide `number` (the simulator's outbox)."""
    before = {m["id"] for m in operator.backend.sim_outbox()["messages"]}
    operator.backend.send(number, channel_id="c1")
    (sent,) = [m for m in operator.backend.sim_outbox()["messages"] if m["id"] not in before]
    assert sent["guide"] == number
    return str(sent["code"])


@pytest.mark.parametrize("max_attempts", [5, 2])
async def test_wrong_codes_lock_the_code_after_the_policys_attempts_as_the_contract_does(
    manual_clock: ManualClock, max_attempts: int
) -> None:
    operator = local_tiss(manual_clock, policy=Policy(max_attempts=max_attempts))
    backend = operator.backend
    try:
        guide = next(
            g
            for g in backend.list_guides("awaiting_token", None)["items"]
            if g["beneficiary"]["name"] == JOAO  # a consulta: released by eligibility; no app
        )
        number, card = guide["number"], digits_only(guide["beneficiary"]["card"])
        code = sms_code(operator, number)
        wrong = next(c for c in ("000000", "111111") if c != code)
        async with operator.client() as client:
            answers = [
                await client.check_eligibility(card, TokenProof.of_code(wrong))
                for _ in range(max_attempts + 2)
            ]
            right_but_locked = await client.check_eligibility(card, TokenProof.of_code(code))
            manual_clock.advance(60)  # the resend wait: a new code unlocks, as in the contract
            new_code = sms_code(operator, number)
            released = await client.check_eligibility(card, TokenProof.of_code(new_code))
        details = [a.glosas[0].operator_description for a in answers]
        assert details == [NOT_MATCHING] * (max_attempts - 1) + [LOCKED] * 3
        assert not any(a.eligible for a in answers)
        assert right_but_locked.eligible is False
        assert [g.operator_description for g in right_but_locked.glosas] == [LOCKED]
        assert released.eligible is True
        events = [e["kind"] for e in backend.events(number)["events"]]
        assert events.count("code_rejected") == max_attempts
        assert events.count("token_locked") == 1
        token = backend.get_token(number)
        assert (token["state"], token["attempts_left"]) == ("pending", max_attempts)
    finally:
        backend.close()


async def test_a_code_right_for_one_guide_costs_no_attempt_of_the_cards_other_guides(
    operator: LocalTiss,
) -> None:
    maria = [
        g["number"]
        for g in operator.backend.list_guides("awaiting_token", None)["items"]
        if g["beneficiary"]["name"] == MARIA
    ]
    assert len(maria) == 3
    code = sms_code(operator, maria[0])
    async with operator.client() as client:
        answer = await client.check_eligibility(CARD, TokenProof.of_code(code))
    assert answer.eligible is True
    for number in maria:
        assert "code_rejected" not in [e["kind"] for e in operator.backend.events(number)["events"]]
    assert operator.backend.get_token(maria[0])["attempts_left"] == 5


async def test_wrong_tiss_passwords_are_limited_per_address_like_sign_ins(
    manual_clock: ManualClock,
) -> None:
    """200 wrong passwords in a few seconds were all answered: now an address gets a growing
    delay, then 429 with Retry-After (and a LoginInvalido fault for SOAP clients), while the
    clinic's desk at another address goes on; the window passing lifts it."""
    backend = open_backend(":memory:", clock=manual_clock, deterministic=True)
    limits = Limits(free_failures=2, max_failures=4, max_delay=0.01, window_seconds=600)
    app = create_app(backend, api_key=KEY, log_access=False, tiss_limits=limits)

    def client(address: str) -> httpx.AsyncClient:
        transport = httpx.ASGITransport(app=app, client=(address, 40000))
        return httpx.AsyncClient(transport=transport, base_url="http://frontdesk.local")

    try:
        async with client("203.0.113.7") as attacker, client("10.0.0.2") as desk:
            for n in range(4):
                wrong = await post(attacker, eligibility_request(str(n), password="guess"))
                assert fault_of(wrong) == "LoginInvalido"
            refused = await post(attacker, eligibility_request("9"))  # even the right one
            assert refused.status_code == 429
            assert 0 < int(refused.headers["Retry-After"]) <= 600
            fault = etree.fromstring(refused.content).find(".//{*}tissFault")
            assert fault is not None and fault.text == "LoginInvalido"
            answered = await post(desk, eligibility_request("10"))
            assert read_eligibility_reply(body_of(answered.content)).eligible
            manual_clock.advance(601)
            again = await post(attacker, eligibility_request("11"))
            assert read_eligibility_reply(body_of(again.content)).eligible
    finally:
        backend.close()
