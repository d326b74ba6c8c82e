"""A client no one here wrote: zeep, with the official WSDLs of each version, against the local
TISS operator of a real `frontdesk serve` on a loopback socket.

zeep builds every request from the WSDL's schemas (nothing of frontdesk.tiss builds or reads a
message here; the epílogo hash is computed by this file's own reading of item 115) and parses
every reply and every fault with the same schemas. The WSDLs and XSDs are served to zeep from
the installed package, never from the network. The official `xmldsig-core-schema.xsd` carries
a DTD with internal entities, which zeep refuses unless `forbid_entities=False`: that is
allowed while the package's schemas load, and never for a message (`with client.settings`).
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from typing import Any

import httpx
import pytest
import zeep
from lxml import etree
from zeep.exceptions import Fault
from zeep.plugins import Plugin
from zeep.transports import Transport

from frontdesk.tiss import versions
from frontdesk.tiss.versions import TissVersion
from support.isolation import SERVED_KEY, served_app_code, start_serve, stop_serve

pytestmark = pytest.mark.served

ANS = "http://www.ans.gov.br/padroes/tiss/schemas"
PACKAGE = "http://frontdesk-package.invalid/"
"""The base URL zeep resolves the WSDLs' imports against; `PackageFiles` answers it."""

REGISTRO_ANS = "999999"
PRESTADOR = "123456"
ANA = "0064800034567812"  # Ana Beatriz Lima, the demo's card with the operator's app


class PackageFiles(Transport):  # type: ignore[misc]
    """Serves `PACKAGE/<version>/<file>` from the installed package; loads nothing else."""

    def load(self, url: str) -> bytes:
        if not url.startswith(PACKAGE):
            raise AssertionError(f"zeep tried to load {url!r}: only package files may load")
        number, name = url.removeprefix(PACKAGE).split("/")[-2:]
        version = versions.get(number)
        if name.endswith(".wsdl"):
            service = name.removesuffix(f"V{version.tag}.wsdl")
            return version.wsdl(service).read_bytes()
        return version.folder.joinpath(name).read_bytes()


class EpilogueHash(Plugin):  # type: ignore[misc]
    """Writes the epílogo hash (item 115) as the standard defines it: MD5 of the contents of
    every element of the message, concatenated as they stand, without tags, in ISO-8859-1."""

    def egress(self, envelope: Any, http_headers: Any, operation: Any, binding_options: Any) -> Any:
        body = envelope.find("{http://schemas.xmlsoap.org/soap/envelope/}Body")
        (message,) = list(body)
        holder = message.find(f"{{{ANS}}}hash")
        holder.text = ""
        contents = "".join(message.itertext())
        holder.text = hashlib.md5(contents.encode("iso-8859-1")).hexdigest()
        return envelope, http_headers


@dataclass
class Operator:
    url: str  # the served backend's base URL, …/v1


@pytest.fixture(scope="module")
def operator(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Operator]:
    process, url = start_serve(tmp_path_factory.mktemp("zeep"))
    try:
        yield Operator(url)
    finally:
        stop_serve(process)


def service_of(
    operator: Operator, version: TissVersion, service: str, path: TissVersion | None = None
) -> Any:
    """A zeep client and service proxy for `service` in `version`, bound to the operator's
    address for that version (or for `path`'s)."""
    wsdl = f"{PACKAGE}{version.number}/{service}V{version.tag}.wsdl"
    settings = zeep.Settings(strict=True, forbid_entities=False, forbid_external=False)
    client = zeep.Client(
        wsdl, transport=PackageFiles(), settings=settings, plugins=[EpilogueHash()]
    )
    binding = f"{{{version.wsdl_namespace(service)}}}{service}_Binding"
    address = f"{operator.url}/tiss/v{(path or version).number}/{service}"
    return client, client.create_service(binding, address)


def header(version: TissVersion, transaction: str, sequence: int, password: str) -> dict[str, Any]:
    return {
        "identificacaoTransacao": {
            "tipoTransacao": transaction,
            "sequencialTransacao": str(sequence),
            "dataRegistroTransacao": date.today(),
            "horaRegistroTransacao": "08:00:00",
        },
        "origem": {"identificacaoPrestador": {"codigoPrestadorNaOperadora": PRESTADOR}},
        "destino": {"registroANS": REGISTRO_ANS},
        "Padrao": version.number,
        "loginSenhaPrestador": {
            "loginPrestador": PRESTADOR,
            "senhaPrestador": hashlib.md5(password.encode("iso-8859-1")).hexdigest(),
        },
    }


_sequence = iter(range(1000, 100000))


