"""The embedded local TISS operator (`config.embedded_tiss`): the versions it accepts are a
parameter of the composition, every version by default."""

from __future__ import annotations

from dataclasses import replace

import pytest

from frontdesk.backend.clock import ManualClock
from frontdesk.local.embedded_operator import EmbeddedOperator, embedded_operator
from frontdesk.tiss.client import TissClient
from frontdesk.tiss.models import TokenProof
from frontdesk.tiss.sequence import MemorySequence
from frontdesk.tiss.tiss_errors import VersionMismatch

MARIA_CARD = "0064800012345678"


async def eligible(operator: EmbeddedOperator, version: str, sequence: MemorySequence) -> bool:
    """One eligibility check in `version`, at that version's path of the operator."""
    url = f"http://127.0.0.1/v1/tiss/v{version}/{{operation}}"  # in this process: the path
    client = TissClient(
        replace(operator.settings, url=url, version=version),
        operator.password,
        sequence=sequence,  # one prestador's numbers: never the same one twice
        transport=operator.transport,
    )
    answer = await client.check_eligibility(MARIA_CARD, TokenProof.of_reason("01"))
    return answer.eligible


async def test_the_embedded_operator_accepts_every_version_by_default() -> None:
    operator = embedded_operator(":memory:", clock=ManualClock(1_763_000_000))
    sequence = MemorySequence()
    try:
        for version in ("4.03.00", "4.02.00", "4.01.00"):
            assert await eligible(operator, version, sequence) is True
    finally:
        await operator.transport.aclose()
        operator.backend.close()


async def test_the_embedded_operator_can_play_one_that_moved_on() -> None:
    operator = embedded_operator(
        ":memory:", clock=ManualClock(1_763_000_000), tiss_versions=["4.03.00"]
    )
    sequence = MemorySequence()
    try:
        assert await eligible(operator, "4.03.00", sequence) is True
        for version in ("4.02.00", "4.01.00"):
            with pytest.raises(VersionMismatch) as refused:  # its VersaoInvalida, said
                await eligible(operator, version, sequence)
            assert (refused.value.sent, refused.value.fault) == (version, True)
            assert refused.value.to_try == "4.03.00"
    finally:
        await operator.transport.aclose()
        operator.backend.close()
