"""Every tissFault value reaches the caller as its own error; a reply frontdesk cannot trust
(wrong hash, off-schema, another message, a DTD, an entity bomb, not SOAP) is refused."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from frontdesk.tiss import tiss_errors
from frontdesk.tiss.models import TokenProof
from frontdesk.tiss.soap import fault_envelope
from frontdesk.tiss.tiss_errors import InvalidReply, UnsafeXml
from frontdesk.tiss.transport import HttpReply

from .harness import LocalTiss, Recorder
from .test_safexml import bomb, xxe

CARD = "0064800012345678"
REASON = TokenProof.of_reason("01")


async def eligibility(operator: LocalTiss, recorder: Recorder | None = None, **changes: object):  # type: ignore[no-untyped-def]
    async with operator.client(recorder=recorder, **changes) as client:  # type: ignore[arg-type]
        return await client.check_eligibility(CARD, REASON)


def editing(old: bytes, new: bytes) -> Callable[[bytes], bytes]:
    def edit(body: bytes) -> bytes:
        assert old in body
        return body.replace(old, new)

    return edit


async def test_a_wrong_password_is_login_invalido(operator: LocalTiss) -> None:
    with pytest.raises(tiss_errors.LoginInvalido):
        await eligibility_with_password(operator, "not-the-key")


async def eligibility_with_password(operator: LocalTiss, password: str) -> None:
    async with operator.client(password=password) as client:
        await client.check_eligibility(CARD, REASON)


async def test_another_login_is_login_invalido(operator: LocalTiss) -> None:
    with pytest.raises(tiss_errors.LoginInvalido):
        await eligibility(operator, login="999")


async def test_another_operator_is_destinatario_invalido(operator: LocalTiss) -> None:
    with pytest.raises(tiss_errors.DestinatarioInvalido):
        await eligibility(operator, registro_ans="888888")


async def test_another_prestador_is_remetente_invalido(operator: LocalTiss) -> None:
    with pytest.raises(tiss_errors.RemetenteInvalido):
        await eligibility(operator, prestador="654321")
    with pytest.raises(tiss_errors.RemetenteInvalido):
        await eligibility(operator, prestador_kind="cnpj", prestador="11222333000181")


async def test_a_cnpj_whose_check_digits_do_not_match_is_remetente_invalido(
    operator: LocalTiss,
) -> None:
    # frontdesk never builds one: the recorder changes the CNPJ's last digit on the way
    recorder = Recorder(operator.transport(), edit=editing(b"11222333000181", b"11222333000182"))
    with pytest.raises(tiss_errors.RemetenteInvalido):
        await eligibility(operator, recorder, prestador_kind="cnpj", prestador="11222333000181")
    assert operator.transactions() == 0


async def test_a_changed_message_is_hash_invalido(operator: LocalTiss) -> None:
    recorder = Recorder(operator.transport(), edit=editing(CARD.encode(), b"0064800012345679"))
    with pytest.raises(tiss_errors.HashInvalido):
        await eligibility(operator, recorder)
    assert operator.transactions() == 0


async def test_an_off_schema_message_is_schema_invalido(operator: LocalTiss) -> None:
    recorder = Recorder(
        operator.transport(), edit=editing(b">VERIFICA_ELEGIBILIDADE<", b">VERIFICA_TUDO<")
    )
    with pytest.raises(tiss_errors.SchemaInvalido):
        await eligibility(operator, recorder)


async def test_another_version_is_versao_invalida_said_as_a_version_mismatch(
    operator: LocalTiss,
) -> None:
    """The wire says 4.00.01 where the client sent 4.01.00: the operator's VersaoInvalida
    names 4.01.00, the version the client believes it sent, so it names none other."""
    recorder = Recorder(operator.transport(), edit=editing(b">4.01.00<", b">4.00.01<"))
    with pytest.raises(tiss_errors.VersionMismatch) as mismatch:
        await eligibility(operator, recorder, version="4.01.00")
    assert (mismatch.value.sent, mismatch.value.answered, mismatch.value.fault) == (
        "4.01.00",
        None,
        True,
    )


async def test_an_unexpected_server_error_is_its_own_fault(operator: LocalTiss) -> None:
    def failing(reply: HttpReply) -> HttpReply:
        return HttpReply(500, "text/xml", fault_envelope("ErroInesperadoServidor"))

    recorder = Recorder(operator.transport(), script={"tissVerificaElegibilidade": [failing]})
    with pytest.raises(tiss_errors.ErroInesperadoServidor):
        await eligibility(operator, recorder)
    assert recorder.calls == ["tissVerificaElegibilidade"]  # a fault is an answer: no retry


def replaced(old: bytes, new: bytes) -> Callable[[HttpReply], HttpReply]:
    def change(reply: HttpReply) -> HttpReply:
        assert old in reply.body, reply.body
        return HttpReply(reply.status, reply.content_type, reply.body.replace(old, new))

    return change


def body(
    data: bytes, status: int = 200, content_type: str = "text/xml"
) -> Callable[[HttpReply], HttpReply]:
    return lambda reply: HttpReply(status, content_type, data)


@pytest.mark.parametrize(
    ("change", "reason"),
    [
        (replaced(b"<ans:nomeBeneficiario>Maria", b"<ans:nomeBeneficiario>Mario"), "hash"),
        (replaced(b"<ans:respostaSolicitacao>S<", b"<ans:respostaSolicitacao>X<"), "schema"),
        (replaced(b"respostaElegibilidadeWS>", b"situacaoAutorizacaoWS>"), "unexpected"),
        (body(b"Not Found", 404, "text/plain"), "http"),
        (body(b"<html><body>proxy error</body></html>", 502, "text/html"), "not_soap"),
    ],
    ids=["hash", "schema", "unexpected", "http", "not_soap"],
)
async def test_replies_that_cannot_be_trusted_are_refused(
    operator: LocalTiss, change: Callable[[HttpReply], HttpReply], reason: str
) -> None:
    recorder = Recorder(operator.transport(), script={"tissVerificaElegibilidade": [change]})
    with pytest.raises(InvalidReply) as refused:
        await eligibility(operator, recorder)
    assert refused.value.reason == reason


@pytest.mark.parametrize("make", [xxe, lambda path: bomb()], ids=["xxe", "entity bomb"])
async def test_a_reply_with_an_xxe_or_an_entity_bomb_is_refused_unread(
    operator: LocalTiss, make: Callable[..., bytes], tmp_path: object
) -> None:
    from pathlib import Path

    secret = Path(str(tmp_path)) / "secret.txt"
    secret.write_text("TOP-SECRET-CONTENT")
    recorder = Recorder(
        operator.transport(), script={"tissVerificaElegibilidade": [body(make(secret))]}
    )
    with pytest.raises(UnsafeXml) as refused:
        await eligibility(operator, recorder)
    assert "TOP-SECRET" not in str(refused.value)
