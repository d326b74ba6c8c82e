"""The local TISS operator's front door: every message checked, then answered once.

The operator accepts some TISS versions (all by default: `frontdesk serve --tiss-versions`
chooses); each version has its own path, and a message is checked and answered in its
path's version. A request is read with `frontdesk.tiss.safexml` (no DTD, no entities) and
checked in this order, each failure answered with its standard SOAP Fault (HTTP 500):

1. the path's version is one the operator accepts: else `VersaoInvalida`;
2. a SOAP envelope holding one Body with this service's request: else `SchemaInvalido` (a
   second Body or message too, never ignored; a DTD, an XXE or an entity bomb: unread);
3. its `Padrao` is the path's version: else `VersaoInvalida` (read before the schemas, so a
   4.03.00 message at the 4.01.00 path is told the version, not a schema error);
4. valid against the path version's schemas: else `SchemaInvalido`;
5. `destino` is this operator's registro ANS: else `DestinatarioInvalido`;
6. `origem` is the prestador it knows: else `RemetenteInvalido`;
7. login = the prestador's code and password = MD5 of the backend's API key: else
   `LoginInvalido` (compared in constant time);
8. the epílogo hash matches the contents (item 115): else `HashInvalido`.

Then, in one store transaction: a (prestador, sequencialTransacao) already answered gets the
same answer again (the same bytes) if the request is the same (same hash), glosa 3167
SEQUENCIAL INVÁLIDO if it is not; a new one is answered by `answers` and kept. Every
answer is in the request's version, schema-valid and hashed. The log names the service,
the outcome and the sequence number, never a message, a card, a code or a password.
"""

from __future__ import annotations

import hmac
import logging
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from typing import cast

from lxml import etree

from frontdesk.backend.service import LocalBackend
from frontdesk.backend.tiss.answers import Answers, Kind
from frontdesk.backend.tiss.identity import LOGIN, PRESTADOR_CODE, REGISTRO_ANS
from frontdesk.backend.tiss.records import Connected, TissRecords
from frontdesk.tiss.hashing import message_hash, password_digest, same_hash
from frontdesk.tiss.message import (
    CANCEL,
    ELIGIBILITY,
    OPERATIONS,
    PROCEDURES,
    STATUS,
    Operation,
    q,
    read_header,
    text,
    transaction_date_time,
)
from frontdesk.tiss.models import Glosa, Header, OdontoRequest, Party, Prestador
from frontdesk.tiss.replies import (
    build_authorization_reply,
    build_cancel_reply,
    build_eligibility_reply,
    build_refusal,
    glosa,
)
from frontdesk.tiss.requests import read_cancel, read_eligibility, read_procedures, read_status
from frontdesk.tiss.safexml import charset_of
from frontdesk.tiss.schema import errors_of
from frontdesk.tiss.soap import body_of, envelope, fault_envelope
from frontdesk.tiss.tiss_errors import InvalidReply, TissError, TissInputError, UnsafeXml

log = logging.getLogger("frontdesk.server")


@dataclass(frozen=True)
class Answer:
    """An HTTP answer: status and SOAP body; `outcome` is what the access log says."""

    status: int
    body: bytes
    outcome: str


class Fault(Exception):
    def __init__(self, code: str, detail: str) -> None:
        self.code = code
        self.detail = detail
        super().__init__(f"{code}: {detail}")


