"""The TISS client against the local operator, in this process: each operation end to end,
retries of the read-only calls, and a lost SolicitacaoProcedimento answer that is settled by
a status query, never by a second request."""

from __future__ import annotations

from dataclasses import replace

import pytest

from frontdesk.core.contacts import digits_only
from frontdesk.tiss.models import TokenProof
from frontdesk.tiss.sequence import MemorySequence
from frontdesk.tiss.tiss_errors import OutcomeUnknown, TissInputError, TissTimeout, TissUnavailable
from support.demo import ANA, CARLOS, JOAO, LUIZ, MARIA

from .factories import odonto, sp_sadt
from .harness import LocalTiss, Recorder

SP = "tissSolicitacaoProcedimento"
STATUS = "tissSolicitacaoStatusAutorizacao"
ELIGIBILITY = "tissVerificaElegibilidade"


def awaiting(operator: LocalTiss, name: str, kind: str | None = None) -> tuple[str, str]:
    """(guide number, card digits) of one of `name`'s guides awaiting a token."""
    for item in operator.backend.list_guides("awaiting_token", None)["items"]:
        if item["beneficiary"]["name"] == name and kind in (None, item["type"]):
            return item["number"], digits_only(item["beneficiary"]["card"])
    raise AssertionError(f"no awaiting guide of {name}")


def card_of(operator: LocalTiss, name: str) -> str:
    for item in operator.backend.list_guides(None, None)["items"]:
        if item["beneficiary"]["name"] == name:
            return digits_only(item["beneficiary"]["card"])
    raise AssertionError(name)


async def test_eligibility_with_the_app_code_a_sac_code_and_a_reason(operator: LocalTiss) -> None:
    card = card_of(operator, MARIA)
    app_code = operator.backend.sim_app_code(card)["code"]
    guide, _ = awaiting(operator, MARIA)
    sac_code = operator.backend.sim_sac_code(guide)["code"]
    async with operator.client() as client:
        for proof in (TokenProof.of_code(app_code), TokenProof.of_code(sac_code)):
            answer = await client.check_eligibility(card, proof)
            assert (answer.eligible, answer.beneficiary_name, answer.glosas) == (True, MARIA, ())
        answer = await client.check_eligibility(
            card_of(operator, CARLOS), TokenProof.of_reason("07")
        )
        assert (answer.eligible, answer.beneficiary_name) == (True, CARLOS)
        # Checking does not use the codes up: the SAC code still releases the guide.
        assert operator.backend.validate(guide, sac_code)["status"] == "authorized"


async def test_eligibility_shows_the_social_name(operator: LocalTiss) -> None:
    async with operator.client() as client:
        answer = await client.check_eligibility(card_of(operator, LUIZ), TokenProof.of_reason("01"))
    assert (answer.beneficiary_name, answer.display_name) == (LUIZ, "Luíza Ferreira")


async def test_a_wrong_or_expired_code_is_not_eligible_with_glosa_3156(operator: LocalTiss) -> None:
    guide, card = awaiting(operator, MARIA)
    sac_code = operator.backend.sim_sac_code(guide)["code"]
    app_code = operator.backend.sim_app_code(card)["code"]
    wrong = next(c for c in ("000000", "111111", "222222") if c not in (sac_code, app_code))
    async with operator.client() as client:
        answer = await client.check_eligibility(card, TokenProof.of_code(wrong))
        assert (answer.eligible, answer.beneficiary_name) == (False, MARIA)
        (glosa,) = answer.glosas
        assert (glosa.code, glosa.description) == ("3156", "TOKEN INVÁLIDO")
        assert glosa.operator_description == "Código de validação não confere"
        operator.clock.advance(31 * 60)  # the SAC code's 30 minutes are over
        answer = await client.check_eligibility(card, TokenProof.of_code(sac_code))
        assert answer.eligible is False
        assert [(g.code, g.operator_description) for g in answer.glosas] == [
            ("3156", "Código de validação expirado; solicite um novo")
        ]
    with operator.backend.store.transaction():
        failures = operator.backend.store.failure_times(card, 0)
    assert len(failures) == 2  # wrong codes count against the card's daily ceiling


async def test_an_unknown_card_is_glosa_1001(operator: LocalTiss) -> None:
    async with operator.client() as client:
        answer = await client.check_eligibility("0064800099999999", TokenProof.of_reason("01"))
    assert (answer.eligible, answer.beneficiary_name) == (False, None)
    assert [(g.code, g.description) for g in answer.glosas] == [
        ("1001", "NÚMERO DA CARTEIRA INVÁLIDO")
    ]


