"""A clinic known to its operator by an alphanumeric CNPJ, on TISS 4.03.00, driven by Pilot: a
guide started by hand (F4) goes out with the CNPJ as the header's origem and the guide's
`cnpjContratado`, valid against 4.03.00's schemas (and refused by 4.02.00's), and the
operator's 4.03.00 answer, addressed to that CNPJ, authorizes it.

The operator is the local one (its 4.03.00 path, the clinic by its code) behind `CnpjOperator`,
which stands for a 4.03.00 operator: it keeps what the desk sent, relays it as the local
operator speaks, and tells its answer back in 4.03.00 to the CNPJ (hash re-sealed both ways).
"""

from __future__ import annotations

import copy
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

import pytest
from lxml import etree

from frontdesk.backend.tiss.identity import LOGIN, PRESTADOR_CODE
from frontdesk.tiss.message import find, local_name, q, seal, text
from frontdesk.tiss.schema import errors_of
from frontdesk.tiss.soap import body_of, envelope
from frontdesk.tiss.transport import HttpReply

from .desk_harness import press, running, screen_name, text_of
from .tiss_harness import ANA, TissCounter, make_tiss_counter

CNPJ = "12ABC34501DE35"
CNPJ_ELEMENTS = ("CNPJ", "cnpjContratado")


def _retold(message: etree._Element, version: str, *, to_cnpj: bool) -> etree._Element:
    """`message` in `version`, the clinic named by its CNPJ (`to_cnpj`) or by its code."""
    told = copy.deepcopy(message)
    padrao = find(told, "cabecalho", "Padrao")
    assert padrao is not None
    padrao.text = version
    for node in list(told.iter()):
        name = local_name(node) if isinstance(node.tag, str) else ""
        if to_cnpj and name == "codigoPrestadorNaOperadora" and node.text == PRESTADOR_CODE:
            parent = node.getparent()
            assert parent is not None
            in_header = parent is not None and local_name(parent) == "identificacaoPrestador"
            node.tag = q("CNPJ" if in_header else "cnpjContratado")
            node.text = CNPJ
        elif not to_cnpj and name in CNPJ_ELEMENTS and node.text == CNPJ:
            node.tag = q("codigoPrestadorNaOperadora")
            node.text = PRESTADOR_CODE
    digest = told.find(q("hash"))
    assert digest is not None
    told.remove(digest)
    return seal(told)


class CnpjOperator:
    """A 4.03.00 operator that knows the clinic by its alphanumeric CNPJ (see the module)."""

    def __init__(self, inner: Any) -> None:
        self.inner = inner
        self.sent: list[etree._Element] = []

    async def post(self, url: str, body: bytes, headers: Mapping[str, str]) -> HttpReply:
        message = body_of(body)
        self.sent.append(message)
        relayed = envelope(_retold(message, "4.03.00", to_cnpj=False))
        reply: HttpReply = await self.inner.post(url, relayed, headers)
        answer = body_of(reply.body)  # a fault would be raised here: the test fails on it
        told = envelope(_retold(answer, "4.03.00", to_cnpj=True))
        return HttpReply(reply.status, reply.content_type, told)

    async def aclose(self) -> None:
        await self.inner.aclose()


@pytest.fixture
def counter(tmp_path: Path) -> Iterator[TissCounter]:
    made = make_tiss_counter(
        tmp_path,
        settings={
            "prestador_kind": "cnpj",
            "prestador": "12.abc.345/01de-35",  # as the technician typed it
            "version": "4.03.00",
            "login": LOGIN,
        },
    )
    made.desk.client._transport = CnpjOperator(made.desk.client._transport)
    yield made
    made.close()


def operator_of(counter: TissCounter) -> CnpjOperator:
    operator = counter.desk.client._transport
    assert isinstance(operator, CnpjOperator)
    return operator


async def test_a_guide_by_hand_goes_out_with_the_alphanumeric_cnpj_and_is_authorized(
    counter: TissCounter,
) -> None:
    assert counter.desk.data.settings.prestador == CNPJ
    async with running(counter) as pilot:
        await press(pilot, *"0064800034567812", "f4")
        assert screen_name(pilot.app) == "NewGuideModal"
        await press(pilot, *"40302040", "enter")
        assert screen_name(pilot.app) == "TissGuideScreen"
        number = pilot.app.screen.guide.number
        await press(pilot, "e", "enter", *await counter.app_code(ANA), "enter")
        assert pilot.app.screen.guide.status == "authorized"
        assert "registre a senha no sistema da clínica" in text_of(pilot.app, "#tiss-result-write")
        assert pilot.app.bugs == []

    (request,) = [
        m for m in operator_of(counter).sent if local_name(m) == "solicitacaoProcedimentoWS"
    ]
    assert text(request, "cabecalho", "Padrao") == "4.03.00"
    assert text(request, "cabecalho", "origem", "identificacaoPrestador", "CNPJ") == CNPJ
    sp_sadt = find(request, "solicitacaoProcedimento", "solicitacaoSP-SADT")
    assert sp_sadt is not None
    assert text(sp_sadt, "cabecalhoSolicitacao", "numeroGuiaPrestador") == number
    assert text(sp_sadt, "dadosSolicitante", "contratadoSolicitante", "cnpjContratado") == CNPJ
    assert errors_of(request, "4.03.00") == ()
    older = copy.deepcopy(request)
    padrao = find(older, "cabecalho", "Padrao")
    assert padrao is not None
    padrao.text = "4.02.00"
    refused = errors_of(older, "4.02.00")
    assert refused and all(CNPJ in problem for problem in refused)