class LocalOperator:
    """Answers the four TISS services for `backend`; the prestador's password is `api_key`;
    `versions` are the TISS versions it accepts (newest first)."""

    def __init__(self, backend: LocalBackend, api_key: str, versions: tuple[str, ...]) -> None:
        self.backend = backend
        self.versions = versions
        # Digested as the client digests it (item 114: ISO-8859-1), so a key with "é" logs in.
        self._password_md5 = password_digest(api_key).encode()
        store = backend.store
        if not callable(getattr(store, "connection", None)):
            raise TypeError("the local TISS operator needs a store that lends its connection")
        self.records = TissRecords(cast(Connected, store))
        self.answers = Answers(backend, self.records)

    def handle(self, version: str, service: str, body: bytes, content_type: str | None) -> Answer:
        """The answer to one POST on `service` (a WSDL service name it speaks) at the path of
        `version` (as the path spells it: any text)."""
        operation = OPERATIONS[service]
        try:
            if version not in self.versions:
                raise Fault("VersaoInvalida", f"this operator accepts TISS {self._spoken()}")
            message, header = self._checked(operation, version, body, content_type)
            return self._answer(operation, message, header)
        except Fault as fault:
            log.warning("TISS %s refused: %s", service, fault.code)
            return Answer(500, fault_envelope(fault.code, fault.detail), f"fault:{fault.code}")
        except Exception as error:  # never a traceback or its text to a caller, or to the log
            log.error("TISS %s failed: %s", service, type(error).__name__)
            return Answer(
                500,
                fault_envelope("ErroInesperadoServidor", "the operator failed; try again"),
                "fault:ErroInesperadoServidor",
            )

    # -- the checks ---------------------------------------------------------------------------

    def _spoken(self) -> str:
        return ", ".join(self.versions)

    def _checked(
        self, operation: Operation, version: str, body: bytes, content_type: str | None
    ) -> tuple[etree._Element, Header]:
        message = self._read(operation, version, body, content_type)
        return message, self._identified(message)

    @staticmethod
    def _read(
        operation: Operation, version: str, body: bytes, content_type: str | None
    ) -> etree._Element:
        """The request element, in `version` and valid against its schemas (checks 2–4)."""
        try:
            message = body_of(body, charset=charset_of(content_type))
        except (UnsafeXml, InvalidReply) as error:
            raise Fault("SchemaInvalido", f"not a TISS SOAP message: {error}") from None
        except TissError:  # a Fault sent to the operator
            raise Fault("SchemaInvalido", "a SOAP Fault is not a request") from None
        if message.tag != q(operation.request):
            raise Fault("SchemaInvalido", f"{operation.service} takes {operation.request}")
        padrao = text(message, "cabecalho", "Padrao")
        if padrao is not None and padrao.strip() != version:
            raise Fault("VersaoInvalida", f"this address takes TISS {version}")
        problems = errors_of(message, version)
        if problems:
            raise Fault("SchemaInvalido", "; ".join(problems)[:400])
        return message

    def _identified(self, message: etree._Element) -> Header:
        """The cabeçalho of a valid request, once destino, origem, login and hash are this
        operator's, its prestador's and right (checks 5–8)."""
        if text(message, "cabecalho", "destino", "registroANS") != REGISTRO_ANS:
            raise Fault("DestinatarioInvalido", f"this operator is registro ANS {REGISTRO_ANS}")
        try:
            header = read_header(message)
        except TissInputError:  # an origem no prestador here can have (a CNPJ's digits…)
            raise Fault("RemetenteInvalido", "unknown prestador") from None
        if header.origin.prestador != Prestador("codigo", PRESTADOR_CODE):
            raise Fault("RemetenteInvalido", "unknown prestador")
        given = (header.password_digest or "").strip().lower().encode()
        login_ok = hmac.compare_digest(given, self._password_md5)
        if header.login != LOGIN or not login_ok:
            raise Fault("LoginInvalido", "login or password not accepted")
        if not same_hash(text(message, "hash") or "", message_hash(message, strict=False)):
            raise Fault("HashInvalido", "the epílogo hash does not match the contents")
        return header

    # -- the answer ---------------------------------------------------------------------------

    def _answer(self, operation: Operation, message: etree._Element, header: Header) -> Answer:
        prestador = header.origin.prestador
        assert prestador is not None
        who = f"{prestador.kind}:{prestador.value}"
        digest = (text(message, "hash") or "").strip().lower()
        now = self.backend.clock.now()
        reply_header = self._reply_header(operation, header, now)
        store = self.backend.store
        with store.transaction():
            prior = self.records.transaction(who, header.sequence)
            if prior is not None:
                if prior.service == operation.service and prior.digest == digest:
                    return Answer(200, prior.answer, "replayed")
                refusal = build_refusal(operation, reply_header, glosa("3167"))
                return Answer(200, envelope(refusal), "refused:3167")
            if header.transaction != operation.request_transaction:
                refusal = build_refusal(operation, reply_header, glosa("3148"))
                return Answer(200, envelope(refusal), "refused:3148")
            reply, outcome = self._dispatch(operation, message, reply_header, who, now)
            answer = envelope(reply)
            self.records.put_transaction(
                who, header.sequence, operation.service, digest, answer, now
            )
        return Answer(200, answer, outcome)

    def _dispatch(
        self,
        operation: Operation,
        message: etree._Element,
        reply_header: Header,
        who: str,
        now: float,
    ) -> tuple[etree._Element, str]:
        if operation is ELIGIBILITY:
            return self._eligibility(message, reply_header, now)
        if operation is PROCEDURES:
            return self._procedures(message, reply_header, who, now)
        if operation is STATUS:
            return self._status(message, reply_header, who, now)
        assert operation is CANCEL
        return self._cancel(message, reply_header, who, now)

    def _eligibility(
        self, message: etree._Element, reply_header: Header, now: float
    ) -> tuple[etree._Element, str]:
        query = read_eligibility(message)
        result = self.answers.eligibility(query, now)
        reason = query.proof.reason if query.proof is not None else None
        reply = build_eligibility_reply(reply_header, REGISTRO_ANS, result, reason=reason)
        return reply, "eligible" if result.eligible else "not_eligible"

    def _procedures(
        self, message: etree._Element, reply_header: Header, who: str, now: float
    ) -> tuple[etree._Element, str]:
        try:
            query = read_procedures(message)
        except TissInputError:  # internação, prorrogação: not spoken here
            return build_refusal(PROCEDURES, reply_header, glosa("1301")), "refused"
        request = query.request
        authorization = self.answers.procedures(request, who, now, query.malformed_proof)
        kind: Kind = "odonto" if isinstance(request, OdontoRequest) else "sp_sadt"
        if kind == "odonto":
            reply_header = _with_transaction(reply_header, "AUTORIZACAO_ODONTOLOGIA")
        reply = build_authorization_reply(
            PROCEDURES,
            reply_header,
            authorization,
            kind=kind,
            card=request.card,
            procedures=request.procedures,
        )
        return reply, authorization.status

    def _status(
        self, message: etree._Element, reply_header: Header, who: str, now: float
    ) -> tuple[etree._Element, str]:
        query = read_status(message)
        if query.prestador != reply_header.destination.prestador:  # not the one logged in
            return build_refusal(STATUS, reply_header, _other_prestador()), "refused:1203"
        authorization, kind, card = self.answers.status(query, who, now)
        reply = build_authorization_reply(
            STATUS,
            reply_header,
            authorization,
            kind=kind,
            card=card,
            procedures=self.answers.procedures_of(query.guide_number),
        )
        return reply, authorization.status

    def _cancel(
        self, message: etree._Element, reply_header: Header, who: str, now: float
    ) -> tuple[etree._Element, str]:
        queries = read_cancel(message)
        if not queries:  # a lot cancellation: no lots here
            return build_refusal(CANCEL, reply_header, glosa("1307")), "refused"
        prestador = reply_header.destination.prestador  # the one logged in: the origem
        assert prestador is not None
        if any(query.prestador != prestador for query in queries):
            return build_refusal(CANCEL, reply_header, _other_prestador()), "refused:1203"
        results = [self.answers.cancel(query, who, now) for query in queries]
        return build_cancel_reply(reply_header, REGISTRO_ANS, prestador, results), "cancelled"

    @staticmethod
    def _reply_header(operation: Operation, request: Header, now: float) -> Header:
        date, clock = transaction_date_time(datetime.fromtimestamp(now, tz=UTC))
        return Header(
            transaction=operation.reply_transactions[0],
            sequence=request.sequence,
            date=date,
            time=clock,
            origin=Party(registro_ans=REGISTRO_ANS),
            destination=request.origin,
            version=request.version,
        )


def _other_prestador() -> Glosa:
    """Glosa 1203 CÓDIGO PRESTADOR INVÁLIDO: the body names another prestador than the one
    logged in (the cabeçalho's origem); a prestador acts only on its own guides."""
    return glosa("1203", "O prestador da mensagem não é o prestador identificado no cabeçalho")


def _with_transaction(header: Header, transaction: str) -> Header:
    return replace(header, transaction=transaction)