def call(
    operator: Operator, version: TissVersion, service: str, body_name: str, body: Any, **kw: Any
) -> Any:
    """One operation with zeep: the reply as zeep parsed it (a Fault raises)."""
    client, proxy = service_of(operator, version, service, kw.pop("path", None))
    transaction = kw.pop("transaction")
    password = kw.pop("password", SERVED_KEY)
    with client.settings(forbid_entities=True, forbid_dtd=True, forbid_external=True):
        return proxy[f"{service}_Operation"](
            cabecalho=header(version, transaction, next(_sequence), password),
            **{body_name: body},
            hash="",
        )


def eligibility(operator: Operator, version: TissVersion, card: str, **kw: Any) -> Any:
    return call(
        operator,
        version,
        "tissVerificaElegibilidade",
        "pedidoElegibilidade",
        {
            "dadosPrestador": {"codigoPrestadorNaOperadora": PRESTADOR},
            "numeroCarteira": card,
            "ausenciaCodValidacao": "01",
        },
        transaction="VERIFICA_ELEGIBILIDADE",
        **kw,
    )


@pytest.fixture(params=versions.VERSIONS, ids=versions.numbers())
def version(request: pytest.FixtureRequest) -> TissVersion:
    return request.param  # type: ignore[no-any-return]


def test_eligibility_answered_and_parsed_by_zeep(operator: Operator, version: TissVersion) -> None:
    reply = eligibility(operator, version, ANA)
    assert reply.cabecalho.Padrao == version.number
    assert reply.cabecalho.identificacaoTransacao.tipoTransacao == "SITUACAO_ELEGIBILIDADE"
    answer = reply.respostaElegibilidade.reciboElegibilidade
    assert answer.numeroCarteira == ANA
    assert answer.nomeBeneficiario == "Ana Beatriz Lima"
    assert answer.respostaSolicitacao == "S"


def test_an_unknown_card_is_a_reply_with_a_glosa(operator: Operator, version: TissVersion) -> None:
    reply = eligibility(operator, version, "0064800000000000")
    assert reply.respostaElegibilidade.reciboElegibilidade is None
    assert reply.respostaElegibilidade.codigoGlosa.codigoGlosa == "1001"  # CARTEIRA INVÁLIDO


def test_a_wrong_password_is_a_fault_zeep_parses(operator: Operator, version: TissVersion) -> None:
    client, _ = service_of(operator, version, "tissVerificaElegibilidade")
    with pytest.raises(Fault) as raised:
        eligibility(operator, version, ANA, password="not the key")
    detail = raised.value.detail
    (fault,) = list(detail)
    parsed = client.get_element(f"{{{ANS}}}tissFaultWS").parse(fault, client.wsdl.types)
    assert parsed.tissFault == "LoginInvalido"


def sp_sadt(guide: str, code: str) -> dict[str, Any]:
    """An SP/SADT request (a blood count) for Ana, as zeep's objects."""
    return {
        "solicitacaoSP-SADT": {
            "cabecalhoSolicitacao": {"registroANS": REGISTRO_ANS, "numeroGuiaPrestador": guide},
            "codValidacao": code,
            "tipoEtapaAutorizacao": "1",
            "dadosBeneficiario": {"numeroCarteira": ANA, "atendimentoRN": "N"},
            "dadosSolicitante": {
                "contratadoSolicitante": {"codigoPrestadorNaOperadora": PRESTADOR},
                "nomeContratadoSolicitante": "Clínica Sorriso",
                "profissionalSolicitante": {
                    "nomeProfissional": "Dra. Conceição Araújo",
                    "conselhoProfissional": "06",
                    "numeroConselhoProfissional": "123456",
                    "UF": "41",
                    "CBOS": "225125",
                },
            },
            "caraterAtendimento": "1",
            "dataSolicitacao": date.today(),
            "indicacaoClinica": "Investigação de anemia",
            "procedimentosSolicitados": [
                {
                    "procedimento": {
                        "codigoTabela": "22",
                        "codigoProcedimento": "40304361",
                        "descricaoProcedimento": "Hemograma com contagem de plaquetas",
                    },
                    "quantidadeSolicitada": 1,
                }
            ],
        }
    }


def request_procedure(operator: Operator, version: TissVersion, guide: str, code: str) -> Any:
    return call(
        operator,
        version,
        "tissSolicitacaoProcedimento",
        "solicitacaoProcedimento",
        sp_sadt(guide, code),
        transaction="SOLICITACAO_PROCEDIMENTOS",
    )


def status(operator: Operator, version: TissVersion, guide: str) -> Any:
    return call(
        operator,
        version,
        "tissSolicitacaoStatusAutorizacao",
        "solicitacaoStatusAutorizacao",
        {
            "identificacaoSolicitacao": {"registroANS": REGISTRO_ANS, "numeroGuiaPrestador": guide},
            "dadosBeneficiario": {"numeroCarteira": ANA, "atendimentoRN": "N"},
            "dadosContratado": {"codigoPrestadorNaOperadora": PRESTADOR},
        },
        transaction="SOLICITA_STATUS_AUTORIZACAO",
    )


