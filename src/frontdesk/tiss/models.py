"""TISS messages as typed values: who speaks, what is asked, what is answered.

Pure data (no XML here): `requests` and `replies` turn these into the schema's elements and
back. Values are checked where they are made, so a message that cannot be sent is refused
before anything is sent (`TissInputError` names the field). A validation code never appears
in a `repr`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Final, Literal

from frontdesk.core import cnpj
from frontdesk.core.domain import ABSENCE_REASONS
from frontdesk.core.i18n import t
from frontdesk.tiss import VERSION
from frontdesk.tiss.tiss_errors import TissInputError
from frontdesk.tiss.versions import version_for_cnpj

MAX_CODE_LENGTH: Final = 10
"""`codValidacao` is `st_texto10`: 1 to 10 characters."""

IDENTIFICATIONS: Final = ("01", "02", "03", "04", "05", "06", "07", "08", "09")
"""TUSS table 72, how the beneficiary was identified (`tipoIdent`): 01 magnetic stripe,
02 bar code, 03 physical card, 04 QR code, 05 fingerprint, 06 face, 07 iris, 08 hand
geometry, 09 virtual card."""

PrestadorKind = Literal["codigo", "cnpj", "cpf"]
AuthorizationStatus = Literal[
    "authorized",
    "under_review",
    "denied",
    "awaiting_justification",
    "awaiting_documents",
    "cancelled",
    "partially_authorized",
    "refused",
]
CancelStatus = Literal[
    "cancelled", "not_cancelled", "not_found", "processing", "lot_not_found", "protocol_not_found"
]

# dm_statusSolicitacao (1–7) and what frontdesk calls it; "refused": a mensagemErro instead.
STATUS_OF_CODE: Final[dict[str, AuthorizationStatus]] = {
    "1": "authorized",
    "2": "under_review",
    "3": "denied",
    "4": "awaiting_justification",
    "5": "awaiting_documents",
    "6": "cancelled",
    "7": "partially_authorized",
}
CODE_OF_STATUS: Final = {status: code for code, status in STATUS_OF_CODE.items()}
# dm_statusCancelamento (1–6).
CANCEL_OF_CODE: Final[dict[str, CancelStatus]] = {
    "1": "cancelled",
    "2": "not_cancelled",
    "3": "not_found",
    "4": "processing",
    "5": "lot_not_found",
    "6": "protocol_not_found",
}
CODE_OF_CANCEL: Final = {status: code for code, status in CANCEL_OF_CODE.items()}

_DIGITS = re.compile(r"\d+")


def require(condition: bool, field_name: str, message: str) -> None:
    """`TissInputError(field_name, message)` unless `condition`."""
    if not condition:
        raise TissInputError(field_name, message)


def text_field(value: str, field_name: str, limit: int, *, minimum: int = 1) -> str:
    """`value` if it has `minimum`–`limit` characters and ISO-8859-1 can carry it."""
    require(isinstance(value, str), field_name, "must be text")
    require(minimum <= len(value) <= limit, field_name, f"must have {minimum}–{limit} characters")
    try:
        value.encode("iso-8859-1")
    except UnicodeEncodeError:
        raise TissInputError(field_name, "has characters that ISO-8859-1 cannot carry") from None
    return value


def digits_field(value: str, field_name: str, length: int) -> str:
    require(
        isinstance(value, str) and len(value) == length and bool(_DIGITS.fullmatch(value)),
        field_name,
        f"must be {length} digits",
    )
    return value


@dataclass(frozen=True)
class TokenProof:
    """What the desk carries for the beneficiary: a validation code, or why there is none.

    `codValidacao` (1–10 characters, at most `max_length`) or `ausenciaCodValidacao`
    (TUSS table 74: 01 internado … 07 não possui celular).
    """

    code: str | None = field(default=None, repr=False)
    reason: str | None = None

    def __post_init__(self) -> None:
        require(
            (self.code is None) != (self.reason is None),
            "codValidacao",
            "give either a validation code or an absence reason",
        )
        if self.code is not None:
            code = self.code
            require(
                1 <= len(code) <= MAX_CODE_LENGTH,
                "codValidacao",
                f"must have 1–{MAX_CODE_LENGTH} characters",
            )
            require(
                code.isascii() and code.isprintable() and code.strip() == code and " " not in code,
                "codValidacao",
                "must be visible ASCII characters without spaces",
            )
        if self.reason is not None:
            require(
                self.reason in ABSENCE_REASONS,
                "ausenciaCodValidacao",
                f"must be one of {', '.join(ABSENCE_REASONS)} (TUSS table 74)",
            )

    @classmethod
    def of_code(cls, code: str, *, length: int | None = None) -> TokenProof:
        """A code; `length` (the operator's, 1–10) makes any other length an input error."""
        proof = cls(code=code)
        if length is not None:
            require(len(code) == length, "codValidacao", f"must have {length} characters")
        return proof

    @classmethod
    def of_reason(cls, reason: str) -> TokenProof:
        return cls(reason=reason)

    def __repr__(self) -> str:
        return (
            "TokenProof(code=<hidden>)" if self.code is not None else f"TokenProof({self.reason})"
        )


@dataclass(frozen=True)
class Prestador:
    """The provider as the operator knows it: its code there, or its CNPJ or CPF.

    A CNPJ (numeric or alphanumeric) is checked by its check digits and kept in its normal
    form (`12.abc.345/01de-35` becomes `12ABC34501DE35`); whether a version can carry it is
    the `Header`'s check.
    """

    kind: PrestadorKind
    value: str

    def __post_init__(self) -> None:
        if self.kind == "cnpj":
            require(isinstance(self.value, str), "CNPJ", "must be text")
            try:
                object.__setattr__(self, "value", cnpj.parse(self.value))
            except cnpj.CnpjError as wrong:
                raise TissInputError("CNPJ", str(wrong)) from None
        elif self.kind == "cpf":
            digits_field(self.value, "CPF", 11)
        elif self.kind == "codigo":
            text_field(self.value, "codigoPrestadorNaOperadora", 14)
        else:
            raise TissInputError("prestador", "kind must be codigo, cnpj or cpf")


def cnpj_in_version(prestador: Prestador | None, version: str) -> None:
    """`TissInputError` when `prestador` is a CNPJ that TISS `version` cannot carry (one with
    letters before 4.03.00), in the user's language. A version frontdesk has no schemas for
    is not judged here."""
    if prestador is None or prestador.kind != "cnpj":
        return
    needed = version_for_cnpj(version, prestador.value)
    if needed is not None:
        raise TissInputError("CNPJ", t("tiss.cnpj.version_message", version=version, needed=needed))


@dataclass(frozen=True)
class Party:
    """A cabeçalho's `origem` or `destino`: an operator (registro ANS) or a prestador."""

    registro_ans: str | None = None
    prestador: Prestador | None = None

    def __post_init__(self) -> None:
        require(
            (self.registro_ans is None) != (self.prestador is None),
            "origem/destino",
            "either a registro ANS or a prestador",
        )
        if self.registro_ans is not None:
            digits_field(self.registro_ans, "registroANS", 6)


@dataclass(frozen=True)
class Header:
    """The cabeçalho: transaction type and number, when, from whom, to whom, login."""

    transaction: str  # tipoTransacao, e.g. VERIFICA_ELEGIBILIDADE
    sequence: str  # sequencialTransacao, 1–12 characters, unique per prestador
    date: str  # dataRegistroTransacao, YYYY-MM-DD (America/Sao_Paulo)
    time: str  # horaRegistroTransacao, HH:MM:SS
    origin: Party
    destination: Party
    version: str = VERSION  # Padrao; a client passes its settings' version
    login: str | None = None
    password_digest: str | None = field(default=None, repr=False)
    business_failure: str | None = None  # falhaNegocio: a table 38 code

    def __post_init__(self) -> None:
        text_field(self.sequence, "sequencialTransacao", 12)
        for party in (self.origin, self.destination):
            cnpj_in_version(party.prestador, self.version)
        if self.login is not None:
            text_field(self.login, "loginPrestador", 20)
            require(bool(self.password_digest), "senhaPrestador", "a login needs a password")


@dataclass(frozen=True)
class Glosa:
    """A glosa or negativa (TUSS table 38): its code, the description to show, and the
    operator's own wording when it sent one."""

    code: str
    description: str = ""
    operator_description: str = ""


@dataclass(frozen=True)
class Eligibility:
    """The answer to VerificaElegibilidade."""

    eligible: bool
    card: str
    beneficiary_name: str | None = None
    social_name: str | None = None
    glosas: tuple[Glosa, ...] = ()
    sequence: str = ""

    @property
    def display_name(self) -> str | None:
        """The name to call the beneficiary by: the social name when there is one."""
        return self.social_name or self.beneficiary_name


@dataclass(frozen=True)
class Authorization:
    """The answer to SolicitacaoProcedimento or SolicitacaoStatusAutorizacao.

    `recovered`: obtained by a status query after the request's own answer was lost.
    """

    status: AuthorizationStatus
    guide_number: str
    operator_number: str | None = None
    senha: str | None = None
    valid_until: str | None = None
    authorized_on: str | None = None
    beneficiary_name: str | None = None
    glosas: tuple[Glosa, ...] = ()
    sequence: str = ""
    recovered: bool = False
    social_name: str | None = None  # nomeSocialBeneficiario

    @property
    def display_name(self) -> str | None:
        """The name to call the beneficiary by: the social name when there is one."""
        return self.social_name or self.beneficiary_name


@dataclass(frozen=True)
class Cancellation:
    """The answer to CancelaGuia for one guide (or the operator's refusal, with glosas)."""

    status: CancelStatus | Literal["refused"]
    guide_number: str | None = None
    glosas: tuple[Glosa, ...] = ()
    sequence: str = ""


@dataclass(frozen=True)
class Procedure:
    """One requested procedure (TUSS table 22 by default). Odontologia also needs `value`."""

    code: str
    description: str
    quantity: int = 1
    table: str = "22"
    value: Decimal | None = None  # valorProc (odonto)
    tooth: str | None = None  # codDente (odonto)
    region: str | None = None  # codRegiao (odonto)
    faces: str | None = None  # denteFace (odonto)

    def __post_init__(self) -> None:
        text_field(self.code, "codigoProcedimento", 10)
        text_field(self.description, "descricaoProcedimento", 150)
        require(
            isinstance(self.quantity, int) and 1 <= self.quantity <= 99,
            "quantidadeSolicitada",
            "must be 1–99",
        )
        require(self.tooth is None or self.region is None, "denteRegiao", "a tooth or a region")


@dataclass(frozen=True)
class Professional:
    """The requesting professional of an SP/SADT request (`profissionalSolicitante`)."""

    council: str  # conselhoProfissional, e.g. "06" CRM
    number: str  # numeroConselhoProfissional
    uf: str  # UF code, e.g. "41" Paraná
    cbos: str  # CBO-S, e.g. "225125" médico clínico
    name: str | None = None


@dataclass(frozen=True)
class SpSadtRequest:
    """A request for SP/SADT procedures (`solicitacaoSP-SADT`)."""

    guide_number: str  # numeroGuiaPrestador
    card: str
    proof: TokenProof | None  # None: neither a code nor a reason (operators may refuse it)
    procedures: tuple[Procedure, ...]
    requester_name: str  # nomeContratadoSolicitante
    professional: Professional
    character: Literal["1", "2"] = "1"  # caraterAtendimento: eletiva, urgência/emergência
    requested_on: str | None = None  # dataSolicitacao (default: today)
    clinical_indication: str | None = None
    newborn: bool = False
    identification: str | None = None  # tipoIdent (table 72)

    def __post_init__(self) -> None:
        text_field(self.guide_number, "numeroGuiaPrestador", 20)
        text_field(self.card, "numeroCarteira", 20)
        text_field(self.requester_name, "nomeContratadoSolicitante", 70)
        require(bool(self.procedures), "procedimentosSolicitados", "at least one procedure")
        _identification(self.identification)


@dataclass(frozen=True)
class DentalTeam:
    """The executing dentist of an odontologia request (`dadosProfissionaisResponsaveis`)."""

    code: str  # codigoProfExec: the professional's code at the operator
    cro: str  # croExec
    uf: str  # ufExec
    cnes: str  # cnesExec
    cbos: str = "223208"  # cbosExec2: cirurgião-dentista clínico geral


@dataclass(frozen=True)
class OdontoRequest:
    """A request for dental procedures (`solicitacaoOdontologia`, the GTO)."""

    guide_number: str
    card: str
    proof: TokenProof | None
    procedures: tuple[Procedure, ...]
    plan: str  # planoBeneficiario
    team: DentalTeam
    care_type: str = "1"  # tipoAtendimento: 1 tratamento odontológico
    newborn: bool = False
    identification: str | None = None

    def __post_init__(self) -> None:
        text_field(self.guide_number, "numeroGuiaPrestador", 20)
        text_field(self.card, "numeroCarteira", 20)
        text_field(self.plan, "planoBeneficiario", 40)
        require(bool(self.procedures), "procedimentosSolicitados", "at least one procedure")
        for procedure in self.procedures:
            require(procedure.value is not None, "valorProc", "every procedure needs a value")
        _identification(self.identification)

    @property
    def total(self) -> Decimal:
        """valorTotalProc: the sum of the procedures' values times their quantities."""
        return sum(((p.value or Decimal(0)) * p.quantity for p in self.procedures), Decimal("0.00"))


def _identification(value: str | None) -> None:
    require(
        value is None or value in IDENTIFICATIONS,
        "tipoIdent",
        "must be 01–09 (TUSS table 72)",
    )
