"""Every message goes out in the settings' version, and a version the operator does not take is
`VersionMismatch` naming both, in each direction, as a fault or as an answer in another
version (an operator written from the protocol module alone: tests/support/tiss_versions.py)."""

from __future__ import annotations

from typing import Any, Literal

import pytest

from frontdesk.tiss import versions
from frontdesk.tiss.client import TissClient
from frontdesk.tiss.errors import TissFault, VersionMismatch
from frontdesk.tiss.models import TokenProof
from frontdesk.tiss.sequence import MemorySequence
from frontdesk.tiss.settings import TissSettings
from support.tiss_versions import BENEFICIARY, VersionedOperator

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