def cancel(operator: Operator, version: TissVersion, guide: str) -> Any:
    return call(
        operator,
        version,
        "tissCancelaGuia",
        "cancelaGuia",
        {
            "dadosPrestador": {"codigoPrestadorNaOperadora": PRESTADOR},
            "tipoCancelamento": {
                "tipoCancelamentoGuia": [{"tipoGuia": "2", "numeroGuiaPrestador": guide}]
            },
        },
        transaction="CANCELA_GUIA",
    )


def app_code(operator: Operator) -> str:
    """What Ana's app shows now (the simulator's `GET /v1/_local/app-code`), after moving the
    operator's clock past the last code's window (an app code is accepted once)."""
    auth = {"Authorization": f"Bearer {SERVED_KEY}"}
    moved = httpx.post(
        f"{operator.url}/_local/clock", json={"advance_seconds": 90}, headers=auth, timeout=10
    )
    assert moved.status_code == 200, moved.text
    return served_app_code(operator.url, ANA)


def test_the_four_operations_release_and_cancel_a_guide(
    operator: Operator, version: TissVersion
) -> None:
    """Eligibility with the app's code, the request authorized with a senha, its status, and
    its cancellation: every reply zeep's own parse of the version's schemas."""
    guide = f"ZEEP{version.tag}"
    code = app_code(operator)
    checked = call(
        operator,
        version,
        "tissVerificaElegibilidade",
        "pedidoElegibilidade",
        {
            "dadosPrestador": {"codigoPrestadorNaOperadora": PRESTADOR},
            "numeroCarteira": ANA,
            "codValidacao": code,
        },
        transaction="VERIFICA_ELEGIBILIDADE",
    )
    assert checked.respostaElegibilidade.reciboElegibilidade.respostaSolicitacao == "S"

    authorized = request_procedure(operator, version, guide, code)
    assert authorized.cabecalho.Padrao == version.number
    assert authorized.cabecalho.identificacaoTransacao.tipoTransacao == "RESPOSTA_SOLICITACAO"
    service = authorized.autorizacaoProcedimento.autorizacaoServico
    assert service.dadosAutorizacao.numeroGuiaPrestador == guide
    assert service.statusSolicitacao == "1"  # autorizado
    assert service.dadosAutorizacao.senha

    found = status(operator, version, guide)
    assert found.cabecalho.identificacaoTransacao.tipoTransacao == "STATUS_AUTORIZACAO"
    assert found.cabecalho.Padrao == version.number
    assert found.situacaoAutorizacao.autorizacaoServico.statusSolicitacao == "1"

    cancelled = cancel(operator, version, guide)
    assert cancelled.cabecalho.identificacaoTransacao.tipoTransacao == "CANCELAMENTO_GUIA_RECIBO"
    assert cancelled.cabecalho.Padrao == version.number
    (receipt,) = (
        cancelled.reciboCancelaGuia.reciboCancelaGuia.retornoStatus.guiasCanceladas.dadosGuia
    )
    assert receipt.numeroGuiaPrestador == guide
    assert receipt.statusCancelamento == "1"  # cancelado com sucesso


def test_a_wrong_code_is_denied_with_glosa_3156(operator: Operator, version: TissVersion) -> None:
    denied = request_procedure(operator, version, f"ZEEPNEG{version.tag}", "000000")
    service = denied.autorizacaoProcedimento.autorizacaoServico
    assert service.statusSolicitacao == "3"  # negado
    assert service.motivosNegativa.codigoGlosa == ["3156"]  # TOKEN INVÁLIDO


def test_the_status_of_an_unknown_guide_is_glosa_1307(
    operator: Operator, version: TissVersion
) -> None:
    found = status(operator, version, "NOSUCHGUIDE")
    assert found.situacaoAutorizacao.mensagemErro.codigoGlosa == "1307"


def test_a_message_in_another_version_is_a_versao_invalida_fault(
    operator: Operator, version: TissVersion
) -> None:
    """A message whose Padrao is not the path's version: the fault, parsed by zeep."""
    other = next(v for v in versions.VERSIONS if v is not version)
    client, _ = service_of(operator, version, "tissVerificaElegibilidade")
    with pytest.raises(Fault) as raised:
        eligibility(operator, version, ANA, path=other)
    (fault,) = list(raised.value.detail)
    parsed = client.get_element(f"{{{ANS}}}tissFaultWS").parse(fault, client.wsdl.types)
    assert parsed.tissFault == "VersaoInvalida"


def test_the_wsdls_load_only_from_the_package() -> None:
    with pytest.raises(AssertionError, match="only package files"):
        PackageFiles().load("http://example.invalid/x.xsd")
    wsdl = PackageFiles().load(f"{PACKAGE}4.02.00/tissCancelaGuiaV4_02_00.wsdl")
    assert etree.fromstring(wsdl).get("name") == "tissCancelaGuia"