async def test_sp_sadt_with_the_app_code_is_authorized_with_a_senha(operator: LocalTiss) -> None:
    guide, card = awaiting(operator, ANA, "sp_sadt")
    code = operator.backend.sim_app_code(card)["code"]
    async with operator.client() as client:
        answer = await client.request_procedures(
            replace(sp_sadt(guide, TokenProof.of_code(code)), card=card)
        )
        assert answer.status == "authorized"
        stored = operator.backend.get_guide(guide)
        assert stored["status"] == "authorized"
        assert answer.senha == stored["authorization"]["number"]
        assert answer.valid_until == stored["authorization"]["valid_until"]
        assert answer.operator_number == stored["operator_number"]
        assert (answer.guide_number, answer.beneficiary_name, answer.recovered) == (
            guide,
            ANA,
            False,
        )
        status = await client.authorization_status(guide, card)
    assert (status.status, status.senha) == ("authorized", answer.senha)


async def test_odonto_with_a_sac_code_then_cancelled(operator: LocalTiss) -> None:
    guide, card = awaiting(operator, MARIA, "odonto")
    code = operator.backend.sim_sac_code(guide)["code"]
    async with operator.client() as client:
        answer = await client.request_procedures(
            replace(odonto(guide, TokenProof.of_code(code)), card=card)
        )
        assert answer.status == "authorized" and answer.senha
        cancelled = await client.cancel_guide(guide, operator_number=answer.operator_number)
        assert (cancelled.status, cancelled.guide_number) == ("cancelled", guide)
        status = await client.authorization_status(guide, card)
    assert (status.status, status.senha) == ("cancelled", None)
    assert operator.backend.get_guide(guide)["status"] == "cancelled"


async def test_reasons_follow_the_policy_01_authorizes_07_goes_to_analysis(
    operator: LocalTiss,
) -> None:
    first, card = awaiting(operator, ANA, "sp_sadt")
    other, other_card = awaiting(operator, CARLOS, "sp_sadt")
    async with operator.client() as client:
        urgent = await client.request_procedures(
            replace(sp_sadt(first, TokenProof.of_reason("01")), card=card)
        )
        no_phone = await client.request_procedures(
            replace(sp_sadt(other, TokenProof.of_reason("07")), card=other_card)
        )
        status = await client.authorization_status(other, other_card)
    assert urgent.status == "authorized" and urgent.senha
    assert (no_phone.status, no_phone.senha) == ("under_review", None)
    assert status.status == "under_review"
    assert operator.backend.get_guide(other)["absence_reason"] == "07"


async def test_a_wrong_code_is_denied_then_the_right_one_authorizes(operator: LocalTiss) -> None:
    guide, card = awaiting(operator, MARIA, "odonto")
    code = operator.backend.sim_sac_code(guide)["code"]
    wrong = "000000" if code != "000000" else "111111"
    async with operator.client() as client:
        denied = await client.request_procedures(
            replace(odonto(guide, TokenProof.of_code(wrong)), card=card)
        )
        assert denied.status == "denied"
        assert [(g.code, g.description) for g in denied.glosas] == [("3156", "TOKEN INVÁLIDO")]
        status = await client.authorization_status(guide, card)
        assert (status.status, [g.code for g in status.glosas]) == ("denied", ["3156"])
        assert operator.backend.get_token(guide)["attempts_left"] == 4
        authorized = await client.request_procedures(
            replace(odonto(guide, TokenProof.of_code(code)), card=card)
        )
    assert authorized.status == "authorized"


async def test_a_new_guide_number_becomes_a_request_at_the_operator(operator: LocalTiss) -> None:
    card = card_of(operator, JOAO)
    async with operator.client() as client:
        answer = await client.request_procedures(
            replace(sp_sadt("CLINICA-000123", TokenProof.of_reason("02")), card=card)
        )
        status = await client.authorization_status("CLINICA-000123", card)
    assert answer.status == "authorized" and answer.operator_number
    assert status.senha == answer.senha
    guide = operator.backend.get_guide("CLINICA-000123")
    assert (guide["type"], guide["status"], guide["beneficiary"]["name"]) == (
        "sp_sadt",
        "authorized",
        JOAO,
    )


async def test_a_status_query_for_an_unknown_request_is_refused_with_glosa_1307(
    operator: LocalTiss,
) -> None:
    guide, card = awaiting(operator, MARIA)
    async with operator.client() as client:
        answer = await client.authorization_status(guide, card)
    assert answer.status == "refused"
    assert [(g.code, g.description) for g in answer.glosas] == [("1307", "NÚMERO DA GUIA INVÁLIDO")]


