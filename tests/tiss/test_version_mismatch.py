"""Every message goes out in the settings' version, and a version the operator does not take is
`VersionMismatch` naming both, in each direction, as a fault or as an answer in another
version (an operator written from the protocol module alone: tests/support/tiss_versions.py)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Literal

import pytest
from lxml import etree

from frontdesk.tiss import versions
from frontdesk.tiss.client import TissClient
from frontdesk.tiss.message import text
from frontdesk.tiss.models import TokenProof
from frontdesk.tiss.schema import errors_of
from frontdesk.tiss.sequence import MemorySequence
from frontdesk.tiss.soap import body_of, fault_envelope
from frontdesk.tiss.tiss_errors import TissFault, VersionMismatch
from frontdesk.tiss.tiss_settings import TissSettings
from frontdesk.tiss.transport import HttpReply
from support.tiss_versions import BENEFICIARY, VersionedOperator

from .factories import sp_sadt

CARD = "0064800012345678"
TEMPLATE = "https://ws.operadora.example/tiss/{operation}V{version}.apw"


def client(operator: VersionedOperator, version: str, **changes: Any) -> TissClient:
    settings = TissSettings(
        url=TEMPLATE,
        registro_ans="999999",
        prestador_kind="codigo",
        prestador="123456",
        version=version,
        **changes,
    )
    return TissClient(settings, "senha", sequence=MemorySequence(), transport=operator.transport())


async def eligibility(operator: VersionedOperator, version: str) -> Any:
    async with client(operator, version) as tiss:
        return await tiss.check_eligibility(CARD, TokenProof.of_reason("01"))


@pytest.mark.parametrize("version", versions.numbers())
async def test_each_version_goes_out_and_comes_back_in_its_own_padrao_and_url(
    version: str,
) -> None:
    operator = VersionedOperator(version)
    answer = await eligibility(operator, version)
    assert answer.eligible and answer.beneficiary_name == BENEFICIARY
    assert operator.received == [version]  # the cabeçalho's Padrao (valid in its schemas)
    tag = version.replace(".", "_")
    assert operator.paths == [f"/tiss/tissVerificaElegibilidadeV{tag}.apw"]


@pytest.mark.parametrize(("sent", "speaks"), [("4.03.00", "4.02.00"), ("4.02.00", "4.03.00")])
@pytest.mark.parametrize("otherwise", ["fault", "reply"])
async def test_a_mismatch_names_both_versions_in_each_direction(
    sent: str, speaks: str, otherwise: Literal["fault", "reply"]
) -> None:
    operator = VersionedOperator(speaks, otherwise=otherwise)
    with pytest.raises(VersionMismatch) as mismatch:
        await eligibility(operator, sent)
    assert (mismatch.value.sent, mismatch.value.answered) == (sent, speaks)
    assert mismatch.value.fault is (otherwise == "fault")
    assert mismatch.value.to_try == speaks
    assert not isinstance(mismatch.value, TissFault)  # not "a fault of frontdesk's setup"
    assert operator.received == [sent]  # sent once: a mismatch is not retried


@pytest.mark.parametrize(("sent", "to_try"), [("4.03.00", "4.02.00"), ("4.02.00", "4.03.00"),
                                              ("4.01.00", "4.03.00")])  # fmt: skip
async def test_a_fault_that_names_no_version_suggests_the_other_one_operators_take(
    sent: str, to_try: str
) -> None:
    speaks = "4.02.00" if sent != "4.02.00" else "4.03.00"
    operator = VersionedOperator(speaks, names_version=False)
    with pytest.raises(VersionMismatch) as mismatch:
        await eligibility(operator, sent)
    assert (mismatch.value.sent, mismatch.value.answered) == (sent, None)
    assert mismatch.value.to_try == to_try


class Refusing:
    """Keeps every request, then refuses it as an operator in another version would."""

    def __init__(self) -> None:
        self.messages: list[etree._Element] = []

    async def post(self, url: str, body: bytes, headers: Mapping[str, str]) -> HttpReply:
        self.messages.append(body_of(body))
        return HttpReply(
            500, "text/xml", fault_envelope("VersaoInvalida", "versao aceita: 9.99.99")
        )

    async def aclose(self) -> None:
        return None


@pytest.mark.parametrize("version", versions.numbers())
async def test_every_operation_goes_out_in_the_settings_version_and_its_schemas(
    version: str,
) -> None:
    refusing = Refusing()
    settings = TissSettings(
        url=TEMPLATE, registro_ans="999999", prestador_kind="codigo", prestador="123456",
        cnes="1234567", version=version,
    )  # fmt: skip
    calls = (
        lambda tiss: tiss.check_eligibility(CARD, TokenProof.of_reason("01")),
        lambda tiss: tiss.request_procedures(sp_sadt()),
        lambda tiss: tiss.authorization_status("2026111800019", CARD),
        lambda tiss: tiss.cancel_guide("2026111800019"),
    )
    async with TissClient(settings, "senha", sequence=MemorySequence(), transport=refusing) as tiss:
        for call in calls:
            with pytest.raises(VersionMismatch) as mismatch:
                await call(tiss)
            assert (mismatch.value.sent, mismatch.value.answered) == (version, "9.99.99")
    assert len(refusing.messages) == 4
    for message in refusing.messages:
        assert text(message, "cabecalho", "Padrao") == version
        assert errors_of(message, version) == ()
