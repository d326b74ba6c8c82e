"""TLS to a TISS operator is verified: with the profile's CA bundle the check goes through,
without it the operator is unreachable (certificate not trusted), and nothing is sent."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from frontdesk.tiss import VERSION as LOCAL_VERSION  # the local operator's
from frontdesk.tiss.client import TissClient
from frontdesk.tiss.models import TokenProof
from frontdesk.tiss.sequence import SequenceFile
from frontdesk.tiss.tiss_errors import TissUnavailable
from frontdesk.tiss.tiss_settings import TissSettings
from support.isolation import Served

pytestmark = pytest.mark.served


def client(served: Served, tmp_path: Path, ca_bundle: Path | None, sleep: Any = None) -> TissClient:
    settings = TissSettings(
        url=served.url + f"/tiss/v{LOCAL_VERSION}/{{operation}}",
        registro_ans="999999",
        prestador_kind="codigo",
        prestador="123456",
        ca_bundle=ca_bundle,
        connect_timeout=5.0,
        version=LOCAL_VERSION,
    )
    return TissClient(
        settings,
        served.key,
        sequence=SequenceFile(tmp_path / "seq.sqlite3"),
        **({"sleep": sleep} if sleep else {}),
    )


async def test_the_profiles_ca_bundle_is_trusted(served_https: Served, tmp_path: Path) -> None:
    assert served_https.url.startswith("https://") and served_https.ca is not None
    async with client(served_https, tmp_path, served_https.ca) as tiss:
        answer = await tiss.check_eligibility("0064800012345678", TokenProof.of_reason("01"))
    assert (answer.eligible, answer.beneficiary_name) == (True, "Maria Aparecida Souza")


async def test_without_the_ca_the_certificate_is_not_trusted_and_not_retried(
    served_https: Served, tmp_path: Path
) -> None:
    slept: list[float] = []

    async def sleep(seconds: float) -> None:
        slept.append(seconds)

    async with client(served_https, tmp_path, None, sleep) as tiss:
        with pytest.raises(TissUnavailable, match="TLS certificate not trusted") as refused:
            await tiss.check_eligibility("0064800012345678", TokenProof.of_reason("01"))
    assert refused.value.retryable is False
    assert slept == []  # a certificate does not get better by asking again


def test_an_unreadable_ca_bundle_is_said_before_any_call(
    served_https: Served, tmp_path: Path
) -> None:
    with pytest.raises(TissUnavailable, match="CA bundle"):
        client(served_https, tmp_path, tmp_path / "missing.pem")