async def test_a_lost_sp_answer_is_settled_by_a_status_query_without_a_second_request(
    operator: LocalTiss,
) -> None:
    guide, card = awaiting(operator, ANA, "sp_sadt")
    recorder = Recorder(operator.transport(), script={SP: ["lose"]})
    async with operator.client(recorder=recorder) as client:
        answer = await client.request_procedures(
            replace(sp_sadt(guide, TokenProof.of_reason("01")), card=card)
        )
    assert recorder.calls == [SP, STATUS]
    assert operator.transactions(SP) == 1  # the operator saw one request, not two
    assert (answer.status, answer.recovered) == ("authorized", True)
    assert answer.senha == operator.backend.get_guide(guide)["authorization"]["number"]


async def test_a_lost_sp_that_never_arrived_is_outcome_unknown_and_not_resent(
    operator: LocalTiss,
) -> None:
    guide, card = awaiting(operator, ANA, "sp_sadt")
    recorder = Recorder(operator.transport(), script={SP: ["drop"]})
    async with operator.client(recorder=recorder) as client:
        with pytest.raises(OutcomeUnknown) as unknown:
            await client.request_procedures(
                replace(sp_sadt(guide, TokenProof.of_reason("01")), card=card)
            )
    assert recorder.calls == [SP, STATUS]
    assert operator.transactions(SP) == 0
    assert unknown.value.guide == guide and unknown.value.sequence == "1"
    assert operator.backend.get_guide(guide)["status"] == "awaiting_token"


async def test_resending_with_the_same_sequence_gets_the_first_answer(operator: LocalTiss) -> None:
    guide, card = awaiting(operator, ANA, "sp_sadt")
    request = replace(sp_sadt(guide, TokenProof.of_reason("01")), card=card)
    recorder = Recorder(operator.transport())
    async with operator.client(recorder=recorder, sequence=MemorySequence(start=41)) as client:
        first = await client.request_procedures(request)
        again = await client.request_procedures(request, sequence=first.sequence)
    assert first.sequence == "42"
    assert again == first
    assert operator.transactions(SP) == 1


async def test_an_sp_that_could_not_be_sent_is_a_timeout_with_nothing_sent(
    operator: LocalTiss,
) -> None:
    guide, card = awaiting(operator, ANA, "sp_sadt")
    recorder = Recorder(operator.transport(), script={SP: ["refuse"]})
    async with operator.client(recorder=recorder) as client:
        with pytest.raises(TissTimeout) as timeout:
            await client.request_procedures(replace(sp_sadt(guide), card=card))
    assert timeout.value.sent is False
    assert recorder.calls == [SP]


async def test_eligibility_and_status_are_retried_with_the_same_sequence(
    operator: LocalTiss,
) -> None:
    guide, card = awaiting(operator, ANA, "sp_sadt")
    recorder = Recorder(
        operator.transport(), script={ELIGIBILITY: ["gateway", "lose"], STATUS: ["reset"]}
    )
    async with operator.client(recorder=recorder) as client:
        answer = await client.check_eligibility(card, TokenProof.of_reason("01"))
        status = await client.authorization_status(guide, card)
    assert answer.eligible is True
    assert status.status == "refused"
    assert recorder.calls == [ELIGIBILITY] * 3 + [STATUS] * 2
    assert len({body for body in recorder.bodies[:3]}) == 1  # one transaction, sent again
    assert operator.transactions(ELIGIBILITY) == 1  # the lost one, answered again


async def test_retries_end_in_a_clear_error(operator: LocalTiss) -> None:
    recorder = Recorder(operator.transport(), script={ELIGIBILITY: ["gateway"] * 5})
    async with operator.client(recorder=recorder, retries=1) as client:
        with pytest.raises(TissUnavailable):
            await client.check_eligibility("0064800012345678", TokenProof.of_reason("01"))
    assert recorder.calls == [ELIGIBILITY] * 2


async def test_bad_input_is_refused_before_anything_is_sent(operator: LocalTiss) -> None:
    recorder = Recorder(operator.transport())
    async with operator.client(recorder=recorder) as client:
        with pytest.raises(TissInputError, match="numeroCarteira"):
            await client.check_eligibility("0" * 21, TokenProof.of_reason("01"))
    assert recorder.calls == []


async def test_when_the_status_query_fails_too_the_outcome_is_unknown(operator: LocalTiss) -> None:
    guide, card = awaiting(operator, ANA, "sp_sadt")
    recorder = Recorder(operator.transport(), script={SP: ["lose"], STATUS: ["refuse"] * 3})
    async with operator.client(recorder=recorder) as client:
        with pytest.raises(OutcomeUnknown, match="status query failed too"):
            await client.request_procedures(
                replace(sp_sadt(guide, TokenProof.of_reason("01")), card=card)
            )
    assert recorder.calls == [SP, STATUS, STATUS, STATUS]  # the status retried, never the SP
    assert operator.transactions(SP) == 1
